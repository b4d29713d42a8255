"""An ingest killed half-way loses nothing committed; a rerun completes without doubles."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

FILES = 1500


def make_files(folder: Path) -> None:
    folder.mkdir()
    for i in range(FILES):
        (folder / f"story-{i:05d}.txt").write_text(
            f"Council meeting number {i} approved item {i * 7} of the agenda on a {['wet', 'dry'][i % 2]} day.\n"
            f"Members of ward {i % 97} said the vote on motion {i * 13} was the {i}th of the year.\n"
        )


def count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def ingest_cmd(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", "ingest", str(folder), "--db", str(db), "--quiet"]


def test_kill_mid_ingest_then_resume(tmp_path):
    folder = tmp_path / "in"
    make_files(folder)
    db = tmp_path / "store.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        ingest_cmd(folder, db), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = count(db)
    assert 0 < committed < FILES, "the kill should land after the first commit and before the end"

    subprocess.run(ingest_cmd(folder, db), env=env, check=True, capture_output=True)
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute(
            "select count(*), count(distinct content_hash) from articles"
        ).fetchone()
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert total == distinct == FILES
