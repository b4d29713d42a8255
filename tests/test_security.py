"""A hostile article, ingested the normal way, must show as text everywhere and run nowhere.

The article arrives through `POST /api/articles` (the normal ingest: cleaning keeps its
markup-looking text as text), and the stages' rows for it (mentions, a quote, a date,
an event, a claim, framing, an entity named with a script tag) put the hostile text into
every marked-up place.  Each page is then checked three ways: the raw HTML has no
element or attribute the article brought (parsed, not string-matched), the article's
text is shown literally, and, in Chromium, nothing runs.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import (
    HOSTILE_RECORD,
    HOSTILE_TEXT,
    add_hostile_analysis,
    browser_page,
    live_server,
    process_or_skip,
    require_chromium,
    screenshot,
)

from storyline.report import brief as brief_mod
from storyline.report.html import write_report
from storyline.store.db import Store
from storyline.web.app import create_app

PAGES = (
    "/",
    "/articles",
    "/articles/hostile-1",
    "/articles/hostile-1?hl=0-20",
    "/events/ev-evil",
    "/entities",
    "/entities/ent-evil",
    "/storylines",
    "/storylines/sl-evil",
    "/search?q=strait",
    "/search?q=script+alert",
    "/search?q=%3Cscript%3E",
)
# What our own templates may produce; anything else came from the article.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "style", "body", "header", "nav", "form", "input", "button",
    "main", "footer", "h1", "h2", "h3", "h4", "h5", "p", "a", "span", "div", "section", "article", "ul",
    "ol", "li", "q", "blockquote", "sup", "strong", "em", "code", "time", "mark", "label", "select",
    "option", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str, where: str) -> str:
    """No element, event handler or script URL the article brought; returns the page's text."""
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, f"{where}: article markup became a <{tag}> element"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: event handler attribute {name}={value!r}"
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), (
                    f"{where}: {name}={value!r}"
                )
    return "".join(parser.text)


@pytest.fixture
def hostile_store(db_url: str) -> Iterator[Store]:
    """A file or server store (a live server reads it from other threads) holding the hostile article."""
    store = Store(db_url)
    response = TestClient(create_app(store, process=False)).post("/api/articles", json=HOSTILE_RECORD)
    assert response.status_code == 201, response.text
    assert response.json()["ingested"] == ["hostile-1"]
    add_hostile_analysis(store, "hostile-1")
    yield store
    store.close()


def test_ingest_keeps_the_hostile_text_as_text(hostile_store: Store) -> None:
    body = TestClient(create_app(hostile_store, process=False)).get("/api/articles/hostile-1").json()
    assert body["article"]["text"] == HOSTILE_TEXT
    assert body["article"]["title"].startswith("<script>")


def test_every_page_escapes_the_hostile_article(hostile_store: Store) -> None:
    client = TestClient(create_app(hostile_store, process=False))
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        text = assert_inert(response.text, path)
        assert "<script" not in response.text.lower(), path
        assert "<script>alert(" in text, f"{path}: the hostile text should be shown, as text"


def test_article_page_shows_the_text_literally(hostile_store: Store) -> None:
    html = TestClient(create_app(hostile_store, process=False)).get("/articles/hostile-1").text
    text = assert_inert(html, "article")
    for line in HOSTILE_TEXT.split("\n"):
        assert line in text  # marked up in pieces, yet every character is there, in order
    assert "&lt;img src=x onerror=alert(&#39;xss-quote&#39;)&gt; is our answer" in html
    assert 'class="ent label-GPE&lt;script&gt;"' in html  # even a label lands inside the attribute


def test_script_urls_never_become_links(hostile_store: Store) -> None:
    client = TestClient(create_app(hostile_store, process=False))
    for path in ("/articles/hostile-1", "/events/ev-evil"):
        html = client.get(path).text
        assert ">original</a>" not in html  # the javascript: URL is not linked at all


def test_json_is_data_and_never_sniffed_as_html(hostile_store: Store) -> None:
    response = TestClient(create_app(hostile_store, process=False)).get("/api/events/ev-evil")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["title"] == "<script>alert('xss-event')</script> talks"


def test_briefs_and_the_static_report_escape_too(hostile_store: Store, tmp_path: Path) -> None:
    with hostile_store.read() as conn:
        md = brief_mod.render(conn, "ev-evil", "md")
        html = brief_mod.render(conn, "ev-evil", "html")
    assert "\\<script\\>" in md and "<script" not in md.replace("\\<script", "")
    assert_inert(html, "brief.html")
    report = write_report(hostile_store, tmp_path / "report.html").read_text()
    text = assert_inert(report, "report.html")
    assert "<script>alert('xss-event')</script> talks" in text


@pytest.mark.browser
def test_nothing_runs_in_chromium(hostile_store: Store) -> None:
    """Chromium loads every page: no dialog opens, no script logs, no injected element exists."""
    require_chromium()
    dialogs: list[str] = []
    console: list[str] = []
    with live_server(create_app(hostile_store, process=False)) as base, browser_page() as page:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: console.append(m.text))
        page.on("pageerror", lambda e: console.append(str(e)))
        for path in PAGES:
            page.goto(base + path)
            page.wait_for_load_state("load")
            injected = page.evaluate(
                """() => ({
                    elements: document.querySelectorAll('script, img, svg, iframe, object, embed, b, i').length,
                    handlers: [...document.querySelectorAll('*')].flatMap(
                        el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
                    scriptLinks: [...document.querySelectorAll('a[href]')].filter(
                        a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
                })"""
            )
            assert injected == {"elements": 0, "handlers": [], "scriptLinks": 0}, path
            # hover and click everything a user might touch, to fire any handler that got through
            for link in page.query_selector_all("main a.ent, main .quote")[:10]:
                link.hover()
        page.goto(base + "/articles/hostile-1")
        shown = page.inner_text(".article-text")
        assert "<script>alert('xss-body')</script>" in shown
        assert "<img src=x onerror=alert('xss-quote')>" in shown
        screenshot(page, "hostile-article")
    assert dialogs == [], f"a script ran: {dialogs}"
    assert not [m for m in console if "xss" in m], console


@pytest.mark.slow
def test_hostile_article_through_the_whole_pipeline(db_url: str) -> None:
    """The same article processed by the real stages: every page it reaches stays inert."""
    store = Store(db_url)
    client = TestClient(create_app(store, process=False))
    assert client.post("/api/articles", json=HOSTILE_RECORD).status_code == 201
    process_or_skip(store)
    events = client.get("/api/events").json()["items"]
    entities = client.get("/api/entities").json()["items"]
    paths = ["/", "/articles/hostile-1", "/search?q=strait"]
    paths += [f"/events/{e['id']}" for e in events] + [f"/entities/{e['id']}" for e in entities]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    text = html_lib.unescape(client.get("/articles/hostile-1").text)
    assert "<script>alert('xss-body')</script>" in text
    store.close()
