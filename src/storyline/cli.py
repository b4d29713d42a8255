"""The `storyline` command: a thin Typer layer over the library.

Each command parses options, calls one library function and renders its result; every
library error becomes a one-line message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from storyline import api
from storyline.config import Settings
from storyline.errors import StorylineError
from storyline.progress import Progress
from storyline.report import console as render

app = typer.Typer(
    name="storyline",
    help="Turn news articles from many outlets into verified, cited events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default ./storyline.db, or $STORYLINE_DB)."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
MetaOption = Annotated[
    Path | None,
    typer.Option("--meta", help="JSONL with id/source/title/published for files that carry none."),
]
FeedOption = Annotated[list[str] | None, typer.Option("--feed", help="An RSS/Atom feed URL; repeatable.")]
Inputs = Annotated[
    list[str] | None, typer.Argument(help="Files, folders, URLs or feeds.", show_default=False)
]


class _State:
    db: str | None = None
    quiet: bool = False


state = _State()
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(fn: F) -> F:
    """Library errors → a clear message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylineError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}")  # messages may hold [brackets]
            raise typer.Exit(2) from exc
        except KeyboardInterrupt:
            err.print("[yellow]interrupted: everything committed so far is kept; rerun to resume[/]")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def settings(db: str | None, quiet: bool = False) -> Settings:
    s = Settings(quiet=quiet or state.quiet)
    if db or state.db:
        s.db_url = db or state.db or s.db_url
    return s


def progress(s: Settings) -> Progress:
    return Progress.for_terminal(quiet=s.quiet, console=err)


@app.callback()
def main_options(db: DbOption = None, quiet: QuietOption = False) -> None:
    """Storyline: which articles report the same event, who said what, where outlets differ."""
    state.db = db
    state.quiet = quiet


@app.command()
@handle_errors
def run(
    inputs: Inputs = None,
    meta: MetaOption = None,
    feed: FeedOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Ingest inputs, process everything new, print the events.

    Example: storyline run ./articles --meta meta.jsonl
    """
    s = settings(db, quiet)
    report = api.run(
        inputs or [], meta=str(meta) if meta else None, feeds=feed or [], settings=s, progress=progress(s)
    )
    err.print(render.ingest_summary(report.ingest))
    _print_events(s)
    if not report.ingest.ok:
        raise typer.Exit(1)


@app.command()
@handle_errors
def ingest(
    inputs: Inputs = None,
    meta: MetaOption = None,
    feed: FeedOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Ingest only: files, folders (recursively), URLs, RSS/Atom feeds, JSON/JSONL crawls.

    Example: storyline ingest crawl.jsonl https://example.org/article --feed https://example.org/rss
    """
    s = settings(db, quiet)
    report = api.ingest(
        inputs or [], meta=str(meta) if meta else None, feeds=feed or [], settings=s, progress=progress(s)
    )
    err.print(render.ingest_summary(report))
    if not report.ok:
        raise typer.Exit(1)


class Engine(StrEnum):
    local = "local"
    dask = "dask"


@app.command()
@handle_errors
def process(
    engine: Annotated[
        Engine, typer.Option("--engine", help="local: this machine's cores; dask: a Dask cluster.")
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="A running Dask scheduler (tcp://host:8786); a LocalCluster when absent.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            metavar="N",
            min=1,
            help="Analysis processes (local), LocalCluster workers (dask), or the workers "
            "to wait for on --scheduler.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Enrich, cluster and compare whatever is not yet processed (incremental, idempotent).

    With --engine dask, articles are analysed and events compared as Dask tasks; this
    process stores results as they arrive and clusters them. On a multi-machine cluster
    use a PostgreSQL --db that every worker can reach.

    Example: storyline process --engine dask --workers 2
    """
    s = settings(db, quiet)
    report = api.process(
        settings=s, progress=progress(s), engine=engine.value, scheduler=scheduler, workers=workers
    )
    err.print(f"analysed {report.enrich.enriched} articles")
    for failure in report.failures:
        err.print(f"[bold red]failed:[/] {escape(failure.describe())}")
    _print_events(s)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@handle_errors
def events(db: DbOption = None) -> None:
    """List events, newest first.

    Example: storyline events
    """
    _print_events(settings(db))


@app.command()
@handle_errors
def show(
    event: Annotated[str, typer.Argument(help="An event id from `storyline events`.")], db: DbOption = None
) -> None:
    """One event: its articles, participants, date and the cross-outlet comparison.

    Example: storyline show ev-a74cad6c
    """
    out.print(render.event_detail(api.event_view(event, settings=settings(db))))


@app.command()
@handle_errors
def export(
    format: Annotated[str, typer.Option("--format", help="Output format (json).")] = "json",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write; stdout when absent.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Everything in the store as JSON, schema storyline/1.

    Example: storyline export -o storyline.json
    """
    if format != "json":
        raise StorylineError(f"unknown export format {format!r}; use json")
    s = settings(db)
    if output is None:
        api.export_json(sys.stdout, settings=s)
    else:
        with output.open("w", encoding="utf-8") as fh:
            counts = api.export_json(fh, settings=s)
        err.print(f"wrote {output}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@app.command()
@handle_errors
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs to poll.", show_default=False)],
    every: Annotated[str, typer.Option("--every", help="Time between polls: 30s, 15m, 1h.")] = "15m",
    rounds: Annotated[
        int | None, typer.Option("--rounds", help="Stop after this many polls (default: never).")
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Poll feeds with conditional requests, ingest new entries, process them; Ctrl-C stops.

    Example: storyline watch https://example.org/rss.xml --every 15m
    """
    from storyline.ingest.watch import parse_interval
    from storyline.ingest.watch import watch as watch_feeds

    s = settings(db, quiet)
    interval = parse_interval(every)
    store = api.open_store(s)

    def report(r: object) -> None:
        for poll in r.polls:  # type: ignore[attr-defined]
            detail = poll.error or f"{poll.ingested} new"
            err.print(f"round {r.number}: {poll.url}: {poll.status} ({detail})")  # type: ignore[attr-defined]

    err.print(f"watching {len(feeds)} feed(s) every {every}; Ctrl-C to stop")
    done = watch_feeds(
        store, feeds, interval, lambda: api.process(settings=s, store=store), rounds, on_round=report
    )
    err.print(f"stopped after {done} round(s); everything ingested is stored")


@app.command()
@handle_errors
def demo(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the demo database and report.")
    ] = Path("storyline-demo"),
    quiet: QuietOption = False,
) -> None:
    """Run the bundled fictional demo corpus end to end and write an HTML report.

    Example: storyline demo -o /tmp/demo
    """
    s = settings(None, quiet)
    result = api.demo(output, settings=s, progress=progress(s))
    err.print(render.ingest_summary(result.run.ingest))
    _print_events(result.settings)
    out.print(f"[bold green]report:[/] {result.report}")


FormatOption = Annotated[str, typer.Option("--format", "-f", help="md, html or json.")]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="File to write; stdout when absent.")
]


@app.command()
@handle_errors
def brief(
    event: Annotated[str, typer.Argument(help="An event id from `storyline events`.")],
    format: FormatOption = "md",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The cited brief of one event: every sentence cites the article sentences it rests on.

    Sections: what happened; who said what; where outlets agree; reported by one outlet
    only; contradictions; framing; context.

    Example: storyline brief ev-a74cad6c --format md -o brief.md
    """
    _emit(api.brief(event, format=format, settings=settings(db)), output)


@app.command()
@handle_errors
def timeline(
    storyline: Annotated[
        str | None, typer.Argument(help="A storyline id; every storyline when absent.", show_default=False)
    ] = None,
    format: FormatOption = "md",
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The dated events of a storyline, with the background the articles mention marked as such.

    Example: storyline timeline --format html -o timeline.html
    """
    _emit(api.timeline(storyline, format=format, settings=settings(db)), output)


@app.command()
@handle_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind. Anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="STORYLINE_TOKEN", help="Secret every request must carry.", show_default=False
        ),
    ] = None,
    no_process: Annotated[
        bool, typer.Option("--no-process", help="Leave articles POSTed to the API for `storyline process`.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Web UI and REST API (OpenAPI at /docs) over the store; binds 127.0.0.1 by default.

    With a token, open a page once with ?token=SECRET, or send `Authorization: Bearer SECRET`.

    Example: storyline serve --port 8000
    """
    s = settings(db)
    login = "?token=YOUR_TOKEN" if token else ""

    def announce(url: str) -> None:
        err.print(f"Serving {s.db_url} at {url}{login}  (API docs: {url}docs; Ctrl+C stops)")

    api.serve(host, port, token=token, settings=s, process=not no_process, announce=announce)


def _emit(result: str | dict, output: Path | None) -> None:
    """Rendered text or a JSON document, to a file or stdout (never through rich markup)."""
    import json

    text = json.dumps(result, ensure_ascii=False, indent=1) + "\n" if isinstance(result, dict) else result
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


def _print_events(s: Settings) -> None:
    store = api.open_store(s)
    events_ = api.events(store=store)
    if events_:
        out.print(render.events_table(events_, api.entity_names(store=store), width=out.width))
    else:
        err.print("no events yet")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
