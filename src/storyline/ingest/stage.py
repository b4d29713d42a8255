"""The ingest stage: read inputs, clean, detect language, drop repeats, store in batches.

Articles are committed every INGEST_COMMIT_EVERY records, so a crash loses at most one
batch and a rerun resumes: content already stored is recognised by its hash and left as
it is.  Every input ends up in the report (and the ingest log) as ingested, unchanged,
updated, duplicate or skipped with a reason.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import py3langid

from storyline.config import DEDUPE_WINDOW_DAYS, INGEST_COMMIT_EVERY, MIN_ARTICLE_CHARS
from storyline.ingest import dedupe
from storyline.ingest.clean import clean_text
from storyline.ingest.dates import normalize_published
from storyline.ingest.fetch import Fetcher
from storyline.ingest.meta import MetaIndex
from storyline.ingest.sources import read_inputs
from storyline.model import Article, ArticleInput, Skipped
from storyline.progress import Progress
from storyline.store import articles as repo
from storyline.store.db import Store


@dataclass
class IngestReport:
    run: str
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False only when inputs were given and none could be read at all."""
        return bool(self.ingested or self.unchanged or self.updated or not self.skipped)

    def summary(self) -> str:
        parts = [f"ingested {len(self.ingested)}"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} of them duplicates")
        if self.unchanged:
            parts.append(f"unchanged {len(self.unchanged)}")
        if self.updated:
            parts.append(f"updated {len(self.updated)}")
        parts.append(f"skipped {len(self.skipped)}")
        return ", ".join(parts)

    def skip_reasons(self) -> Counter[str]:
        return Counter(s.reason.split(":")[0] for s in self.skipped)


def derive_id(content_hash: str, identity: str) -> str:
    """A stable id for an article nobody named: same text from the same place, same id."""
    return "a" + hashlib.sha256(f"{content_hash}\0{identity}".encode()).hexdigest()[:12]


def detect_language(text: str) -> str:
    return py3langid.classify(text[:3000])[0]


class _Batch:
    """Articles waiting for the next commit, and what the batch already knows."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.hashes: dict[str, list[Any]] = {}
        self.ids: set[str] = set()
        self.redirects: list[tuple[str, str]] = []  # (demoted original, new original)


class Ingestor:
    """Holds the near-duplicate index and the open batch across all inputs of one run."""

    def __init__(self, store: Store, report: IngestReport) -> None:
        self.store = store
        self.report = report
        self.index = dedupe.NearDuplicateIndex()
        self.loaded_days: set[str] = set()
        self.batch = _Batch()

    def add(self, item: ArticleInput | Skipped) -> None:
        if isinstance(item, Skipped):
            self._skip(item.origin, item.reason)
        else:
            self._add_article(item)
        if len(self.batch.rows) + len(self.batch.log) >= INGEST_COMMIT_EVERY:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        with self.store.atomic() as conn:
            repo.insert(conn, batch.rows)
            for old, new in batch.redirects:
                repo.redirect_duplicates(conn, old, new)
            repo.log(conn, self.report.run, batch.log)

    def _skip(self, origin: str, reason: str) -> None:
        self.report.skipped.append(Skipped(origin, reason))
        self.batch.log.append({"origin": origin, "status": "skipped", "reason": reason})

    def _add_article(self, item: ArticleInput) -> None:
        cleaned = clean_text(item.text)
        if len(cleaned.text) < MIN_ARTICLE_CHARS:
            self._skip(item.origin, f"too short after cleaning ({len(cleaned.text)} characters)")
            return
        article = Article(
            id="",
            text=cleaned.text,
            blocks=cleaned.blocks,
            dateline=cleaned.dateline,
            title=(item.title or cleaned.headline or "").strip() or None,
            source=item.source or _domain(item.url),
            url=item.url,
            path=item.path,
            published=normalize_published(item.published),
            language=(item.language or "").lower()[:2] or detect_language(cleaned.text),
            author=item.author,
            content_hash=dedupe.content_hash(cleaned.text),
        )
        if self._seen_before(item, article):
            return
        article.id = item.id or derive_id(article.content_hash, article.url or article.source or "")
        if article.id in self.batch.ids or self._exists(article.id):
            self._skip(item.origin, f"id {article.id!r} already names a different article")
            return
        mh = dedupe.body_signature(article.text, article.blocks)
        self._load_window(article.published)
        self._place(article, mh)
        self.batch.rows.append(repo.to_row(article, dedupe.to_bytes(mh)))
        self.batch.ids.add(article.id)
        self.batch.hashes.setdefault(article.content_hash, []).append(
            _Known(article.id, article.source, article.url, article.path, article.published, article.title)
        )
        self.batch.log.append({"origin": item.origin, "status": "ingested", "article": article.id})
        self.report.ingested.append(article.id)

    def _place(self, article: Article, mh: dedupe.MinHash) -> None:
        """Original or copy?  The earlier published of two near-identical texts is the original."""
        match = self.index.match(mh)
        if match is None:
            self.index.add(article.id, mh, article.published)
        elif dedupe.earlier(article.published, self.index.published.get(match[0])):
            self._demote(match[0], article.id)
            self.index.remove(match[0])
            self.index.add(article.id, mh, article.published)
        else:
            article.duplicate_of = match[0]
            self.report.duplicates[article.id] = match[0]

    def _demote(self, old: str, new: str) -> None:
        for row in self.batch.rows:
            if row["id"] == old or row["duplicate_of"] == old:
                row["duplicate_of"] = new
        self.batch.redirects.append((old, new))
        for copy, original in list(self.report.duplicates.items()):
            if original == old:
                self.report.duplicates[copy] = new
        self.report.duplicates[old] = new

    def _seen_before(self, item: ArticleInput, article: Article) -> bool:
        """Same text from the same place: a no-op, or a metadata update from --meta."""
        known = self.batch.hashes.get(article.content_hash)
        if known is None:
            with self.store.read() as conn:
                known = repo.by_hash(conn, article.content_hash)
        for row in known:
            same_place = (
                (item.id is not None and item.id == row.id)
                or (article.url is not None and article.url == row.url)
                or (article.path is not None and article.path == row.path)
                or (article.url is None and article.source == row.source)
            )
            if not same_place:
                continue
            changes = _meta_changes(item, article, row) if item.explicit_meta else {}
            if changes:
                with self.store.atomic() as conn:
                    repo.update_meta(conn, row.id, changes)
                self.report.updated.append(row.id)
                status = "updated"
            else:
                self.report.unchanged.append(row.id)
                status = "unchanged"
            self.batch.log.append({"origin": item.origin, "status": status, "article": row.id})
            return True
        return False

    def _exists(self, article_id: str) -> bool:
        with self.store.read() as conn:
            return repo.exists(conn, article_id)

    def _load_window(self, published: str | None) -> None:
        """Index the stored signatures near this article's date, once per day seen."""
        day = (published or "")[:10]
        if day in self.loaded_days:
            return
        self.loaded_days.add(day)
        with self.store.read() as conn:
            for article_id, data, when in repo.minhashes(conn, [published], DEDUPE_WINDOW_DAYS):
                self.index.add(article_id, dedupe.from_bytes(data), when)


@dataclass
class _Known:
    """What `_seen_before` compares, for an article still in the open batch."""

    id: str
    source: str | None
    url: str | None
    path: str | None
    published: str | None
    title: str | None


def _meta_changes(item: ArticleInput, article: Article, row: Any) -> dict[str, Any]:
    wanted = {"source": article.source, "title": article.title, "published": article.published}
    return {k: v for k, v in wanted.items() if v is not None and v != getattr(row, k)}


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def ingest_items(
    store: Store, items: Iterable[ArticleInput | Skipped], progress: Progress | None = None
) -> IngestReport:
    """Store already-read items; the part of ingest that `storyline watch` shares."""
    report = IngestReport(run=uuid.uuid4().hex[:12])
    ingestor = Ingestor(store, report)
    progress = progress or Progress()
    with progress.task("Ingesting") as task:
        for item in items:
            ingestor.add(item)
            task.advance()
    ingestor.flush()
    return report


def ingest(
    store: Store,
    inputs: Iterable[str],
    meta: MetaIndex | None = None,
    feeds: Iterable[str] = (),
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read every input into the store; never raises for a bad input, reports it."""
    return ingest_items(store, read_inputs(inputs, meta, feeds, fetcher), progress)
