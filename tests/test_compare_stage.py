"""The compare stage as a batch: an event whose comparison raises is reported and left
pending, the others are stored, and a rerun compares only what is left."""

from __future__ import annotations

import pytest
from cluster_fixtures import call_corpus, seed

from storyline.cluster.events import cluster_pending
from storyline.compare import stage
from storyline.store import comparisons as repo

pytestmark = pytest.mark.slow


def test_a_failing_event_is_reported_and_left_pending(store, monkeypatch) -> None:
    seed(store, call_corpus())
    cluster_pending(store)
    with store.read() as conn:
        pending = repo.pending_events(conn)
        victim = next(e for e in pending if len(repo.event_article_ids(conn, e)) >= 2)
    real = stage.compare_event

    def flaky(event_id, *args, **kwargs):
        if event_id == victim:
            raise RuntimeError("the parser choked")
        return real(event_id, *args, **kwargs)

    monkeypatch.setattr(stage, "compare_event", flaky)
    report = stage.compare_pending(store, processes=1)
    assert report.failed == {victim: "RuntimeError: the parser choked"}
    assert report.compared + report.skipped == len(pending) - 1
    with store.read() as conn:
        assert repo.pending_events(conn) == [victim]  # the others are done, compared or skipped
    monkeypatch.setattr(stage, "compare_event", real)
    again = stage.compare_pending(store, processes=1)
    assert again.failed == {} and again.compared + again.skipped == 1
