"""The compare stage as a batch: an event whose comparison raises is reported and left
pending, the others are stored, and a rerun compares only what is left."""

from __future__ import annotations

import pytest
from cluster_fixtures import call_corpus, seed

from storyline.cluster.events import cluster_pending
from storyline.compare import stage
from storyline.store import articles as article_repo
from storyline.store import comparisons as repo
from storyline.store import events as event_repo

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


# Two outlets on one made-up rescue: a figure they disagree on, a place, a loaded word.
RESCUE = {
    "x": "The coast guard rescued 14 fishermen from a sinking trawler off Lisvara on Sunday. "
    "The harbour master did not blame the notorious crew.",
    "y": "Nine fishermen were pulled from a sinking trawler off Lisvara by the coast guard on Sunday. "
    "The harbour master blamed the crew, officials said.",
}


def rescue_articles():
    from storyline.model import Article, Block

    return [
        Article(k, t, source=f"Outlet {k}", published="2026-02-02", blocks=[Block(0, len(t), "body")])
        for k, t in RESCUE.items()
    ]


def test_enrichment_keeps_what_comparison_reads_so_it_never_parses(monkeypatch) -> None:
    """The readings enrichment keeps give the comparison a fresh parse gives, and with them
    comparing parses nothing (before, every comparison re-parsed every article)."""
    from dataclasses import replace

    from storyline.enrich.analyze import AnalysisInput, analyze

    articles = rescue_articles()
    analyses = analyze([AnalysisInput.of(a) for a in articles])
    assert all(an.units and an.framing is not None for an in analyses)
    assert any(q.value == 14 for an in analyses for u in an.units for q in u.quantities)
    reparsed = stage.compare_event("ev", articles, [replace(a, units=None, framing=None) for a in analyses])

    def no_parse(_articles):
        raise AssertionError("comparison parsed an article enrichment had read")

    monkeypatch.setattr(stage, "parse", no_parse)
    kept = stage.compare_event("ev", articles, analyses)
    assert kept == reparsed
    assert any(c.status == "contradicted" for c in kept.claims)


def test_readings_survive_the_store(store) -> None:
    """Unit readings and framing round-trip through SQLite and PostgreSQL unchanged, and
    re-enriching an article replaces them."""
    from storyline.enrich.analyze import AnalysisInput, analyze
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.stage import ingest_items
    from storyline.model import ArticleInput

    ingest_items(
        store,
        [
            ArticleInput(text=t, id=k, language="en", origin=k, source=f"Outlet {k}")
            for k, t in RESCUE.items()
        ],
    )
    enrich_pending(store, processes=1)
    with store.read() as conn:
        articles = {a.id: a for a in article_repo.get_many(conn, list(RESCUE))}
        stored = repo.analyses_of(conn, list(RESCUE))
    fresh = {a.article: a for a in analyze([AnalysisInput.of(articles[k]) for k in RESCUE])}
    for k in RESCUE:
        assert stored[k].units == fresh[k].units and stored[k].units
        assert stored[k].framing == fresh[k].framing
    with store.atomic() as conn:
        from storyline.store import analysis as analysis_repo

        analysis_repo.clear(conn, ["x"])
    with store.read() as conn:
        assert "x" not in analysis_repo.readings_of(conn, ["x", "y"])


def test_an_event_whose_compared_articles_did_not_change_is_not_compared_again(store, monkeypatch) -> None:
    """A syndicated copy joining an event marks it changed, but comparison reads only
    originals: the stored comparison stands, nothing is loaded or embedded.  A report from
    a third outlet changes the inputs and is compared.  (Before, every change compared
    the whole event again: a stream compared a large event once per slice.)"""
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.stage import ingest_items
    from storyline.model import ArticleInput

    def add(items: dict[str, tuple[str, str]]) -> None:
        inputs = [
            ArticleInput(text=t, id=k, language="en", origin=k, source=s, published="2026-02-02")
            for k, (t, s) in items.items()
        ]
        ingest_items(store, inputs)
        enrich_pending(store, processes=1)
        cluster_pending(store)

    add({k: (t, f"Outlet {k}") for k, t in RESCUE.items()})
    first = stage.compare_pending(store, processes=1)
    assert first.compared == 1 and first.unchanged == 0
    with store.read() as conn:
        (event,) = set(event_repo.event_of_articles(conn, list(RESCUE)).values())
        stored = repo.inputs_of(conn, event)
    assert stored

    add({"x-copy": (RESCUE["x"], "Outlet z")})
    with store.read() as conn:
        assert repo.pending_events(conn) == [event]  # the copy joined the event
    real = stage.compare_event

    def must_not_run(*args, **kwargs):
        raise AssertionError("an unchanged event was compared again")

    monkeypatch.setattr(stage, "compare_event", must_not_run)
    again = stage.compare_pending(store, processes=1)
    assert (again.compared, again.unchanged) == (0, 1)
    with store.read() as conn:
        assert repo.pending_events(conn) == [] and repo.inputs_of(conn, event) == stored

    monkeypatch.setattr(stage, "compare_event", real)
    third = (
        "Fourteen fishermen were rescued from a sinking trawler off Lisvara on Sunday, the coast guard said."
    )
    add({"w": (third, "Outlet w")})
    with store.read() as conn:
        assert event_repo.event_of_articles(conn, ["w"]) == {"w": event}
    changed = stage.compare_pending(store, processes=1)
    assert (changed.compared, changed.unchanged) == (1, 0)
    with store.read() as conn:
        assert repo.inputs_of(conn, event) != stored


def test_the_inputs_digest_changes_with_what_comparison_reads() -> None:
    articles = rescue_articles()
    analysed = {a.id: "2026-02-02 10:00:00" for a in articles}
    digest = stage.inputs_digest(articles, analysed, "2026-02-01")
    assert stage.inputs_digest(articles, dict(analysed), "2026-02-01") == digest
    assert stage.inputs_digest(articles, analysed, "2026-01-31") != digest  # the event's date
    assert stage.inputs_digest(articles[:1], analysed, "2026-02-01") != digest  # the articles
    again = {**analysed, "x": "2026-03-01 09:00:00"}  # an article analysed again
    assert stage.inputs_digest(articles, again, "2026-02-01") != digest
