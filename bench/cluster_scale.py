"""Time and peak memory of the clustering stage for 1k, 10k and 100k articles.

    PYTHONPATH=src python bench/cluster_scale.py --sizes 1000 10000 100000
    PYTHONPATH=src python bench/cluster_scale.py --large-events --sizes 2000 20000

Larger sets replay the real ECB+ (train + dev) and WikiRef220 articles: copy r of an
article gets id `r<r>-<id>` and every date shifted by r × REPLAY_SHIFT_DAYS, so each
copy is a new stream of the same texts a month later.  ECB+ and WikiRef articles are
mostly undated; each gold event (or topic) gets a synthetic publication day and its
articles spread over the two days after it.  Enrichment and embeddings are computed
once and replayed (stored as the enrichment stage would leave them, features included),
since this measures clustering: `cluster_pending` end to end on a SQLite file, including
its reads, writes and storyline linking.  Each size runs in a fresh process so its peak
RSS is its own.

`--large-events` replays WikiRef220 alone and dates copy r of article i
(i mod 220) // 4 + r days after the epoch, as `bench/throughput.py` dates its replays:
copies a day apart join one event until the date veto parts them, so events hold
dozens of articles (75 on average at 20,000) and the window is dense, the case where a
cost per member or per candidate shows.

`--slices N` also clusters a copy of each set in N runs of consecutive articles (in
`cluster_pending`'s order, as a stream delivers them) and says whether the events are
one batch's: the same assignment of every article and the same events, ids included.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import ecbplus as bench

from storyline.cluster.features import ArticleFeatures, compute_features
from storyline.enrich.embed import MODEL_NAME
from storyline.model import Article

REPLAY_SHIFT_DAYS = 30
EPOCH = date(2020, 1, 1)
WRITE_CHUNK = 2000


def source_articles() -> tuple[list[Article], dict[str, ArticleFeatures], dict, dict[str, str]]:
    """Articles, features, vectors and a synthetic base day for each, from the benchmarks."""
    corpora = [bench.load_ecbplus("train"), bench.load_ecbplus("dev"), bench.load_wikiref()]
    articles, features, vectors, group = [], {}, {}, {}
    for corpus in corpora:
        bench.enrich(corpus, progress=False)
        enriched = bench.load_enriched(corpus)
        vectors |= enriched.vectors
        for a in corpus.articles:
            if a.id not in enriched.vectors:
                continue  # ingest passed it over (an exact duplicate) or it has no text
            articles.append(enriched.articles[a.id])
            features[a.id] = compute_features(enriched.articles[a.id], enriched.analyses[a.id])
            group[a.id] = corpus.gold[a.id]
    return articles, features, vectors, group


def _offset(key: str, modulo: int) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % modulo


def replay(article: Article, f: ArticleFeatures, group: str, copy: int) -> tuple[Article, ArticleFeatures]:
    """Copy `copy` of an article: new id, dates moved to its group's synthetic day."""
    day = EPOCH + timedelta(days=copy * REPLAY_SHIFT_DAYS + _offset(group, 28) + _offset(article.id, 3))
    return _moved(article, f, copy, day, keep_lede=True)


def _moved(
    article: Article, f: ArticleFeatures, copy: int, day: date, keep_lede: bool
) -> tuple[Article, ArticleFeatures]:
    """The article and its features as copy `copy`, dated `day`; a lede date stays one
    when `keep_lede`, else the day is a publication date's."""
    lede = keep_lede and f.date_source == "lede"
    new_id = f"r{copy:04d}-{article.id}"
    moved = dataclasses.replace(article, id=new_id, published=day.isoformat(), duplicate_of=None)
    features = dataclasses.replace(
        f,
        article=new_id,
        published=day.isoformat(),
        event_date=day.isoformat(),
        granularity="day",
        date_source="lede" if lede else "published",
        date_confidence=1.0 if lede else 0.4,
        context=[],
        duplicate_of=None,
        computed_at="9999",  # fresh: clustering reuses these instead of recomputing
    )
    return moved, features


def large_event_sources() -> tuple[list[Article], dict[str, ArticleFeatures], dict, dict[str, str]]:
    """WikiRef220 alone, for `--large-events`."""
    corpus = bench.load_wikiref()
    bench.enrich(corpus, progress=False)
    enriched = bench.load_enriched(corpus)
    articles = [enriched.articles[a.id] for a in corpus.articles if a.id in enriched.vectors]
    features = {a.id: compute_features(a, enriched.analyses[a.id]) for a in articles}
    return articles, features, enriched.vectors, {a.id: corpus.gold[a.id] for a in articles}


def replay_dense(
    article: Article, f: ArticleFeatures, index: int, copy: int
) -> tuple[Article, ArticleFeatures]:
    """Copy `copy` of the index-th article, dated as `bench/throughput.py` dates replays."""
    return _moved(article, f, copy, EPOCH + timedelta(days=index // 4 + copy), keep_lede=False)


def build(path: Path, size: int, large_events: bool = False) -> None:
    """A SQLite store with `size` replayed articles, enriched, with features and vectors."""
    from storyline.store import articles as article_repo
    from storyline.store import events as repo
    from storyline.store.db import Store

    articles, features, vectors, group = large_event_sources() if large_events else source_articles()
    store = Store(f"sqlite:///{path}")
    batch: list[tuple[Article, ArticleFeatures]] = []
    for i in range(size):
        original = articles[i % len(articles)]
        copy = i // len(articles)
        if large_events:
            batch.append(replay_dense(original, features[original.id], (i + 1) % len(articles), copy))
        else:
            batch.append(replay(original, features[original.id], group[original.id], copy))
        if len(batch) == WRITE_CHUNK or i == size - 1:
            with store.atomic() as conn:
                article_repo.insert(conn, [article_repo.to_row(a, None) for a, _ in batch])
                repo.write_features(conn, [f for _, f in batch])
                repo.write_vectors(conn, {a.id: vectors[a.id.split("-", 1)[1]] for a, _ in batch}, MODEL_NAME)
                article_repo.mark(conn, [a.id for a, _ in batch], "enriched_at")
            batch = []
    store.close()


def measure(path: Path) -> dict:
    """Run `cluster_pending` on the store; time, peak RSS and what it made."""
    from storyline.cluster.events import cluster_pending
    from storyline.store import events as repo
    from storyline.store.db import Store

    store = Store(f"sqlite:///{path}")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = cluster_pending(store)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with store.read() as conn:
        storylines = len(repo.all_storylines(conn))
    return {
        "articles": report.articles,
        "events": report.new_events,
        "storylines": storylines,
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "start_mb": before / 1024,
    }


def in_slices(path: Path, reference: Path, slices: int) -> dict:
    """Cluster the store at `path` in `slices` runs of consecutive articles; compare with
    the store `reference` clustered in one batch."""

    from storyline.cluster.events import cluster_pending
    from storyline.store import articles as article_repo
    from storyline.store import events as repo
    from storyline.store.db import Store
    from storyline.store.schema import articles

    store = Store(f"sqlite:///{path}")
    with store.atomic() as conn:
        order = repo.pending(conn)
        conn.execute(articles.update().values(enriched_at=None))
    step = -(-len(order) // slices)
    for start in range(0, len(order), step):
        with store.atomic() as conn:
            article_repo.mark(conn, order[start : start + step], "enriched_at")
        cluster_pending(store)

    def snapshot(store: Store) -> tuple[dict[str, str], set[tuple[str, tuple[str, ...]]]]:
        with store.read() as conn:
            return repo.article_events(conn), {
                (e.id, tuple(sorted(e.articles))) for e in repo.all_events(conn)
            }

    mine, theirs = snapshot(store), snapshot(Store(f"sqlite:///{reference}"))
    differ = sum(1 for a, e in theirs[0].items() if mine[0].get(a) != e) + len(set(mine[0]) - set(theirs[0]))
    return {"slices": slices, "articles_differing": differ, "same_events": mine[1] == theirs[1]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--split", default="all", choices=["all"], help="replays every split it reads")
    parser.add_argument("--limit", type=int, default=None, help="largest size to run")
    parser.add_argument("--large-events", action="store_true", help="WikiRef replays a day apart")
    parser.add_argument("--slices", type=int, default=0, help="also cluster each set in N runs and compare")
    parser.add_argument("--_build", help=argparse.SUPPRESS)
    parser.add_argument("--_measure", help=argparse.SUPPRESS)
    parser.add_argument("--_slices", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._build:
        return build(Path(args._build), args.sizes[0], args.large_events)
    if args._measure:
        return print(json.dumps(measure(Path(args._measure))))
    if args._slices:
        return print(json.dumps(in_slices(Path(args._slices[0]), Path(args._slices[1]), args.slices)))
    print("command:", "PYTHONPATH=src python bench/cluster_scale.py", " ".join(sys.argv[1:]))
    sizes = [s for s in args.sizes if args.limit is None or s <= args.limit]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"scale-{size}.db"
            dense = ["--large-events"] if args.large_events else []
            _child(["--_build", str(path), "--sizes", str(size), *dense])
            if args.slices > 1:
                shutil.copy(path, path.with_suffix(".slices.db"))
            result = json.loads(_child(["--_measure", str(path)]).strip().splitlines()[-1])
            if args.slices > 1:
                check = [
                    "--_slices",
                    str(path.with_suffix(".slices.db")),
                    str(path),
                    "--slices",
                    str(args.slices),
                ]
                result["slices"] = json.loads(_child(check).strip().splitlines()[-1])
            rows.append((size, result))
            print(f"  {size}: {result}", file=sys.stderr)
    _table(rows, "replayed WikiRef220 articles a day apart" if args.large_events else "")


def _child(args: list[str]) -> str:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(done.stderr)
    return done.stdout


def _table(rows: list[tuple[int, dict]], what: str = "") -> None:
    what = what or "replayed ECB+ and WikiRef220 articles"
    print(f"\nClustering stage (cluster_pending on a SQLite file, {what})")
    print(
        "| articles | events | storylines | seconds | articles/s | ms/article | peak RSS MB "
        "| of which clustering MB | growth vs previous |"
    )
    print(
        "|---------:|-------:|-----------:|--------:|-----------:|-----------:|------------:|------:|------:|"
    )
    previous = None
    for size, r in rows:
        per = 1000 * r["seconds"] / size
        growth = (
            f"{r['seconds'] / previous[1]['seconds']:.1f}x time for {size / previous[0]:.0f}x articles"
            if previous
            else ""
        )
        print(
            f"| {size:>8} | {r['events']:>6} | {r['storylines']:>10} | {r['seconds']:>7.1f} | "
            f"{size / r['seconds']:>10.0f} | {per:>10.2f} | {r['peak_mb']:>11.0f} "
            f"| {r['peak_mb'] - r['start_mb']:>5.0f} | {growth:>18} |"
        )
        previous = (size, r)
    for size, r in rows:
        if "slices" in r:
            c = r["slices"]
            same = "the same events" if c["same_events"] and not c["articles_differing"] else "other events"
            print(
                f"{size} articles in {c['slices']} runs: {same} as one batch ({c['articles_differing']} articles differ)"
            )


if __name__ == "__main__":
    main()
