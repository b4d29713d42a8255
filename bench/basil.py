"""Cross-source comparison on BASIL: framing flags, single-source claims, one event per triplet.

    PYTHONPATH=src python bench/basil.py [--split report|tune|all] [--limit N] [--no-cluster]

BASIL (Fan et al., EMNLP 2019) holds 100 events of 2010-2019 in its full release; the copy
in ../shared/bench/basil has 70 of them (2010-2016), each reported by Fox News, The New
York Times and HuffPost, with phrase-level lexical and informational bias spans, each
marked as inside a quotation or not.

Split: the 30 triplets of 2010-2012 are the tuning portion (the lexicon was extended by
reading their lexical-bias spans, and the framing options were chosen on them); the 40
triplets of 2013-2016 are the report portion and were never looked at while building.

Printed, for the chosen split:
1. Own-voice framing flags (`kind == "loaded-own-voice"`) against the lexical-bias spans
   outside quotes (`bias=lex`, `quote=no`), beside a lexicon-only baseline (the same
   lexicon, every hit flagged, no attribution signal).  Span level, overlap matching:
   precision = flagged spans that overlap at least one gold span by one character or more,
   over all flagged spans; recall = gold spans overlapped by at least one flagged span, over
   all gold spans; F1 their harmonic mean.  Titles are left out on both sides (BASIL
   annotates body sentences; one title span in the whole set).
2. Informational-bias spans that fall in Storyline's single-source claims (a claim unit
   overlapping the span belongs to a `single` claim), beside the base rate: the share of
   all claim units that belong to single claims.
3. Each triplet as one event: B-cubed P/R/F1 of `cluster_pending` against the triplets.
Also the time `compare_event` takes per event and per article (enrichment excluded: it is
its own stage and is timed separately).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storyline.compare import framing
from storyline.compare.stage import compare_event, parse
from storyline.config import shared_dir
from storyline.model import Article, Block, Comparison
from storyline.store import articles as article_repo
from storyline.store import comparisons as comparison_repo
from storyline.store.db import Store

TUNE_YEARS = ("2010", "2011", "2012")
REPORT_YEARS = ("2013", "2014", "2015", "2016")

# What the BASIL paper reports, for orientation: its baselines fine-tune BERT to tag
# informational bias (sentence- and token-level, 10-fold cross-validation).  The figures
# could not be retrieved with the search tool when this script was written; they are
# printed as unavailable rather than quoted from memory.
PAPER_BASELINES: dict[str, str] = {}


@dataclass
class Gold:
    article: str
    start: int
    end: int
    bias: str
    quote: bool
    text: str


@dataclass
class Triplet:
    uuid: str
    year: str
    articles: list[Article] = field(default_factory=list)
    gold: list[Gold] = field(default_factory=list)


# --- loading ---------------------------------------------------------------------------------


def basil_dir() -> Path:
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "basil").is_dir():
        sys.exit("../shared/bench/basil is not there; nothing to measure")
    return shared / "bench" / "basil"


def load_triplets(root: Path, years: Sequence[str], limit: int | None) -> list[Triplet]:
    triplets: dict[str, Triplet] = {}
    for year in years:
        for path in sorted((root / "articles" / year).glob("*.json")):
            uuid = path.stem.rsplit("_", 1)[0]
            if uuid not in triplets and limit is not None and len(triplets) >= limit:
                continue
            triplet = triplets.setdefault(uuid, Triplet(uuid, year))
            article, offsets = build_article(json.loads(path.read_text()), path.stem)
            triplet.articles.append(article)
            triplet.gold += read_gold(root / "annotations" / year / f"{path.stem}_ann.json", article, offsets)
    return list(triplets.values())


def build_article(raw: dict, article_id: str) -> tuple[Article, list[int]]:
    """The title as headline, one paragraph per line; the start of every body sentence (the
    annotations' `pN` ids count sentences over the whole body)."""
    lines, offsets, blocks = [raw["title"].strip()], [], []
    blocks.append(Block(0, len(lines[0]), "headline"))
    at = len(lines[0]) + 1
    for paragraph in raw["body-paragraphs"]:
        line_start = at
        for k, sentence in enumerate(paragraph):
            offsets.append(at)
            at += len(sentence) + (1 if k < len(paragraph) - 1 else 0)
        lines.append(" ".join(paragraph))
        blocks.append(Block(line_start, line_start + len(lines[-1]), "body"))
        at += 1
    text = "\n".join(lines)
    article = Article(
        article_id, text, source=raw["source"], published=raw.get("date"), blocks=blocks, title=raw["title"]
    )
    return article, offsets


def read_gold(path: Path, article: Article, offsets: list[int]) -> list[Gold]:
    spans = []
    for p in json.loads(path.read_text())["phrase-level-annotations"]:
        if not p["id"][1:].isdigit() or int(p["id"][1:]) >= len(offsets):
            continue  # the one title annotation: titles are left out (see the docstring)
        start = offsets[int(p["id"][1:])] + p["start"]
        spans.append(
            Gold(article.id, start, start + p["end"] - p["start"], p["bias"], p["quote"] == "yes", p["txt"])
        )
    return spans


# --- (1) framing -------------------------------------------------------------------------------


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_prf(
    pred: dict[str, list[tuple[int, int]]], gold: dict[str, list[tuple[int, int]]]
) -> tuple[float, float, float, int, int]:
    """Overlap-matched span precision, recall, F1 (definition in the module docstring)."""
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in gold.values())
    hit_pred = sum(any(overlap(p, g) for g in gold.get(a, [])) for a, spans in pred.items() for p in spans)
    hit_gold = sum(any(overlap(g, p) for p in pred.get(a, [])) for a, spans in gold.items() for g in spans)
    p = hit_pred / n_pred if n_pred else 0.0
    r = hit_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), n_pred, n_gold


def body_spans(article: Article, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    title_end = article.blocks[0].end if article.blocks and article.blocks[0].kind == "headline" else 0
    return sorted({s for s in spans if s[0] >= title_end})


def ours(article: Article, comparison: Comparison) -> list[tuple[int, int]]:
    flags = [
        (f.start, f.end)
        for f in comparison.framing
        if f.article == article.id and f.kind == "loaded-own-voice"
    ]
    return body_spans(article, flags)


def lexicon_only(article: Article, doc) -> list[tuple[int, int]]:
    """Every lexicon hit, widened the same way, attribution ignored."""
    spans = []
    for start, end in framing.lexicon_hits(doc):
        s, e = framing.phrase_of(doc, start, end)
        spans.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)))
    return body_spans(article, spans)


# --- (2) informational bias in single-source claims ------------------------------------------------


def single_share(triplet: Triplet, comparison: Comparison) -> tuple[int, int, dict[str, list[int]]]:
    """(units in single claims, all units) and, per quote flag, [inf spans in single, all]."""
    units = [(s.article, s.start, s.end, c.status) for c in comparison.claims for s in c.sources]
    single_units = sum(u[3] == "single" for u in units)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in triplet.gold:
        if g.bias != "inf":
            continue
        statuses = {u[3] for u in units if u[0] == g.article and overlap((u[1], u[2]), (g.start, g.end))}
        for key in ("all", "in quote" if g.quote else "not in quote"):
            counts[key][0] += "single" in statuses
            counts[key][1] += 1
    return single_units, len(units), counts


# --- (3) clustering ----------------------------------------------------------------------------------


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        by_pred[pred.get(item, f"unclustered:{item}")].add(item)
        by_gold[gold[item]].add(item)
    p = sum(
        len(by_pred[pred.get(i, f"unclustered:{i}")] & by_gold[gold[i]])
        / len(by_pred[pred.get(i, f"unclustered:{i}")])
        for i in gold
    ) / len(gold)
    r = sum(
        len(by_pred[pred.get(i, f"unclustered:{i}")] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in gold
    ) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cluster_events(store: Store) -> dict[str, str] | None:
    """Article → event as the production clusterer decides, or None while cluster/ is not
    complete (it is built in parallel)."""
    try:
        from storyline.cluster.events import cluster_pending

        cluster_pending(store)
    except ImportError as exc:
        print(f"\n(3) clustering: cluster/ is not complete yet ({exc}); compute it later")
        return None
    from storyline.store import schema as t

    with store.read() as conn:
        return {r.article: r.event for r in conn.execute(t.event_articles.select())}


# --- the run ---------------------------------------------------------------------------------------


def store_with(triplets: Sequence[Triplet]) -> tuple[Store, float]:
    """An in-memory store holding the articles, enriched by the production stage."""
    from storyline.enrich.stage import enrich_pending

    store = Store(":memory:")
    with store.atomic() as conn:
        article_repo.insert(conn, [article_repo.to_row(a, None) for t in triplets for a in t.articles])
    started = time.perf_counter()
    enrich_pending(store)
    return store, time.perf_counter() - started


def compare_all(
    store: Store, triplets: Sequence[Triplet]
) -> tuple[list[tuple[Triplet, Comparison, list]], float]:
    results, seconds = [], 0.0
    for triplet in triplets:
        with store.read() as conn:
            analyses = comparison_repo.analyses_of(conn, [a.id for a in triplet.articles])
        docs = parse(triplet.articles)  # for the lexicon-only baseline; comparison reads none
        started = time.perf_counter()
        comparison = compare_event(triplet.uuid, triplet.articles, [analyses[a.id] for a in triplet.articles])
        seconds += time.perf_counter() - started
        results.append((triplet, comparison, docs))
    return results, seconds


def print_framing(results: list) -> None:
    gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
    quoted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    pred_ours: dict[str, list[tuple[int, int]]] = {}
    pred_lex: dict[str, list[tuple[int, int]]] = {}
    for triplet, comparison, docs in results:
        for g in triplet.gold:
            if g.bias == "lex":
                (quoted if g.quote else gold)[g.article].append((g.start, g.end))
        for article, doc in zip(triplet.articles, docs, strict=True):
            pred_ours[article.id] = ours(article, comparison)
            pred_lex[article.id] = lexicon_only(article, doc)
    print("\n(1) own-voice lexical bias (bias=lex, quote=no), span overlap P/R/F1")
    print(f"{'system':<34}{'P':>7}{'R':>7}{'F1':>7}{'flags':>8}{'gold':>7}")
    for name, pred in (
        ("lexicon only (no attribution)", pred_lex),
        ("Storyline framing (attribution)", pred_ours),
    ):
        p, r, f, n_pred, n_gold = span_prf(pred, gold)
        print(f"{name:<34}{p:>7.3f}{r:>7.3f}{f:>7.3f}{n_pred:>8}{n_gold:>7}")
    print_removed(pred_lex, pred_ours, gold, quoted)


def print_removed(lex: dict, ours_: dict, gold: dict, quoted: dict) -> None:
    """What the attribution signal took out of the lexicon's flags, and whether rightly."""
    removed = {
        a: [s for s in spans if not any(overlap(s, o) for o in ours_.get(a, []))] for a, spans in lex.items()
    }
    n = sum(len(v) for v in removed.values())
    own = sum(any(overlap(s, g) for g in gold.get(a, [])) for a, v in removed.items() for s in v)
    in_quote = sum(any(overlap(s, g) for g in quoted.get(a, [])) for a, v in removed.items() for s in v)
    print(f"flags removed as attributed: {n}; {own} of them overlap own-voice gold (wrongly removed),")
    print(f"  {in_quote} overlap lexical-bias spans inside quotes (rightly: the words are the speaker's)")


def print_informational(results: list) -> None:
    single = units = 0
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for triplet, comparison, _ in results:
        s, u, c = single_share(triplet, comparison)
        single, units = single + s, units + u
        for k, (hit, n) in c.items():
            counts[k][0] += hit
            counts[k][1] += n
    base = single / units if units else 0.0
    print("\n(2) informational-bias spans in single-source claims")
    print(f"base rate: {single}/{units} claim units belong to single-source claims = {base:.3f}")
    for key in ("all", "not in quote", "in quote"):
        hit, n = counts.get(key, [0, 0])
        share = hit / n if n else 0.0
        lift = share / base if base else 0.0
        print(
            f"inf spans ({key:<12}): {hit:>4}/{n:<4} in single-source claims = {share:.3f}  (lift {lift:.2f}x)"
        )


def print_clustering(store: Store, triplets: Sequence[Triplet]) -> None:
    started = time.perf_counter()
    events = cluster_events(store)
    if events is None:
        return
    gold = {a.id: t.uuid for t in triplets for a in t.articles}
    p, r, f = bcubed(events, gold)
    n_events = len(set(events.values()))
    print(f"\n(3) each triplet one event: {len(triplets)} gold events, {n_events} predicted")
    print(f"B-cubed P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (clustering {time.perf_counter() - started:.1f} s)")


def print_header(args: argparse.Namespace, triplets: Sequence[Triplet]) -> None:
    print("$ " + " ".join(["python", *sys.argv]))
    print(
        f"BASIL, split '{args.split}': {len(triplets)} triplets, {sum(len(t.articles) for t in triplets)} articles"
    )
    print(
        f"tuning portion: {', '.join(TUNE_YEARS)}; report portion: {', '.join(REPORT_YEARS)} (never tuned on)"
    )
    print("span matching: a flag and a gold span match when they share at least one character;")
    print("  P = matched flags / flags, R = matched gold spans / gold spans, titles excluded")
    print("BASIL paper baselines (Fan et al., EMNLP 2019; BERT tagging informational bias):")
    for k, v in PAPER_BASELINES.items() or [("figures", "not retrieved with the search tool in this run")]:
        print(f"  {k}: {v}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("report", "tune", "all"), default="report")
    parser.add_argument("--limit", type=int, default=None, help="at most this many triplets")
    parser.add_argument("--no-cluster", action="store_true", help="skip (3)")
    args = parser.parse_args(argv)
    years = {"report": REPORT_YEARS, "tune": TUNE_YEARS, "all": TUNE_YEARS + REPORT_YEARS}[args.split]
    triplets = load_triplets(basil_dir(), years, args.limit)
    print_header(args, triplets)
    store, enrich_seconds = store_with(triplets)
    results, seconds = compare_all(store, triplets)
    n_articles = sum(len(t.articles) for t in triplets)
    print_framing(results)
    print_informational(results)
    print(
        f"\ntime: enrichment {enrich_seconds:.1f} s ({enrich_seconds / n_articles:.2f} s/article, its own stage)"
    )
    print(
        f"time: comparison {seconds:.1f} s = {seconds / len(triplets):.2f} s/event, {seconds / n_articles:.2f} s/article"
    )
    if not args.no_cluster:
        print_clustering(store, triplets)


if __name__ == "__main__":
    main()
