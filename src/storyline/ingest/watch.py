"""`storyline watch`: poll RSS/Atom feeds, ingest what is new, process it.

Polite polling: conditional requests with the ETag and Last-Modified the feed last sent,
so an unchanged feed costs a 304 and nothing else; entry links already stored are never
fetched again.  A feed that is down is recorded and retried next round while the others
go on; Ctrl-C ends the loop between two steps, with everything ingested so far committed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.errors import InputError, StorylineError
from storyline.ingest.fetch import Fetcher
from storyline.ingest.sources import read_feed
from storyline.ingest.stage import IngestReport, ingest_items
from storyline.store import feeds as feed_repo
from storyline.store.db import Store

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'15m', '1h', '30s', '90' (seconds) → seconds."""
    m = _DURATION_RE.match(text)
    if not m or float(m.group(1)) <= 0:
        raise StorylineError(f"not an interval: {text!r}; use e.g. 30s, 15m, 1h")
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]


@dataclass
class FeedPoll:
    url: str
    status: str  # "new", "unchanged", "error"
    ingested: int = 0
    error: str | None = None


@dataclass
class Round:
    number: int
    polls: list[FeedPoll] = field(default_factory=list)
    ingest: IngestReport | None = None
    processed: bool = False

    @property
    def new_articles(self) -> int:
        return sum(p.ingested for p in self.polls)


def poll_feed(store: Store, url: str, fetcher: Fetcher) -> FeedPoll:
    """One conditional fetch of one feed, its new entries ingested."""
    with store.read() as conn:
        state = feed_repo.get(conn, url)
    try:
        response = fetcher.get(url, state.etag if state else None, state.last_modified if state else None)
    except InputError as exc:
        with store.atomic() as conn:
            feed_repo.save(conn, url, None, None, str(exc))
        return FeedPoll(url, "error", error=str(exc))
    if response.not_modified:
        with store.atomic() as conn:
            feed_repo.save(conn, url, response.etag, response.last_modified, None)
        return FeedPoll(url, "unchanged")

    def known(link: str) -> bool:
        with store.read() as conn:
            return feed_repo.known_url(conn, link)

    report = ingest_items(store, read_feed(response.content, url, fetcher, known=known))
    not_a_feed = [s.reason for s in report.skipped if s.origin == url]
    with store.atomic() as conn:
        feed_repo.save(
            conn, url, response.etag, response.last_modified, not_a_feed[0] if not_a_feed else None
        )
    if not_a_feed:
        return FeedPoll(url, "error", error=not_a_feed[0])
    return FeedPoll(url, "new" if report.ingested else "unchanged", ingested=len(report.ingested))


def watch(
    store: Store,
    urls: list[str],
    every: float,
    process: Callable[[], object],
    rounds: int | None = None,
    stop: threading.Event | None = None,
    on_round: Callable[[Round], None] | None = None,
    fetcher: Fetcher | None = None,
) -> int:
    """Poll every `every` seconds until `rounds` are done, `stop` is set, or Ctrl-C; return rounds run."""
    stop = stop or threading.Event()
    fetcher = fetcher or Fetcher()
    done = 0
    try:
        while not stop.is_set() and (rounds is None or done < rounds):
            current = Round(done + 1, [poll_feed(store, url, fetcher) for url in urls])
            if current.new_articles:
                process()
                current.processed = True
            done += 1
            if on_round:
                on_round(current)
            if rounds is None or done < rounds:
                stop.wait(every)
    except KeyboardInterrupt:
        pass
    finally:
        fetcher.close()
    return done
