"""Where one article's processing time goes, component by component, on one core: what
the throughput target (#7) can still buy by doing less.

    python bench/spacy_components.py [--articles 80]

The first N WikiRef220 articles (real news, 844 words on average), cut into lines as
`storyline.enrich.nlp.annotate` feeds them, go through the spaCy pipeline on one process
with one component family switched off at a time; the difference to the full pass is
that family's cost.  The same articles, cut into sentences, then go through MiniLM as
comparison embeds claim units (`storyline.enrich.embed.embed`, one thread, the default
precision).  Each pass runs twice after a warm-up and the faster run counts.

Why it matters: "the parser only on sentences that need it" can save at most the
parser's share, and comparison's MiniLM over every claim unit is a cost of its own
beside the spaCy pass, not a part of it.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core for both, as each worker process has

import argparse  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from throughput import wikiref_texts  # noqa: E402

RUNS = 2


def best_of(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=80)
    args = parser.parse_args()
    texts = wikiref_texts(args.articles)
    if not texts:
        return 1
    import torch

    from storyline.config import SPACY_BATCH_SIZE
    from storyline.enrich import embed, nlp

    torch.set_num_threads(1)
    model = nlp.load()
    lines = [line for text in texts for line in text.splitlines(keepends=True) if line.strip()]
    words = sum(len(text.split()) for text in texts)

    def spacy_pass(disable: list[str]) -> Callable[[], object]:
        def run() -> int:
            return sum(
                len(doc) for doc in model.pipe(lines, batch_size=SPACY_BATCH_SIZE * 8, disable=disable)
            )

        return run

    spacy_pass([])()  # warm up
    full = best_of(spacy_pass([]))
    tagging = ["tagger", "attribute_ruler", "lemmatizer"]
    rows = [
        ("full pipeline", full),
        ("without parser", best_of(spacy_pass(["parser"]))),
        ("without ner", best_of(spacy_pass(["ner"]))),
        ("ner alone", best_of(spacy_pass(["tok2vec", "parser", *tagging]))),
        ("tok2vec + tagger + lemmatizer alone", best_of(spacy_pass(["parser", "ner"]))),
    ]
    sentences = [s.strip() for text in texts for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3]
    embed.embed(sentences[:64])  # warm up
    minilm = best_of(lambda: embed.embed(sentences))
    n = len(texts)
    print(
        f"# python bench/spacy_components.py --articles {n}  ({words:,} words, {len(lines):,} lines, "
        f"{len(sentences):,} sentences; one process, one thread; best of {RUNS})"
    )
    print("| pass | seconds | articles/s | share of the full spaCy pass |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in rows:
        print(f"| spaCy, {name} | {seconds:.2f} | {n / seconds:.1f} | {seconds / full:.0%} |")
    print(f"| MiniLM over every sentence | {minilm:.2f} | {n / minilm:.1f} | {minilm / full:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
