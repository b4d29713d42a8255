"""Storyline: news articles from many outlets → verified, cited events.

The public functions live in `storyline.api` and are re-exported here lazily, so that
`import storyline` stays cheap for code that needs only one stage (a Dask worker imports
`storyline.enrich` without pulling in the web app or the ingest libraries).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Settings",
    "brief",
    "demo",
    "entity_names",
    "event_view",
    "events",
    "export_dict",
    "export_json",
    "ingest",
    "ingest_records",
    "open_store",
    "process",
    "run",
    "serve",
    "timeline",
    "web_app",
]


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from storyline.config import Settings

        return Settings
    if name in __all__:
        from storyline import api

        return getattr(api, name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
