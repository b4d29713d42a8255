"""Reading and writing events, storylines, context items, article features and embeddings.

Clustering works on batches, so every read here takes a list of ids (or a date range)
and every write is a bulk statement; nothing is looked up one row at a time in a loop.
The loaders at the bottom turn rows into `model.Event` / `model.Storyline` for the
export, the CLI and the web UI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.cluster.features import ArticleFeatures
from storyline.enrich.embed import from_bytes, to_bytes
from storyline.errors import NotFound
from storyline.model import (
    Analysis,
    Article,
    ContextItem,
    Event,
    LocalEntity,
    Mention,
    Quote,
    Sentence,
    Storyline,
    TimeRef,
)
from storyline.store import articles as article_repo
from storyline.store.schema import (
    article_entities,
    article_features,
    articles,
    context_items,
    embeddings,
    entities,
    event_articles,
    events,
    mentions,
    quotes,
    sentences,
    storylines,
    timerefs,
    utcnow,
)

CHUNK = 500  # ids per IN (...) clause: well under SQLite's variable limit


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- what clustering reads ----------------------------------------------------------------


def pending(conn: Connection, limit: int | None = None) -> list[str]:
    """Enriched articles not yet clustered, in processing order (published, id)."""
    query = (
        sa.select(articles.c.id)
        .where(articles.c.enriched_at.is_not(None), articles.c.clustered_at.is_(None))
        .order_by(sa.func.coalesce(articles.c.published, ""), articles.c.id)
    )
    if limit:
        query = query.limit(limit)
    return list(conn.scalars(query))


def load_articles(conn: Connection, ids: Sequence[str]) -> list[Article]:
    return article_repo.get_many(conn, ids)


def load_analyses(conn: Connection, ids: Sequence[str]) -> dict[str, Analysis]:
    """What enrichment stored for each article: sentences, mentions, entities, quotes, dates."""
    found = {i: Analysis(article=i) for i in ids}
    for chunk in _chunks(list(ids)):
        for r in conn.execute(sa.select(sentences).where(sentences.c.article.in_(chunk))):
            found[r.article].sentences.append(Sentence(r.article, r.idx, r.start, r.end, r.kind))
        for r in conn.execute(sa.select(article_entities).where(article_entities.c.article.in_(chunk))):
            found[r.article].entities.append(LocalEntity(r.local, r.name, r.label, entity=r.entity))
        query = sa.select(mentions).where(mentions.c.article.in_(chunk)).order_by(mentions.c.start)
        for r in conn.execute(query):
            found[r.article].mentions.append(
                Mention(r.article, r.start, r.end, r.text, r.label, r.local, r.entity)
            )
        for r in conn.execute(sa.select(quotes).where(quotes.c.article.in_(chunk))):
            found[r.article].quotes.append(
                Quote(
                    r.id,
                    r.article,
                    r.text,
                    r.kind,
                    r.start,
                    r.end,
                    speaker=r.speaker,
                    speaker_name=r.speaker_name,
                )
            )
        for r in conn.execute(sa.select(timerefs).where(timerefs.c.article.in_(chunk))):
            found[r.article].timerefs.append(
                TimeRef(r.id, r.article, r.text, r.value, r.start, r.end, r.granularity, r.precise)
            )
    for analysis in found.values():
        analysis.sentences.sort(key=lambda s: s.index)
        analysis.timerefs.sort(key=lambda t: t.start)
    return found


def load_features(conn: Connection, ids: Sequence[str]) -> dict[str, ArticleFeatures]:
    found: dict[str, ArticleFeatures] = {}
    for chunk in _chunks(list(ids)):
        for row in conn.execute(sa.select(article_features).where(article_features.c.article.in_(chunk))):
            found[row.article] = ArticleFeatures.from_row(row)
    return found


def write_features(conn: Connection, features: Sequence[ArticleFeatures]) -> None:
    """Replace the stored features of these articles."""
    ids = [f.article for f in features]
    for chunk in _chunks(ids):
        conn.execute(article_features.delete().where(article_features.c.article.in_(chunk)))
    if features:
        conn.execute(article_features.insert(), [f.to_row() for f in features])


def load_vectors(conn: Connection, ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(embeddings.c.article, embeddings.c.vector).where(
            embeddings.c.article.in_(chunk), embeddings.c.model == model
        )
        for row in conn.execute(query):
            found[row.article] = from_bytes(row.vector)
    return found


def write_vectors(conn: Connection, vectors: dict[str, np.ndarray], model: str) -> None:
    """Store one vector per article (replacing an older one)."""
    ids = list(vectors)
    for chunk in _chunks(ids):
        conn.execute(embeddings.delete().where(embeddings.c.article.in_(chunk)))
    if ids:
        conn.execute(
            embeddings.insert(), [{"article": i, "model": model, "vector": to_bytes(vectors[i])} for i in ids]
        )


def enriched_at(conn: Connection, ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(articles.c.id, articles.c.enriched_at).where(articles.c.id.in_(chunk))
        found.update({r.id: r.enriched_at for r in conn.execute(query)})
    return found


def published_of(conn: Connection, ids: Sequence[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(articles.c.id, articles.c.published).where(articles.c.id.in_(chunk))
        found.update({r.id: r.published for r in conn.execute(query)})
    return found


# --- event state ---------------------------------------------------------------------------


def event_of_articles(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """article → event for those of the given articles that are in one."""
    found: dict[str, str] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(event_articles.c.article, event_articles.c.event).where(
            event_articles.c.article.in_(chunk)
        )
        found.update({r.article: r.event for r in conn.execute(query)})
    return found


def events_near(conn: Connection, lo: str, hi: str, months: Iterable[str], years: Iterable[str]) -> list[str]:
    """Events dated within [lo, hi] (ISO days), in one of the given months or years, or
    undated: the events a batch of articles dated around [lo, hi] may join."""
    coarse = sorted(set(months) | set(years))
    query = sa.select(events.c.id).where(
        sa.or_(events.c.date.is_(None), events.c.date.between(lo, hi), events.c.date.in_(coarse))
    )
    return sorted(conn.scalars(query))


def undated_events(conn: Connection) -> list[str]:
    return sorted(conn.scalars(sa.select(events.c.id).where(events.c.date.is_(None))))


def members(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[str]]:
    """event → its article ids, sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(list(event_ids)):
        query = sa.select(event_articles.c.event, event_articles.c.article).where(
            event_articles.c.event.in_(chunk)
        )
        for row in conn.execute(query):
            found[row.event].append(row.article)
    return {e: sorted(found[e]) for e in event_ids if found.get(e)}


def storyline_of_events(conn: Connection, event_ids: Sequence[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for chunk in _chunks(list(event_ids)):
        query = sa.select(events.c.id, events.c.storyline).where(events.c.id.in_(chunk))
        found.update({r.id: r.storyline for r in conn.execute(query)})
    return found


def detach_articles(conn: Connection, ids: Sequence[str]) -> None:
    """Take articles out of their events (their metadata changed: they are clustered anew)."""
    for chunk in _chunks(list(ids)):
        conn.execute(event_articles.delete().where(event_articles.c.article.in_(chunk)))
        conn.execute(context_items.delete().where(context_items.c.article.in_(chunk)))


def save_events(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace event rows (keyed by id); `updated_at` is set to now."""
    if not rows:
        return
    now = utcnow()
    ids = [r["id"] for r in rows]
    existing: set[str] = set()
    for chunk in _chunks(ids):
        existing |= set(conn.scalars(sa.select(events.c.id).where(events.c.id.in_(chunk))))
    new = [{**r, "updated_at": now} for r in rows if r["id"] not in existing]
    if new:
        conn.execute(events.insert(), new)
    for r in rows:
        if r["id"] in existing:
            conn.execute(events.update().where(events.c.id == r["id"]).values(**r, updated_at=now))


def delete_events(conn: Connection, ids: Sequence[str]) -> None:
    for chunk in _chunks(list(ids)):
        conn.execute(events.delete().where(events.c.id.in_(chunk)))


def save_assignments(conn: Connection, rows: Sequence[tuple[str, str, float]]) -> None:
    """(article, event, score) rows, replacing any earlier assignment of those articles."""
    ids = [r[0] for r in rows]
    for chunk in _chunks(ids):
        conn.execute(event_articles.delete().where(event_articles.c.article.in_(chunk)))
    if rows:
        conn.execute(
            event_articles.insert(), [{"article": a, "event": e, "score": round(s, 4)} for a, e, s in rows]
        )


def move_members(conn: Connection, moves: dict[str, str], storyline_of: dict[str, str | None]) -> None:
    """Articles and context items of merged-away events (keys) to the events that took
    them in (values), whose storyline the context items take."""
    for gone, keep in sorted(moves.items()):
        _repoint(conn, "event", gone, keep, storyline_of.get(keep))


def move_articles(conn: Connection, moves: dict[str, str], storyline_of: dict[str, str | None]) -> None:
    """Single articles, with their context items, to other events (an event cut in two)."""
    for article, event in sorted(moves.items()):
        _repoint(conn, "article", article, event, storyline_of.get(event))


def _repoint(conn: Connection, by: str, key: str, event: str, storyline: str | None) -> None:
    """Membership rows and context items whose `by` column ("event" or "article") is
    `key`, to `event` and its storyline."""
    conn.execute(event_articles.update().where(event_articles.c[by] == key).values(event=event))
    conn.execute(
        context_items.update().where(context_items.c[by] == key).values(event=event, storyline=storyline)
    )


def article_events(conn: Connection) -> dict[str, str]:
    """Every clustered article → its event."""
    return {
        r.article: r.event for r in conn.execute(sa.select(event_articles.c.article, event_articles.c.event))
    }


# --- storylines ---------------------------------------------------------------------------


def storyline_ids_near(conn: Connection, lo: str, hi: str) -> list[str]:
    """Storylines holding an event dated within [lo, hi] or an undated one."""
    query = (
        sa.select(events.c.storyline)
        .where(
            events.c.storyline.is_not(None),
            sa.or_(events.c.date.is_(None), events.c.date.between(lo, hi)),
        )
        .distinct()
    )
    return sorted(conn.scalars(query))


def storyline_events(conn: Connection, storyline_ids: Sequence[str]) -> dict[str, list[str]]:
    """storyline → its event ids, sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(list(storyline_ids)):
        query = sa.select(events.c.storyline, events.c.id).where(events.c.storyline.in_(chunk))
        for row in conn.execute(query):
            found[row.storyline].append(row.id)
    return {s: sorted(v) for s, v in found.items()}


def entity_names(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, str]:
    """Display names of resolved entities: the given ones, or those events name as
    participants (what `storyline events` prints)."""
    if ids is None:
        ids = sorted({p for (ps,) in conn.execute(sa.select(events.c.participants)) for p in ps or []})
    return {k: name for k, (name, _) in entity_name_types(conn, ids).items()}


def entity_name_types(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(display name, type) of resolved entities."""
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(entities.c.id, entities.c.name, entities.c.type).where(entities.c.id.in_(chunk))
        found.update({r.id: (r.name, r.type) for r in conn.execute(query)})
    return found


def event_rows(conn: Connection, event_ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in _chunks(list(event_ids)):
        found.update({r.id: r for r in conn.execute(sa.select(events).where(events.c.id.in_(chunk)))})
    return found


def save_storylines(conn: Connection, rows: Sequence[tuple[str, str]]) -> None:
    """Insert or retitle storylines: (id, title) rows."""
    now = utcnow()
    ids = [r[0] for r in rows]
    existing: set[str] = set()
    for chunk in _chunks(ids):
        existing |= set(conn.scalars(sa.select(storylines.c.id).where(storylines.c.id.in_(chunk))))
    new = [{"id": i, "title": t, "updated_at": now} for i, t in rows if i not in existing]
    if new:
        conn.execute(storylines.insert(), new)
    for i, t in rows:
        if i in existing:
            conn.execute(storylines.update().where(storylines.c.id == i).values(title=t, updated_at=now))


def set_storylines(conn: Connection, assignment: dict[str, str]) -> None:
    """event → storyline."""
    for event_id, storyline_id in sorted(assignment.items()):
        conn.execute(events.update().where(events.c.id == event_id).values(storyline=storyline_id))


def delete_empty_storylines(conn: Connection) -> None:
    used = sa.select(events.c.storyline).where(events.c.storyline.is_not(None))
    conn.execute(storylines.delete().where(storylines.c.id.not_in(used)))


def replace_context(conn: Connection, event_ids: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """The context items of these events, replaced."""
    for chunk in _chunks(list(event_ids)):
        conn.execute(context_items.delete().where(context_items.c.event.in_(chunk)))
    if rows:
        conn.execute(context_items.insert(), list(rows))


def set_context_storyline(conn: Connection, event_ids: Sequence[str], storyline_of: dict[str, str]) -> None:
    for event_id in event_ids:
        conn.execute(
            context_items.update()
            .where(context_items.c.event == event_id)
            .values(storyline=storyline_of.get(event_id))
        )


# --- loaders for export, CLI, web ---------------------------------------------------------


def _event(row: Any, article_ids: list[str]) -> Event:
    return Event(
        id=row.id,
        title=row.title,
        date=row.date,
        articles=article_ids,
        participants=list(row.participants or []),
        location=row.location,
        kind=row.kind,
        storyline=row.storyline,
        granularity=row.granularity,
    )


_EVENT_ORDER = (sa.func.coalesce(events.c.date, "9999"), events.c.id)


def _events(conn: Connection, where: Any = None) -> list[Event]:
    query = sa.select(events).order_by(*_EVENT_ORDER)
    if where is not None:
        query = query.where(where)
    rows = list(conn.execute(query))
    membership = members(conn, [r.id for r in rows])
    published = published_of(conn, [a for ids in membership.values() for a in ids])
    order = {a: (published.get(a) or "", a) for a in published}
    return [_event(r, sorted(membership.get(r.id, []), key=lambda a: order.get(a, ("", a)))) for r in rows]


def all_events(conn: Connection) -> list[Event]:
    """Every event, by date (undated last), each with its articles by publication."""
    return _events(conn)


def get_event(conn: Connection, event_id: str) -> Event:
    found = _events(conn, events.c.id == event_id)
    if not found:
        raise NotFound(f"no event with id {event_id!r}; `storyline events` lists them")
    return found[0]


def events_of_storyline(conn: Connection, storyline_id: str) -> list[Event]:
    """The storyline's timeline: its events by date."""
    return _events(conn, events.c.storyline == storyline_id)


def context_of_storylines(conn: Connection, storyline_ids: Sequence[str]) -> dict[str, list[ContextItem]]:
    """Background happenings per storyline, by date, one item per (date, sentence text)."""
    found: dict[str, list[ContextItem]] = defaultdict(list)
    seen: set[tuple[str, str | None, str]] = set()
    for chunk in _chunks(list(storyline_ids)):
        query = (
            sa.select(context_items)
            .where(context_items.c.storyline.in_(chunk))
            .order_by(context_items.c.date, context_items.c.article, context_items.c.start)
        )
        for r in conn.execute(query):
            key = (r.storyline, r.date, r.text)
            if key not in seen:
                seen.add(key)
                found[r.storyline].append(ContextItem(r.text, r.date, r.article, r.start, r.end))
    return found


def all_storylines(conn: Connection) -> list[Storyline]:
    """Every storyline with its events in date order and its mentioned context."""
    rows = list(conn.execute(sa.select(storylines).order_by(storylines.c.id)))
    ids = [r.id for r in rows]
    context = context_of_storylines(conn, ids)
    timeline: dict[str, list[str]] = defaultdict(list)
    query = (
        sa.select(events.c.id, events.c.storyline)
        .where(events.c.storyline.is_not(None))
        .order_by(*_EVENT_ORDER)
    )
    for r in conn.execute(query):
        timeline[r.storyline].append(r.id)
    return [Storyline(r.id, r.title, timeline.get(r.id, []), context.get(r.id, [])) for r in rows]


def get_storyline(conn: Connection, storyline_id: str) -> Storyline:
    row = conn.execute(sa.select(storylines).where(storylines.c.id == storyline_id)).first()
    if row is None:
        raise NotFound(f"no storyline with id {storyline_id!r}; `storyline timeline` lists them")
    events_ = [e.id for e in events_of_storyline(conn, storyline_id)]
    return Storyline(row.id, row.title, events_, context_of_storylines(conn, [row.id]).get(row.id, []))


# --- for benchmarks and tests ---------------------------------------------------------------


def seed_enriched(
    conn: Connection,
    items: Sequence[Article],
    analyses: dict[str, Analysis],
    vectors: dict[str, np.ndarray] | None = None,
    model: str = "",
) -> None:
    """Store articles with their enrichment as `enrich/stage.py` leaves them, marked
    enriched: lets benchmarks and tests run clustering without spaCy."""
    article_repo.insert(conn, [article_repo.to_row(a, None) for a in items])
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in items:
        an = analyses[a.id]
        rows["sentences"] += [
            {"article": a.id, "idx": s.index, "start": s.start, "end": s.end, "kind": s.kind}
            for s in an.sentences
        ]
        firsts = _first_mentions(an)
        rows["entities"] += [
            {"article": a.id, "local": e.key, "name": e.name, "label": e.label, "entity": e.entity,
             "mentions": firsts.get(e.key, (0, 1))[1], "first_start": firsts.get(e.key, (0, 1))[0]}
            for e in an.entities
        ]  # fmt: skip
        rows["mentions"] += [
            {"article": a.id, "start": m.start, "end": m.end, "text": m.text, "label": m.label,
             "local": m.local, "entity": m.entity or _entity_of(an, m.local)}
            for m in an.mentions
        ]  # fmt: skip
        rows["quotes"] += [
            {"id": q.id, "article": a.id, "text": q.text, "kind": q.kind, "start": q.start, "end": q.end,
             "speaker": q.speaker, "speaker_name": q.speaker_name}
            for q in an.quotes
        ]  # fmt: skip
        rows["timerefs"] += [
            {"id": t.id, "article": a.id, "text": t.text, "value": t.value, "granularity": t.granularity,
             "start": t.start, "end": t.end}
            for t in an.timerefs
        ]  # fmt: skip
    known = {r["entity"]: r for r in rows["entities"] if r["entity"]}
    rows["global"] = [
        {"id": k, "name": r["name"], "type": r["label"], "aliases": [], "mentions": r["mentions"]}
        for k, r in sorted(known.items())
        if conn.execute(sa.select(entities.c.id).where(entities.c.id == k)).first() is None
    ]
    tables = {
        "global": entities,
        "sentences": sentences,
        "entities": article_entities,
        "mentions": mentions,
        "quotes": quotes,
        "timerefs": timerefs,
    }
    for name, table in tables.items():
        for chunk in _chunks(rows[name], 2000):
            conn.execute(table.insert(), list(chunk))
    if vectors:
        write_vectors(conn, {a.id: vectors[a.id] for a in items if a.id in vectors}, model)
    article_repo.mark(conn, [a.id for a in items], "enriched_at")


def _first_mentions(analysis: Analysis) -> dict[int, tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    for m in analysis.mentions:
        first, n = found.get(m.local, (m.start, 0))
        found[m.local] = (min(first, m.start), n + 1)
    return found


def _entity_of(analysis: Analysis, local: int) -> str | None:
    for e in analysis.entities:
        if e.key == local:
            return e.entity
    return None
