"""`storyline process` on one machine: the local engine against Dask with 1 and 2 workers.

    python bench/dask_workers.py [--articles 100] [--modes local dask-1 dask-2]

The same WikiRef220 articles (the first N by file name, with outlets and publication
dates spread over the topics' weeks) are ingested into a fresh SQLite store per mode,
untimed; then `storyline process` runs as a user types it, in its own process, and is
timed whole: model loading, the Dask LocalCluster's start and stop, analysis,
clustering and comparison.  "local" is the single-process engine (`--workers 1`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from throughput import wikiref

MODES = {
    "local": ["--engine", "local", "--workers", "1"],
    "dask-1": ["--engine", "dask", "--workers", "1"],
    "dask-2": ["--engine", "dask", "--workers", "2"],
}


def write_meta(articles: Path, labels: dict[str, str], n: int, folder: Path) -> Path:
    """meta.jsonl for the first `n` articles: each topic's articles a few days apart."""
    names = sorted(labels)[:n]
    start = date(2026, 1, 1)
    seen_in_topic: dict[str, int] = {}
    lines = []
    for i, name in enumerate(names):
        k = seen_in_topic[labels[name]] = seen_in_topic.get(labels[name], -1) + 1
        published = start + timedelta(days=7 * sorted(set(labels.values())).index(labels[name]) + k % 3)
        record = {"path": str(articles / name), "id": name, "source": f"Outlet {i % 7}"}
        lines.append(json.dumps(record | {"published": published.isoformat()}))
    meta = folder / "meta.jsonl"
    meta.write_text("\n".join(lines) + "\n")
    return meta


def storyline(*args: str) -> tuple[float, str]:
    """(seconds, stderr) of one CLI command in a fresh process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"storyline {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started, proc.stderr


def analysed(stderr: str) -> int:
    """The article count `storyline process` reports ("analysed N articles")."""
    for line in stderr.splitlines():
        if line.startswith("analysed "):
            return int(line.split()[1])
    raise RuntimeError(f"no 'analysed N articles' line in:\n{stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="first N of WikiRef220's 220")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    args = parser.parse_args()
    found = wikiref()
    if found is None:
        return 1
    source, labels = found
    print(f"# {' '.join(['python', *sys.argv])}  (cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f})")
    print("| mode | articles analysed | process seconds | articles/s | load before |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_meta(source / "articles", labels, args.articles, Path(tmp))
        for mode in args.modes:
            db = f"sqlite:///{tmp}/{mode}.db"
            storyline("ingest", "--meta", str(meta), "--db", db, "--quiet")
            load = os.getloadavg()[0]
            seconds, stderr = storyline("process", *MODES[mode], "--db", db, "--quiet")
            n = analysed(stderr)
            print(f"| {mode} | {n} | {seconds:.1f} | {n / seconds:.2f} | {load:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
