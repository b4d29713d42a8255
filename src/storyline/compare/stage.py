"""The compare stage: for every event two or more outlets reported, what they agree on,
what only one says, what each leaves out, where they contradict each other, which quotes
are the same statement, and who frames what in its own voice.

`compare_event` is a pure function of model objects (articles and their analyses), so it
runs in tests and benchmarks without a store; `compare_pending` loads each event that
changed since it was last compared, runs it, and replaces the stored result.  Work is
per event: nothing compares claims across events.

    1. parse       the event's articles (spaCy, without NER: entities come from enrichment)
    2. claims      split into units, align by meaning, mark shared/single/contradicted/context
    3. omissions   for each article, the multi-outlet claims it does not carry
    4. quotes      the same statement quoted by different outlets
    5. framing     own-voice loaded wording vs attributed characterisations, per article
    6. sourcing    who each article cites
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

from storyline.compare.claims import compare_claims, event_day, omissions, outlet_of
from storyline.compare.framing import frame_article, sourcing
from storyline.compare.quotes import match_quotes
from storyline.model import Analysis, Article, Comparison
from storyline.progress import Progress
from storyline.store import articles as article_repo
from storyline.store import comparisons as repo
from storyline.store.db import Store

MIN_OUTLETS = 2  # an event one outlet reported has nothing to compare
# Beyond this many articles a side-by-side view is unreadable and the unit matrix grows
# quadratically: one article per outlet first (earliest), then the earliest of the rest.
MAX_ARTICLES = 40

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass
class CompareReport:
    compared: int = 0
    skipped: int = 0  # fewer than two outlets among the event's original articles
    claims: int = 0
    shared: int = 0
    contradicted: int = 0
    quote_matches: int = 0
    framing: int = 0
    seconds: float = 0.0
    articles: int = 0
    skipped_events: list[str] = field(default_factory=list)


def comparable(articles: Sequence[Article], limit: int = MAX_ARTICLES) -> list[Article]:
    """The event's articles that count: originals, not syndicated duplicates, at most
    `limit` of them with every outlet represented first; in their given order."""
    originals = [a for a in articles if not a.duplicate_of]
    if len(originals) <= limit:
        return originals
    by_time = sorted(originals, key=lambda a: (a.published or "", a.id))
    first: dict[str, Article] = {}
    for a in by_time:
        first.setdefault(outlet_of(a), a)
    chosen = list(first.values())[:limit]
    chosen += [a for a in by_time if a not in chosen][: limit - len(chosen)]
    keep = {a.id for a in chosen}
    return [a for a in originals if a.id in keep]


def outlet_count(articles: Sequence[Article]) -> int:
    return len({outlet_of(a) for a in articles})


def parse(articles: Sequence[Article]) -> list[Doc]:
    """Tagged and parsed docs (no NER) with offsets into each article's cleaned text."""
    from storyline.enrich import nlp

    return list(nlp.annotate([a.text for a in articles], disable=("ner",)))


def default_embed(texts: Sequence[str]) -> np.ndarray:
    from storyline.enrich.embed import embed

    return embed(texts)


def memoized(embed: Embed) -> Embed:
    """The embedding function with a cache for one event: claim units and quote pieces
    often repeat the same sentence, and embedding is most of the stage's time."""
    cache: dict[str, np.ndarray] = {}

    def cached(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, embed(missing), strict=True))
        return np.stack([cache[t] for t in texts]) if texts else embed([])

    return cached


def compare_event(
    event_id: str,
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    event_date: str | None = None,
    docs: Sequence[Doc] | None = None,
    embed: Embed | None = None,
) -> Comparison:
    """The comparison of one event's articles; `analyses` in the same order as `articles`.

    Duplicates are dropped first.  `docs` and `embed` may be given to reuse a parse or to
    test with another embedding; by default the articles are parsed and MiniLM embeds."""
    by_id = {a.article: a for a in analyses}
    articles = comparable(articles)
    analyses = [by_id.get(a.id) or Analysis(article=a.id) for a in articles]
    docs = list(docs) if docs is not None and len(docs) == len(articles) else parse(articles)
    embed = memoized(embed or default_embed)
    day = event_day(event_date, [a.published for a in articles])
    claims, _ = compare_claims(event_id, articles, analyses, docs, day, embed)
    outlets = {a.id: outlet_of(a) for a in articles}
    quotes = [q for an in analyses for q in an.quotes]
    return Comparison(
        event=event_id,
        claims=claims,
        quote_matches=match_quotes(quotes, {an.article: an for an in analyses}, outlets, embed),
        omissions=omissions(claims, [a.id for a in articles]),
        framing=[
            f for a, an, d in zip(articles, analyses, docs, strict=True) for f in frame_article(a, an, d)
        ],
        sourcing={an.article: sourcing(an) for an in analyses},
    )


def compare_pending(store: Store, progress: Progress | None = None) -> CompareReport:
    """Compare every event that is new or changed since its last comparison; idempotent."""
    report = CompareReport()
    with store.read() as conn:
        pending = repo.pending_events(conn)
    progress = progress or Progress()
    started = time.perf_counter()
    with progress.task("Comparing", total=len(pending)) as task:
        for event_id in pending:
            _compare_one(store, event_id, report)
            task.advance()
    report.seconds = time.perf_counter() - started
    return report


def _compare_one(store: Store, event_id: str, report: CompareReport) -> None:
    with store.read() as conn:
        row = repo.event_row(conn, event_id)
        articles = comparable(article_repo.get_many(conn, repo.event_article_ids(conn, event_id)))
        enough = row is not None and outlet_count(articles) >= MIN_OUTLETS
        analyses = repo.analyses_of(conn, [a.id for a in articles]) if enough else {}
    if not enough:
        with store.atomic() as conn:
            repo.clear(conn, event_id)
            repo.mark_compared(conn, event_id)
        report.skipped += 1
        report.skipped_events.append(event_id)
        return
    comparison = compare_event(event_id, articles, [analyses[a.id] for a in articles], row.date)
    with store.atomic() as conn:
        repo.write(conn, comparison)
        repo.mark_compared(conn, event_id)
    _count(report, comparison, len(articles))


def _count(report: CompareReport, comparison: Comparison, articles: int) -> None:
    report.compared += 1
    report.articles += articles
    report.claims += len(comparison.claims)
    report.shared += sum(c.status == "shared" for c in comparison.claims)
    report.contradicted += sum(c.status == "contradicted" for c in comparison.claims)
    report.quote_matches += len(comparison.quote_matches)
    report.framing += sum(f.kind == "loaded-own-voice" for f in comparison.framing)
