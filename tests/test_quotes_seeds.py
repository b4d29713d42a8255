"""Golden: every direct quote of the five seed articles, and the partial quotes, with the
speaker a reader would name.  Expected speakers were read off the articles by hand; quotes
are identified by a few of their words, so no article text lives in the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from quote_helpers import entities_for, parse

from storyline.enrich.quotes import find_quotes
from storyline.ingest.clean import clean_text
from storyline.model import Quote

pytestmark = pytest.mark.slow

# seed -> [(words of the quote, kind, words the speaker's name must contain)]
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "000": [
        ("many events occurred that significantly", "partial", "Belousov"),  # He noted that … “…”
        ("Since our last meeting in June last year", "direct", "Belousov"),
        ("I am confident that today", "direct", "Belousov"),  # he added
        ("China is ready to enrich", "direct", "Dong"),
        ("We will continue to build", "direct", "Dong"),  # he noted
        ("This year marks", "direct", "Dong"),  # Dong emphasized
    ],
    "001": [
        ("strengthen strategic coordination", "partial", "Dong Jun"),
        ("enrich the substance of cooperation", "partial", "Dong Jun"),
        ("further strengthen our bilateral", "partial", "Belousov"),
        ("inject positive energy", "partial", "Chinese Defence Ministry"),  # the ministry's statement
    ],
    "002": [
        ("military departments of Russia and China", "direct", "Belousov"),  # said via a post on Telegram
        ("separatist acts", "partial", "China"),  # what it called “…”
    ],
    "003": [
        ("We have supported you", "direct", "Dong Jun"),
        ("will not change or abandon", "partial", "Dong Jun"),
        ("strong support from the Russian side", "partial", "Dong Jun"),  # Dong added
        ("As the two most important", "direct", "Dong Jun"),  # the quote after "Dong added"
        ("the US is always targeting", "direct", "Dong Jun"),  # China's newly-appointed defense chief
        ("history and the reality prove", "partial", "Dong Jun"),
        ("creating military blocs", "partial", "Shoigu"),
        ("directed against third countries", "partial", "Shoigu"),
        ("Russian-Chinese relations in the military sphere", "direct", "Shoigu"),  # the defense chief noted
        ("close, productive cooperation", "partial", "Shoigu"),
        ("Cold War mentality", "partial", "Chinese officials"),
    ],
    "004": [
        ("strategic coordination", "partial", "Chinese and Russian military officials"),  # headline
        ("in-depth exchange of views", "partial", "China’s defence ministry"),  # the ministry said
        ("necessary for the healthy", "partial", "Wang Wenbin"),
        ("Next year, China and Russia", "direct", "Wang Wenbin"),  # Wang said
        ("We look forward to deepening", "direct", "Wang Wenbin"),
        ("no violations of the airspace", "partial", "Russia’s defence ministry"),  # It said
    ],
}
# Scare quotes, labels and single words in quotation marks: never quotes.
NOT_QUOTES = {
    "002": ["substantive", "no limits", "new era", "fruitful work"],
    "003": ["Taiwan issue", "decisively"],
    "004": ["strategic consultations"],
}


def _norm(text: str) -> str:
    return text.lower().replace("’", "'")


@pytest.fixture(scope="module")
def seed_quotes(seeds: Path) -> dict[str, tuple[str, list[Quote]]]:
    out = {}
    for path in sorted(seeds.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        doc = parse(cleaned.text)
        article = f"seed-{path.name[:3]}"
        mentions, entities = entities_for(doc, article, cleaned.blocks)
        out[path.name[:3]] = (cleaned.text, find_quotes(doc, article, cleaned.blocks, mentions, entities))
    return out


def _the_quote(quotes: list[Quote], words: str) -> Quote:
    found = sorted((q for q in quotes if q.kind != "indirect" and words in q.text), key=lambda q: len(q.text))
    assert found, f"no direct or partial quote with {words!r}"
    return found[0]


@pytest.mark.parametrize(
    ("seed", "words", "kind", "who"),
    [(seed, words, kind, who) for seed, rows in EXPECTED.items() for words, kind, who in rows],
)
def test_quote_and_speaker(seed_quotes, seed: str, words: str, kind: str, who: str):
    text, quotes = seed_quotes[seed]
    q = _the_quote(quotes, words)
    assert q.kind == kind
    assert q.speaker_name is not None and _norm(who) in _norm(q.speaker_name), q
    assert text[q.start : q.end] == q.text
    if q.speaker_start is not None:
        assert q.speaker_end is not None and q.speaker_start < q.speaker_end


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_every_direct_quote_is_expected_and_has_a_speaker(seed_quotes, seed: str):
    _, quotes = seed_quotes[seed]
    directs = [q for q in quotes if q.kind == "direct"]
    expected = [words for words, kind, _ in EXPECTED[seed] if kind == "direct"]
    assert len(directs) == len(expected), [q.text[:40] for q in directs]
    assert all(q.speaker_name for q in directs)
    assert all(any(words in q.text for q in directs) for words in expected)


def test_person_speakers_link_to_an_entity(seed_quotes):
    _, quotes = seed_quotes["000"]
    assert all(q.speaker_local is not None for q in quotes if q.kind == "direct")


@pytest.mark.parametrize("seed", sorted(NOT_QUOTES))
def test_scare_quotes_are_not_quotes(seed_quotes, seed: str):
    _, quotes = seed_quotes[seed]
    texts = {q.text for q in quotes if q.kind != "indirect"}
    assert not texts & set(NOT_QUOTES[seed])
