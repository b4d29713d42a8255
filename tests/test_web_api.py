"""The REST API: every endpoint, pagination, filters, search, 404s, ingest, token, headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_fixtures import Fixture, fixture_store, seed_event, seed_store

from storyline import api as library
from storyline.cli import app as cli_app
from storyline.store import schema as t
from storyline.store import search
from storyline.store.db import Store
from storyline.web import background, security
from storyline.web.app import create_app

ARTICLE = {
    "title": "Harbour pilots strike in Vell",
    "maintext": "Harbour pilots in Vell walked out on Thursday, halting ferry traffic across the Northern Strait.\n"
    "The pilots' union said the strike would last until wages are reviewed by the port authority.",
    "date_publish": "2025-05-08 10:00:00",
    "url": "https://example.org/pilots-strike",
    "source_domain": "example.org",
    "authors": ["A. Reporter"],
    "language": "en",
}


@pytest.fixture
def fx() -> Iterator[Fixture]:
    with fixture_store() as f:
        yield f


@pytest.fixture
def client(fx: Fixture) -> TestClient:
    return TestClient(create_app(fx.store, process=False))


# --- events -------------------------------------------------------------------------------


def test_events_newest_first_with_outlets_and_participants(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert body["total"] == 2 and body["offset"] == 0 and body["next"] is None
    first, second = body["items"]
    assert (first["id"], second["id"]) == ("ev-call", "ev-talks")
    assert first["outlets"] == ["Coastal Wire", "Harbour Times"]
    assert first["articles"] == ["fx-a1", "fx-b1"]
    assert {"id": "ent-kessler", "name": "Marta Kessler"} in first["participants"]


def test_events_pagination(client: TestClient) -> None:
    page1 = client.get("/api/events", params={"limit": 1}).json()
    assert [e["id"] for e in page1["items"]] == ["ev-call"]
    assert page1["next"] is not None and "offset=1" in page1["next"]
    page2 = client.get(page1["next"]).json()
    assert [e["id"] for e in page2["items"]] == ["ev-talks"] and page2["next"] is None
    assert client.get("/api/events", params={"offset": 5}).json()["items"] == []
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"limit": 201}).status_code == 422


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"since": "2025-01-01"}, ["ev-call"]),
        ({"until": "2024-12-31"}, ["ev-talks"]),
        ({"since": "2024-11", "until": "2024-11"}, ["ev-talks"]),
        ({"outlet": "Coastal Wire"}, ["ev-call"]),
        ({"outlet": "Harbour Times"}, ["ev-call", "ev-talks"]),
        ({"entity": "ent-ulvik"}, ["ev-call"]),
        ({"entity": "ent-kessler"}, ["ev-call", "ev-talks"]),
        ({"storyline": "sl-strait"}, ["ev-call", "ev-talks"]),
        ({"storyline": "sl-none"}, []),
        ({"outlet": "Coastal Wire", "since": "2025-04-01"}, []),
    ],
)
def test_event_filters(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    body = client.get("/api/events", params=params).json()
    assert [e["id"] for e in body["items"]] == expected
    assert body["total"] == len(expected)


def test_event_detail_has_comparison_quotes_and_brief(client: TestClient) -> None:
    body = client.get("/api/events/ev-call").json()
    assert body["id"] == "ev-call" and body["storyline"] == {
        "id": "sl-strait",
        "title": "Aldoria–Brevia strait security",
    }
    assert [a["source"] for a in body["articles"]] == ["Harbour Times", "Coastal Wire"]
    comparison = body["comparison"]
    assert {c["status"] for c in comparison["claims"]} == {"shared", "single", "contradicted"}
    assert comparison["quote_matches"] == [{"a": "q-a1-1", "b": "q-b1-1", "score": 0.97}]
    assert comparison["omissions"] == {"fx-b1": ["cl-intel"]}
    assert comparison["framing"][0]["kind"] == "loaded-language"
    speakers = {q["id"]: q["speaker_name"] for q in body["quotes"]}
    assert speakers["q-a1-1"] == "Marta Kessler"
    assert body["brief"]["event"] == "ev-call" and body["brief"]["sections"]
    assert body["context"][0]["date"] == "2019"


def test_event_brief_formats(client: TestClient) -> None:
    assert client.get("/api/events/ev-call/brief").json()["sections"][0]["heading"] == "What happened"
    md = client.get("/api/events/ev-call/brief", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# Aldorian")
    html = client.get("/api/events/ev-call/brief", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html") and "note-ev-call-1" in html.text
    assert client.get("/api/events/ev-call/brief", params={"format": "pdf"}).status_code == 422


# --- articles, entities, storylines -------------------------------------------------------


def test_articles_list_without_text_and_filters(client: TestClient) -> None:
    body = client.get("/api/articles").json()
    assert [a["id"] for a in body["items"]] == ["fx-b1", "fx-a1", "fx-c1"]
    assert "text" not in body["items"][0]
    assert body["items"][0]["events"] == [
        {
            "id": "ev-call",
            "title": "Aldorian and Brevian defence ministers hold video call",
            "date": "2025-03-11",
        }
    ]
    ids = lambda **p: [a["id"] for a in client.get("/api/articles", params=p).json()["items"]]  # noqa: E731
    assert ids(outlet="Harbour Times") == ["fx-a1", "fx-c1"]
    assert ids(since="2025-03-12", until="2025-03-12") == ["fx-b1", "fx-a1"]
    assert ids(entity="ent-ulvik") == ["fx-b1", "fx-a1"]
    assert ids(storyline="sl-strait", limit="1", offset="2") == ["fx-c1"]


def test_article_detail(client: TestClient, fx: Fixture) -> None:
    body = client.get("/api/articles/fx-a1").json()
    assert body["article"]["text"] == fx.texts["fx-a1"]
    assert body["article"]["source"] == "Harbour Times"
    assert [q["speaker_name"] for q in body["quotes"]] == ["Marta Kessler", "Jonas Ulvik"]
    assert [r["value"] for r in body["timerefs"]] == ["2025-03-11", "2025-09", "2019"]
    assert {m["entity"] for m in body["mentions"]} >= {"ent-kessler", "ent-ulvik", "ent-strait"}
    assert body["events"][0]["id"] == "ev-call"
    assert "paragraphs" not in body


def test_entities_list_and_detail(client: TestClient) -> None:
    body = client.get("/api/entities").json()
    counts = [e["mentions"] for e in body["items"]]
    assert counts == sorted(counts, reverse=True) and body["total"] == 5  # most mentioned first
    people = client.get("/api/entities", params={"type": "PERSON"}).json()
    assert {e["id"] for e in people["items"]} == {"ent-kessler", "ent-ulvik"}
    assert [e["id"] for e in client.get("/api/entities", params={"name": "ULV"}).json()["items"]] == [
        "ent-ulvik"
    ]
    assert client.get("/api/entities", params={"name": "%"}).json()["items"] == []
    detail = client.get("/api/entities/ent-kessler").json()
    assert detail["entity"]["aliases"] == ["Marta Kessler", "Kessler"]
    assert [(r["title"], r["first"], r["last"]) for r in detail["role_spans"]] == [
        ("Defence Minister", "2024-11-05", "2025-03-12"),
        ("defence chief", "2025-03-12", "2025-03-12"),
    ]
    assert [q["id"] for q in detail["quotes"]][-1] == "q-c1-1"
    assert [e["id"] for e in detail["events"]] == ["ev-call", "ev-talks"]


def test_storylines(client: TestClient) -> None:
    body = client.get("/api/storylines").json()
    assert body["total"] == 1 and body["next"] is None
    assert client.get("/api/storylines", params={"offset": 1}).json()["items"] == []
    assert body["items"] == [
        {"id": "sl-strait", "title": "Aldoria–Brevia strait security", "events": 2,
         "first": "2024-11-04", "last": "2025-03-11"}
    ]  # fmt: skip
    timeline = client.get("/api/storylines/sl-strait").json()
    assert [e["kind"] for e in timeline["storylines"][0]["entries"]] == ["background", "event", "event"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/nope",
        "/api/events/nope/brief",
        "/api/articles/nope",
        "/api/entities/nope",
        "/api/storylines/nope",
    ],
)
def test_unknown_ids_are_404_with_a_message(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


# --- search -------------------------------------------------------------------------------


def test_search_across_articles_quotes_and_claims(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "smuggling routes"}).json()
    kinds = {(h["kind"], h["id"]) for h in body["items"]}
    assert {("article", "fx-a1"), ("quote", "q-a1-2"), ("claim", "cl-intel")} <= kinds
    quote = next(h for h in body["items"] if h["kind"] == "quote")
    assert quote["speaker"] == "Jonas Ulvik" and quote["article"] == "fx-a1"
    assert {"text": "smuggling", "match": True} in quote["fragments"]
    claim = next(h for h in body["items"] if h["kind"] == "claim")
    assert claim["event"] == "ev-call"


def test_search_kinds_prefix_paging_and_hostile_syntax(client: TestClient) -> None:
    quotes = client.get("/api/search", params={"q": "fleets", "kind": "quote"}).json()
    assert {h["id"] for h in quotes["items"]} == {"q-a1-1", "q-b1-1"}
    assert client.get("/api/search", params={"q": "smugg"}).json()["total"] >= 1  # last word is a prefix
    page = client.get("/api/search", params={"q": "strait", "limit": 2}).json()
    assert len(page["items"]) == 2 and page["total"] > 2 and "offset=2" in page["next"]
    for q in ['"', "AND(", "NEAR(x y", "*", "strait OR", "'; DROP TABLE articles; --"]:
        response = client.get("/api/search", params={"q": q})
        assert response.status_code == 200, q
    assert client.get("/api/search", params={"q": ""}).json()["items"] == []
    assert client.get("/api/search").status_code == 422


def test_search_index_follows_writes_of_other_stages(fx: Fixture) -> None:
    """Triggers (SQLite) or expression indexes (PostgreSQL) keep search in step with every write."""

    def ids(q: str) -> set[str]:
        with fx.store.read() as conn:
            return {h.id for h in search.search(conn, q).hits}

    assert "q-c1-1" in ids("winter storms")
    with fx.store.atomic() as conn:
        conn.execute(
            t.quotes.update().where(t.quotes.c.id == "q-c1-1").values(text="spring floods are coming")
        )
    assert "q-c1-1" not in ids("winter storms") and "q-c1-1" in ids("spring floods")
    with fx.store.atomic() as conn:  # deleting an article cascades to its quotes
        conn.execute(t.articles.delete().where(t.articles.c.id == "fx-c1"))
    assert ids("spring floods") == set() and ids("common plan") == set()
    if fx.store.dialect != "sqlite":
        return  # PostgreSQL indexes expressions over the rows themselves: nothing to check or rebuild
    with fx.store.atomic() as conn:
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        conn.exec_driver_sql("INSERT INTO quotes_fts(quotes_fts) VALUES ('integrity-check')")
        conn.exec_driver_sql("INSERT INTO claims_fts(claims_fts) VALUES ('integrity-check')")
        search.rebuild(conn)
    assert "fx-a1" in ids("reckless provocation")


@pytest.mark.postgres
def test_search_on_postgresql_uses_the_gin_indexes(fx: Fixture) -> None:
    with fx.store.read() as conn:
        hits = {(h.kind, h.id) for h in search.search(conn, "smuggling routes").hits}
        indexes = set(
            conn.scalars(
                sa.text(
                    "SELECT indexname FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND indexname LIKE '%search_idx'"
                )
            )
        )
    assert {("article", "fx-a1"), ("quote", "q-a1-2"), ("claim", "cl-intel")} <= hits
    assert indexes == {"articles_search_idx", "quotes_search_idx", "claims_search_idx"}
    response = TestClient(create_app(fx.store, process=False)).get("/api/search", params={"q": "AND( \"'"})
    assert response.status_code == 200


# --- ingest -------------------------------------------------------------------------------


def test_post_article_ingests_and_reports(client: TestClient) -> None:
    response = client.post("/api/articles", json=ARTICLE)
    assert response.status_code == 201, response.text
    body = response.json()
    (article_id,) = body["ingested"]
    assert body["processing"] == "off" and body["skipped"] == []
    stored = client.get(f"/api/articles/{article_id}").json()["article"]
    assert stored["source"] == "example.org" and stored["published"].startswith("2025-05-08")
    assert stored["text"].startswith("Harbour pilots in Vell walked out")
    hits = client.get("/api/search", params={"q": "pilots union"}).json()["items"]
    assert [(h["kind"], h["id"]) for h in hits] == [("article", article_id)]  # indexed as it was stored
    again = client.post("/api/articles", json=ARTICLE)
    assert again.status_code == 200 and again.json()["unchanged"] == [article_id]


def test_post_a_list_with_a_bad_record(client: TestClient) -> None:
    good = {
        **ARTICLE,
        "id": "given-id",
        "url": "https://example.org/other",
        "maintext": ARTICLE["maintext"] + " More.",
    }
    response = client.post("/api/articles", json=[good, {"title": "no text at all"}])
    assert response.status_code == 201
    body = response.json()
    assert body["ingested"] == ["given-id"]
    assert body["skipped"][0]["input"] == "api[1]" and "no article text" in body["skipped"][0]["reason"]


def test_post_nothing_usable_is_422(client: TestClient) -> None:
    assert client.post("/api/articles", json={"title": "x"}).status_code == 422
    assert client.post("/api/articles", json={"maintext": "too short"}).status_code == 422
    assert (
        client.post(
            "/api/articles", content="not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_post_requires_json_content_type(client: TestClient) -> None:
    """A cross-site form (text/plain, no preflight) cannot ingest."""
    response = client.post(
        "/api/articles", content=b'{"maintext": "x"}', headers={"content-type": "text/plain"}
    )
    assert response.status_code == 422


def test_oversized_post_is_refused(client: TestClient) -> None:
    headers = {"content-type": "application/json", "content-length": str(security.MAX_BODY_BYTES + 1)}
    response = client.post("/api/articles", content=b"{}", headers=headers)
    assert response.status_code == 413


def test_posted_articles_are_processed_in_the_background(
    fx: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Store] = []
    started = threading.Event()

    def fake_process(store: Store, settings: object = None, progress: object = None) -> None:
        started.wait(5)
        calls.append(store)

    monkeypatch.setattr(background.pipeline, "process", fake_process)
    app = create_app(fx.store)
    client = TestClient(app)
    assert client.post("/api/articles", json=ARTICLE).json()["processing"] == "queued"
    client.post(
        "/api/articles",
        json={**ARTICLE, "url": "https://example.org/2", "maintext": ARTICLE["maintext"] + " Two."},
    )
    assert client.get("/api/status").json()["processing"]["running"] is True
    started.set()
    assert app.state.processor.wait(10)
    assert 1 <= len(calls) <= 2 and calls[0] is fx.store  # the second request joined or followed the first
    status = client.get("/api/status").json()
    assert status["processing"] == {"running": False, "runs": len(calls), "last_error": None}


def test_a_failing_background_run_is_reported(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(store: Store, settings: object = None, progress: object = None) -> None:
        raise RuntimeError("model missing")

    monkeypatch.setattr(background.pipeline, "process", broken)
    app = create_app(fx.store)
    client = TestClient(app)
    client.post("/api/articles", json=ARTICLE)
    assert app.state.processor.wait(10)
    assert client.get("/api/status").json()["processing"]["last_error"] == "RuntimeError: model missing"


def test_status_counts(client: TestClient) -> None:
    body = client.get("/api/status").json()
    assert body["counts"] == {
        "articles": 3,
        "events": 2,
        "storylines": 1,
        "entities": 5,
        "quotes": 5,
        "claims": 4,
    }
    assert body["pending"] == 3  # the fixture's articles were never marked as processed
    assert body["processing"] is None


# --- token, hosts, headers ----------------------------------------------------------------


def test_token_required_on_every_request(fx: Fixture) -> None:
    client = TestClient(create_app(fx.store, token="s3cret", process=False))
    for path in ("/api/events", "/", "/events/ev-call", "/static/storyline.css", "/docs", "/openapi.json"):
        response = client.get(path)
        assert response.status_code == 401, path
    assert client.get("/api/events").json()["detail"].startswith("a token is required")
    assert client.get("/api/events", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/events", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/api/events", headers={"X-Storyline-Token": "s3cret"}).status_code == 200
    assert client.get("/api/events", params={"token": "s3cret"}).status_code == 200
    assert client.post("/api/articles", json=ARTICLE).status_code == 401


def test_token_in_a_page_address_becomes_a_cookie(fx: Fixture) -> None:
    client = TestClient(create_app(fx.store, token="s3cret", process=False))
    response = client.get("/events/ev-call", params={"token": "s3cret", "x": "1"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/events/ev-call?x=1"
    cookie = response.headers["set-cookie"]
    assert "storyline_token=s3cret" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/events/ev-call").status_code == 200  # the cookie now carries it
    assert client.get("/static/storyline.css").status_code == 200
    assert client.get("/?token=wrong", follow_redirects=False).status_code == 200  # cookie still valid
    fresh = TestClient(create_app(fx.store, token="s3cret", process=False))
    assert fresh.get("/?token=wrong", follow_redirects=False).status_code == 401


def test_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/events", "/api/events/nope", "/static/storyline.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'none'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/events/{event_id}/brief",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/storylines",
        "/api/storylines/{storyline_id}",
        "/api/search",
        "/api/status",
    ):
        assert path in paths, path
    assert "post" in paths["/api/articles"]
    assert not any(p.startswith(("/events", "/search")) for p in paths)  # pages are not API
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert security.is_loopback(host) is loopback


def test_serving_beyond_loopback_needs_a_token(fx: Fixture) -> None:
    with pytest.raises(security.UnsafeBind, match=r"refusing to serve on 0\.0\.0\.0 without a token"):
        library.web_app(store=fx.store, host="0.0.0.0")
    assert library.web_app(store=fx.store, host="0.0.0.0", token="s3cret") is not None
    assert library.web_app(store=fx.store, host="127.0.0.1") is not None


def test_loopback_server_rejects_foreign_host_headers(fx: Fixture) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the API."""
    app = library.web_app(store=fx.store, host="127.0.0.1", port=8000, process=False)
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    assert client.get("/api/events").status_code == 200
    assert client.get("/api/events", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/api/events", headers={"host": "evil.example"}).status_code == 400


@pytest.mark.slow
def test_seed_events_are_listed() -> None:
    """Golden: on the seeds, /api/events lists their events, the 000/001 call among them."""
    store = seed_store()
    event = seed_event(store, "seed-000", "seed-001")
    client = TestClient(create_app(store, process=False))
    body = client.get("/api/events", params={"limit": 200}).json()
    listed = {e["id"]: e for e in body["items"]}
    assert event in listed and body["total"] >= 3
    assert set(listed[event]["outlets"]) == {"Outlet A", "Outlet B"}
    with store.read() as conn:
        clustered = conn.execute(sa.select(sa.func.count()).select_from(t.event_articles)).scalar_one()
    assert sum(len(e["articles"]) for e in body["items"]) == clustered
    detail = client.get(f"/api/events/{event}").json()
    assert detail["comparison"]["quote_matches"], "the 000/001 call should have a matched quote"


def test_cli_serve_refuses_a_public_address_without_a_token(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(security.TOKEN_ENV, raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--db", db_url])
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 without a token" in " ".join(result.output.split())


def test_cli_serve_takes_the_token_from_the_environment(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, object] = {}
    monkeypatch.setenv(security.TOKEN_ENV, "from-env")
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "8123", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    client = TestClient(started["app"])  # type: ignore[arg-type]
    assert client.get("/api/status").status_code == 401
    assert client.get("/api/status", headers={"Authorization": "Bearer from-env"}).status_code == 200
