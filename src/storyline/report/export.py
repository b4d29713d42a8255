"""The JSON export, schema `storyline/1`, written as a stream.

Other tools read this file, so its shape is a contract (DESIGN.md): keys are only ever
added.  Objects are written one at a time, so exporting a store of a million articles
needs no more memory than exporting five.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store import schema as t
from storyline.store.db import Store

SCHEMA = "storyline/1"
SECTIONS = ("articles", "entities", "quotes", "timerefs", "events", "storylines", "comparisons")


def article_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "source": row.source,
        "title": row.title,
        "url": row.url,
        "path": row.path,
        "published": row.published,
        "language": row.language,
        "text": row.text,
        "duplicate_of": row.duplicate_of,
        "author": row.author,
        "dateline": row.dateline,
    }


def _articles(conn: Connection) -> Iterator[dict[str, Any]]:
    query = sa.select(t.articles).order_by(sa.func.coalesce(t.articles.c.published, ""), t.articles.c.id)
    for row in conn.execute(query.execution_options(yield_per=500)):
        yield article_dict(row)


def _entities(conn: Connection) -> Iterator[dict[str, Any]]:
    roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(sa.select(t.roles).order_by(t.roles.c.id)):
        role = {"title": r.title, "org": r.org, "article": r.article}
        if role not in roles[r.entity]:
            roles[r.entity].append(role)
    for row in conn.execute(sa.select(t.entities).order_by(t.entities.c.id)):
        yield {
            "id": row.id,
            "name": row.name,
            "type": row.type,
            "aliases": list(row.aliases),
            "roles": roles.get(row.id, []),
            "mentions": row.mentions,
        }


def quote_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "article": row.article,
        "text": row.text,
        "kind": row.kind,
        "speaker": row.speaker,
        "speaker_name": row.speaker_name,
        "start": row.start,
        "end": row.end,
        "cue": row.cue,
    }


def _quotes(conn: Connection) -> Iterator[dict[str, Any]]:
    query = sa.select(t.quotes).order_by(t.quotes.c.article, t.quotes.c.start)
    for row in conn.execute(query.execution_options(yield_per=1000)):
        yield quote_dict(row)


def _timerefs(conn: Connection) -> Iterator[dict[str, Any]]:
    query = sa.select(t.timerefs).order_by(t.timerefs.c.article, t.timerefs.c.start)
    for row in conn.execute(query.execution_options(yield_per=1000)):
        yield {
            "id": row.id,
            "article": row.article,
            "text": row.text,
            "value": row.value,
            "granularity": row.granularity,
            "start": row.start,
            "end": row.end,
        }


def _events(conn: Connection) -> Iterator[dict[str, Any]]:
    members: dict[str, list[str]] = defaultdict(list)
    query = sa.select(t.event_articles.c.event, t.event_articles.c.article).order_by(
        t.event_articles.c.article
    )
    for event, article in conn.execute(query):
        members[event].append(article)
    for row in conn.execute(sa.select(t.events).order_by(t.events.c.date, t.events.c.id)):
        yield {
            "id": row.id,
            "title": row.title,
            "date": row.date,
            "granularity": row.granularity,
            "articles": members.get(row.id, []),
            "participants": list(row.participants),
            "location": row.location,
            "kind": row.kind,
            "storyline": row.storyline,
        }


def _storylines(conn: Connection) -> Iterator[dict[str, Any]]:
    events: dict[str, list[str]] = defaultdict(list)
    order = (t.events.c.date, t.events.c.id)
    for sid, eid in conn.execute(sa.select(t.events.c.storyline, t.events.c.id).order_by(*order)):
        if sid:
            events[sid].append(eid)
    context: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in conn.execute(sa.select(t.context_items).order_by(t.context_items.c.date, t.context_items.c.id)):
        if c.storyline:
            item = {"text": c.text, "date": c.date, "article": c.article, "start": c.start, "end": c.end}
            context[c.storyline].append(item)
    for row in conn.execute(sa.select(t.storylines).order_by(t.storylines.c.id)):
        yield {
            "id": row.id,
            "title": row.title,
            "events": events.get(row.id, []),
            "context": context.get(row.id, []),
        }


def comparison_dict(conn: Connection, event_id: str, data: dict[str, Any]) -> dict[str, Any]:
    query = sa.select(t.claims).where(t.claims.c.event == event_id).order_by(t.claims.c.id)
    claims = [
        {"id": c.id, "text": c.text, "status": c.status, "context": c.context, "sources": c.sources}
        for c in conn.execute(query)
    ]
    return {
        "event": event_id,
        "claims": claims,
        "quote_matches": data.get("quote_matches", []),
        "omissions": data.get("omissions", {}),
        "framing": data.get("framing", []),
        "sourcing": data.get("sourcing", {}),
    }


def _comparisons(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(sa.select(t.comparisons).order_by(t.comparisons.c.event)):
        yield comparison_dict(conn, row.event, row.data)


_READERS = {
    "articles": _articles,
    "entities": _entities,
    "quotes": _quotes,
    "timerefs": _timerefs,
    "events": _events,
    "storylines": _storylines,
    "comparisons": _comparisons,
}


def write_json(store: Store, out: TextIO, indent: int | None = 1) -> dict[str, int]:
    """Stream the whole store as storyline/1 JSON; return the count of each section."""
    counts: dict[str, int] = {}
    out.write(f'{{"schema": "{SCHEMA}"')
    with store.read() as conn:
        for section in SECTIONS:
            out.write(f',\n"{section}": [')
            n = 0
            for obj in _READERS[section](conn):
                out.write(("\n" if n == 0 else ",\n") + json.dumps(obj, ensure_ascii=False, indent=indent))
                n += 1
            out.write("\n]" if n else "]")
            counts[section] = n
    out.write("}\n")
    return counts


def to_dict(store: Store) -> dict[str, Any]:
    """The whole export in memory: for tests and small stores."""
    result: dict[str, Any] = {"schema": SCHEMA}
    with store.read() as conn:
        for section in SECTIONS:
            result[section] = list(_READERS[section](conn))
    return result
