"""Clustering articles into events: features, the score, the stage over a real store."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from cluster_fixtures import RUSSIA, Spec, build, call_corpus, seed, vector

from storyline.cluster import events as ev
from storyline.cluster.features import (
    compute_features,
    contract_date,
    detect_kind,
    interval_gap,
    parse_date_value,
)
from storyline.model import Event
from storyline.store import articles as article_repo
from storyline.store import events as repo
from storyline.store.db import Store


def features(spec: Spec):
    article, analysis = build(spec)
    return compute_features(article, analysis)


# --- features ---------------------------------------------------------------------------------


def test_date_values_are_intervals_and_month_contains_day() -> None:
    day, month = parse_date_value("2026-01-27"), parse_date_value("2026-01")
    assert day and month and day.granularity == "day" and month.granularity == "month"
    assert interval_gap((day.lo, day.hi), (month.lo, month.hi)) == 0
    assert parse_date_value("2026-02-30") is None
    assert parse_date_value("2024-Q1") is None  # quarters are too vague to date a happening


def test_a_week_is_monday_to_sunday_and_holds_its_days() -> None:
    week = parse_date_value("2026-W15")
    assert week is not None and week.granularity == "week"
    assert (date.fromordinal(week.lo), date.fromordinal(week.hi)) == (date(2026, 4, 6), date(2026, 4, 12))
    thursday, next_monday = parse_date_value("2026-04-09"), parse_date_value("2026-04-13")
    assert thursday and next_monday
    assert interval_gap((week.lo, week.hi), (thursday.lo, thursday.hi)) == 0
    assert interval_gap((week.lo, week.hi), (next_monday.lo, next_monday.hi)) == 1
    assert parse_date_value("2026-W54") is None
    # the export contract has no weeks: a stored event date is the month of the Thursday
    assert contract_date("2026-W15") == ("2026-04", "month")
    assert contract_date("2026-W01") == ("2026-01", "month")  # 29 Dec 2025 - 4 Jan 2026
    assert contract_date("2026-04-09") == ("2026-04-09", "day")


# The demo's trap in miniature: talks on a Thursday, and a report the next Wednesday that
# says they "broke down last week", naming another negotiator (a counterpart clash).
TALKS = Spec(
    "talks",
    ["Dam talks collapse in Vassau.", "Elena Moravec and Lucia Ferrand left the talks on Thursday."],
    "2026-04-10",
    "dam-talks",
    [("Elena Moravec", "PERSON", "ent-moravec"), ("Lucia Ferrand", "PERSON", "ent-ferrand")],
    [("Thursday", "2026-04-09", "day")],
)


def _last_week_report(value: str, granularity: str) -> Spec:
    return Spec(
        "later",
        [
            "Farmers brace for a dry summer.",
            "Talks with Samuel Adeyemi and Elena Moravec broke down last week.",
        ],
        "2026-04-15",
        "dam-talks",
        [("Samuel Adeyemi", "PERSON", "ent-adeyemi"), ("Elena Moravec", "PERSON", "ent-moravec")],
        [("last week", value, granularity)],
    )


def test_a_week_in_the_lede_dates_the_event_and_agrees_with_a_day_inside_it() -> None:
    report = features(_last_week_report("2026-W15", "week"))
    assert (report.event_date, report.granularity, report.date_source) == ("2026-W15", "week", "lede")
    event = _event([TALKS])
    assert ev.anchored_gap(report, event) == 0
    values = ev.pair_features(report, vector(_last_week_report("2026-W15", "week")), event)
    assert values["date_agree"] > 0 and values["people_clash"] == 1.0
    score = ev.Clusterer().score(report, vector(_last_week_report("2026-W15", "week")), event)
    assert score is not None and score >= ev.JOIN_PROBABILITY  # same week: the clash is no veto


def test_a_week_contracted_to_its_month_leaves_only_the_publication_day() -> None:
    """What enrichment stores today for "last week": the month, which holds the publication
    day and so says nothing more; the report is then dated by its publication, three days
    or more after the talks, and the counterpart clash keeps it apart."""
    spec = _last_week_report("2026-04", "month")
    report = features(spec)
    assert report.date_source == "published"
    assert ev.anchored_gap(report, _event([TALKS])) == 3
    assert ev.Clusterer().score(report, vector(spec), _event([TALKS])) is None


def test_a_week_dated_event_stores_the_contract_month(store: Store) -> None:
    seed(store, [_last_week_report("2026-W15", "week")])
    ev.cluster_pending(store)
    with store.read() as conn:
        (event,) = repo.all_events(conn)
    assert (event.date, event.granularity) == ("2026-04", "month")


def test_a_call_has_no_location_but_a_place_tied_to_talks_is_theirs() -> None:
    call = Spec(
        "call",
        [
            "Ministers held a video call, pledging action against influence in Venezuela.",
            "The call came days after talks in Geneva.",
        ],
        "2026-01-28",
        "t",
        [("Venezuela", "GPE", "ent-venezuela"), ("Geneva", "GPE", "ent-geneva")],
    )
    assert features(call).kind == "call" and features(call).location is None
    talks = Spec(
        "talks",
        ["Belvania walked out of talks on the dam in Vassau on Thursday, citing drought in Lisvara."],
        "2026-04-10",
        "t",
        [("Vassau", "GPE", "ent-vassau"), ("Lisvara", "GPE", "ent-lisvara")],
    )
    assert features(talks).location == "Vassau"
    topic_only = Spec(
        "statement",
        ["The minister warned, after a week of protests, about shortages in Lisvara."],
        "2026-04-10",
        "t",
        [("Lisvara", "GPE", "ent-lisvara")],
    )
    assert features(topic_only).location == "Lisvara"  # no tie: the lede's place still serves


def test_event_date_is_the_ledes_day_not_publication_or_background() -> None:
    f = features(call_corpus()[0])
    assert (f.event_date, f.granularity, f.date_source) == ("2026-01-27", "day", "lede")
    assert [c.date for c in f.context] == ["2001"]  # the treaty is context, not the event
    assert "treaty" in f.context[0].text


def test_without_a_lede_date_the_publication_date_stands_in_with_low_confidence() -> None:
    f = features(Spec("x", ["Officials held talks in Beijing."], "2023-12-21", "t"))
    assert (f.event_date, f.date_source) == ("2023-12-21", "published")
    assert f.date_interval() is not None
    lo, hi = f.date_interval()  # type: ignore[misc]
    assert hi - lo == 3  # the report may come a few days after the happening


def test_a_future_date_in_the_lede_is_not_the_happening() -> None:
    spec = Spec(
        "x",
        ["The ministers announced talks.", "They will meet on May 3 in Minsk."],
        "2025-04-01",
        "t",
        dates=[("May 3", "2025-05-03", "day")],
    )
    assert features(spec).date_source == "published"


def test_kind_from_cues_title_first() -> None:
    assert detect_kind("Ministers hold video call", "They discussed exercises.") == "call"
    assert detect_kind("", "The navies began joint drills on Monday.") == "exercise"
    assert detect_kind("", "The minister said the talks went well.") == "talks"
    assert detect_kind("", "Nothing of note.") is None


def test_a_cue_after_since_is_a_reference_point_not_the_happening() -> None:
    """Seed 003's lede names the minister's appointment only as "since his appointment";
    the happening is the video call (the tie went to the appointment, cued first)."""
    lede = (
        "The minister told his counterpart that cooperation matters, in his first public "
        "appearance since his appointment last year. The two spoke during a video call on Wednesday."
    )
    assert detect_kind("", lede) == "call"
    assert detect_kind("", "The quake was the strongest since the 2011 earthquake.") == "disaster"
    assert detect_kind("", "The president appointed a new minister on Friday.") == "appointment"


def test_participants_are_the_people_and_countries_the_lede_names() -> None:
    f = features(call_corpus()[0])
    assert {"ent-belousov", "ent-dong", "ent-russia", "ent-china"} <= set(f.participants)


def test_features_round_trip_through_the_store(store: Store) -> None:
    f = features(call_corpus()[0])
    seed(store, call_corpus()[:1])
    with store.atomic() as conn:
        repo.write_features(conn, [f])
        back = repo.load_features(conn, [f.article])[f.article]
    assert back == f


# --- the score ------------------------------------------------------------------------------


def _event(specs: list[Spec]) -> ev.EventState:
    state = ev.EventState("e", 384)
    for s in specs:
        state.add(features(s), vector(s))
    return state


def test_same_call_scores_above_the_threshold_lookalike_below() -> None:
    a1, a2, a3, _ = call_corpus()
    event = _event([a1])
    clusterer = ev.Clusterer()
    same = clusterer.score(features(a2), vector(a2), event)
    assert same is not None and same >= ev.JOIN_PROBABILITY
    # same minister, a video call too, but the previous counterpart two years earlier
    assert clusterer.score(features(a3), vector(a3), event) is None  # vetoed by the dates


def test_people_clash_marks_another_counterpart() -> None:
    a1, _, a3, _ = call_corpus()
    moved = Spec(a3.id, a3.lines, "2026-01-28", a3.topic, a3.entities, [("Wednesday", "2026-01-27", "day")])
    values = ev.pair_features(features(moved), vector(moved), _event([a1]))
    assert values["people_clash"] == 1.0
    assert values["date_agree"] == 1.0


def test_event_state_does_not_depend_on_join_order() -> None:
    specs = call_corpus()[:2]
    forward, backward = _event(specs), _event(specs[::-1])
    assert np.array_equal(forward.vec_sum, backward.vec_sum)
    assert forward.entity_sum == backward.entity_sum
    assert forward.date() == backward.date()


def test_a_merged_event_is_the_event_its_members_build() -> None:
    specs = call_corpus()
    merged = _event(specs[:2])
    merged.absorb(_event(specs[2:]))
    whole = _event(specs)
    assert np.array_equal(merged.vec_sum, whole.vec_sum)
    assert merged.term_sum == whole.term_sum and merged.entity_sum == whole.entity_sum
    assert merged.lexical_members == whole.lexical_members
    assert sorted(merged.sample) == sorted(whole.sample)
    assert merged.date() == whole.date() and merged.size == whole.size


def test_average_link_is_the_mean_over_member_pairs() -> None:
    specs = call_corpus()
    a, b = _event(specs[:2]), _event(specs[2:])
    pairs = [
        float(np.dot(vector(x), vector(y)))
        + sum(w * features(y).terms.get(t, 0.0) for t, w in features(x).terms.items())
        for x in specs[:2]
        for y in specs[2:]
    ]
    assert ev.average_link(a, b) == pytest.approx(sum(pairs) / len(pairs), abs=1e-4)


def test_most_supported_date_prefers_the_lede_day_over_a_publication_fallback() -> None:
    a1 = call_corpus()[0]
    late = Spec("late", ["Defence ministers talked, officials said."], "2026-01-29", "ministers-call")
    assert _event([late, a1]).date()[:2] == ("2026-01-27", "day")  # type: ignore[index]


# --- the stage --------------------------------------------------------------------------------


def test_cluster_pending_splits_the_traps_and_fills_the_store(store: Store) -> None:
    seed(store, call_corpus())
    report = ev.cluster_pending(store)
    assert report.articles == 4 and report.new_events == 3
    with store.read() as conn:
        events = repo.all_events(conn)
        assignment = repo.article_events(conn)
        assert repo.pending(conn) == []
        storylines = repo.all_storylines(conn)
    assert all(isinstance(e, Event) for e in events)
    assert assignment["a1"] == assignment["a2"] == ev.event_id_for("a1")
    assert len({assignment["a1"], assignment["a3"], assignment["a4"]}) == 3
    call = next(e for e in events if e.id == assignment["a1"])
    assert (call.date, call.granularity, call.kind) == ("2026-01-27", "day", "call")
    assert call.title == "Andrey Belousov and Dong Jun hold call"
    assert {"ent-belousov", "ent-dong"} <= set(call.participants)
    assert sorted(call.articles) == ["a1", "a2"]
    assert [e.date for e in events] == sorted(e.date for e in events)  # a timeline
    assert len(storylines) == 1 and sorted(storylines[0].events) == sorted(e.id for e in events)
    assert [c.date for c in storylines[0].context] == ["2001"]


def test_a_merge_with_a_stored_event_keeps_its_members(store: Store) -> None:
    """Events stored by an earlier run, merged by a later one: the absorbed event's
    articles move to the survivor.  The absorbed event used to be deleted first, and the
    store's cascade deleted its member rows with it: its articles were left in no event."""
    seed(store, call_corpus())
    ev.cluster_pending(store)
    with store.read() as conn:
        before = repo.article_events(conn)
    keep, gone = before["a1"], before["a3"]
    assert keep != gone
    clusterer = ev.Clusterer()
    with store.read() as conn:
        for state in ev._rebuild(conn, [keep, gone], set(), clusterer.dim):
            clusterer.load(state)
    clusterer.events[keep].absorb(clusterer.events.pop(gone))
    clusterer.merged[gone] = keep
    clusterer.unwritten.add(gone)
    ev._write(store, clusterer, ev._Batch([], {}, {}, {}, {}), {keep, gone}, ev.ClusterReport())
    with store.read() as conn:
        after = repo.article_events(conn)
        stored = {e.id for e in repo.all_events(conn)}
    assert after["a3"] == after["a1"] == keep
    assert set(after) == set(before) and gone not in stored


def test_second_run_finds_nothing_to_do(store: Store) -> None:
    seed(store, call_corpus())
    ev.cluster_pending(store)
    again = ev.cluster_pending(store)
    assert again.articles == 0 and again.events == []


def test_duplicates_join_their_originals_event(store: Store) -> None:
    specs = call_corpus()[:1]
    copy = Spec("a1-copy", specs[0].lines, "2026-01-29", "other-topic", specs[0].entities, duplicate_of="a1")
    seed(store, [*specs, copy])
    report = ev.cluster_pending(store)
    with store.read() as conn:
        assignment = repo.article_events(conn)
    assert assignment["a1-copy"] == assignment["a1"]
    assert report.duplicates == 1


def test_an_updated_article_is_clustered_anew(store: Store) -> None:
    seed(store, call_corpus())
    ev.cluster_pending(store)
    with store.atomic() as conn:
        article_repo.update_meta(conn, "a4", {"published": "2024-10-16"})
        article_repo.mark(conn, ["a4"], "enriched_at")
    report = ev.cluster_pending(store)
    with store.read() as conn:
        assignment = repo.article_events(conn)
        events = repo.all_events(conn)
    assert report.articles == 1
    assert len(events) == 3 and assignment["a4"] == ev.event_id_for("a4")


def test_an_article_without_a_stored_embedding_gets_one(store: Store, monkeypatch) -> None:
    spec = call_corpus()[0]
    article, analysis = build(spec)
    with store.atomic() as conn:
        repo.seed_enriched(conn, [article], {article.id: analysis})
    monkeypatch.setattr(ev.embed, "embed", lambda texts: np.stack([vector(spec) for _ in texts]))
    ev.cluster_pending(store)
    with store.read() as conn:
        assert article.id in repo.load_vectors(conn, [article.id], ev.embed.MODEL_NAME)


def test_events_sharing_a_participant_are_scored_only_up_to_a_bound() -> None:
    """Sixty events over two months all name Russia: the article is scored against the
    nearest of them by embedding, not against every one the date veto lets through."""
    clusterer = ev.Clusterer()
    for i in range(60):
        day = (date(2025, 3, 1) + timedelta(days=i)).isoformat()
        s = Spec(f"r{i}", [f"Russia and team {i} met in Lisvara."], day, f"topic-{i}",
                 [("Russia", "GPE", "ent-ru"), (f"team {i}", "ORG", f"ent-t{i}")])  # fmt: skip
        clusterer.assign(features(s), vector(s))
    assert len(clusterer.events) > ev.SHARING_CANDIDATES + ev.CANDIDATES_PER_SOURCE
    probe = Spec("p", ["Russia and team 41 met in Lisvara."], "2025-03-31", "topic-41",
                 [("Russia", "GPE", "ent-ru"), ("team 41", "ORG", "ent-t41")])  # fmt: skip
    found = clusterer.candidates(features(probe), vector(probe))
    assert ev.event_id_for("r41") in found
    assert len(found) <= ev.SHARING_CANDIDATES + ev.CANDIDATES_PER_SOURCE


def test_candidates_come_from_the_index_not_every_event() -> None:
    clusterer = ev.Clusterer()
    for i in range(40):  # forty one-article events over forty weeks
        day = f"2025-{1 + i // 4:02d}-{1 + 7 * (i % 4):02d}"
        s = Spec(
            f"w{i}", [f"Officials of team {i} met."], day, f"topic-{i}", [(f"Team {i}", "ORG", f"ent-t{i}")]
        )
        clusterer.assign(features(s), vector(s))
    probe = Spec("p", ["Officials of team 3 met."], "2025-01-22", "topic-3", [("Team 3", "ORG", "ent-t3")])
    found = clusterer.candidates(features(probe), vector(probe))
    assert ev.event_id_for("w3") in found
    assert len(found) < 10


def test_events_found_by_participant_do_not_depend_on_insertion_order() -> None:
    """A stream's run loads stored events in id order; one batch made them in its own
    order: past the per-participant bound, both must find the same events."""
    states = []
    for i in range(ev.MAX_EVENTS_PER_ENTITY + 20):
        day = (date(2025, 1, 1) + timedelta(days=i % 50)).isoformat()
        spec = Spec(f"r{i:03d}", [f"Russia holds talks, report {i} says."], day, f"t{i}", [RUSSIA])
        state = ev.EventState(f"e{i:03d}", 384)
        state.add(features(spec), vector(spec))
        states.append(state)
    found = []
    for order in (states, list(reversed(states))):
        index = ev.EventIndex(384)
        for state in order:
            index.put(state)
        found.append(index.sharing(["ent-russia"]))
    assert len(found[0]) == ev.MAX_EVENTS_PER_ENTITY
    assert found[0] == found[1]
