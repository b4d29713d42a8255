"""Everything stored about one event, loaded once: the material briefs and event pages use.

The brief, the event page and the static report all need the same rows (the event's
articles with their text and sentences, quotes with speakers, claims, the comparison),
so they are read here in a fixed number of queries and handed over as one object.
Citations point at whole source sentences: `SourceArticle.sentence_span` widens any
evidence span (a quote, a claim's source, a framing flag) to the sentences it lies in.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.model import Quote
from storyline.store import analysis as analysis_repo
from storyline.store import articles as article_repo
from storyline.store import browse
from storyline.store import schema as t

EXCERPT_CHARS = 240  # a cited sentence longer than this is cut in footnotes


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
    """A cited stretch of text on one line, cut at `limit` characters."""
    cut = " ".join(text[start:end].split())
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"


@dataclass
class SourceArticle:
    """One article of the event, with its sentence boundaries for citing."""

    id: str
    text: str
    source: str | None
    title: str | None
    published: str | None
    url: str | None
    sentences: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind)

    def __post_init__(self) -> None:
        self._starts = [s[0] for s in self.sentences]  # sentences come sorted by start

    @property
    def outlet(self) -> str:
        return self.source or self.id

    def sentence_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The sentences an evidence span lies in, as one span; None if it is off the text."""
        start, end = max(0, start), min(len(self.text), end)
        if start >= end:
            return None
        i = max(0, bisect_right(self._starts, start) - 1)
        covering = []
        while i < len(self.sentences) and self.sentences[i][0] < end:
            s, e, _kind = self.sentences[i]
            if e > start:
                covering.append((s, e))
            i += 1
        if not covering:
            return start, end
        return min(s for s, _ in covering), max(e for _, e in covering)

    def body_sentences(self) -> list[tuple[int, int]]:
        """Body sentences in order; paragraphs of body text when the article has no sentences yet."""
        if self.sentences:
            return [(s, e) for s, e, kind in self.sentences if kind == "body"]
        spans, pos = [], 0
        for line in self.text.split("\n"):
            if line.strip():
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans[1:] if len(spans) > 1 else spans  # the first line is usually the headline


@dataclass
class EventMaterial:
    event: Any  # the events row
    articles: dict[str, SourceArticle]  # event's articles, oldest report first
    quotes: list[Quote]
    names: dict[str, str]  # entity id → name, for speakers and participants
    claims: list[dict[str, Any]]
    comparison: dict[str, Any]  # quote_matches, omissions, framing, sourcing
    context: list[dict[str, Any]]

    def speaker(self, quote: Quote) -> str | None:
        if quote.speaker and quote.speaker in self.names:
            return self.names[quote.speaker]
        return quote.speaker_name

    def citation(self, article_id: str, start: int, end: int) -> dict[str, Any] | None:
        """A citation of the sentences holding [start, end), or None if that cannot be cited."""
        article = self.articles.get(article_id)
        if article is None:
            return None
        span = article.sentence_span(start, end)
        if span is None:
            return None
        return {"article": article_id, "outlet": article.outlet, "start": span[0], "end": span[1]}


def load(conn: Connection, event_id: str) -> EventMaterial:
    """Read one event's material; raises NotFound for an unknown id."""
    event = browse.event_row(conn, event_id)
    members = browse.event_members(conn, [event_id]).get(event_id, [])
    articles = _articles(conn, [m["id"] for m in members])
    quotes = analysis_repo.quotes_of(conn, list(articles)) if articles else []
    data = _comparison_data(conn, event_id)
    wanted = {q.speaker for q in quotes if q.speaker} | set(event.participants)
    return EventMaterial(
        event=event,
        articles=articles,
        quotes=quotes,
        names=browse.entity_names(conn, wanted),
        claims=_claims(conn, event_id),
        comparison=data,
        context=_context(conn, event_id),
    )


def _articles(conn: Connection, ids: list[str]) -> dict[str, SourceArticle]:
    sentences: dict[str, list[tuple[int, int, str]]] = {i: [] for i in ids}
    query = (
        sa.select(t.sentences.c.article, t.sentences.c.start, t.sentences.c.end, t.sentences.c.kind)
        .where(t.sentences.c.article.in_(ids))
        .order_by(t.sentences.c.article, t.sentences.c.start)
    )
    for r in conn.execute(query):
        sentences[r.article].append((r.start, r.end, r.kind))
    return {
        a.id: SourceArticle(a.id, a.text, a.source, a.title, a.published, a.url, sentences[a.id])
        for a in article_repo.get_many(conn, ids)
    }


def _claims(conn: Connection, event_id: str) -> list[dict[str, Any]]:
    query = sa.select(t.claims).where(t.claims.c.event == event_id).order_by(t.claims.c.id)
    return [
        {
            "id": c.id,
            "text": c.text,
            "status": c.status,
            "context": bool(c.context),
            "sources": list(c.sources or []),
        }
        for c in conn.execute(query)
    ]


def _comparison_data(conn: Connection, event_id: str) -> dict[str, Any]:
    row = conn.execute(sa.select(t.comparisons.c.data).where(t.comparisons.c.event == event_id)).first()
    data = dict(row.data) if row is not None and row.data else {}
    return {
        "quote_matches": list(data.get("quote_matches", [])),
        "omissions": dict(data.get("omissions", {})),
        "framing": list(data.get("framing", [])),
        "sourcing": dict(data.get("sourcing", {})),
    }


def _context(conn: Connection, event_id: str) -> list[dict[str, Any]]:
    ci = t.context_items
    query = sa.select(ci).where(ci.c.event == event_id).order_by(sa.func.coalesce(ci.c.date, ""), ci.c.id)
    return [
        {"text": r.text, "date": r.date, "article": r.article, "start": r.start, "end": r.end}
        for r in conn.execute(query)
    ]
