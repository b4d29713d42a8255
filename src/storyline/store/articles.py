"""Reading and writing articles and the ingest log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.errors import NotFound
from storyline.model import Article, Block
from storyline.store.schema import articles, ingest_log, utcnow


def to_row(article: Article, minhash: bytes | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "content_hash": article.content_hash,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "path": article.path,
        "published": article.published,
        "language": article.language,
        "author": article.author,
        "dateline": article.dateline,
        "text": article.text,
        "blocks": [[b.start, b.end, b.kind] for b in article.blocks],
        "duplicate_of": article.duplicate_of,
        "minhash": minhash,
        "words": len(article.text.split()),
        "ingested_at": utcnow(),
    }


def from_row(row: Any) -> Article:
    return Article(
        id=row.id,
        text=row.text,
        source=row.source,
        title=row.title,
        url=row.url,
        path=row.path,
        published=row.published,
        language=row.language,
        author=row.author,
        dateline=row.dateline,
        blocks=[Block(s, e, k) for s, e, k in row.blocks],
        duplicate_of=row.duplicate_of,
        content_hash=row.content_hash,
    )


_ARTICLE_COLUMNS = [c for c in articles.c if c.name != "minhash"]


def insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(articles.insert(), rows)


def get(conn: Connection, article_id: str) -> Article:
    row = conn.execute(sa.select(*_ARTICLE_COLUMNS).where(articles.c.id == article_id)).first()
    if row is None:
        raise NotFound(f"no article with id {article_id!r}")
    return from_row(row)


def get_many(conn: Connection, ids: Iterable[str]) -> list[Article]:
    ids = list(ids)
    found: dict[str, Article] = {}
    for chunk in _chunks(ids, 500):
        for row in conn.execute(sa.select(*_ARTICLE_COLUMNS).where(articles.c.id.in_(chunk))):
            found[row.id] = from_row(row)
    return [found[i] for i in ids if i in found]


def iter_all(conn: Connection, batch: int = 500) -> Iterator[Article]:
    """Every article in a stable order (published, id), streamed in batches."""
    last: tuple[str, str] | None = None
    order = (sa.func.coalesce(articles.c.published, ""), articles.c.id)
    while True:
        query = sa.select(*_ARTICLE_COLUMNS).order_by(*order).limit(batch)
        if last is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*last))
        rows = conn.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield from_row(row)
        last = (rows[-1].published or "", rows[-1].id)


def count(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one()


def by_hash(conn: Connection, content_hash: str) -> list[Any]:
    query = sa.select(
        articles.c.id,
        articles.c.source,
        articles.c.url,
        articles.c.path,
        articles.c.published,
        articles.c.title,
    ).where(articles.c.content_hash == content_hash)
    return list(conn.execute(query))


def exists(conn: Connection, article_id: str) -> bool:
    return conn.execute(sa.select(articles.c.id).where(articles.c.id == article_id)).first() is not None


def update_meta(conn: Connection, article_id: str, values: dict[str, Any]) -> None:
    """New metadata for stored text: later stages must run again (dates resolve anew)."""
    values = {**values, "enriched_at": None, "clustered_at": None}
    conn.execute(articles.update().where(articles.c.id == article_id).values(**values))


def minhashes(
    conn: Connection, around: Iterable[str | None], window_days: int
) -> Iterator[tuple[str, bytes, str | None]]:
    """Signatures of originals published within the window of the given dates (or undated)."""
    days = sorted({d[:10] for d in around if d})
    query = sa.select(articles.c.id, articles.c.minhash, articles.c.published).where(
        articles.c.duplicate_of.is_(None), articles.c.minhash.is_not(None)
    )
    if days:
        lo = (date.fromisoformat(days[0]) - timedelta(days=window_days)).isoformat()
        hi = (date.fromisoformat(days[-1]) + timedelta(days=window_days + 1)).isoformat()
        query = query.where(sa.or_(articles.c.published.is_(None), articles.c.published.between(lo, hi)))
    for row in conn.execute(query):
        yield row.id, row.minhash, row.published


def redirect_duplicates(conn: Connection, old: str, new: str) -> None:
    """An earlier original arrived after its copy: the copy and its copies now point to it.

    The demoted article's later stages run again, so it leaves its event as a duplicate.
    """
    conn.execute(
        articles.update()
        .where(articles.c.id == old)
        .values(duplicate_of=new, enriched_at=None, clustered_at=None)
    )
    conn.execute(articles.update().where(articles.c.duplicate_of == old).values(duplicate_of=new))


def pending(conn: Connection, stage: str, limit: int | None = None) -> list[str]:
    """Ids of articles the stage ("enriched_at", "clustered_at") has not handled, in order."""
    column = articles.c[stage]
    query = (
        sa.select(articles.c.id)
        .where(column.is_(None))
        .order_by(sa.func.coalesce(articles.c.published, ""), articles.c.id)
    )
    if limit:
        query = query.limit(limit)
    return list(conn.scalars(query))


def mark(conn: Connection, ids: Iterable[str], stage: str, note: str | None = None) -> None:
    ids = list(ids)
    values: dict[str, Any] = {stage: utcnow()}
    if note is not None:
        values["note"] = note
    for chunk in _chunks(ids, 500):
        conn.execute(articles.update().where(articles.c.id.in_(chunk)).values(**values))


def log(conn: Connection, run: str, entries: list[dict[str, Any]]) -> None:
    if entries:
        now = utcnow()
        rows = [{"run": run, "at": now, "article": None, "reason": None, **e} for e in entries]
        conn.execute(ingest_log.insert(), rows)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
