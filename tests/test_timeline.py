"""Timelines: dated events in order, background marked as such, renderers, CLI, seeds."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner
from web_fixtures import Fixture, fixture_store, seed_event, seed_store

from storyline import api
from storyline.cli import app as cli_app
from storyline.errors import NotFound
from storyline.report import timeline as timeline_mod
from storyline.store import schema as t


@pytest.fixture
def fx() -> Iterator[Fixture]:
    with fixture_store() as f:
        yield f


def _timeline(fx: Fixture, storyline: str | None = None) -> dict:
    with fx.store.read() as conn:
        return timeline_mod.build_timeline(conn, storyline)


def test_storyline_timeline_lists_events_by_date_with_background_first(fx: Fixture) -> None:
    timeline = _timeline(fx, "sl-strait")
    assert timeline["storyline"] == "sl-strait"
    (group,) = timeline["storylines"]
    assert group["title"] == "Aldoria–Brevia strait security"
    kinds_dates = [(e["kind"], e["date"]) for e in group["entries"]]
    assert kinds_dates == [("background", "2019"), ("event", "2024-11-04"), ("event", "2025-03-11")]
    assert group["undated"] == []


def test_event_entries_carry_outlets_and_counts(fx: Fixture) -> None:
    call = _timeline(fx, "sl-strait")["storylines"][0]["entries"][-1]
    assert call == {
        "kind": "event",
        "date": "2025-03-11",
        "granularity": "day",
        "id": "ev-call",
        "title": "Aldorian and Brevian defence ministers hold video call",
        "location": "Northern Strait",
        "outlets": ["Coastal Wire", "Harbour Times"],
        "articles": 2,
    }


def test_background_mentioned_by_two_outlets_is_one_entry_citing_both(fx: Fixture) -> None:
    background = _timeline(fx, "sl-strait")["storylines"][0]["entries"][0]
    assert background["kind"] == "background"
    assert [c["article"] for c in background["citations"]] == ["fx-a1", "fx-b1"]
    for c in background["citations"]:
        text = fx.texts[c["article"]]
        assert "2019" in text[c["start"] : c["end"]]
        assert c["outlet"] == fx.outlets[c["article"]]


def test_all_storylines_and_events_outside_any(fx: Fixture) -> None:
    with fx.store.atomic() as conn:
        conn.execute(
            t.events.insert(),
            [
                {"id": "ev-loose", "title": "Port strike in Vell", "date": None, "participants": [],
                 "size": 0, "updated_at": t.utcnow()},
            ],
        )  # fmt: skip
    timeline = _timeline(fx)
    assert timeline["storyline"] is None
    assert [g["id"] for g in timeline["storylines"]] == ["sl-strait", None]
    orphans = timeline["storylines"][1]
    assert orphans["title"] == timeline_mod.ORPHANS_TITLE
    assert orphans["entries"] == [] and [e["id"] for e in orphans["undated"]] == ["ev-loose"]


def test_unknown_storyline_is_not_found(fx: Fixture) -> None:
    with pytest.raises(NotFound, match="no storyline"):
        _timeline(fx, "sl-nope")


def test_empty_store_has_an_empty_timeline() -> None:
    with fixture_store() as fx:
        with fx.store.atomic() as conn:
            conn.execute(t.storylines.delete())
            conn.execute(t.events.delete())
        md = api.timeline(store=fx.store)
    assert "No events yet" in md


def test_markdown_marks_background(fx: Fixture) -> None:
    with fx.store.read() as conn:
        md = timeline_mod.render(conn, "sl-strait", "md")
    lines = md.splitlines()
    assert lines[0] == "## Aldoria–Brevia strait security"
    assert lines[2].startswith(
        "- *2019 — background:* signed the Strait Accord (mentioned by Coastal Wire, Harbour Times)"
    )
    assert lines[4].startswith("- **2025-03-11** — Aldorian and Brevian defence ministers hold video call")


def test_html_timeline_is_css_only(fx: Fixture) -> None:
    with fx.store.read() as conn:
        html = timeline_mod.render(conn, None, "html")
    assert '<ol class="timeline">' in html and "tl-background" in html and "tl-event" in html
    assert '<time datetime="2024-11-04">4 Nov 2024</time>' in html
    assert "<script" not in html.lower()


def test_cli_timeline(db_url: str) -> None:
    url = db_url
    with fixture_store(url):
        pass
    runner = CliRunner()
    result = runner.invoke(cli_app, ["timeline", "sl-strait", "--format", "json", "--db", url])
    assert result.exit_code == 0, result.output
    assert [e["kind"] for e in json.loads(result.stdout)["storylines"][0]["entries"]] == [
        "background",
        "event",
        "event",
    ]
    result = runner.invoke(cli_app, ["timeline", "--db", url])
    assert result.exit_code == 0 and "## Aldoria–Brevia strait security" in result.stdout
    result = runner.invoke(cli_app, ["timeline", "sl-nope", "--db", url])
    assert result.exit_code == 2 and "no storyline with id 'sl-nope'" in result.output


@pytest.mark.slow
def test_seed_timeline_dates_the_call_by_the_happening() -> None:
    """Golden: the 000/001 call happened on Tuesday 27 January 2026, published the 28th."""
    store = seed_store()
    event = seed_event(store, "seed-000", "seed-001")
    with store.read() as conn:
        timeline = timeline_mod.build_timeline(conn)
    entries = [e for g in timeline["storylines"] for e in g["entries"] + g["undated"]]
    call = next(e for e in entries if e.get("id") == event)
    assert call["date"] == "2026-01-27"
    assert set(call["outlets"]) == {"Outlet A", "Outlet B"}
    dated = [e["date"] for g in timeline["storylines"] for e in g["entries"]]
    for group in timeline["storylines"]:
        dates = [e["date"] for e in group["entries"]]
        assert dates == sorted(dates)
    assert dated
