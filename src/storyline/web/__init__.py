"""The web UI and REST API (`storyline serve`): FastAPI, server-rendered Jinja2, one CSS file.

    app.py         create_app(store, token=None): routers, error handling, middleware
    api.py         REST endpoints under /api (OpenAPI at /docs)
    pages.py       HTML pages: events, one event, article, entity, storyline, search
    security.py    loopback by default, token check, security headers
    background.py  processing articles POSTed to the API, one run at a time
    templating.py  the one Jinja2 environment (autoescape on), also used by static reports

Routes only call the library (`storyline.store.browse`, `storyline.store.search`,
`storyline.report.*`); what a page shows is decided there, not here.
"""
