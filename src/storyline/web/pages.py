"""Server-rendered pages: each route reads one view from the library and fills a template.

No page needs JavaScript: filters and search are plain GET forms, the timeline is CSS,
and a citation is a link to the article with the cited sentences highlighted
(`/articles/{id}?hl=START-END#cited`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from storyline.report import timeline as timeline_mod
from storyline.report import views
from storyline.store import browse, search
from storyline.store.db import Store
from storyline.web import templating

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=templating.environment())
LINKS = templating.WebLinks()
SEARCH_PAGE = 20
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART")

DateParam = Annotated[str | None, Query(pattern=r"^$|^\d{4}(-\d{2}(-\d{2})?)?$")]


def _store(request: Request) -> Store:
    return request.app.state.store


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page: the template with the links, the search box's text and no inline CSS."""
    defaults = {"links": LINKS, "q": "", "inline_css": None}
    return templates.TemplateResponse(request, template, {**defaults, **context}, status_code=status_code)


def _filters(
    since: DateParam = None,
    until: DateParam = None,
    outlet: str | None = None,
    entity: str | None = None,
    storyline: str | None = None,
) -> browse.Filters:
    """The list pages' filter form (a FastAPI dependency); an empty field is no filter."""
    values = {"since": since, "until": until, "outlet": outlet, "entity": entity, "storyline": storyline}
    return browse.Filters(**{k: (v or None) for k, v in values.items()})


Filters = Annotated[browse.Filters, Depends(_filters)]


@router.get("/", response_class=HTMLResponse)
def events(request: Request, filters: Filters, offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    with _store(request).read() as conn:
        page = browse.events_page(conn, filters, limit=50, offset=offset)
        outlets = browse.outlets(conn)
        names = browse.entity_names(conn, [filters.entity] if filters.entity else [])
    entity_choice = (
        {"id": filters.entity, "name": names.get(filters.entity, filters.entity)} if filters.entity else None
    )
    params = {k: v for k, v in vars(filters).items() if v}
    context = {
        "page": page,
        "filters": filters,
        "outlets": outlets,
        "entity": entity_choice,
        "filtered": bool(params),
        "params": params,
    }
    return render(request, "events.html", context)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> HTMLResponse:
    with _store(request).read() as conn:
        view = views.event_view(conn, event_id)
    return render(request, "event.html", {"view": view})


def _highlight(hl: str | None) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{1,9})-(\d{1,9})", hl or "")
    return (int(match[1]), int(match[2])) if match else None


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, filters: Filters, offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    with _store(request).read() as conn:
        page = browse.articles_page(conn, filters, limit=50, offset=offset)
        outlets = browse.outlets(conn)
    params = {k: v for k, v in vars(filters).items() if v}
    return render(
        request, "articles.html", {"page": page, "filters": filters, "outlets": outlets, "params": params}
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: str, hl: str | None = None) -> HTMLResponse:
    with _store(request).read() as conn:
        view = views.article_view(conn, article_id, _highlight(hl))
    return render(request, "article.html", {"view": view})


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    name: str | None = None,
    type: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    with _store(request).read() as conn:
        page = browse.entities_page(conn, type or None, name or None, limit=50, offset=offset)
    params = {k: v for k, v in {"name": name, "type": type}.items() if v}
    context = {"page": page, "name": name, "type": type, "types": ENTITY_TYPES, "params": params}
    return render(request, "entities.html", context)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str) -> HTMLResponse:
    with _store(request).read() as conn:
        view = views.entity_view(conn, entity_id)
    return render(request, "entity.html", {"view": view})


@router.get("/storylines", response_class=HTMLResponse)
def storylines(request: Request) -> HTMLResponse:
    with _store(request).read() as conn:
        items = browse.storylines(conn)
    return render(request, "storylines.html", {"storylines": items})


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline(request: Request, storyline_id: str) -> HTMLResponse:
    with _store(request).read() as conn:
        timeline = timeline_mod.build_timeline(conn, storyline_id)
    return render(request, "storyline.html", {"timeline": timeline})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    kind: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    kinds = (kind,) if kind in search.KINDS else search.KINDS
    with _store(request).read() as conn:
        result = search.search(conn, q, kinds, SEARCH_PAGE, offset)  # type: ignore[arg-type]
    context = {
        "q": q,
        "kind": kind if kind in search.KINDS else "",
        "result": result,
        "offset": offset,
        "limit": SEARCH_PAGE,
        "more": offset + SEARCH_PAGE < result.total,
    }
    return render(request, "search.html", context)
