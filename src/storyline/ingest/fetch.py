"""HTTP fetching with the limits a batch job needs: timeouts, a size cap, a type check.

The transport is injectable (httpx's `MockTransport` in tests, the real network in use),
and conditional requests (ETag / Last-Modified) are supported for feed polling.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from storyline import __version__
from storyline.config import FETCH_TIMEOUT_S, MAX_FETCH_BYTES
from storyline.errors import FetchError, TooLarge, UnsupportedInput

USER_AGENT = f"Storyline/{__version__} (+https://github.com/storyline-news/storyline)"

TEXTUAL_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "application/json",
    "application/x-ndjson",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """A small httpx client wrapper; one per batch so connections are reused."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        timeout: float = FETCH_TIMEOUT_S,
        max_bytes: int = MAX_FETCH_BYTES,
    ) -> None:
        self.max_bytes = max_bytes
        self.client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """Fetch a URL; raises FetchError, TooLarge or UnsupportedInput with the reason."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                if r.status_code == 304:
                    return Response(str(r.url), 304, b"", "", etag, last_modified)
                if r.status_code >= 400:
                    raise FetchError(f"HTTP {r.status_code} from {url}")
                ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype and not ctype.startswith(TEXTUAL_TYPES) and not ctype.endswith(("+xml", "+json")):
                    raise UnsupportedInput(f"{url} serves {ctype}, not an article, feed or JSON")
                declared = int(r.headers.get("content-length") or 0)
                if declared > self.max_bytes:
                    raise TooLarge(
                        f"{url} is {declared / 1e6:.1f} MB, over the {self.max_bytes / 1e6:.0f} MB limit"
                    )
                body = bytearray()
                for chunk in r.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise TooLarge(f"{url} is over the {self.max_bytes / 1e6:.0f} MB limit")
                return Response(
                    str(r.url),
                    r.status_code,
                    bytes(body),
                    ctype,
                    r.headers.get("etag"),
                    r.headers.get("last-modified"),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {url}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from exc
