"""The enrich stage: analyse every article not yet analysed, resolve entities, store.

Analysis is per article and pure, so it is spread over worker processes when there is
enough work to pay for their start-up (each loads spaCy once); resolution, embeddings
and writes happen in this process, one transaction per batch, so an interrupted run
keeps every finished batch and a rerun picks up the rest.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from storyline.enrich import embed
from storyline.enrich.analyze import AnalysisInput, analyze
from storyline.enrich.resolve import forget_articles, resolve_and_store
from storyline.model import Analysis, Article
from storyline.progress import Progress
from storyline.store import analysis as analysis_repo
from storyline.store import articles as article_repo
from storyline.store.db import Store

ENRICH_BATCH = 64  # articles per transaction and per embedding batch
WORKER_CHUNK = 16  # articles per task sent to a worker process
MIN_ARTICLES_FOR_POOL = 48  # below this, worker start-up (~2 s each) costs more than it saves


@dataclass
class EnrichReport:
    enriched: int = 0
    passed_over: dict[str, str] = field(default_factory=dict)  # article id → why


def _processes(requested: int, pending: int) -> int:
    if pending < MIN_ARTICLES_FOR_POOL:
        return 1
    if requested > 0:
        return requested
    return max(1, min(2, os.cpu_count() or 1))


@contextmanager
def _pool(processes: int, model: str | None) -> Iterator[Executor | None]:
    if processes <= 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        yield pool


def _analyze_all(items: list[AnalysisInput], pool: Executor | None, model: str | None) -> list[Analysis]:
    if pool is None:
        return analyze(items, model)
    chunks = [items[i : i + WORKER_CHUNK] for i in range(0, len(items), WORKER_CHUNK)]
    return [a for part in pool.map(analyze, chunks, [model] * len(chunks)) for a in part]


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
        _pool(_processes(processes, len(ids)), model) as pool,
    ):
        for start in range(0, len(ids), ENRICH_BATCH):
            batch = ids[start : start + ENRICH_BATCH]
            _enrich_batch(store, batch, pool, model, report)
            task.advance(len(batch))
    return report


def _enrich_batch(
    store: Store, ids: Sequence[str], pool: Executor | None, model: str | None, report: EnrichReport
) -> None:
    with store.read() as conn:
        articles = article_repo.get_many(conn, ids)
    store_analyses(store, articles, analyze_articles(articles, pool, model), report)


def analyze_articles(articles: Sequence[Article], pool: Executor | None, model: str | None) -> list[Analysis]:
    """Analyses with embeddings for the articles that get analysed: the costly, store-free part."""
    todo = [a for a in articles if skip_reason(a) is None]
    analyses = _analyze_all([AnalysisInput.of(a) for a in todo], pool, model)
    if analyses:
        by_id = {a.id: a for a in todo}
        texts = [embed.article_text_for_embedding(by_id[a.article], a.sentences) for a in analyses]
        for analysis, vector in zip(analyses, embed.embed(texts), strict=True):
            analysis.embedding = vector
    return analyses


def store_analyses(
    store: Store, articles: Sequence[Article], analyses: list[Analysis], report: EnrichReport
) -> None:
    """Resolve entities and write one batch's analyses in one transaction."""
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
            reason = skip_reason(article)
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
