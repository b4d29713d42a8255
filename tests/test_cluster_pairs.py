"""The article-pair model and the event decisions made from it (`cluster.pairs`)."""

from __future__ import annotations

import numpy as np
import pytest
from cluster_fixtures import Spec, build, call_corpus, mix, vector

from storyline.cluster import events as ev
from storyline.cluster import pairs
from storyline.cluster.features import compute_features


def features(spec: Spec):
    article, analysis = build(spec)
    return compute_features(article, analysis)


def _profile(spec: Spec, v: np.ndarray | None = None) -> pairs.Profile:
    return pairs.profile(features(spec), vector(spec) if v is None else v)


def test_pair_values_do_not_depend_on_which_article_came_first() -> None:
    a1, a2, a3, a4 = (_profile(s) for s in call_corpus())
    for x, y in ((a1, a2), (a1, a3), (a2, a4), (a3, a4)):
        assert pairs.pair_values(x, y) == pairs.pair_values(y, x)
    cache = pairs.PairCache(pairs.PAIR_WEIGHTS)
    assert cache(a1, a3) == cache(a3, a1) == pairs.probability(pairs.pair_values(a1, a3), pairs.PAIR_WEIGHTS)


def test_the_same_call_is_likely_and_more_likely_than_the_lookalike() -> None:
    """Here the look-alike embeds as the call itself (one prototype), so the pair model
    alone still rates it likely; the date veto parts them (`test_cluster_events`)."""
    a1, a2, a3, _ = (_profile(s) for s in call_corpus())
    same = pairs.probability(pairs.pair_values(a1, a2), pairs.PAIR_WEIGHTS)
    lookalike = pairs.probability(pairs.pair_values(a1, a3), pairs.PAIR_WEIGHTS)
    assert same >= ev.JOIN_PROBABILITY and same > lookalike
    values = pairs.pair_values(a1, a3)
    assert values["people_clash"] == 1.0 and values["date_gap"] > 0 and values["date_agree"] == 0


# Two undated look-alike captures at sea (ECB+ dev's topic 12 in miniature): the same
# navy, the same waters, another warship and another count of pirates.
def _capture(i: int, ship: str, count: str) -> Spec:
    return Spec(
        f"{ship.lower()}-{i}",
        [
            f"Navy warship {ship} captures {count} pirates in the Gulf of Aden.",
            f"The crew of {ship} boarded the pirate skiffs and seized rifles, report {i} says.",
        ],
        None,
        ship,
        [(ship, "PERSON", f"ent-{ship.lower()}"), ("Gulf of Aden", "LOC", "ent-aden")],
    )


def _near(ship: str, i: int) -> np.ndarray:
    """Two ships' reports embed close (cosine about 0.75), as real look-alikes do."""
    v = mix("capture", ship, 0.55) + 0.05 * vector(_capture(i, ship, "0"))
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_one_wrong_member_does_not_pull_its_lookalikes_reports_in() -> None:
    """An event that took in one report of the other capture: a second report of that
    capture matches that one member closely and the rest not at all.  Pooled event
    features (its numbers, its best-matching member) made the second report look like
    the event's; the mean over members does not."""
    event = ev.EventState("e", 384)
    for i in range(4):
        spec = _capture(i, "Mysore", "23")
        event.add(features(spec), _near("Mysore", i))
    stray = _capture(0, "Sukanya", "26")
    event.add(features(stray), _near("Sukanya", 0))
    second = _capture(1, "Sukanya", "26")
    f, v = features(second), _near("Sukanya", 1)

    by_pairs = ev.Clusterer().score(f, v, event)
    assert by_pairs is not None and by_pairs < ev.JOIN_PROBABILITY
    alone = ev.EventState("s", 384)
    alone.add(features(stray), _near("Sukanya", 0))
    assert ev.Clusterer().score(f, v, alone) >= ev.JOIN_PROBABILITY  # its own capture: joins
    by_event = ev.Clusterer(ev.ClusterOptions(scoring="event")).score(f, v, event)
    assert by_event is not None and by_event >= ev.JOIN_LOGIT  # what stop 16's scoring did


def test_an_event_is_scored_through_a_sample_that_ignores_join_order() -> None:
    specs = [_capture(i, "Mysore", "23") for i in range(ev.SAMPLE_MEMBERS + 4)]
    forward, backward = ev.EventState("f", 384), ev.EventState("b", 384)
    for s in specs:
        forward.add(features(s), _near("Mysore", int(s.id.split("-")[1])))
    for s in reversed(specs):
        backward.add(features(s), _near("Mysore", int(s.id.split("-")[1])))
    assert len(forward.sample) == ev.SAMPLE_MEMBERS
    assert sorted(forward.sample) == sorted(backward.sample)
    probe = _capture(99, "Mysore", "23")
    f, v = features(probe), _near("Mysore", 99)
    assert ev.Clusterer().score(f, v, forward) == pytest.approx(ev.Clusterer().score(f, v, backward), abs=0)


def test_probability_saturates_instead_of_overflowing() -> None:
    """Weights refitted on other data can push the logit far out; exp() must not overflow."""
    values = dict.fromkeys(pairs.PAIR_FEATURES, 0.0)
    low = pairs.probability(values, {**pairs.PAIR_WEIGHTS, "bias": -1000.0})
    high = pairs.probability(values, {**pairs.PAIR_WEIGHTS, "bias": 1000.0})
    assert low == pytest.approx(0.0) and high == pytest.approx(1.0)


def test_pair_scoring_vetoes_exactly_what_event_scoring_vetoes() -> None:
    """Pair scoring checks the vetoes from the clash and named days alone; the result must
    be the full check's, for every article against every one-report event."""
    specs = call_corpus()
    for option in ({}, {"max_date_gap_days": 1}):
        by_pairs = ev.Clusterer(ev.ClusterOptions(**option))
        by_event = ev.Clusterer(ev.ClusterOptions(scoring="event", **option))
        for spec in specs:
            for other in specs:
                if other is spec:
                    continue
                event = ev.EventState("e", 384)
                event.add(features(other), vector(other))
                f, v = features(spec), vector(spec)
                assert (by_pairs.score(f, v, event) is None) == (by_event.score(f, v, event) is None)
