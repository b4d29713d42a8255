"""Score quote attribution on PolNeAR (political news, 2016; Source / Cue / Content spans).

    PYTHONPATH=src python bench/polnear.py [--split dev|train] [--limit N] [--errors N]

Reads `../shared/bench/polnear/<split>/{text,attributions}`: one raw text per article and
one BRAT standoff file per annotator (an article annotated by six people is scored six
times, which is how the split's attribution count is usually quoted).  Each text goes
through our pipeline as it stands — `nlp.annotate` on the raw text (so offsets match;
lines are paragraphs, as in cleaned text), entity finding when `enrich.entities` exists,
then `quotes.find_quotes` — and the quotes become spans:

* Content: the quote; direct and partial quotes get back the quotation marks and the
  punctuation inside them, indirect ones the complementiser "that", which PolNeAR
  includes and our quotes leave out.  PolNeAR is univocal (a token belongs to one
  attribution at most), so a partial quote inside one of our indirect quotes is folded
  into it, as the annotators would have done.
* Source: the speaker phrase as written (`speaker_start:end`, "he" not "Andrey Belousov").
* Cue: `cue_start:end`.

Spans are compared unlinked, as in CofeNet's evaluation (Wang et al., COLING 2022,
exe/eval/evaluation.py): each fragment of a discontinuous gold span is a span of its own.

* exact: same characters (whitespace at the edges ignored);
* overlap: a gold span counts as found, a predicted one as right, if it shares a token;
* partial: token-Jaccard-weighted P/R (each predicted span scores its best Jaccard with a
  gold span, and vice versa), the soft-match variant of the quotation literature;
* CofeNet-J: CofeNet's single "jaccard" score (best Jaccard per gold span; a predicted
  span overlapping no gold span counts as a zero), for comparison with their table.

Speaker accuracy: of the gold attributions with a source whose content overlaps one of our
quotes, the share where that quote's source overlaps the gold source.

Published PolNeAR *test* exact F1 (Source / Cue / Content), for orientation: BERT-CofeNet
83.2 / 75.3 / 72.9; a rule-based system 10.7 / 22.8 / 5.6; CoreNLP's quote annotator
13.9 / – / 17.5.  Tune on train, report dev; never look at test.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from storyline.config import shared_dir
from storyline.enrich import nlp
from storyline.enrich.quotes import find_quotes
from storyline.model import Block, LocalEntity, Mention, Quote

ROLES = ("content", "source", "cue")
QUOTE_MARKS = "\"“”‘’'`«»"
Spans = set[tuple[int, int]]


@dataclass
class Attribution:
    content: list[tuple[int, int]] = field(default_factory=list)
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class GoldDoc:
    name: str  # the text's name; several annotators' files share it
    annotator: str
    attributions: list[Attribution]


@dataclass
class Predicted:
    quote: Quote
    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None


@dataclass
class Score:
    gold: int = 0
    pred: int = 0
    exact: int = 0
    overlap_gold: int = 0
    overlap_pred: int = 0
    jaccard_gold: float = 0.0
    jaccard_pred: float = 0.0
    cofenet_sum: float = 0.0
    cofenet_n: int = 0


# --- reading PolNeAR ---------------------------------------------------------------------------


def read_ann(path: Path) -> list[Attribution]:
    """Attribution events of one BRAT file; span texts may run over several lines, so only
    lines that look like annotations are read."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        parts = line.split("\t")
        if len(parts) < 2 or not re.fullmatch(r"[TE]\d+", parts[0]):
            continue
        if parts[0].startswith("T"):
            kind, _, offsets = parts[1].partition(" ")
            frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
            spans[parts[0]] = (kind, frags)  # type: ignore[assignment]
        else:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    return [_attribution(e, spans) for e in events]


def _attribution(event: dict[str, str], spans: dict[str, tuple[str, list[tuple[int, int]]]]) -> Attribution:
    att = Attribution()
    for role, ref in event.items():
        name = role.rstrip("0123456789").lower()
        if name in ROLES and ref in spans:
            getattr(att, name).extend(spans[ref][1])
    return att


def load_split(root: Path, split: str, limit: int | None) -> tuple[dict[str, str], list[GoldDoc]]:
    texts: dict[str, str] = {}
    golds: list[GoldDoc] = []
    for path in sorted((root / split / "attributions").glob("*.ann")):
        name, _, annotator = path.stem.rpartition("_")
        if name not in texts:
            if limit is not None and len(texts) >= limit:
                continue
            texts[name] = (root / split / "text" / f"{name}.txt").read_text(encoding="utf-8")
        golds.append(GoldDoc(name, annotator, read_ann(path)))
    return texts, golds


# --- running our pipeline ------------------------------------------------------------------------


def line_blocks(text: str) -> list[Block]:
    """One block per line; PolNeAR texts open with the title line."""
    blocks: list[Block] = []
    offset = 0
    for line in text.split("\n"):
        kind = "headline" if not blocks and line.strip() else "body"
        blocks.append(Block(offset, offset + len(line), kind))
        offset += len(line) + 1
    return blocks


def entity_finder():
    """The project's entity finder when it is importable; else none (spans need no ids)."""
    try:
        from storyline.enrich.entities import find_entities
    except ImportError:
        return None
    return find_entities


def run(texts: dict[str, str]) -> tuple[dict[str, list[Predicted]], float, str]:
    finder = entity_finder()
    names = list(texts)
    docs: list[Doc] = list(nlp.annotate([texts[n] for n in names]))
    spent = 0.0
    out: dict[str, list[Predicted]] = {}
    for name, doc in zip(names, docs, strict=True):
        blocks = line_blocks(doc.text)
        mentions: list[Mention] = []
        entities: list[LocalEntity] = []
        if finder is not None:
            mentions, entities = finder(doc, name, blocks)
        t0 = time.perf_counter()
        quotes = find_quotes(doc, name, blocks, mentions, entities)
        spent += time.perf_counter() - t0
        out[name] = to_polnear(doc.text, quotes)
    return out, spent, "enrich.entities" if finder else "none (not importable yet)"


def to_polnear(text: str, quotes: list[Quote]) -> list[Predicted]:
    preds = [
        Predicted(
            q, _content_span(text, q), _span(q.speaker_start, q.speaker_end), _span(q.cue_start, q.cue_end)
        )
        for q in quotes
    ]
    indirect = [p.content for p in preds if p.quote.kind == "indirect"]
    return [p for p in preds if p.quote.kind != "partial" or not any(_inside(p.content, c) for c in indirect)]


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return (start, end) if start is not None and end is not None else None


def _content_span(text: str, q: Quote) -> tuple[int, int]:
    start, end = q.start, q.end
    if q.kind == "indirect":
        m = re.search(r"\bthat\s+$", text[max(0, start - 6) : start])
        return (start - len(m.group()), end) if m else (start, end)
    while start > 0 and (text[start - 1] in QUOTE_MARKS or text[start - 1] == " ") and start > q.start - 3:
        start -= 1
    while end < len(text) and (text[end] in QUOTE_MARKS or text[end] in ",.?!;:") and end < q.end + 4:
        end += 1
    return _strip(text, start, end)


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1] and a != b


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- scoring -------------------------------------------------------------------------------------


class Tokens:
    """Token index of every character of a text, for token-level overlap and Jaccard."""

    def __init__(self, text: str):
        self.of = [-1] * len(text)
        for n, m in enumerate(re.finditer(r"\w+|[^\w\s]", text)):
            for i in range(m.start(), m.end()):
                self.of[i] = n

    def of_span(self, span: tuple[int, int]) -> frozenset[int]:
        return frozenset(t for t in self.of[span[0] : span[1]] if t >= 0)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def score_role(score: Score, gold: Spans, pred: Spans, tokens: Tokens) -> None:
    gold_toks = {g: tokens.of_span(g) for g in gold}
    pred_toks = {p: tokens.of_span(p) for p in pred}
    score.gold += len(gold)
    score.pred += len(pred)
    score.exact += len(gold & pred)
    for g, gt in gold_toks.items():
        best = max((jaccard(gt, pt) for pt in pred_toks.values()), default=0.0)
        score.overlap_gold += any(gt & pt for pt in pred_toks.values())
        score.jaccard_gold += best
        score.cofenet_sum += 1.0 if g in pred else best
        score.cofenet_n += 1
    for p, pt in pred_toks.items():
        overlapping = any(pt & gt for gt in gold_toks.values())
        score.overlap_pred += overlapping
        score.jaccard_pred += max((jaccard(pt, gt) for gt in gold_toks.values()), default=0.0)
        score.cofenet_n += 0 if p in gold or overlapping else 1


def gold_spans(text: str, atts: Iterable[Attribution], role: str) -> Spans:
    return {s for a in atts for s in (_strip(text, *f) for f in getattr(a, role)) if s[1] > s[0]}


def pred_spans(text: str, preds: Iterable[Predicted], role: str) -> Spans:
    found = (getattr(p, role) for p in preds)
    return {s for s in (_strip(text, *f) for f in found if f is not None) if s[1] > s[0]}


def speaker_hits(gold: GoldDoc, preds: list[Predicted], tokens: Tokens) -> tuple[int, int]:
    """(gold attributions with a source whose content we found, of which our source is right)."""
    found = right = 0
    for att in gold.attributions:
        if not att.source or not att.content:
            continue
        content = frozenset().union(*(tokens.of_span(c) for c in att.content))
        best = max(preds, key=lambda p: len(content & tokens.of_span(p.content)), default=None)
        if best is None or not content & tokens.of_span(best.content):
            continue
        found += 1
        source = frozenset().union(*(tokens.of_span(s) for s in att.source))
        right += best.source is not None and bool(source & tokens.of_span(best.source))
    return found, right


# --- report --------------------------------------------------------------------------------------


def prf(tp: float, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(values: tuple[float, float, float]) -> str:
    return " ".join(f"{100 * v:5.1f}" for v in values)


def print_table(scores: dict[str, Score]) -> None:
    print(f"{'':8} {'gold':>6} {'ours':>6} | {'exact P     R     F1':20} | {'overlap P   R     F1':20} | "
          f"{'partial P   R     F1':20} | CofeNet-J")  # fmt: skip
    for role in ROLES:
        s = scores[role]
        exact = prf(s.exact, s.pred, s.gold)
        p_o = s.overlap_pred / s.pred if s.pred else 0.0
        r_o = s.overlap_gold / s.gold if s.gold else 0.0
        overlap = (p_o, r_o, 2 * p_o * r_o / (p_o + r_o) if p_o + r_o else 0.0)
        p_j = s.jaccard_pred / s.pred if s.pred else 0.0
        r_j = s.jaccard_gold / s.gold if s.gold else 0.0
        partial = (p_j, r_j, 2 * p_j * r_j / (p_j + r_j) if p_j + r_j else 0.0)
        cofenet = 100 * s.cofenet_sum / s.cofenet_n if s.cofenet_n else 0.0
        print(f"{role:8} {s.gold:6d} {s.pred:6d} | {fmt(exact):20} | {fmt(overlap):20} | {fmt(partial):20} | "
              f"{cofenet:5.1f}")  # fmt: skip


def print_errors(
    texts: dict[str, str], golds: list[GoldDoc], preds: dict[str, list[Predicted]], n: int
) -> None:
    """A sample of missed and spurious content spans, for tuning on train."""
    shown = 0
    for g in golds:
        text = texts[g.name]
        gold = gold_spans(text, g.attributions, "content")
        ours = pred_spans(text, preds[g.name], "content")
        for s in sorted(gold - ours)[:3] + sorted(ours - gold)[:3]:
            tag = "MISS" if s in gold else "FP  "
            print(f"{tag} {g.name[:30]:30} {text[s[0] : s[1]][:150]!r}")
            shown += 1
        if shown >= n:
            return


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "train"), default="dev")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--errors", type=int, default=0, help="print N missed/spurious content spans")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("../shared is missing: PolNeAR data not found", file=sys.stderr)
        return 2
    root = shared / "bench" / "polnear"
    texts, golds = load_split(root, args.split, args.limit)
    preds, spent, entities = run(texts)

    scores = {role: Score() for role in ROLES}
    found = right = 0
    tokens = {name: Tokens(text) for name, text in texts.items()}
    for g in golds:
        text = texts[g.name]
        for role in ROLES:
            score_role(scores[role], gold_spans(text, g.attributions, role), pred_spans(text, preds[g.name], role),
                       tokens[g.name])  # fmt: skip
        f, r = speaker_hits(g, preds[g.name], tokens[g.name])
        found, right = found + f, right + r

    n_att = sum(len(g.attributions) for g in golds)
    print(f"$ {shlex.join(['python', 'bench/polnear.py', *(argv if argv is not None else sys.argv[1:])])}")
    print(f"PolNeAR {args.split}: {len(texts)} articles, {len(golds)} annotation files, {n_att} attributions; "
          f"entities: {entities}")  # fmt: skip
    print_table(scores)
    print(f"speaker accuracy: {100 * right / found if found else 0:.1f}% "
          f"({right}/{found} gold attributions with a source whose content we found)")  # fmt: skip
    kinds = {
        k: sum(p.quote.kind == k for ps in preds.values() for p in ps)
        for k in ("direct", "partial", "indirect")
    }
    print("our quotes by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    print(
        f"find_quotes alone: {len(texts) / spent:.0f} articles/s ({1000 * spent / len(texts):.1f} ms/article)"
    )
    print(
        "published PolNeAR test exact F1 (Source / Cue / Content): BERT-CofeNet 83.2 / 75.3 / 72.9; "
        "rule-based 10.7 / 22.8 / 5.6; CoreNLP quote annotator 13.9 / - / 17.5"
    )
    if args.errors:
        print_errors(texts, golds, preds, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
