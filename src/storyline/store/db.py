"""The database handle: engine, transactions, versioned schema.

SQLite (the default file `./storyline.db`) and PostgreSQL by URL share one code path.
Every write happens inside `atomic()`, so an interrupted run loses at most the batch in
flight, and a rerun finds everything committed before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storyline.config import DEFAULT_DB_URL
from storyline.errors import StoreError
from storyline.store.migrations import migrate


def normalize_url(url: str | None) -> str:
    """Accept a SQLAlchemy URL, a bare file path, or ':memory:'."""
    url = url or DEFAULT_DB_URL
    if url == ":memory:":
        return "sqlite://"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Store:
    """One database; create with a URL, use `atomic()` for writes and `read()` for reads."""

    def __init__(self, url: str | None = None, migrate_schema: bool = True) -> None:
        self.url = normalize_url(url)
        try:
            self.engine: Engine = self._engine()
            if migrate_schema:
                with self.engine.begin() as conn:
                    migrate(conn)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"not a database URL: {url!r} ({exc})") from exc
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the database {self.display_url}: {exc.orig}") from exc
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"the driver for {self.display_url} is not installed ({exc.name}); "
                "for PostgreSQL: pip install 'storyline[postgres]'"
            ) from exc

    def _engine(self) -> Engine:
        if self.url.startswith("sqlite"):
            kwargs: dict = {}
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool
                kwargs["connect_args"] = {"check_same_thread": False}
            else:
                path = sa.engine.make_url(self.url).database
                if path:
                    Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            engine = sa.create_engine(self.url, **kwargs)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return sa.create_engine(self.url, pool_pre_ping=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
