"""Reading and writing global entities, their lookup keys, and each article's view of them.

Only SQL lives here; what links to what is decided in `storyline.enrich.resolve`.  Every
read takes a whole batch of keys or ids (chunked under the SQL parameter limit), so one
batch of articles costs a handful of queries however many mentions it has.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storyline.errors import NotFound
from storyline.model import Entity, Role
from storyline.store.schema import article_entities, entities, entity_keys, mentions, quotes, roles

_CHUNK = 500  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits
_RANGES = 100  # key ranges per query


@dataclass
class EntityRow:
    """An `entities` row as resolution works with it; `new` until first inserted."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    new: bool = False
    changed: bool = False


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def lookup_keys(conn: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
    """Entity ids filed under each of the given keys (keys with none are absent)."""
    found: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(set(keys))):
        for key, entity in conn.execute(
            sa.select(entity_keys.c.key, entity_keys.c.entity).where(entity_keys.c.key.in_(chunk))
        ):
            found[key].add(entity)
    return dict(found)


def lookup_few(conn: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
    """At most two entity ids per key: enough to tell one holder from many, and bounded
    however many people share a surname."""
    found: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(set(keys))):
        query = (
            sa.select(entity_keys.c.key, sa.func.min(entity_keys.c.entity), sa.func.max(entity_keys.c.entity))
            .where(entity_keys.c.key.in_(chunk))
            .group_by(entity_keys.c.key)
        )
        for key, low, high in conn.execute(query):
            found[key] = {low, high}
    return found


def lookup_prefixes(conn: Connection, prefixes: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(key, entity) for every key starting with one of the prefixes: index range scans,
    a few hundred prefixes per query."""
    for chunk in _chunks(sorted(set(prefixes)), _RANGES):
        chunk += chunk[-1:] * (_RANGES - len(chunk))  # one statement shape, compiled once
        params = {f"lo{i}": p for i, p in enumerate(chunk)} | {
            f"hi{i}": _after(p) for i, p in enumerate(chunk)
        }
        yield from conn.execute(_range_query(), params)


@functools.cache
def _range_query() -> sa.Select:
    ranges = [
        sa.and_(entity_keys.c.key >= sa.bindparam(f"lo{i}"), entity_keys.c.key < sa.bindparam(f"hi{i}"))
        for i in range(_RANGES)
    ]
    return sa.select(entity_keys.c.key, entity_keys.c.entity).where(sa.or_(*ranges)).distinct()


def _after(prefix: str) -> str:
    """The least string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def get_rows(conn: Connection, ids: Iterable[str]) -> dict[str, EntityRow]:
    """The `entities` rows with these ids."""
    rows: dict[str, EntityRow] = {}
    for chunk in _chunks(sorted(set(ids))):
        for r in conn.execute(sa.select(entities).where(entities.c.id.in_(chunk))):
            rows[r.id] = EntityRow(r.id, r.name, r.type, list(r.aliases or []), r.mentions or 0)
    return rows


def existing_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Which of these ids the `entities` table already has."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(conn.scalars(sa.select(entities.c.id).where(entities.c.id.in_(chunk))))
    return found


def forget_articles(conn: Connection, article_ids: Iterable[str]) -> None:
    """Take back what earlier runs stored for these articles, so reprocessing one is
    idempotent: its rows go, its entities' mention counts drop, emptied entities go."""
    ids = sorted(set(article_ids))
    counts: Counter[str] = Counter()
    for chunk in _chunks(ids):
        query = sa.select(article_entities.c.entity, sa.func.sum(article_entities.c.mentions)).where(
            article_entities.c.article.in_(chunk), article_entities.c.entity.is_not(None)
        )
        counts.update(dict(conn.execute(query.group_by(article_entities.c.entity)).all()))
        for table in (mentions, roles, article_entities):
            conn.execute(table.delete().where(table.c.article.in_(chunk)))
    if counts:
        _subtract_mentions(conn, counts)


def _subtract_mentions(conn: Connection, counts: Counter[str]) -> None:
    stmt = (
        entities.update()
        .where(entities.c.id == sa.bindparam("eid"))
        .values(mentions=entities.c.mentions - sa.bindparam("n"))
    )
    conn.execute(stmt, [{"eid": e, "n": int(n)} for e, n in counts.items()])
    emptied = [e for e in counts if e]
    for chunk in _chunks(emptied):
        conn.execute(entities.delete().where(entities.c.id.in_(chunk), entities.c.mentions <= 0))


def save_entities(conn: Connection, rows: Iterable[EntityRow]) -> None:
    """Insert the new rows and update the changed ones, one statement each."""
    rows = list(rows)
    fresh = [_values(r) for r in rows if r.new]
    if fresh:
        conn.execute(entities.insert(), fresh)
    # Only the columns that change: a parameter named like the primary key would make
    # SQLite check every child table for each row.
    changed = [
        {"eid": r.id, "new_name": r.name, "new_aliases": r.aliases, "new_mentions": r.mentions}
        for r in rows
        if r.changed and not r.new
    ]
    if changed:
        stmt = entities.update().where(entities.c.id == sa.bindparam("eid"))
        stmt = stmt.values(
            name=sa.bindparam("new_name"),
            aliases=sa.bindparam("new_aliases", type_=entities.c.aliases.type),
            mentions=sa.bindparam("new_mentions"),
        )
        conn.execute(stmt, changed)
    for r in rows:
        r.new = r.changed = False


def _values(row: EntityRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "aliases": row.aliases,
        "mentions": row.mentions,
    }


def add_keys(conn: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """File entities under keys; pairs already stored are left as they are."""
    rows = [{"key": k, "entity": e} for k, e in sorted(set(pairs))]
    if not rows:
        return
    if conn.dialect.name in ("sqlite", "postgresql"):
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        conn.execute(dialect.insert(entity_keys).on_conflict_do_nothing(), rows)
        return
    stored = lookup_keys(conn, {r["key"] for r in rows})
    fresh = [r for r in rows if r["entity"] not in stored.get(r["key"], set())]
    if fresh:
        conn.execute(entity_keys.insert(), fresh)


def add_article_rows(
    conn: Connection, local_rows: list[dict], mention_rows: list[dict], role_rows: list[dict]
) -> None:
    """Bulk insert of a batch's article_entities, mentions and roles."""
    for table, rows in ((article_entities, local_rows), (mentions, mention_rows), (roles, role_rows)):
        if rows:
            conn.execute(table.insert(), rows)


def merge_entity(conn: Connection, source: str, target: str) -> None:
    """Point everything that names `source` at `target`, then drop `source` and its keys.
    The caller updates the target's row (aliases, mention count)."""
    for table, column in (
        (mentions, "entity"),
        (article_entities, "entity"),
        (roles, "entity"),
        (quotes, "speaker"),
    ):
        conn.execute(table.update().where(table.c[column] == source).values({column: target}))
    conn.execute(entity_keys.delete().where(entity_keys.c.entity == source))
    conn.execute(entities.delete().where(entities.c.id == source))


def name_counts(conn: Connection, ids: Iterable[str]) -> dict[str, Counter[str]]:
    """How many articles call each entity by each name (their fullest form there)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for chunk in _chunks(sorted(set(ids))):
        query = (
            sa.select(article_entities.c.entity, article_entities.c.name, sa.func.count())
            .where(article_entities.c.entity.in_(chunk))
            .group_by(article_entities.c.entity, article_entities.c.name)
        )
        for entity, name, n in conn.execute(query):
            counts[entity][name] += n
    return dict(counts)


def load_entity(conn: Connection, entity_id: str) -> Entity:
    """One entity with its aliases and every role an article gave it."""
    row = conn.execute(sa.select(entities).where(entities.c.id == entity_id)).first()
    if row is None:
        raise NotFound(f"no entity with id {entity_id!r}; `storyline export` lists them")
    query = sa.select(roles.c.title, roles.c.org, roles.c.article).where(roles.c.entity == entity_id)
    found = [Role(t, o, a) for t, o, a in conn.execute(query.order_by(roles.c.id))]
    return Entity(row.id, row.name, row.type, list(row.aliases or []), found)


def all_entities(conn: Connection) -> list[Entity]:
    """Every entity with aliases and roles, in id order: two queries, for the export."""
    by_entity: dict[str, list[Role]] = defaultdict(list)
    for e, t, o, a in conn.execute(
        sa.select(roles.c.entity, roles.c.title, roles.c.org, roles.c.article).order_by(roles.c.id)
    ):
        by_entity[e].append(Role(t, o, a))
    rows = conn.execute(sa.select(entities).order_by(entities.c.id))
    return [Entity(r.id, r.name, r.type, list(r.aliases or []), by_entity.get(r.id, [])) for r in rows]
