"""The REST API under /api: JSON over the same library calls the pages and the CLI use.

Lists are paged with `limit` (at most 200) and `offset`, and answer
`{"items": [...], "total": n, "limit": l, "offset": o, "next": url | null}`.
Filters: `since` / `until` (dates, inclusive; a prefix such as "2026-01" works),
`outlet`, `entity` (an entity id), `storyline`.  Unknown ids answer 404 with a
`detail` message.  OpenAPI: `/docs` and `/openapi.json`.

`POST /api/articles` ingests synchronously and then queues processing in the background
(see `web/background.py`); `GET /api/status` tells when processing has caught up.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict

from storyline import api as library
from storyline.report import brief as brief_mod
from storyline.report import timeline as timeline_mod
from storyline.report import views
from storyline.store import browse, search
from storyline.store.db import Store

router = APIRouter(prefix="/api", tags=["storyline"])

Limit = Annotated[int, Query(ge=1, le=browse.MAX_PAGE, description="Items per page (at most 200).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Since = Annotated[str | None, Query(description="Earliest date, inclusive: YYYY-MM-DD or a prefix.")]
Until = Annotated[str | None, Query(description="Latest date, inclusive: YYYY-MM-DD or a prefix.")]
Outlet = Annotated[str | None, Query(description="Only this outlet (an article's `source`).")]
EntityId = Annotated[str | None, Query(description="Only what involves this entity id.")]
StorylineId = Annotated[str | None, Query(description="Only this storyline id.")]


class ArticleIn(BaseModel):
    """An article as news-please writes it (trafilatura's JSON and our export work too)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "title": "Ministers hold video call",
                "maintext": "The two defence ministers held a video call on Tuesday …",
                "date_publish": "2026-01-28 09:30:00",
                "url": "https://example.org/news/ministers-call",
                "source_domain": "example.org",
                "authors": ["A. Reporter"],
                "language": "en",
            }
        },
    )

    maintext: str | None = None
    text: str | None = None
    title: str | None = None
    date_publish: str | None = None
    url: str | None = None
    source_domain: str | None = None
    authors: list[str] | None = None
    language: str | None = None
    id: str | None = None


def _store(request: Request) -> Store:
    return request.app.state.store


def _page(request: Request, page: browse.Page) -> dict[str, Any]:
    next_url = None
    if page.next_offset is not None:
        next_url = str(request.url.include_query_params(offset=page.next_offset, limit=page.limit))
    return {
        "items": page.items,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": next_url,
    }


def _filters(
    since: Since = None,
    until: Until = None,
    outlet: Outlet = None,
    entity: EntityId = None,
    storyline: StorylineId = None,
) -> browse.Filters:
    """The list endpoints' shared query parameters (a FastAPI dependency)."""
    return browse.Filters(since=since, until=until, outlet=outlet, entity=entity, storyline=storyline)


Filters = Annotated[browse.Filters, Depends(_filters)]


@router.get("/events", summary="Events, newest first")
def list_events(request: Request, filters: Filters, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Events by the date of the happening, newest first, with their outlets and participants."""
    with _store(request).read() as conn:
        page = browse.events_page(conn, filters, limit, offset)
    return _page(request, page)


@router.get("/events/{event_id}", summary="One event, with its comparison and brief")
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    """An event: articles, quotes with speakers, the cross-outlet comparison and the cited brief."""
    with _store(request).read() as conn:
        return views.event_json(conn, event_id)


@router.get("/events/{event_id}/brief", summary="The cited brief of one event", response_model=None)
def get_brief(
    request: Request, event_id: str, format: Literal["json", "md", "html"] = "json"
) -> dict[str, Any] | Response:
    """The brief as JSON (`{"event", "title", "sections": [...]}`), Markdown or HTML."""
    with _store(request).read() as conn:
        rendered = brief_mod.render(conn, event_id, format)
    if format == "md":
        return PlainTextResponse(str(rendered), media_type="text/markdown; charset=utf-8")
    if format == "html":
        return HTMLResponse(str(rendered))
    return rendered  # type: ignore[return-value]


@router.get("/articles", summary="Articles, newest first")
def list_articles(
    request: Request, filters: Filters, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Articles without their text, newest first, each with the event it belongs to."""
    with _store(request).read() as conn:
        page = browse.articles_page(conn, filters, limit, offset)
    return _page(request, page)


@router.get("/articles/{article_id:path}", summary="One article, with what enrichment found in it")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """The cleaned text, entities and mentions, quotes with speakers, resolved dates, events."""
    with _store(request).read() as conn:
        return views.article_json(conn, article_id)


@router.post("/articles", summary="Ingest articles (news-please JSON)", status_code=201)
def post_articles(
    request: Request,
    body: Annotated[ArticleIn | list[ArticleIn], Body(description="One article object, or a list of them.")],
) -> JSONResponse:
    """Store the articles now (cleaned, de-duplicated) and process them in the background.

    Answers 201 when something new was stored, 200 when everything was already known, and
    422 when no input could be read (each skipped input says why).
    """
    records = [a.model_dump(exclude_none=True) for a in (body if isinstance(body, list) else [body])]
    report = library.ingest_records(records, store=_store(request))
    processor = request.app.state.processor
    fresh = bool(report.ingested or report.updated)
    if fresh and processor is not None:
        processor.request()
    payload = {
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "unchanged": report.unchanged,
        "updated": report.updated,
        "skipped": [{"input": s.origin, "reason": s.reason} for s in report.skipped],
        "processing": "queued" if fresh and processor is not None else "off" if processor is None else "idle",
    }
    status = 201 if report.ingested else 200 if report.ok else 422
    return JSONResponse(payload, status_code=status)


@router.get("/entities", summary="Entities, most mentioned first")
def list_entities(
    request: Request,
    type: Annotated[str | None, Query(description="PERSON, ORG, GPE, …")] = None,
    name: Annotated[str | None, Query(description="Part of the name, any case.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    with _store(request).read() as conn:
        page = browse.entities_page(conn, type, name, limit, offset)
    return _page(request, page)


@router.get("/entities/{entity_id}", summary="One entity: aliases, roles over time, quotes, events")
def get_entity(request: Request, entity_id: str) -> dict[str, Any]:
    with _store(request).read() as conn:
        return views.entity_view(conn, entity_id)


@router.get("/storylines", summary="Storylines, most recently active first")
def list_storylines(request: Request, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    with _store(request).read() as conn:
        page = browse.storylines_page(conn, limit, offset)
    return _page(request, page)


@router.get("/storylines/{storyline_id}", summary="One storyline's timeline")
def get_storyline(request: Request, storyline_id: str) -> dict[str, Any]:
    """Dated events and the background the articles mention (entries of kind `background`)."""
    with _store(request).read() as conn:
        return timeline_mod.build_timeline(conn, storyline_id)


@router.get("/search", summary="Full-text search over articles, quotes and claims")
def search_all(
    request: Request,
    q: Annotated[str, Query(description="Words to find; all must occur.", max_length=500)],
    kind: Annotated[
        list[search.HitKind] | None, Query(description="article, quote or claim; repeatable.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Best matches first; each hit has a snippet with the matched words marked in `fragments`."""
    with _store(request).read() as conn:
        result = search.search(conn, q, tuple(kind or search.KINDS), limit, offset)
    more = offset + limit < result.total
    next_url = str(request.url.include_query_params(offset=offset + limit)) if more else None
    return {
        "query": q,
        "items": [h.as_dict() for h in result.hits],
        "total": result.total,
        "limit": limit,
        "offset": offset,
        "next": next_url,
    }


@router.get("/status", summary="What the store holds and whether processing has caught up")
def status(request: Request) -> dict[str, Any]:
    with _store(request).read() as conn:
        counts = browse.counts(conn)
        pending = browse.pending_articles(conn)
    processor = request.app.state.processor
    return {
        "counts": counts,
        "pending": pending,
        "processing": processor.as_dict() if processor is not None else None,
    }
