"""Reading what comparison needs for one event, and writing its claims and comparison.

Comparison works one event at a time, so every query here is bounded by one event's
articles; nothing reads all claims of the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.model import Analysis, Comparison, LocalEntity, Mention, Role
from storyline.store import schema as t
from storyline.store.analysis import quotes_of, readings_of, sentences_of, timerefs_of


def pending_events(conn: Connection) -> list[str]:
    """Events never compared, or changed since they were (new articles joined them),
    largest first: comparison cost grows faster than an event's size, and the biggest
    event started last would keep one worker busy while the others wait."""
    e, ea = t.events, t.event_articles
    stale = sa.or_(e.c.compared_at.is_(None), e.c.compared_at < e.c.updated_at)
    query = (
        sa.select(e.c.id)
        .outerjoin(ea, ea.c.event == e.c.id)
        .where(stale)
        .group_by(e.c.id)
        .order_by(sa.func.count(ea.c.article).desc(), e.c.id)
    )
    return list(conn.scalars(query))


def event_row(conn: Connection, event_id: str) -> Any:
    return conn.execute(sa.select(t.events).where(t.events.c.id == event_id)).first()


def event_article_ids(conn: Connection, event_id: str) -> list[str]:
    query = sa.select(t.event_articles.c.article).where(t.event_articles.c.event == event_id)
    return sorted(conn.scalars(query))


def analyses_of(conn: Connection, article_ids: Iterable[str]) -> dict[str, Analysis]:
    """What enrichment stored for these articles, as Analysis objects."""
    ids = list(article_ids)
    result = {a: Analysis(article=a, sentences=sentences_of(conn, a)) for a in ids}
    for q in quotes_of(conn, ids):
        result[q.article].quotes.append(q)
    for r in timerefs_of(conn, ids):
        result[r.article].timerefs.append(r)
    for m in _mentions_of(conn, ids):
        result[m.article].mentions.append(m)
    for article, entity in _entities_of(conn, ids):
        result[article].entities.append(entity)
    for article, (units, framing) in readings_of(conn, ids).items():
        result[article].units, result[article].framing = units, framing
    _link_speakers(result.values())
    return result


def _mentions_of(conn: Connection, ids: list[str]) -> list[Mention]:
    m = t.mentions
    query = sa.select(m).where(m.c.article.in_(ids)).order_by(m.c.article, m.c.start)
    return [
        Mention(r.article, r.start, r.end, r.text, r.label, r.local, r.entity) for r in conn.execute(query)
    ]


def _entities_of(conn: Connection, ids: list[str]) -> list[tuple[str, LocalEntity]]:
    """Each article's local entities with their global ids and the roles it gives them."""
    roles: dict[tuple[str, str], list[Role]] = defaultdict(list)
    for r in conn.execute(sa.select(t.roles).where(t.roles.c.article.in_(ids))):
        roles[(r.article, r.entity)].append(Role(r.title, r.org, r.article))
    ae = t.article_entities
    query = sa.select(ae).where(ae.c.article.in_(ids)).order_by(ae.c.article, ae.c.local)
    return [
        (
            r.article,
            LocalEntity(r.local, r.name, r.label, [r.name], roles.get((r.article, r.entity), []), r.entity),
        )
        for r in conn.execute(query)
    ]


def _link_speakers(analyses: Iterable[Analysis]) -> None:
    """Stored quotes keep the global speaker id only; point them back at the local entity."""
    for analysis in analyses:
        local = {e.entity: e.key for e in analysis.entities if e.entity}
        for q in analysis.quotes:
            if q.speaker_local is None and q.speaker in local:
                q.speaker_local = local[q.speaker]


def write(conn: Connection, comparison: Comparison, inputs: str | None = None) -> None:
    """Replace the event's claims and comparison with these; `inputs` is the digest of
    what the comparison read."""
    clear(conn, comparison.event)
    rows = [
        {
            "id": c.id,
            "event": comparison.event,
            "text": c.text,
            "status": c.status,
            "context": c.context,
            "sources": [{"article": s.article, "start": s.start, "end": s.end} for s in c.sources],
        }
        for c in comparison.claims
    ]
    if rows:
        conn.execute(t.claims.insert(), rows)
    data = {
        "quote_matches": [{"a": m.a, "b": m.b, "score": m.score} for m in comparison.quote_matches],
        "omissions": comparison.omissions,
        "framing": [
            {"article": f.article, "start": f.start, "end": f.end, "text": f.text, "kind": f.kind}
            for f in comparison.framing
        ],
        "sourcing": comparison.sourcing,
    }
    conn.execute(
        t.comparisons.insert(),
        [{"event": comparison.event, "data": data, "updated_at": t.utcnow(), "inputs": inputs}],
    )


def inputs_of(conn: Connection, event_id: str) -> str | None:
    """The input digest of the event's stored comparison (None: none stored, or made
    before digests were kept)."""
    query = sa.select(t.comparisons.c.inputs).where(t.comparisons.c.event == event_id)
    return conn.scalars(query).first()


def enriched_at(conn: Connection, article_ids: Iterable[str]) -> dict[str, str]:
    """When each article was last analysed, as text: analysing again changes what
    comparison reads."""
    a = t.articles
    rows = conn.execute(sa.select(a.c.id, a.c.enriched_at).where(a.c.id.in_(list(article_ids))))
    return {row.id: str(row.enriched_at) for row in rows}


def kept_vectors(conn: Connection, article_ids: Iterable[str], model: str) -> dict[str, bytes]:
    """The kept unit vectors of these articles (storyline.compare.vectors), as stored."""
    u = t.unit_vectors
    ids = list(article_ids)
    rows = conn.execute(sa.select(u.c.article, u.c.data).where(u.c.article.in_(ids), u.c.model == model))
    return {row.article: row.data for row in rows}


def keep_vectors(conn: Connection, rows: dict[str, bytes], model: str) -> None:
    """Replace these articles' kept unit vectors."""
    if not rows:
        return
    u = t.unit_vectors
    conn.execute(u.delete().where(u.c.article.in_(list(rows))))
    now = t.utcnow()
    conn.execute(
        u.insert(), [{"article": a, "model": model, "data": data, "kept_at": now} for a, data in rows.items()]
    )


def prune_vectors(conn: Connection, before: Any) -> int:
    """Drop kept unit vectors last written before `before`; returns how many."""
    u = t.unit_vectors
    return conn.execute(u.delete().where(u.c.kept_at < before)).rowcount or 0


def clear(conn: Connection, event_id: str) -> None:
    conn.execute(t.claims.delete().where(t.claims.c.event == event_id))
    conn.execute(t.comparisons.delete().where(t.comparisons.c.event == event_id))


def mark_compared(conn: Connection, event_id: str) -> None:
    conn.execute(t.events.update().where(t.events.c.id == event_id).values(compared_at=t.utcnow()))
