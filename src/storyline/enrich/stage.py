"""The enrich stage: analyse every article not yet analysed, resolve entities, store.

Analysis and the article embedding are per article and pure, so they are spread over
worker processes when there is enough work to pay for their start-up (each loads spaCy
and MiniLM once, torch on one thread); resolution and writes happen in this process, one
transaction per batch, so an interrupted run keeps every finished batch and a rerun
picks up the rest.  The next batch is already with the workers while this process
resolves and writes the current one, so the cores do not wait on the database.

An article whose analysis raises is retried alone, and if it fails again it is recorded
as passed over with the error, never failing the batch it came in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

from storyline.enrich import embed
from storyline.enrich.analyze import AnalysisInput, analyze_and_embed
from storyline.enrich.resolve import forget_articles, resolve_and_store
from storyline.model import Analysis, Article
from storyline.progress import Progress
from storyline.store import analysis as analysis_repo
from storyline.store import articles as article_repo
from storyline.store.db import Store
from storyline.workers import pool_size, worker_pool

ENRICH_BATCH = 64  # articles per transaction and per embedding batch
WORKER_CHUNK = 16  # articles per task sent to a worker process
BATCHES_AHEAD = 1  # batches handed to the workers beyond the one being written


@dataclass
class EnrichReport:
    enriched: int = 0
    passed_over: dict[str, str] = field(default_factory=dict)  # article id → why


Pending = Callable[[], tuple[list[Analysis], dict[str, str]]]


def _start(articles: Sequence[Article], pool: Executor | None, model: str | None) -> Pending:
    """Hand a batch to the workers now; the returned call waits for its analyses and the
    articles whose analysis failed (id → error)."""
    items = [AnalysisInput.of(a) for a in articles if skip_reason(a) is None]
    chunks = [items[i : i + WORKER_CHUNK] for i in range(0, len(items), WORKER_CHUNK)]
    if pool is None:
        return lambda: _gather([(chunk, None) for chunk in chunks], model)
    futures = [(chunk, pool.submit(analyze_and_embed, chunk, model)) for chunk in chunks]
    return lambda: _gather(futures, model)


def _gather(
    chunks: Sequence[tuple[list[AnalysisInput], Future | None]], model: str | None
) -> tuple[list[Analysis], dict[str, str]]:
    analyses: list[Analysis] = []
    failed: dict[str, str] = {}
    for chunk, future in chunks:
        try:
            analyses += future.result() if future is not None else analyze_and_embed(chunk, model)
        except Exception:  # one bad article must not cost the chunk: retry each alone
            for item in chunk:
                try:
                    analyses += analyze_and_embed([item], model)
                except Exception as exc:
                    failed[item.id] = f"analysis failed: {type(exc).__name__}: {exc}"
    return analyses, failed


def skip_reason(article: Article) -> str | None:
    if article.duplicate_of:
        return f"duplicate of {article.duplicate_of}"
    if article.language and article.language != "en":
        return f"language '{article.language}': stored, not analysed (English models only)"
    return None


def enrich_pending(
    store: Store, model: str | None = None, processes: int = 0, progress: Progress | None = None
) -> EnrichReport:
    """Analyse every stored article that has not been analysed; idempotent."""
    report = EnrichReport()
    with store.read() as conn:
        ids = article_repo.pending(conn, "enriched_at")
    progress = progress or Progress()
    with (
        progress.task("Analysing", total=len(ids)) as task,
        worker_pool(pool_size(processes, len(ids))) as pool,
    ):
        in_flight: deque[tuple[list[Article], Pending]] = deque()
        for start in range(0, len(ids), ENRICH_BATCH):
            with store.read() as conn:
                articles = article_repo.get_many(conn, ids[start : start + ENRICH_BATCH])
            in_flight.append((articles, _start(articles, pool, model)))
            if len(in_flight) > BATCHES_AHEAD:
                _finish(store, *in_flight.popleft(), report, task)
        while in_flight:
            _finish(store, *in_flight.popleft(), report, task)
    return report


def _finish(
    store: Store, articles: list[Article], pending: Pending, report: EnrichReport, task: object
) -> None:
    analyses, failed = pending()
    store_analyses(store, articles, analyses, report, failed)
    task.advance(len(articles))  # type: ignore[attr-defined]


def analyze_articles(articles: Sequence[Article], pool: Executor | None, model: str | None) -> list[Analysis]:
    """Analyses with embeddings for the articles that get analysed: the costly, store-free
    part (an article whose analysis fails is left out; `store_analyses` then leaves it
    pending unless told why in `failed`)."""
    return _start(articles, pool, model)()[0]


def store_analyses(
    store: Store,
    articles: Sequence[Article],
    analyses: list[Analysis],
    report: EnrichReport,
    failed: dict[str, str] | None = None,
) -> None:
    """Resolve entities and write one batch's analyses in one transaction; articles in
    `failed` are marked done with their error, so a rerun does not trip on them again."""
    by_id = {a.id: a for a in articles}
    with store.atomic() as conn:
        forget_articles(conn, list(by_id))  # entities give back these articles' mentions
        analysis_repo.clear(conn, list(by_id))
        resolve_and_store(conn, analyses, by_id)
        for analysis in analyses:
            _name_speakers(analysis)
        analysis_repo.write(conn, analyses, model=embed.MODEL_NAME)
        article_repo.mark(conn, [a.article for a in analyses], "enriched_at", note="")
        for article in articles:
            reason = skip_reason(article) or (failed or {}).get(article.id)
            if reason:
                article_repo.mark(conn, [article.id], "enriched_at", note=reason)
                report.passed_over[article.id] = reason
    report.enriched += len(analyses)


def _name_speakers(analysis: Analysis) -> None:
    """Quotes point at the article's local entities; give them the global ids."""
    local = {e.key: e for e in analysis.entities}
    for quote in analysis.quotes:
        entity = local.get(quote.speaker_local) if quote.speaker_local is not None else None
        if entity is not None and entity.entity:
            quote.speaker = entity.entity
