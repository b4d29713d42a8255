"""Feed polling state: the validators for conditional requests, the last error."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store.schema import articles, feeds, utcnow


def get(conn: Connection, url: str) -> Any | None:
    return conn.execute(sa.select(feeds).where(feeds.c.url == url)).first()


def save(conn: Connection, url: str, etag: str | None, last_modified: str | None, error: str | None) -> None:
    values = {"etag": etag, "last_modified": last_modified, "checked_at": utcnow(), "error": error}
    if get(conn, url) is None:
        conn.execute(feeds.insert().values(url=url, **values))
    elif error is not None:  # keep the validators of the last good fetch
        conn.execute(
            feeds.update().where(feeds.c.url == url).values(checked_at=values["checked_at"], error=error)
        )
    else:
        conn.execute(feeds.update().where(feeds.c.url == url).values(**values))


def known_url(conn: Connection, url: str) -> bool:
    return conn.execute(sa.select(articles.c.id).where(articles.c.url == url).limit(1)).first() is not None
