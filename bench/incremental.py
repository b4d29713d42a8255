"""What a stream costs beyond one batch: the same articles arriving in slices.

    python bench/incremental.py [--articles 1000] [--batches 1 60]

`storyline watch` and repeated `storyline run`s feed the store a slice at a time; each
slice is enriched, clustered and compared incrementally, and an event that gained
articles is compared again.  This bench builds the corpus `bench/throughput.py` builds
(1,000 articles span 59 publication days), feeds it for each `--batches` count in that
many slices of consecutive publication dates (each slice: ingest, enrich, cluster,
compare, as `pipeline.process` runs them), each into a fresh SQLite store, and prints
per stage the seconds and the work done: above all how many article comparisons the
slices made against one batch's, and how many event comparisons were skipped because
the event's compared articles had not changed.  Slices of a day or so are a stream's
shape: an event's reports arrive over several of them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from throughput import build_corpus, wikiref

STAGES = ("ingest", "enrich", "cluster", "compare")


def slices(meta: list[dict], batches: int) -> list[list[dict]]:
    """`batches` runs of consecutive publication days, as a stream delivers them."""
    ordered = sorted(meta, key=lambda m: (m["published"], m["id"]))
    size = -(-len(ordered) // batches)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def feed(folder: Path, parts: list[list[dict]], db: Path) -> dict:
    """Each part through the four stages into one store; seconds and counts per stage."""
    from storyline.cluster.events import cluster_pending
    from storyline.compare.stage import compare_pending
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.meta import MetaIndex
    from storyline.ingest.stage import ingest
    from storyline.store.db import Store

    store = Store(f"sqlite:///{db}")
    seconds: Counter[str] = Counter()
    work: Counter[str] = Counter()
    for k, part in enumerate(parts):
        # A slice's own manifest: ingest reads every file a meta file lists.
        manifest = folder / f"slice-{len(parts)}-{k:03d}.jsonl"
        manifest.write_text("".join(json.dumps(m) + "\n" for m in part))
        steps = {
            "ingest": lambda manifest=manifest: ingest(store, [], MetaIndex.load(str(manifest))),
            "enrich": lambda: enrich_pending(store),
            "cluster": lambda: cluster_pending(store),
            "compare": lambda: compare_pending(store),
        }
        for name in STAGES:
            started = time.perf_counter()
            result = steps[name]()
            seconds[name] += time.perf_counter() - started
            if name == "ingest":
                work["articles ingested"] += len(result.ingested)
            if name == "compare":
                work["events compared"] += result.compared
                work["articles compared"] += result.articles
                work["events unchanged"] += result.unchanged
                work["texts embedded"] += result.embedded
    store.close()
    return {"seconds": dict(seconds), "work": dict(work)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 60])
    args = parser.parse_args()
    found = wikiref()
    if found is None:
        return 1
    source, labels = found
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        build_corpus(source / "articles", labels, args.articles, folder)
        meta = [json.loads(line) for line in (folder / "meta.jsonl").read_text().splitlines()]
        for batches in args.batches:
            result = feed(folder, slices(meta, batches), Path(tmp) / f"stream-{batches}.db")
            rows.append((batches, result))
            print(f"  {batches} batches: {result}", file=sys.stderr)
    counts = " ".join(map(str, args.batches))
    print(f"# python bench/incremental.py --articles {args.articles} --batches {counts}")
    print(
        "| batches | articles ingested | ingest s | enrich s | cluster s | compare s | total s "
        "| events compared | articles compared | events unchanged, skipped | texts embedded |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for batches, result in rows:
        s, w = result["seconds"], result["work"]
        times = " | ".join(f"{s.get(name, 0.0):.1f}" for name in STAGES)
        print(
            f"| {batches} | {w.get('articles ingested', 0)} | {times} | {sum(s.values()):.1f} | {w.get('events compared', 0)} "
            f"| {w.get('articles compared', 0)} | {w.get('events unchanged', 0)} | {w.get('texts embedded', 0)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
