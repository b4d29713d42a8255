"""Processing articles that arrive over the API, in the background, one run at a time.

`POST /api/articles` ingests synchronously (the caller learns at once which articles
were stored, which were duplicates and which were skipped, and why) and then asks this
worker to process.  Processing loads NLP models and may take a while, so it runs in one
background thread; requests arriving meanwhile only mark the store dirty, and the thread
runs `pipeline.process` again when it finishes.  Processing is incremental and
idempotent, so one extra run costs little and no article is ever left behind.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from storyline import pipeline
from storyline.config import Settings
from storyline.store.db import Store

log = logging.getLogger("storyline.web")


@dataclass
class ProcessStatus:
    running: bool = False
    runs: int = 0
    last_error: str | None = None


class Processor:
    """Runs `pipeline.process` on request in a single background thread."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings(db_url=store.url, quiet=True)
        self._lock = threading.Lock()
        self._dirty = False
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.status = ProcessStatus()

    def request(self) -> None:
        """Process whatever is pending, now or right after the run in progress."""
        with self._lock:
            self._dirty = True
            if self._thread is not None and self._thread.is_alive():
                return
            self._idle.clear()
            self.status.running = True
            self._thread = threading.Thread(target=self._loop, name="storyline-process", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no run is in progress or pending; False on timeout."""
        return self._idle.wait(timeout)

    def as_dict(self) -> dict[str, Any]:
        return {
            "running": self.status.running,
            "runs": self.status.runs,
            "last_error": self.status.last_error,
        }

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self.status.running = False
                    self._idle.set()
                    return
                self._dirty = False
            self._run_once()

    def _run_once(self) -> None:
        try:
            pipeline.process(self.store, self.settings)
            self.status.last_error = None
        except Exception as exc:  # a background thread has nobody to raise to: report it in /api/status
            log.exception("processing articles posted to the API failed")
            self.status.last_error = f"{type(exc).__name__}: {exc}"
        self.status.runs += 1
