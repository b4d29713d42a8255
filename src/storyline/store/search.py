"""Full-text search over articles, quotes and claims.

Two back ends behind one function, chosen by the store's dialect:

- **SQLite**: one FTS5 *external-content* table per searched table (`articles_fts`,
  `quotes_fts`, `claims_fts`).  External content means the text is not stored twice: the
  index points at the source row by `rowid`.  Triggers created by the migration keep the
  index in step with every insert, update and delete, so the stages that write those
  tables (ingest, enrich, compare) need no change and cannot forget to index.  SQLite
  may renumber implicit rowids on `VACUUM`; run `rebuild(conn)` after one.
- **PostgreSQL**: GIN indexes on `to_tsvector('english', …)` expressions over the same
  columns.  An expression index is maintained by PostgreSQL itself on every write, so it
  needs neither triggers nor an extra column; queries repeat the indexed expression so
  the planner uses it.  The text is indexed with `<` and `&` masked: PostgreSQL's parser
  reads `<b c>` as an HTML tag and `&amp;` as an entity and drops the words inside, while
  here they are plain text (SQLite's tokenizer indexes them).

User queries are never passed to the match syntax as typed: both back ends get the words
of the query, each quoted (so `"` or `AND(` cannot raise a syntax error), all required,
with the last one as a prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

HitKind = Literal["article", "quote", "claim"]
KINDS: tuple[HitKind, ...] = ("article", "quote", "claim")

# Snippet delimiters: control characters that cleaned article text never contains, so the
# highlighted stretches can be split out and each piece escaped on its own when rendered.
HIT_OPEN = "\x02"
HIT_CLOSE = "\x03"
SNIPPET_TOKENS = 14  # words of context around the matched terms in an FTS5 snippet
MAX_QUERY_TERMS = 12  # a search box query, not a document: longer input is cut here

_TOKENIZER = "porter unicode61 remove_diacritics 2"

# (fts table, source table, indexed columns); the first column is the one snippets show.
_SQLITE_TABLES: dict[HitKind, tuple[str, str, tuple[str, ...]]] = {
    "article": ("articles_fts", "articles", ("text", "title")),
    "quote": ("quotes_fts", "quotes", ("text", "speaker_name")),
    "claim": ("claims_fts", "claims", ("text",)),
}

# `<` and `&` swapped for control characters the parser takes as spaces (and that cleaned
# text never holds, so snippets can swap them back).
_PG_MASK = "\x0e\x0f"
_PG_UNMASK = {ord(m): c for m, c in zip(_PG_MASK, "<&", strict=True)}

# PostgreSQL keeps each searched row's vector in a generated column with a GIN index:
# computed once per write, not per query (matching, ranking and counting all read it).
PG_VECTOR_COLUMN = "search_vector"

# The same columns for PostgreSQL, as the expressions the vectors are computed from.
_PG_DOCUMENTS: dict[HitKind, tuple[str, str, str]] = {
    "article": ("articles", "articles_search_idx", "coalesce(title, '') || ' ' || text"),
    "quote": ("quotes", "quotes_search_idx", "text || ' ' || coalesce(speaker_name, '')"),
    "claim": ("claims", "claims_search_idx", "text"),
}


@dataclass
class Hit:
    """One search result: what matched, where it lives, and a highlighted snippet."""

    kind: HitKind
    id: str
    score: float  # lower is better, comparable within one back end
    snippet: str  # with HIT_OPEN / HIT_CLOSE around matched terms
    article: str | None = None
    event: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None
    speaker: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def fragments(self) -> list[tuple[str, bool]]:
        return split_snippet(self.snippet)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "article": self.article,
            "event": self.event,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet.replace(HIT_OPEN, "").replace(HIT_CLOSE, ""),
            "fragments": [{"text": text, "match": match} for text, match in self.fragments],
            "score": self.score,
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


# --- schema: called once by the v2_full_text_search migration ----------------------------


def install(conn: Connection, replace: bool = False) -> None:
    """Create the full-text indexes (and their triggers on SQLite) and fill them.

    `replace` rebuilds PostgreSQL's indexes on the current expressions (a migration's job).
    """
    if conn.dialect.name == "sqlite":
        for fts, table, columns in _SQLITE_TABLES.values():
            for statement in _sqlite_ddl(fts, table, columns):
                conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        for table, index, _document in _PG_DOCUMENTS.values():
            if replace:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {PG_VECTOR_COLUMN}")
            conn.execute(
                sa.text(
                    f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {PG_VECTOR_COLUMN} tsvector "
                    f"GENERATED ALWAYS AS ({_pg_vector(table)}) STORED"
                )
            )
            conn.execute(
                sa.text(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING GIN ({PG_VECTOR_COLUMN})")
            )


def _pg_masked(expression: str) -> str:
    return f"translate({expression}, '<&', '{_PG_MASK}')"


def _pg_vector(table: str) -> str:
    """The document vector of `table`, stored in its generated column PG_VECTOR_COLUMN."""
    document = next(d for t, _i, d in _PG_DOCUMENTS.values() if t == table)
    return f"to_tsvector('english', {_pg_masked(document)})"


def _sqlite_ddl(fts: str, table: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='rowid', tokenize='{_TOKENIZER}')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def rebuild(conn: Connection) -> None:
    """Re-read every indexed row: after a SQLite VACUUM, or to repair a damaged index."""
    if conn.dialect.name == "sqlite":
        for fts, _table, _columns in _SQLITE_TABLES.values():
            conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    elif conn.dialect.name == "postgresql":
        for _table, index, _document in _PG_DOCUMENTS.values():
            conn.exec_driver_sql(f"REINDEX INDEX {index}")


# --- queries ------------------------------------------------------------------------------


def search(
    conn: Connection,
    query: str,
    kinds: tuple[HitKind, ...] = KINDS,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Best matches across the kinds asked for, merged by score, one page of them."""
    result = SearchResult(query=query)
    wanted = [k for k in KINDS if k in kinds]
    if not query.strip() or not wanted:
        return result
    run = _search_sqlite if conn.dialect.name == "sqlite" else _search_postgres
    hits: list[Hit] = []
    for kind in wanted:
        found, total = run(conn, kind, query, limit + offset)
        hits.extend(found)
        result.total += total
    hits.sort(key=lambda h: (h.score, KINDS.index(h.kind), h.id))
    result.hits = hits[offset : offset + limit]
    return result


def query_words(text: str) -> list[str]:
    """The words of a user's query, the only part of it that reaches the match syntax."""
    return re.findall(r"\w+", text)[:MAX_QUERY_TERMS]


def fts5_query(text: str) -> str | None:
    """The words of a user's query as a safe FTS5 expression (all words, last as prefix)."""
    return _all_words(text, '"', "*", " ")


def tsquery(text: str) -> str | None:
    """The same for PostgreSQL's `to_tsquery`: each word quoted, AND-ed, the last a prefix."""
    return _all_words(text, "'", ":*", " & ")


def _all_words(text: str, quote: str, prefix: str, joiner: str) -> str | None:
    words = query_words(text)
    if not words:
        return None
    quoted = [f"{quote}{w}{quote}" for w in words]
    quoted[-1] += prefix
    return joiner.join(quoted)


def split_snippet(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces, so a renderer can escape each piece."""
    pieces: list[tuple[str, bool]] = []
    for n, part in enumerate(re.split(f"[{HIT_OPEN}{HIT_CLOSE}]", snippet)):
        if part:
            pieces.append((part, n % 2 == 1))
    return pieces


# The row each kind of hit shows, selected from the source table aliased `s` (both back ends).
_SELECT: dict[HitKind, str] = {
    "article": "s.id, s.id AS article, NULL AS event, s.title, s.source, s.published, "
    "NULL AS speaker, NULL AS start, NULL AS end_",
    "quote": "s.id, s.article, NULL AS event, a.title, a.source, a.published, "
    'coalesce(e.name, s.speaker_name) AS speaker, s.start, s."end" AS end_',
    "claim": "s.id, NULL AS article, s.event, ev.title, NULL AS source, ev.date AS published, "
    "NULL AS speaker, NULL AS start, NULL AS end_",
}
_JOINS: dict[HitKind, str] = {
    "article": "",
    "quote": "JOIN articles a ON a.id = s.article LEFT JOIN entities e ON e.id = s.speaker",
    "claim": "JOIN events ev ON ev.id = s.event",
}


def _search_sqlite(conn: Connection, kind: HitKind, query: str, limit: int) -> tuple[list[Hit], int]:
    match = fts5_query(query)
    if match is None:
        return [], 0
    fts, table, _columns = _SQLITE_TABLES[kind]
    base = f"FROM {fts} f JOIN {table} s ON s.rowid = f.rowid {_JOINS[kind]} WHERE {fts} MATCH :q"
    sql = (
        f"SELECT {_SELECT[kind]}, bm25({fts}) AS score, "
        f"snippet({fts}, 0, :open, :close, '…', {SNIPPET_TOKENS}) AS snip "
        f"{base} ORDER BY score, s.id LIMIT :limit"
    )
    params = {"q": match, "open": HIT_OPEN, "close": HIT_CLOSE, "limit": limit}
    rows = conn.execute(sa.text(sql), params).all()
    total = conn.execute(sa.text(f"SELECT count(*) {base}"), {"q": match}).scalar_one()
    return [_hit(kind, row, row.snip or "") for row in rows], total


def _search_postgres(conn: Connection, kind: HitKind, query: str, limit: int) -> tuple[list[Hit], int]:
    match = tsquery(query)
    if match is None:
        return [], 0
    table, _index, _document = _PG_DOCUMENTS[kind]
    vector = f"s.{PG_VECTOR_COLUMN}"
    base = f"FROM {table} s {_JOINS[kind]}, to_tsquery('english', :q) tq WHERE {vector} @@ tq"
    headline = (
        f"ts_headline('english', {_pg_masked('s.text')}, tq, 'StartSel=' || :open || ', StopSel=' || :close || "
        f"', MaxWords={SNIPPET_TOKENS * 2}, MinWords={SNIPPET_TOKENS}')"
    )
    # Rank and cut first, then highlight: ts_headline re-reads the whole text, and in the
    # select list of the ranked query it ran for every match, not for the page shown.
    top = f"SELECT s.id AS hit, -ts_rank({vector}, tq) AS score {base} ORDER BY score, s.id LIMIT :limit"
    sql = (
        f"SELECT {_SELECT[kind]}, top.score, {headline} AS snip "
        f"FROM ({top}) top JOIN {table} s ON s.id = top.hit {_JOINS[kind]}, to_tsquery('english', :q) tq "
        "ORDER BY top.score, s.id"
    )
    params = {"q": match, "open": HIT_OPEN, "close": HIT_CLOSE, "limit": limit}
    rows = conn.execute(sa.text(sql), params).all()
    total = conn.execute(sa.text(f"SELECT count(*) {base}"), {"q": match}).scalar_one()
    return [_hit(kind, row, (row.snip or "").translate(_PG_UNMASK)) for row in rows], total


def _hit(kind: HitKind, row: Any, snippet: str) -> Hit:
    return Hit(
        kind=kind,
        id=row.id,
        score=float(row.score),
        snippet=snippet,
        article=row.article,
        event=row.event,
        title=row.title,
        source=row.source,
        published=row.published,
        speaker=row.speaker,
        start=row.start,
        end=row.end_,
    )
