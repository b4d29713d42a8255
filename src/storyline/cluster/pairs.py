"""How likely two articles are to report the same happening: the article-pair model.

Clustering decides with it (`cluster.events`): an article's score for an event is the
mean of this probability over the event's sampled members, and two events merge when
the mean over their members' pairs is high enough.  Scoring against members rather than
against an event's pooled features keeps one wrong member from pulling its look-alike's
reports in: pooled numbers and best-member word matches let a single report of another
ship's pirate capture make every later report of it look like the first event's (ECB+
dev, topic 12), while a mean over members still reads "mostly another happening".

The evidence is what `cluster.features` derives per article: embedding cosine, entity
cosines per group (people, places, the rest) and a people clash, date agreement and gap,
kind, shared or clashing key numbers, a word cosine, and whether one names the other's
day.  Every feature is symmetric, so a pair's probability does not depend on which of the
two arrived first and can be cached by pair.  The weights are a logistic regression on
every article pair of ECB+ train (`bench/ecbplus.py --calibrate`).

Written here rather than taken from a library: the features are our own fields, and the
model is a dot product; scikit-learn fits it offline only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from storyline.cluster.features import ArticleFeatures, interval_gap, parse_date_value

ENTITY_GROUPS = ("people", "places", "others")
# Places are nested ("Mt Cook" in "New Zealand"), so only people clash (ECB+ train: a
# place clash feature lowered train F1).
CLASH_GROUPS = ("people",)
CLASH_PROMINENT = 0.5  # a name is prominent at half the side's strongest weight
CLASH_ABSENT = 0.2  # and barely mentioned under a fifth of the other side's strongest
NUMBER_MIN_CHARS = 2  # "3" is everywhere; "6.1" or "23" identifies a happening
NAMED_GRANULARITIES = ("day",)
LEXICAL_SHRINK_TERMS = 10  # word cosines scale by n / (n + this) for the shorter text's n terms
DATE_GAP_SCALE_DAYS = 365  # the gap feature grows with log(days) and saturates at a year
FIXED_POINT = 1 << 20  # entity weights and event sums are integers: exact, order-free

PAIR_FEATURES = (
    "similarity",
    "people",
    "people_missing",
    "people_clash",
    "places",
    "places_missing",
    "others",
    "others_missing",
    "date_agree",
    "date_gap",
    "date_unknown",
    "kind_same",
    "kind_clash",
    "numbers_same",
    "numbers_clash",
    "lexical",
    "date_named",
)
# Fitted on ECB+ train's 141,246 article pairs (`bench/ecbplus.py --calibrate` prints them).
PAIR_WEIGHTS = {
    "bias": -6.44,
    "similarity": 10.83,
    "people": 1.85,
    "people_missing": -1.61,
    "people_clash": -1.72,
    "places": 1.75,
    "places_missing": 0.47,
    "others": -0.25,
    "others_missing": 0.26,
    "date_agree": 1.86,
    "date_gap": -1.82,
    "date_unknown": -1.55,
    "kind_same": -0.36,
    "kind_clash": -0.15,
    "numbers_same": 1.28,
    "numbers_clash": -0.89,
    "lexical": 5.45,
    "date_named": 2.24,
}


GroupSummary = tuple[dict[str, int], float, int]  # one group's weights, their norm, the strongest


@dataclass(frozen=True)
class Profile:
    """One article as pair scoring reads it, derived once: an event keeps the profiles of
    a sample of its members, and the article being clustered has one."""

    article: str
    vector: np.ndarray
    groups: dict[str, GroupSummary]
    interval: tuple[int, int] | None
    fine: bool  # dated to a day
    confidence: float
    kind: str | None
    numbers: frozenset[str]
    terms: dict[str, float]
    named: tuple[tuple[int, int], ...]


def profile(f: ArticleFeatures, vector: np.ndarray) -> Profile:
    """Everything `pair_values` reads, derived once: an article is paired with up to a
    few hundred members while it is decided, and a member with every later article."""
    unit = unit_weights(f.entity_weights)
    interval = f.date_interval()
    return Profile(
        article=f.article,
        vector=np.asarray(vector, dtype=np.float32),
        groups={group: group_summary(unit, f.labels, group) for group in ENTITY_GROUPS},
        interval=interval,
        fine=f.granularity == "day",
        confidence=round(100 * f.date_confidence) / 100,
        kind=f.kind,
        numbers=frozenset(specific_numbers(f.numbers)),
        terms=f.terms,
        named=tuple(named_intervals(f)),
    )


def pair_values(a: Profile, b: Profile) -> dict[str, float]:
    """The evidence that two articles report one happening, one number per PAIR_FEATURES
    name; symmetric in a and b."""
    values = {"similarity": float(np.dot(a.vector, b.vector))}
    for group in ENTITY_GROUPS:
        values.update(group_values(group, a.groups[group], b.groups[group]))
    values.update(date_values(a.interval, a.fine, a.confidence, b.interval, b.fine, b.confidence))
    values["kind_same"] = float(bool(a.kind) and a.kind == b.kind)
    values["kind_clash"] = float(bool(a.kind) and bool(b.kind) and a.kind != b.kind)
    values["numbers_same"] = float(bool(a.numbers & b.numbers))
    values["numbers_clash"] = float(bool(a.numbers) and bool(b.numbers) and not a.numbers & b.numbers)
    n = min(len(a.terms), len(b.terms))
    values["lexical"] = n / (n + LEXICAL_SHRINK_TERMS) * dot_terms(a.terms, b.terms) if n else 0.0
    values["date_named"] = float(names_day(a, b) or names_day(b, a))
    return values


def group_values(group: str, mine: GroupSummary, theirs: GroupSummary) -> dict[str, float]:
    """One entity group's cosine, whether either side has none (recorded as missing, not
    as a mismatch), and for people whether they clash."""
    if mine[0] and theirs[0]:
        dot = sum(w * theirs[0].get(k, 0) for k, w in mine[0].items())
        values = {group: dot / (mine[1] * theirs[1]), f"{group}_missing": 0.0}
    else:
        values = {group: 0.0, f"{group}_missing": 1.0}
    if group in CLASH_GROUPS:
        values[f"{group}_clash"] = float(clash(mine[0], theirs[0], theirs[2]))
    return values


def date_values(
    a: tuple[int, int] | None,
    a_fine: bool,
    a_sure: float,
    b: tuple[int, int] | None,
    b_fine: bool,
    b_sure: float,
) -> dict[str, float]:
    """Agreement and gap of two date intervals (a day inside a week or a month agrees, at
    half weight), scaled by how sure both dates are."""
    if a is None or b is None:
        return {"date_agree": 0.0, "date_gap": 0.0, "date_unknown": 1.0}
    sure = min(a_sure, b_sure)
    gap = interval_gap(a, b)
    agree = (1.0 if a_fine and b_fine else 0.5) if gap == 0 else 0.0
    spread = min(1.0, math.log1p(gap) / math.log1p(DATE_GAP_SCALE_DAYS))
    return {"date_agree": agree * sure, "date_gap": spread * sure, "date_unknown": 0.0}


def names_day(a: Profile, b: Profile) -> bool:
    """a's title or lede names a day inside b's date: a follow-up pointing back."""
    return names_within(a.named, b.interval)


def names_within(named: Iterable[tuple[int, int]], interval: tuple[int, int] | None) -> bool:
    return interval is not None and any(interval_gap(day, interval) == 0 for day in named)


def probability(values: dict[str, float], weights: dict[str, float]) -> float:
    z = weights["bias"] + sum(weights[name] * values[name] for name in PAIR_FEATURES)
    if z < 0:  # the two forms of the logistic keep exp() from overflowing
        e = math.exp(z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(-z))


class PairCache:
    """Pair probabilities already computed; a pair's value never changes (features are
    fixed per article version), so the cache only saves time.  Cleared when full."""

    def __init__(self, weights: dict[str, float], limit: int = 400_000) -> None:
        self.weights = weights
        self.limit = limit
        self.values: dict[tuple[str, str], float] = {}

    def __call__(self, a: Profile, b: Profile) -> float:
        key = (a.article, b.article) if a.article < b.article else (b.article, a.article)
        found = self.values.get(key)
        if found is None:
            if len(self.values) >= self.limit:
                self.values.clear()
            found = self.values[key] = probability(pair_values(a, b), self.weights)
        return found


# --- primitives shared with event-level scoring ------------------------------------------------


def unit_weights(weights: dict[str, float]) -> dict[str, int]:
    """Entity weights scaled to unit length, as fixed-point integers."""
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {k: round(w / norm * FIXED_POINT) for k, w in weights.items()}


def group_of(label: str | None) -> str:
    if label == "PERSON":
        return "people"
    if label in ("GPE", "LOC", "FAC"):
        return "places"
    return "others"


def group_weights(weights: dict[str, int], labels: dict[str, str], group: str) -> dict[str, int]:
    return {k: w for k, w in weights.items() if w > 0 and group_of(labels.get(k)) == group}


def group_summary(weights: dict[str, int], labels: dict[str, str], group: str) -> GroupSummary:
    """One group's weights, their norm (integer squares: exact however large the sums)
    and the strongest weight; an article's and an event's are made alike."""
    kept = group_weights(weights, labels, group)
    return kept, math.sqrt(sum(v * v for v in kept.values())), max(kept.values(), default=0)


def clash(mine: dict[str, int], theirs: dict[str, int], top_theirs: int) -> bool:
    """Each side has a prominent name the other barely mentions: the same call with
    another counterpart, another player arrested.

    Prominent: at least CLASH_PROMINENT of the side's strongest weight; barely: under
    CLASH_ABSENT of the other side's strongest."""
    if not mine or not theirs:
        return False
    top_mine = max(mine.values())
    mine_only = any(
        w >= CLASH_PROMINENT * top_mine and theirs.get(k, 0) < CLASH_ABSENT * top_theirs
        for k, w in mine.items()
    )
    if not mine_only:
        return False
    return any(
        w >= CLASH_PROMINENT * top_theirs and mine.get(k, 0) < CLASH_ABSENT * top_mine
        for k, w in theirs.items()
    )


def specific_numbers(numbers: Iterable[str]) -> list[str]:
    return [n for n in numbers if len(n) >= NUMBER_MIN_CHARS]


def dot_terms(a: dict[str, float], b: dict[str, float]) -> float:
    """Sparse dot product over the shared words only (the set intersection runs in C);
    fsum is exact, so the result does not depend on the set's hash order."""
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


def named_intervals(f: ArticleFeatures) -> list[tuple[int, int]]:
    """Day intervals of the days the article's title and lede name: a month or a year
    names too much to point at one happening (the demo's call in July names the May
    appointment's month)."""
    found = []
    for value in f.mentioned:
        parsed = parse_date_value(value)
        if parsed is not None and parsed.granularity in NAMED_GRANULARITIES:
            found.append((parsed.lo, parsed.hi))
    return found
