"""Ingest throughput: files/s and MB/s from disk into a fresh SQLite store.

Ingest only (read, decode, extract, clean, detect language, hash, MinHash, store); the
NLP stages are measured by bench/throughput.py.  Three real inputs: the five seeds,
WikiRef220's 220 plain-text articles, and the 181 HTML pages of the extraction benchmark
(unzipped to a temporary folder first, outside the timing).

    python bench/ingest_throughput.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

from storyline.config import shared_dir
from storyline.ingest.stage import ingest
from storyline.store.db import Store


def measure(folder: Path, repeat: int) -> tuple[int, float, float, int]:
    """(files, bytes, best seconds, articles) over `repeat` runs into fresh stores."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    best = float("inf")
    articles = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/bench.db")
            started = time.perf_counter()
            report = ingest(store, [str(folder)])
            best = min(best, time.perf_counter() - started)
            articles = len(report.ingested)
            store.close()
    return len(files), size, best, articles


def unzip_pages(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for page in sorted(source.glob("*.html.gz")):
        with gzip.open(page, "rb") as src, (target / page.name[:-3]).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the best is reported")
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print("../shared is not here: nothing to measure", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {
            "seeds (.txt)": shared / "seeds",
            "wikiref220 (.txt)": shared / "bench" / "wikiref220" / "articles",
            "article-extraction (.html)": unzip_pages(
                shared / "bench" / "article-extraction" / "html", Path(tmp)
            ),
        }
        print(f"# {' '.join(['python', *sys.argv])}  (best of {args.repeat})")
        print("| input | files | MB | articles | seconds | files/s | MB/s |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, folder in inputs.items():
            files, size, seconds, articles = measure(folder, args.repeat)
            mb = size / 1e6
            print(
                f"| {name} | {files} | {mb:.2f} | {articles} | {seconds:.2f} "
                f"| {files / seconds:.0f} | {mb / seconds:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
