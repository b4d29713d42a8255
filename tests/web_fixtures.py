"""A small, realistic store for the report and web tests, written row by row.

Two fictional outlets report one video call between the defence ministers of two
fictional countries (Aldoria, Brevia); a third article reports their earlier talks, in
the same storyline.  Every row is what the stages would write: sentences, mentions
resolved to entities, roles, quotes with speakers, resolved dates, events, storyline,
background context, claims of each status and the comparison (a matched quote, an
omission, a framing flag).  Offsets are computed from the texts, never typed by hand.

Also here: the seeds' pipeline run (cached, for the slow golden tests), a hostile
article, and a uvicorn server in a thread for the browser tests.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from storyline.model import Analysis, Article, Block, Quote, Sentence, TimeRef
from storyline.store import analysis as analysis_repo
from storyline.store import articles as article_repo
from storyline.store import schema as t
from storyline.store.db import Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"

CALL_A = """Aldorian and Brevian defence ministers hold video call
Aldoria's Defence Minister Marta Kessler and Brevia's Defence Minister Jonas Ulvik held a video conference on Tuesday, pledging closer naval cooperation in the Northern Strait.
The two ministers agreed that their navies would run joint patrols in the Northern Strait.
Kessler said the joint patrols would begin in September.
"Our fleets will patrol the strait together, because the threat does not stop at borders," Kessler said.
"We are ready to share intelligence on smuggling routes," Ulvik added.
The ministers last met in Vell in 2019, when they signed the Strait Accord.
Critics in parliament called the plan a reckless provocation."""

CALL_B = """Brevia, Aldoria agree joint naval patrols
Brevia and Aldoria agreed on Tuesday to run joint naval patrols in the Northern Strait, their defence ministers said after a video call.
Marta Kessler, Aldoria's defence chief, said: "Our fleets will patrol the strait together, because the threat does not stop at borders."
Ulvik said the patrols would begin in June.
The agreement builds on the Strait Accord the two countries signed in 2019."""

TALKS = """Aldoria and Brevia open talks on strait security
Aldoria's Defence Minister Marta Kessler met Brevian officials in Vell on Monday to open talks on security in the Northern Strait.
"We need a common plan for the strait before the winter storms," Kessler said.
Brevian officials said they would answer within a month."""


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of `needle` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def line_span(text: str, needle: str) -> tuple[int, int]:
    """Offsets of the whole line (one sentence here) that contains `needle`."""
    start, _ = span(text, needle)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return line_start, len(text) if line_end == -1 else line_end


@dataclass
class Fixture:
    """Ids and texts the tests check against."""

    store: Store
    texts: dict[str, str]
    call_event: str = "ev-call"
    talks_event: str = "ev-talks"
    storyline: str = "sl-strait"
    kessler: str = "ent-kessler"
    ulvik: str = "ent-ulvik"
    outlets: dict[str, str] = field(default_factory=dict)


ENTITIES = {
    "ent-kessler": ("Marta Kessler", "PERSON", ["Marta Kessler", "Kessler"]),
    "ent-ulvik": ("Jonas Ulvik", "PERSON", ["Jonas Ulvik", "Ulvik"]),
    "ent-aldoria": ("Aldoria", "GPE", ["Aldoria"]),
    "ent-brevia": ("Brevia", "GPE", ["Brevia"]),
    "ent-strait": ("Northern Strait", "LOC", ["Northern Strait"]),
}
# surface form → entity, searched in every article (longest forms first)
SURFACES = [
    ("Marta Kessler", "ent-kessler", "PERSON"),
    ("Jonas Ulvik", "ent-ulvik", "PERSON"),
    ("Northern Strait", "ent-strait", "LOC"),
    ("Kessler", "ent-kessler", "PERSON"),
    ("Ulvik", "ent-ulvik", "PERSON"),
    ("Aldoria", "ent-aldoria", "GPE"),
    ("Brevia", "ent-brevia", "GPE"),
]


def add_article(
    store: Store,
    article_id: str,
    text: str,
    source: str,
    published: str,
    title: str | None = None,
    url: str | None = None,
) -> None:
    """Store an article as ingest would: first line a headline, the rest body lines."""
    lines = text.split("\n")
    blocks, pos = [], 0
    for n, line in enumerate(lines):
        blocks.append(Block(pos, pos + len(line), "headline" if n == 0 else "body"))
        pos += len(line) + 1
    article = Article(
        id=article_id,
        text=text,
        source=source,
        title=title or lines[0],
        url=url,
        published=published,
        language="en",
        blocks=blocks,
        content_hash=f"hash-{article_id}",
    )
    with store.atomic() as conn:
        article_repo.insert(conn, [article_repo.to_row(article, None)])


def _analysis(article_id: str, text: str, quotes: list[Quote], timerefs: list[TimeRef]) -> Analysis:
    sentences, pos = [], 0
    for n, line in enumerate(text.split("\n")):
        sentences.append(Sentence(article_id, n, pos, pos + len(line), "headline" if n == 0 else "body"))
        pos += len(line) + 1
    return Analysis(article=article_id, sentences=sentences, quotes=quotes, timerefs=timerefs)


def _mentions(article_id: str, text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Mentions of every known surface form, and the article's local entity rows."""
    taken: list[tuple[int, int]] = []
    mentions: list[dict[str, Any]] = []
    for surface, entity, label in SURFACES:
        for found in re.finditer(rf"\b{re.escape(surface)}\b", text):
            start, end = found.span()
            if not any(s < end and e > start for s, e in taken):
                taken.append((start, end))
                mentions.append(
                    {
                        "article": article_id,
                        "start": start,
                        "end": end,
                        "text": surface,
                        "label": label,
                        "entity": entity,
                    }
                )
    locals_: dict[str, int] = {}
    for m in sorted(mentions, key=lambda m: m["start"]):
        m["local"] = locals_.setdefault(m["entity"], len(locals_))
    rows = []
    for entity, local in locals_.items():
        own = [m for m in mentions if m["entity"] == entity]
        rows.append(
            {
                "article": article_id,
                "local": local,
                "name": ENTITIES[entity][0],
                "label": ENTITIES[entity][1],
                "entity": entity,
                "mentions": len(own),
                "first_start": min(m["start"] for m in own),
            }
        )
    return mentions, rows


def _quote(qid: str, article: str, text: str, words: str, speaker: str, kind: str = "direct") -> Quote:
    start, end = span(text, words)
    return Quote(
        id=qid,
        article=article,
        text=words,
        kind=kind,  # type: ignore[arg-type]
        start=start,
        end=end,
        speaker=speaker,
        speaker_name=ENTITIES[speaker][0].split()[-1],
        cue="said",
    )


def _timeref(rid: str, article: str, text: str, words: str, value: str, granularity: str) -> TimeRef:
    start, end = span(text, words)
    return TimeRef(rid, article, words, value, start, end, granularity)  # type: ignore[arg-type]


def _source(article: str, text: str, needle: str) -> dict[str, Any]:
    start, end = line_span(text, needle)
    return {"article": article, "start": start, "end": end}


def build(store: Store) -> Fixture:
    """Fill `store` with the three articles and everything the stages would derive."""
    outlets = {"fx-a1": "Harbour Times", "fx-b1": "Coastal Wire", "fx-c1": "Harbour Times"}
    texts = {"fx-a1": CALL_A, "fx-b1": CALL_B, "fx-c1": TALKS}
    dates = {"fx-a1": "2025-03-12", "fx-b1": "2025-03-12T08:15:00", "fx-c1": "2024-11-05"}
    for aid, text in texts.items():
        add_article(store, aid, text, outlets[aid], dates[aid], url=f"https://example.org/{aid}")
    quotes = {
        "fx-a1": [
            _quote("q-a1-1", "fx-a1", CALL_A, "Our fleets will patrol the strait together, because the threat does not stop at borders", "ent-kessler"),
            _quote("q-a1-2", "fx-a1", CALL_A, "We are ready to share intelligence on smuggling routes", "ent-ulvik"),
        ],
        "fx-b1": [
            _quote("q-b1-1", "fx-b1", CALL_B, "Our fleets will patrol the strait together, because the threat does not stop at borders.", "ent-kessler"),
            _quote("q-b1-2", "fx-b1", CALL_B, "the patrols would begin in June", "ent-ulvik", kind="indirect"),
        ],
        "fx-c1": [_quote("q-c1-1", "fx-c1", TALKS, "We need a common plan for the strait before the winter storms", "ent-kessler")],
    }  # fmt: skip
    timerefs = {
        "fx-a1": [
            _timeref("t-a1-1", "fx-a1", CALL_A, "on Tuesday", "2025-03-11", "day"),
            _timeref("t-a1-2", "fx-a1", CALL_A, "in September", "2025-09", "month"),
            _timeref("t-a1-3", "fx-a1", CALL_A, "in 2019", "2019", "year"),
        ],
        "fx-b1": [
            _timeref("t-b1-1", "fx-b1", CALL_B, "on Tuesday", "2025-03-11", "day"),
            _timeref("t-b1-2", "fx-b1", CALL_B, "in June", "2025-06", "month"),
        ],
        "fx-c1": [_timeref("t-c1-1", "fx-c1", TALKS, "on Monday", "2024-11-04", "day")],
    }
    with store.atomic() as conn:
        analysis_repo.write(conn, [_analysis(a, texts[a], quotes[a], timerefs[a]) for a in texts])
        _write_entities(conn, texts)
        _write_events(conn)
        _write_comparison(conn)
    return Fixture(store=store, texts=texts, outlets=outlets)


def _write_entities(conn: Any, texts: dict[str, str]) -> None:
    found = {aid: _mentions(aid, text) for aid, text in texts.items()}
    counts: dict[str, int] = {}
    for mentions, _rows in found.values():
        for m in mentions:
            counts[m["entity"]] = counts.get(m["entity"], 0) + 1
    conn.execute(
        t.entities.insert(),
        [
            {"id": eid, "name": name, "type": type_, "aliases": aliases, "mentions": counts.get(eid, 0)}
            for eid, (name, type_, aliases) in ENTITIES.items()
        ],
    )
    for mentions, rows in found.values():
        conn.execute(t.mentions.insert(), mentions)
        conn.execute(t.article_entities.insert(), rows)
    conn.execute(
        t.roles.insert(),
        [
            {"entity": "ent-kessler", "title": "Defence Minister", "org": "Aldoria", "article": "fx-c1"},
            {"entity": "ent-kessler", "title": "Defence Minister", "org": "Aldoria", "article": "fx-a1"},
            {"entity": "ent-kessler", "title": "defence chief", "org": "Aldoria", "article": "fx-b1"},
            {"entity": "ent-ulvik", "title": "Defence Minister", "org": "Brevia", "article": "fx-a1"},
        ],
    )


def _write_events(conn: Any) -> None:
    now = t.utcnow()
    conn.execute(
        t.storylines.insert(),
        [{"id": "sl-strait", "title": "Aldoria–Brevia strait security", "updated_at": now}],
    )
    common = {
        "granularity": "day",
        "kind": "meeting",
        "storyline": "sl-strait",
        "updated_at": now,
        "compared_at": now,
    }
    conn.execute(
        t.events.insert(),
        [
            {
                **common,
                "id": "ev-call",
                "title": "Aldorian and Brevian defence ministers hold video call",
                "date": "2025-03-11",
                "location": "Northern Strait",
                "participants": ["ent-kessler", "ent-ulvik", "ent-aldoria", "ent-brevia"],
                "size": 2,
                "first_published": "2025-03-12",
                "last_published": "2025-03-12T08:15:00",
            },
            {
                **common,
                "id": "ev-talks",
                "title": "Aldoria and Brevia open talks on strait security",
                "date": "2024-11-04",
                "location": "Vell",
                "participants": ["ent-kessler", "ent-aldoria", "ent-brevia"],
                "size": 1,
                "first_published": "2024-11-05",
                "last_published": "2024-11-05",
            },
        ],
    )
    conn.execute(
        t.event_articles.insert(),
        [
            {"article": "fx-a1", "event": "ev-call", "score": 1.0},
            {"article": "fx-b1", "event": "ev-call", "score": 0.82},
            {"article": "fx-c1", "event": "ev-talks", "score": 1.0},
        ],
    )
    a_start, a_end = span(CALL_A, "in 2019, when they signed the Strait Accord")
    b_start, b_end = span(CALL_B, "the Strait Accord the two countries signed in 2019")
    conn.execute(
        t.context_items.insert(),
        [
            {"storyline": "sl-strait", "event": "ev-call", "article": "fx-a1", "text": "signed the Strait Accord",
             "date": "2019", "start": a_start, "end": a_end},
            {"storyline": "sl-strait", "event": "ev-call", "article": "fx-b1", "text": "Signed the Strait Accord",
             "date": "2019", "start": b_start, "end": b_end},
        ],
    )  # fmt: skip


CLAIMS = {
    "cl-patrols": "Aldoria and Brevia agreed to run joint naval patrols in the Northern Strait.",
    "cl-intel": "Brevia is ready to share intelligence on smuggling routes.",
    "cl-start": "The joint patrols begin in September.",
    "cl-accord": "The two countries signed the Strait Accord in 2019.",
}


def _write_comparison(conn: Any) -> None:
    conn.execute(
        t.claims.insert(),
        [
            {"id": "cl-patrols", "event": "ev-call", "text": CLAIMS["cl-patrols"], "status": "shared", "context": False,
             "sources": [_source("fx-a1", CALL_A, "would run joint patrols"), _source("fx-b1", CALL_B, "agreed on Tuesday")]},
            {"id": "cl-intel", "event": "ev-call", "text": CLAIMS["cl-intel"], "status": "single", "context": False,
             "sources": [_source("fx-a1", CALL_A, "share intelligence")]},
            {"id": "cl-start", "event": "ev-call", "text": CLAIMS["cl-start"], "status": "contradicted", "context": False,
             "sources": [_source("fx-a1", CALL_A, "begin in September"), _source("fx-b1", CALL_B, "begin in June")]},
            {"id": "cl-accord", "event": "ev-call", "text": CLAIMS["cl-accord"], "status": "shared", "context": True,
             "sources": [_source("fx-a1", CALL_A, "in 2019"), _source("fx-b1", CALL_B, "in 2019")]},
        ],
    )  # fmt: skip
    f_start, f_end = span(CALL_A, "a reckless provocation")
    data = {
        "quote_matches": [{"a": "q-a1-1", "b": "q-b1-1", "score": 0.97}],
        "omissions": {"fx-b1": ["cl-intel"]},
        "framing": [
            {
                "article": "fx-a1",
                "start": f_start,
                "end": f_end,
                "text": "a reckless provocation",
                "kind": "loaded-language",
            }
        ],
        "sourcing": {"fx-a1": {"direct": 2, "indirect": 0}, "fx-b1": {"direct": 1, "indirect": 1}},
    }
    conn.execute(t.comparisons.insert(), [{"event": "ev-call", "data": data, "updated_at": t.utcnow()}])


@contextmanager
def fixture_store(url: str | None = None) -> Iterator[Fixture]:
    """A store holding the fixture: at `url`, or a fresh one on the selected back end."""
    from conftest import drop_scratch, scratch_url

    scratch = url is None
    url = scratch_url() if url is None else url
    store = Store(url)
    try:
        yield build(store)
    finally:
        store.close()
        if scratch:
            drop_scratch(url)


# --- a hostile article --------------------------------------------------------------------

HOSTILE_TEXT = (
    "<script>alert('xss-body')</script> Officials met in <b>Vell</b> on Monday to discuss the strait.\n"
    "The envoy said \"<img src=x onerror=alert('xss-quote')> is our answer\" before leaving the talks.\n"
    "Read <a href=\"javascript:alert('xss-link')\">the full statement</a> about the strait talks onerror=alert(1) here.\n"
    "</textarea></title><svg/onload=alert('xss-svg')> closed the session on the strait."
)
HOSTILE_RECORD = {
    "id": "hostile-1",
    "title": "<script>alert('xss-title')</script> Strait talks",
    "maintext": HOSTILE_TEXT,
    "date_publish": "2025-04-02",
    "url": "javascript:alert('xss-url')",
    "source_domain": "<img src=x onerror=alert('xss-outlet')>",
    "authors": ["<b onmouseover=alert('xss-author')>Reporter</b>"],
    "language": "en",
}
HOSTILE_NEEDLES = ("<script>", "onerror=", "onload=", "javascript:", "onmouseover=")


def add_hostile_analysis(store: Store, article_id: str) -> str:
    """Rows that put the hostile text into every marked-up place: mentions, quote, event, claim.

    Returns the event id.  The rows are what the stages would store for such an article.
    """
    with store.read() as conn:
        text = article_repo.get(conn, article_id).text
    q_start, q_end = span(text, "<img src=x onerror=alert('xss-quote')> is our answer")
    m_start, m_end = span(text, "<b>Vell</b>")
    d_start, d_end = span(text, "on Monday")
    x_start, x_end = span(text, "<script>alert('xss-body')</script>")
    now = t.utcnow()
    evil_name = "<script>alert('xss-entity')</script> Envoy"
    analysis = Analysis(
        article=article_id,
        sentences=[Sentence(article_id, n, *line_span(text, line[:20]), "body") for n, line in enumerate(text.split("\n"))],
        quotes=[Quote("q-hostile", article_id, text[q_start:q_end], "direct", q_start, q_end, "ent-evil", evil_name)],
        timerefs=[TimeRef("t-hostile", article_id, "on Monday", "2025-03-31", d_start, d_end, "day")],
    )  # fmt: skip
    with store.atomic() as conn:
        analysis_repo.write(conn, [analysis])
        conn.execute(t.entities.insert(), [{"id": "ent-evil", "name": evil_name, "type": "PERSON",
                                            "aliases": ["<img src=x onerror=alert('xss-alias')>"], "mentions": 2}])  # fmt: skip
        conn.execute(
            t.mentions.insert(),
            [
                {"article": article_id, "start": m_start, "end": m_end, "text": "<b>Vell</b>", "label": "GPE<script>", "local": 0, "entity": "ent-evil"},
                {"article": article_id, "start": x_start, "end": x_end, "text": text[x_start:x_end], "label": "PERSON", "local": 1, "entity": None},
            ],
        )  # fmt: skip
        conn.execute(t.article_entities.insert(), [{"article": article_id, "local": 0, "name": evil_name, "label": "PERSON",
                                                    "entity": "ent-evil", "mentions": 1, "first_start": m_start}])  # fmt: skip
        conn.execute(t.roles.insert(), [{"entity": "ent-evil", "title": "<script>alert('xss-role')</script>", "org": None, "article": article_id}])  # fmt: skip
        conn.execute(t.storylines.insert(), [{"id": "sl-evil", "title": "<script>alert('xss-storyline')</script>", "updated_at": now}])  # fmt: skip
        conn.execute(t.events.insert(), [{"id": "ev-evil", "title": "<script>alert('xss-event')</script> talks", "date": "2025-03-31",
                                          "location": "<img src=x onerror=alert('xss-loc')>", "participants": ["ent-evil"],
                                          "storyline": "sl-evil", "size": 1, "updated_at": now, "kind": "meeting"}])  # fmt: skip
        conn.execute(t.event_articles.insert(), [{"article": article_id, "event": "ev-evil", "score": 1.0}])
        conn.execute(t.claims.insert(), [{"id": "cl-evil", "event": "ev-evil", "text": "<script>alert('xss-claim')</script> strait",
                                          "status": "single", "context": False,
                                          "sources": [{"article": article_id, "start": q_start, "end": q_end}]}])  # fmt: skip
        conn.execute(t.context_items.insert(), [{"storyline": "sl-evil", "event": "ev-evil", "article": article_id,
                                                 "text": text[x_start:x_end], "date": "2001", "start": x_start, "end": x_end}])  # fmt: skip
        data = {"quote_matches": [], "omissions": {}, "sourcing": {},
                "framing": [{"article": article_id, "start": x_start, "end": x_end, "text": text[x_start:x_end], "kind": "<i>loaded</i>"}]}  # fmt: skip
        conn.execute(t.comparisons.insert(), [{"event": "ev-evil", "data": data, "updated_at": now}])
    return "ev-evil"


# --- the seeds, through the whole pipeline ------------------------------------------------

PIPELINE_MODULES = ("storyline.enrich.stage", "storyline.cluster.events", "storyline.compare.stage")


def require_pipeline() -> None:
    """Skip, saying which stage is missing, unless every processing stage can be imported."""
    for name in PIPELINE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("storyline"):
                raise
            pytest.skip(f"the seeds' golden test needs the whole pipeline; {exc.name} is not there yet")


def run_seed_pipeline(seeds: Path, folder: Path) -> str:
    """Run the seeds through the whole pipeline into a new store on the selected back end; its URL."""
    from conftest import scratch_url, write_seed_meta

    from storyline import api

    meta = write_seed_meta(seeds, folder)
    url = scratch_url(folder, "seeds")
    store = Store(url)
    try:
        api.run([str(seeds)], meta=str(meta), store=store)
    finally:
        store.close()
    return url


@functools.cache
def seed_store_url() -> str:
    """The seeds' store, built once per test process (skips when seeds or stages are missing).

    The golden tests only read it; on PostgreSQL its schema stays until the session ends.
    """
    from storyline.config import shared_dir

    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/seeds is not beside this checkout: the seeds' golden tests need it")
    try:
        return run_seed_pipeline(shared / "seeds", Path(tempfile.mkdtemp(prefix="storyline-seeds-")))
    except ModuleNotFoundError as exc:  # a stage imports a module still being written
        if not (exc.name or "").startswith("storyline"):
            raise
        pytest.skip(f"the seeds' golden test needs the whole pipeline; {exc.name} is not there yet")


def process_or_skip(store: Store) -> None:
    """Run every processing stage, or skip when one imports a module still being written."""
    from storyline import pipeline

    require_pipeline()
    try:
        pipeline.process(store)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("storyline"):
            raise
        pytest.skip(f"this test needs the whole pipeline; {exc.name} is not there yet")


def seed_store() -> Store:
    require_pipeline()
    return Store(seed_store_url())


def seed_event(store: Store, *articles: str) -> str:
    """The id of the event holding all the given seed articles (fails if none does)."""
    with store.read() as conn:
        rows = conn.execute(t.event_articles.select().where(t.event_articles.c.article.in_(articles))).all()
    events = {r.event for r in rows}
    assert len(rows) == len(articles) and len(events) == 1, f"seeds {articles} are not one event: {rows}"
    return events.pop()


# --- a real server for the browser --------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """uvicorn serving `app` on 127.0.0.1 and a free port, in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for browser tests"
        )
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright (Python) is not installed: pip install playwright")


@contextmanager
def browser_page(viewport: dict[str, int] | None = None) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
            yield page
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
