"""Telling when one event holds two happenings, so that clustering can cut it in two.

An online clusterer decides each article once, and one report can bridge two look-alike
happenings: on ECB+ dev (topic 35) the first report clustered names one Chargers
player's drunk-driving arrest and recalls a teammate's a month before; reports of both
arrests joined the event it founded, and with members of both in it the mean pair
probability kept both sides above the join bar.  So after each join the event's sampled
members are cut in two by average link over their pair probabilities, and the cut stands
when both halves hold SPLIT_MIN_PART members and the mean probability across them is
under SPLIT_RATIO times the weaker half's own cohesion (mean probability within it).
The merge pass asks the same question before it joins two events, so a cut is not undone.

Why relative to cohesion: how alike one happening's reports are varies by topic (mean
pair probability 0.72 to 0.94 within ECB+ dev's events), and two tight groups that are
only half as alike across are two happenings, where a loose event of one happening is
not.  SPLIT_MIN_PART and SPLIT_RATIO were tuned on ECB+ train (`bench/ecbplus.py
--calibrate-split`); a cut of two members off an event was wrong as often as right there.
Why by hand: scipy makes the average-link cut; the criterion is ours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyline.cluster.pairs import Profile

SPLIT_MIN_PART = 3  # members on each side of a cut, at least
SPLIT_RATIO = 0.65  # across the cut under this share of the weaker side's cohesion: two events
# Events with more members are not cut: a cut rebuilds every member from its features,
# and an event this large has long been confirmed by reports of its own.  ECB+'s largest
# gold event has 30 articles; on the replayed large-events bench (`bench/cluster_scale.py
# --large-events`), where copies of one article form groups of identical reports, events
# of up to 283 members were cut, 378 times for 2,000 articles (clustering 3.3 -> 11.1 s).
MAX_CUT_MEMBERS = 64

Pairs = Callable[[Profile, Profile], float]


def probabilities(profiles: Sequence[Profile], pairs: Pairs) -> np.ndarray:
    """Pair probabilities among the profiles, 1 on the diagonal."""
    n = len(profiles)
    matrix = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = pairs(profiles[i], profiles[j])
    return matrix


def cohesion(matrix: np.ndarray, members: Sequence[int]) -> float:
    """Mean probability over the distinct pairs of `members` (at least two)."""
    block = matrix[np.ix_(members, members)]
    n = len(members)
    return float((block.sum() - n) / (n * (n - 1)))


def apart(cross: float, cohesions: Sequence[float], ratio: float) -> bool:
    return cross < ratio * min(cohesions)


def bipartition(
    profiles: Sequence[Profile], pairs: Pairs, ratio: float = SPLIT_RATIO
) -> tuple[list[int], list[int]] | None:
    """The two halves (indexes into `profiles`) when the event holds two happenings, or
    None.  `profiles` in a fixed order (the sample's digest order): the cut depends only
    on which members there are."""
    n = len(profiles)
    if n < 2 * SPLIT_MIN_PART:
        return None
    matrix = probabilities(profiles, pairs)
    labels = fcluster(linkage(squareform(1.0 - matrix, checks=False), "average"), 2, "maxclust")
    first = [i for i in range(n) if labels[i] == labels[0]]
    second = [i for i in range(n) if labels[i] != labels[0]]
    if min(len(first), len(second)) < SPLIT_MIN_PART:
        return None
    cross = float(matrix[np.ix_(first, second)].mean())
    if not apart(cross, (cohesion(matrix, first), cohesion(matrix, second)), ratio):
        return None
    return first, second


def distinct(
    a: Sequence[Profile], b: Sequence[Profile], cross: float, pairs: Pairs, ratio: float = SPLIT_RATIO
) -> bool:
    """Whether two events the merge pass would join are two happenings by the same test
    (`cross`: the mean probability across them, already computed)."""
    if min(len(a), len(b)) < SPLIT_MIN_PART:
        return False
    cohesions = [cohesion(probabilities(side, pairs), range(len(side))) for side in (a, b)]
    return apart(cross, cohesions, ratio)
