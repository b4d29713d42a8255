"""Versioned schema: an ordered list of named migration functions, applied once each.

Alembic would work too; a list of functions is enough for a schema owned by one package,
runs the same on SQLite and PostgreSQL, and needs no separate tool at install time.
Migrations run inside the caller's transaction, and PostgreSQL's advisory lock keeps two
processes starting at once from migrating twice.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store import schema

schema_version = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


def v1_initial(conn: Connection) -> None:
    """Every table of storyline/1."""
    schema.metadata.create_all(conn)


def v2_full_text_search(conn: Connection) -> None:
    """Full-text indexes over articles, quotes and claims, kept in sync by the database.

    SQLite: FTS5 external-content tables plus triggers; PostgreSQL: GIN expression
    indexes on to_tsvector.  See `storyline.store.search`.
    """
    from storyline.store import search

    search.install(conn)


def v3_bytewise_entity_keys(conn: Connection) -> None:
    """PostgreSQL: entity keys compare bytewise, so prefix range scans hold under any locale.

    Stores created from here on get COLLATE "C" from the table definition; this converts
    those made before.  SQLite compares bytewise already.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql('ALTER TABLE entity_keys ALTER COLUMN key TYPE VARCHAR(300) COLLATE "C"')


def v4_search_sees_through_markup(conn: Connection) -> None:
    """PostgreSQL: rebuild the search indexes on text whose `<` and `&` no longer hide words."""
    from storyline.store import search

    if conn.dialect.name == "postgresql":  # FTS5 reads `<` and `&` as separators already
        search.install(conn, replace=True)


def v5_readings(conn: Connection) -> None:
    """The table of what comparison reads off each parse; articles enriched before it
    are parsed again when compared (storyline.compare.stage.read_missing)."""
    schema.readings.create(conn, checkfirst=True)


def v6_precise_timerefs(conn: Connection) -> None:
    """Time references keep a week beside its month; stores made before get the column
    (empty: those articles date by the month until enriched again)."""
    if "precise" not in {c["name"] for c in sa.inspect(conn).get_columns("timerefs")}:
        conn.execute(sa.text("ALTER TABLE timerefs ADD COLUMN precise VARCHAR(16)"))


def v7_stored_search_vectors(conn: Connection) -> None:
    """PostgreSQL: search vectors in stored generated columns, so a query no longer runs
    to_tsvector over every matching text (15× SQLite's search time on the demo)."""
    from storyline.store import search

    if conn.dialect.name == "postgresql":
        search.install(conn, replace=True)


def v8_comparison_inputs(conn: Connection) -> None:
    """Comparisons keep a digest of their inputs; those made before have none and are
    compared again the next time their event changes."""
    if "inputs" not in {c["name"] for c in sa.inspect(conn).get_columns("comparisons")}:
        conn.execute(sa.text("ALTER TABLE comparisons ADD COLUMN inputs VARCHAR(64)"))


def v9_unit_vectors(conn: Connection) -> None:
    """The table of kept claim-unit and quote-piece vectors; events compared before it
    embed everything once more the next time they change."""
    schema.unit_vectors.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [
    v1_initial,
    v2_full_text_search,
    v3_bytewise_entity_keys,
    v4_search_sees_through_markup,
    v5_readings,
    v6_precise_timerefs,
    v7_stored_search_vectors,
    v8_comparison_inputs,
    v9_unit_vectors,
]


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def migrate(conn: Connection) -> int:
    """Apply the migrations this database has not seen; return the resulting version."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7301)"))
    schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    for number, step in enumerate(MIGRATIONS, start=1):
        if number > version:
            step(conn)
            conn.execute(
                schema_version.insert().values(version=number, name=step.__name__, applied_at=schema.utcnow())
            )
            version = number
    return version
