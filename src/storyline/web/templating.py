"""The one Jinja2 environment behind every HTML Storyline writes: web pages, briefs, reports.

Autoescaping is on for every template, whatever its name, because everything shown comes
from articles nobody vetted.  Links are built by a `Links` object passed to templates:
the server's pages link to each other, while a static file (`storyline demo`'s report,
`storyline brief --format html`) links within itself and drops links that would need
the server.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = "storyline.css"


def _part(value: str) -> str:
    """An id as one URL path segment: ids come from users (--meta, POST) and may hold '/'."""
    return quote(str(value), safe="")


class WebLinks:
    """Links between the server's pages."""

    static = False

    def event(self, event_id: str) -> str:
        return f"/events/{_part(event_id)}"

    def article(self, article_id: str, start: int | None = None, end: int | None = None) -> str:
        base = f"/articles/{_part(article_id)}"
        if start is None or end is None:
            return base
        return f"{base}?{urlencode({'hl': f'{start}-{end}'})}#cited"

    def entity(self, entity_id: str | None) -> str | None:
        return f"/entities/{_part(entity_id)}" if entity_id else None

    def storyline(self, storyline_id: str | None) -> str | None:
        return f"/storylines/{_part(storyline_id)}" if storyline_id else None

    def brief(self, event_id: str, fmt: str) -> str:
        return f"/api/events/{_part(event_id)}/brief?{urlencode({'format': fmt})}"

    def page(self, path: str, params: dict[str, Any]) -> str:
        """The same list page with other query parameters (filters, offset)."""
        kept = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{path}?{urlencode(kept)}" if kept else path


class StaticLinks(WebLinks):
    """Links inside one self-contained file: events are anchors, the rest is plain text."""

    static = True

    def event(self, event_id: str) -> str:
        return f"#event-{_part(event_id)}"

    def article(self, article_id: str, start: int | None = None, end: int | None = None) -> None:  # type: ignore[override]
        return None

    def entity(self, entity_id: str | None) -> None:
        return None

    def storyline(self, storyline_id: str | None) -> str | None:
        return f"#storyline-{_part(storyline_id)}" if storyline_id else None


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_label"] = date_label
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = lambda score: f"{float(score) * 100:.0f}%" if score is not None else ""
    return env


@functools.cache
def stylesheet() -> Markup:
    """Our own CSS, trusted, for files that must carry it inline."""
    return Markup((STATIC_DIR / STYLESHEET).read_text(encoding="utf-8"))


def render(template: str, context: dict[str, Any], inline_css: bool = False) -> str:
    """Render a template outside a request (static files); pages go through the app."""
    defaults = {"inline_css": stylesheet() if inline_css else None, "q": "", "token_note": None}
    return environment().get_template(template).render({**defaults, **context})


def safe_url(url: str | None) -> str | None:
    """An article's own URL, only if it is http(s): a `javascript:` URL must never be a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # "http://[" and other malformed URLs
        return None
    return url.strip() if scheme in ("http", "https") else None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_label(value: str | None) -> str:
    """'2026-01-27' → '27 Jan 2026', '2026-01' → 'Jan 2026'; anything else unchanged."""
    if not value:
        return "undated"
    parts = value[:10].split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value
