"""What only PostgreSQL can get wrong: the pass really runs there, URLs, collations.

These run in the STORYLINE_TEST_DB=postgres pass (see conftest.py); the rest of the suite
runs there too, unchanged, so this file holds only the PostgreSQL-specific checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from storyline.cli import app as cli_app
from storyline.store import entities as entity_store
from storyline.store import schema as t
from storyline.store.db import Store
from storyline.store.migrations import MIGRATIONS, current_version

pytestmark = pytest.mark.postgres

# Linguistic collations a server may default to; any one shows the bytewise assumption.
LINGUISTIC = ("en_US.utf8", "en_US.UTF-8", "en_GB.utf8", "de_DE.utf8", "en-US-x-icu", "und-x-icu")


def key_collation(conn: sa.Connection) -> str | None:
    return conn.execute(
        sa.text(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'entity_keys' AND column_name = 'key'"
        )
    ).scalar_one()


def test_the_pass_runs_on_postgresql(store: Store) -> None:
    assert store.dialect == "postgresql"
    with store.read() as conn:
        assert current_version(conn) == len(MIGRATIONS)
        assert int(conn.execute(sa.text("SHOW server_version_num")).scalar_one()) >= 150000


def test_plain_postgresql_urls_get_the_psycopg_driver(store: Store, tmp_path) -> None:
    """`--db postgresql://…` (what pgserver, psql and most hosts print) works as typed."""
    plain = store.url.replace("postgresql+psycopg://", "postgresql://", 1)
    assert plain != store.url
    (tmp_path / "a.txt").write_text("The harbour board approved the new ferry timetable on Monday.\n")
    runner = CliRunner()
    assert (
        runner.invoke(cli_app, ["ingest", str(tmp_path / "a.txt"), "--db", plain, "--quiet"]).exit_code == 0
    )
    result = runner.invoke(cli_app, ["export", "--db", plain.replace("postgresql://", "postgres://", 1)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["articles"]) == 1


def test_entity_keys_compare_bytewise(store: Store) -> None:
    with store.read() as conn:
        assert key_collation(conn) == "C"


def test_migration_converts_a_store_made_before(store: Store) -> None:
    """A store migrated to v2 before the collation fix: reopening it converts the column."""
    with store.atomic() as conn:
        conn.execute(
            t.entities.insert().values(id="person:a", name="A", type="PERSON", aliases=[], mentions=1)
        )
        conn.execute(t.entity_keys.insert().values(key="person#a|ann a", entity="person:a"))
        conn.exec_driver_sql('ALTER TABLE entity_keys ALTER COLUMN key TYPE VARCHAR(300) COLLATE "default"')
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 2")
    with store.read() as conn:
        assert key_collation(conn) is None
    reopened = Store(store.url)
    try:
        with reopened.read() as conn:
            assert key_collation(conn) == "C"
            assert current_version(conn) == len(MIGRATIONS)
            assert list(entity_store.lookup_prefixes(conn, ["person#a|"])) == [("person#a|ann a", "person:a")]
    finally:
        reopened.close()


@pytest.fixture
def linguistic_store(store: Store) -> Iterator[Store]:
    """A new database whose default collation is linguistic (skips when the server has none)."""
    with store.read() as conn:
        names = set(conn.scalars(sa.text("SELECT collname FROM pg_collation")))
    locale = next((n for n in LINGUISTIC if n in names), None)
    if locale is None:
        pytest.skip("this PostgreSQL has no linguistic collation (no en_US locale, no ICU) to test under")
    url = sa.engine.make_url(store.url)
    name = f"storyline_linguistic_{url.query['application_name'][-12:]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    provider = "icu" if locale.endswith("-x-icu") else "libc"
    icu_locale = locale.removesuffix("-x-icu")
    locale_sql = f"ICU_LOCALE '{icu_locale}' LOCALE 'C'" if provider == "icu" else f"LOCALE '{locale}'"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER {provider} {locale_sql}'
            )
    except sa.exc.DBAPIError as exc:
        admin.dispose()
        pytest.skip(f"cannot create a database with collation {locale}: {exc.orig}")
    target = Store(url.set(database=name).difference_update_query(["options"]).render_as_string(False))
    try:
        yield target
    finally:
        target.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_prefix_lookup_under_a_linguistic_default_collation(linguistic_store: Store) -> None:
    """en_US ignores `|` when sorting; the block range must still find the block's keys."""
    keys = {"person#smth|john smith": "person:john-smith", "person#smth|jon smyth": "person:jon-smyth"}
    with linguistic_store.atomic() as conn:
        for key, entity in keys.items():
            conn.execute(
                t.entities.insert().values(id=entity, name=key, type="PERSON", aliases=[], mentions=1)
            )
            conn.execute(t.entity_keys.insert().values(key=key, entity=entity))
    with linguistic_store.read() as conn:
        assert dict(entity_store.lookup_prefixes(conn, ["person#smth|"])) == keys
