"""Event clustering on ECB+: Storyline's events vs a tuned TF-IDF baseline.

    PYTHONPATH=src python bench/ecbplus.py --split dev --orders 8

Every ECB+ topic holds two look-alike events (two celebrities entering rehab, two
earthquakes), so a method that groups by topic loses about 0.2 B-cubed F1.  Thresholds
(ours and the baseline's) are tuned on `train` only; every run prints a table for
`train` (the tuning split, for reference) and one for the chosen split.

Rows: Storyline (embeddings + entities + dates + kinds, through the production path:
an in-memory store, `cluster_pending`), its ablations (one is the article↔event model
scoring of stops 10-16), and the TF-IDF + agglomerative
(cosine, average linkage) baseline with its train-tuned distance threshold.
`--calibrate` refits the article-pair weights on train and tunes the join and merge
probabilities (the constants in `storyline/cluster/pairs.py` and `events.py` came from
this; `--calibrate-event` does the same for the article↔event model of the ablation row;
`--calibrate-split` tunes when an event is cut in two, `storyline/cluster/split.py`);
`--variants` compares what to embed
(the choice in `storyline/enrich/embed.py`); `--orders N` also scores Storyline over N
arrival orders of the same articles (`replay`), the spread an online clusterer owes to
order alone.

This module also holds what the other bench scripts share: loading the corpora, and
running the real ingest and enrich stages on them once into a cached store (below), so
the benchmarks measure clustering on what the product itself stores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from storyline.config import shared_dir
from storyline.enrich import embed as embedding
from storyline.ingest.clean import clean_text
from storyline.ingest.dates import normalize_published
from storyline.ingest.decode import decode
from storyline.model import Analysis, Article, ArticleInput

CACHE_DIR = Path.home() / ".cache" / "storyline-bench"
BASELINE_GRID = [round(x, 3) for x in np.arange(0.30, 1.0, 0.02)]


# --- data ---------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Articles of one benchmark split with gold labels; `raw` holds the texts as read
    (what ingest is given), `articles` the cleaned texts the baseline reads."""

    name: str
    articles: list[Article]
    gold: dict[str, str]
    raw: list[str] = field(default_factory=list)
    store_path: Path | None = None


def bench_dir() -> Path:
    root = shared_dir()
    if root is None or not (root / "bench").is_dir():
        sys.exit("no ../shared/bench folder found (set STORYLINE_SHARED to the folder holding bench/)")
    return root / "bench"


def load_ecbplus(split: str, limit: int | None = None) -> Corpus:
    """ECB+ articles of a split, cleaned like ingest cleans them, ids = file names."""
    folder = bench_dir() / "ecbplus" / split
    labels = json.loads((folder / "labels.json").read_text())
    articles, raw = [], []
    for key in sorted(labels)[: limit or None]:
        record = json.loads((folder / f"{key}.json").read_text())
        raw.append(_detokenise(record["text"]))
        articles.append(
            _article(key, raw[-1], _detokenise(record.get("title") or ""), _ecb_published(record))
        )
    return Corpus(f"ecbplus/{split}", articles, {a.id: labels[a.id] for a in articles}, raw)


def _article(key: str, text: str, title: str | None, published: str | None) -> Article:
    cleaned = clean_text(text)
    return Article(
        id=key,
        text=cleaned.text,
        title=title or cleaned.headline,
        published=published,
        blocks=cleaned.blocks,
        dateline=cleaned.dateline,
    )


def _detokenise(text: str) -> str:
    """Undo the spaces the tokenised corpus left around punctuation ("10 : 50", "n't")."""
    text = re.sub(r" ([,.;:!?%)\]}’”])", r"\1", text)
    text = re.sub(r"([(\[{$“‘]) ", r"\1", text)
    text = re.sub(r"(\d): (\d)", r"\1:\2", text)
    text = re.sub(r"(\d), (\d{3})\b", r"\1,\2", text)
    return re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)


_PUBLISH_PREFIX_RE = re.compile(
    r"^(?:first\s+)?(?:published|posted|updated|story created|last updated|date)\s*:?\s*(?:on\s+)?",
    re.IGNORECASE,
)
_YEAR_END_RE = re.compile(r"^.*?(?:\b(?:19|20)\d\d\b|\b\d{1,2} ?/ ?\d{1,2} ?/ ?\d{2,4}\b)")


def _ecb_published(record: dict) -> str | None:
    """The publication day from ECB+'s free-text `date_publish` ("POSTED : Dec 08, 2010")."""
    raw = record.get("date_publish")
    if not raw:
        return None
    text = _PUBLISH_PREFIX_RE.sub("", _detokenise(str(raw)).strip())
    text = re.sub(r"^on\s+", "", text, flags=re.IGNORECASE)
    m = _YEAR_END_RE.match(text)
    if not m:
        return None
    value = normalize_published(re.sub(r" ?/ ?", "/", m.group(0)).replace(" - ", "-"))
    return value[:10] if value else None


def load_wikiref(limit: int | None = None) -> Corpus:
    """WikiRef220 articles (plain text, undated), gold = topic label per file."""
    folder = bench_dir() / "wikiref220"
    labels = json.loads((folder / "labels.json").read_text())
    articles, texts = [], []
    for name in sorted(labels)[: limit or None]:
        raw, _ = decode((folder / "articles" / name).read_bytes())
        texts.append(raw)
        articles.append(_article(name, raw, None, None))
    return Corpus("wikiref220", articles, {a.id: labels[a.id] for a in articles}, texts)


# --- real enrichment, cached ------------------------------------------------------------------
# The benchmarks measure clustering on what the product's own stages store: the texts go
# through `ingest.stage.ingest_items` (cleaning, near-duplicate detection) and
# `enrich.stage.enrich_pending` (sentences, resolved entities, quotes, time expressions,
# embeddings) into a SQLite file under bench/out/.  The file is keyed by the texts and the
# source of the ingest and enrich packages, so a change there re-enriches on the next run;
# every clustering run then starts from an in-memory copy of it, in a second or two.
OUT_DIR = Path(__file__).resolve().parent / "out"
_PIPELINE_SOURCES = ("ingest", "enrich", "model.py", "config.py")


def inputs_of(corpus: Corpus) -> list[ArticleInput]:
    """The corpus as a crawler would hand it to ingest (English, ids = file names)."""
    return [
        ArticleInput(
            text=raw, id=a.id, title=a.title or None, published=a.published, language="en", origin=a.id
        )
        for a, raw in zip(corpus.articles, corpus.raw, strict=True)
    ]


def _code_digest() -> str:
    """The pipeline's code and the embedding precision it runs at (its vectors differ)."""
    import storyline
    from storyline.enrich.embed import precision

    root = Path(storyline.__file__).parent
    h = hashlib.sha256(precision().encode())
    for name in _PIPELINE_SOURCES:
        for path in sorted((root / name).rglob("*.py")) if (root / name).is_dir() else [root / name]:
            h.update(path.read_bytes())
    return h.hexdigest()[:10]


def enriched_path(corpus: Corpus) -> Path:
    """Where the enriched store of this corpus lives (built when missing)."""
    stem = f"{corpus.name.replace('/', '-')}-{_digest(corpus, 'store-v1')[:10]}"
    path = OUT_DIR / f"{stem}-{_code_digest()}.db"
    if not path.exists() and os.environ.get("STORYLINE_BENCH_REUSE"):
        older = sorted(OUT_DIR.glob(f"{stem}-*.db"), key=lambda p: p.stat().st_mtime)
        if older:
            return older[-1]  # any enrichment of these texts: quick iteration on clustering only
    return path


def enrich(corpus: Corpus, progress: bool = True) -> Path:
    """Ingest and enrich the corpus with the real stages, once; the store file's path."""
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.stage import ingest_items
    from storyline.store.db import Store

    path = enriched_path(corpus)
    corpus.store_path = path
    if path.exists():
        return path
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for stale in OUT_DIR.glob(tmp.name + "*"):
        stale.unlink()
    t0 = time.time()
    store = Store(f"sqlite:///{tmp}")
    ingest_items(store, inputs_of(corpus))
    enrich_pending(store, None, 2)
    with store.atomic() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    if progress:
        print(
            f"  enriched {len(corpus.articles)} articles of {corpus.name} in {time.time() - t0:.0f}s",
            file=sys.stderr,
        )
    return path


def open_copy(path: Path) -> Any:
    """An in-memory store holding a copy of an enriched store file."""
    import sqlite3

    from storyline.store.db import Store

    store = Store(":memory:", migrate_schema=False)
    raw = store.engine.raw_connection()
    try:
        source = sqlite3.connect(path)
        source.backup(raw.driver_connection)
        source.close()
    finally:
        raw.close()
    return store


@dataclass
class Enriched:
    """What the enriched store holds per article, for calibration and replays."""

    articles: dict[str, Article]
    analyses: dict[str, Analysis]
    vectors: dict[str, np.ndarray]
    stored_as: dict[str, str] = field(default_factory=dict)  # see `inputs_stored_as`


def load_enriched(corpus: Corpus) -> Enriched:
    """Articles (as ingest stored them), analyses and vectors from the enriched store."""
    from storyline.store import events as event_repo

    store = open_copy(corpus.store_path or enrich(corpus))
    with store.read() as conn:
        ids = [a.id for a in corpus.articles]
        articles = {a.id: a for a in event_repo.load_articles(conn, ids)}
        analyses = event_repo.load_analyses(conn, ids)
        vectors = event_repo.load_vectors(conn, ids, embedding.MODEL_NAME)
        stored_as = inputs_stored_as(conn)
    store.close()
    return Enriched(articles, analyses, vectors, stored_as)


def _digest(corpus: Corpus, what: str) -> str:
    h = hashlib.sha256(what.encode())
    for a, raw in zip(corpus.articles, corpus.raw, strict=True):
        h.update(f"{a.id}\0{a.title}\0{a.published}\0{raw}\0".encode())
    return h.hexdigest()[:24]


# --- metrics ------------------------------------------------------------------------------


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the items of `gold`."""
    items = list(gold)
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i in items:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        same = len(by_pred[pred[i]] & by_gold[gold[i]])
        p += same / len(by_pred[pred[i]])
        r += same / len(by_gold[gold[i]])
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    method: str
    p: float
    r: float
    f1: float
    ari: float
    nmi: float
    clusters: int
    seconds: float = 0.0


def score(method: str, pred: dict[str, str], gold: dict[str, str], seconds: float = 0.0) -> Scores:
    items = sorted(gold)
    p, r, f1 = bcubed(pred, gold)
    ari = adjusted_rand_score([gold[i] for i in items], [pred[i] for i in items])
    nmi = normalized_mutual_info_score([gold[i] for i in items], [pred[i] for i in items])
    return Scores(method, p, r, f1, ari, nmi, len({pred[i] for i in items}), seconds)


def print_table(title: str, rows: Sequence[Scores], gold_clusters: int) -> None:
    print(f"\n{title}  (gold clusters: {gold_clusters})")
    print(f"| {'method':<46} | B3 P  | B3 R  | B3 F1 |  ARI  |  NMI  | clusters | seconds |")
    print(f"|{'-' * 48}|-------|-------|-------|-------|-------|----------|---------|")
    for s in rows:
        print(
            f"| {s.method:<46} | {s.p:.3f} | {s.r:.3f} | {s.f1:.3f} | {s.ari:.3f} | {s.nmi:.3f} "
            f"| {s.clusters:>8} | {s.seconds:>7.1f} |"
        )


# --- baseline -----------------------------------------------------------------------------


def baseline_texts(corpus: Corpus) -> list[str]:
    return [f"{a.title or ''}\n{a.text}" for a in corpus.articles]


def tfidf_agglomerative(texts: Sequence[str], threshold: float) -> list[int]:
    """TF-IDF (sublinear tf, English stop words) + average-linkage cosine clustering."""
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
    if matrix.shape[0] < 2:
        return [0] * matrix.shape[0]
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return list(model.fit_predict(matrix.toarray()))


def tune(candidates: Iterable[float], run: Callable[[float], float]) -> tuple[float, float]:
    """The candidate with the best score (first on ties), and that score."""
    best = (float("nan"), -1.0)
    for c in candidates:
        f = run(c)
        if f > best[1]:
            best = (c, f)
    return best


def tune_baseline(train: Corpus, key: Callable[[str], str] | None = None) -> tuple[float, float]:
    """The distance threshold with the best B-cubed F1 on train (labels mapped by `key`)."""
    gold = {i: (key(g) if key else g) for i, g in train.gold.items()}
    texts = baseline_texts(train)
    ids = [a.id for a in train.articles]

    def f1(threshold: float) -> float:
        labels = tfidf_agglomerative(texts, threshold)
        return bcubed({i: str(c) for i, c in zip(ids, labels, strict=True)}, gold)[2]

    return tune(BASELINE_GRID, f1)


def run_baseline(corpus: Corpus, threshold: float) -> tuple[dict[str, str], float]:
    t0 = time.time()
    labels = tfidf_agglomerative(baseline_texts(corpus), threshold)
    return {a.id: str(c) for a, c in zip(corpus.articles, labels, strict=True)}, time.time() - t0


# --- Storyline ----------------------------------------------------------------------------


def run_storyline(
    corpus: Corpus, vectors: dict[str, np.ndarray] | None = None, **options: object
) -> tuple[dict[str, str], float]:
    """Events through the production path, on a copy of the enriched store (with other
    `vectors` when given); returns article → event (an input ingest stored as another
    article takes that article's event; one ingest or enrichment passed over is its own
    event) and the seconds clustering took."""
    from storyline.cluster.events import ClusterOptions, cluster_pending
    from storyline.store import events as event_repo

    store = open_copy(corpus.store_path or enrich(corpus))
    if vectors is not None:
        with store.atomic() as conn:
            event_repo.write_vectors(conn, vectors, embedding.MODEL_NAME)
    t0 = time.time()
    cluster_pending(store, options=ClusterOptions(storylines=False, **options))  # type: ignore[arg-type]
    seconds = time.time() - t0
    with store.read() as conn:
        assignment = event_repo.article_events(conn)
        stored_as = inputs_stored_as(conn)
    store.close()
    return {a: event_of_input(a, assignment, stored_as) for a in corpus.gold}, seconds


def inputs_stored_as(conn: Any) -> dict[str, str]:
    """Input → the stored article ingest made of it or matched it to, from the ingest log.

    Ingest stores a text it has already stored once (a corpus file that repeats another
    word for word) as that article, and says so in the log; the product then reports the
    input under that article, so the benchmark does too."""
    import sqlalchemy as sa

    from storyline.store.schema import ingest_log

    rows = conn.execute(
        sa.select(ingest_log.c.origin, ingest_log.c.article).where(ingest_log.c.article.is_not(None))
    )
    return {origin: article for origin, article in rows}


def event_of_input(article: str, assignment: dict[str, str], stored_as: dict[str, str]) -> str:
    """The input's event: its own, its stored twin's, else a cluster of its own."""
    return assignment.get(article) or assignment.get(stored_as.get(article, "")) or f"unclustered-{article}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles of each split")
    parser.add_argument("--variants", action="store_true", help="compare what to embed, on train")
    parser.add_argument("--calibrate", action="store_true", help="refit the article-pair weights on train")
    parser.add_argument(
        "--calibrate-event", action="store_true", help="refit the article-event weights (scoring='event')"
    )
    parser.add_argument(
        "--calibrate-split", action="store_true", help="tune when an event is cut in two (cluster/split.py)"
    )
    parser.add_argument(
        "--orders", type=int, default=0, help="also score Storyline over N arrival orders (see `replay`)"
    )
    args = parser.parse_args(argv)
    print("command:", "PYTHONPATH=src python bench/ecbplus.py", " ".join(sys.argv[1:]))
    train, test = load_ecbplus("train", args.limit), load_ecbplus(args.split, args.limit)
    for corpus in (train, test):
        enrich(corpus)
    if args.variants:
        return print_variants(train)
    if args.calibrate:
        return calibrate(train)
    if args.calibrate_event:
        return calibrate_event(train)
    if args.calibrate_split:
        return calibrate_split(train)
    threshold, train_f1 = tune_baseline(train)
    print(
        f"baseline: TF-IDF + agglomerative, distance threshold {threshold} tuned on train (B3 F1 {train_f1:.3f})"
    )
    for corpus in (train, test) if args.split != "train" else (train,):
        rows = []
        for method, options in ROWS:
            pred, seconds = run_storyline(corpus, **options)
            rows.append(score(method, pred, corpus.gold, seconds))
        pred, seconds = run_baseline(corpus, threshold)
        rows.append(score(f"TF-IDF + agglomerative (d={threshold})", pred, corpus.gold, seconds))
        split = corpus.name.split("/")[-1] + (" (the tuning split)" if corpus is train else "")
        print_table(f"ECB+ {split}: {len(corpus.articles)} articles", rows, len(set(corpus.gold.values())))
        if args.orders:
            print_orders(corpus, args.orders)


def replay(
    corpus: Corpus, enriched: Enriched, features: dict, salt: str = "", **options: Any
) -> dict[str, str]:
    """Article → event from the clusterer in memory, in `cluster_pending`'s order except
    that ties (one publication day, or none) fall by a salted digest of the id instead of
    the id: the same model on another arrival order, as likely as the one ids give.  With
    no salt it decides exactly as `run_storyline` does."""
    from storyline.cluster.events import Clusterer, ClusterOptions

    def tie(a: Article) -> str:
        return hashlib.sha1(f"{salt}{a.id}".encode()).hexdigest() if salt else a.id

    def loader(ids: Sequence[str]) -> dict[str, tuple[Any, np.ndarray]]:
        return {i: (features[i], enriched.vectors[i]) for i in ids if i in features and i in enriched.vectors}

    clusterer = Clusterer(ClusterOptions(storylines=False, **options), loader=loader)
    event_of: dict[str, str] = {}
    order = sorted(enriched.articles.values(), key=lambda a: (a.published or "", tie(a)))
    for a in order:
        if not features[a.id].duplicate_of:
            event_of[a.id] = clusterer.assign(features[a.id], enriched.vectors[a.id])[0]
    for a in order:  # duplicates go where their originals went, as `cluster_pending` defers them
        original = features[a.id].duplicate_of
        if original in event_of:
            event_of[a.id] = event_of[original]
    assignment = {a: clusterer.event_of(features[a].duplicate_of or a, e) for a, e in event_of.items()}
    return {a: event_of_input(a, assignment, enriched.stored_as) for a in corpus.gold}


def print_orders(corpus: Corpus, orders: int) -> None:
    """Storyline's B3 over `orders` arrival orders (the first is the ids' own): an online
    clusterer decides each article once, so which of two same-day reports comes first
    can change an event; the spread says how much of a difference between two settings
    (or against the order-free baseline) is order, not model."""
    enriched = load_enriched(corpus)
    features = features_of(enriched)
    scored = [
        bcubed(replay(corpus, enriched, features, f"order-{k}" if k else ""), corpus.gold)
        for k in range(orders)
    ]
    p, r, f1 = (np.array([s[i] for s in scored]) for i in range(3))
    print(
        f"Storyline over {orders} arrival orders on {corpus.name}: B3 P {p.mean():.3f} R {r.mean():.3f} "
        f"F1 {f1.mean():.3f} ± {f1.std():.3f} (min {f1.min():.3f}, max {f1.max():.3f})"
    )


def features_of(enriched: Enriched) -> dict[str, object]:
    from storyline.cluster.features import compute_features

    return {i: compute_features(a, enriched.analyses[i]) for i, a in enriched.articles.items()}


def processing_order(enriched: Enriched) -> list[Article]:
    """The order `cluster_pending` takes articles in: published, then id."""
    return sorted(enriched.articles.values(), key=lambda a: (a.published or "", a.id))


NO_VETO = 100_000  # days: the date veto off
HARD_PAIR_SIMILARITY = 0.3  # calibration pairs: candidates at least this similar (0.0/0.3/0.5 tried)
ROWS: list[tuple[str, dict[str, object]]] = [
    ("Storyline (embeddings+entities+dates+kinds)", {}),
    ("Storyline, without the merge pass", {"merge_probability": None}),
    ("Storyline, no event cut in two", {"split_ratio": None}),
    ("Storyline, without the 30-day date veto", {"max_date_gap_days": NO_VETO}),
    ("Storyline, article-event model (stop 16)", {"scoring": "event"}),
    ("Storyline, embeddings only", {"embeddings_only": True}),
]


def oracle_pairs(corpus: Corpus, enriched: Enriched) -> tuple[np.ndarray, np.ndarray]:
    """Article↔candidate-event feature rows and labels, replaying train with gold events:
    each article is scored against the gold events its index finds, then joins its own."""
    from storyline.cluster.events import FEATURES, Clusterer, EventState, pair_features

    clusterer = Clusterer()
    features = features_of(enriched)
    rows, labels = [], []
    for a in processing_order(enriched):
        f = features[a.id]
        if f.duplicate_of:  # clustering never decides a copy: it follows its original
            continue
        v = enriched.vectors[a.id]
        for event_id in clusterer.candidates(f, v):
            values = pair_features(f, v, clusterer.events[event_id])
            if values["similarity"] < HARD_PAIR_SIMILARITY:
                continue
            rows.append([values[n] for n in FEATURES])
            labels.append(int(event_id == corpus.gold[a.id]))
        gold = corpus.gold[a.id]
        if gold not in clusterer.events:
            clusterer.events[gold] = EventState(gold, clusterer.dim)
        clusterer.join(gold, f, v)
    return np.array(rows), np.array(labels)


def article_pairs(enriched: Enriched, gold: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (`cluster.pairs.PAIR_FEATURES`) and same-event labels of every pair of
    a split's articles, copies left out (clustering never decides a copy)."""
    from storyline.cluster.pairs import PAIR_FEATURES, pair_values, profile

    features = features_of(enriched)
    ids = [i for i in sorted(enriched.articles) if not features[i].duplicate_of]
    profiles = [profile(features[i], enriched.vectors[i]) for i in ids]
    labels_of = [gold[i] for i in ids]
    rows, labels = [], []
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            values = pair_values(profiles[a], profiles[b])
            rows.append([values[n] for n in PAIR_FEATURES])
            labels.append(int(labels_of[a] == labels_of[b]))
    return np.array(rows), np.array(labels)


def calibrate(train: Corpus) -> None:
    """Fit the article-pair weights on every pair of train's articles, then tune the join
    and merge probabilities by clustering train over PAIR_ORDERS arrival orders (a
    setting's mean, so that one lucky order does not choose it); prints the constants."""
    from sklearn.linear_model import LogisticRegression

    from storyline.cluster.pairs import PAIR_FEATURES

    enriched = load_enriched(train)
    x, y = article_pairs(enriched, train.gold)
    model = LogisticRegression(C=1.0, max_iter=3000).fit(x, y)
    weights = {"bias": round(float(model.intercept_[0]), 2)}
    weights |= {n: round(float(w), 2) for n, w in zip(PAIR_FEATURES, model.coef_[0], strict=True)}
    print(f"article pairs on train: {len(y)} ({int(y.sum())} positive)")
    print("PAIR_WEIGHTS =", json.dumps(weights, indent=4))
    features = features_of(enriched)
    results = []
    for join in JOIN_GRID:
        for merge in MERGE_GRID:
            options = {"pair_weights": weights, "join_probability": join, "merge_probability": merge}
            f1 = [
                bcubed(replay(train, enriched, features, f"order-{k}" if k else "", **options), train.gold)[2]
                for k in range(PAIR_ORDERS)
            ]
            results.append((float(np.mean(f1)), join, merge))
    best = max(results, key=lambda r: (r[0], -r[1], -(r[2] or 0)))
    print(f"JOIN_PROBABILITY = {best[1]}, MERGE_PROBABILITY = {best[2]}  (train B3 F1 {best[0]:.3f} "
          f"over {PAIR_ORDERS} orders)")  # fmt: skip


def calibrate_split(train: Corpus) -> None:
    """Tune SPLIT_RATIO (`cluster/split.py`) by clustering train over PAIR_ORDERS arrival
    orders, each minimum part size in SPLIT_PARTS_GRID; prints the grid and the best."""
    from storyline.cluster import split

    enriched = load_enriched(train)
    features = features_of(enriched)
    results = []
    pinned = split.SPLIT_MIN_PART
    try:
        for part in SPLIT_PARTS_GRID:
            split.SPLIT_MIN_PART = part
            for ratio in SPLIT_RATIO_GRID:
                f1 = [
                    bcubed(
                        replay(train, enriched, features, f"order-{k}" if k else "", split_ratio=ratio),
                        train.gold,
                    )[2]
                    for k in range(PAIR_ORDERS)
                ]
                print(
                    f"  SPLIT_MIN_PART {part}, SPLIT_RATIO {ratio}: train B3 F1 {np.mean(f1):.3f} ± {np.std(f1):.3f}"
                )
                results.append((float(np.mean(f1)), part, ratio))
    finally:
        split.SPLIT_MIN_PART = pinned
    best = max(results, key=lambda r: (r[0], r[1], -(r[2] or 0)))
    print(
        f"SPLIT_MIN_PART = {best[1]}, SPLIT_RATIO = {best[2]}  (train B3 F1 {best[0]:.3f} over {PAIR_ORDERS} orders)"
    )


SPLIT_PARTS_GRID = [2, 3, 4]
SPLIT_RATIO_GRID = [None, 0.55, 0.6, 0.65, 0.7, 0.75]
JOIN_GRID = [round(x, 2) for x in np.arange(0.2, 0.61, 0.05)]
MERGE_GRID = [round(x, 2) for x in np.arange(0.3, 0.61, 0.05)]
PAIR_ORDERS = 4


def calibrate_event(train: Corpus) -> None:
    """The article↔event model (`scoring="event"`): fit the logistic weights on train's
    oracle pairs, then tune the join threshold and the embeddings-only threshold by
    clustering train; prints the constants to pin."""
    from sklearn.linear_model import LogisticRegression

    from storyline.cluster.events import FEATURES, MAX_DATE_GAP_DAYS

    x, y = oracle_pairs(train, load_enriched(train))
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    weights = {"bias": round(float(model.intercept_[0]), 2)}
    weights |= {n: round(float(w), 2) for n, w in zip(FEATURES, model.coef_[0], strict=True)}
    print(f"oracle pairs on train: {len(y)} ({int(y.sum())} positive)")
    print("WEIGHTS =", json.dumps(weights, indent=4))
    for gap in (MAX_DATE_GAP_DAYS, NO_VETO):
        grid = [round(x, 2) for x in np.arange(-3.0, 3.01, 0.25)]
        best = tune(grid, partial(_join_f1, train, weights, gap))
        print(f"JOIN_LOGIT = {best[0]:.2f} with MAX_DATE_GAP_DAYS = {gap}  (train B3 F1 {best[1]:.3f})")
    grid = [round(x, 3) for x in np.arange(0.40, 0.86, 0.025)]
    best = tune(grid, lambda t: _train_f1(train, embeddings_only=True, similarity_threshold=t))
    print(f"EMBEDDINGS_ONLY_THRESHOLD = {best[0]}  (train B3 F1 {best[1]:.3f})")


def _join_f1(train: Corpus, weights: dict, gap: int, join: float) -> float:
    return _train_f1(train, join_logit=join, max_date_gap_days=gap, weights=weights, scoring="event")


def _train_f1(train: Corpus, **options: object) -> float:
    pred, _ = run_storyline(train, **options)
    return bcubed(pred, train.gold)[2]


def print_variants(train: Corpus) -> None:
    """Embedding-only clustering on train for several lead lengths (re-embeds train)."""
    enriched = load_enriched(train)
    ids = sorted(enriched.articles)
    rows = []
    for lead in (1, 2, 3, 4, 6, 100):
        texts = [
            embedding.article_text_for_embedding(
                enriched.articles[i], enriched.analyses[i].sentences, lead=lead
            )
            for i in ids
        ]
        vectors = dict(zip(ids, embedding.embed(texts), strict=True))
        pred, seconds = run_storyline(train, vectors=vectors, embeddings_only=True)
        rows.append(score(f"embeddings only, title + lead {lead}", pred, train.gold, seconds))
    print_table(
        f"ECB+ train: what to embed ({len(train.articles)} articles)", rows, len(set(train.gold.values()))
    )


if __name__ == "__main__":
    main()
