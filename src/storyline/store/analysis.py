"""Writing and reading what enrichment found in each article."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.model import Analysis, Framing, Quantity, Quote, Sentence, TimeRef, UnitReading
from storyline.store import schema as t

# Per-article enrichment rows, cleared before an article is enriched again.
_PER_ARTICLE = (
    t.sentences,
    t.mentions,
    t.article_entities,
    t.roles,
    t.quotes,
    t.timerefs,
    t.embeddings,
    t.readings,
)


def clear(conn: Connection, article_ids: Iterable[str]) -> None:
    ids = list(article_ids)
    for table in _PER_ARTICLE:
        for i in range(0, len(ids), 500):
            conn.execute(table.delete().where(table.c.article.in_(ids[i : i + 500])))


def write(conn: Connection, analyses: list[Analysis], model: str | None = None) -> None:
    """Sentences, quotes, time references and embeddings; entities are written by resolve."""
    sentences = [
        {"article": s.article, "idx": s.index, "start": s.start, "end": s.end, "kind": s.kind}
        for a in analyses
        for s in a.sentences
    ]
    quotes = [_quote_row(q) for a in analyses for q in a.quotes]
    timerefs = [
        {
            "id": r.id,
            "article": r.article,
            "text": r.text,
            "value": r.value,
            "granularity": r.granularity,
            "start": r.start,
            "end": r.end,
            "precise": r.precise,
        }
        for a in analyses
        for r in a.timerefs
    ]
    vectors = [
        {
            "article": a.article,
            "model": model or "",
            "vector": np.asarray(a.embedding, dtype=np.float32).tobytes(),
        }
        for a in analyses
        if a.embedding is not None
    ]
    readings = [
        {
            "article": a.article,
            "units": [_unit_row(u) for u in a.units],
            "framing": [_framing_row(f) for f in a.framing],
        }
        for a in analyses
        if a.units is not None and a.framing is not None
    ]
    for table, rows in (
        (t.sentences, sentences),
        (t.quotes, quotes),
        (t.timerefs, timerefs),
        (t.embeddings, vectors),
        (t.readings, readings),
    ):
        if rows:
            conn.execute(table.insert(), rows)


def _quote_row(q: Quote) -> dict:
    return {
        "id": q.id,
        "article": q.article,
        "text": q.text,
        "kind": q.kind,
        "start": q.start,
        "end": q.end,
        "speaker": q.speaker,
        "speaker_name": q.speaker_name,
        "speaker_start": q.speaker_start,
        "speaker_end": q.speaker_end,
        "cue": q.cue,
        "cue_start": q.cue_start,
        "cue_end": q.cue_end,
    }


# Readings are stored as compact JSON arrays: many per article, read back whole.
def _unit_row(u: UnitReading) -> list:
    figures = [[q.value, q.approx, q.unit, q.verb, q.text] for q in u.quantities]
    return [u.start, u.end, u.sentence, u.negated, figures, [list(p) for p in u.places]]


def _framing_row(f: Framing) -> list:
    return [f.start, f.end, f.text, f.kind]


def readings_of(
    conn: Connection, article_ids: Iterable[str]
) -> dict[str, tuple[list[UnitReading], list[Framing]]]:
    """Each article's unit readings and framing findings, for those enrichment kept them."""
    query = sa.select(t.readings).where(t.readings.c.article.in_(list(article_ids)))
    result = {}
    for r in conn.execute(query):
        units = [
            UnitReading(
                start, end, sentence, negated, tuple(Quantity(*q) for q in figures), tuple(map(tuple, places))
            )
            for start, end, sentence, negated, figures, places in r.units
        ]
        result[r.article] = (units, [Framing(r.article, *f) for f in r.framing])
    return result


def sentences_of(conn: Connection, article_id: str) -> list[Sentence]:
    query = sa.select(t.sentences).where(t.sentences.c.article == article_id).order_by(t.sentences.c.idx)
    return [Sentence(r.article, r.idx, r.start, r.end, r.kind) for r in conn.execute(query)]


def quotes_of(conn: Connection, article_ids: Iterable[str]) -> list[Quote]:
    query = (
        sa.select(t.quotes)
        .where(t.quotes.c.article.in_(list(article_ids)))
        .order_by(t.quotes.c.article, t.quotes.c.start)
    )
    return [
        Quote(
            id=r.id,
            article=r.article,
            text=r.text,
            kind=r.kind,
            start=r.start,
            end=r.end,
            speaker=r.speaker,
            speaker_name=r.speaker_name,
            speaker_start=r.speaker_start,
            speaker_end=r.speaker_end,
            cue=r.cue,
            cue_start=r.cue_start,
            cue_end=r.cue_end,
        )
        for r in conn.execute(query)
    ]


def timerefs_of(conn: Connection, article_ids: Iterable[str]) -> list[TimeRef]:
    query = (
        sa.select(t.timerefs)
        .where(t.timerefs.c.article.in_(list(article_ids)))
        .order_by(t.timerefs.c.article, t.timerefs.c.start)
    )
    return [
        TimeRef(r.id, r.article, r.text, r.value, r.start, r.end, r.granularity, r.precise)
        for r in conn.execute(query)
    ]
