"""Cited briefs: shape, every sentence cited, sections, renderers, CLI, and the seeds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner
from web_fixtures import CALL_A, Fixture, fixture_store, seed_event, seed_store, span

from storyline import api
from storyline.cli import app as cli_app
from storyline.errors import NotFound
from storyline.report import brief as brief_mod
from storyline.store import schema as t

HEADINGS = [
    "What happened",
    "Who said what",
    "Where outlets agree",
    "Reported by one outlet only",
    "Contradictions",
    "Framing",
    "Context",
]


@pytest.fixture
def fx() -> Iterator[Fixture]:
    with fixture_store() as f:
        yield f


def _brief(fx: Fixture, event: str = "ev-call") -> dict:
    with fx.store.read() as conn:
        return brief_mod.build_brief(conn, event)


def _sentence_spans(fx: Fixture) -> set[tuple[str, int, int]]:
    with fx.store.read() as conn:
        return {(r.article, r.start, r.end) for r in conn.execute(sa.select(t.sentences))}


def assert_every_sentence_cited(brief: dict, texts: dict[str, str]) -> None:
    """The contract: each sentence has citations, each pointing into its article's text."""
    assert set(brief) >= {"event", "title", "sections"}
    for section in brief["sections"]:
        assert set(section) == {"heading", "sentences"}
        assert section["sentences"], f"empty section {section['heading']!r} emitted"
        for sentence in section["sentences"]:
            assert sentence["text"].strip()
            assert sentence["citations"], f"uncited: {sentence['text']!r}"
            for c in sentence["citations"]:
                assert {"article", "start", "end"} <= set(c)
                assert c["article"] in texts
                assert 0 <= c["start"] < c["end"] <= len(texts[c["article"]])


def test_brief_has_the_json_shape_and_every_sentence_is_cited(fx: Fixture) -> None:
    brief = _brief(fx)
    assert brief["event"] == "ev-call"
    assert brief["title"] == "Aldorian and Brevian defence ministers hold video call"
    assert [s["heading"] for s in brief["sections"]] == HEADINGS
    assert_every_sentence_cited(brief, fx.texts)
    json.dumps(brief)  # JSON-ready


def test_citations_are_whole_source_sentences_with_their_outlet(fx: Fixture) -> None:
    sentences = _sentence_spans(fx)
    for section in _brief(fx)["sections"]:
        for sentence in section["sentences"]:
            for c in sentence["citations"]:
                assert (c["article"], c["start"], c["end"]) in sentences
                assert c["outlet"] == fx.outlets[c["article"]]


def _section(brief: dict, heading: str) -> list[dict]:
    return next(s["sentences"] for s in brief["sections"] if s["heading"] == heading)


def test_what_happened_is_each_outlets_opening_sentence(fx: Fixture) -> None:
    happened = _section(_brief(fx), "What happened")
    assert [s["citations"][0]["article"] for s in happened] == ["fx-a1", "fx-b1"]
    assert happened[0]["text"].startswith("Aldoria's Defence Minister Marta Kessler")
    # the second outlet's lede shares a claim with the first outlet: both are cited
    assert {c["article"] for c in happened[1]["citations"]} == {"fx-a1", "fx-b1"}


def test_a_quote_two_outlets_carry_is_one_sentence_citing_both(fx: Fixture) -> None:
    quotes = _section(_brief(fx), "Who said what")
    fleets = [s for s in quotes if "Our fleets will patrol" in s["text"]]
    assert len(fleets) == 1
    assert fleets[0]["text"].startswith("Marta Kessler: “")
    assert {c["article"] for c in fleets[0]["citations"]} == {"fx-a1", "fx-b1"}
    assert any(s["text"].startswith("Jonas Ulvik") for s in quotes)


def test_claim_sections_follow_their_status(fx: Fixture) -> None:
    brief = _brief(fx)
    agree = _section(brief, "Where outlets agree")
    assert [s["text"] for s in agree] == [
        "Aldoria and Brevia agreed to run joint naval patrols in the Northern Strait."
    ]
    single = _section(brief, "Reported by one outlet only")
    assert [c["article"] for s in single for c in s["citations"]] == ["fx-a1"]
    sides = _section(brief, "Contradictions")
    assert [s["text"].split(":")[0] for s in sides] == ["Harbour Times", "Coastal Wire"]
    assert "September" in sides[0]["text"] and "June" in sides[1]["text"]


def test_framing_and_context(fx: Fixture) -> None:
    brief = _brief(fx)
    assert _section(brief, "Framing")[0]["text"] == "Loaded language: “a reckless provocation”"
    context = _section(brief, "Context")
    assert context[0]["text"] == "The two countries signed the Strait Accord in 2019."
    assert len(context) == 1  # the context items cite the same sentences: not repeated


def test_a_sentence_without_a_source_is_refused() -> None:
    with pytest.raises(brief_mod.UncitedSentence):
        brief_mod._sentence("Something nobody wrote.", [])
    with pytest.raises(brief_mod.UncitedSentence):
        brief_mod._sentence("Something nobody wrote.", [None])
    uncited = {
        "event": "e",
        "title": "t",
        "sections": [{"heading": "h", "sentences": [{"text": "x", "citations": []}]}],
    }
    with pytest.raises(brief_mod.UncitedSentence):
        brief_mod.check_cited(uncited, {})
    outside = {"event": "e", "title": "t", "sections": [{"heading": "h", "sentences": [
        {"text": "x", "citations": [{"article": "a", "start": 5, "end": 99}]}]}]}  # fmt: skip
    with pytest.raises(brief_mod.UncitedSentence):
        brief_mod.check_cited(outside, {"a": 50})


def test_claims_that_cannot_be_cited_are_left_out(fx: Fixture) -> None:
    with fx.store.atomic() as conn:
        conn.execute(
            t.claims.insert(),
            [
                {"id": "cl-nosource", "event": "ev-call", "text": "Nobody said this.", "status": "single",
                 "context": False, "sources": []},
                {"id": "cl-elsewhere", "event": "ev-call", "text": "Nor this.", "status": "shared",
                 "context": False, "sources": [{"article": "no-such-article", "start": 0, "end": 10}]},
                {"id": "cl-offtext", "event": "ev-call", "text": "Nor that.", "status": "shared",
                 "context": False, "sources": [{"article": "fx-a1", "start": 90000, "end": 90010}]},
            ],
        )  # fmt: skip
    brief = _brief(fx)
    texts = [s["text"] for section in brief["sections"] for s in section["sentences"]]
    assert not {"Nobody said this.", "Nor this.", "Nor that."} & set(texts)
    assert_every_sentence_cited(brief, fx.texts)


def test_an_event_not_yet_compared_still_gets_what_happened(fx: Fixture) -> None:
    brief = _brief(fx, "ev-talks")
    assert [s["heading"] for s in brief["sections"]] == ["What happened", "Who said what"]
    assert brief["sections"][0]["sentences"][0]["text"].startswith(
        "Aldoria's Defence Minister Marta Kessler met"
    )
    assert_every_sentence_cited(brief, fx.texts)


def test_unknown_event_is_not_found(fx: Fixture) -> None:
    with pytest.raises(NotFound, match="no-such-event"):
        _brief(fx, "no-such-event")


def test_markdown_has_footnotes_naming_outlet_article_and_sentence(fx: Fixture) -> None:
    with fx.store.read() as conn:
        md = brief_mod.render(conn, "ev-call", "md")
    assert md.startswith("# Aldorian and Brevian defence ministers hold video call\n")
    assert "## Who said what" in md
    start, end = span(CALL_A, "Aldoria's Defence Minister Marta Kessler and")[0], CALL_A.index("\n", 60)
    assert f"[^1]: Harbour Times, article fx-a1, characters {start}–{end}: “Aldoria's Defence" in md
    notes = [line for line in md.splitlines() if line.startswith("[^")]
    used = {
        part.split("]")[0]
        for line in md.splitlines()
        if not line.startswith("[^")
        for part in line.split("[^")[1:]
    }
    assert {n.split("]")[0][2:] for n in notes} == used


def test_markdown_escapes_article_text() -> None:
    brief = {"event": "e", "title": "<b>t</b>", "sections": [{"heading": "What happened", "sentences": [
        {"text": "<script>alert(1)</script> [link](javascript:x) *bold*", "citations": [
            {"article": "a", "outlet": "<i>O</i>", "start": 0, "end": 5}]}]}]}  # fmt: skip
    md = brief_mod.to_markdown(brief, {"a": "<img src=x onerror=alert(1)>"})
    assert re.search(r"(?<!\\)[<>\[\]*]", md.replace("[^1]", "")) is None  # every one backslash-escaped
    assert r"\<script\>alert(1)\</script\> \[link\](javascript:x) \*bold\*" in md


def test_html_brief_is_a_page_with_numbered_citations(fx: Fixture) -> None:
    with fx.store.read() as conn:
        html = brief_mod.render(conn, "ev-call", "html")
    assert html.startswith("<!doctype html>")
    assert "<style>" in html and "Cited brief of event" in html
    assert 'href="#note-ev-call-1"' in html and 'id="note-ev-call-1"' in html
    assert "<strong>Harbour Times</strong>" in html and "<strong>Coastal Wire</strong>" in html
    assert "<script" not in html.lower()


def test_library_and_cli(tmp_path: Path, db_url: str) -> None:
    url = db_url
    with fixture_store(url) as fx:
        assert api.brief("ev-call", "json", store=fx.store)["event"] == "ev-call"
    runner = CliRunner()
    result = runner.invoke(cli_app, ["brief", "ev-call", "--format", "json", "--db", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sections"][0]["heading"] == "What happened"
    out = tmp_path / "brief.md"
    result = runner.invoke(cli_app, ["brief", "ev-call", "-o", str(out), "--db", url])
    assert result.exit_code == 0 and out.read_text().startswith("# Aldorian")
    result = runner.invoke(cli_app, ["brief", "nope", "--db", url])
    assert result.exit_code == 2 and "no event with id 'nope'" in result.output
    result = runner.invoke(cli_app, ["brief", "ev-call", "--format", "pdf", "--db", url])
    assert result.exit_code == 2 and "unknown brief format" in result.output


@pytest.mark.slow
def test_seed_brief_cites_every_sentence() -> None:
    """Golden: the brief of the seeds' 000/001 event, from the whole pipeline."""
    store = seed_store()
    event = seed_event(store, "seed-000", "seed-001")
    with store.read() as conn:
        brief = brief_mod.build_brief(conn, event)
        texts = {r.id: r.text for r in conn.execute(sa.select(t.articles.c.id, t.articles.c.text))}
    assert_every_sentence_cited(brief, texts)
    headings = [s["heading"] for s in brief["sections"]]
    assert headings[:2] == ["What happened", "Who said what"]
    cited = {c["article"] for s in brief["sections"] for x in s["sentences"] for c in x["citations"]}
    assert {"seed-000", "seed-001"} <= cited
    quotes = _section(brief, "Who said what")
    assert any("Belousov" in s["text"] for s in quotes)
