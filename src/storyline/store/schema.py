"""The tables, as SQLAlchemy Core metadata, portable between SQLite and PostgreSQL.

Core rather than the ORM: stages exchange dataclasses from `storyline.model`, and bulk
inserts of thousands of rows per batch are plain `insert()` calls.  Ids are strings so
the ids a user gives in `--meta` survive untouched.

Changing the schema: add a migration function in `migrations.py` that alters what exists;
never edit what a released migration created.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData()


def utcnow() -> datetime:
    """Naive UTC: stored the same way by SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


ID = sa.String(96)


def _id(name: str = "id", *args: object, **kw: object) -> sa.Column:
    return sa.Column(name, ID, *args, **kw)


articles = sa.Table(
    "articles",
    metadata,
    _id(primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("source", sa.String(300)),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text, index=True),
    sa.Column("path", sa.Text),
    sa.Column("published", sa.String(40), index=True),
    sa.Column("language", sa.String(16)),
    sa.Column("author", sa.Text),
    sa.Column("dateline", sa.String(200)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("blocks", sa.JSON, nullable=False),
    sa.Column("duplicate_of", ID, index=True),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("words", sa.Integer, nullable=False, default=0),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    # processing state: NULL means the stage has yet to run for this article
    sa.Column("enriched_at", sa.DateTime, index=True),
    sa.Column("clustered_at", sa.DateTime, index=True),
    sa.Column("note", sa.Text),  # why a stage passed the article over (not English, duplicate)
)

sentences = sa.Table(
    "sentences",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
)

entities = sa.Table(
    "entities",
    metadata,
    _id(primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False, index=True),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False, default=0),
)

# Lookup keys (normalised names, transliteration-folded) → entity, for incremental resolution.
# Resolution finds keys by prefix with range scans (`key >= 'p|' AND key < 'p}'`), which
# holds only in bytewise order: on PostgreSQL the column says COLLATE "C", whatever the
# database's default (en_US sorting skips the `|` and misses every key in the block).
BYTEWISE_KEY = sa.String(300).with_variant(sa.String(300, collation="C"), "postgresql")

entity_keys = sa.Table(
    "entity_keys",
    metadata,
    sa.Column("key", BYTEWISE_KEY, primary_key=True),
    _id("entity", sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# One article's view of an entity: its fullest name there, and the global entity it maps to.
article_entities = sa.Table(
    "article_entities",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("local", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    _id("entity", sa.ForeignKey("entities.id", ondelete="SET NULL"), index=True),
    sa.Column("mentions", sa.Integer, nullable=False, default=1),
    sa.Column("first_start", sa.Integer, nullable=False, default=0),
)

mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("local", sa.Integer, nullable=False),
    _id("entity", index=True),
)

roles = sa.Table(
    "roles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("entity", sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("org", sa.Text),
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
)

quotes = sa.Table(
    "quotes",
    metadata,
    _id(primary_key=True),
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    _id("speaker", index=True),
    sa.Column("speaker_name", sa.Text),
    sa.Column("speaker_start", sa.Integer),
    sa.Column("speaker_end", sa.Integer),
    sa.Column("cue", sa.String(100)),
    sa.Column("cue_start", sa.Integer),
    sa.Column("cue_end", sa.Integer),
)

timerefs = sa.Table(
    "timerefs",
    metadata,
    _id(primary_key=True),
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("value", sa.String(16)),
    sa.Column("granularity", sa.String(8)),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("precise", sa.String(16)),  # an ISO week finer than `value` (TimeRef.precise)
)

embeddings = sa.Table(
    "embeddings",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", sa.String(100), nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32, L2-normalised
)

# What comparison reads off each article's parse (claim units, framing), kept by
# enrichment so comparing an event never parses again; see storyline.compare.reading.
readings = sa.Table(
    "readings",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("units", sa.JSON, nullable=False),
    sa.Column("framing", sa.JSON, nullable=False),
)

# Claim-unit and quote-piece vectors one comparison embedded, kept per article so an event
# compared again embeds only new texts; see storyline.compare.vectors for the layout.
unit_vectors = sa.Table(
    "unit_vectors",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", sa.String(100), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),  # 8-byte text keys, then float16 rows
    sa.Column("kept_at", sa.DateTime, nullable=False, index=True),
)

# What clustering decides with, derived from enrichment: event date, kind, place, actors.
article_features = sa.Table(
    "article_features",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("event_date", sa.String(16), index=True),
    sa.Column("granularity", sa.String(8)),
    sa.Column("kind", sa.String(32)),
    sa.Column("location", sa.Text),
    sa.Column("participants", sa.JSON, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

storylines = sa.Table(
    "storylines",
    metadata,
    _id(primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    _id(primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("date", sa.String(16), index=True),
    sa.Column("granularity", sa.String(8)),
    sa.Column("location", sa.Text),
    sa.Column("kind", sa.String(32)),
    sa.Column("participants", sa.JSON, nullable=False),
    _id("storyline", sa.ForeignKey("storylines.id", ondelete="SET NULL"), index=True),
    sa.Column("centroid", sa.LargeBinary),
    sa.Column("size", sa.Integer, nullable=False, default=0),
    sa.Column("first_published", sa.String(40)),
    sa.Column("last_published", sa.String(40), index=True),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("compared_at", sa.DateTime),  # NULL or older than updated_at: compare again
)

event_articles = sa.Table(
    "event_articles",
    metadata,
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    _id("event", sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("score", sa.Float),
)

# Background happenings articles mention (a 2001 treaty), listed in a storyline's timeline.
context_items = sa.Table(
    "context_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("storyline", sa.ForeignKey("storylines.id", ondelete="CASCADE"), index=True),
    _id("event", sa.ForeignKey("events.id", ondelete="CASCADE"), index=True),
    _id("article", sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("date", sa.String(16)),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
)

claims = sa.Table(
    "claims",
    metadata,
    _id(primary_key=True),
    _id("event", sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("context", sa.Boolean, nullable=False, default=False),
    sa.Column("sources", sa.JSON, nullable=False),
)

comparisons = sa.Table(
    "comparisons",
    metadata,
    _id("event", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),  # quote_matches, omissions, framing, sourcing
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # Digest of what the comparison read (storyline.compare.stage.inputs_digest): an event
    # that changed without changing these is not compared again.
    sa.Column("inputs", sa.String(64)),
)

# What happened to every input of every run: the "ingested N, skipped M" report, kept.
ingest_log = sa.Table(
    "ingest_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run", sa.String(40), nullable=False, index=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    _id("article"),
    sa.Column("reason", sa.Text),
    sa.Column("at", sa.DateTime, nullable=False),
)

# Feed polling state for `storyline watch`: conditional requests need the last validators.
feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("checked_at", sa.DateTime),
    sa.Column("error", sa.Text),
)
