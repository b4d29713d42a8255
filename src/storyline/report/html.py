"""The static HTML report `storyline demo` writes: one self-contained file, no server needed.

It is made of the web UI's own templates (event sections, brief, timeline) with the CSS
inlined and links kept inside the file, so the report and the served pages look the same
and cannot drift apart.  Pages for single articles and entities need the server, so here
names and citations are plain text; each citation still names the outlet, the article
and the offsets, and quotes the cited sentence.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection

from storyline.report import timeline as timeline_mod
from storyline.report import views
from storyline.store import browse
from storyline.store.db import Store
from storyline.web import templating

MAX_REPORT_EVENTS = 500  # a report is read by a person; past this, use `storyline serve`


def write_report(store: Store, path: Path, title: str = "Storyline report") -> Path:
    """Write the report of everything in `store` to `path`; return the path."""
    path = Path(path)
    with store.read() as conn:
        events = _all_events(conn)
        context = {
            "title": title,
            "counts": browse.counts(conn),
            "events": events,
            "views": [views.event_view(conn, e["id"]) for e in events],
            "timeline": timeline_mod.build_timeline(conn),
            "links": templating.StaticLinks(),
        }
    html = templating.render("report.html", context, inline_css=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def _all_events(conn: Connection) -> list[dict]:
    """Events newest first, page by page, up to MAX_REPORT_EVENTS."""
    items: list[dict] = []
    offset: int | None = 0
    while offset is not None and len(items) < MAX_REPORT_EVENTS:
        page = browse.events_page(conn, browse.Filters(), limit=browse.MAX_PAGE, offset=offset)
        items += page.items
        offset = page.next_offset
    return items[:MAX_REPORT_EVENTS]
