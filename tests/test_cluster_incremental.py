"""Adding articles one run at a time gives the same events as clustering them in one batch."""

from __future__ import annotations

from cluster_fixtures import Spec, bridged_captures, call_corpus, many_events, seed
from conftest import scratch_url

from storyline.cluster.events import cluster_pending
from storyline.store import events as repo
from storyline.store.db import Store


def _order(specs: list[Spec]) -> list[Spec]:
    """The order the stage takes pending articles in: published, then id."""
    return sorted(specs, key=lambda s: (s.published or "", s.id))


def _snapshot(store: Store) -> tuple[dict[str, str], list[tuple]]:
    with store.read() as conn:
        events = repo.all_events(conn)
        assignment = repo.article_events(conn)
    fields = sorted(
        (
            e.id,
            e.title,
            e.date,
            e.granularity,
            e.kind,
            e.location,
            tuple(e.participants),
            tuple(sorted(e.articles)),
        )
        for e in events
    )
    return assignment, fields


def _batch(specs: list[Spec], vectors: dict | None = None) -> tuple[dict[str, str], list[tuple]]:
    store = Store(scratch_url())
    seed(store, specs, vectors)
    cluster_pending(store)
    return _snapshot(store)


def _one_at_a_time(specs: list[Spec], vectors: dict | None = None) -> tuple[dict[str, str], list[tuple]]:
    store = Store(scratch_url())
    for spec in _order(specs):
        seed(store, [spec], vectors)
        cluster_pending(store)
    return _snapshot(store)


def test_one_at_a_time_equals_batch_on_the_call_traps() -> None:
    assert _one_at_a_time(call_corpus()) == _batch(call_corpus())


def test_one_at_a_time_equals_batch_on_many_events() -> None:
    specs = many_events()
    batch = _batch(specs)
    assert _one_at_a_time(specs) == batch
    assignment, fields = batch
    assert len(fields) == 8  # eight happenings, look-alike pairs kept apart
    for spec in specs:
        assert assignment[spec.id] == assignment[f"{spec.id.split('-')[0]}-0"]


def test_one_at_a_time_equals_batch_when_an_event_is_cut_in_two() -> None:
    """The cut happens after the same article either way, and the store follows it: the
    articles moved to the new event were written in earlier runs."""
    specs, vectors = bridged_captures()
    batch = _batch(specs, vectors)
    assert _one_at_a_time(specs, vectors) == batch
    assignment, fields = batch
    assert len(fields) == 2
    for ship in ("mysore", "sukanya"):
        assert len({assignment[f"{ship}-{i}"] for i in range(5)}) == 1
    assert assignment["mysore-0"] != assignment["sukanya-0"]


def test_rerun_on_a_fresh_store_gives_the_same_ids() -> None:
    assert _batch(many_events()) == _batch(many_events())


def test_storylines_one_at_a_time_equal_batch() -> None:
    def storylines(one_at_a_time: bool) -> list[tuple]:
        store = Store(scratch_url())
        if one_at_a_time:
            for spec in _order(call_corpus()):
                seed(store, [spec])
                cluster_pending(store)
        else:
            seed(store, call_corpus())
            cluster_pending(store)
        with store.read() as conn:
            return sorted((s.id, tuple(sorted(s.events))) for s in repo.all_storylines(conn))

    assert storylines(True) == storylines(False)
