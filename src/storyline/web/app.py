"""The FastAPI application: REST API under /api, pages everywhere else, one CSS file.

`create_app(store)` builds an app over an open store; `storyline serve` runs it with
uvicorn (see `storyline.api.serve`).  Library errors become HTTP answers here, once:
an unknown id is a 404 (JSON for the API, a page for a browser), any other
`StorylineError` a 400.  Security (token, headers, trusted hosts) is in `security.py`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from storyline import __version__
from storyline.config import Settings
from storyline.errors import NotFound, StorylineError
from storyline.store.db import Store
from storyline.web import api, pages, security, templating
from storyline.web.background import Processor

DESCRIPTION = """Storyline's REST API: events, articles, entities, storylines and full-text search
over what `storyline run` stored, and `POST /api/articles` to add articles.
Lists take `limit` and `offset`; dates are ISO (`YYYY-MM-DD`). Every quote, claim and
date carries `start`/`end` character offsets into its article's cleaned `text`."""


def create_app(
    store: Store,
    token: str | None = None,
    process: bool = True,
    allowed_hosts: list[str] | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The web app over `store`.

    token: required on every request when given.  process: run the processing stages in
    the background after `POST /api/articles` (off: articles wait for `storyline
    process`).  allowed_hosts: Host headers to answer (a loopback server passes its own
    names, against DNS rebinding).
    """
    app = FastAPI(
        title="Storyline",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url="/redoc",
    )
    app.state.store = store
    app.state.processor = Processor(store, settings) if process else None
    app.mount("/static", StaticFiles(directory=templating.STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    if token:
        app.middleware("http")(security.token_guard(token))
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.middleware("http")(security.security_headers)  # outermost: also on 401 and 400 answers
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, heading: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    context = {"status": status, "heading": heading, "message": message}
    return pages.render(request, "error.html", context, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, "Not found", str(exc))

    @app.exception_handler(StorylineError)
    async def library_error(request: Request, exc: StorylineError) -> Response:
        return _error(request, 400, "Cannot do that", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return _error(
            request, exc.status_code, "Not found" if exc.status_code == 404 else "Error", str(exc.detail)
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return _error(request, 400, "Bad request", f"check these parameters: {fields}")
