"""Golden: the five real seeds through `storyline run` and `storyline export`, as a user
runs them, and what the export must then say about them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

pytestmark = pytest.mark.xdist_group("pipeline")

JUNK = ("ARTICLE AD BOX", "Read more")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> dict:
    from conftest import scratch_url, write_seed_meta

    folder = tmp_path_factory.mktemp("seed-export")
    db = scratch_url(folder, "seeds")
    meta = write_seed_meta(seeds, folder)
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(seeds), "--meta", str(meta), "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output
    out = folder / "export.json"
    assert runner.invoke(app, ["export", "--db", db, "-o", str(out)]).exit_code == 0
    return json.loads(out.read_text())


def test_articles_carry_ids_outlets_dates_and_no_junk(exported: dict) -> None:
    articles = {a["id"]: a for a in exported["articles"]}
    assert sorted(articles) == [f"seed-00{i}" for i in range(5)]
    assert articles["seed-000"]["published"].startswith("2026-01-28")
    assert articles["seed-003"]["published"].startswith("2024-02-01")
    for article in articles.values():
        assert not any(junk in article["text"] for junk in JUNK), article["id"]
    # "Read more" was glued to a real sentence: the prefix goes, the sentence stays whole.
    assert "\nChina’s newly-appointed defense chief" in articles["seed-003"]["text"]


def test_the_same_call_is_one_event_and_the_look_alike_another(exported: dict) -> None:
    event_of = {a: e["id"] for e in exported["events"] for a in e["articles"]}
    assert event_of["seed-000"] == event_of["seed-001"]
    assert len({event_of[f"seed-00{i}"] for i in (0, 2, 3, 4)}) == 4
    call = next(e for e in exported["events"] if "seed-000" in e["articles"])
    assert call["date"] == "2026-01-27"


def test_every_quote_has_offsets_into_its_article(exported: dict) -> None:
    texts = {a["id"]: a["text"] for a in exported["articles"]}
    assert exported["quotes"]
    for quote in exported["quotes"]:
        assert texts[quote["article"]][quote["start"] : quote["end"]] == quote["text"]


def test_belousov_is_one_entity_and_the_call_is_compared(exported: dict) -> None:
    people = [e for e in exported["entities"] if e["type"] == "PERSON" and "Belousov" in e["name"]]
    assert len(people) == 1
    call = next(e for e in exported["events"] if "seed-000" in e["articles"])
    comparison = next(c for c in exported["comparisons"] if c["event"] == call["id"])
    assert any(c["status"] == "shared" for c in comparison["claims"])
    assert comparison["quote_matches"]
