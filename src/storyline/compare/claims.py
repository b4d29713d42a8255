"""Claims: what each outlet asserts about an event, aligned across outlets.

A claim unit is a body sentence, or one clause of a compound sentence that asserts two
separate things ("Both nations held drills, while bilateral trade reached $220 billion").
Units of all the event's articles are aligned by meaning (MiniLM cosine, plus a bonus for
the entities they share); a group carried by two or more outlets is `shared`, by one
`single`, and `contradicted` when two outlets' aligned units disagree on a figure for the
same thing, a date, a place, a title holder, or a negation.

Why the logic is ours: sentence-level alignment across outlets with contradiction slots
is what no library offers; textual-entailment models that could judge contradiction do not
ship offline and are too slow for every pair in an event.  So slots are read off the
spaCy parse (a number and the noun it counts, the verb it hangs on), and alignment is a
clustering over the event's units only, never over the store.

Headlines and section headings are labels, not assertions, and are left out; bullets are
kept, since bulleted summaries assert facts (when the body repeats them, the bullet and
its sentence simply join one group).  Background claims (trade figures, anniversaries,
earlier treaties and meetings) are marked `context`: they are either anchored well before
the event's date or say what kind of background they are ("25 years since the signing").

Alignment holds unit-by-unit matrices, so an event is aligned on at most
MAX_ALIGNED_UNITS units: every unit of short articles and the leads of long ones.  Later
units of a long article only credit it with the claims they match (`credit_later`), so
it is not said to omit what it states deep in its text; forty replays of a 10,000-word
article made one comparison task take 5.7 GB before this bound.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc, Span, Token

from storyline.enrich.names import name_key
from storyline.model import Analysis, Article, Claim, ClaimStatus, LocalEntity, Mention, Quantity, UnitReading
from storyline.model import Span as TextSpan

# --- thresholds (calibrated by reading the cross-outlet pairs of seeds 000/001/003 and the
# demo's karsavin_rehnberg_call and northern_current events; no claim-alignment gold exists)
ALIGN_SIM = 0.6  # average-linkage cosine (+ entity bonus) for two units to be one claim
ENTITY_BONUS = 0.1  # times the Jaccard overlap of the units' resolved entities
COMMON_ENTITY_SHARE = 0.25  # an entity in more of the event's units than this earns no bonus
DATE_PENALTY = 0.2  # units dated apart ("in March" / "on Tuesday") are likely two happenings
CONTEXT_PENALTY = 0.1  # background and event narration rarely say the same thing
DATE_MIN_SIM = 0.75  # a date disagreement counts only between near-identical units
CONFLICT_MIN_SIM = 0.5  # a slot disagreement counts only between units this close in meaning
NEGATION_MIN_SIM = 0.75  # "did not mention X" vs "mentioned X": near-identical otherwise
NAME_MIN_SIM = 0.7
APPROX_TOLERANCE = 0.15  # "about 1,500" and "some 1,600" agree; "some 8,000" and "about 3,000" do not
CONTEXT_GAP_DAYS = 45  # a unit anchored only this long before the event is background
MIN_CLAUSE_TOKENS = 4  # both halves of a split must be at least this long
# Alignment holds a few unit-by-unit matrices: 3,000 units keep each under 72 MB.  Seeds,
# demo and BASIL events stay far below; forty replays of a 10,000-word article do not.
MAX_ALIGNED_UNITS = 3000
CREDIT_CHUNK = 512  # later units compared with the aligned ones this many at a time

BODY_KINDS = frozenset({"body", "bullet"})

_SMALL_NUMBERS = """zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
_NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL_NUMBERS.split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80})
_NUMBER_WORDS.update({"ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}
_APPROX_WORDS = frozenset(
    {"about", "around", "some", "nearly", "almost", "roughly", "approximately", "over", "more", "than", "up"}
    | {"to", "least", "estimated", "close"}
)
_CURRENCY = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yuan", "dollar": "dollar", "euro": "euro"}
_UNIT_CLASSES = {
    "people": "people person protester demonstrator marcher resident farmer worker civilian supporter participant citizen villager",
    "vessel": "ship warship vessel frigate destroyer boat submarine corvette",
    "aircraft": "aircraft plane jet helicopter drone fighter",
    "troops": "soldier troop sailor marine personnel serviceman",
}
UNIT_CLASS = {w: cls for cls, words in _UNIT_CLASSES.items() for w in words.split()}
_SKIP_TO_UNIT = frozenset({"ADJ", "PROPN", "NUM", "CCONJ", "PUNCT", "ADV", "DET"})
_NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
_LOCATIVE_PREPS = frozenset({"in", "at", "near", "off", "outside", "inside", "from", "to"})
_DEFINITE = frozenset({"the", "these", "those", "its", "their", "our", "his", "her", "both", "all"})
_SPLIT_MARKS = frozenset({"while", "whereas"})

# Background phrasings, in our own words: anniversaries, trade figures, founding dates, and
# "last held/visited" histories.  Matched case-insensitively on the unit's text.
_BACKGROUND_RE = re.compile(
    r"\banniversar(y|ies)\b"
    r"|\b(\d+|\w+) years (since|of|after)\b"
    r"|\bmark(s|ed|ing)? (the )?(\d+|\w+)(th)? (years?|anniversary)\b"
    r"|\btrade\b[^.;]{0,60}?\b(reached|totall?ed|stood at|was worth|amounted to|grew|rose|fell)\b"
    r"|\b(was|were|been) (signed|founded|established|created|built|launched) (in|on) \d{4}\b"
    r"|\b(founded|signed|established|created|began|started) in \d{4}\b"
    r"|\bsince (19|20)\d\d\b"
    r"|\blast (held|visited|met|spoke)\b",
    re.IGNORECASE,
)


@dataclass
class ClaimUnit:
    """One assertion of one article, with the slots contradictions are read from."""

    article: str
    outlet: str
    start: int
    end: int
    text: str
    sentence: int
    entities: frozenset[str] = frozenset()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[str, ...] = ()
    places: frozenset[str] = frozenset()
    titled: tuple[tuple[str, str], ...] = ()  # (title, person key): "defence minister", "belousov"
    negated: bool = False
    attributed: bool = False
    context: bool = False


@dataclass
class ClaimGroup:
    """Units that say one thing; `conflicts` names the slots two outlets disagree on."""

    units: list[ClaimUnit]
    conflicts: set[str] = field(default_factory=set)

    @property
    def outlets(self) -> set[str]:
        return {u.outlet for u in self.units}


# --- splitting articles into units ---------------------------------------------------------


def outlet_of(article: Article) -> str:
    """The outlet key: two articles of one outlet count once towards `shared`."""
    return (article.source or article.id).strip().lower()


def read_units(text: str, analysis: Analysis, doc: Doc) -> list[UnitReading]:
    """What the parse says about each claim unit of the article's body and bullets, in
    text order.  Enrichment calls this on its own parse and keeps the result, so the parse
    is never repeated when the article's events are compared (again and again, as articles
    join them)."""
    quoted = [(q.start, q.end) for q in analysis.quotes if q.kind == "direct"]
    dates = [(r.start, r.end) for r in analysis.timerefs]
    places = [m for m in analysis.mentions if m.label in ("GPE", "LOC", "FAC")]
    readings: list[UnitReading] = []
    for sentence in analysis.sentences:
        if sentence.kind not in BODY_KINDS:
            continue
        sent = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if sent is None or not any(t.is_alpha for t in sent):
            continue
        for start, end in split_clauses(sent, quoted):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                readings.append(UnitReading(start, end, sentence.index))
                continue
            in_unit = [(a, b) for a, b in dates if a < end and start < b]
            located = [
                (m.start, m.end)
                for m in places
                if start <= m.start and m.end <= end and _locative_mention(doc, m.start, m.end)
            ]
            readings.append(
                UnitReading(
                    start,
                    end,
                    sentence.index,
                    is_negated(span),
                    tuple(quantities(span, in_unit)),
                    tuple(located),
                )
            )
    return readings


def article_units(article: Article, analysis: Analysis, event_date: dt.date | None) -> list[ClaimUnit]:
    """Every claim unit of one article, from the readings enrichment kept (`read_units`)."""
    if analysis.units is None:
        raise ValueError(f"article {article.id} has no unit readings: read them with read_units")
    slots = _Slots(article, analysis)
    return [slots.unit(r, event_date) for r in analysis.units]


def split_clauses(sent: Span, quoted: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Character ranges of the sentence's clauses: split before a coordinated clause with a
    subject of its own, a "while/whereas" clause, or a semicolon, never inside a quotation."""
    cuts = sorted({c for c in (_cut_before(tok) for tok in sent) if c is not None})
    cuts = [c for c in cuts if sent.start < c < sent.end and not _inside(sent.doc[c].idx, quoted)]
    bounds = [sent.start, *cuts, sent.end]
    pieces = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    if any(_content_tokens(sent.doc, a, b) < MIN_CLAUSE_TOKENS for a, b in pieces):
        return [_trimmed_chars(sent.doc, sent.start, sent.end)]
    return [_trimmed_chars(sent.doc, a, b) for a, b in pieces]


def _cut_before(tok: Token) -> int | None:
    """The token index where a new clause starts, if `tok` heads one."""
    if tok.text == ";":
        return tok.i + 1
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children)
    if not has_subject or tok.pos_ not in ("VERB", "AUX"):
        return None
    if tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX") and _main_clause(tok.head):
        cc = [c for c in tok.head.children if c.dep_ in ("cc", "punct") and c.i < tok.left_edge.i]
        return min((c.i for c in cc if c.i > tok.head.i), default=tok.left_edge.i)
    marks = [c for c in tok.children if c.dep_ == "mark" and c.lower_ in _SPLIT_MARKS]
    if tok.dep_ == "advcl" and marks and marks[0].i > tok.head.i:
        return min(marks[0].i, tok.left_edge.i)
    return None


def _main_clause(tok: Token) -> bool:
    """The sentence's root or a clause coordinated with it (not reported content)."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ == "ROOT"


def _inside(char: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < char < e for s, e in spans)


def _content_tokens(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if t.is_alpha and t.dep_ not in ("cc", "mark"))


def _trimmed_chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range to characters, without leading conjunctions or edge punctuation."""
    while (
        start < end - 1
        and (doc[start].is_punct or doc[start].dep_ in ("cc", "mark"))
        and not doc[start].is_quote
    ):
        start += 1
    while end > start + 1 and (doc[end - 1].text in ",;:—–-" or doc[end - 1].dep_ == "cc"):
        end -= 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


class _Slots:
    """Keys one article's unit readings by entity: names, places, titles, dates, quotes."""

    def __init__(self, article: Article, analysis: Analysis) -> None:
        self.article = article
        self.outlet = outlet_of(article)
        self.locals: dict[int, LocalEntity] = {e.key: e for e in analysis.entities}
        self.mentions = sorted(analysis.mentions, key=lambda m: m.start)
        self.timerefs = analysis.timerefs
        self.attributions = [(q.start, q.end) for q in analysis.quotes]

    def unit(self, reading: UnitReading, event_date: dt.date | None) -> ClaimUnit:
        start, end = reading.start, reading.end
        text = self.article.text[start:end]
        dates = tuple(r.value for r in self.timerefs if r.value and start <= r.start < end)
        narrated = tuple(
            r.value
            for r in self.timerefs
            if r.value and start <= r.start < end and not _inside(r.start, self.attributions)
        )
        located = set(reading.places)
        unit = ClaimUnit(
            article=self.article.id,
            outlet=self.outlet,
            start=start,
            end=end,
            text=text,
            sentence=reading.sentence,
            entities=frozenset(self._keys(self._in_range(start, end))),
            quantities=reading.quantities,
            dates=dates,
            places=frozenset(
                self._keys(m for m in self._in_range(start, end) if (m.start, m.end) in located)
            ),
            titled=tuple(self._titled(start, end)),
            negated=reading.negated,
            attributed=any(s < end and start < e for s, e in self.attributions),
        )
        unit.context = is_context(text, narrated, event_date)
        return unit

    def _in_range(self, start: int, end: int) -> list:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def _keys(self, mentions: Iterable[Mention]) -> set[str]:
        return {entity_key(self.locals.get(m.local), m.text, m.label) for m in mentions}

    def _titled(self, start: int, end: int) -> list[tuple[str, str]]:
        """(title, person) pairs where the unit names a title holder ("Defence Minister X")."""
        pairs = []
        for m in self._in_range(start, end):
            entity = self.locals.get(m.local)
            if m.label != "PERSON" or entity is None:
                continue
            before = self.article.text[max(start, m.start - 40) : m.start].lower()
            pairs += [
                (r.title.lower(), entity_key(entity, m.text, m.label))
                for r in entity.roles
                if r.title.lower() in before
            ]
        return pairs


def entity_key(local: LocalEntity | None, text: str, label: str) -> str:
    """The resolved entity id when resolution ran, else a folded name key, so two articles
    that spell one name differently still share the key in a store-free comparison."""
    if local is not None and local.entity:
        return local.entity
    name = local.name if local is not None else text
    family = "person" if label == "PERSON" else "org" if label == "ORG" else "place"
    return f"{family}:{name_key(name, label)}"


def _locative_mention(doc: Doc, start: int, end: int) -> bool:
    """The mention is the object of "in/at/near …": the unit puts something there."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and _locative(span.root)


def _locative(tok: Token) -> bool:
    head = tok
    while head.dep_ in ("compound", "conj", "appos") and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in _LOCATIVE_PREPS


def is_negated(span: Span) -> bool:
    """The unit's main verb is negated ("did not mention", "never said")."""
    roots = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head is t]
    verbs = [r for r in roots if r.pos_ in ("VERB", "AUX")] or roots
    return any(
        c.lower_ in _NEGATORS and c.dep_ in ("neg", "advmod", "det") for v in verbs for c in v.children
    )


# --- figures ---------------------------------------------------------------------------------


def quantities(span: Span, date_chars: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Every figure in the span with what it counts; years and dates are left to timerefs."""
    found: list[Quantity] = []
    tokens = list(span)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not _is_number(tok) or _inside(tok.idx, date_chars) or _is_year(tok) or _referring(tok):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and (_is_number(tokens[j + 1]) or tokens[j + 1].lower_ in _SCALES):
            j += 1
        value = _value(tokens[i : j + 1])
        if value is not None:
            found.append(_quantity(tokens, i, j, value))
        i = j + 1
    return found


def _is_number(tok: Token) -> bool:
    return (tok.like_num and tok.pos_ in ("NUM", "NOUN", "ADJ", "PROPN", "X")) or tok.lower_ in _NUMBER_WORDS


def _referring(tok: Token) -> bool:
    """ "the two countries", "their three ships": a reference to known things, not a figure."""
    return tok.i > 0 and tok.nbor(-1).lower_ in _DEFINITE


def _is_year(tok: Token) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", tok.text))


def _value(tokens: Sequence[Token]) -> float | None:
    """The number a run of tokens spells: "1,500", "nine", "220 billion", "14.2 billion"."""
    total: float | None = None
    for tok in tokens:
        word = tok.lower_.replace(",", "")
        if word in _SCALES:
            total = (total or 1.0) * _SCALES[word]
        elif word in _NUMBER_WORDS:
            total = (total or 0.0) + _NUMBER_WORDS[word] if word != "hundred" else (total or 1.0) * 100
        else:
            try:
                total = (total or 0.0) + float(word)
            except ValueError:
                return None
    return total


def _quantity(tokens: Sequence[Token], i: int, j: int, value: float) -> Quantity:
    before = [t.lower_ for t in tokens[max(0, i - 2) : i]]
    approx = any(w in _APPROX_WORDS for w in before)
    unit_tok = _unit_token(tokens, j)
    unit = _CURRENCY.get(before[-1]) if before and before[-1] in _CURRENCY else None
    if unit is None and unit_tok is not None:
        unit = _CURRENCY.get(unit_tok.lemma_.lower(), unit_tok.lemma_.lower())
    anchor = unit_tok if unit_tok is not None else tokens[j]
    text = " ".join(
        t.text for t in tokens[i : (unit_tok.i - tokens[0].i + 1) if unit_tok is not None else j + 1]
    )
    return Quantity(value, approx, unit, _verb_of(anchor), text)


def _unit_token(tokens: Sequence[Token], j: int) -> Token | None:
    """The noun a figure counts: the first noun after it, past adjectives and nationalities
    ("four Velmoran ships"), extended over a compound ("14 crew members")."""
    for k in range(j + 1, min(j + 5, len(tokens))):
        tok = tokens[k]
        if tok.pos_ == "NOUN" and tok.lower_ not in _SCALES:
            while k + 1 < len(tokens) and tok.dep_ == "compound" and tokens[k + 1].pos_ == "NOUN":
                k += 1
                tok = tokens[k]
            return tok
        if tok.pos_ not in _SKIP_TO_UNIT and tok.text != "-":
            return None
    return None


def _verb_of(tok: Token) -> str | None:
    for _ in range(6):
        if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ == "ROOT"):
            return tok.lemma_.lower()
        if tok.head is tok:
            return None
        tok = tok.head
    return None


def same_slot(a: Quantity, b: Quantity) -> bool:
    """Two figures count the same thing: the same noun, or nouns of one class ("protesters",
    "people") hanging on the same verb ("marched")."""
    if a.unit is None or b.unit is None:
        return False
    if a.unit == b.unit:
        return True
    cls_a, cls_b = UNIT_CLASS.get(a.unit), UNIT_CLASS.get(b.unit)
    return cls_a is not None and cls_a == cls_b and a.verb is not None and a.verb == b.verb


def figures_disagree(a: Quantity, b: Quantity) -> bool:
    if a.approx or b.approx:
        return abs(a.value - b.value) > APPROX_TOLERANCE * max(a.value, b.value)
    return a.value != b.value


# --- context -----------------------------------------------------------------------------------


def is_context(text: str, narrated_dates: Sequence[str], event_date: dt.date | None) -> bool:
    """Background rather than the event: a background phrasing, or dates in the outlet's
    own narration that all lie well before the event.  Dates inside what a speaker said
    ("since our last meeting in June") do not count: the saying is part of the event."""
    if _BACKGROUND_RE.search(text):
        return True
    if event_date is None or not narrated_dates:
        return False
    ends = [period_end(d) for d in narrated_dates]
    limit = event_date - dt.timedelta(days=CONTEXT_GAP_DAYS)
    return all(e is not None and e < limit for e in ends)


def period_end(value: str) -> dt.date | None:
    """The last day a "YYYY", "YYYY-MM" or "YYYY-MM-DD" value covers."""
    try:
        parts = [int(p) for p in value.split("-")]
    except ValueError:
        return None
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(*parts[:3])


def _date_overlap(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


# --- alignment ---------------------------------------------------------------------------------


def similarity(units: Sequence[ClaimUnit], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, alignment score) of every pair of units, as matrices.

    The alignment score adds a bonus for shared entities that are not everywhere in the
    event (every unit of a call names both ministers), and takes a penalty when the units
    are dated apart or one is background and the other not: "a similar call in March" is
    another happening, not a contradiction of "the call on Tuesday"."""
    cosine = np.clip(vectors @ vectors.T, -1.0, 1.0)
    context = np.array([u.context for u in units])
    score = cosine + _entity_bonus(units) - CONTEXT_PENALTY * (context[:, None] != context[None, :])
    dated = [i for i, u in enumerate(units) if u.dates]
    for k, i in enumerate(dated):
        for j in dated[k + 1 :]:
            if _dates_disagree(units[i].dates, units[j].dates):
                score[i, j] -= DATE_PENALTY
                score[j, i] -= DATE_PENALTY
    return cosine, score


def _entity_bonus(units: Sequence[ClaimUnit]) -> np.ndarray:
    """ENTITY_BONUS times the Jaccard overlap of the units' rarer entities."""
    counts = Counter(e for u in units for e in u.entities)
    rare = sorted(e for e, n in counts.items() if n <= COMMON_ENTITY_SHARE * len(units))
    if not rare:
        return np.zeros((len(units), len(units)))
    column = {e: k for k, e in enumerate(rare)}
    incidence = np.zeros((len(units), len(rare)))
    for i, u in enumerate(units):
        incidence[i, [column[e] for e in u.entities if e in column]] = 1.0
    inter = incidence @ incidence.T
    sizes = incidence.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    return ENTITY_BONUS * np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def conflicts(a: ClaimUnit, b: ClaimUnit, sim: float) -> set[str]:
    """The slots on which two units of different outlets disagree."""
    found: set[str] = set()
    if sim < CONFLICT_MIN_SIM or a.outlet == b.outlet or a.context != b.context:
        return found
    if any(same_slot(x, y) and figures_disagree(x, y) for x in a.quantities for y in b.quantities):
        found.add("number")
    if sim >= DATE_MIN_SIM and not (a.context or b.context) and _dates_disagree(a.dates, b.dates):
        found.add("date")
    if sim >= ALIGN_SIM and a.places and b.places and not a.places & b.places:
        found.add("place")
    if sim >= NAME_MIN_SIM and _titles_disagree(a.titled, b.titled):
        found.add("name")
    if sim >= NEGATION_MIN_SIM and a.negated != b.negated:
        found.add("negation")
    return found


def _dates_disagree(a: Sequence[str], b: Sequence[str]) -> bool:
    if not a or not b:
        return False
    return not any(_date_overlap(x, y) for x in a for y in b)


def _titles_disagree(a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]]) -> bool:
    return any(ta == tb and pa != pb for ta, pa in a for tb, pb in b)


def align(units: Sequence[ClaimUnit], cosine: np.ndarray, score: np.ndarray) -> list[ClaimGroup]:
    """Group units by average-linkage clustering of the alignment score, then join groups
    whose units contradict each other: a disagreement lowers similarity, so contradicting
    units may fall apart, and are judged on their plain cosine."""
    labels = _average_linkage(score, ALIGN_SIM)
    parent = list(range(max(labels, default=-1) + 1))
    found: dict[tuple[int, int], set[str]] = {}
    for i, j in zip(*np.nonzero(np.triu(cosine >= CONFLICT_MIN_SIM, k=1)), strict=True):
        kinds = conflicts(units[i], units[j], float(cosine[i, j]))
        if kinds:
            found[(int(i), int(j))] = kinds
            _union(parent, labels[i], labels[j])
    groups: dict[int, ClaimGroup] = {}
    for i, unit in enumerate(units):
        groups.setdefault(_find(parent, labels[i]), ClaimGroup([])).units.append(unit)
    for (i, _j), kinds in found.items():
        groups[_find(parent, labels[i])].conflicts |= kinds
    return list(groups.values())


def _average_linkage(sim: np.ndarray, threshold: float) -> list[int]:
    if len(sim) < 2:
        return [0] * len(sim)
    from sklearn.cluster import AgglomerativeClustering

    distance = np.clip(1.0 - sim, 0.0, 2.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return [int(x) for x in model.fit_predict(distance)]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    parent[_find(parent, a)] = _find(parent, b)


# --- claims --------------------------------------------------------------------------------------


def status_of(group: ClaimGroup) -> ClaimStatus:
    if group.conflicts:
        return "contradicted"
    return "shared" if len(group.outlets) >= 2 else "single"


def to_claims(event_id: str, groups: Sequence[ClaimGroup], order: Sequence[str]) -> list[Claim]:
    """Claims with deterministic ids, in the order of their first unit (article order, then
    position), each citing every unit that carries it."""
    rank = {a: i for i, a in enumerate(order)}
    ordered = sorted(groups, key=lambda g: min((rank.get(u.article, len(rank)), u.start) for u in g.units))
    claims = []
    for n, group in enumerate(ordered, start=1):
        units = sorted(group.units, key=lambda u: (rank.get(u.article, len(rank)), u.start))
        sources = [TextSpan(u.article, u.start, u.end) for u in units]
        context = 2 * sum(u.context for u in units) >= len(units)
        claims.append(Claim(f"{event_id}:c{n}", units[0].text, status_of(group), sources, context))
    return claims


def omissions(claims: Sequence[Claim], articles: Sequence[str]) -> dict[str, list[str]]:
    """For each article, the claims two or more outlets carry that it does not."""
    result: dict[str, list[str]] = {}
    for article in articles:
        missing = [
            c.id for c in claims if c.status != "single" and article not in {s.article for s in c.sources}
        ]
        result[article] = missing
    return result


def event_day(date: str | None, published: Sequence[str | None]) -> dt.date | None:
    """The event's day: its own date (a month or year counts as its last day), else the
    earliest publication date of its articles."""
    for value in [date, *sorted(p[:10] for p in published if p)]:
        end = period_end(value[:10]) if value else None
        if end is not None:
            return end
    return None


def compare_claims(
    event_id: str,
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    event_date: dt.date | None,
    embed: Callable[[Sequence[str]], np.ndarray],
) -> tuple[list[Claim], list[ClaimGroup]]:
    """The event's claims and the groups they came from (for tests and benchmarks); every
    analysis must carry its unit readings."""
    per_article = [article_units(a, an, event_date) for a, an in zip(articles, analyses, strict=True)]
    cap = lead_cap([len(u) for u in per_article], MAX_ALIGNED_UNITS)
    units = [u for units in per_article for u in units[:cap]]
    later = [u for units in per_article for u in units[cap:]]
    if not units:
        return [], []
    vectors = embed([u.text for u in units + later])
    cosine, score = similarity(units, vectors[: len(units)])
    groups = align(units, cosine, score)
    if later:
        credit_later(groups, units, vectors[: len(units)], later, vectors[len(units) :])
    return to_claims(event_id, groups, [a.id for a in articles]), groups


def lead_cap(counts: Sequence[int], budget: int) -> int:
    """How many units of each article are aligned: all of them when the event's total fits
    the budget, else the largest per-article count that fits, so short articles keep every
    unit and long ones their leads (news puts what matters first)."""
    if sum(counts) <= budget:
        return max(counts, default=0)
    low, high = 0, max(counts)
    while low < high:
        mid = (low + high + 1) // 2
        if sum(min(n, mid) for n in counts) <= budget:
            low = mid
        else:
            high = mid - 1
    return max(low, 1)


def credit_later(
    groups: list[ClaimGroup],
    units: Sequence[ClaimUnit],
    vectors: np.ndarray,
    later: Sequence[ClaimUnit],
    later_vectors: np.ndarray,
) -> None:
    """Add each unit beyond the budget to the group it would have joined, when that group
    does not yet cite its article: an article that carries a claim deep in its text is not
    said to omit it.  The test is average linkage of one unit to one group (mean score to
    the group's units, context penalty included) against ALIGN_SIM, as in `align`; a
    later unit that joins no group is left out of the claims, since the claims cover the
    articles' leads.  Scores are computed a chunk at a time, so memory stays linear in the
    later units."""
    index = {id(u): i for i, u in enumerate(units)}
    member = np.zeros((len(units), len(groups)), dtype=np.float32)
    for g, group in enumerate(groups):
        member[[index[id(u)] for u in group.units], g] = 1.0
    sizes = member.sum(axis=0)
    context = np.array([u.context for u in units], dtype=np.float32)
    share = (context @ member) / sizes  # the share of each group's units that are background
    for first in range(0, len(later), CREDIT_CHUNK):
        chunk = later[first : first + CREDIT_CHUNK]
        cosine = np.clip(later_vectors[first : first + CREDIT_CHUNK] @ vectors.T, -1.0, 1.0)
        mean = (cosine @ member) / sizes
        own = np.array([u.context for u in chunk], dtype=np.float32)[:, None]
        mean -= CONTEXT_PENALTY * np.abs(own - share[None, :])
        for k, unit in enumerate(chunk):
            best = int(np.argmax(mean[k]))
            group = groups[best]
            if mean[k, best] >= ALIGN_SIM and all(u.article != unit.article for u in group.units):
                group.units.append(unit)
