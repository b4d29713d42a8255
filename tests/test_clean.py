"""Cleaning: junk out, structure labelled, nothing real lost."""

from __future__ import annotations

from storyline.ingest.clean import clean_text, is_junk_line, normalize, strip_glued_prefix, unwrap


def kinds(text: str) -> list[tuple[str, str]]:
    result = clean_text(text)
    return [(b.kind, result.text[b.start : b.end]) for b in result.blocks]


def test_junk_lines_removed():
    raw = (
        "ARTICLE AD BOX\nThe council approved the budget on Monday after a long debate.\n"
        "Advertisement\nShare this article\nSubscribe to our newsletter for daily updates\n"
        "We use cookies to improve your experience. By continuing you accept them.\n"
        "Opposition members said the plan would raise local taxes next year.\n"
    )
    result = clean_text(raw)
    assert "ARTICLE AD BOX" not in result.text
    assert "Advertisement" not in result.text
    assert "cookies" not in result.text
    assert "Subscribe" not in result.text
    assert result.text.count("\n") == 1
    assert len(result.removed) == 5


def test_real_sentences_with_junk_words_survive():
    for line in [
        "The advertisement campaign cost the party more than it raised in donations.",
        "Readers who share this article's concern wrote to the editor on Friday.",
        "More than 200 people were evacuated from the coastal villages overnight.",
        "Moreover, the ministry said the talks would resume in March.",
        "Related talks in Geneva ended without agreement, officials said.",
    ]:
        assert not is_junk_line(line)
        assert clean_text(line + "\nSecond paragraph stays as well.").text.startswith(line)


def test_glued_read_more_prefix_cut_sentence_kept():
    line = "Read moreThe harbour authority said that the new pier will open in the spring."
    rest, removed = strip_glued_prefix(line)
    assert rest == "The harbour authority said that the new pier will open in the spring."
    assert removed == "Read more"


def test_glued_prefix_before_quote():
    rest, removed = strip_glued_prefix("Read more“We will not retreat,” the mayor told reporters on Monday.")
    assert rest.startswith("“We will not")
    assert removed


def test_read_more_link_line_dropped_whole():
    result = clean_text(
        "First paragraph of the story is here.\nRead more: Council votes on bridge plan\nLast line."
    )
    assert "Council votes" not in result.text
    assert "Last line." in result.text


def test_headline_subheads_bullets_are_structure():
    raw = (
        "Port workers end strike after pay deal\n"
        "- Union accepts a 6% raise over two years\n"
        "- Ships queue outside the harbour for a third day\n"
        "The strike ended on Thursday when union members voted to accept the offer.\n"
        "Background and Stakes\n"
        "The port handles a third of the country's grain exports.\n"
    )
    got = kinds(raw)
    assert got[0] == ("headline", "Port workers end strike after pay deal")
    assert got[1][0] == got[2][0] == "bullet"
    assert got[3][0] == "body"
    assert got[4] == ("subhead", "Background and Stakes")
    assert got[5][0] == "body"


def test_dateline_becomes_metadata():
    result = clean_text(
        "KESTREL CITY/ORVANA – The two governments signed the accord on Friday.\nMore text here."
    )
    assert result.dateline == "KESTREL CITY/ORVANA"
    assert result.text.startswith("The two governments signed")


def test_dateline_with_agency():
    result = clean_text("LONDON (Wirepress) - Markets fell sharply on Monday as traders sold shares.\nNext.")
    assert result.dateline == "LONDON (Wirepress)"


def test_no_dateline_in_ordinary_sentence():
    result = clean_text("The US - China talks resumed on Monday in a calmer mood than before.\nNext line.")
    assert result.dateline is None
    assert result.text.startswith("The US - China talks")


def test_normalize_spaces_and_newlines():
    assert normalize("a\u00a0b\r\nc\u200bd  e") == "a b\ncd e"


def test_hard_wrapped_text_is_unwrapped():
    raw = (
        "The committee met on Monday to discuss\nthe proposal, which had been delayed\nfor months.\n\n"
        "Members agreed that the plan would\nneed more funding before a vote\ncould take place.\n"
    )
    assert unwrap(raw).split("\n") == [
        "The committee met on Monday to discuss the proposal, which had been delayed for months.",
        "Members agreed that the plan would need more funding before a vote could take place.",
    ]


def test_offsets_point_into_text():
    result = clean_text("Headline here\nFirst sentence of the body. Second one.\nAnother paragraph.")
    for block in result.blocks:
        assert "\n" not in result.text[block.start : block.end]
    assert result.text[result.blocks[-1].start : result.blocks[-1].end] == "Another paragraph."


def test_headline_and_bullets_above_blank_line_paragraphs_stay_apart():
    """Regression: unwrap() once took short top lines for hard-wrapped text and joined them."""
    raw = (
        "Ferry strike ends after pay deal\n"
        "- Union accepts a raise\n"
        "- Crossings resume on Friday\n\n"
        "ARTICLE AD BOX\n\n"
        "The strike ended on Thursday when union members voted to accept the offer.\n\n"
        "The operator said all crossings would run normally from Friday morning.\n"
    )
    got = kinds(raw)
    assert [k for k, _ in got] == ["headline", "bullet", "bullet", "body", "body"]
    assert "ARTICLE AD BOX" not in clean_text(raw).text
