"""The enrich stage as a batch: an article whose analysis raises is reported and skipped,
the rest of its batch is analysed and stored, and a rerun does not trip on it again."""

from __future__ import annotations

import pytest

from storyline.enrich import stage
from storyline.enrich.analyze import analyze_and_embed
from storyline.ingest.stage import ingest_items
from storyline.model import ArticleInput
from storyline.store import articles as article_repo

pytestmark = pytest.mark.xdist_group("models")

TEXTS = {
    "calm-1": "The harbour board approved the new ferry timetable on Monday after a consultation.",
    "poison": "The council met on Tuesday to discuss the bridge repairs and the budget.",
    "calm-2": "Farmers in the valley said on Wednesday that the late frost had spared the orchards.",
}


def test_a_failing_article_is_reported_and_the_batch_goes_on(store, monkeypatch) -> None:
    ingest_items(store, [ArticleInput(text=t, id=k, language="en", origin=k) for k, t in TEXTS.items()])

    def flaky(items, model=None):
        if any(item.id == "poison" for item in items):
            raise RuntimeError("the parser choked")
        return analyze_and_embed(items, model)

    monkeypatch.setattr(stage, "analyze_and_embed", flaky)
    report = stage.enrich_pending(store, processes=1)
    assert report.enriched == 2
    assert "RuntimeError: the parser choked" in report.passed_over["poison"]
    with store.read() as conn:
        assert article_repo.pending(conn, "enriched_at") == []
    again = stage.enrich_pending(store, processes=1)
    assert again.enriched == 0 and again.passed_over == {}
