"""The CLI as a user types it: ingest, export, exit statuses, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()
GOOD = "The harbour board approved the new ferry timetable on Monday after a public consultation.\n"


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_then_export(tmp_path: Path, db_url: str):
    (tmp_path / "a.txt").write_text(GOOD)
    result = invoke("ingest", str(tmp_path / "a.txt"), "--db", db_url, "--quiet")
    assert result.exit_code == 0
    assert "Ingested 1, skipped 0" in result.output
    out = tmp_path / "export.json"
    result = invoke("export", "--db", db_url, "-o", str(out))
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["schema"] == "storyline/1"
    assert [a["text"] for a in data["articles"]] == [GOOD.strip()]
    for section in ("entities", "quotes", "timerefs", "events", "storylines", "comparisons"):
        assert data[section] == []


def test_export_to_stdout_is_valid_json(tmp_path: Path, db_url: str):
    (tmp_path / "a.txt").write_text(GOOD)
    invoke("ingest", str(tmp_path), "--db", db_url)
    result = invoke("--db", db_url, "export")
    assert json.loads(result.stdout)["articles"][0]["text"].startswith("The harbour board")


def test_global_db_option_and_env(tmp_path: Path, db_url: str, monkeypatch):
    (tmp_path / "a.txt").write_text(GOOD)
    monkeypatch.setenv("STORYLINE_DB", db_url)
    assert invoke("ingest", str(tmp_path / "a.txt")).exit_code == 0
    monkeypatch.delenv("STORYLINE_DB")
    assert len(json.loads(invoke("export", "--db", db_url).stdout)["articles"]) == 1


@pytest.mark.sqlite_only(reason="a bare path names a SQLite file")
def test_bare_path_is_a_sqlite_file(tmp_path: Path):
    (tmp_path / "a.txt").write_text(GOOD)
    db = tmp_path / "new" / "s.db"
    assert invoke("ingest", str(tmp_path / "a.txt"), "--db", str(db)).exit_code == 0
    assert db.exists()
    assert len(json.loads(invoke("export", "--db", f"sqlite:///{db}").stdout)["articles"]) == 1


def test_nothing_ingested_exits_non_zero_with_reasons(tmp_path: Path, db_url: str):
    (tmp_path / "empty.txt").write_text("")
    result = invoke("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"), "--db", db_url)
    assert result.exit_code == 1
    assert "Ingested 0, skipped 2" in result.output
    assert "empty file" in result.output
    assert "no such file or folder" in result.output


def test_some_bad_inputs_still_exit_zero(tmp_path: Path, db_url: str):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    result = invoke("ingest", str(tmp_path), "--db", db_url)
    assert result.exit_code == 0
    assert "binary file" in result.output


def test_bad_database_url_is_a_clear_error(tmp_path: Path):
    result = invoke("ingest", str(tmp_path), "--db", "nosuchdriver://x/y")
    assert result.exit_code == 2
    assert "error:" in result.output


def test_missing_meta_file_is_a_clear_error(tmp_path: Path, db_url: str):
    result = invoke("ingest", "--meta", str(tmp_path / "nope.jsonl"), "--db", db_url)
    assert result.exit_code == 2
    assert "meta file not found" in result.output


def test_unknown_export_format(db_url: str):
    result = invoke("export", "--format", "xml", "--db", db_url)
    assert result.exit_code == 2
    assert "unknown export format" in result.output
