"""Worker processes: how many, and that every task gives its freed heap back."""

from __future__ import annotations

import platform

import pytest

from storyline import workers


def test_pool_size_small_work_runs_inline() -> None:
    assert workers.pool_size(2, workers.MIN_ARTICLES_FOR_POOL - 1) == 1
    assert workers.pool_size(3, workers.MIN_ARTICLES_FOR_POOL) == 3
    assert 1 <= workers.pool_size(0, 1000) <= 2


def test_run_task_trims_after_success_and_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[int] = []
    monkeypatch.setattr(workers, "give_back_heap", lambda: trims.append(1) or True)
    assert workers.run_task(lambda a, b: a + b, 2, 3) == 5

    def broken() -> None:
        raise ValueError("bad article")

    with pytest.raises(ValueError, match="bad article"):
        workers.run_task(broken)
    assert trims == [1, 1]


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_trim_is_found_and_callable() -> None:
    assert workers._malloc_trim() is not None
    assert isinstance(workers.give_back_heap(), bool)


def test_pool_runs_every_task_through_run_task(monkeypatch: pytest.MonkeyPatch) -> None:
    submitted: list[tuple] = []
    real_submit = workers.ProcessPoolExecutor.submit

    def spy(self: object, fn: object, /, *args: object, **kwargs: object) -> object:
        submitted.append((fn, args))
        return real_submit(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers.ProcessPoolExecutor, "submit", spy)
    with workers.worker_pool(2) as pool:
        assert pool is not None
        assert pool.submit(max, 4, 9).result() == 9
        assert list(pool.map(abs, [-1, -2])) == [1, 2]
    assert [fn for fn, _ in submitted] == [workers.run_task] * 3
    assert submitted[0][1] == (max, 4, 9)
