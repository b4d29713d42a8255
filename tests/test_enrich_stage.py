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


def test_a_store_made_before_weeks_were_kept_gains_the_column(make_store) -> None:
    """Migration v6 adds `timerefs.precise` to a store made before it; rows stay."""
    import sqlalchemy as sa

    from storyline.store.db import Store
    from storyline.store.migrations import MIGRATIONS, current_version

    old = make_store()
    ingest_items(old, [ArticleInput(text=TEXTS["calm-1"], id="calm-1", language="en", origin="calm-1")])
    stage.enrich_pending(old, processes=1)
    with old.atomic() as conn:
        conn.exec_driver_sql("ALTER TABLE timerefs DROP COLUMN precise")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 5")
    reopened = Store(old.url)
    try:
        with reopened.read() as conn:
            assert current_version(conn) == len(MIGRATIONS)
            assert "precise" in {c["name"] for c in sa.inspect(conn).get_columns("timerefs")}
            assert conn.exec_driver_sql("SELECT count(*) FROM timerefs").scalar() >= 1
    finally:
        reopened.close()
