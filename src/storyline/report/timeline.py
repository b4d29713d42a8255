"""Timelines: the dated events of a storyline, with the background the articles mention.

A storyline's timeline interleaves two kinds of entry, told apart by `kind`:

- `event`: something the articles report, dated by the happening (not by publication);
- `background`: an earlier happening an article mentions for context ("the 2001
  treaty"), stored by clustering as a context item; it is marked as background and
  cited to the sentence that mentions it, since no article reports it as news.

JSON shape:

    {"storyline": id | null,
     "storylines": [{"id": id | null, "title": str,
                     "entries": [{"kind": "event", "date", "granularity", "id", "title",
                                  "location", "outlets": [str], "articles": n}
                                 | {"kind": "background", "date", "text",
                                    "citations": [{"article", "outlet", "start", "end"}]}],
                     "undated": [entries without a date]}]}

Without a storyline id every storyline is listed, oldest first, and events clustering
left outside any storyline are gathered under `"id": null`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.errors import StorylineError
from storyline.report.brief import md_escape
from storyline.store import browse
from storyline.store import schema as t

ORPHANS_TITLE = "Events outside any storyline"
_KIND_ORDER = {"background": 0, "event": 1}  # on one date, the background first


def build_timeline(conn: Connection, storyline_id: str | None = None) -> dict[str, Any]:
    """One storyline's timeline, or every storyline's; raises NotFound for an unknown id."""
    if storyline_id is not None:
        row = browse.storyline_row(conn, storyline_id)
        return {"storyline": storyline_id, "storylines": [_storyline(conn, row.id, row.title)]}
    groups = [_storyline(conn, s["id"], s["title"]) for s in browse.storylines(conn)]
    groups.sort(key=lambda g: (_first_date(g), g["id"] or ""))
    orphans = _storyline(conn, None, ORPHANS_TITLE)
    if orphans["entries"] or orphans["undated"]:
        groups.append(orphans)
    return {"storyline": None, "storylines": groups}


def _first_date(group: Mapping[str, Any]) -> str:
    dates = [e["date"] for e in group["entries"] if e["kind"] == "event"]
    return min(dates) if dates else "\uffff"


def _storyline(conn: Connection, storyline_id: str | None, title: str) -> dict[str, Any]:
    ev = t.events.c
    in_storyline = ev.storyline == storyline_id if storyline_id is not None else ev.storyline.is_(None)
    rows = conn.execute(sa.select(t.events).where(in_storyline).order_by(ev.date, ev.id)).all()
    entries = [_event_entry(e) for e in browse.event_summaries(conn, rows)]
    entries += _background(conn, storyline_id, [r.id for r in rows])
    dated = sorted(
        (e for e in entries if e["date"]),
        key=lambda e: (e["date"], _KIND_ORDER[e["kind"]], e.get("id") or e.get("text", "")),
    )
    undated = [e for e in entries if not e["date"]]
    return {"id": storyline_id, "title": title, "entries": dated, "undated": undated}


def _event_entry(summary: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "event",
        "date": summary["date"],
        "granularity": summary["granularity"],
        "id": summary["id"],
        "title": summary["title"],
        "location": summary["location"],
        "outlets": summary["outlets"],
        "articles": len(summary["articles"]),
    }


def _background(conn: Connection, storyline_id: str | None, event_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Context items of the storyline or its events, one entry per (date, wording)."""
    ci, ar = t.context_items, t.articles
    where = [ci.c.event.in_(list(event_ids))] if event_ids else []
    if storyline_id is not None:
        where.append(ci.c.storyline == storyline_id)
    if not where:
        return []
    query = (
        sa.select(ci, ar.c.source)
        .join(ar, ar.c.id == ci.c.article)
        .where(sa.or_(*where))
        .order_by(sa.func.coalesce(ci.c.date, ""), ci.c.id)
    )
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for r in conn.execute(query):
        key = (r.date or "", " ".join(r.text.split()).casefold())
        entry = entries.setdefault(
            key, {"kind": "background", "date": r.date, "text": r.text, "citations": []}
        )
        citation = {"article": r.article, "outlet": r.source or r.article, "start": r.start, "end": r.end}
        if citation not in entry["citations"]:
            entry["citations"].append(citation)
    return list(entries.values())


# --- rendering ----------------------------------------------------------------------------


def _md_entry(e: Mapping[str, Any]) -> str:
    date = e["date"] or "undated"
    if e["kind"] == "event":
        outlets = ", ".join(e["outlets"]) or "no outlet named"
        where = f", {e['location']}" if e.get("location") else ""
        n = e["articles"]
        return (
            f"- **{date}** — {md_escape(e['title'])}{md_escape(where)} "
            f"({n} article{'s' if n != 1 else ''}: {md_escape(outlets)}) `{e['id']}`"
        )
    outlets = ", ".join(sorted({c["outlet"] for c in e["citations"]}))
    return f"- *{date} — background:* {md_escape(e['text'])} (mentioned by {md_escape(outlets)})"


def to_markdown(timeline: Mapping[str, Any]) -> str:
    lines: list[str] = []
    for group in timeline["storylines"]:
        lines += [f"## {md_escape(group['title'])}", ""]
        lines += [_md_entry(e) for e in group["entries"]]
        if group["undated"]:
            lines += ["", "Undated:", ""]
            lines += [_md_entry(e) for e in group["undated"]]
        lines.append("")
    if not lines:
        lines = ["No events yet: run `storyline run` or `storyline process` first.", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(timeline: Mapping[str, Any], standalone: bool = True) -> str:
    from storyline.web import templating

    template = "timeline_page.html" if standalone else "_timeline_fragment.html"
    context = {"timeline": timeline, "links": templating.StaticLinks()}
    return templating.render(template, context, inline_css=standalone)


def render(conn: Connection, storyline_id: str | None = None, format: str = "md") -> str | dict[str, Any]:
    """The timeline in one of the formats `storyline timeline` offers: md, html or json."""
    timeline = build_timeline(conn, storyline_id)
    if format == "json":
        return timeline
    if format == "md":
        return to_markdown(timeline)
    if format == "html":
        return to_html(timeline)
    raise StorylineError(f"unknown timeline format {format!r}; use md, html or json")
