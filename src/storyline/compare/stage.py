"""The compare stage: for every event two or more outlets reported, what they agree on,
what only one says, what each leaves out, where they contradict each other, which quotes
are the same statement, and who frames what in its own voice.

`compare_event` is a pure function of model objects (articles and their analyses), so it
runs in tests and benchmarks without a store; `compare_pending` loads each event that
changed since it was last compared, runs it, and replaces the stored result.  Work is
per event: nothing compares claims across events.

    1. readings    what enrichment read off each article's parse (claim units, framing)
    2. claims      split into units, align by meaning, mark shared/single/contradicted/context
    3. omissions   for each article, the multi-outlet claims it does not carry
    4. quotes      the same statement quoted by different outlets
    5. framing     own-voice loaded wording vs attributed characterisations (per article,
                   found at enrichment)
    6. sourcing    who each article cites

Comparison is a large share of a run's time (MiniLM over every claim unit), so with
enough events it runs in worker processes, one event per task,
while this process loads the next events and writes the finished ones in order.  An
event whose comparison raises is reported and left pending; the others are stored.

A stream changes an event many times: every slice that adds a report marks it for
comparison again.  Each stored comparison keeps a digest of what it read (the compared
articles, when each was analysed, the event's date), and an event whose digest has not
changed is marked compared without loading or embedding anything: once an event holds
MAX_ARTICLES articles with every outlet in, later reports from those outlets leave its
comparison as it is (`bench/incremental.py` counts these).  An event that did change is
compared again, but each compared article keeps the vectors of its claim units and quote
pieces (`compare.vectors`), so only the new reports' texts are embedded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from spacy.tokens import Doc
from sqlalchemy.engine import Connection

from storyline.compare.claims import compare_claims, event_day, omissions, outlet_of
from storyline.compare.framing import sourcing
from storyline.compare.quotes import match_quotes
from storyline.compare.reading import read_for_comparison
from storyline.compare.vectors import KEEP_DAYS, VectorCache, pack, unpack
from storyline.enrich.embed import EMBEDDING_DIM, MODEL_NAME
from storyline.model import Analysis, Article, Comparison
from storyline.progress import Progress
from storyline.store import articles as article_repo
from storyline.store import comparisons as repo
from storyline.store import schema
from storyline.store.db import Store
from storyline.workers import MIN_ARTICLES_FOR_POOL, pool_size, worker_pool

MIN_OUTLETS = 2  # an event one outlet reported has nothing to compare
# Beyond this many articles a side-by-side view is unreadable and the unit matrix grows
# quadratically: one article per outlet first (earliest), then the earliest of the rest.
MAX_ARTICLES = 40
EVENTS_AHEAD = 4  # events handed to the workers beyond the one being written

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
    unchanged: int = 0  # changed events whose compared articles and date had not changed
    embedded: int = 0  # texts (claim units, quote pieces) sent to the model; the rest were kept
    skipped_events: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # event id → error; left pending


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


def compare_event(
    event_id: str,
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    event_date: str | None = None,
    embed: Embed | None = None,
) -> Comparison:
    """The comparison of one event's articles; `analyses` in the same order as `articles`.

    Duplicates are dropped first.  Enrichment kept what the parse says (unit readings,
    framing); an article enriched before they were kept is parsed here.  `embed` may be
    given to test with another embedding, or a `VectorCache` holding kept vectors; by
    default MiniLM embeds.  Claim units and quote pieces often repeat one sentence, so
    each text is embedded once per event."""
    articles, analyses = prepared(articles, analyses)
    embed = embed if isinstance(embed, VectorCache) else VectorCache(embed or default_embed)
    day = event_day(event_date, [a.published for a in articles])
    claims, _ = compare_claims(event_id, articles, analyses, day, embed)
    outlets = {a.id: outlet_of(a) for a in articles}
    quotes = [q for an in analyses for q in an.quotes]
    return Comparison(
        event=event_id,
        claims=claims,
        quote_matches=match_quotes(quotes, {an.article: an for an in analyses}, outlets, embed),
        omissions=omissions(claims, [a.id for a in articles]),
        framing=[f for an in analyses for f in an.framing or ()],
        sourcing={an.article: sourcing(an) for an in analyses},
    )


@dataclass
class Outcome:
    """One event's comparison and the kept vectors to write with it (article → row)."""

    comparison: Comparison
    kept: dict[str, bytes] = field(default_factory=dict)
    embedded: int = 0


def compare_kept(
    event_id: str,
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    event_date: str | None = None,
    kept: dict[str, bytes] | None = None,
) -> Outcome:
    """`compare_event` with the articles' kept vectors (rows as stored), returning the
    rows that changed: what a worker runs for the stage."""
    articles, analyses = prepared(articles, analyses)
    stored = {a: unpack(data, EMBEDDING_DIM) for a, data in (kept or {}).items()}
    cache = VectorCache(default_embed, stored.values())
    comparison = compare_event(event_id, articles, analyses, event_date, embed=cache)
    rows = cache.rows(articles, analyses, stored)
    return Outcome(comparison, {a: pack(row) for a, row in rows.items()}, cache.embedded)


def prepared(
    articles: Sequence[Article], analyses: Sequence[Analysis]
) -> tuple[list[Article], list[Analysis]]:
    """The articles a comparison takes (`comparable`) and their analyses in the same
    order, each with its unit readings (`read_missing`); preparing twice changes nothing."""
    by_id = {a.article: a for a in analyses}
    chosen = comparable(articles)
    return chosen, read_missing(chosen, [by_id.get(a.id) or Analysis(article=a.id) for a in chosen])


def read_missing(articles: Sequence[Article], analyses: list[Analysis]) -> list[Analysis]:
    """The analyses, each with its unit readings and framing; those enriched before
    enrichment kept them are parsed now and read."""
    missing = [i for i, an in enumerate(analyses) if an.units is None or an.framing is None]
    if missing:
        docs = parse([articles[i] for i in missing])
        for i, doc in zip(missing, docs, strict=True):
            analyses[i] = read_for_comparison(articles[i], analyses[i], doc)
    return analyses


def compare_pending(store: Store, progress: Progress | None = None, processes: int = 0) -> CompareReport:
    """Compare every event that is new or changed since its last comparison; idempotent.

    `processes`: worker processes (0 = one per core, up to 2, when the work pays for them)."""
    report = CompareReport()
    with store.read() as conn:
        pending = repo.pending_events(conn)
    progress = progress or Progress()
    started = time.perf_counter()
    jobs = (_load(store, event_id, report) for event_id in pending)
    with progress.task("Comparing", total=len(pending)) as task:
        first = list(_take(jobs, MIN_ARTICLES_FOR_POOL))
        rest = itertools.chain(first, jobs)
        workers = pool_size(processes, sum(len(j.articles) for j in first if j))
        with worker_pool(workers) as pool:
            window: deque[tuple[_Job, Future | None]] = deque()
            for job in rest:
                if job is None:
                    task.advance()
                    continue
                window.append((job, pool.submit(compare_kept, *job.args()) if pool else None))
                if len(window) > (EVENTS_AHEAD if pool else 0):
                    _finish(store, *window.popleft(), report)
                    task.advance()
            while window:
                _finish(store, *window.popleft(), report)
                task.advance()
    prune_kept(store)
    report.seconds = time.perf_counter() - started
    return report


def prune_kept(store: Store) -> None:
    """Drop kept vectors no comparison rewrote for KEEP_DAYS (`compare.vectors`)."""
    with store.atomic() as conn:
        repo.prune_vectors(conn, schema.utcnow() - timedelta(days=KEEP_DAYS))


def inputs_digest(articles: Sequence[Article], analysed: dict[str, str], date: str | None) -> str:
    """What a comparison of these articles reads, as a digest: the comparison is a function
    of the articles (text, outlet, publication date), of their analyses (which change
    only when an article is analysed again) and of the event's date."""
    fields = [
        [a.id, a.content_hash, a.source, a.url, a.title, a.published, analysed.get(a.id)] for a in articles
    ]
    return hashlib.sha256(json.dumps([date, fields]).encode()).hexdigest()


@dataclass
class _Job:
    event_id: str
    articles: list[Article]
    analyses: list[Analysis]
    date: str | None
    inputs: str | None = None
    kept: dict[str, bytes] = field(default_factory=dict)

    def args(self) -> tuple:
        return (self.event_id, self.articles, self.analyses, self.date, self.kept)


def _load(store: Store, event_id: str, report: CompareReport) -> _Job | None:
    """What one event's comparison needs, or None (and the event marked) when it has
    fewer than two outlets or its stored comparison read the same inputs."""
    with store.read() as conn:
        inputs = event_inputs(conn, event_id)
        if inputs.needed:
            ids = [a.id for a in inputs.articles]
            analyses, kept = repo.analyses_of(conn, ids), repo.kept_vectors(conn, ids, MODEL_NAME)
    if not inputs.needed:
        settle_unneeded(store, event_id, inputs, report)
        return None
    articles = inputs.articles
    return _Job(event_id, articles, [analyses[a.id] for a in articles], inputs.date, inputs.digest, kept)


@dataclass
class EventInputs:
    """What one event's comparison reads, and whether it must run."""

    date: str | None
    articles: list[Article]
    digest: str | None  # None: fewer than two outlets, nothing to compare
    unchanged: bool = False  # the stored comparison read the same

    @property
    def needed(self) -> bool:
        return self.digest is not None and not self.unchanged


def event_inputs(conn: Connection, event_id: str) -> EventInputs:
    row = repo.event_row(conn, event_id)
    articles = comparable(article_repo.get_many(conn, repo.event_article_ids(conn, event_id)))
    if row is None or outlet_count(articles) < MIN_OUTLETS:
        return EventInputs(None, articles, None)
    digest = inputs_digest(articles, repo.enriched_at(conn, [a.id for a in articles]), row.date)
    return EventInputs(row.date, articles, digest, digest == repo.inputs_of(conn, event_id))


def settle_unneeded(store: Store, event_id: str, inputs: EventInputs, report: CompareReport) -> None:
    """Mark an event that needs no comparison run: its stored one stands (unchanged) or
    it has fewer than two outlets (cleared)."""
    with store.atomic() as conn:
        if not inputs.unchanged:
            repo.clear(conn, event_id)
        repo.mark_compared(conn, event_id)
    if inputs.unchanged:
        report.unchanged += 1
    else:
        report.skipped += 1
        report.skipped_events.append(event_id)


def _take(jobs: Iterator[_Job | None], articles: int) -> Iterator[_Job | None]:
    """Jobs from the front until they hold `articles` articles (to decide on a pool)."""
    seen = 0
    for job in jobs:
        yield job
        seen += len(job.articles) if job else 0
        if seen >= articles:
            return


def _finish(store: Store, job: _Job, future: Future | None, report: CompareReport) -> None:
    try:
        outcome = future.result() if future is not None else compare_kept(*job.args())
    except Exception as exc:  # one event's failure must not lose the others
        report.failed[job.event_id] = f"{type(exc).__name__}: {exc}"
        return
    store_comparison(store, outcome, job.inputs, report, len(job.articles))


def store_comparison(
    store: Store, outcome: Outcome, digest: str | None, report: CompareReport, articles: int
) -> None:
    """Write one finished comparison with the digest of its inputs and its articles' kept
    vectors, mark its event compared and count it; the single-process stage and the Dask
    client both store here."""
    comparison = outcome.comparison
    with store.atomic() as conn:
        repo.write(conn, comparison, digest)
        repo.keep_vectors(conn, outcome.kept, MODEL_NAME)
        repo.mark_compared(conn, comparison.event)
    report.compared += 1
    report.embedded += outcome.embedded
    report.articles += articles
    report.claims += len(comparison.claims)
    report.shared += sum(c.status == "shared" for c in comparison.claims)
    report.contradicted += sum(c.status == "contradicted" for c in comparison.claims)
    report.quote_matches += len(comparison.quote_matches)
    report.framing += sum(f.kind == "loaded-own-voice" for f in comparison.framing)
