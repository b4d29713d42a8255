"""Kept claim-unit and quote-piece vectors: an event compared again embeds only the
texts of the reports it did not have, and gets the comparison fresh vectors give."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from test_compare_stage import RESCUE

from storyline.cluster.events import cluster_pending
from storyline.compare import stage
from storyline.compare.vectors import KEY_BYTES, VectorCache, article_texts, pack, text_key, unpack
from storyline.model import Analysis, Article, Block, Quote, UnitReading
from storyline.store import comparisons as repo
from storyline.store import events as event_repo
from storyline.store import schema


def counting_embed(calls: list[list[str]]):
    """A deterministic stand-in for MiniLM that records what it was asked to embed."""

    def embed(texts):
        calls.append(list(texts))
        rows = [np.frombuffer(text_key(t) * 48, dtype=np.uint8)[:8].astype(np.float32) + 1 for t in texts]
        return np.array(rows, dtype=np.float32).reshape(len(texts), 8)

    return embed


def test_rows_round_trip_and_a_wrong_size_is_refused() -> None:
    vectors = {text_key(t): np.arange(4, dtype=np.float16) + i for i, t in enumerate(["a", "b", "c"])}
    data = pack(vectors)
    assert len(data) == 3 * (KEY_BYTES + 2 * 4)
    back = unpack(data, 4)
    assert back.keys() == vectors.keys()
    assert all(np.array_equal(back[k], vectors[k]) for k in vectors)
    assert unpack(pack({}), 4) == {}
    with pytest.raises(ValueError, match="does not hold 5-dimensional"):
        unpack(data, 5)


def test_the_cache_embeds_each_text_once_and_serves_kept_vectors_without_the_model() -> None:
    calls: list[list[str]] = []
    cache = VectorCache(counting_embed(calls))
    first = cache(["one", "two", "one"])
    assert calls == [["one", "two"]] and cache.embedded == 2
    assert np.array_equal(first[0], first[2])
    # what comparison reads went through float16, as a kept vector will
    assert np.array_equal(first, first.astype(np.float16).astype(np.float32))

    kept = VectorCache(counting_embed(calls), [cache.vectors])
    again = kept(["two", "one", "three"])
    assert calls[-1] == ["three"] and kept.embedded == 1
    assert np.array_equal(again[:2], first[[1, 0]])


def test_rows_hold_only_each_articles_own_texts_and_only_when_changed() -> None:
    text = "Ships sailed on Monday. Talks began."
    article = Article("a", text, blocks=[Block(0, len(text), "body")])
    analysis = Analysis(
        article="a",
        units=[UnitReading(0, 23, 0), UnitReading(24, 36, 1)],
        quotes=[Quote(id="q", article="a", text="we will sail again soon", kind="direct", start=0, end=0)],
    )
    texts = article_texts(article, analysis)
    assert texts[:2] == ["Ships sailed on Monday.", "Talks began."] and "we will sail again soon" in texts
    cache = VectorCache(counting_embed([]))
    cache([*texts, "a text of another article"])
    rows = cache.rows([article], [analysis], {})
    assert rows["a"].keys() == {text_key(t) for t in texts}
    assert cache.rows([article], [analysis], {"a": rows["a"]}) == {}  # stored already


@pytest.mark.slow
def test_an_event_compared_again_embeds_only_the_new_report(store, monkeypatch) -> None:
    """Before, every comparison embedded every claim unit and quote piece of the event
    again; now the first outlets' vectors are kept and only the third report is embedded,
    and the result is the comparison of the three from scratch."""
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.stage import ingest_items
    from storyline.model import ArticleInput

    def add(items: dict[str, str]) -> None:
        inputs = [
            ArticleInput(text=t, id=k, language="en", origin=k, source=f"Outlet {k}", published="2026-02-02")
            for k, t in items.items()
        ]
        ingest_items(store, inputs)
        enrich_pending(store, processes=1)
        cluster_pending(store)

    embedded: list[str] = []
    real = stage.default_embed

    def recording(texts):
        embedded.extend(texts)
        return real(texts)

    monkeypatch.setattr(stage, "default_embed", recording)
    add(RESCUE)
    first = stage.compare_pending(store, processes=1)
    assert first.compared == 1 and first.embedded == len(embedded) > 0
    with store.read() as conn:
        kept = repo.kept_vectors(conn, list(RESCUE), "all-MiniLM-L6-v2")
    assert kept.keys() == set(RESCUE)

    third = (
        "Fourteen fishermen were rescued from a sinking trawler off Lisvara on Sunday, the coast guard said."
    )
    add({"w": third})
    before, embedded[:] = list(embedded), []
    again = stage.compare_pending(store, processes=1)
    assert again.compared == 1 and again.embedded == len(embedded) > 0
    assert not set(embedded) & set(before)  # nothing embedded the first time was embedded again
    with store.read() as conn:
        (event,) = set(event_repo.event_of_articles(conn, [*RESCUE, "w"]).values())
        articles = stage.event_inputs(conn, event).articles  # as the stage reads them
        analyses = repo.analyses_of(conn, [a.id for a in articles])
        rows = {
            a: unpack(data, 384)
            for a, data in repo.kept_vectors(conn, [*RESCUE, "w"], "all-MiniLM-L6-v2").items()
        }
    # each text embedded now is kept in the row of the article it belongs to
    owners = {a.id: {text_key(t) for t in article_texts(a, analyses[a.id])} for a in articles}
    for text in embedded:
        assert any(text_key(text) in rows[a] for a, keys in owners.items() if text_key(text) in keys)

    monkeypatch.setattr(stage, "default_embed", real)
    with store.read() as conn:
        date = repo.event_row(conn, event).date
        claims = conn.execute(
            sa.select(schema.claims.c.text, schema.claims.c.status).where(schema.claims.c.event == event)
        ).all()
    fresh = stage.compare_event(event, articles, [analyses[a.id] for a in articles], date)
    assert sorted(map(tuple, claims)) == sorted((c.text, c.status) for c in fresh.claims)
