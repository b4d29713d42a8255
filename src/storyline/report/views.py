"""Read models for the pages a reader opens: one event, one article, one entity.

Each function reads what the stages stored and returns plain, JSON-ready dicts shaped for
showing (outlet names next to ids, quotes next to their speakers, claims grouped by
status), so the web routes, the REST API and the static HTML report show the same thing
and none of them holds any logic.

Marked-up article text is returned as *segments*: runs of plain text, each with the
marks (entity, quote, date, cited span) that cover it.  Templates escape each run on its
own, so article text never passes through HTML unescaped, however hostile it is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.errors import NotFound
from storyline.model import Quote
from storyline.report import brief as brief_mod
from storyline.report import evidence
from storyline.report.evidence import EventMaterial
from storyline.report.export import article_dict, comparison_dict, quote_dict
from storyline.store import analysis as analysis_repo
from storyline.store import browse
from storyline.store import schema as t

STATUSES = ("shared", "single", "contradicted")
MAX_ENTITY_QUOTES = 100
MAX_ENTITY_EVENTS = 100

# --- one event ----------------------------------------------------------------------------


def event_view(conn: Connection, event_id: str) -> dict[str, Any]:
    """Everything the event page shows; raises NotFound for an unknown id."""
    m = evidence.load(conn, event_id)
    brief = brief_mod.brief_from(m)
    texts = {a.id: a.text for a in m.articles.values()}
    claims = [_claim_view(m, c) for c in m.claims]
    return {
        "event": _event_header(conn, m),
        "articles": [_article_column(m, a.id, claims) for a in m.articles.values()],
        "claims": {s: [c for c in claims if c["status"] == s and not c["context"]] for s in STATUSES},
        "context_claims": [c for c in claims if c["context"]],
        "quote_matches": _matched_quotes(m),
        "context": [_context_view(m, item) for item in m.context],
        "sourcing": m.comparison["sourcing"],
        "brief": brief,
        "brief_render": brief_mod.render_context(brief, texts),
        "compared": bool(m.claims or m.comparison["quote_matches"] or m.comparison["framing"]),
    }


def event_json(conn: Connection, event_id: str) -> dict[str, Any]:
    """One event for the REST API: the export's shapes plus outlets, quotes and the brief."""
    m = evidence.load(conn, event_id)
    header = _event_header(conn, m)
    return {
        **header,
        "articles": [
            {"id": a.id, "source": a.source, "title": a.title, "published": a.published, "url": a.url}
            for a in m.articles.values()
        ],
        "quotes": [{**quote_dict(q), "speaker_name": m.speaker(q)} for q in m.quotes],
        "context": m.context,
        "comparison": comparison_dict(conn, event_id, m.comparison),
        "brief": brief_mod.brief_from(m),
    }


def _event_header(conn: Connection, m: EventMaterial) -> dict[str, Any]:
    row = m.event
    storyline = None
    if row.storyline:
        title = conn.execute(
            sa.select(t.storylines.c.title).where(t.storylines.c.id == row.storyline)
        ).scalar()
        storyline = {"id": row.storyline, "title": title or row.storyline}
    return {
        **browse.event_fields(row, m.names),
        "storyline": storyline,
        "outlets": sorted({a.outlet for a in m.articles.values()}),
    }


def _source_view(m: EventMaterial, src: dict[str, Any]) -> dict[str, Any] | None:
    article = m.articles.get(src["article"])
    if article is None:
        return None
    return {
        "article": article.id,
        "outlet": article.outlet,
        "start": src["start"],
        "end": src["end"],
        "excerpt": evidence.excerpt(article.text, src["start"], src["end"]),
    }


def _claim_view(m: EventMaterial, claim: dict[str, Any]) -> dict[str, Any]:
    sources = [s for s in (_source_view(m, src) for src in claim["sources"]) if s is not None]
    return {**claim, "sources": sources, "outlets": sorted({s["outlet"] for s in sources})}


def _quote_view(m: EventMaterial, q: Quote, matched: set[str]) -> dict[str, Any]:
    article = m.articles.get(q.article)
    return {
        "id": q.id,
        "article": q.article,
        "outlet": article.outlet if article else q.article,
        "text": q.text,
        "kind": q.kind,
        "speaker": m.speaker(q),
        "speaker_id": q.speaker,
        "start": q.start,
        "end": q.end,
        "matched": q.id in matched,
    }


def _article_column(m: EventMaterial, article_id: str, claims: list[dict[str, Any]]) -> dict[str, Any]:
    """One outlet's column: its claims (as it words them), quotes, framing and omissions."""
    a = m.articles[article_id]
    matched = {x for match in m.comparison["quote_matches"] for x in (match.get("a"), match.get("b"))}
    own_claims = []
    for c in claims:
        for s in c["sources"]:
            if s["article"] == article_id:
                own_claims.append({"id": c["id"], "status": c["status"], "context": c["context"], **s})
    own_claims.sort(key=lambda c: c["start"])
    by_id = {c["id"]: c for c in claims}
    omitted = [by_id[i] for i in m.comparison["omissions"].get(article_id, []) if i in by_id]
    framing = [f for f in m.comparison["framing"] if f.get("article") == article_id]
    return {
        "id": a.id,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "url": a.url,
        "claims": own_claims,
        "quotes": [_quote_view(m, q, matched) for q in m.quotes if q.article == article_id],
        "framing": sorted(framing, key=lambda f: f.get("start", 0)),
        "omitted": omitted,
        "sourcing": m.comparison["sourcing"].get(article_id, {}),
    }


def _matched_quotes(m: EventMaterial) -> list[dict[str, Any]]:
    """Pairs of quotes the comparison found to be the same statement in two outlets."""
    by_id = {q.id: q for q in m.quotes}
    matched = {x for match in m.comparison["quote_matches"] for x in (match.get("a"), match.get("b"))}
    pairs = []
    for match in m.comparison["quote_matches"]:
        a, b = by_id.get(match.get("a")), by_id.get(match.get("b"))
        if a is None or b is None:
            continue
        speaker = m.speaker(a) or m.speaker(b)
        pairs.append(
            {
                "speaker": speaker,
                "score": match.get("score"),
                "a": _quote_view(m, a, matched),
                "b": _quote_view(m, b, matched),
            }
        )
    return pairs


def _context_view(m: EventMaterial, item: dict[str, Any]) -> dict[str, Any]:
    article = m.articles.get(item["article"])
    return {**item, "outlet": article.outlet if article else item["article"]}


# --- one article --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A span of the text with one kind of meaning (entity, quote, date, cited)."""

    start: int
    end: int
    kind: str
    data: dict[str, Any]


def article_view(
    conn: Connection, article_id: str, highlight: tuple[int, int] | None = None
) -> dict[str, Any]:
    """The cleaned text split into marked segments, with the lists beside it."""
    row = _article_row(conn, article_id)
    if highlight is not None and not 0 <= highlight[0] < highlight[1] <= len(row.text):
        highlight = None  # a stale or mistyped link: show the article without a highlight
    quotes = analysis_repo.quotes_of(conn, [article_id])
    timerefs = analysis_repo.timerefs_of(conn, [article_id])
    mentions = _mentions(conn, article_id)
    names = browse.entity_names(
        conn, {q.speaker for q in quotes if q.speaker} | {x["entity"] for x in mentions}
    )
    marks = _marks(mentions, quotes, timerefs, names, highlight)
    return {
        "article": article_dict(row),
        "words": row.words,
        "note": row.note,
        "paragraphs": segment(row.text, [(b[0], b[1], b[2]) for b in row.blocks], marks),
        "entities": _article_entities(conn, article_id),
        "quotes": [
            {**quote_dict(q), "speaker_name": names.get(q.speaker or "", q.speaker_name)} for q in quotes
        ],
        "timerefs": [
            {"id": r.id, "text": r.text, "value": r.value, "start": r.start, "end": r.end} for r in timerefs
        ],
        "mentions": mentions,
        "events": browse.events_of_articles(conn, [article_id]).get(article_id, []),
        "highlight": highlight,
    }


def article_json(conn: Connection, article_id: str) -> dict[str, Any]:
    """One article for the REST API: its fields, text and what enrichment found in it."""
    view = article_view(conn, article_id)
    return {key: value for key, value in view.items() if key not in ("paragraphs", "highlight")}


def _article_row(conn: Connection, article_id: str) -> Any:
    columns = [c for c in t.articles.c if c.name != "minhash"]
    row = conn.execute(sa.select(*columns).where(t.articles.c.id == article_id)).first()
    if row is None:
        raise NotFound(f"no article with id {article_id!r}")
    return row


def _mentions(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    mn = t.mentions.c
    query = (
        sa.select(mn.start, mn.end, mn.text, mn.label, mn.entity)
        .where(mn.article == article_id)
        .order_by(mn.start)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def _article_entities(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    ae = t.article_entities.c
    query = (
        sa.select(ae.name, ae.label, ae.entity, ae.mentions)
        .where(ae.article == article_id)
        .order_by(ae.mentions.desc(), ae.first_start)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def _marks(
    mentions: list[dict[str, Any]],
    quotes: list[Quote],
    timerefs: list[Any],
    names: dict[str, str],
    highlight: tuple[int, int] | None,
) -> list[Mark]:
    marks = [
        Mark(
            x["start"],
            x["end"],
            "entity",
            {"id": x["entity"], "label": x["label"], "name": names.get(x["entity"])},
        )
        for x in mentions
    ]
    marks += [
        Mark(
            q.start,
            q.end,
            "quote",
            {"id": q.id, "kind": q.kind, "speaker": names.get(q.speaker or "", q.speaker_name)},
        )
        for q in quotes
    ]
    marks += [Mark(r.start, r.end, "date", {"value": r.value, "text": r.text}) for r in timerefs]
    if highlight is not None:
        marks.append(Mark(highlight[0], highlight[1], "cited", {"start": highlight[0], "end": highlight[1]}))
    return marks


def segment(text: str, blocks: list[tuple[int, int, str]], marks: list[Mark]) -> list[dict[str, Any]]:
    """Paragraphs (one per line of cleaned text) of segments, each covered by fixed marks.

    Overlapping marks are fine: the text is cut at every mark boundary, so each segment
    knows every mark over it, and a renderer nests its tags inside one segment only.
    """
    kinds = {start: kind for start, _end, kind in blocks}
    paragraphs = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        inside = [mk for mk in marks if mk.start < end and mk.end > start]
        cuts = sorted({start, end} | {min(max(x, start), end) for mk in inside for x in (mk.start, mk.end)})
        segments = []
        for a, b in itertools.pairwise(cuts):
            over = [mk for mk in inside if mk.start <= a and mk.end >= b]
            seg: dict[str, Any] = {"text": text[a:b], "start": a, "end": b}
            for kind in ("entity", "quote", "date", "cited"):
                found = next((mk for mk in over if mk.kind == kind), None)
                seg[kind] = found.data if found is not None else None
            seg["anchor"] = any(mk.kind == "cited" and mk.start == a for mk in over)
            segments.append(seg)
        paragraphs.append({"kind": kinds.get(start, "body"), "start": start, "segments": segments})
    return paragraphs


# --- one entity ---------------------------------------------------------------------------


def entity_view(conn: Connection, entity_id: str) -> dict[str, Any]:
    """An entity with its aliases, the roles articles give it over time, its quotes and events."""
    row = conn.execute(sa.select(t.entities).where(t.entities.c.id == entity_id)).first()
    if row is None:
        raise NotFound(f"no entity with id {entity_id!r}")
    roles = _roles(conn, entity_id)
    return {
        "entity": {
            "id": row.id,
            "name": row.name,
            "type": row.type,
            "aliases": list(row.aliases or []),
            "mentions": row.mentions,
        },
        "roles": roles,
        "role_spans": _role_spans(roles),
        "quotes": _entity_quotes(conn, entity_id),
        "events": _entity_events(conn, entity_id),
    }


def _roles(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    ro, ar = t.roles, t.articles
    query = (
        sa.select(ro.c.title, ro.c.org, ro.c.article, ar.c.source, ar.c.published)
        .join(ar, ar.c.id == ro.c.article)
        .where(ro.c.entity == entity_id)
        .order_by(sa.func.coalesce(ar.c.published, ""), ro.c.id)
    )
    return [
        {"title": r.title, "org": r.org, "article": r.article, "outlet": r.source, "published": r.published}
        for r in conn.execute(query)
    ]


def _role_spans(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roles over time: each distinct title with the first and last date an article gave it."""
    spans: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in roles:
        key = (r["title"].casefold(), (r["org"] or "").casefold() or None)
        day = (r["published"] or "")[:10] or None
        span = spans.setdefault(
            key, {"title": r["title"], "org": r["org"], "first": day, "last": day, "articles": 0}
        )
        span["articles"] += 1
        if day and (span["first"] is None or day < span["first"]):
            span["first"] = day
        if day and (span["last"] is None or day > span["last"]):
            span["last"] = day
    return sorted(spans.values(), key=lambda s: (s["first"] or "", s["title"]))


def _entity_quotes(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    qu, ar = t.quotes, t.articles
    query = (
        sa.select(qu, ar.c.source, ar.c.published)
        .join(ar, ar.c.id == qu.c.article)
        .where(qu.c.speaker == entity_id)
        .order_by(sa.func.coalesce(ar.c.published, "").desc(), qu.c.article, qu.c.start)
        .limit(MAX_ENTITY_QUOTES)
    )
    return [{**quote_dict(r), "outlet": r.source, "published": r.published} for r in conn.execute(query)]


def _entity_events(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    page = browse.events_page(conn, browse.Filters(entity=entity_id), limit=MAX_ENTITY_EVENTS)
    return page.items
