"""Server-rendered pages and the static report: what each page shows, and the seeds' event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import CALL_A, Fixture, fixture_store, line_span, seed_event, seed_store, span

from storyline.report.html import write_report
from storyline.store import schema as t
from storyline.web.app import create_app


@pytest.fixture
def fx() -> Iterator[Fixture]:
    with fixture_store() as f:
        yield f


@pytest.fixture
def client(fx: Fixture) -> TestClient:
    return TestClient(create_app(fx.store, process=False))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside elements of a class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def section(html: str, cls: str) -> str:
    """The HTML from the element with class `cls` to the end of the page (enough to search in)."""
    start = html.index(f'class="{cls}')
    return html[start:]


def test_index_lists_events_newest_first(client: TestClient) -> None:
    html = client.get("/").text
    assert html.index("Aldorian and Brevian defence ministers hold video call") < html.index(
        "Aldoria and Brevia open talks on strait security"
    )
    assert '<a class="event-link" href="/events/ev-call">' in html
    assert "11 Mar 2025" in html and "Coastal Wire, Harbour Times" in html
    assert '<option value="Coastal Wire">Coastal Wire</option>' in html
    assert "<script" not in html.lower()


def test_index_filters_and_empty_result(client: TestClient) -> None:
    html = client.get("/", params={"outlet": "Coastal Wire"}).text
    assert "ev-call" in html and "ev-talks" not in html
    assert '<option value="Coastal Wire" selected>' in html
    html = client.get("/", params={"entity": "ent-ulvik", "since": "", "until": ""}).text
    assert "ev-call" in html and "ev-talks" not in html
    assert '<option value="ent-ulvik" selected>Jonas Ulvik</option>' in html
    html = client.get("/", params={"since": "2030-01-01"}).text
    assert "No events match these filters." in html
    assert client.get("/", params={"since": "yesterday"}).status_code == 400


def test_event_page_shows_outlets_side_by_side(client: TestClient) -> None:
    html = client.get("/events/ev-call").text
    grid = section(html, "outlets-grid")
    assert grid.index('aria-label="Harbour Times"') < grid.index('aria-label="Coastal Wire"')
    cols = re.findall(r'<section class="outlet-col" aria-label="([^"]+)">', html)
    assert cols == ["Harbour Times", "Coastal Wire"]
    assert '<a href="https://example.org/fx-a1" rel="noopener noreferrer nofollow">original</a>' in html


def test_event_page_highlights_claims_by_status(client: TestClient) -> None:
    html = client.get("/events/ev-call").text
    for status in ("shared", "single", "contradicted"):
        assert f'class="claim status-{status}' in html
        assert f'class="status-col status-{status}"' in html
    start, end = line_span(CALL_A, "begin in September")
    assert f'href="/articles/fx-a1?hl={start}-{end}#cited"' in html
    omitted = section(html, "omitted")
    assert "Brevia is ready to share intelligence on smuggling routes." in omitted.split("</ul>")[0]


def test_event_page_quotes_speakers_matches_framing_and_brief(client: TestClient) -> None:
    html = client.get("/events/ev-call").text
    assert '<a href="/entities/ent-kessler">Marta Kessler</a>' in html
    matched = section(html, "matched-quotes")
    assert "Marta Kessler" in matched and "match 97%" in matched
    assert matched.count("Our fleets will patrol the strait together") >= 2
    assert '<span class="badge framing">loaded-language</span>' in html
    brief = section(html, "brief-wrap")
    assert "<h3>What happened</h3>" in brief and "<h3>Contradictions</h3>" in brief
    assert 'href="#note-ev-call-1"' in brief
    assert brief.count('<li id="note-ev-call-') >= 10
    assert 'href="/api/events/ev-call/brief?format=md"' in brief


def test_article_page_marks_entities_quotes_and_dates(client: TestClient) -> None:
    html = client.get("/articles/fx-a1").text
    assert (
        '<a class="ent label-PERSON" href="/entities/ent-kessler" title="Marta Kessler">Marta Kessler</a>'
        in html
    )
    assert '<time class="date" datetime="2025-03-11" title="2025-03-11">on Tuesday</time>' in html
    assert (
        '<span class="quote kind-direct" title="Marta Kessler">Our fleets will patrol the strait together, '
        "because the threat does not stop at borders</span>"
    ) in html
    assert '<p class="para kind-headline">Aldorian and Brevian defence ministers hold video call</p>' in html
    assert 'href="/events/ev-call"' in html


def test_article_page_text_survives_markup_unchanged(client: TestClient, fx: Fixture) -> None:
    """Marking up never loses or reorders a character: stripping the tags gives the text back."""
    import html as html_lib

    page = client.get("/articles/fx-a1").text
    body = page.split('<div class="article-text">')[1].split("</div>")[0]
    paragraphs = re.findall(r"<p [^>]*>(.*?)</p>", body, flags=re.S)
    text = "\n".join(html_lib.unescape(re.sub(r"<[^>]+>", "", p)) for p in paragraphs)
    assert text == fx.texts["fx-a1"]


def test_article_page_highlights_a_citation(client: TestClient) -> None:
    start, end = span(CALL_A, "Critics in parliament")
    html = client.get("/articles/fx-a1", params={"hl": f"{start}-{end}"}).text
    assert '<span id="cited"></span><mark class="cited">Critics in parliament</mark>' in html
    for bad in ("0-999999", "5-2", "x-y", "1-2-3"):
        assert '<mark class="cited">' not in client.get("/articles/fx-a1", params={"hl": bad}).text


def test_entity_page_aliases_roles_over_time_and_quotes(client: TestClient) -> None:
    html = client.get("/entities/ent-kessler").text
    assert "<h1>Marta Kessler" in html
    assert '<span class="chip">Kessler</span>' in html
    roles = section(html, "timeline roles")
    assert roles.index("Defence Minister, Aldoria") < roles.index("defence chief, Aldoria")
    assert "5 Nov 2024 – 12 Mar 2025" in roles
    assert "We need a common plan for the strait before the winter storms" in html
    assert '<a class="event-link" href="/events/ev-talks">' in html


def test_storyline_page_is_a_visual_timeline(client: TestClient) -> None:
    html = client.get("/storylines/sl-strait").text
    assert '<ol class="timeline">' in html
    entries = re.findall(r'<li class="tl-entry (tl-\w+)">', html)
    assert entries == ["tl-background", "tl-event", "tl-event"]
    assert '<span class="badge background">background</span> signed the Strait Accord' in html
    assert "/storylines/sl-strait" in client.get("/storylines").text


def test_search_page_marks_matches(client: TestClient) -> None:
    html = client.get("/search", params={"q": "smuggling"}).text
    assert "<mark>smuggling</mark>" in html
    assert 'href="/events/ev-call"' in html  # the claim hit links to its event
    start, end = span(CALL_A, "We are ready to share intelligence on smuggling routes")
    assert f'href="/articles/fx-a1?hl={start}-{end}#cited">Jonas Ulvik</a>' in html
    assert "Nothing found." in client.get("/search", params={"q": "zeppelin"}).text
    quotes_only = client.get("/search", params={"q": "smuggling", "kind": "quote"}).text
    assert '<span class="badge">claim</span>' not in quotes_only


def test_list_pages(client: TestClient) -> None:
    articles = client.get("/articles", params={"outlet": "Coastal Wire"}).text
    assert "Brevia, Aldoria agree joint naval patrols" in articles and "open talks" not in articles
    entities = client.get("/entities", params={"type": "PERSON"}).text
    assert "Marta Kessler" in entities and "Northern Strait" not in entities


def test_pagination_links_keep_filters(fx: Fixture, client: TestClient) -> None:
    with fx.store.atomic() as conn:
        rows = [{"id": f"org-{n:02}", "name": f"Port Authority {n:02}", "type": "ORG", "aliases": [], "mentions": 1}
                for n in range(60)]  # fmt: skip
        conn.execute(t.entities.insert(), rows)
    first = client.get("/entities", params={"type": "ORG"}).text
    assert first.count("<tr><td>") == 50 and "1–50 of 60" in first
    assert '<a rel="next" href="/entities?type=ORG&amp;offset=50">' in first
    second = client.get("/entities", params={"type": "ORG", "offset": 50}).text
    assert (
        second.count("<tr><td>") == 10 and '<a rel="prev" href="/entities?type=ORG&amp;offset=0">' in second
    )
    assert 'rel="next"' not in second


def test_not_found_pages(client: TestClient) -> None:
    for path in ("/events/nope", "/articles/nope", "/entities/nope", "/storylines/nope", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in response.text


def test_pages_and_report_have_no_scripts_and_link_one_stylesheet(client: TestClient) -> None:
    for path in (
        "/",
        "/events/ev-call",
        "/articles/fx-a1",
        "/entities/ent-kessler",
        "/storylines/sl-strait",
        "/search?q=x",
    ):
        found = tags(client.get(path).text)
        assert not [t for t, _ in found if t == "script"], path
        assert [a.get("href") for t, a in found if t == "link"] == ["/static/storyline.css"], path
        assert not [a for _, a in found if a.get("style")], path
    css = client.get("/static/storyline.css")
    assert css.status_code == 200 and "@media (max-width: 40rem)" in css.text


def test_static_report(fx: Fixture, tmp_path: Path) -> None:
    path = write_report(fx.store, tmp_path / "out" / "report.html", title="Strait report")
    html = path.read_text()
    assert html.startswith("<!doctype html>") and "<title>Strait report · Storyline</title>" in html
    assert "<style>" in html and "/static/" not in html  # one self-contained file
    assert 'id="event-ev-call"' in html and 'href="#event-ev-call"' in html
    assert html.count('class="outlets-grid"') == 2
    assert "<h3>Matched quotes</h3>" in html and "Cited brief" in html and 'id="timeline"' in html
    assert "/entities/" not in html and "/articles/" not in html  # no links that need the server
    assert not [t for t, _ in tags(html) if t == "script"]


@pytest.mark.slow
def test_seed_event_page_shows_both_outlets_and_belousovs_matched_quote() -> None:
    """Golden: the seeds' 000/001 video call, from the whole pipeline."""
    store = seed_store()
    event = seed_event(store, "seed-000", "seed-001")
    html = TestClient(create_app(store, process=False)).get(f"/events/{event}").text
    cols = re.findall(r'<section class="outlet-col" aria-label="([^"]+)">', html)
    assert sorted(cols) == ["Outlet A", "Outlet B"]
    matched = section(html, "matched-quotes").split("</section>")[0]
    pairs = matched.split('<li class="pair">')[1:]
    belousov = [p for p in pairs if "Belousov" in p.split("</div>")[0]]
    assert belousov, "no matched quote by Belousov on the event page"
    assert "Outlet A" in belousov[0] and "Outlet B" in belousov[0]
