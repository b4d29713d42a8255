"""Cutting an event in two when it holds two happenings (`cluster.split`)."""

from __future__ import annotations

import numpy as np
from cluster_fixtures import Spec, bridged_captures, build

from storyline.cluster import events as ev
from storyline.cluster import split
from storyline.cluster.features import compute_features
from storyline.cluster.pairs import Profile


def _fake_profiles(n: int) -> list[Profile]:
    return [
        Profile(f"a{i}", np.zeros(1, np.float32), {}, None, False, 1.0, None, frozenset(), {}, ())
        for i in range(n)
    ]


def _pairs(table: dict[frozenset[str], float], default: float):
    return lambda x, y: table.get(frozenset((x.article, y.article)), default)


def test_two_tight_groups_loosely_linked_are_cut_apart() -> None:
    profiles = _fake_profiles(8)
    group = {p.article: (0 if i < 4 else 1) for i, p in enumerate(profiles)}
    table = {
        frozenset((x.article, y.article)): 0.92 if group[x.article] == group[y.article] else 0.55
        for x in profiles
        for y in profiles
        if x is not y
    }
    # across the groups the mean (0.55) clears both the join and the merge bars
    assert max(ev.JOIN_PROBABILITY, ev.MERGE_PROBABILITY) < 0.55
    halves = split.bipartition(profiles, _pairs(table, 0.0))
    assert halves is not None
    assert sorted(sorted(h) for h in halves) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert split.distinct(profiles[:4], profiles[4:], 0.55, _pairs(table, 0.0))


def test_one_loose_event_and_a_small_fringe_stay_whole() -> None:
    profiles = _fake_profiles(8)
    rng = np.random.default_rng(0)
    loose = {
        frozenset((x.article, y.article)): float(rng.uniform(0.5, 0.8))
        for x in profiles
        for y in profiles
        if x is not y
    }
    assert split.bipartition(profiles, _pairs(loose, 0.0)) is None
    # two members apart from six: under SPLIT_MIN_PART on one side
    fringe = {k: (0.3 if k & {"a0", "a1"} and not k <= {"a0", "a1"} else 0.9) for k in loose}
    assert split.SPLIT_MIN_PART > 2
    assert split.bipartition(profiles, _pairs(fringe, 0.0)) is None


def _features_and_vectors(specs: list[Spec], vectors: dict[str, np.ndarray]) -> dict[str, tuple]:
    """What a clusterer's loader gives, by article id."""
    data = {}
    for spec in specs:
        article, analysis = build(spec)
        data[spec.id] = (compute_features(article, analysis), vectors[spec.id])
    return data


def _cluster(split_ratio: float | None) -> list[set[str]]:
    specs, vectors = bridged_captures()
    data = _features_and_vectors(specs, vectors)
    clusterer = ev.Clusterer(
        ev.ClusterOptions(split_ratio=split_ratio), loader=lambda ids: {i: data[i] for i in ids}
    )
    assigned = {s.id: clusterer.assign(*data[s.id])[0] for s in specs}
    events: dict[str, set[str]] = {}
    for article, event_id in assigned.items():
        events.setdefault(clusterer.event_of(article, event_id), set()).add(article)
    for event_id, members in events.items():
        assert set(clusterer.events[event_id].members) == members
    return sorted(events.values(), key=len)


def test_a_bridging_report_does_not_make_one_event_of_two_captures() -> None:
    whole = _cluster(None)
    assert any({"mysore-0", "sukanya-0"} <= e for e in whole)  # without the cut: one event
    cut = _cluster(split.SPLIT_RATIO)
    for event in cut:
        ships = {a.split("-")[0] for a in event if a != "bridge"}
        assert len(ships) == 1, cut
    assert {a for e in cut for a in e if a.startswith("mysore")} <= next(e for e in cut if "mysore-0" in e)


def test_a_live_event_ends_a_merge_chain() -> None:
    """An id merged away and made again must not send `resolve` round a loop."""
    clusterer = ev.Clusterer()
    clusterer.events["a"] = ev.EventState("a", 384)
    clusterer.merged.update({"a": "b", "b": "a", "c": "b"})
    assert clusterer.resolve("a") == "a"
    assert clusterer.resolve("c") == "a"


def test_a_cut_names_its_new_event_after_the_article_that_led_to_it() -> None:
    """Two cuts of one event, led to by two different articles, make two different ids
    (the id once came from the last member moved, whatever article led to the cut, and
    a cut event merged back and cut again took an id already merged away)."""
    specs, vectors = bridged_captures(per_ship=10)
    data = _features_and_vectors(specs, vectors)
    made = []
    for trigger in ("mysore-0", "sukanya-0"):
        clusterer = ev.Clusterer(loader=lambda ids: {i: data[i] for i in ids})
        event = ev.EventState("e", 384)
        for spec in specs[1:]:
            event.add(*data[spec.id])
        clusterer.load(event)
        assert event.size > ev.SAMPLE_MEMBERS  # some members are outside the sample
        sample = [event.sample[k] for k in sorted(event.sample)]
        halves = split.bipartition(sample, clusterer.pairs)
        assert halves is not None
        made.append(clusterer._cut(event, [[sample[i] for i in h] for h in halves], trigger))
    assert made[0] != made[1]


def test_an_event_over_the_size_bound_is_not_cut(monkeypatch) -> None:
    specs, vectors = bridged_captures(per_ship=33)
    data = _features_and_vectors(specs[1:], vectors)

    def whole_after_check(bound: int) -> bool:
        monkeypatch.setattr(ev, "MAX_CUT_MEMBERS", bound)
        clusterer = ev.Clusterer(loader=lambda ids: {i: data[i] for i in ids})
        event = ev.EventState("e", 384)
        for f, v in data.values():
            event.add(f, v)
        clusterer.load(event)
        clusterer.split_around("e", "mysore-0")
        return clusterer.events["e"].size == len(data)

    assert len(data) > ev.MAX_CUT_MEMBERS
    assert whole_after_check(ev.MAX_CUT_MEMBERS)
    assert not whole_after_check(len(data))  # the same event under a higher bound is cut
