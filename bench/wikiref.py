"""Storylines on WikiRef220: Storyline's storylines vs a TF-IDF baseline, against topics.

    PYTHONPATH=src python bench/wikiref.py

WikiRef220 has no training split, so nothing is tuned on it: the storyline thresholds
(`storyline/cluster/storylines.py`) and the baseline's distance threshold are both tuned
on ECB+ train with its topics as storylines (`--calibrate` reruns that tuning).

Noise topics: 11 topics of 1-5 articles (34 articles) are noise in the dataset's own
description.  Two rows per method: "all 220" scores every article with each noise topic
as its own gold cluster; "5 main topics" clusters all 220 but scores only the 185
articles of the five main topics.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter

import ecbplus as bench
import numpy as np

from storyline.cluster.events import ClusterOptions, cluster_pending
from storyline.cluster.storylines import STORYLINE_PARTICIPANT_BONUS, STORYLINE_SIMILARITY, StorylineOptions
from storyline.store import events as event_repo

MAIN_TOPIC_MIN_ARTICLES = 30


def topic_of(label: str) -> str:
    """ECB+ topic of a gold event label ("12ecbplus" → "12")."""
    m = re.match(r"\d+", label)
    return m.group(0) if m else label


def run_storylines(
    corpus: bench.Corpus, options: StorylineOptions | None = None
) -> tuple[dict[str, str], dict[str, str], float]:
    """(article → storyline, article → event, seconds) through `cluster_pending`, on a
    copy of the enriched store; an input ingest stored as another article goes with
    it, one it passed over is its own storyline."""
    import storyline.cluster.storylines as storylines_module

    store = bench.open_copy(corpus.store_path or bench.enrich(corpus))
    original = storylines_module.StorylineOptions
    if options is not None:
        storylines_module.StorylineOptions = lambda: options  # type: ignore[assignment,misc]
    try:
        t0 = time.time()
        cluster_pending(store, options=ClusterOptions())
        seconds = time.time() - t0
    finally:
        storylines_module.StorylineOptions = original  # type: ignore[misc]
    with store.read() as conn:
        assignment = event_repo.article_events(conn)
        stored_as = bench.inputs_stored_as(conn)
        storyline_of = {e.id: e.storyline for e in event_repo.all_events(conn)}
    store.close()
    events = {a: bench.event_of_input(a, assignment, stored_as) for a in corpus.gold}
    return {a: storyline_of.get(e) or e for a, e in events.items()}, events, seconds


def calibrate(train: bench.Corpus) -> None:
    """Tune the storyline thresholds on ECB+ train topics; print the constants."""
    gold = {a: topic_of(g) for a, g in train.gold.items()}
    grid = [(s, b) for b in (0.0, 0.05, 0.1) for s in np.arange(0.30, 0.80, 0.025)]

    def f1(option: tuple[float, float]) -> float:
        pred, _, _ = run_storylines(train, StorylineOptions(option[0], option[1]))
        return bench.bcubed(pred, gold)[2]

    (similarity, bonus), best = bench.tune(grid, f1)
    print(
        f"STORYLINE_SIMILARITY = {similarity:.3f}, STORYLINE_PARTICIPANT_BONUS = {bonus}  (train B3 F1 {best:.3f})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="all", choices=["all"], help="WikiRef220 has one split")
    parser.add_argument("--limit", type=int, default=None, help="first N articles (by file name)")
    parser.add_argument("--calibrate", action="store_true", help="retune storyline thresholds on ECB+ train")
    args = parser.parse_args(argv)
    print("command:", "PYTHONPATH=src python bench/wikiref.py", " ".join(sys.argv[1:]))
    train = bench.load_ecbplus("train")
    bench.enrich(train)
    if args.calibrate:
        return calibrate(train)
    corpus = bench.load_wikiref(args.limit)
    bench.enrich(corpus)
    threshold, train_f1 = bench.tune_baseline(train, key=topic_of)
    print(
        f"baseline: TF-IDF + agglomerative, distance threshold {threshold} tuned on ECB+ train topics "
        f"(B3 F1 {train_f1:.3f}); storylines: similarity {STORYLINE_SIMILARITY}, participant bonus "
        f"{STORYLINE_PARTICIPANT_BONUS} (tuned on ECB+ train topics)"
    )
    ours, events, seconds = run_storylines(corpus)
    base, base_seconds = bench.run_baseline(corpus, threshold)
    sizes = Counter(corpus.gold.values())
    main_ids = {a for a, t in corpus.gold.items() if sizes[t] >= MAIN_TOPIC_MIN_ARTICLES}
    for title, keep in (
        (f"all {len(corpus.gold)} articles, noise topics as their own clusters", set(corpus.gold)),
        (f"{len(main_ids)} articles of the 5 main topics (noise clustered, not scored)", main_ids),
    ):
        gold = {a: t for a, t in corpus.gold.items() if a in keep}
        rows = [
            bench.score("Storyline storylines", ours, gold, seconds),
            bench.score("Storyline events (for reference)", events, gold, seconds),
            bench.score(f"TF-IDF + agglomerative (d={threshold})", base, gold, base_seconds),
        ]
        bench.print_table(f"WikiRef220, {title}", rows, len(set(gold.values())))


if __name__ == "__main__":
    main()
