"""Chromium clicks through the UI served by a real uvicorn server: list → event → entity → search.

Debian's /usr/bin/chromium is driven by Playwright for Python (no browser download);
every page visited is saved to tests/screenshots/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from readme_screenshot import save_event_page
from web_fixtures import (
    browser_page,
    fixture_store,
    live_server,
    require_chromium,
    screenshot,
    seed_event,
    seed_store,
)

from storyline.web.app import create_app

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    with (
        fixture_store(f"sqlite:///{tmp_path / 'browser.db'}") as fx,
        live_server(create_app(fx.store, process=False)) as url,
    ):
        yield url


def test_click_from_the_event_list_to_an_event_an_entity_and_search(base_url: str) -> None:
    with browser_page() as page:
        page.goto(base_url + "/")
        assert page.inner_text("h1") == "Events"
        screenshot(page, "01-events")

        page.click("text=Aldorian and Brevian defence ministers hold video call")
        page.wait_for_url("**/events/ev-call")
        assert page.inner_text("h1") == "Aldorian and Brevian defence ministers hold video call"
        outlets = page.locator(".outlet-col .outlet-name").all_inner_texts()
        assert outlets == ["Harbour Times", "Coastal Wire"]
        assert page.locator(".matched-quotes .pair").count() == 1
        assert page.locator(".brief-section").count() == 7
        screenshot(page, "02-event")

        page.click(".event-head .chips >> text=Marta Kessler")
        page.wait_for_url("**/entities/ent-kessler")
        assert page.inner_text("h1").startswith("Marta Kessler")
        assert page.locator(".roles .tl-entry").count() == 2
        screenshot(page, "03-entity")

        page.fill("header form.search input[name=q]", "smuggling routes")
        page.press("header form.search input[name=q]", "Enter")
        page.wait_for_url("**/search?q=smuggling+routes")
        kinds = page.locator(".hit .badge").all_inner_texts()
        assert {"article", "quote", "claim"} <= {k.lower() for k in kinds}
        assert page.locator(".snippet mark").count() >= 3
        screenshot(page, "04-search")

        page.click(".hit.kind-quote a.hit-title")
        page.wait_for_url("**/articles/fx-a1?hl=*")
        assert "smuggling routes" in "".join(page.locator(".article-text mark.cited").all_inner_texts())
        screenshot(page, "05-article-cited")


def test_citations_and_timeline_links(base_url: str) -> None:
    with browser_page() as page:
        page.goto(base_url + "/events/ev-call")
        page.click(".brief sup.cite a >> nth=0")
        assert page.url.endswith("#note-ev-call-1")
        page.click("#note-ev-call-1 a")
        page.wait_for_url("**/articles/fx-a1?hl=*")
        cited = "".join(page.locator(".article-text mark.cited").all_inner_texts())
        assert cited.startswith("Aldoria's Defence Minister Marta Kessler")
        page.goto(base_url + "/events/ev-call")
        page.click(".event-head >> text=Aldoria–Brevia strait security")
        page.wait_for_url("**/storylines/sl-strait")
        assert page.locator(".tl-entry").count() == 3
        assert page.locator(".tl-background .badge").inner_text().lower() == "background"
        screenshot(page, "06-storyline")


def test_filters_are_plain_forms(base_url: str) -> None:
    with browser_page() as page:
        page.goto(base_url + "/")
        page.select_option("select[name=outlet]", "Coastal Wire")
        page.click("form.filters button")
        page.wait_for_url("**/?*outlet=Coastal+Wire*")
        assert page.locator(".event-card").count() == 1


def test_readable_on_a_phone(base_url: str) -> None:
    with browser_page(PHONE) as page:
        for path, name in (
            ("/", "07-phone-events"),
            ("/events/ev-call", "08-phone-event"),
            ("/articles/fx-a1", "09-phone-article"),
        ):
            page.goto(base_url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways on a phone"
            screenshot(page, name)
        page.goto(base_url + "/events/ev-call")
        first, second = page.locator(".outlet-col").all()[:2]
        a, b = first.bounding_box(), second.bounding_box()
        assert a is not None and b is not None and b["y"] >= a["y"] + a["height"]  # stacked, not squeezed


@pytest.mark.slow
def test_seed_event_page_screenshot(tmp_path: Path) -> None:
    """The README's screenshot helper, on the seeds' 000/001 event, into a temporary file."""
    require_chromium()
    store = seed_store()
    out = save_event_page(store, seed_event(store, "seed-000", "seed-001"), tmp_path / "event-page.png")
    assert out.stat().st_size > 20_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
