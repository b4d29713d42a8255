"""`storyline watch` against feeds served on 127.0.0.1: conditional requests, new entries,
a feed that is down, a clean stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.errors import StorylineError
from storyline.ingest.watch import parse_interval, watch
from storyline.report.export import to_dict

ITEM = """<item><title>{title}</title><link>http://127.0.0.1:{port}/story/{n}</link>
<guid>story-{n}</guid><pubDate>{date}</pubDate><content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>"""


def body(n: int) -> str:
    return (
        f"Story number {n} reports that the harbour council approved plan {n} for the eastern quay on Monday. "
        f"Members said the work on section {n} would start in the spring and last about {n + 2} months, "
        "and that ferry passengers would see only small delays while the cranes were moved."
    )


class FeedServer:
    """Serves /feed.xml with ETag support, counting what was asked and how."""

    def __init__(self) -> None:
        self.items: list[int] = [1, 2]
        self.requests: list[tuple[str, str | None]] = []
        self.down = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                if server.down:
                    self.send_error(503, "down for maintenance")
                    return
                etag = f'"v{len(server.items)}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                payload = server.feed().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/feed.xml"

    def feed(self) -> str:
        date = format_datetime(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
        items = "".join(
            ITEM.format(title=f"Story {n}", port=self.port, n=n, date=date, body=body(n)) for n in self.items
        )
        return (
            '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Quay News</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
        )


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()


def test_new_entries_then_not_modified(store, feed_server):
    processed: list[int] = []
    rounds = []
    watch(store, [feed_server.url], 0.01, lambda: processed.append(1), rounds=2, on_round=rounds.append)
    assert [r.new_articles for r in rounds] == [2, 0]
    assert rounds[1].polls[0].status == "unchanged"
    assert feed_server.requests[1][1] == '"v2"'  # the second request was conditional
    assert processed == [1]  # processing ran only when something was new
    assert {a["title"] for a in to_dict(store)["articles"]} == {"Story 1", "Story 2"}

    feed_server.items.append(3)
    watch(store, [feed_server.url], 0.01, lambda: processed.append(1), rounds=1, on_round=rounds.append)
    assert rounds[-1].new_articles == 1
    assert len(to_dict(store)["articles"]) == 3


def test_feed_down_is_survived(store, feed_server):
    feed_server.down = True
    rounds = []
    watch(
        store,
        [feed_server.url, "http://127.0.0.1:9/none.xml"],
        0.01,
        lambda: None,
        rounds=1,
        on_round=rounds.append,
    )
    statuses = [(p.status, p.error) for p in rounds[0].polls]
    assert statuses[0][0] == "error" and "503" in statuses[0][1]
    assert statuses[1][0] == "error" and "cannot fetch" in statuses[1][1]
    feed_server.down = False
    watch(store, [feed_server.url], 0.01, lambda: None, rounds=1, on_round=rounds.append)
    assert rounds[-1].new_articles == 2


def test_stop_event_ends_the_loop(store, feed_server):
    stop = threading.Event()
    rounds = []

    def on_round(r):
        rounds.append(r)
        stop.set()

    done = watch(store, [feed_server.url], 3600, lambda: None, stop=stop, on_round=on_round)
    assert done == 1


def test_ctrl_c_stops_cleanly(store, feed_server):
    def interrupt():
        raise KeyboardInterrupt

    done = watch(store, [feed_server.url], 0.01, interrupt, rounds=3)
    assert done == 0
    assert len(to_dict(store)["articles"]) == 2  # what was ingested before the interrupt stays


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("1h", 3600), ("30s", 30), ("90", 90), ("0.5m", 30)]
)
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0", "5 weeks"])
def test_bad_interval(text):
    with pytest.raises(StorylineError):
        parse_interval(text)
