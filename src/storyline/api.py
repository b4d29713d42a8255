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
    settings: Settings | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
) -> pipeline.ProcessReport:
    """Enrich, cluster and compare what is pending, here ("local") or on Dask ("dask").

    A Dask run returns a `distributed.DistributedReport`, whose `failures` name the
    partitions left pending."""
    settings = settings or Settings()
    store = store or open_store(settings)
    return pipeline.process(store, settings, progress, engine, scheduler, workers)


def events(settings: Settings | None = None, store: Store | None = None) -> list[Event]:
    """All events, newest first; undated ones last."""
    from storyline.store import events as event_repo

    with (store or open_store(settings)).read() as conn:
        found = event_repo.all_events(conn)
    dated = sorted((e for e in found if e.date), key=lambda e: e.date, reverse=True)
    return dated + [e for e in found if not e.date]


def entity_names(settings: Settings | None = None, store: Store | None = None) -> dict[str, str]:
    from storyline.store import events as event_repo

    with (store or open_store(settings)).read() as conn:
        return event_repo.entity_names(conn)


def event_view(event_id: str, settings: Settings | None = None, store: Store | None = None) -> dict:
    """One event with its articles, claims by status, quotes, framing and brief."""
    from storyline.report.views import event_view as build

    with (store or open_store(settings)).read() as conn:
        return build(conn, event_id)


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


# --- briefs, timelines, the web server ----------------------------------------------------

from typing import TYPE_CHECKING  # noqa: E402  (this section's own import: FastAPI only for typing)

if TYPE_CHECKING:  # importing the library must not import the web stack
    from collections.abc import Callable

    from fastapi import FastAPI


def brief(
    event_id: str, format: str = "json", settings: Settings | None = None, store: Store | None = None
) -> str | dict:
    """The cited brief of one event: a dict for "json", text for "md" and "html"."""
    from storyline.report import brief as brief_report

    with (store or open_store(settings)).read() as conn:
        return brief_report.render(conn, event_id, format)


def timeline(
    storyline_id: str | None = None,
    format: str = "md",
    settings: Settings | None = None,
    store: Store | None = None,
) -> str | dict:
    """The dated events of one storyline (or of all), background marked as such."""
    from storyline.report import timeline as timeline_report

    with (store or open_store(settings)).read() as conn:
        return timeline_report.render(conn, storyline_id, format)


def ingest_records(
    records: list[dict], settings: Settings | None = None, store: Store | None = None, origin: str = "api"
) -> IngestReport:
    """Ingest article objects already in memory (news-please / trafilatura JSON shapes)."""
    import uuid

    from storyline.config import MAX_RECORD_CHARS
    from storyline.errors import InputError
    from storyline.ingest.sources import record_to_input
    from storyline.ingest.stage import Ingestor
    from storyline.model import ArticleInput, Skipped

    report = IngestReport(run=uuid.uuid4().hex[:12])
    ingestor = Ingestor(store or open_store(settings), report)
    for n, record in enumerate(records):
        where = f"{origin}[{n}]"
        item: ArticleInput | Skipped
        try:
            item = record_to_input(record, where)
            if len(item.text) > MAX_RECORD_CHARS:
                raise InputError(
                    f"article text too long: {len(item.text):,} characters, over {MAX_RECORD_CHARS:,}"
                )
        except InputError as exc:
            item = Skipped(where, str(exc))
        ingestor.add(item)
    ingestor.flush()
    return report


def web_app(
    settings: Settings | None = None,
    store: Store | None = None,
    token: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    process: bool = True,
) -> FastAPI:
    """The web UI and REST API over a store, set up as `storyline serve` runs it."""
    from storyline.web.app import create_app
    from storyline.web.security import check_bind, is_loopback, loopback_hosts

    check_bind(host, token)
    hosts = loopback_hosts(port) if is_loopback(host) else None
    settings = settings or Settings()
    return create_app(store or open_store(settings), token, process, hosts, settings)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    settings: Settings | None = None,
    process: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the web UI and REST API until interrupted; refuses a non-loopback host without a token.

    `announce` is called with the server's URL once the app is built, before it listens.
    """
    import uvicorn

    app = web_app(settings, token=token, host=host, port=port, process=process)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
