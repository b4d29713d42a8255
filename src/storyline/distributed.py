"""`storyline process --engine dask`: the costly per-article and per-event work on a Dask
cluster, one writer in this process.

What costs is store-free: the NLP analysis of an article with its embedding, and the
comparison of an event's articles.  Those run as Dask tasks (a LocalCluster on one
machine, a scheduler's workers across many); workers read their inputs from the store by
URL, so the store must be reachable from every worker: PostgreSQL for a real cluster, an
SQLite file for a LocalCluster.  What must see everything stays here: entity resolution
and the writes (`store_analyses`), then clustering, which runs after every stored
partition so events appear while the cluster still works.

Results arrive in any order but are stored in partition order (a partition waits for the
ones before it).  Partitions are consecutive slices of the pending articles in the order
enrichment and clustering use (published, id), so resolution and online clustering see
the same sequence as a single-process run and produce the same entities and events.
A partition that fails is reported and left pending for the next `process`; the others
are stored.  Comparison runs once clustering is done, when events no longer change.

Workers keep the spaCy and MiniLM models loaded between tasks: `nlp.load` and
`embed.load_model` are cached per process and a Dask worker process lives for the run.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from storyline.cluster.events import ClusterReport, cluster_pending
from storyline.compare.stage import (
    CompareReport,
    Outcome,
    compare_kept,
    event_inputs,
    prune_kept,
    settle_unneeded,
    store_comparison,
)
from storyline.enrich.embed import MODEL_NAME
from storyline.enrich.stage import EnrichReport, analyze_articles, store_analyses
from storyline.errors import StorylineError
from storyline.model import Analysis, Article
from storyline.pipeline import Failure, ProcessReport
from storyline.progress import Progress
from storyline.store import articles as article_repo
from storyline.store import comparisons as comparison_repo
from storyline.store.db import Store

# Articles per analysis task: enough for spaCy and MiniLM to fill their batches, few
# enough that two workers get several partitions each on a few hundred articles.
PARTITION_ARTICLES = 32
CONNECT_TIMEOUT_S = 20  # to reach a scheduler
WORKER_WAIT_S = 60  # for workers to join a scheduler before giving up
# Partitions submitted ahead per worker: enough that no worker waits while this process
# stores and clusters, few enough that results do not pile up in memory.
IN_FLIGHT_PER_WORKER = 3


@dataclass
class DistributedReport(ProcessReport):
    partitions: int = 0
    workers: int = 0


def default_workers() -> int:
    """Two worker processes, or one on a single core: each holds ~1 GB of models."""
    return max(1, min(2, os.cpu_count() or 1))


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client on the scheduler at `scheduler`, or on a LocalCluster of `workers` processes.

    With a scheduler, `workers` is how many workers must have joined before work starts."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise StorylineError("the Dask engine needs dask.distributed: pip install 'storyline[dask]'") from exc
    if scheduler:
        with _connect(Client, scheduler) as client:
            _wait_for_workers(client, scheduler, workers or 1)
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,  # spaCy and torch are not shared between threads; processes scale
        processes=True,
        dashboard_address=":0",  # any free port: 8787 may be another cluster's
        memory_limit=0,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        _close_quietly(cluster)


def _close_quietly(cluster: Any) -> None:
    """Workers holding torch take longer to exit than the nanny's fixed 4 s and are then
    killed with a warning; their work is done and stored by then, so the warning is noise."""
    nanny = logging.getLogger("distributed.nanny")
    level = nanny.level
    nanny.setLevel(logging.ERROR)
    try:
        cluster.close()
    finally:
        nanny.setLevel(level)


def _connect(client_class: Callable[..., Any], scheduler: str) -> Any:
    try:
        return client_class(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise StorylineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


def _wait_for_workers(client: Any, scheduler: str, n: int) -> None:
    try:
        client.wait_for_workers(n, timeout=WORKER_WAIT_S)
    except TimeoutError as exc:
        have = len(client.scheduler_info().get("workers", {}))
        raise StorylineError(
            f"{have} of {n} Dask worker(s) joined {scheduler} within {WORKER_WAIT_S} s; "
            f"start them with: dask worker {scheduler} --nthreads 1"
        ) from exc


# --- tasks: these run on the workers -------------------------------------------------------


@functools.cache
def _worker_store(db_url: str) -> Store:
    """One engine per worker process (the client has already migrated the schema)."""
    return Store(db_url, migrate_schema=False)


def analyze_partition(db_url: str, ids: Sequence[str], model: str | None = None) -> list[Analysis]:
    """Analyse one partition of stored articles, read from the shared store."""
    with _worker_store(db_url).read() as conn:
        articles = article_repo.get_many(conn, ids)
    return analyze_articles(articles, None, model)


def compare_stored_event(db_url: str, event_id: str, date: str | None, articles: list[Article]) -> Outcome:
    """The comparison of one stored event over the articles the client chose (and read,
    to digest them: they travel with the task rather than being read twice), with the
    kept vectors to write (the client writes)."""
    ids = [a.id for a in articles]
    with _worker_store(db_url).read() as conn:
        analyses = comparison_repo.analyses_of(conn, ids)
        kept = comparison_repo.kept_vectors(conn, ids, MODEL_NAME)
    return compare_kept(event_id, articles, [analyses[i] for i in ids], date, kept)


# --- the client: one writer ----------------------------------------------------------------


def process_on_dask(
    store: Store,
    model: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> DistributedReport:
    """Enrich, cluster and compare what is pending, with the analysis and comparison on Dask."""
    progress = progress or Progress()
    url = worker_url(store)
    report = DistributedReport(enrich=EnrichReport(), compare=CompareReport())
    with dask_client(scheduler, workers) as client:
        report.workers = len(client.scheduler_info().get("workers", {}))
        _enrich_and_cluster(client, store, url, model, progress, report)
        _compare(client, store, url, progress, report)
    return report


def worker_url(store: Store) -> str:
    """The store's URL as a worker in another process (or machine) must open it."""
    url = sa.engine.make_url(store.url)
    if url.get_backend_name() != "sqlite":
        return store.url
    if not url.database or url.database == ":memory:":
        raise StorylineError(
            "the Dask engine needs a store its workers can open: an SQLite file "
            "(one machine) or PostgreSQL (a cluster), not an in-memory database"
        )
    absolute = url.set(database=str(Path(url.database).expanduser().resolve()))
    return absolute.render_as_string(hide_password=False)


def _enrich_and_cluster(
    client: Any,
    store: Store,
    url: str,
    model: str | None,
    progress: Progress,
    report: DistributedReport,
) -> None:
    with store.read() as conn:
        ids = article_repo.pending(conn, "enriched_at")
    partitions = [ids[i : i + PARTITION_ARTICLES] for i in range(0, len(ids), PARTITION_ARTICLES)]
    report.partitions = len(partitions)
    report.cluster = ClusterReport()
    window = max(2, IN_FLIGHT_PER_WORKER * report.workers)
    analyse = functools.partial(analyze_partition, url, model=model)
    with progress.task("Analysing partitions (dask)", total=len(partitions)) as task:
        for n, analyses in _in_order(client, analyse, partitions, window, report.failures):
            if analyses is not None:
                with store.read() as conn:
                    articles = article_repo.get_many(conn, partitions[n])
                store_analyses(store, articles, analyses, report.enrich)
                _merge_cluster(report.cluster, cluster_pending(store))
            task.advance()


def _in_order(
    client: Any,
    task: Callable[[list[str]], Any],
    partitions: list[list[str]],
    window: int,
    failures: list[Failure],
) -> Iterator[tuple[int, Any]]:
    """(index, result) per partition in partition order, each as soon as it and those
    before it are done; a failed partition yields None once recorded, so the ones after
    it are not held back.  At most `window` partitions are submitted and not yet yielded,
    which bounds what waits in memory here and on the workers."""
    from dask.distributed import as_completed

    run = uuid.uuid4().hex[:8]
    index: dict[str, int] = {}

    def submit(n: int) -> Any:
        future = client.submit(task, partitions[n], key=f"storyline-analyze-{run}-{n}")
        index[future.key] = n
        return future

    submitted = min(window, len(partitions))
    arriving = as_completed([submit(n) for n in range(submitted)])
    done: dict[int, Any] = {}
    following = 0
    for future in arriving:
        n = index.pop(future.key)
        try:
            done[n] = future.result()
        except Exception as exc:  # any task error: reported, the run goes on
            failures.append(Failure("analysis", partitions[n], _error(exc)))
            done[n] = None
        future.release()
        ready = []
        while following in done:
            ready.append((following, done.pop(following)))
            following += 1
        while submitted < len(partitions) and submitted - following < window:
            arriving.add(submit(submitted))
            submitted += 1
        yield from ready


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _merge_cluster(total: ClusterReport, part: ClusterReport) -> None:
    """One report for the whole run from the per-partition clustering calls."""
    for name in ("articles", "new_events", "joined", "duplicates", "storylines", "seconds"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.events = sorted(set(total.events) | set(part.events))


def _compare(client: Any, store: Store, url: str, progress: Progress, report: DistributedReport) -> None:
    """Compare every changed event on the workers; store each result as it arrives.  The
    client reads which articles each comparison takes and skips events whose inputs did
    not change, as the single-process stage does."""
    from dask.distributed import as_completed

    with store.read() as conn:
        pending = comparison_repo.pending_events(conn)
    futures: dict[Any, tuple[str, str | None, int]] = {}
    with progress.task("Comparing events (dask)", total=len(pending)) as task:
        for event_id in pending:
            with store.read() as conn:
                inputs = event_inputs(conn, event_id)
            if not inputs.needed:
                settle_unneeded(store, event_id, inputs, report.compare)
                task.advance()
                continue
            future = client.submit(
                compare_stored_event, url, event_id, inputs.date, inputs.articles, pure=False
            )
            futures[future] = (event_id, inputs.digest, len(inputs.articles))
        for future in as_completed(futures):
            event_id, digest, articles = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the event stays pending for the next run
                report.failures.append(Failure("comparison", [event_id], _error(exc)))
            else:
                store_comparison(store, outcome, digest, report.compare, articles)
            future.release()
            task.advance()
    prune_kept(store)
