"""Where an end-to-end run spends its time: each stage of `storyline run`, timed alone.

    python bench/stages.py [--articles 220]

The same corpus `bench/throughput.py` builds (WikiRef220's real articles, replayed with
shifted ids and dates beyond 220) goes into a fresh SQLite store through the stages one
by one, in this process, as `pipeline.process` runs them: ingest, enrich (worker
processes), cluster, compare (worker processes when it pays).  Model loading falls in
the first stage that needs each model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from throughput import build_corpus, wikiref


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=220)
    args = parser.parse_args()
    found = wikiref()
    if found is None:
        return 1
    source, labels = found
    from storyline.cluster.events import cluster_pending
    from storyline.compare.stage import compare_pending
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.meta import MetaIndex
    from storyline.ingest.stage import ingest
    from storyline.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        build_corpus(source / "articles", labels, args.articles, folder)
        store = Store(f"sqlite:///{tmp}/stages.db")
        meta = MetaIndex.load(str(folder / "meta.jsonl"))
        steps = [
            ("ingest", lambda: ingest(store, [str(folder)], meta)),
            ("enrich", lambda: enrich_pending(store)),
            ("cluster", lambda: cluster_pending(store)),
            ("compare", lambda: compare_pending(store)),
        ]
        timings = []
        for name, step in steps:
            started = time.perf_counter()
            result = step()
            timings.append((name, time.perf_counter() - started, result))
        store.close()
    total = sum(seconds for _, seconds, _ in timings)
    print(f"# python bench/stages.py --articles {args.articles}")
    print("| stage | seconds | share | articles/s |")
    print("| --- | --- | --- | --- |")
    for name, seconds, _ in timings:
        print(f"| {name} | {seconds:.1f} | {seconds / total:.0%} | {args.articles / seconds:.1f} |")
    compare = timings[-1][2]
    print(f"compare: {compare.compared} events, {compare.articles} articles, {compare.claims} claims")
    return 0


if __name__ == "__main__":
    sys.exit(main())
