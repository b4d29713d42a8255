"""The public library surface: what the CLI, the web app and Python users call.

Each function takes `Settings` (or a ready `Store`) and returns plain data; none prints.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TextIO

from storyline import pipeline
from storyline.config import Settings
from storyline.ingest.meta import MetaIndex
from storyline.ingest.stage import IngestReport
from storyline.ingest.stage import ingest as ingest_stage
from storyline.model import Event
from storyline.progress import Progress
from storyline.report import export
from storyline.store.db import Store


def open_store(settings: Settings | None = None) -> Store:
    return Store((settings or Settings()).db_url)


def run(
    inputs: list[str],
    meta: str | None = None,
    feeds: list[str] | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> pipeline.RunReport:
    """Ingest, then process everything new (the `storyline run` command)."""
    settings = settings or Settings()
    store = store or open_store(settings)
    return pipeline.run(inputs, meta, store, settings, feeds or [], progress)


def ingest(
    inputs: list[str],
    meta: str | None = None,
    feeds: list[str] | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    store = store or open_store(settings)
    meta_index = MetaIndex.load(meta) if meta else None
    return ingest_stage(store, inputs, meta_index, feeds or [], progress=progress)


def process(
    settings: Settings | None = None, store: Store | None = None, progress: Progress | None = None
) -> pipeline.ProcessReport:
    settings = settings or Settings()
    return pipeline.process(store or open_store(settings), settings, progress)


def events(settings: Settings | None = None, store: Store | None = None) -> list[Event]:
    """All events, newest first."""
    from storyline.store import events as event_repo

    with (store or open_store(settings)).read() as conn:
        return event_repo.all_events(conn)


def entity_names(settings: Settings | None = None, store: Store | None = None) -> dict[str, str]:
    from storyline.store import events as event_repo

    with (store or open_store(settings)).read() as conn:
        return event_repo.entity_names(conn)


def export_json(out: TextIO, settings: Settings | None = None, store: Store | None = None) -> dict[str, int]:
    """Write the storyline/1 JSON export; returns the number of objects per section."""
    return export.write_json(store or open_store(settings), out)


def export_dict(settings: Settings | None = None, store: Store | None = None) -> dict:
    return export.to_dict(store or open_store(settings))


@dataclass
class DemoResult:
    run: pipeline.RunReport
    settings: Settings
    report: Path


def demo_corpus() -> Path:
    """The bundled fictional corpus (inside the installed package)."""
    return Path(str(resources.files("storyline") / "demo" / "corpus"))


def demo(output: Path, settings: Settings | None = None, progress: Progress | None = None) -> DemoResult:
    """Run the fictional demo corpus into a fresh store under `output`; write report.html."""
    from storyline.report.html import write_report

    output.mkdir(parents=True, exist_ok=True)
    db_file = output / "storyline-demo.db"
    for stale in output.glob("storyline-demo.db*"):
        stale.unlink()
    settings = Settings(db_url=f"sqlite:///{db_file}", quiet=(settings.quiet if settings else False))
    corpus = demo_corpus()
    store = Store(settings.db_url)
    result = pipeline.run([str(corpus)], str(corpus / "meta.jsonl"), store, settings, progress=progress)
    report = write_report(store, output / "report.html", title="Storyline demo")
    shutil.copy(corpus.parent / "README.md", output / "ABOUT-THE-DEMO.md")
    return DemoResult(result, settings, report)
