"""Search answers the same on both back ends: prefixes, markup-like text, ties.

Run in both passes; each case once failed on PostgreSQL only (see store/search.py).
"""

from __future__ import annotations

import pytest

from storyline.store import schema as t
from storyline.store import search
from storyline.store.db import Store

TEXTS = {
    "art-b": "Officials met <in Vell> to sign the accord &amp; left before noon.",
    "art-a": "Officials met <in Vell> to sign the accord &amp; left before noon.",
    "art-c": "Smugglers used the northern routes, the coast guard said.",
}


@pytest.fixture
def filled(store: Store) -> Store:
    with store.atomic() as conn:
        conn.execute(
            t.articles.insert(),
            [
                {"id": aid, "content_hash": aid, "title": None, "text": text, "blocks": [], "words": 10,
                 "ingested_at": t.utcnow()}
                for aid, text in TEXTS.items()
            ],
        )  # fmt: skip
    return store


def ids(store: Store, query: str, limit: int = 20) -> list[str]:
    with store.read() as conn:
        return [h.id for h in search.search(conn, query, kinds=("article",), limit=limit).hits]


def test_last_word_is_a_prefix(filled: Store) -> None:
    assert ids(filled, "smugg") == ["art-c"]
    assert ids(filled, "northern rout") == ["art-c"]


def test_words_beside_angle_brackets_and_ampersands_are_found(filled: Store) -> None:
    assert ids(filled, "in vell") == ["art-a", "art-b"]
    assert ids(filled, "accord amp") == ["art-a", "art-b"]


def test_snippets_keep_the_text_as_written(filled: Store) -> None:
    with filled.read() as conn:
        hit = search.search(conn, "vell", kinds=("article",)).hits[0]
    shown = "".join(text for text, _match in hit.fragments)
    assert "<in Vell>" in shown and "&amp;" in shown
    assert [text for text, match in hit.fragments if match] == ["Vell"]


def test_equal_scores_page_by_id(filled: Store) -> None:
    assert ids(filled, "officials", limit=1) == ["art-a"]
