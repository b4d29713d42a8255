"""Quotes and speakers, one attribution pattern per test, on sentences written for them."""

from __future__ import annotations

import pytest
from quote_helpers import quotes_of

from storyline.enrich.quote_spans import find_quoted_spans
from storyline.model import Block, Quote

INTRO = "Transport Minister Maria Keller met her counterpart Tomas Ferrell in Velmora on Monday."


def inner(text: str) -> list[str]:
    return [text[s.inner_start : s.inner_end] for s in find_quoted_spans(text)]


def only(quotes: list[Quote], fragment: str) -> Quote:
    """The one quote that holds `fragment` most closely (a partial quote rather than the
    indirect quote around it)."""
    found = sorted((q for q in quotes if fragment in q.text), key=lambda q: len(q.text))
    assert found, [(q.kind, q.text, q.speaker_name) for q in quotes]
    assert len(found) == 1 or len(found[1].text) > len(found[0].text), found
    return found[0]


def speaker(quotes: list[Quote], fragment: str) -> str | None:
    return only(quotes, fragment).speaker_name


# --- quotation marks (no parser needed) ----------------------------------------------------------


def test_curly_straight_and_single_marks_pair():
    assert inner('“We will reopen,” she said. "Soon." ‘Maybe,’ he said.') == [
        "We will reopen,",
        "Soon.",
        "Maybe,",
    ]


def test_apostrophes_are_not_quotes():
    assert inner("The ministers’ talks and Keller’s plan don’t close a ‘new era’ deal") == ["new era"]
    assert inner("‘We won’t accept the countries’ demands,’ he said.") == [
        "We won’t accept the countries’ demands,"
    ]


def test_nested_quotes_stay_inside_the_outer_one():
    assert inner("“They called it ‘a disaster’ at once,” she said.") == [
        "They called it ‘a disaster’ at once,"
    ]
    assert inner('"The law is not about “equal justice” anymore," he said.') == [
        "The law is not about “equal justice” anymore,"
    ]


def test_a_quote_left_open_runs_to_the_end_of_its_paragraph():
    text = "She said: “The port will reopen.\n“Ships will return in spring.”"
    spans = find_quoted_spans(text)
    assert [text[s.inner_start : s.inner_end] for s in spans] == [
        "The port will reopen.",
        "Ships will return in spring.",
    ]
    assert [s.closed for s in spans] == [False, True]


def test_ptb_style_double_apostrophes():
    assert inner("''I think so,'' she said.") == ["I think so,"]


# --- attribution (parser) ----------------------------------------------------------------------


@pytest.mark.slow
def test_direct_quote_then_named_speaker():
    quotes = quotes_of(f"{INTRO}\n“We will reopen the port next week,” Keller said.")
    q = only(quotes, "reopen the port")
    assert (q.kind, q.speaker_name, q.cue) == ("direct", "Maria Keller", "said")
    assert q.text == "We will reopen the port next week"


@pytest.mark.slow
def test_quote_over_two_sentences_is_one_quote():
    quotes = quotes_of(f"{INTRO}\n“The port will reopen. Ships will return by spring,” Keller said.")
    q = only(quotes, "Ships will return")
    assert q.text.startswith("The port will reopen.") and q.speaker_name == "Maria Keller"


@pytest.mark.slow
def test_speaker_before_a_colon_and_straight_quotes():
    quotes = quotes_of(f'{INTRO}\nFerrell said: "The agreement covers every harbour on the coast."')
    assert speaker(quotes, "every harbour") == "Tomas Ferrell"
    assert only(quotes, "every harbour").kind == "direct"


@pytest.mark.slow
def test_single_quotes_and_inverted_verb():
    quotes = quotes_of(f"{INTRO}\n‘The ferries will run again in May,’ said Ferrell.")
    assert speaker(quotes, "ferries will run") == "Tomas Ferrell"


@pytest.mark.slow
def test_he_added_carries_the_previous_speaker():
    text = (
        f"{INTRO}\n“The port will reopen next week,” Ferrell said.\n"
        "“I am confident the ferries will return to full service,” he added."
    )
    q = only(quotes_of(text), "ferries will return")
    assert q.speaker_name == "Tomas Ferrell"
    assert text[q.speaker_start : q.speaker_end] == "he"  # the source as written; the name is resolved


@pytest.mark.slow
def test_she_noted_skips_people_who_were_only_objects():
    text = (
        f"{INTRO}\nKeller thanked Ferrell for his patience.\n"
        "“We have waited long enough for this bridge,” she noted."
    )
    assert speaker(quotes_of(text), "waited long enough") == "Maria Keller"


@pytest.mark.slow
def test_said_via_a_post_on_a_platform():
    text = f"{INTRO}\n“The harbour is open to every ship,” Keller said via a post on the ministry’s Telegram channel."
    assert speaker(quotes_of(text), "open to every ship") == "Maria Keller"


@pytest.mark.slow
def test_a_following_quote_continues_the_speaker():
    text = f"{INTRO}\n“The port reopens on Friday,” Ferrell said. “We expect the first ferries at dawn.”"
    q = only(quotes_of(text), "first ferries")
    assert (q.kind, q.speaker_name, q.cue) == ("direct", "Tomas Ferrell", None)


@pytest.mark.slow
def test_a_quote_over_two_paragraphs_keeps_its_speaker():
    text = f"{INTRO}\nKeller said: “The port will reopen next week.\n“The ferries will follow in the spring.”"
    assert speaker(quotes_of(text), "ferries will follow") == "Maria Keller"


@pytest.mark.slow
def test_headline_name_colon_quote():
    text = "Keller: ‘The port will reopen next week’\nTransport Minister Maria Keller spoke in Velmora on Monday."
    blocks = [Block(0, 40, "headline"), Block(41, len(text), "body")]
    q = only(quotes_of(text, blocks=blocks), "port will reopen")
    assert q.kind == "direct" and q.speaker_name == "Maria Keller" and q.cue == ":"


@pytest.mark.slow
def test_headline_partial_quote_after_a_speech_verb():
    headline = "Coastal officials vow to boost ‘ferry coordination’"
    text = f"{headline}\nOfficials from both coasts met in Velmora."
    blocks = [Block(0, len(headline), "headline"), Block(len(headline) + 1, len(text), "body")]
    q = only(quotes_of(text, blocks=blocks), "ferry coordination")
    assert q.kind == "partial" and q.speaker_name == "Coastal officials"


@pytest.mark.slow
def test_partial_quotes_inside_reported_speech():
    text = (
        f'{INTRO}\nKeller told Ferrell that the two cities should "widen the scope of training" '
        'and "deepen trust between the navies."'
    )
    quotes = quotes_of(text)
    for words in ("widen the scope of training", "deepen trust between the navies"):
        q = only(quotes, words)
        assert (q.kind, q.speaker_name, q.text) == ("partial", "Maria Keller", words)
    indirect = [q for q in quotes if q.kind == "indirect"]
    assert [q.speaker_name for q in indirect] == ["Maria Keller"]
    assert indirect[0].text.startswith("the two cities should")


@pytest.mark.slow
def test_partial_quote_in_the_object_of_a_speech_verb():
    text = f'{INTRO}\nFerrell emphasized the need to "further strengthen our harbour partnership" this year.'
    q = only(quotes_of(text), "further strengthen")
    assert (q.kind, q.speaker_name) == ("partial", "Tomas Ferrell")


@pytest.mark.slow
def test_scare_quotes_labels_and_titles_are_not_quotes():
    text = (
        f"{INTRO}\nThe two cities signed a “no limits” harbour pact in 2022.\n"
        "Keller praised Velmora’s stance on the “bridge issue” and the “strategic consultations”.\n"
        "It was the second round of “harbour talks” this year.\n"
        "Ferrell later appeared on “Saturday Night Live” with the mayor."
    )
    quotes = quotes_of(text)
    quoted = {"no limits", "bridge issue", "strategic consultations", "harbour talks", "Saturday Night Live"}
    assert not [q for q in quotes if q.text in quoted], [(q.kind, q.text) for q in quotes]


@pytest.mark.slow
def test_a_quoted_sentence_without_a_speaker_keeps_speaker_none():
    text = f"{INTRO}\nThe banner at the gate was blunt.\n“The port belongs to the people who work in it.”"
    q = only(quotes_of(text), "belongs to the people")
    assert q.kind == "direct" and q.speaker_name is None and q.speaker_local is None


@pytest.mark.slow
def test_indirect_speech_is_the_complement_clause():
    quotes = quotes_of(f"{INTRO}\nKeller stressed that the port would reopen before the summer season.")
    q = only(quotes, "port would reopen")
    assert (q.kind, q.text, q.cue, q.speaker_name) == (
        "indirect",
        "the port would reopen before the summer season",
        "stressed",
        "Maria Keller",
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "content", "cue"),
    [
        ("Ferrell noted that ferry traffic had doubled since March.", "ferry traffic had doubled", "noted"),
        (
            "Ferrell reaffirmed that the city would keep its harbour fees low.",
            "keep its harbour fees low",
            "reaffirmed",
        ),
        ("Ferrell urged the council to approve the harbour budget.", "approve the harbour budget", "urged"),
        (
            "Ferrell emphasized that both cities share one coastline.",
            "both cities share one coastline",
            "emphasized",
        ),
    ],
)
def test_reporting_verbs(sentence: str, content: str, cue: str):
    q = only(quotes_of(f"{INTRO}\n{sentence}"), content)
    assert (q.kind, q.cue, q.speaker_name) == ("indirect", cue, "Tomas Ferrell")


@pytest.mark.slow
def test_according_to_an_organisation():
    text = (
        f"{INTRO}\nAccording to the Velmora Port Authority, the harbour handled two million tonnes last year."
    )
    q = only(quotes_of(text), "two million tonnes")
    assert q.kind == "indirect" and q.cue == "According to"
    assert "Port Authority" in q.speaker_name


@pytest.mark.slow
def test_according_to_a_state_broadcaster():
    text = f"{INTRO}\nThe talks lasted four hours, according to Lisvaran state broadcaster LTV."
    q = only(quotes_of(text), "talks lasted four hours")
    assert q.speaker_name == "LTV"


@pytest.mark.slow
def test_the_ministry_said_links_back_to_the_named_ministry():
    text = (
        f"{INTRO}\nLisvaran’s transport ministry said the bridge would open in June.\n"
        "In a statement, the ministry said it had “no plans to raise the tolls”."
    )
    quotes = quotes_of(text)
    q = only(quotes, "no plans to raise the tolls")
    assert q.kind == "partial" and q.speaker_name == "Lisvaran’s transport ministry"
    assert text[q.speaker_start : q.speaker_end] == "the ministry"


@pytest.mark.slow
def test_a_ministry_statement_speaks_for_the_ministry():
    text = f"{INTRO}\nThe Lisvaran Transport Ministry’s statement noted that ferry fares would fall."
    q = only(quotes_of(text), "ferry fares would fall")
    assert "Transport Ministry" in q.speaker_name


@pytest.mark.slow
def test_it_said_after_an_organisation():
    text = (
        f"{INTRO}\nThe Velmora Port Authority said the harbour was safe.\n"
        "It said there had been “no collisions in the outer channel”."
    )
    assert "Port Authority" in speaker(quotes_of(text), "no collisions")


@pytest.mark.slow
def test_they_said_after_a_group():
    text = f"{INTRO}\nKeller and Ferrell toured the new terminal.\nThey said the terminal would open in May."
    assert speaker(quotes_of(text), "terminal would open") == "Keller and Ferrell"


@pytest.mark.slow
def test_the_minister_with_a_country_finds_the_right_person():
    text = (
        "Lisvaran Transport Minister Maria Keller met Velmoran Harbour Minister Tomas Ferrell on Monday.\n"
        "The Velmoran minister stressed that the harbour fees would stay unchanged."
    )
    assert speaker(quotes_of(text), "harbour fees would stay") == "Tomas Ferrell"


@pytest.mark.slow
def test_no_quote_for_negated_or_inanimate_cues():
    text = (
        f"{INTRO}\nThe ministry did not mention the toll dispute.\n"
        "The exercises signal a shift in harbour policy.\n"
        "Rising traffic figures underscore the need for a second bridge."
    )
    assert quotes_of(text) == []


@pytest.mark.slow
def test_ids_are_in_text_order():
    text = f"{INTRO}\n“The port reopens on Friday,” Ferrell said.\nKeller said the ferries would follow."
    quotes = quotes_of(text, article_id="art")
    assert [q.id for q in quotes] == [f"art:q{n}" for n in range(len(quotes))]
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    assert all(q.article == "art" and text[q.start : q.end] == q.text for q in quotes)


@pytest.mark.slow
def test_empty_and_markless_texts_have_no_quotes():
    assert quotes_of("") == []
    assert quotes_of("\n\n") == []
    assert quotes_of('He said. ” ""') == []
