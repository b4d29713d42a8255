"""Score our temporal tagger on TempEval-3 (TimeBank + AQUAINT, TimeML).

    PYTHONPATH=src python bench/tempeval.py [--split train] [--limit N] [--errors FILE]

Reads `../shared/bench/tempeval3/<split>/{TimeBank,AQUAINT}/*.tml`, strips the TimeML
tags of each <TEXT> to get the raw text and the gold TIMEX3 spans (type, value), runs
`nlp.annotate` and `timex.find_timexes` with the document creation time (the TIMEX3 with
functionInDocument="CREATION_TIME", itself not scored) as the anchor, and prints:

* extent strict P/R/F1 (same characters) and relaxed P/R/F1 (any overlap);
* value F1 and type accuracy, the TempEval-3 way (UzZaman et al. 2013, and the task's
  evaluate_entities.py): accuracy = gold timexes with a relaxed match whose value (type)
  is right / gold timexes with a relaxed match; value F1 = value accuracy × relaxed F1;
* for all TIMEX3 types, and for DATE only (gold DATE for recall, our DATE for precision);
  for both corpora together and each separately.

Published TempEval-3 *test* figures, for orientation: value F1 HeidelTime 77.61,
SUTime 67.38 (relaxed extent F1 about 90).  This train split is our dev set.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from storyline.config import shared_dir
from storyline.enrich import nlp
from storyline.enrich.timex import Timex, find_timexes


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    type: str
    value: str


@dataclass
class Document:
    name: str
    corpus: str
    text: str
    dct: str
    gold: list[Gold]


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    strict_gold: int = 0
    strict_system: int = 0
    relaxed_gold: int = 0
    relaxed_system: int = 0
    value: int = 0
    type: int = 0
    errors: list[str] = field(default_factory=list)


def read_timeml(path: Path, corpus: str) -> Document:
    """The raw text inside <TEXT>, its gold TIMEX3 spans, and the creation time."""
    root = ET.parse(path).getroot()
    dct = next(t.get("value") for t in root.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME")
    parts: list[str] = []
    gold: list[Gold] = []

    def walk(element: ET.Element) -> None:
        start = sum(map(len, parts))
        parts.append(element.text or "")
        for child in element:
            walk(child)
            parts.append(child.tail or "")
        if element.tag == "TIMEX3":
            gold.append(Gold(start, sum(map(len, parts)), element.get("type"), element.get("value")))

    walk(root.find("TEXT"))
    return Document(path.stem, corpus, "".join(parts), dct, gold)


def load(split: str, limit: int | None) -> list[Document]:
    shared = shared_dir()
    base = shared / "bench" / "tempeval3" / split if shared else None
    if base is None or not base.is_dir():
        sys.exit(f"no TempEval-3 data at {base}: set STORYLINE_SHARED to the shared folder")
    docs = [
        read_timeml(p, corpus.name) for corpus in sorted(base.iterdir()) for p in sorted(corpus.glob("*.tml"))
    ]
    return docs[:limit] if limit else docs


def overlaps(a: Gold | Timex, b: Gold | Timex) -> bool:
    return a.start < b.end and b.start < a.end


def score(doc: Document, system: list[Timex], counts: Counts, only: str | None) -> None:
    gold = [g for g in doc.gold if only is None or g.type == only]
    system = [s for s in system if only is None or s.type == only]
    counts.gold += len(gold)
    counts.system += len(system)
    for g in gold:
        match = next((s for s in system if overlaps(g, s)), None)
        if match is None:
            counts.errors.append(f"MISS  {doc.name} {g.type:8} {g.value:14} {doc.text[g.start : g.end]!r}")
            continue
        counts.relaxed_gold += 1
        counts.strict_gold += (match.start, match.end) == (g.start, g.end)
        counts.value += match.value == g.value
        counts.type += match.type == g.type
        if match.value != g.value:
            counts.errors.append(
                f"VALUE {doc.name} dct={doc.dct[:10]} {g.type:8} gold={g.value:14} ours={match.value!s:14} "
                f"{doc.text[g.start : g.end]!r} ~ {match.text!r} [{match.rule}]"
            )
    for s in system:
        counts.relaxed_system += any(overlaps(s, g) for g in gold)
        counts.strict_system += any((s.start, s.end) == (g.start, g.end) for g in gold)
        if not any(overlaps(s, g) for g in gold):
            counts.errors.append(f"EXTRA {doc.name} {s.type:8} {s.value!s:14} {s.text!r} [{s.rule}]")


def prf(hit_system: int, system: int, hit_gold: int, gold: int) -> tuple[float, float, float]:
    p = hit_system / system if system else 0.0
    r = hit_gold / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def row(label: str, c: Counts) -> str:
    strict = prf(c.strict_system, c.system, c.strict_gold, c.gold)
    relaxed = prf(c.relaxed_system, c.system, c.relaxed_gold, c.gold)
    value_acc = c.value / c.relaxed_gold if c.relaxed_gold else 0.0
    type_acc = c.type / c.relaxed_gold if c.relaxed_gold else 0.0
    cells = [*strict, *relaxed, value_acc * relaxed[2], value_acc, type_acc]
    return (
        f"| {label:<20} | {c.gold:5} | {c.system:5} | " + " | ".join(f"{100 * x:5.1f}" for x in cells) + " |"
    )


HEADER = (
    "| set                  | gold  | ours  | str P | str R | str F | rel P | rel R | rel F | val F | val A | typ A |\n"
    "| -------------------- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split", default="train", help="folder under shared/bench/tempeval3 (only train is here)"
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument(
        "--errors", type=Path, default=None, help="write every miss, extra and wrong value here"
    )
    args = parser.parse_args()
    print("$ " + shlex.join(["python", *sys.argv]))
    docs = load(args.split, args.limit)
    began = time.perf_counter()
    annotated = list(nlp.annotate([d.text for d in docs]))
    parsed = time.perf_counter()
    results = [find_timexes(doc, d.dct) for doc, d in zip(annotated, docs, strict=True)]
    tagged = time.perf_counter()
    counts: dict[tuple[str, str], Counts] = {}
    for d, system in zip(docs, results, strict=True):
        for corpus in ("all", d.corpus):
            for only in (None, "DATE"):
                score(d, system, counts.setdefault((corpus, only or "all types"), Counts()), only)
    words = sum(len(d.text.split()) for d in docs)
    print(
        f"{len(docs)} documents, {words} words; spaCy {parsed - began:.1f} s, "
        f"timex rules {1000 * (tagged - parsed) / len(docs):.1f} ms per document"
    )
    print(HEADER)
    for (corpus, only), c in sorted(counts.items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        print(row(f"{corpus} / {only}", c))
    if args.errors:
        args.errors.write_text("\n".join(counts[("all", "all types")].errors) + "\n")


if __name__ == "__main__":
    main()
