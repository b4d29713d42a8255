"""Temporal expressions: find them in an article and resolve them to calendar dates.

Two levels:

* `find_timexes(doc, anchor)` — every temporal expression TimeML would mark, with its
  TIMEX3 type (DATE, TIME, DURATION, SET) and value (`2013-03-22`, `1998-W12`,
  `1998-Q3`, `P3Y`, `PRESENT_REF`, `XXXX-WXX-5` …), resolved against `anchor` (the
  publication date).  The benchmark (`bench/tempeval.py`) scores this level.
* `find_timerefs(doc, article_id, published)` — what the export contract carries: only
  date-like expressions (DATE, and TIME reduced to its day), each value brought to the
  contract's day / month / year granularity by `contract_value`; a week keeps its ISO
  value beside it (`TimeRef.precise`), since "last week" dates a happening to seven days.

Steps (see `find_timexes`): every rule of `timex_rules` proposes matches; overlapping
matches are settled longest first; values are resolved in text order so "a year earlier"
can see the quarter the sentence talks about.  The spaCy parse is used for one thing, the
tense of the clause around an expression: "met on Friday" is the Friday before
publication, "will meet on Friday" the one after.  A Doc without a parse still works,
with a weaker tense guess from the words before the expression.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyline.enrich.timex_calendar import parse_anchor
from storyline.enrich.timex_rules import RULES, Context, Discourse, Reading
from storyline.model import Granularity, TimeRef

__all__ = ["Timex", "contract_value", "find_timerefs", "find_timexes", "tense_direction"]

VAGUE_VALUES = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}
FUTURE_AUX = {"will", "'ll", "wo", "shall", "’ll"}
MODALS = FUTURE_AUX | {"would", "could", "might", "may", "can", "should", "must", "'d"}
FUTURE_LEMMAS = {"schedule", "expect", "plan", "set", "due", "slate", "intend"}
INTENT_LEMMAS = FUTURE_LEMMAS | {
    "hope",
    "want",
    "aim",
    "prepare",
    "seek",
    "vow",
    "promise",
    "threaten",
    "decide",
}
PAST_AUX = {"had", "was", "were", "did", "has", "have"}


@dataclass(frozen=True)
class Timex:
    """One TIMEX3: character offsets into the text, type, value (None: no anchor)."""

    start: int
    end: int
    text: str
    type: str
    value: str | None
    rule: str


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    order: int
    rule: str
    reading: Reading


def find_timexes(doc: Doc, anchor: str | dt.date | None) -> list[Timex]:
    """All temporal expressions of `doc`, TimeML-style, resolved against `anchor`.

    1. each rule proposes matches, its reader keeps or rejects them;
    2. overlaps are settled: the longest match wins, then the earlier rule;
    3. values are resolved in text order (some depend on what came before).
    """
    ctx = Context(doc.text, parse_anchor(anchor), tense_direction(doc))
    chosen = _settle(list(_candidates(ctx)))
    return _resolve(chosen, ctx)


def _candidates(ctx: Context):
    for order, rule in enumerate(RULES):
        extent = "x" if "x" in rule.pattern.groupindex else 0
        for match in rule.pattern.finditer(ctx.text):
            reading = rule.read(match, ctx)
            if reading is not None:
                start, end = _trim(ctx.text, *match.span(extent))
                yield _Candidate(start, end, order, rule.name, reading)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """TimeML leaves a possessive 's outside the expression."""
    if text[end - 2 : end] in ("'s", "’s") and end - 2 > start:
        end -= 2
    return start, end


def _settle(candidates: list[_Candidate]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.order, c.start)):
        if all(cand.end <= s or cand.start >= e for s, e in taken):
            chosen.append(cand)
            taken.append((cand.start, cand.end))
    return sorted(chosen, key=lambda c: c.start)


def _resolve(chosen: list[_Candidate], ctx: Context) -> list[Timex]:
    discourse = Discourse(ctx.anchor)
    timexes = []
    for cand in chosen:
        kind, value = cand.reading
        discourse.start = cand.start
        derived = callable(value)
        if derived:
            value = value(discourse)
        if value and not derived and re.fullmatch(r"\d{4}-Q\d", value):
            discourse.quarters.append((cand.start, value))  # "a year earlier" is no new topic
        if value and re.match(r"\d{4}-\d\d-\d\d", value):
            discourse.days.append((cand.start, value[:10]))
        text = ctx.text[cand.start : cand.end]
        timexes.append(Timex(cand.start, cand.end, text, kind, value, cand.rule))
    return timexes


# --- tense -----------------------------------------------------------------------------------
def tense_direction(doc: Doc) -> Callable[[int, int], int]:
    """A function telling, for a character span of `doc`, whether its clause is in the
    past (-1), the future (+1) or says nothing (0)."""
    if not doc.has_annotation("TAG"):
        return lambda start, end: 0
    parsed = doc.has_annotation("DEP")

    def direction(start: int, end: int) -> int:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return 0
        verb = _governing_verb(span) if parsed else None
        return _verb_direction(verb) if verb is not None else _window_direction(span)

    return direction


def _governing_verb(span: Span) -> Token | None:
    token = span.root
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX") and token not in span:
            return token
        if token.head is token:
            return token if token.pos_ in ("VERB", "AUX") else None
        token = token.head
    return None


def _verb_direction(verb: Token) -> int:
    """Past for a past-tense verb or perfect; future for a modal ("will", "could"), an
    infinitive of intent ("planned to leave on Thursday") and "is scheduled/expected";
    other infinitives take the tense of their head ("have agreed to strengthen … on
    Tuesday"); the present says nothing ("says Friday" is past, "meets Monday" future)."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & MODALS:
        return -1 if aux & {"have", "'ve"} else 1
    if verb.lemma_ in FUTURE_LEMMAS and aux & {"is", "are", "'s", "'re", "am"}:
        return 1
    if verb.tag_ == "VBD" or aux & {"had", "was", "were", "did"}:
        return -1
    if verb.tag_ == "VBN" and aux & PAST_AUX:
        return -1
    if verb.tag_ == "VB" and "to" in aux and verb.head is not verb:
        head = verb.head
        return (
            1
            if head.lemma_ in INTENT_LEMMAS
            else _verb_direction(head)
            if head.pos_ in ("VERB", "AUX")
            else 0
        )
    return 0


def _window_direction(span: Span) -> int:
    """Without a parse: the nearest finite verb or modal before the span in its sentence."""
    sent_start = span.sent.start if span.doc.has_annotation("SENT_START") else max(0, span.start - 12)
    for token in reversed(span.doc[sent_start : span.start]):
        if token.lower_ in FUTURE_AUX:
            return 1
        if token.tag_ == "VBD":
            return -1
    return 0


# --- the export contract ------------------------------------------------------------------------
def find_timerefs(doc: Doc, article_id: str, published: str | None) -> list[TimeRef]:
    """The date references of one article, for the `timerefs` of the export.

    Keeps DATE and TIME expressions; drops durations, sets and the vague PRESENT_REF /
    PAST_REF / FUTURE_REF ("now", "recently"), which name no calendar date.  Values are
    resolved against `published` ("YYYY-MM-DD" or an ISO datetime); without it, relative
    expressions ("on Tuesday", "last year") get value None and absolute ones ("May 2023")
    still resolve.  Ids are `{article_id}:t{n}`, n from 0 in text order.
    """
    refs: list[TimeRef] = []
    for timex in find_timexes(doc, published):
        if timex.type not in ("DATE", "TIME") or timex.value in VAGUE_VALUES:
            continue
        value, granularity = contract_value(timex.value)
        ref_id = f"{article_id}:t{len(refs)}"
        week = _WEEK_RE.fullmatch(timex.value or "")
        precise = f"{week.group(1)}-W{week.group(2)}" if week else None
        refs.append(
            TimeRef(ref_id, article_id, timex.text, value, timex.start, timex.end, granularity, precise)
        )
    return refs


_WEEK_RE = re.compile(r"(\d{4})-W(\d\d)(-WE)?")


def contract_value(value: str | None) -> tuple[str | None, Granularity | None]:
    """A TIMEX3 value brought to the contract's "YYYY-MM-DD" | "YYYY-MM" | "YYYY".

    * days and times of day → the day; months → the month; years → the year;
    * a week (`2023-W50`, "last week") → the month holding its Thursday, the day ISO
      weeks are numbered by, so the month that holds most of the week; a weekend → the
      month of its Saturday.  A week is finer than a month, so the month contains it;
    * quarters, halves and seasons (`1998-Q3`, `1998-H1`, `1998-SU`) → the year, the
      finest contract unit that contains them (winter is the one starting that December);
    * decades and centuries (`199`, `19`), underspecified values (`XXXX-WXX-5`: no
      publication date to resolve against) and anything else → None.
    """
    if not value:
        return None, None
    if match := re.fullmatch(r"(\d{4}-\d\d-\d\d)(T.*)?", value):
        return match.group(1), "day"
    if re.fullmatch(r"\d{4}-\d\d", value):
        return value, "month"
    if match := _WEEK_RE.fullmatch(value):
        day = 6 if match.group(3) else 4
        monthday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), day)
        return monthday.strftime("%Y-%m"), "month"
    if re.fullmatch(r"\d{4}(-(Q[1-4]|H[12]|SP|SU|FA|WI))?", value):
        return value[:4], "year"
    return None, None
