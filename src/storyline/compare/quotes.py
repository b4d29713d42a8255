"""The same statement quoted by different outlets, however each one worded or cut it.

Outlets quote one statement in pieces ("strengthen strategic coordination"), in full, in
reported speech, and in different translations ("enrich the content of cooperation" /
"enrich the substance of cooperation").  So two quotes are compared piece by piece: each
is cut into clauses and quoted fragments, and the score is the best agreement between a
piece of one and a piece (or the whole) of the other, by MiniLM cosine (translations) or
by fuzzy substring overlap (cuts of the same words).

Why the logic is ours: quote matching across outlets is not a library task; what makes it
trustworthy is the speaker gate.  Two quotes of different people never match, however
alike the words (two defence ministers both "deepen cooperation"); a quote given to a
ministry or to state media may match its minister's words, because outlets attribute a
readout either way, but then the words must agree more closely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz

from storyline.enrich.names import person_tokens, same_person_tokens, tokens_compatible
from storyline.enrich.quote_spans import find_quoted_spans
from storyline.model import Analysis, Quote, QuoteMatch

# Calibrated on the cross-outlet quote pairs of seeds 000/001 (matches) and 000/003 (the
# look-alike call: no match), and the demo's karsavin_rehnberg_call articles.
MATCH_SCORE = 0.72  # same (or unknown-vs-person) speaker
LOOSE_SPEAKER_SCORE = 0.8  # one speaker an organisation or unnamed: the words must agree more
MIN_PIECE_WORDS = 3  # shorter fragments ("decisively") say too little to match on
SPLIT_ABOVE_WORDS = 10  # a quote this short is matched whole; longer ones also by clause
LEXICAL_WEIGHT = 0.5  # score = max(cosine, blend of cosine and fuzzy overlap)
# One matrix product may round a dot product differently from another: the bound that
# drops a pair before scoring it keeps this margin, so it never drops one that scores.
_BOUND_SLACK = 1e-4
_BLOCK_ROWS = 1024  # piece rows per block of the all-pairs cosine bound

SpeakerRelation = Literal["same", "different", "unknown"]
_PIECE_SPLIT_RE = re.compile(r"\s*(?:[,;:.!?—–]|\band\b|\bbut\b)\s*")


@dataclass(frozen=True)
class Speaker:
    """Who a quote is given to, as far as the article tells."""

    entity: str | None
    name: str | None
    label: str | None


@dataclass
class _Candidate:
    quote: Quote
    speaker: Speaker
    outlet: str
    pieces: list[str]


def speaker_of(quote: Quote, analysis: Analysis | None) -> Speaker:
    """The quote's speaker with its entity label, from the article's local entities."""
    label = None
    if analysis is not None:
        for e in analysis.entities:
            if (quote.speaker_local is not None and e.key == quote.speaker_local) or (
                quote.speaker and e.entity == quote.speaker
            ):
                label = e.label
                break
    return Speaker(quote.speaker, quote.speaker_name, label)


def relation(a: Speaker, b: Speaker) -> SpeakerRelation:
    """Same person, two different people, or not decidable (an organisation, no speaker)."""
    if a.entity and b.entity and a.entity == b.entity:
        return "same"
    if a.label != "PERSON" or b.label != "PERSON" or not a.name or not b.name:
        return "unknown"
    if a.entity and b.entity:
        return "different"
    return "same" if same_person(a.name, b.name) else "different"


def same_person(a: str, b: str) -> bool:
    """Two names one person could carry, a bare surname included ("Belousov")."""
    ta, tb = person_tokens(a), person_tokens(b)
    if not ta or not tb:
        return False
    if min(len(ta), len(tb)) == 1:
        return tokens_compatible(ta[-1], tb[-1])
    return same_person_tokens(ta, tb)


def pieces(text: str) -> list[str]:
    """The quote, its quoted fragments and its clauses, normalised, long enough to match."""
    found = [text]
    found += [text[s.inner_start : s.inner_end] for s in find_quoted_spans(text)]
    if len(text.split()) > SPLIT_ABOVE_WORDS:
        found += _PIECE_SPLIT_RE.split(text)
    result: list[str] = []
    for piece in (normalize(p) for p in found):
        if len(piece.split()) >= MIN_PIECE_WORDS and piece not in result:
            result.append(piece)
    return result or [normalize(text)]


def normalize(text: str) -> str:
    """Lower case, punctuation and quotation marks off, spaces collapsed."""
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def lexical(a: str, b: str) -> float:
    """Fuzzy overlap of the shorter text with the best-matching stretch of the longer."""
    short, long = sorted((a, b), key=len)
    return (
        fuzz.partial_ratio(short, long) / 100.0 if len(short) < 0.8 * len(long) else fuzz.ratio(a, b) / 100.0
    )


def pair_score(
    a: np.ndarray, b: np.ndarray, texts: tuple[list[str], list[str]], needed: float = 0.0
) -> float:
    """The best agreement between any piece of one quote and any piece of the other.

    `a` and `b` hold the pieces' vectors (rows), `texts` the pieces.  The fuzzy overlap is
    the costly part, so it is computed only for piece pairs whose blend could still reach
    `needed` or beat the best cosine (the overlap is at most 1): the score is exact
    whenever it reaches `needed`, and below it only says "not enough"."""
    cosine = a @ b.T
    best = float(cosine.max())
    reachable = (1 - LEXICAL_WEIGHT) * cosine + LEXICAL_WEIGHT >= max(best, needed)
    for k, m in zip(*np.nonzero(reachable), strict=True):
        blended = (1 - LEXICAL_WEIGHT) * float(cosine[k, m]) + LEXICAL_WEIGHT * lexical(
            texts[0][k], texts[1][m]
        )
        best = max(best, blended)
    # Rounded so that one pair of pieces scores the same in every quote pair it is part
    # of (a matrix product may round the same dot product differently), and ties between
    # best partners stay ties.
    return round(best, 6)


def match_quotes(
    quotes: Sequence[Quote],
    analyses: dict[str, Analysis],
    outlets: dict[str, str],
    embed: Callable[[Sequence[str]], np.ndarray],
) -> list[QuoteMatch]:
    """Quote pairs across outlets that report one statement, best first per quote.

    `outlets` maps article id to outlet; quotes of one outlet are never matched to each
    other.  Each quote keeps its best partner in every other article, and a quote nested in
    another of its article (a partial inside its reported clause) only when it beats it."""
    cands = [
        _Candidate(
            q, speaker_of(q, analyses.get(q.article)), outlets.get(q.article, q.article), pieces(q.text)
        )
        for q in quotes
    ]
    pairs = _eligible_pairs(cands)
    # Only pieces of quotes that have an eligible partner are embedded: embedding is most
    # of this step's time, and most quotes of a big event have no partner past the gate.
    texts = sorted({p for i, j, _ in pairs for k in (i, j) for p in cands[k].pieces})
    if not texts:
        return []
    vectors = dict(zip(texts, embed(texts), strict=True))
    scored = _scored_pairs(cands, pairs, vectors)
    return _prune_nested(_best_per_article(scored, cands))


def _eligible_pairs(cands: list[_Candidate]) -> list[tuple[int, int, float]]:
    """Quote pairs from different outlets whose speakers may be one, with the score each
    needs: the speaker gate runs before any embedding."""
    pairs = []
    for i, a in enumerate(cands):
        for j in range(i + 1, len(cands)):
            b = cands[j]
            if a.outlet == b.outlet or a.quote.article == b.quote.article:
                continue
            rel = relation(a.speaker, b.speaker)
            if rel == "different":
                continue
            pairs.append((i, j, MATCH_SCORE if rel == "same" or _one_person(a, b) else LOOSE_SPEAKER_SCORE))
    return pairs


def _scored_pairs(
    cands: list[_Candidate], pairs: list[tuple[int, int, float]], vectors: dict[str, np.ndarray]
) -> dict[tuple[int, int], float]:
    """The pairs that reach the score they need, with their scores.  A pair's score is at
    most the blend of its best piece cosine with a perfect fuzzy overlap, so a pair whose
    best cosine cannot get there is dropped on one matrix product for all pairs; only
    the rest are scored one by one (`pair_score`, whose per-pair numpy calls were most of
    a re-compared event's time once its vectors were kept)."""
    quotes = sorted({k for i, j, _ in pairs for k in (i, j)})
    matrices = {i: np.stack([vectors[p] for p in cands[i].pieces]) for i in quotes}
    best = _best_cosines([matrices[i] for i in quotes])
    row = {q: n for n, q in enumerate(quotes)}
    scored: dict[tuple[int, int], float] = {}
    for i, j, needed in pairs:
        if (1 - LEXICAL_WEIGHT) * best[row[i], row[j]] + LEXICAL_WEIGHT < needed - _BOUND_SLACK:
            continue
        score = pair_score(matrices[i], matrices[j], (cands[i].pieces, cands[j].pieces), needed)
        if score >= needed:
            scored[(i, j)] = score
    return scored


def _best_cosines(matrices: list[np.ndarray]) -> np.ndarray:
    """For every two quotes, the best cosine between a piece of one and a piece of the
    other (quote × quote), a block of rows at a time so memory stays linear in pieces."""
    if not matrices:
        return np.zeros((0, 0), dtype=np.float32)
    pieces = np.concatenate(matrices)
    starts = np.cumsum([0] + [len(m) for m in matrices[:-1]])
    by_piece = np.concatenate(
        [
            np.maximum.reduceat(pieces[first : first + _BLOCK_ROWS] @ pieces.T, starts, axis=1)
            for first in range(0, len(pieces), _BLOCK_ROWS)
        ]
    )
    return np.maximum.reduceat(by_piece, starts, axis=0)


def _one_person(a: _Candidate, b: _Candidate) -> bool:
    """One side a named person, the other with no speaker: the article left it implicit."""
    return {a.speaker.label, b.speaker.label} == {"PERSON", None} and not (a.speaker.name and b.speaker.name)


def _best_per_article(
    scored: dict[tuple[int, int], float], cands: list[_Candidate]
) -> list[tuple[Quote, Quote, float]]:
    """Keep a pair when it is the best partner of either quote within the other's article."""
    best: dict[tuple[int, str], float] = {}
    for (i, j), s in scored.items():
        for x, y in ((i, j), (j, i)):
            key = (x, cands[y].quote.article)
            best[key] = max(best.get(key, 0.0), s)
    kept = []
    for (i, j), s in sorted(scored.items()):
        if s >= best[(i, cands[j].quote.article)] or s >= best[(j, cands[i].quote.article)]:
            kept.append((cands[i].quote, cands[j].quote, s))
    return kept


def _prune_nested(pairs: list[tuple[Quote, Quote, float]]) -> list[QuoteMatch]:
    """Drop a pair when a quote enclosing one side matches the same other side better."""
    result = []
    for a, b, s in pairs:
        if not any(_dominated(a, b, s, a2, b2, s2) for a2, b2, s2 in pairs):
            result.append(QuoteMatch(a.id, b.id, round(s, 3)))
    return result


def _dominated(a: Quote, b: Quote, s: float, a2: Quote, b2: Quote, s2: float) -> bool:
    if (a2.id, b2.id) == (a.id, b.id) or s2 <= s:
        return False
    return (b2.id == b.id and _nested(a, a2)) or (a2.id == a.id and _nested(b, b2))


def _nested(x: Quote, y: Quote) -> bool:
    return (
        x.article == y.article
        and x.id != y.id
        and (y.start <= x.start < x.end <= y.end or x.start <= y.start < y.end <= x.end)
    )
