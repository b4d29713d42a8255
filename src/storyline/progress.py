"""Progress bars for long work: rich on a terminal, silent when piped or asked to be quiet.

Stages take a `Progress` and call `task()`/`advance()`; the library never prints, so the
same stage runs under the CLI, the web server or a Dask worker.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


class Progress:
    """Silent by default; `Progress.for_terminal()` gives the visible kind."""

    def __init__(self, rich: RichProgress | None = None) -> None:
        self._rich = rich

    @classmethod
    def for_terminal(cls, quiet: bool = False, console: Console | None = None) -> Progress:
        console = console or Console(stderr=True)
        if quiet or not console.is_terminal or not sys.stderr.isatty():
            return cls()
        columns = (
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        return cls(RichProgress(*columns, console=console, transient=False))

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        if self._rich is None:
            yield Task(None, None)
            return
        with self._rich:
            task_id = self._rich.add_task(description, total=total)
            yield Task(self._rich, task_id)


class Task:
    def __init__(self, rich: RichProgress | None, task_id: object) -> None:
        self._rich = rich
        self._id = task_id

    def advance(self, n: int = 1) -> None:
        if self._rich is not None:
            self._rich.advance(self._id, n)  # type: ignore[arg-type]

    def total(self, total: int) -> None:
        if self._rich is not None:
            self._rich.update(self._id, total=total)  # type: ignore[arg-type]
