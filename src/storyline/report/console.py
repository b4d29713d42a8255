"""Terminal rendering with rich: the run summary, the event list, one event.

Renderers take plain data and return rich renderables; printing is the CLI's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
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


def events_table(events: Sequence[Event], entity_names: dict[str, str], title: str = "Events") -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("event", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("articles", justify="right")
    table.add_column("participants", overflow="fold")
    table.add_column("storyline", no_wrap=True)
    for event in events:
        names = ", ".join(entity_names.get(p, p) for p in event.participants[:4])
        table.add_row(
            event.id, event.date or "?", event.title, str(len(event.articles)), names, event.storyline or ""
        )
    return table
