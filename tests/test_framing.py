"""Own-voice framing versus attribution, and sourcing profiles, on sentences written for
these tests: the same loaded word is framing in the outlet's voice and not inside a quote,
a reported clause, a characterisation someone makes, or after "so-called"."""

from __future__ import annotations

import pytest

from storyline.compare.framing import LEXICON, frame_article, lexicon_hits, source_kind, sourcing
from storyline.enrich.analyze import AnalysisInput, analyze
from storyline.enrich.nlp import annotate
from storyline.model import Analysis, Article, Block, Quote

pytestmark = pytest.mark.slow


def framing_of(text: str):
    article = Article(
        "t", text, source="Outlet", published="2026-05-05", blocks=[Block(0, len(text), "body")]
    )
    analysis = analyze([AnalysisInput.of(article)])[0]
    doc = next(annotate([text], disable=("ner",)))
    return frame_article(article, analysis, doc)


def kinds_at(text: str, words: str) -> set[str]:
    at = text.index(words)
    return {f.kind for f in framing_of(text) if f.start < at + len(words) and at < f.end}


@pytest.mark.parametrize(
    "text",
    [
        "The regime's reckless provocations in the strait have alarmed shipping firms.",
        "Harbour workers staged terror riots in the port city on Monday.",
        "The illegal blockade of the harbour entered its third week.",
    ],
)
def test_loaded_wording_in_own_voice(text: str):
    word = next(w for w in ("reckless", "terror", "illegal") if w in text)
    assert "loaded-own-voice" in kinds_at(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("“The regime's reckless provocations must stop,” the minister said.", "reckless"),
        ("The minister said the regime's provocations were reckless.", "reckless"),
        ("Critics accuse the government of reckless spending on the port.", "reckless"),
        ("The talks stalled over what officials in Lisvara call illegal fishing.", "illegal"),
        ("Lisvara called the detention illegal.", "illegal"),
        ("Lisvara described the detention as piracy.", "piracy"),
        ("According to the ministry, the blockade is illegal.", "illegal"),
        ("The so-called terror cell was later found to be a book club.", "terror"),
    ],
)
def test_same_words_attributed_are_not_own_voice(text: str, word: str):
    kinds = kinds_at(text, word)
    assert "loaded-own-voice" not in kinds
    assert kinds & {"attributed", "scare-quote"}


def test_a_portrayal_the_outlet_calls_an_attempt_is_its_own_verdict():
    text = "Foreign commentators have tried to present the exercise as a threat."
    assert "loaded-own-voice" in kinds_at(text, "tried to present")


def test_neutral_reporting_has_no_framing():
    text = "The two ministers spoke by video link on Tuesday and agreed to meet again in June."
    assert framing_of(text) == []


def test_lexicon_matches_lemmas_and_phrases():
    doc = next(annotate(["They slammed the plan and lashed out at the so called experts."]))
    words = [doc[a:b].text for a, b in lexicon_hits(doc)]
    assert "slammed" in words and "lashed out" in words and "so called" in words
    assert "aggression" in LEXICON and "said" not in LEXICON


@pytest.mark.parametrize(
    ("name", "label", "kind"),
    [
        ("Mira Okonjo", "PERSON", "named_person"),
        ("the Lisvaran Defence Ministry", "ORG", "organisation"),
        ("state broadcaster Lisvara One", None, "state_media"),
        ("Xinhua", "ORG", "state_media"),
        ("the newspaper", None, "media"),
        ("analysts", None, "analysts"),
        ("sources", None, "anonymous"),
        ("two officials familiar with the talks", None, "anonymous"),
    ],
)
def test_source_kinds(name: str, label: str | None, kind: str):
    assert source_kind(name, label) == kind


def test_sourcing_counts_a_partial_quote_once_with_its_clause():
    quotes = [
        Quote(
            "q1",
            "t",
            "the port should reopen",
            "indirect",
            10,
            60,
            speaker_name="Mira Okonjo",
            speaker_local=0,
        ),
        Quote("q2", "t", "reopen", "partial", 40, 50, speaker_name="Mira Okonjo", speaker_local=0),
        Quote("q3", "t", "talks are stalled", "indirect", 80, 100, speaker_name="sources"),
    ]
    from storyline.model import LocalEntity

    analysis = Analysis(article="t", quotes=quotes, entities=[LocalEntity(0, "Mira Okonjo", "PERSON")])
    assert sourcing(analysis) == {"anonymous": 1, "named_person": 1}
