"""Event clustering on ECB+: Storyline's events vs a tuned TF-IDF baseline.

    PYTHONPATH=src python bench/ecbplus.py --split dev

Every ECB+ topic holds two look-alike events (two celebrities entering rehab, two
earthquakes), so a method that groups by topic loses about 0.2 B-cubed F1.  Thresholds
(ours and the baseline's) are tuned on `train` only; the table reports the chosen split.

Rows: Storyline (embeddings + entities + dates + kinds, through the production path:
an in-memory store, `cluster_pending`), Storyline with embeddings only, and the
TF-IDF + agglomerative (cosine, average linkage) baseline with its train-tuned distance
threshold.  `--calibrate` refits the article↔event weights on train and prints them (the
constants in `storyline/cluster/events.py` came from this); `--variants` compares what to
embed (the choice in `storyline/enrich/embed.py`).

This module also holds the benchmark-side enrichment (spaCy entities, dates resolved with
dateparser) the other bench scripts share: it stands in for `enrich/stage.py` so the
benchmarks measure clustering on the same kind of input the store will hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pickle
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import dateparser
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from storyline.config import shared_dir
from storyline.enrich import embed as embedding
from storyline.enrich import nlp
from storyline.ingest.clean import clean_text
from storyline.ingest.dates import normalize_published
from storyline.ingest.decode import decode
from storyline.model import Analysis, Article, LocalEntity, Mention, Sentence, TimeRef

CACHE_DIR = Path.home() / ".cache" / "storyline-bench"
BASELINE_GRID = [round(x, 3) for x in np.arange(0.30, 1.0, 0.02)]


# --- data ---------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Articles of one benchmark split with gold labels and their stand-in enrichment."""

    name: str
    articles: list[Article]
    gold: dict[str, str]
    analyses: dict[str, Analysis] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


def bench_dir() -> Path:
    root = shared_dir()
    if root is None or not (root / "bench").is_dir():
        sys.exit("no ../shared/bench folder found (set STORYLINE_SHARED to the folder holding bench/)")
    return root / "bench"


def load_ecbplus(split: str, limit: int | None = None) -> Corpus:
    """ECB+ articles of a split, cleaned like ingest cleans them, ids = file names."""
    folder = bench_dir() / "ecbplus" / split
    labels = json.loads((folder / "labels.json").read_text())
    articles = []
    for key in sorted(labels)[: limit or None]:
        record = json.loads((folder / f"{key}.json").read_text())
        articles.append(_article(key, record["text"], record.get("title"), _ecb_published(record)))
    return Corpus(f"ecbplus/{split}", articles, {a.id: labels[a.id] for a in articles})


def _article(key: str, text: str, title: str | None, published: str | None) -> Article:
    cleaned = clean_text(_detokenise(text))
    return Article(
        id=key,
        text=cleaned.text,
        title=_detokenise(title or "") or cleaned.headline,
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
    articles = []
    for name in sorted(labels)[: limit or None]:
        raw, _ = decode((folder / "articles" / name).read_bytes())
        articles.append(_article(name, raw, None, None))
    return Corpus("wikiref220", articles, {a.id: labels[a.id] for a in articles})


# --- stand-in enrichment --------------------------------------------------------------------

_ENT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
_WEEKDAY_RE = re.compile(
    r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\btoday\b|\byesterday\b|\btonight\b", re.IGNORECASE
)
_MONTH_RE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
_DAY_NUMBER_RE = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\b")
_YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")
_VAGUE_RE = re.compile(r"\b(week|weeks|decade|century|\d0s|ago|season|quarter|half)\b", re.IGNORECASE)


def resolve_date(text: str, published: str | None) -> tuple[str | None, str | None]:
    """(value, granularity) for a DATE span, resolved against the publication date.

    A stand-in for `enrich/timex.py`: weekdays, "yesterday" and day numbers give days, a
    month name gives a month, a year or "last year" a year; vague spans give nothing.
    """
    if _VAGUE_RE.search(text):
        return None, None
    has_year = bool(_YEAR_RE.search(text))
    if published is None and not has_year:
        return None, None
    base = dt.datetime.fromisoformat(published) if published else dt.datetime(2000, 1, 1)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        parsed = dateparser.parse(
            re.sub(r"^(on|in|at|since|by|last|this)\s+", "", text, flags=re.I), settings=settings
        )
    except Exception:  # dateparser raises assorted errors on odd spans
        return None, None
    if parsed is None:
        parsed = dateparser.parse(text, settings=settings)
    if parsed is None:
        return None, None
    month = _MONTH_RE.search(text)
    weekday = re.search(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", text, re.IGNORECASE)
    if (
        weekday
        and published
        and not month
        and base.strftime("%A").lower().startswith(weekday.group(1).lower())
    ):
        return base.date().isoformat(), "day"  # "on Tuesday" in a Tuesday paper: that day
    if _WEEKDAY_RE.search(text) or (month and _DAY_NUMBER_RE.search(_MONTH_RE.sub(" ", text))):
        return parsed.date().isoformat(), "day"
    if month:
        return parsed.strftime("%Y-%m"), "month"
    if has_year or re.search(r"\byear\b", text, re.IGNORECASE):
        return parsed.strftime("%Y"), "year"
    return None, None


def quick_analysis(article: Article, doc: object) -> Analysis:
    """Sentences, entity mentions grouped per article, and resolved dates from a spaCy Doc."""
    sentences = [
        Sentence(article.id, i, s.start_char, s.end_char, _block_kind(article, s.start_char))
        for i, s in enumerate(doc.sents)  # type: ignore[attr-defined]
        if s.text.strip()
    ]
    ents = [e for e in doc.ents if e.label_ in _ENT_LABELS]  # type: ignore[attr-defined]
    local_of, entities = _group_locally(article.id, ents)
    mentions = [
        Mention(article.id, e.start_char, e.end_char, e.text, e.label_, local_of[i])
        for i, e in enumerate(ents)
    ]
    timerefs = []
    for i, e in enumerate(e for e in doc.ents if e.label_ == "DATE"):  # type: ignore[attr-defined]
        value, granularity = resolve_date(e.text, article.published_date)
        timerefs.append(
            TimeRef(f"{article.id}-t{i}", article.id, e.text, value, e.start_char, e.end_char, granularity)
        )  # type: ignore[arg-type]
    return Analysis(article.id, sentences, mentions, entities, [], timerefs)


def _block_kind(article: Article, start: int) -> str:
    for block in article.blocks:
        if block.start <= start < block.end:
            return block.kind
    return "body"


def _group_locally(article_id: str, ents: list) -> tuple[dict[int, int], list[LocalEntity]]:
    """Mentions of one entity share a key; "Belousov" joins "Andrey Belousov".

    Global ids stand in for cross-article resolution: a person by the last word of the
    fullest name the article uses, anything else by its lower-cased name.
    """
    full: dict[tuple[str, str], str] = {}
    for e in ents:
        name = _strip_the(e.text)
        if e.label_ == "PERSON":
            longer = [n for (lab, n) in full if lab == "PERSON" and _is_part(name, n)]
            if longer:
                continue
            for key in [k for k in full if k[0] == "PERSON" and _is_part(k[1], name)]:
                del full[key]
        full[(e.label_, name)] = name
    keys = list(full)
    local_of: dict[int, int] = {}
    for i, e in enumerate(ents):
        name = _strip_the(e.text)
        for k, (lab, n) in enumerate(keys):
            if lab == e.label_ and (n == name or (lab == "PERSON" and _is_part(name, n))):
                local_of[i] = k
                break
    entities = []
    for k, (label, name) in enumerate(keys):
        token = name.split()[-1] if label == "PERSON" else name
        gid = f"{label.lower()}:{token.casefold()}"
        entities.append(LocalEntity(k, name, label, entity=gid))
    return local_of, entities


def _strip_the(text: str) -> str:
    return re.sub(r"^(the|The)\s+", "", text.strip()).removesuffix("'s").removesuffix("’s")


def _is_part(short: str, long: str) -> bool:
    a, b = short.split(), long.split()
    return len(a) < len(b) and (b[-len(a) :] == a or b[: len(a)] == a)


def enrich(corpus: Corpus, progress: bool = True) -> None:
    """Fill `corpus.analyses` (cached on disk by text hash)."""
    digest = _digest(corpus, "analysis-v4")
    cached = _cache_get(digest)
    if cached is not None:
        corpus.analyses = cached
        return
    t0 = time.time()
    docs = nlp.annotate([a.text for a in corpus.articles], n_process=2)
    corpus.analyses = {a.id: quick_analysis(a, d) for a, d in zip(corpus.articles, docs, strict=True)}
    if progress:
        print(
            f"  enriched {len(corpus.articles)} articles of {corpus.name} in {time.time() - t0:.0f}s",
            file=sys.stderr,
        )
    _cache_put(digest, corpus.analyses)


def embed_corpus(corpus: Corpus, lead: int = embedding.EMBED_LEAD_SENTENCES) -> dict[str, np.ndarray]:
    """One vector per article, from what `article_text_for_embedding` chooses (cached)."""
    digest = _digest(corpus, f"embed-v1-{lead}")
    cached = _cache_get(digest)
    if cached is None:
        texts = [
            embedding.article_text_for_embedding(a, corpus.analyses[a.id].sentences, lead=lead)
            for a in corpus.articles
        ]
        matrix = embedding.embed(texts)
        cached = {a.id: matrix[i] for i, a in enumerate(corpus.articles)}
        _cache_put(digest, cached)
    return cached


def _digest(corpus: Corpus, what: str) -> str:
    h = hashlib.sha256(what.encode())
    for a in corpus.articles:
        h.update(f"{a.id}\0{a.title}\0{a.published}\0{a.text}\0".encode())
    return h.hexdigest()[:24]


def _cache_get(digest: str) -> object | None:
    path = CACHE_DIR / f"{digest}.pkl"
    return pickle.loads(path.read_bytes()) if path.exists() else None


def _cache_put(digest: str, value: object) -> None:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    (CACHE_DIR / f"{digest}.pkl").write_bytes(pickle.dumps(value))


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


def build_store(corpus: Corpus, vectors: dict[str, np.ndarray]) -> object:
    """An in-memory store holding the articles, their enrichment and embeddings,
    as `enrich/stage.py` will leave them, ready for `cluster_pending`."""
    from storyline.store import events as event_repo
    from storyline.store.db import Store

    store = Store(":memory:")
    with store.atomic() as conn:
        event_repo.seed_enriched(conn, corpus.articles, corpus.analyses, vectors, embedding.MODEL_NAME)
    return store


def run_storyline(
    corpus: Corpus, vectors: dict[str, np.ndarray], **options: object
) -> tuple[dict[str, str], float]:
    """Events through the production path; returns article → event and seconds taken."""
    from storyline.cluster.events import ClusterOptions, cluster_pending
    from storyline.store import events as event_repo

    store = build_store(corpus, vectors)
    t0 = time.time()
    cluster_pending(store, options=ClusterOptions(storylines=False, **options))  # type: ignore[arg-type]
    seconds = time.time() - t0
    with store.read() as conn:
        assignment = event_repo.article_events(conn)
    store.close()
    return assignment, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles of each split")
    parser.add_argument("--variants", action="store_true", help="compare what to embed, on train")
    parser.add_argument("--calibrate", action="store_true", help="refit article-event weights on train")
    args = parser.parse_args(argv)
    print("command:", "PYTHONPATH=src python bench/ecbplus.py", " ".join(sys.argv[1:]))
    train, test = load_ecbplus("train", args.limit), load_ecbplus(args.split, args.limit)
    for corpus in (train, test):
        enrich(corpus)
    if args.variants:
        return print_variants(train)
    if args.calibrate:
        return calibrate(train, embed_corpus(train))
    test_vectors = embed_corpus(test)
    threshold, train_f1 = tune_baseline(train)
    print(
        f"baseline: TF-IDF + agglomerative, distance threshold {threshold} tuned on train (B3 F1 {train_f1:.3f})"
    )
    rows = []
    pred, seconds = run_storyline(test, test_vectors)
    rows.append(score("Storyline (embeddings+entities+dates+kinds)", pred, test.gold, seconds))
    pred, seconds = run_storyline(
        test, test_vectors, max_date_gap_days=NO_VETO, join_logit=NO_VETO_JOIN_LOGIT
    )
    rows.append(score("Storyline, without the 30-day date veto", pred, test.gold, seconds))
    pred, seconds = run_storyline(test, test_vectors, embeddings_only=True)
    rows.append(score("Storyline, embeddings only", pred, test.gold, seconds))
    pred, seconds = run_baseline(test, threshold)
    rows.append(score(f"TF-IDF + agglomerative (d={threshold})", pred, test.gold, seconds))
    print_table(f"ECB+ {args.split}: {len(test.articles)} articles", rows, len(set(test.gold.values())))


def features_of(corpus: Corpus) -> dict[str, object]:
    from storyline.cluster.features import compute_features

    return {a.id: compute_features(a, corpus.analyses[a.id]) for a in corpus.articles}


def processing_order(corpus: Corpus) -> list[Article]:
    """The order `cluster_pending` takes articles in: published, then id."""
    return sorted(corpus.articles, key=lambda a: (a.published or "", a.id))


NO_VETO = 100_000  # days: the date veto off
NO_VETO_JOIN_LOGIT = -1.5  # the join threshold train prefers without the veto (`--calibrate`)
HARD_PAIR_SIMILARITY = 0.3  # calibration pairs: candidates at least this similar (0.0/0.3/0.5 tried)


def oracle_pairs(corpus: Corpus, vectors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Article↔candidate-event feature rows and labels, replaying train with gold events:
    each article is scored against the gold events its index finds, then joins its own."""
    from storyline.cluster.events import FEATURES, Clusterer, EventState, pair_features

    clusterer = Clusterer()
    features = features_of(corpus)
    rows, labels = [], []
    for a in processing_order(corpus):
        f, v = features[a.id], vectors[a.id]
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


def calibrate(train: Corpus, vectors: dict[str, np.ndarray]) -> None:
    """Fit the logistic weights on train's oracle pairs, then tune the join threshold and
    the embeddings-only threshold by clustering train; prints the constants to pin."""
    from sklearn.linear_model import LogisticRegression

    from storyline.cluster.events import FEATURES

    x, y = oracle_pairs(train, vectors)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    weights = {"bias": round(float(model.intercept_[0]), 2)}
    weights |= {n: round(float(w), 2) for n, w in zip(FEATURES, model.coef_[0], strict=True)}
    print(f"oracle pairs on train: {len(y)} ({int(y.sum())} positive)")
    print("WEIGHTS =", json.dumps(weights, indent=4))
    from storyline.cluster.events import MAX_DATE_GAP_DAYS

    for gap in (MAX_DATE_GAP_DAYS, NO_VETO):
        grid = [round(x, 2) for x in np.arange(-3.0, 3.01, 0.25)]
        best = tune(grid, partial(_join_f1, train, vectors, weights, gap))
        print(f"JOIN_LOGIT = {best[0]:.2f} with MAX_DATE_GAP_DAYS = {gap}  (train B3 F1 {best[1]:.3f})")
    grid = [round(x, 3) for x in np.arange(0.40, 0.86, 0.025)]
    best = tune(grid, lambda t: _train_f1(train, vectors, embeddings_only=True, similarity_threshold=t))
    print(f"EMBEDDINGS_ONLY_THRESHOLD = {best[0]}  (train B3 F1 {best[1]:.3f})")


def _join_f1(train: Corpus, vectors: dict[str, np.ndarray], weights: dict, gap: int, join: float) -> float:
    return _train_f1(train, vectors, join_logit=join, max_date_gap_days=gap, weights=weights)


def _train_f1(train: Corpus, vectors: dict[str, np.ndarray], **options: object) -> float:
    pred, _ = run_storyline(train, vectors, **options)
    return bcubed(pred, train.gold)[2]


def print_variants(train: Corpus) -> None:
    """Embedding-only clustering on train for several lead lengths."""
    rows = []
    for lead in (1, 2, 3, 4, 6, 100):
        vectors = embed_corpus(train, lead=lead)
        pred, seconds = run_storyline(train, vectors, embeddings_only=True)
        rows.append(score(f"embeddings only, title + lead {lead}", pred, train.gold, seconds))
    print_table(
        f"ECB+ train: what to embed ({len(train.articles)} articles)", rows, len(set(train.gold.values()))
    )


if __name__ == "__main__":
    main()
