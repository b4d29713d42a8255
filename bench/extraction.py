"""HTML extraction quality on ../shared/bench/article-extraction: ours vs bare trafilatura.

Both run in the same process on the same 181 pages.  "trafilatura" is the library as the
benchmark's own runner calls it; "storyline" is what an article becomes in our store:
`extract_html` then `clean_text` (with the dateline, which cleaning keeps as metadata).  The score is the benchmark's: 4-gram word shingles,
true/false positives normalised per page so long pages weigh the same as short ones,
precision and recall averaged over pages, F1 from the two averages.

    python bench/extraction.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter

import trafilatura

from storyline.config import shared_dir
from storyline.ingest.clean import clean_text
from storyline.ingest.extract import extract_html

_WORD = re.compile(r"\w+", re.UNICODE)
PUBLISHED_TRAFILATURA_F1 = 0.958


def shingles(text: str, n: int = 4) -> Counter:
    words = _WORD.findall(text or "")
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n])


def page_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles with multiplicity, normalised to sum to one."""
    g, p = shingles(gold), shingles(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def ours(html: str, url: str | None) -> str:
    try:
        page = extract_html(html, url)
    except Exception:  # an extraction failure is an empty prediction, as for the baseline
        return ""
    cleaned = clean_text(page.text)
    # A dateline ("HANOI, Vietnam (AP) —") moves from the text to the article's metadata;
    # it is kept, not lost, so it counts as extracted here.
    return f"{cleaned.dateline} — {cleaned.text}" if cleaned.dateline else cleaned.text


def bare(html: str, url: str | None) -> str:
    return trafilatura.extract(html, include_comments=False) or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print("../shared is not here: nothing to measure", file=sys.stderr)
        return 1
    folder = shared / "bench" / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text())
    ids = sorted(truth)[: args.limit or None]
    pages = {i: gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()).decode("utf8") for i in ids}
    print(f"# {' '.join(['python', *sys.argv])}")
    print(f"# {len(ids)} pages from {folder}")
    print("| extractor | precision | recall | F1 | seconds |")
    print("| --- | --- | --- | --- | --- |")
    for name, fn in (("trafilatura (bare, same run)", bare), ("storyline (extract + clean)", ours)):
        started = time.perf_counter()
        counts = [page_counts(truth[i]["articleBody"], fn(pages[i], truth[i].get("url"))) for i in ids]
        elapsed = time.perf_counter() - started
        s = score(counts)
        print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {elapsed:.1f} |")
    print(f"| trafilatura 2.0 (published) | | | {PUBLISHED_TRAFILATURA_F1:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
