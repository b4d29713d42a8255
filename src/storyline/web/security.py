"""Who may talk to the server, and what browsers may do with its pages.

- **Loopback by default.** `storyline serve` binds 127.0.0.1; any other address needs a
  token, and `check_bind` refuses to start without one, because the UI shows (and the
  API ingests) whatever the analyst has collected.
- **A token on every request** when one is set: `Authorization: Bearer …`, an
  `X-Storyline-Token` header, or the cookie a browser gets by opening any page once with
  `?token=…` (the page then reloads without the token in its address, so it does not
  linger in history or logs).  Compared in constant time.
- **Headers**: a Content-Security-Policy that allows no script at all on our pages (they
  need none) and no inline style, plus the usual no-sniff, no-framing, no-referrer.
  Only the OpenAPI pages (`/docs`, `/redoc`), which FastAPI builds from a CDN with an
  inline bootstrap script, get a policy that permits those.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from storyline.errors import StorylineError

TOKEN_COOKIE = "storyline_token"
TOKEN_HEADER = "x-storyline-token"
TOKEN_ENV = "STORYLINE_TOKEN"
LOOPBACK_NAMES = ("localhost", "ip6-localhost")
MAX_BODY_BYTES = 8 * 1024 * 1024  # one POSTed batch of articles; larger: use `storyline ingest`

PAGE_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class UnsafeBind(StorylineError):
    """Serving beyond this machine without a token."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve on a reachable address without a token."""
    if not is_loopback(host) and not token:
        raise UnsafeBind(
            f"refusing to serve on {host} without a token: anyone who can reach it could read and "
            f"add articles. Pass --token SECRET (or set {TOKEN_ENV}), or bind 127.0.0.1."
        )


def loopback_hosts(port: int) -> list[str]:
    """Host headers a loopback server answers to; others are DNS-rebinding attempts."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    return names + [f"{n}:{port}" for n in names]


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE)


def _matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _without_token(request: Request) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def _refuse(request: Request) -> Response:
    message = "a token is required: open the page with ?token=… or send Authorization: Bearer …"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return PlainTextResponse(message, status_code=401, headers={"WWW-Authenticate": "Bearer"})


Handler = Callable[[Request], Awaitable[Response]]


def token_guard(token: str) -> Callable[[Request, Handler], Awaitable[Response]]:
    """Middleware: every request shows the token; a `?token=` on a page becomes a cookie."""

    async def guard(request: Request, call_next: Handler) -> Response:
        from_query = request.query_params.get("token")
        if (
            _matches(from_query, token)
            and request.method == "GET"
            and not request.url.path.startswith("/api/")
        ):
            response: Response = RedirectResponse(_without_token(request), status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
            return response
        if not (_matches(_presented(request), token) or _matches(from_query, token)):
            return _refuse(request)
        return await call_next(request)

    return guard


async def security_headers(request: Request, call_next: Handler) -> Response:
    """Middleware: the headers every response carries, and a body size limit on writes."""
    length = request.headers.get("content-length")
    if (
        request.method in ("POST", "PUT", "PATCH")
        and length
        and length.isdigit()
        and int(length) > MAX_BODY_BYTES
    ):
        response: Response = JSONResponse(
            {
                "detail": f"request body over {MAX_BODY_BYTES:,} bytes; use `storyline ingest` for large batches"
            },
            status_code=413,
        )
    else:
        response = await call_next(request)
    docs = request.url.path in DOCS_PATHS
    response.headers["Content-Security-Policy"] = DOCS_CSP if docs else PAGE_CSP
    for name, value in BASE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
