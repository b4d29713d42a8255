"""Domain types shared by every stage.

Plain dataclasses rather than ORM objects: stages are pure functions from these types to
these types, so they run the same in one process, in a worker pool, or on a Dask worker,
and the store is the only place that knows about tables.  Every span carries `start`/`end`
character offsets into the article's cleaned `text`, so any fact can be shown in context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["headline", "subhead", "bullet", "body"]
QuoteKind = Literal["direct", "partial", "indirect"]
Granularity = Literal["day", "month", "year"]
ClaimStatus = Literal["shared", "single", "contradicted"]


@dataclass(frozen=True)
class Span:
    """A stretch of an article's cleaned text."""

    article: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A line of the cleaned text and what it is on the page.

    Headlines, section headings and bullet summaries stay in the text (quotes in headlines
    matter) but are not body sentences, so claims and omissions ignore them.
    """

    start: int
    end: int
    kind: BlockKind


@dataclass
class ArticleInput:
    """One article as a source reader produced it, before cleaning."""

    text: str
    id: str | None = None
    source: str | None = None
    title: str | None = None
    url: str | None = None
    path: str | None = None
    published: str | None = None
    language: str | None = None
    author: str | None = None
    origin: str = ""  # where it came from, for messages: a path, "file.jsonl:12", a URL
    explicit_meta: bool = False  # metadata given by --meta, which wins over what the file says


@dataclass
class Skipped:
    """An input that did not become an article, and why, in words a user can act on."""

    origin: str
    reason: str


@dataclass
class Article:
    """A cleaned, stored article."""

    id: str
    text: str
    source: str | None = None
    title: str | None = None
    url: str | None = None
    path: str | None = None
    published: str | None = None  # "YYYY-MM-DD" or an ISO datetime
    language: str | None = None
    author: str | None = None
    dateline: str | None = None
    blocks: list[Block] = field(default_factory=list)
    duplicate_of: str | None = None
    content_hash: str = ""

    @property
    def published_date(self) -> str | None:
        return self.published[:10] if self.published else None


@dataclass
class Sentence:
    article: str
    index: int
    start: int
    end: int
    kind: BlockKind = "body"


@dataclass
class Role:
    """A title someone holds, as one article states it ("Russian Defence Minister")."""

    title: str
    org: str | None
    article: str


@dataclass
class Mention:
    """A named-entity mention; `local` groups mentions of one entity within the article."""

    article: str
    start: int
    end: int
    text: str
    label: str
    local: int = -1
    entity: str | None = None


@dataclass
class LocalEntity:
    """One entity as one article names it: all its mentions share `key`.

    `name` is the fullest form the article uses ("Dong Jun" for "Dong", "Admiral Dong Jun").
    Cross-article resolution maps each LocalEntity to a global `Entity`.
    """

    key: int
    name: str
    label: str
    surface_forms: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    entity: str | None = None


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)


@dataclass
class Quote:
    id: str
    article: str
    text: str
    kind: QuoteKind
    start: int
    end: int
    speaker: str | None = None  # global entity id
    speaker_name: str | None = None  # surface form in the article
    speaker_local: int | None = None  # LocalEntity key, resolved to `speaker` later
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None  # the speech verb or phrase ("said", "according to")
    cue_start: int | None = None  # where the cue stands, so it can be shown in context
    cue_end: int | None = None


@dataclass
class TimeRef:
    id: str
    article: str
    text: str
    value: str | None  # "YYYY-MM-DD" | "YYYY-MM" | "YYYY" | None when nothing anchors it
    start: int
    end: int
    granularity: Granularity | None = None
    # The calendar value when it is finer than the contract can say: an ISO week
    # ("2026-W15") for "last week", whose `value` is the month holding it.  Clustering
    # dates happenings with it (`calendar`); the export carries `value`.
    precise: str | None = None

    @property
    def calendar(self) -> str | None:
        """The finest value known: what dates a happening."""
        return self.precise or self.value


@dataclass
class Event:
    id: str
    title: str
    date: str | None
    articles: list[str]
    participants: list[str] = field(default_factory=list)
    location: str | None = None
    kind: str | None = None
    storyline: str | None = None
    granularity: Granularity | None = None


@dataclass
class ContextItem:
    """A background happening an article mentions (a 2001 treaty), not a reported event."""

    text: str
    date: str | None
    article: str
    start: int
    end: int


@dataclass
class Storyline:
    id: str
    title: str
    events: list[str]
    context: list[ContextItem] = field(default_factory=list)


@dataclass
class Claim:
    id: str
    text: str
    status: ClaimStatus
    sources: list[Span]
    context: bool = False  # background (trade figures, anniversaries), not the event itself


@dataclass
class QuoteMatch:
    a: str
    b: str
    score: float


@dataclass
class Framing:
    article: str
    start: int
    end: int
    text: str
    kind: str


@dataclass
class Comparison:
    event: str
    claims: list[Claim] = field(default_factory=list)
    quote_matches: list[QuoteMatch] = field(default_factory=list)
    omissions: dict[str, list[str]] = field(default_factory=dict)
    framing: list[Framing] = field(default_factory=list)
    sourcing: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Quantity:
    """A figure and what it counts: "12 warships" → (12, "warship", verb "take")."""

    value: float
    approx: bool
    unit: str | None
    verb: str | None
    text: str


@dataclass(frozen=True)
class UnitReading:
    """What comparison needs from the parse for one claim unit (a sentence or a clause of
    one): its range, its figures, whether its main verb is negated, and the place mentions
    it puts something at.  Read once at enrichment, so comparing an event never parses."""

    start: int
    end: int
    sentence: int
    negated: bool = False
    quantities: tuple[Quantity, ...] = ()
    places: tuple[tuple[int, int], ...] = ()  # character ranges of locative place mentions


@dataclass
class Analysis:
    """Everything enrichment learns from one article on its own.

    Computed without the store, so it can run in any worker; global entity ids are filled
    in afterwards by cross-article resolution.
    """

    article: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[LocalEntity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timerefs: list[TimeRef] = field(default_factory=list)
    embedding: Any = None  # numpy float32 vector, L2-normalised
    # Read off the parse for comparison; None when the article was enriched before these
    # were kept (comparison then parses it again).
    units: list[UnitReading] | None = None
    framing: list[Framing] | None = None
