"""Terminal rendering with rich: the run summary, the event list, one event.

Renderers take plain data and return rich renderables; printing is the CLI's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from storyline.ingest.stage import IngestReport
from storyline.model import Event

MAX_SKIP_ROWS = 40


def ingest_summary(report: IngestReport) -> RenderableType:
    """ "ingested N, skipped M" and, when anything was skipped, why, file by file."""
    parts: list[RenderableType] = [Text(report.summary().capitalize(), style="bold")]
    if report.skipped:
        table = Table(title="Skipped inputs", title_justify="left", show_lines=False)
        table.add_column("input", overflow="fold")
        table.add_column("reason", overflow="fold")
        for skipped in report.skipped[:MAX_SKIP_ROWS]:
            table.add_row(skipped.origin, skipped.reason)
        if len(report.skipped) > MAX_SKIP_ROWS:
            table.add_row(f"… and {len(report.skipped) - MAX_SKIP_ROWS} more", "see the ingest log")
        parts.append(table)
    return Group(*parts)


WIDE_CONSOLE = 120  # columns; narrower, the storyline id gives its room to the titles


def events_table(
    events: Sequence[Event], entity_names: dict[str, str], title: str = "Events", width: int | None = None
) -> Table:
    """One row per event.  In a console narrower than WIDE_CONSOLE (80 columns when the
    output is not a terminal) the storyline column is left out and fewer participants are
    named, or titles would wrap a few letters per line; `storyline timeline` shows
    storylines."""
    wide = width is None or width >= WIDE_CONSOLE
    table = Table(title=title, title_justify="left")
    table.add_column("event", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("articles", justify="right")
    table.add_column("participants", overflow="fold", ratio=2)
    if wide:
        table.add_column("storyline", no_wrap=True)
    for event in events:
        names = ", ".join(entity_names.get(p, p) for p in event.participants[: 4 if wide else 2])
        row = [event.id, event.date or "?", event.title, str(len(event.articles)), names]
        table.add_row(*row, *([event.storyline or ""] if wide else []))
    return table


_STATUS_STYLE = {"shared": "green", "single": "yellow", "contradicted": "bold red"}
_COLUMN_CLAIMS = 14  # claims shown per outlet column; the brief and the web page have all


def event_detail(view: dict[str, Any]) -> RenderableType:
    """`storyline show`: the event, then its outlets side by side, then what matched."""
    parts: list[RenderableType] = [_event_header(view["event"])]
    columns = [_outlet_column(a) for a in view["articles"]]
    if len(columns) > 1:
        table = Table(show_header=True, expand=True, title="Outlets side by side", title_justify="left")
        for a in view["articles"]:
            table.add_column(f"{a['outlet']}\n{a['id']} · {(a['published'] or '?')[:10]}", ratio=1)
        table.add_row(*columns)
        parts.append(table)
    elif columns:
        parts.append(Panel(columns[0], title=view["articles"][0]["outlet"], title_align="left"))
    parts += _matches_and_conflicts(view)
    return Group(*parts)


def _event_header(event: dict[str, Any]) -> RenderableType:
    names = ", ".join(p["name"] for p in event["participants"]) or "-"
    lines = [
        Text(event["title"], style="bold"),
        Text(f"{event['id']} · {event['date'] or 'date unknown'} · {event['kind'] or 'event'}"),
        Text(f"participants: {names}"),
        Text(f"location: {event['location'] or '-'} · outlets: {', '.join(event['outlets'])}"),
    ]
    if event["storyline"]:
        lines.append(Text(f"storyline: {event['storyline']['title']} ({event['storyline']['id']})"))
    return Panel(Group(*lines), title="Event", title_align="left")


def _outlet_column(article: dict[str, Any]) -> RenderableType:
    body = Text()
    for claim in article["claims"][:_COLUMN_CLAIMS]:
        style = "dim" if claim["context"] else _STATUS_STYLE[claim["status"]]
        label = "context" if claim["context"] else claim["status"]
        body.append(f"[{label}] ", style=style)
        body.append(claim["excerpt"] + "\n")
    if len(article["claims"]) > _COLUMN_CLAIMS:
        body.append(f"… {len(article['claims']) - _COLUMN_CLAIMS} more claims\n", style="dim")
    for quote in article["quotes"]:
        body.append("★ " if quote["matched"] else "“ ", style="cyan")
        body.append(f"{quote['speaker'] or 'unattributed'}: ", style="bold")
        body.append(f"{quote['text']} ({quote['kind']})\n")
    for flag in article["framing"]:
        style = "bold magenta" if flag["kind"] == "loaded-own-voice" else "magenta"
        body.append(f"⚑ {flag['kind']}: ", style=style)
        body.append(f"{flag['text']}\n")
    if article["omitted"]:
        body.append(f"leaves out {len(article['omitted'])} shared claim(s)\n", style="dim")
    return body


def _matches_and_conflicts(view: dict[str, Any]) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if view["quote_matches"]:
        table = Table(title="The same statement in different outlets", title_justify="left", expand=True)
        table.add_column("speaker")
        table.add_column("one outlet", ratio=1)
        table.add_column("another", ratio=1)
        table.add_column("score", justify="right")
        for m in view["quote_matches"]:
            a, b = m["a"], m["b"]
            table.add_row(
                m["speaker"] or "-",
                f"{a['outlet']}: {a['text']}",
                f"{b['outlet']}: {b['text']}",
                f"{m['score']:.2f}",
            )
        parts.append(table)
    conflicts = view["claims"]["contradicted"]
    if conflicts:
        text = Text()
        for claim in conflicts:
            for source in claim["sources"]:
                text.append(f"{source['outlet']}: ", style="bold red")
                text.append(source["excerpt"] + "\n")
            text.append("\n")
        parts.append(Panel(text, title="Contradictions", title_align="left"))
    if not view["compared"]:
        parts.append(Text("Only one outlet so far: nothing to compare.", style="dim"))
    return parts
