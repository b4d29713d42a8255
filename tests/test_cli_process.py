"""`storyline process` and `storyline events` as a user types them: engines, options, order."""

from __future__ import annotations

import builtins

import pytest
from typer.testing import CliRunner
from web_fixtures import fixture_store

from storyline import api
from storyline.cli import app
from storyline.config import Settings
from storyline.errors import StorylineError

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_events_lists_newest_first(db_url: str) -> None:
    with fixture_store(db_url):
        result = invoke("events", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.output.index("ev-call") < result.output.index("ev-talks")  # 2025-03-11, then 2024-11-04
    assert [e.id for e in api.events(settings=Settings(db_url=db_url))] == ["ev-call", "ev-talks"]


def test_scheduler_without_the_dask_engine_is_refused(db_url: str) -> None:
    result = invoke("process", "--scheduler", "tcp://127.0.0.1:8786", "--db", db_url)
    assert result.exit_code == 2
    assert "needs the Dask engine: add --engine dask" in result.output


def test_unknown_engine_is_a_usage_error(db_url: str) -> None:
    result = invoke("process", "--engine", "spark", "--db", db_url)
    assert result.exit_code == 2
    assert "spark" in result.output


@pytest.mark.sqlite_only(reason="an in-memory SQLite store is what is refused")
def test_dask_engine_refuses_an_in_memory_store() -> None:
    with pytest.raises(StorylineError, match="not an in-memory database"):
        api.process(settings=Settings(db_url=":memory:"), engine="dask")


def test_dask_engine_without_dask_says_what_to_install(db_url: str, monkeypatch) -> None:
    real_import = builtins.__import__

    def no_dask(name: str, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    result = invoke("process", "--engine", "dask", "--db", db_url)
    assert result.exit_code == 2
    assert "pip install 'storyline[dask]'" in result.output


def test_process_help_documents_the_engines() -> None:
    result = invoke("process", "--help")
    for option in ("--engine", "--scheduler", "--workers", "local", "dask"):
        assert option in result.output


def test_unreachable_scheduler_is_a_clear_error(db_url: str, monkeypatch) -> None:
    pytest.importorskip("dask.distributed")
    from storyline import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT_S", 1)
    result = invoke("process", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--db", db_url)
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
