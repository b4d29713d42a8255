"""The whole flow in one place: ingest, then process (enrich, cluster, compare).

    1. ingest   inputs → cleaned, de-duplicated articles          (ingest/stage.py)
    2. enrich   articles → sentences, entities, quotes, dates     (enrich/stage.py)
    3. cluster  articles → events → storylines                    (cluster/)
    4. compare  events → claims, quote matches, omissions, framing (compare/)

Each stage reads what the previous one stored and marks what it has done, so `process`
is incremental and idempotent: run it after every ingest, or once after many.

The processing stages are imported when `process` runs, not at import time: they load
spaCy and torch, which read-only commands (`storyline events`, `export`) never need.

`process` runs on one of two engines: "local" (this process, analysis spread over a
few worker processes) or "dask" (analysis and comparison as tasks on a Dask cluster,
see `distributed.py`).  Both store the same results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.ingest.meta import MetaIndex
from storyline.ingest.stage import IngestReport, ingest
from storyline.progress import Progress
from storyline.store.db import Store

ENGINES = ("local", "dask")


@dataclass
class Failure:
    """A task that raised: its articles or event stay pending for a rerun."""

    task: str  # "analysis" of articles, or "comparison" of an event
    items: list[str]
    error: str

    def describe(self) -> str:
        shown = ", ".join(self.items[:3]) + (
            f" and {len(self.items) - 3} more" if len(self.items) > 3 else ""
        )
        return f"{self.task} of {shown}: {self.error} (left pending; rerun `storyline process`)"


@dataclass
class ProcessReport:
    enrich: Any = None
    cluster: Any = None
    compare: Any = None
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class RunReport:
    ingest: IngestReport
    process: ProcessReport


def process(
    store: Store,
    settings: Settings | None = None,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
) -> ProcessReport:
    """Enrich, cluster and compare whatever has not been yet.

    `workers` is the number of analysis processes (local) or LocalCluster workers (dask);
    `scheduler` is a Dask scheduler address, for a cluster that already runs.
    """
    from storyline.cluster.events import cluster_pending
    from storyline.compare.stage import compare_pending
    from storyline.enrich.stage import enrich_pending

    settings = settings or Settings()
    progress = progress or Progress()
    if engine not in ENGINES:
        raise StorylineError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise StorylineError("a scheduler address needs the Dask engine: add --engine dask")
    if engine == "dask":
        from storyline.distributed import process_on_dask

        return process_on_dask(store, settings.spacy_model, scheduler, workers, progress)
    report = ProcessReport()
    processes = workers if workers is not None else settings.processes
    report.enrich = enrich_pending(store, settings.spacy_model, processes, progress)
    report.cluster = cluster_pending(store, progress)
    report.compare = compare_pending(store, progress, processes)
    report.failures += [Failure("comparison", [e], error) for e, error in report.compare.failed.items()]
    return report


def run(
    inputs: Iterable[str],
    meta: str | None = None,
    store: Store | None = None,
    settings: Settings | None = None,
    feeds: Iterable[str] = (),
    progress: Progress | None = None,
) -> RunReport:
    """The main job: ingest the inputs, then process everything new."""
    settings = settings or Settings()
    store = store or Store(settings.db_url)
    meta_index = MetaIndex.load(meta) if meta else None
    ingested = ingest(store, inputs, meta_index, feeds, progress=progress)
    return RunReport(ingested, process(store, settings, progress))
