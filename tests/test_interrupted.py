"""An ingest killed half-way loses nothing committed; a rerun completes without doubles.

On both back ends: SQLite's WAL and PostgreSQL's transactions must each keep every batch
committed before the kill, and nothing of the one in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

FILES = 1500


def make_files(folder: Path) -> None:
    folder.mkdir()
    for i in range(FILES):
        (folder / f"story-{i:05d}.txt").write_text(
            f"Council meeting number {i} approved item {i * 7} of the agenda on a {['wet', 'dry'][i % 2]} day.\n"
            f"Members of ward {i % 97} said the vote on motion {i * 13} was the {i}th of the year.\n"
        )


def counter(engine: sa.Engine) -> Callable[[], int]:
    def count() -> int:
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text("select count(*) from articles")).scalar_one()
        except sa.exc.DBAPIError:  # no store or no table yet
            return 0

    return count


def ingest_cmd(folder: Path, db_url: str) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", "ingest", str(folder), "--db", db_url, "--quiet"]


def test_kill_mid_ingest_then_resume(tmp_path: Path, db_url: str):
    folder = tmp_path / "in"
    make_files(folder)
    sqlite = db_url.startswith("sqlite")
    engine = sa.create_engine(db_url, connect_args={"timeout": 5} if sqlite else {})
    count = counter(engine)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        ingest_cmd(folder, db_url), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while count() == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = count()
    assert 0 < committed < FILES, "the kill should land after the first commit and before the end"

    subprocess.run(ingest_cmd(folder, db_url), env=env, check=True, capture_output=True)
    with engine.connect() as conn:
        total, distinct = conn.execute(
            sa.text("select count(*), count(distinct content_hash) from articles")
        ).one()
        if sqlite:
            assert conn.exec_driver_sql("pragma integrity_check").scalar_one() == "ok"
    engine.dispose()
    assert total == distinct == FILES
