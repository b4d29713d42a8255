"""The whole flow in one place: ingest, then process (enrich, cluster, compare).

    1. ingest   inputs → cleaned, de-duplicated articles          (ingest/stage.py)
    2. enrich   articles → sentences, entities, quotes, dates     (enrich/stage.py)
    3. cluster  articles → events → storylines                    (cluster/)
    4. compare  events → claims, quote matches, omissions, framing (compare/)

Each stage reads what the previous one stored and marks what it has done, so `process`
is incremental and idempotent: run it after every ingest, or once after many.

The processing stages are imported when `process` runs, not at import time: they load
spaCy and torch, which read-only commands (`storyline events`, `export`) never need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storyline.config import Settings
from storyline.ingest.meta import MetaIndex
from storyline.ingest.stage import IngestReport, ingest
from storyline.progress import Progress
from storyline.store.db import Store


@dataclass
class ProcessReport:
    enrich: Any = None
    cluster: Any = None
    compare: Any = None


@dataclass
class RunReport:
    ingest: IngestReport
    process: ProcessReport


def process(
    store: Store, settings: Settings | None = None, progress: Progress | None = None
) -> ProcessReport:
    """Enrich, cluster and compare whatever has not been yet."""
    from storyline.cluster.events import cluster_pending
    from storyline.compare.stage import compare_pending
    from storyline.enrich.stage import enrich_pending

    settings = settings or Settings()
    progress = progress or Progress()
    report = ProcessReport()
    report.enrich = enrich_pending(store, settings.spacy_model, settings.processes, progress)
    report.cluster = cluster_pending(store, progress)
    report.compare = compare_pending(store, progress)
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
