"""Paged, filtered listings of what the store holds: the queries behind lists in the UI and API.

Separate from the per-stage repositories (`articles.py`, `events.py`): those serve the
pipeline's writes and lookups, these serve a reader who pages through events of one
outlet, or of one person, between two dates.  Every filter is a plain indexed column or
a subquery over the link tables (`event_articles`, `article_entities`), so the same
query runs on SQLite and PostgreSQL without JSON operators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.errors import NotFound
from storyline.store import schema as t

MAX_PAGE = 200  # one request never returns more rows than this
_CHUNK = 500  # ids per IN (...) list


@dataclass
class Filters:
    """What a reader narrows a list by; every field is optional."""

    since: str | None = None  # "YYYY-MM-DD" (or a prefix of it), inclusive
    until: str | None = None  # inclusive: "2026-01" keeps all of January
    outlet: str | None = None
    entity: str | None = None
    storyline: str | None = None


@dataclass
class Page:
    """One page of a list, with enough to ask for the next."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def prev_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def clamp(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


def _date_clauses(column: sa.ColumnElement, filters: Filters) -> list[sa.ColumnElement[bool]]:
    clauses = []
    if filters.since:
        clauses.append(column >= filters.since)
    if filters.until:  # inclusive of the whole day or month: "2026-01" keeps "2026-01-31T09:00"
        clauses.append(sa.or_(column <= filters.until, column.startswith(filters.until, autoescape=True)))
    return clauses


# --- events -------------------------------------------------------------------------------


def _events_where(filters: Filters) -> list[sa.ColumnElement[bool]]:
    ea, ar, ae = t.event_articles, t.articles, t.article_entities
    where = _date_clauses(t.events.c.date, filters)
    if filters.outlet:
        with_outlet = (
            sa.select(ea.c.event).join(ar, ar.c.id == ea.c.article).where(ar.c.source == filters.outlet)
        )
        where.append(t.events.c.id.in_(with_outlet))
    if filters.entity:
        with_entity = (
            sa.select(ea.c.event).join(ae, ae.c.article == ea.c.article).where(ae.c.entity == filters.entity)
        )
        where.append(t.events.c.id.in_(with_entity))
    if filters.storyline:
        where.append(t.events.c.storyline == filters.storyline)
    return where


def events_page(conn: Connection, filters: Filters, limit: int = 50, offset: int = 0) -> Page:
    """Events newest first (by the date of the happening, then by latest report)."""
    limit, offset = clamp(limit, offset)
    where = _events_where(filters)
    total = conn.execute(sa.select(sa.func.count()).select_from(t.events).where(*where)).scalar_one()
    ev = t.events.c
    query = (
        sa.select(t.events)
        .where(*where)
        .order_by(sa.func.coalesce(ev.date, "").desc(), sa.func.coalesce(ev.last_published, "").desc(), ev.id)
        .limit(limit)
        .offset(offset)
    )
    rows = conn.execute(query).all()
    return Page(event_summaries(conn, rows), total, limit, offset)


def event_summaries(conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Event rows as list items: with their articles' outlets and participants' names."""
    members = event_members(conn, [r.id for r in rows])
    names = entity_names(conn, {p for r in rows for p in r.participants})
    return [_event_summary(r, members.get(r.id, []), names) for r in rows]


def event_fields(row: Any, names: dict[str, str]) -> dict[str, Any]:
    """What every view of an event shows of its row, participants named."""
    return {
        "id": row.id,
        "title": row.title,
        "date": row.date,
        "granularity": row.granularity,
        "location": row.location,
        "kind": row.kind,
        "participants": [{"id": p, "name": names.get(p, p)} for p in row.participants],
    }


def _event_summary(row: Any, members: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    return {
        **event_fields(row, names),
        "storyline": row.storyline,
        "articles": [m["id"] for m in members],
        "outlets": sorted({m["source"] for m in members if m["source"]}),
    }


def event_members(conn: Connection, event_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's articles (id, outlet, title, date), oldest report first."""
    ea, ar = t.event_articles, t.articles
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = list(event_ids)
    for i in range(0, len(ids), _CHUNK):
        query = (
            sa.select(ea.c.event, ar.c.id, ar.c.source, ar.c.title, ar.c.published, ar.c.url)
            .join(ar, ar.c.id == ea.c.article)
            .where(ea.c.event.in_(ids[i : i + _CHUNK]))
            .order_by(sa.func.coalesce(ar.c.published, ""), ar.c.id)
        )
        for r in conn.execute(query):
            found[r.event].append(
                {"id": r.id, "source": r.source, "title": r.title, "published": r.published, "url": r.url}
            )
    return found


def event_row(conn: Connection, event_id: str) -> Any:
    row = conn.execute(sa.select(t.events).where(t.events.c.id == event_id)).first()
    if row is None:
        raise NotFound(f"no event with id {event_id!r}; `storyline events` lists them")
    return row


def events_of_articles(conn: Connection, article_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The event (id, title, date) each article belongs to, if clustered."""
    ea, ev = t.event_articles, t.events
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = list(article_ids)
    for i in range(0, len(ids), _CHUNK):
        query = (
            sa.select(ea.c.article, ev.c.id, ev.c.title, ev.c.date)
            .join(ev, ev.c.id == ea.c.event)
            .where(ea.c.article.in_(ids[i : i + _CHUNK]))
        )
        for r in conn.execute(query):
            found[r.article].append({"id": r.id, "title": r.title, "date": r.date})
    return found


# --- articles -----------------------------------------------------------------------------


_LIST_COLUMNS = (
    t.articles.c.id,
    t.articles.c.source,
    t.articles.c.title,
    t.articles.c.url,
    t.articles.c.published,
    t.articles.c.language,
    t.articles.c.duplicate_of,
    t.articles.c.words,
    t.articles.c.note,
)


def articles_page(conn: Connection, filters: Filters, limit: int = 50, offset: int = 0) -> Page:
    """Articles newest first, without their text (a list, not a dump)."""
    limit, offset = clamp(limit, offset)
    ar, ae = t.articles, t.article_entities
    where = _date_clauses(ar.c.published, filters)
    if filters.outlet:
        where.append(ar.c.source == filters.outlet)
    if filters.entity:
        where.append(ar.c.id.in_(sa.select(ae.c.article).where(ae.c.entity == filters.entity)))
    if filters.storyline:
        in_storyline = (
            sa.select(t.event_articles.c.article)
            .join(t.events, t.events.c.id == t.event_articles.c.event)
            .where(t.events.c.storyline == filters.storyline)
        )
        where.append(ar.c.id.in_(in_storyline))
    total = conn.execute(sa.select(sa.func.count()).select_from(ar).where(*where)).scalar_one()
    query = (
        sa.select(*_LIST_COLUMNS)
        .where(*where)
        .order_by(sa.func.coalesce(ar.c.published, "").desc(), ar.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = conn.execute(query).all()
    events = events_of_articles(conn, [r.id for r in rows])
    items = [{**r._asdict(), "events": events.get(r.id, [])} for r in rows]
    return Page(items, total, limit, offset)


def outlets(conn: Connection) -> list[str]:
    """Every outlet name in the store, for a filter's choices."""
    query = sa.select(t.articles.c.source).where(t.articles.c.source.is_not(None)).distinct()
    return sorted(conn.scalars(query))


# --- entities -----------------------------------------------------------------------------


def entities_page(
    conn: Connection, type_: str | None = None, name: str | None = None, limit: int = 50, offset: int = 0
) -> Page:
    """Entities most mentioned first; `name` matches a part of the name, any case."""
    limit, offset = clamp(limit, offset)
    en = t.entities
    where: list[sa.ColumnElement[bool]] = []
    if type_:
        where.append(en.c.type == type_)
    if name:
        where.append(sa.func.lower(en.c.name).contains(name.lower(), autoescape=True))
    total = conn.execute(sa.select(sa.func.count()).select_from(en).where(*where)).scalar_one()
    query = (
        sa.select(en.c.id, en.c.name, en.c.type, en.c.aliases, en.c.mentions)
        .where(*where)
        .order_by(en.c.mentions.desc(), en.c.name, en.c.id)
        .limit(limit)
        .offset(offset)
    )
    items = [{**r._asdict(), "aliases": list(r.aliases)} for r in conn.execute(query)]
    return Page(items, total, limit, offset)


def entity_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """id → canonical name for the given entity ids (unknown ids are left out)."""
    ids = [i for i in set(ids) if i]
    names: dict[str, str] = {}
    for i in range(0, len(ids), _CHUNK):
        query = sa.select(t.entities.c.id, t.entities.c.name).where(t.entities.c.id.in_(ids[i : i + _CHUNK]))
        names.update({r.id: r.name for r in conn.execute(query)})
    return names


# --- storylines ---------------------------------------------------------------------------


def storylines(conn: Connection, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Storylines with their event count and date span, most recently active first."""
    ev = t.events.c
    spans = (
        sa.select(
            ev.storyline,
            sa.func.count().label("events"),
            sa.func.min(ev.date).label("first"),
            sa.func.max(ev.date).label("last"),
        )
        .where(ev.storyline.is_not(None))
        .group_by(ev.storyline)
        .subquery()
    )
    query = (
        sa.select(t.storylines.c.id, t.storylines.c.title, spans.c.events, spans.c.first, spans.c.last)
        .outerjoin(spans, spans.c.storyline == t.storylines.c.id)
        .order_by(sa.func.coalesce(spans.c.last, "").desc(), t.storylines.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        {"id": r.id, "title": r.title, "events": r.events or 0, "first": r.first, "last": r.last}
        for r in conn.execute(query)
    ]


def storylines_page(conn: Connection, limit: int = 50, offset: int = 0) -> Page:
    limit, offset = clamp(limit, offset)
    total = conn.execute(sa.select(sa.func.count()).select_from(t.storylines)).scalar_one()
    return Page(storylines(conn, limit, offset), total, limit, offset)


def storyline_row(conn: Connection, storyline_id: str) -> Any:
    row = conn.execute(sa.select(t.storylines).where(t.storylines.c.id == storyline_id)).first()
    if row is None:
        raise NotFound(f"no storyline with id {storyline_id!r}")
    return row


def counts(conn: Connection) -> dict[str, int]:
    """How many rows of each kind the store holds, for a status line."""
    tables = {
        "articles": t.articles,
        "events": t.events,
        "storylines": t.storylines,
        "entities": t.entities,
        "quotes": t.quotes,
        "claims": t.claims,
    }
    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in tables.items()
    }


def pending_articles(conn: Connection) -> int:
    """Articles not yet through every stage (enriched and clustered), duplicates aside."""
    ar = t.articles.c
    not_done = sa.or_(ar.enriched_at.is_(None), ar.clustered_at.is_(None))
    query = sa.select(sa.func.count()).select_from(t.articles).where(not_done, ar.duplicate_of.is_(None))
    return conn.execute(query).scalar_one()
