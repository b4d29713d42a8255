"""The worker processes enrichment and comparison spread their per-article and per-event
work over, and what each worker does after a task to keep its memory flat.

A worker runs spaCy and MiniLM on batch after batch of texts of every length.  Torch and
spaCy free what a batch allocated, but glibc keeps freed heap pages for reuse and, with
allocations of ever-changing sizes, rarely hands them back: measured on replayed WikiRef
texts, one process analysing and embedding 640 articles in tasks of 16 grew from 560 MB
to 940 MB; calling glibc's `malloc_trim` after each task kept it at 716 MB, in the same
time.  It is glibc's own call, reached through ctypes; elsewhere (macOS, musl) there is
nothing to call and the task runs as it is.  (Dask workers get the same from Dask's
nanny, which sets MALLOC_TRIM_THRESHOLD_.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

MIN_ARTICLES_FOR_POOL = 48  # below this, worker start-up (~2 s each) costs more than it saves

T = TypeVar("T")


def pool_size(requested: int, pending: int) -> int:
    """Worker processes for `pending` articles of work (enrichment's or comparison's): none
    below MIN_ARTICLES_FOR_POOL, where start-up costs more than it saves; else as asked;
    else one per core, up to two."""
    if pending < MIN_ARTICLES_FOR_POOL:
        return 1
    if requested > 0:
        return requested
    return max(1, min(2, os.cpu_count() or 1))


def init_worker_process() -> None:
    """Each worker process has a core of its own: torch must not spread over all of them."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)


class _TrimmingPool(ProcessPoolExecutor):
    """A process pool whose every task (submitted or mapped) runs through `run_task`."""

    def submit(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> Future[T]:
        return super().submit(run_task, fn, *args, **kwargs)


@contextmanager
def worker_pool(processes: int) -> Iterator[Executor | None]:
    """Worker processes for per-article or per-event work (None: work inline); each worker
    gives back what a task freed."""
    if processes <= 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    with _TrimmingPool(processes, mp_context=context, initializer=init_worker_process) as pool:
        yield pool


def run_task(task: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`task(*args, **kwargs)`, then the freed heap back to the system."""
    try:
        return task(*args, **kwargs)
    finally:
        give_back_heap()


def give_back_heap() -> bool:
    """Return freed heap pages to the system (glibc only); True if any were returned."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no C library by that name, or not glibc
        return None
