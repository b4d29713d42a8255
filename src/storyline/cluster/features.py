"""What clustering decides with, derived per article from its enrichment.

Clustering never reads raw text: it reads, per article, the date of the happening the
lede reports, what kind of happening it is, who takes part, where, and a few numbers.
These come from what enrichment stored (sentences, resolved entity mentions, quotes with
speakers, time expressions resolved against the publication date) and are written to
`article_features`, so a later run, the CLI and the benchmarks see the same values.

Why these and not just the text: two reports of one event share a date and participants
even when their words differ, and two look-alike events (the same minister's call with
another counterpart, a similar call two years earlier) differ in exactly these fields
while their embeddings are nearly the same.

The lede (headline material and the first LEDE_BODY_SENTENCES body sentences) carries
the main happening; dates further down are usually background ("the 2001 treaty") and
become context items instead of event dates.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, Literal

from spacy.lang.en.stop_words import STOP_WORDS

from storyline.enrich.timex import contract_value
from storyline.model import Analysis, Article, Sentence, TimeRef

# The export contract dates to a day, a month or a year; clustering also reads ISO weeks
# ("last week" → `2026-W15`, Monday to Sunday) where enrichment keeps them, as they say
# more than their month: a report of "last week's talks" agrees with talks on the
# Thursday of that week, and its publication date says less.  An event's stored date
# contracts a week to its month (`contract_date`), as the contract has no weeks.
DateGranularity = Literal["day", "week", "month", "year"]

# Bump when what `compute_features` derives changes: older stored features are redone.
FEATURES_VERSION = 4

# The lede: headline material plus this many body sentences.  News style puts who, what
# and when there; two sentences cover "X and Y held a call" + "on Tuesday, ..." (seeds).
LEDE_BODY_SENTENCES = 2
# Without a publication date, dates this deep into the body may still date the event.
UNDATED_BODY_SENTENCES = 5

# A report without a stated date usually appears the day of the happening or a little
# after it: the fallback interval is [published - lag, published].
PUBLICATION_LAG_DAYS = 3
# A lede date this far before publication is history told in the lede, not the event.
MAX_LEDE_AGE_DAYS = 45
# Background dates at least this far from the event date become context items.
CONTEXT_MIN_GAP_DAYS = 60

# How sure each source of an event date is; events keep their most supported date.
CONFIDENCE = {
    "lede-day": 1.0,
    "lede-week": 0.85,
    "lede-month": 0.7,
    "lede-year": 0.5,
    "published": 0.4,
    "body": 0.3,
}
# Without a publication date nothing tells history from news in the lede: a lede date is
# trusted this much less (ECB+ train: undated articles' lede years were often births).
UNANCHORED_FACTOR = 0.5
_GRANULARITY_WEIGHT = {"day": 1.0, "week": 0.8, "month": 0.6, "year": 0.3}
FINENESS = {"day": 3, "week": 2, "month": 1, "year": 0}  # on equal support the finer date wins

# Centrality of an entity to the article: where it is named, whether it speaks, how often.
ROLE_WEIGHT_TITLE = 3.0
ROLE_WEIGHT_LEDE_FIRST = 2.0
ROLE_WEIGHT_LEDE_LATER = 1.0
ROLE_WEIGHT_SPEAKER = 1.5
ROLE_WEIGHT_PER_LOG_MENTION = 0.75
PARTICIPANT_MIN_WEIGHT = 1.5  # in the title, the first lede sentence, speaking, or named 3+ times
MAX_PARTICIPANTS = 8
SUMMARY_MIN_WORDS, SUMMARY_MAX_WORDS = 6, 16  # an untitled article's stand-in headline
MAX_ENTITY_WEIGHTS = 20
PARTICIPANT_LABELS = ("PERSON", "ORG", "GPE", "NORP")
ENTITY_LABELS = (*PARTICIPANT_LABELS, "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW")
PLACE_LABELS = ("GPE", "LOC", "FAC")

# The words of the whole article, for a lexical signal beside the embedding (which reads
# only the title and lede): reports of one happening share its rare specifics (a street,
# a victim's name, a toll) further down too.  Sublinear counts of non-stop words, the
# strongest LEXICAL_MAX_TERMS kept, scaled to unit length.
LEXICAL_MAX_TERMS = 100
_TERM_RE = re.compile(r"[^\W\d_][\w'’-]*\w|\d+(?:[.,]\d+)*")

# Event kinds from lexical cues, checked on the title (double weight) and the lede.
KIND_CUES: dict[str, str] = {
    "call": r"(video|phone|telephone)[- ]?(call|conference|conversation|talks?|link)|videoconference"
    r"|spoke (by|on the) (phone|telephone)|called (his|her)",
    "exercise": r"exercises?|drills?|war ?games|manoeuvres|maneuvers|(joint|air|naval|maritime) patrols?",
    "visit": r"visit(s|ed|ing)?|arriv(es|ed) in|trip to|tour(s|ed)? (of|to)",
    "meeting": r"met|meets?|meeting|summit|sat down with",
    "talks": r"talks|consultations?|negotiations?|dialogue",
    "attack": r"attack(s|ed)?|bomb(s|ing|ed)?|shooting|shot|gunm[ae]n|stabb(ed|ing)|explosions?|blasts?"
    r"|air ?strikes?|opened fire|massacre",
    "disaster": r"earthquakes?|quakes?|tsunami|floods?|flooding|hurricane|typhoon|cyclone|wildfires?"
    r"|landslides?|eruption|erupt(s|ed)",
    "accident": r"crash(es|ed)?|collided|collision|derail(s|ed)|capsized|sank|plunged|missing (plane|jet)",
    "arrest": r"arrest(s|ed)?|detained|charged|indicted",
    "trial": r"sentenced|convicted|verdict|acquitted|trial|pleads? guilty",
    "death": r"di(es|ed)|death of|passed away|killed",
    "dismissal": r"fired|sacked|ousted|dismiss(es|ed)|resign(s|ed)?|resignation|steps? down|stepped down"
    r"|parted ways|let go",
    "appointment": r"appoint(s|ed|ment)|nominat(es|ed|ion)|named (as )?(the )?new|to host|hires?|hired|sworn in",
    "election": r"elections?|elected|re-elected|vote|referendum|polls",
    "agreement": r"agreements?|signed|sign(s)? (a|an|the)|deal|treaty|accord|acquir(es|ed)|acquisition|merger",
    "launch": r"launch(es|ed)?|unveil(s|ed)?|releases?|released|debut(s|ed)?",
    "statement": r"statement|announc(es|ed)|declared|warned|said",
}
_KIND_RES = {kind: re.compile(rf"\b(?:{cue})\b", re.IGNORECASE) for kind, cue in KIND_CUES.items()}
# A cue after "since" is a reference point, not the happening: "in his first appearance
# since his appointment ... during a video call" reports a call.
_SINCE_RE = re.compile(
    r"\bsince\s+(?:(?:his|her|its|their|the|a|an|last|this)\s+)?(?:[\w'’-]+\s+)?$", re.IGNORECASE
)
SINCE_LOOKBACK_CHARS = 40  # "since", a determiner and one word fit before the cue
# "said" is everywhere: a statement only when nothing more specific is cued.
_WEAK_KINDS = {"statement"}

_DATE_VALUE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WEEK_VALUE_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
# Where the happening took place: a place named in the same clause as what happened and
# a few words after it ("talks on the dam in Vassau", "an exercise in the Kell Sea").  A
# place further off is usually a topic ("influence in Venezuela"), and one after "from"
# is where someone came from.  A call has no single place: it gets one only when a place
# is tied to it, never from the dateline (where the reporter filed from).
_PLACE_CUE_RE = re.compile(r"\b(?:in|at|near|off|outside|inside)\s+(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_BREAK_RE = re.compile(r"[,;:()—–]|\s-\s")
TIED_PLACE_MAX_WORDS = 8
PLACELESS_KINDS = ("call",)
_DATELINE_PLACE_RE = re.compile(r"^([A-Z][A-Za-z'.-]+(?: [A-Z][A-Za-z'.-]+)*)")


@dataclass(frozen=True)
class DateValue:
    """A calendar date at some granularity, as a closed interval of day ordinals."""

    value: str
    granularity: DateGranularity
    lo: int
    hi: int


@dataclass
class ContextRef:
    """A background date an article mentions outside its lede, with its sentence."""

    text: str
    date: str
    start: int
    end: int


@dataclass
class ArticleFeatures:
    """One article, as clustering sees it.  `entity_weights` holds every salient entity
    (participants and places, products, events) with its centrality in the article."""

    article: str
    published: str | None = None
    event_date: str | None = None
    granularity: DateGranularity | None = None
    date_confidence: float = 0.0
    date_source: str = "none"
    kind: str | None = None
    location: str | None = None
    participants: list[str] = field(default_factory=list)
    entity_weights: dict[str, float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    context: list[ContextRef] = field(default_factory=list)
    title: str = ""
    summary: str = ""  # the lede's first sentence, shortened: a title for untitled articles
    terms: dict[str, float] = field(default_factory=dict)  # unit length, see `lexical_terms`
    mentioned: list[str] = field(default_factory=list)  # every date the title and lede name
    duplicate_of: str | None = None
    version: int = 0
    computed_at: str = ""  # ISO time: features older than the article's enrichment are redone

    def date_interval(self) -> tuple[int, int] | None:
        """Days the event may have happened on; wider for a publication-date fallback."""
        if self.event_date is None or self.granularity is None:
            return None
        parsed = parse_date_value(self.event_date)
        if parsed is None:
            return None
        if self.date_source == "published":
            return parsed.lo - PUBLICATION_LAG_DAYS, parsed.hi
        return parsed.lo, parsed.hi

    def to_row(self) -> dict[str, Any]:
        """The `article_features` row: the fields the schema names, the rest in `data`.

        A shallow copy (the row is serialised at once): `asdict` deep-copies every word
        weight and took a tenth of clustering time on a 20,000-article replay."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["context"] = [asdict(c) for c in self.context]
        for key in ("article", "event_date", "granularity", "kind", "location", "participants"):
            data.pop(key)
        return {
            "article": self.article,
            "event_date": self.event_date,
            "granularity": self.granularity,
            "kind": self.kind,
            "location": self.location,
            "participants": list(self.participants),
            "data": data,
        }

    @classmethod
    def from_row(cls, row: Any) -> ArticleFeatures:
        data = dict(row.data or {})
        context = [ContextRef(**c) for c in data.pop("context", [])]
        return cls(
            article=row.article,
            event_date=row.event_date,
            granularity=row.granularity,
            kind=row.kind,
            location=row.location,
            participants=list(row.participants or []),
            context=context,
            **data,
        )


@functools.lru_cache(maxsize=65536)
def parse_date_value(value: str | None) -> DateValue | None:
    """A `YYYY`, `YYYY-MM`, `YYYY-Www` (ISO week) or `YYYY-MM-DD` value as an interval;
    None for anything else (seasons and quarters are too vague to date a happening)."""
    week = _WEEK_VALUE_RE.match(value or "")
    if week:
        try:
            monday = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        except ValueError:
            return None
        return DateValue(value or "", "week", monday.toordinal(), monday.toordinal() + 6)
    m = _DATE_VALUE_RE.match(value or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = date(year, int(month), int(day))
            return DateValue(value, "day", d.toordinal(), d.toordinal())
        if month:
            first = date(year, int(month), 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return DateValue(value, "month", first.toordinal(), last.toordinal())
        return DateValue(value, "year", date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal())
    except ValueError:
        return None


def contract_date(value: str) -> tuple[str, DateGranularity]:
    """A date as the export contract spells it: a week becomes its month, by the rule
    enrichment contracts TIMEX3 weeks with (`contract_value`)."""
    parsed = parse_date_value(value)
    if parsed is None or parsed.granularity != "week":
        return value, parsed.granularity if parsed else "day"
    return contract_value(value)[0] or value, "month"


def interval_gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two closed intervals; 0 when they overlap."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def compute_features(article: Article, analysis: Analysis) -> ArticleFeatures:
    """Everything clustering needs from one article and its enrichment."""
    title = article_title(article, analysis.sentences)
    lede = lede_sentences(analysis.sentences)
    lede_text = " ".join(_text(article, s) for s in lede)
    kind = detect_kind(title, lede_text)
    weights, names, labels = entity_centrality(article, analysis, title, lede)
    features = ArticleFeatures(
        article=article.id,
        published=article.published_date,
        kind=kind,
        entity_weights=weights,
        names=names,
        labels=labels,
        participants=pick_participants(weights, labels),
        location=pick_location(article, analysis, lede, kind),
        numbers=key_numbers(f"{title} {lede_text}"),
        title=title,
        summary=lede_summary(article, lede),
        terms=lexical_terms(f"{title}\n{article.text}"),
        mentioned=mentioned_dates(analysis, lede),
        duplicate_of=article.duplicate_of,
        version=FEATURES_VERSION,
        computed_at=_now(),
    )
    guess = event_date(article, analysis, lede, kind)
    if guess is not None:
        value, source, confidence = guess
        features.event_date, features.granularity = value.value, value.granularity
        features.date_source, features.date_confidence = source, confidence
    features.context = background_dates(article, analysis, lede, features.date_interval())
    return features


def _now() -> str:
    from storyline.store.schema import utcnow

    return utcnow().isoformat()


def is_fresh(features: ArticleFeatures, enriched_at: datetime | None) -> bool:
    """Computed by this code after the article's latest enrichment (so from its current
    analysis)."""
    return (
        features.version == FEATURES_VERSION
        and bool(features.computed_at)
        and enriched_at is not None
        and features.computed_at >= enriched_at.isoformat()
    )


def article_title(article: Article, sentences: list[Sentence]) -> str:
    """The stored title, else the headline line of the text."""
    if article.title:
        return article.title.strip()
    for s in sentences:
        if s.kind == "headline":
            return _text(article, s)
    return ""


def lede_summary(article: Article, lede: list[Sentence]) -> str:
    """The first body sentence of the lede, cut at a clause break after a few words."""
    body = [s for s in lede if s.kind == "body"]
    if not body:
        return ""
    words = _text(article, body[0]).split()
    for i, word in enumerate(words[:SUMMARY_MAX_WORDS]):
        if i + 1 >= SUMMARY_MIN_WORDS and word.endswith((",", ";", ":", "—")):
            return " ".join(words[: i + 1]).rstrip(",;:—")
    cut = " ".join(words[:SUMMARY_MAX_WORDS])
    return cut if len(words) <= SUMMARY_MAX_WORDS else cut + "…"


def lede_sentences(sentences: list[Sentence]) -> list[Sentence]:
    """Headline material before the first body sentence, and the first body sentences."""
    lede: list[Sentence] = []
    body = 0
    for s in sorted(sentences, key=lambda s: s.index):
        if s.kind == "body":
            if body == LEDE_BODY_SENTENCES:
                break
            body += 1
        elif body:
            continue  # a subhead after the lede begins is a section heading
        lede.append(s)
    return lede


def detect_kind(title: str, lede_text: str) -> str | None:
    """The kind of happening the title and lede cue most (title counts double); on a tie
    the kind cued first, as the lede opens with the main happening."""
    text = f"{title}\n{lede_text}"
    scores: dict[str, tuple[int, int]] = {}
    for kind, pattern in _KIND_RES.items():
        found = [
            m
            for m in pattern.finditer(text)
            if not _SINCE_RE.search(text[max(0, m.start() - SINCE_LOOKBACK_CHARS) : m.start()])
        ]
        hits = sum(2 if m.start() < len(title) else 1 for m in found)
        if hits:
            scores[kind] = (hits, -found[0].start())
    strong = {k: v for k, v in scores.items() if k not in _WEAK_KINDS}
    pool = strong or scores
    return max(pool, key=lambda k: pool[k]) if pool else None


def entity_key(entity: str | None, name: str, label: str) -> str:
    """The global entity id, or a name-based stand-in when resolution has not run."""
    return entity or f"{label.lower()}:{' '.join(name.casefold().split())}"


def entity_centrality(
    article: Article, analysis: Analysis, title: str, lede: list[Sentence]
) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
    """Weight of each salient entity: named in the title or lede, speaking, repeated."""
    local_key: dict[int, str] = {}
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for ent in analysis.entities:
        if ent.label in ENTITY_LABELS:
            key = entity_key(ent.entity, ent.name, ent.label)
            local_key[ent.key] = key
            names.setdefault(key, ent.name)
            labels.setdefault(key, ent.label)
    first_lede = _first_body_range(lede)
    lede_range = (lede[0].start, lede[-1].end) if lede else (0, 0)
    counts: Counter[str] = Counter()
    roles: dict[str, float] = {}
    for m in analysis.mentions:
        key = local_key.get(m.local)
        if key is None:
            continue
        counts[key] += 1
        if first_lede[0] <= m.start < first_lede[1] or (lede_range[0] <= m.start < first_lede[0]):
            roles[key] = max(roles.get(key, 0.0), ROLE_WEIGHT_LEDE_FIRST)
        elif lede_range[0] <= m.start < lede_range[1]:
            roles[key] = max(roles.get(key, 0.0), ROLE_WEIGHT_LEDE_LATER)
    forms = _surface_forms(analysis, local_key)
    weights: dict[str, float] = {}
    for key, n in counts.items():
        w = roles.get(key, 0.0) + ROLE_WEIGHT_PER_LOG_MENTION * math.log2(1 + n)
        if title and any(_contains_word(title, f) for f in forms.get(key, ())):
            w += ROLE_WEIGHT_TITLE
        weights[key] = w
    for q in analysis.quotes:
        key = _speaker_key(q.speaker, q.speaker_local, local_key)
        if key in weights:
            weights[key] += ROLE_WEIGHT_SPEAKER
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_ENTITY_WEIGHTS]
    kept = dict(top)
    return (
        {k: round(v, 4) for k, v in top},
        {k: v for k, v in names.items() if k in kept},
        {k: v for k, v in labels.items() if k in kept},
    )


def _first_body_range(lede: list[Sentence]) -> tuple[int, int]:
    for s in lede:
        if s.kind == "body":
            return s.start, s.end
    return (lede[0].start, lede[0].end) if lede else (0, 0)


def _surface_forms(analysis: Analysis, local_key: dict[int, str]) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for m in analysis.mentions:
        key = local_key.get(m.local)
        if key is not None and len(m.text) >= 3:
            forms.setdefault(key, set()).add(m.text)
    for ent in analysis.entities:
        key = local_key.get(ent.key)
        if key is not None:
            forms.setdefault(key, set()).add(ent.name)
    return forms


def _speaker_key(speaker: str | None, local: int | None, local_key: dict[int, str]) -> str | None:
    if local is not None and local in local_key:
        return local_key[local]
    return speaker


def _contains_word(text: str, form: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None


def pick_participants(weights: dict[str, float], labels: dict[str, str]) -> list[str]:
    """Actors in central roles: people, organisations and countries the lede or title names."""
    central = [
        k for k, w in weights.items() if w >= PARTICIPANT_MIN_WEIGHT and labels.get(k) in PARTICIPANT_LABELS
    ]
    central.sort(key=lambda k: (-weights[k], k))
    return central[:MAX_PARTICIPANTS]


def pick_location(
    article: Article, analysis: Analysis, lede: list[Sentence], kind: str | None = None
) -> str | None:
    """The place tied to the happening in the lede; failing that (not for a call), the
    dateline's place, then the first place the lede puts something in ("in Beijing")."""
    places = _cued_places(article, analysis, lede)
    tied = _tied_place(article, lede, places, kind)
    if tied is not None or kind in PLACELESS_KINDS:
        return tied
    if article.dateline:
        m = _DATELINE_PLACE_RE.match(article.dateline)
        if m:
            return m.group(1).title()
    return places[0][1] if places else None


def _cued_places(article: Article, analysis: Analysis, lede: list[Sentence]) -> list[tuple[int, str]]:
    """(offset, name) of the lede's places that follow "in", "at", "near"…, in text order."""
    if not lede:
        return []
    lo, hi = lede[0].start, lede[-1].end
    names = {e.key: e.name for e in analysis.entities}
    return [
        (m.start, names.get(m.local, m.text))
        for m in sorted(analysis.mentions, key=lambda m: m.start)
        if m.label in PLACE_LABELS
        and lo <= m.start < hi
        and _PLACE_CUE_RE.search(article.text[max(lo, m.start - 12) : m.start])
    ]


def _tied_place(
    article: Article, lede: list[Sentence], places: list[tuple[int, str]], kind: str | None
) -> str | None:
    """The first cued place at most TIED_PLACE_MAX_WORDS after a cue of the happening's
    kind, with no clause break between them."""
    cue = _KIND_RES.get(kind or "")
    if cue is None:
        return None
    for sentence in lede:
        for match in cue.finditer(article.text, sentence.start, sentence.end):
            for start, name in places:
                between = article.text[match.end() : start]
                if (
                    match.end() <= start < sentence.end
                    and not _CLAUSE_BREAK_RE.search(between)
                    and len(between.split()) <= TIED_PLACE_MAX_WORDS
                ):
                    return name
    return None


def lexical_terms(text: str) -> dict[str, float]:
    """The article's content words weighted 1 + log(count), at unit length."""
    counts = Counter(
        t
        for t in (w.casefold().replace("’", "'") for w in _TERM_RE.findall(text))
        if len(t) > 1 and t not in STOP_WORDS
    )
    weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:LEXICAL_MAX_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: round(w / norm, 4) for t, w in top}


def mentioned_dates(analysis: Analysis, lede: list[Sentence]) -> list[str]:
    """Every resolved date the title and lede name, history included: a follow-up report
    ("the gunman who killed two co-workers in September 2010") names its event's date."""
    found: list[str] = []
    for sentence in lede:
        for tr in _timerefs_in(analysis.timerefs, sentence):
            if parse_date_value(tr.calendar) is not None and tr.calendar not in found:
                found.append(tr.calendar)  # type: ignore[arg-type]
    return found


def key_numbers(text: str) -> list[str]:
    """Numbers the headline and lede state (tolls, magnitudes, counts), years left out."""
    found: list[str] = []
    for raw in _NUMBER_RE.findall(text):
        value = raw.replace(",", "")
        if re.fullmatch(r"(19|20)\d\d", value) or value in found:
            continue
        found.append(value)
    return found[:10]


def event_date(
    article: Article, analysis: Analysis, lede: list[Sentence], kind: str | None
) -> tuple[DateValue, str, float] | None:
    """The date of the lede's main happening, with where it came from and how sure it is.

    A day named in the lede wins; a week, month or year in the lede is kept only when it
    says more than the publication date would ("last week" does, "this month" does not);
    otherwise the publication date stands in (the
    fallback interval reaches a few days back); without one, an early body date.
    """
    published = parse_date_value(article.published_date)
    ranked = _lede_date_candidates(article, analysis, lede, kind, published)
    best = ranked[0] if ranked else None
    if best is not None and (
        published is None or best.granularity == "day" or not _contains(best, published)
    ):
        confidence = CONFIDENCE[f"lede-{best.granularity}"]
        return best, "lede", confidence * (UNANCHORED_FACTOR if published is None else 1.0)
    if published is not None:
        return published, "published", CONFIDENCE["published"]
    body = _early_body_date(analysis, lede)
    if body is not None:
        return body, "body", CONFIDENCE["body"]
    return None


def _lede_date_candidates(
    article: Article, analysis: Analysis, lede: list[Sentence], kind: str | None, published: DateValue | None
) -> list[DateValue]:
    """Lede dates that could be the happening's, best first (fine, early, near the cue)."""
    cue = _KIND_RES.get(kind or "")
    scored: list[tuple[float, int, DateValue]] = []
    for rank, sentence in enumerate(lede):
        for tr in _timerefs_in(analysis.timerefs, sentence):
            value = parse_date_value(tr.calendar)
            if value is None or not _plausible(value, published):
                continue
            score = _GRANULARITY_WEIGHT[value.granularity] / (1 + 0.25 * rank)
            if cue is not None and cue.search(_text(article, sentence)):
                score *= 1.25
            scored.append((score, tr.start, value))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [v for _, _, v in scored]


def _plausible(value: DateValue, published: DateValue | None) -> bool:
    """Not in the future of the publication, not long before it (that is history)."""
    if published is None:
        return True
    if value.lo > published.hi + 1:
        return False
    return value.hi >= published.lo - MAX_LEDE_AGE_DAYS


def _contains(outer: DateValue, inner: DateValue) -> bool:
    return outer.lo <= inner.lo and inner.hi <= outer.hi


def _early_body_date(analysis: Analysis, lede: list[Sentence]) -> DateValue | None:
    """For undated articles: the first day or month in the early body."""
    body = [s for s in sorted(analysis.sentences, key=lambda s: s.index) if s.kind == "body"]
    for sentence in body[:UNDATED_BODY_SENTENCES]:
        for tr in _timerefs_in(analysis.timerefs, sentence):
            value = parse_date_value(tr.calendar)
            if value is not None and value.granularity != "year":
                return value
    for sentence in lede:
        for tr in _timerefs_in(analysis.timerefs, sentence):
            value = parse_date_value(tr.calendar)
            if value is not None:
                return value
    return None


def background_dates(
    article: Article, analysis: Analysis, lede: list[Sentence], event: tuple[int, int] | None
) -> list[ContextRef]:
    """Dated happenings outside the lede far from the event date: context, not events."""
    if event is None:
        return []
    lede_ids = {s.index for s in lede}
    refs: list[ContextRef] = []
    seen: set[tuple[str, int]] = set()
    for sentence in sorted(analysis.sentences, key=lambda s: s.index):
        if sentence.index in lede_ids or sentence.kind != "body":
            continue
        for tr in _timerefs_in(analysis.timerefs, sentence):
            value = parse_date_value(tr.calendar)
            if value is None or interval_gap((value.lo, value.hi), event) < CONTEXT_MIN_GAP_DAYS:
                continue
            if (value.value, sentence.start) in seen:
                continue
            seen.add((value.value, sentence.start))
            date = contract_date(value.value)[0]  # a context item carries a contract date
            refs.append(ContextRef(_text(article, sentence), date, sentence.start, sentence.end))
    return refs


def _timerefs_in(timerefs: list[TimeRef], sentence: Sentence) -> list[TimeRef]:
    return [t for t in timerefs if sentence.start <= t.start < sentence.end]


def _text(article: Article, sentence: Sentence) -> str:
    return article.text[sentence.start : sentence.end].strip()
