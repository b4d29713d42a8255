"""The grammar of English temporal expressions, as TimeML's TIMEX3 marks them.

Why our own rules: the taggers that do this well are Java (HeidelTime, SUTime) or
unmaintained alphas (Microsoft's recognizers-text 1.0.2a2, 2019); `dateparser` parses a
date string it is given but does not find one in text (its `search_dates` turns "We"
into Wednesday and "the 80th" into 1980), and spaCy's DATE entities have TimeML-foreign
extents and no values.  So, like HeidelTime, we keep a small set of rule families, each a
regular expression plus a function that reads a match into a TIMEX3 type and value:

  explicit dates, month + year, years, decades, centuries, seasons, quarters and halves,
  weekdays, today/yesterday/tomorrow, "last/next/this week|month|year", "N units ago",
  "a year earlier" (resolved against the quarter the sentence talks about), durations,
  vague references (now → PRESENT_REF, recently → PAST_REF, the future → FUTURE_REF),
  sets (daily, every Monday), clock times and holidays.

A reader returns None to reject a match (a capitalised "May" that is the modal verb, a
year that is a head count).  A value may be *deferred*: a function of the `Discourse`
(what was said before), resolved in text order once overlapping matches are settled.
Month and weekday names must be capitalised; everything else is case-insensitive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.enrich import timex_calendar as cal


# --- lexicon ------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """A word list written as one string, for the long vocabularies below."""
    return text.split()


MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(words("monday tuesday wednesday thursday friday saturday sunday"))}
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_ONES += " sixteen seventeen eighteen nineteen"
NUMBER_WORDS = {w: i for i, w in enumerate(words(_ONES))}
NUMBER_WORDS.update(
    {w: 10 * (i + 2) for i, w in enumerate(words("twenty thirty forty fifty sixty seventy eighty ninety"))}
)
NUMBER_WORDS.update({"a": 1, "an": 1, "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2})
VAGUE_NUMBERS = {"a few", "few", "several", "some", "many", "a number of", "dozens of", "a couple of"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
ORDINALS.update({"final": 4, "last": 4})
UNIT_CODES = {
    "year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "MIN",
    "second": "S", "decade": "DE", "century": "CE", "centurie": "CE", "quarter": "Q",
    "fortnight": "FN", "weekend": "WE",
}  # fmt: skip
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
REL_STEP = {
    "this": 0, "current": 0, "present": 0, "last": -1, "past": -1, "previous": -1, "prior": -1,
    "next": 1, "coming": 1, "following": 1, "that": 0, "latest": -1,
}  # fmt: skip
YEAR_NOUNS = set(
    words(
        "people persons men women children soldiers troops workers employees jobs shares cars units "
        "students votes members feet meters metres miles kilometers kilometres tons tonnes barrels "
        "dollars yen marks francs pounds points acres homes houses deaths cases beds rooms"
    )
)

# --- regular-expression fragments ------------------------------------------------------------
_B = r"(?<![\w'’-])"  # a match starts a word
_E = r"(?![\w-])"  # and ends one (so "five-year-old" is not "five-year")
MONTH_NAME = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH = rf"(?:{MONTH_NAME}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>1\d{3}|20\d\d)"
PART = r"(?P<part>morning|afternoon|evening|night)"
_NUMW = "|".join(sorted((w for w in NUMBER_WORDS if " " not in w and len(w) > 2), key=len, reverse=True))
NUM = (
    rf"(?P<num>\d+(?:\.\d+)?|(?:{_NUMW})(?:[\s-](?:{_NUMW}))*|a\s+few|a\s+couple(?:\s+of)?|a\s+dozen"
    r"|a\s+number\s+of|dozens\s+of|several|some|many|few|an?|one)"
)
APPROX = (
    r"(?:about|around|almost|nearly|roughly|approximately|more\s+than|less\s+than|fewer\s+than|"
    r"over|under|at\s+least|at\s+most|just|only|barely|up\s+to|some)"
)
UNIT = r"(?P<unit>years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|century|centuries|quarters?|fortnights?)"
PRE = (
    r"(?P<pre>early|late|mid-?|(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|rest|"
    r"remainder|turn|first\s+half|second\s+half|first\s+part|latter\s+part)\s+of)"
)


# --- context --------------------------------------------------------------------------------
@dataclass
class Context:
    """What a reader may look at: the text, the anchor date and tense evidence.

    `direction(start, end)` is -1 when the clause around that span is in the past tense,
    +1 in the future, 0 when nothing says (see `timex.tense_direction`).
    """

    text: str
    anchor: dt.date | None
    direction: Callable[[int, int], int] = lambda start, end: 0


@dataclass
class Discourse:
    """What earlier expressions established, for values that depend on it."""

    anchor: dt.date | None
    start: int = 0  # where the expression being resolved starts
    quarters: list[tuple[int, str]] = field(default_factory=list)  # (offset, "1989-Q3")
    days: list[tuple[int, str]] = field(default_factory=list)  # (offset, "1989-10-27")

    def recent(self, items: list[tuple[int, str]], window: int) -> str | None:
        """The latest value mentioned within `window` characters before the current one."""
        for offset, value in reversed(items):
            if self.start - offset <= window:
                return value
            break
        return None


Deferred = Callable[[Discourse], "str | None"]
Value = str | None | Deferred
Reading = tuple[str, Value]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    read: Callable[[re.Match[str], Context], Reading | None]


RULES: list[Rule] = []


def rule(pattern: str) -> Callable:
    """Register a reader for `pattern`; the match (or its group `x`) is the extent."""

    def register(read: Callable[[re.Match[str], Context], Reading | None]) -> Callable:
        RULES.append(Rule(read.__name__, re.compile(pattern, re.IGNORECASE), read))
        return read

    return register


# --- small helpers ---------------------------------------------------------------------------
def capitalised(word: str | None) -> bool:
    return bool(word) and word[0].isupper()


def month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def parse_number(words: str) -> int | None:
    """ "twenty-four" → 24, "14" → 14, "a" → 1; vague quantities ("several") → None."""
    words = re.sub(r"\s+", " ", words.lower().replace("-", " ")).strip()
    if re.fullmatch(r"\d+(\.\d+)?", words):
        number = float(words)
        return int(number) if number.is_integer() else None
    if words in NUMBER_WORDS:
        return NUMBER_WORDS[words]
    if words in VAGUE_NUMBERS:
        return None
    parts = [NUMBER_WORDS.get(w) for w in words.split() if w != "and"]
    if not parts or None in parts:
        return None
    return sum(parts) if len(parts) == 2 and parts[0] >= 20 and parts[1] < 10 else None


def word_before(ctx: Context, start: int) -> str:
    match = re.search(r"([\w'’]+)\W*$", ctx.text[max(0, start - 30) : start])
    return match.group(1).lower() if match else ""


def word_after(ctx: Context, end: int) -> str:
    match = re.match(r"\W{0,3}?([\w'’]+)", ctx.text[end : end + 30])
    return match.group(1) if match else ""


def direction(m: re.Match[str], ctx: Context) -> int:
    return ctx.direction(m.start(), m.end())


def step(rel: str | None) -> int | None:
    if not rel:
        return None
    return REL_STEP.get(rel.lower().split()[-1])


def anchored(ctx: Context, make: Callable[[dt.date], str | None]) -> str | None:
    """`make(anchor)`, or None when the article has no date to resolve against."""
    return make(ctx.anchor) if ctx.anchor else None


PREPOSITIONS = set(
    words("in on since until till by through during from to before after of for this last next")
)
PREPOSITIONS |= {"early", "late", "mid", "between", "and", "or", "around", "at", "that", "every", "each"}


# --- explicit dates --------------------------------------------------------------------------
def _full_date(m: re.Match[str], ctx: Context) -> Reading | None:
    if not capitalised(m.group("mon")):
        return None
    month, day = month_number(m.group("mon")), int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    if m.group("year"):
        year: int | None = int(m.group("year"))
    elif ctx.anchor:
        year = cal.day_year(ctx.anchor, month, day, direction(m, ctx))
    else:
        return "DATE", f"XXXX-{month:02d}-{day:02d}"
    try:
        return "DATE", dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@rule(rf"{_B}(?:{WEEKDAY},?\s+)?(?P<mon>{MONTH})\s+{DAY}(?:,?\s+{YEAR})?{_E}")
def month_day(m: re.Match[str], ctx: Context) -> Reading | None:
    """Aug. 7 / August 7, 1998 / Friday, Aug. 7."""
    return _full_date(m, ctx)


@rule(rf"{_B}(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s+(?P<mon>{MONTH})(?:,?\s+{YEAR})?{_E}")
def day_month(m: re.Match[str], ctx: Context) -> Reading | None:
    """27 January 2026 / the 7th of August."""
    return _full_date(m, ctx)


@rule(rf"{_B}{WEEKDAY}\s+\(\s*(?P<mon>{MONTH})\s+{DAY}(?:,?\s+{YEAR})?\s*\)")
def weekday_paren_date(m: re.Match[str], ctx: Context) -> Reading | None:
    """Tuesday (Jan 27): one reference, the explicit date wins."""
    return _full_date(m, ctx)


@rule(rf"{_B}{YEAR}-(?P<mon>[01]\d)-{DAY}{_E}")
def iso_date(m: re.Match[str], ctx: Context) -> Reading | None:
    try:
        return "DATE", dt.date(int(m["year"]), int(m["mon"]), int(m["day"])).isoformat()
    except ValueError:
        return None


@rule(rf"{_B}(?P<mon>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>\d{{4}}|\d\d){_E}")
def us_date(m: re.Match[str], ctx: Context) -> Reading | None:
    """08/07/1998 (American order, as the news sources here use)."""
    year = int(m["year"])
    year += 0 if year >= 100 else 1900 if year > 30 else 2000
    try:
        return "DATE", dt.date(year, int(m["mon"]), int(m["day"])).isoformat()
    except ValueError:
        return None


@rule(rf"{_B}(?:{PRE}\s*)?(?P<mon>{MONTH}),?\s+(?:of\s+)?{YEAR}{_E}")
def month_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """May 2023 / early March 1998 / the end of November 1989."""
    if not capitalised(m.group("mon")):
        return None
    return "DATE", f"{m['year']}-{month_number(m['mon']):02d}"


@rule(rf"{_B}(?:{PRE}\s*)?(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<rel>last|next|this)\s+year{_E}")
def month_of_relative_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """June last year → 2025-06 (from 2026); March of next year."""
    if not capitalised(m.group("mon")):
        return None
    month, n = month_number(m["mon"]), step(m["rel"])
    return "DATE", anchored(ctx, lambda a: f"{a.year + n}-{month:02d}")


@rule(rf"{_B}(?:{PRE}\s*)?(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<mon>{MONTH_NAME}|Sept\.)(?:'s)?{_E}")
def month_alone(m: re.Match[str], ctx: Context) -> Reading | None:
    """In May / last November / late October: the year from the tense or the modifier."""
    if not capitalised(m.group("mon")) or not _month_is_date(m, ctx):
        return None
    month, rel = month_number(m["mon"]), step(m["rel"])
    if not ctx.anchor:
        return "DATE", f"XXXX-{month:02d}"
    year = _month_year(ctx.anchor, month, rel, direction(m, ctx))
    return "DATE", f"{year}-{month:02d}"


def _month_is_date(m: re.Match[str], ctx: Context) -> bool:
    """A bare month name is a month after a preposition or modifier; "May" and "March" also
    need one (modal verb, protest march), and a following capitalised word makes a name
    ("August Busch") unless a preposition came before."""
    introduced = bool(m["pre"] or m["rel"]) or word_before(ctx, m.start()) in PREPOSITIONS
    if m["mon"].lower() in ("may", "march") and not introduced:
        return False
    following = word_after(ctx, m.end())
    named = capitalised(following) and following.lower() not in MONTHS and following.lower() not in WEEKDAYS
    return introduced or not named


def _month_year(anchor: dt.date, month: int, rel: int | None, tense: int) -> int:
    if rel == -1:
        return anchor.year if month < anchor.month else anchor.year - 1
    if rel == 1:
        return anchor.year if month > anchor.month else anchor.year + 1
    if rel == 0:
        return anchor.year
    return cal.month_year(anchor, month, tense)


# --- years, decades, centuries, seasons -------------------------------------------------------
@rule(
    rf"{_B}(?:{PRE}\s*)?(?:(?P<fiscal>fiscal(?:\s+year)?|the\s+year|calendar(?:\s+year)?)\s+)?{YEAR}(?:'s)?{_E}"
)
def year(m: re.Match[str], ctx: Context) -> Reading | None:
    """1998 / fiscal 1989 / mid-1998; not $1990, 1990%, 1990 employees, 1500 troops."""
    value = int(m["year"])
    if not (1600 <= value <= 2099 or m["fiscal"]) or not _is_year(m, ctx):
        return None
    return "DATE", m["year"]


SPELLED_DECADE = rf"(?:{_NUMW})(?:[\s-](?:{_NUMW}))?"


@rule(
    rf"{_B}(?:(?:the\s+)?year\s+)?(?P<y>nineteen[\s-]{SPELLED_DECADE}|two\s+thousand(?:\s+(?:and\s+)?(?:{_NUMW}))?)(?![\w-])"
)
def spoken_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """Transcripts: "nineteen ninety-seven", "the year two thousand"."""
    words = m["y"].lower().replace("-", " ").split()
    if words[0] == "nineteen":
        rest = parse_number(" ".join(words[1:]))
        return ("DATE", f"19{rest:02d}") if rest is not None and 10 <= rest < 100 else None
    rest = parse_number(" ".join(w for w in words[2:] if w != "and")) if len(words) > 2 else 0
    return ("DATE", f"{2000 + rest}") if rest is not None else None


def _is_year(m: re.Match[str], ctx: Context) -> bool:
    before = ctx.text[max(0, m.start() - 2) : m.start()]
    after = ctx.text[m.end() : m.end() + 12]
    if re.search(r"[$£€#]\s*$|[\d.,]$", before) or re.match(r"\s*(%|percent|per cent|[.,:]\d)", after):
        return False
    return word_after(ctx, m.end()).lower() not in YEAR_NOUNS


@rule(rf"{_B}(?P<the>the\s+)?(?:{PRE}\s*)?(?:(?P<full>1\d\d0|20\d0)|['’](?P<short>\d0))(?P<apos>['’])?s{_E}")
def decade(m: re.Match[str], ctx: Context) -> Reading | None:
    """The 1990s / the '80s / the early 1980's → 199, 198."""
    if m["apos"] and not (m["the"] or m["pre"]):
        return None  # "1990's budget" is a possessive
    return "DATE", m["full"][:3] if m["full"] else "19" + m["short"][0]


DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7}
DECADE_WORDS.update({"eighties": 8, "nineties": 9})


@rule(rf"{_B}the\s+(?:{PRE}\s*)?(?P<w>{'|'.join(DECADE_WORDS)}){_E}")
def decade_word(m: re.Match[str], ctx: Context) -> Reading | None:
    return "DATE", f"19{DECADE_WORDS[m['w'].lower()]}"


CENTURY_WORDS = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21}


@rule(
    rf"{_B}(?:the\s+)?(?:{PRE}\s*)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(CENTURY_WORDS)})[\s-]century{_E}"
)
def century(m: re.Match[str], ctx: Context) -> Reading | None:
    """The 20th century → 19 (TimeML counts centuries by their first two digits)."""
    word = m["ord"].lower()
    number = CENTURY_WORDS.get(word) or int(re.match(r"\d+", word).group())
    return "DATE", f"{number - 1:02d}"


@rule(
    rf"{_B}(?:{PRE}\s*)?(?:(?P<rel>this\s+past|this|last|next|past|coming|that|the)\s+)?"
    rf"(?P<season>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?{YEAR})?{_E}"
)
def season(m: re.Match[str], ctx: Context) -> Reading | None:
    """This summer / last fall / the winter of 1998 → 1998-SU, 1997-FA, 1998-WI."""
    code = cal.SEASONS[m["season"].lower()]
    if m["year"]:
        return "DATE", f"{m['year']}-{code}"
    rel = (m["rel"] or "").lower()
    if rel in ("", "the", "that") and not (m["pre"] or word_before(ctx, m.start()) in PREPOSITIONS):
        return None  # "prices fall", "the spring of a watch"
    n = step(rel) if rel not in ("", "the", "that") else None
    return "DATE", anchored(ctx, lambda a: cal.season_value(a, m["season"].lower(), n, direction(m, ctx)))


# --- quarters and halves ------------------------------------------------------------------------
QUARTER_REL = (
    r"this|latest|last|previous|prior|current|next|coming|same|past|recent|just-ended|just-completed|"
    r"year-earlier|year-ago|comparable|final|fiscal|calendar"
)


@rule(
    rf"{_B}(?P<the>the\s+)?(?:(?P<rel>{QUARTER_REL})\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final)"
    rf"[\s-])?(?:(?:fiscal|calendar)[\s-])?quarter(?:(?:\s+of\s+(?:(?:fiscal|calendar)\s+)?|,?\s+){YEAR})?{_E}"
)
def quarter(m: re.Match[str], ctx: Context) -> Reading | None:
    """The third quarter / third-quarter / the latest quarter / the year-earlier quarter."""
    rel = (m["rel"] or "").lower()
    if not (m["the"] or rel or m["ord"] or m["year"]) or _is_fraction(m, ctx):
        return None
    if m["ord"]:
        number = ORDINALS[m["ord"].lower()]
        if m["year"]:
            return "DATE", f"{m['year']}-Q{number}"
        return "DATE", _ordinal_quarter(ctx, m, number, rel)
    return "DATE", _relative_quarter(ctx, rel)


@rule(
    rf"{_B}(?:the\s+)?(?:(?P<yrel>this|last|next)\s+year['’]s|(?:fiscal\s+)?{YEAR}(?:['’]s)?)\s+"
    rf"(?:(?P<ord>first|second|third|fourth|final)[\s-])?(?:fiscal\s+)?(?P<what>quarter|period){_E}"
)
def year_quarter(m: re.Match[str], ctx: Context) -> Reading | None:
    """The 1988 third quarter / this year's third quarter / the 1989 period."""
    if m["year"]:
        year = int(m["year"])
    elif ctx.anchor:
        year = ctx.anchor.year + (step(m["yrel"]) or 0)
    else:
        return None
    if m["ord"]:
        return "DATE", f"{year}-Q{ORDINALS[m['ord'].lower()]}"
    if m["what"].lower() == "period" and not m["year"]:
        return None
    return "DATE", lambda d: _quarter_in_year(d, year)


def _quarter_in_year(d: Discourse, year: int) -> str:
    """ "The 1988 period": the quarter under discussion, in 1988."""
    current = d.recent(d.quarters, 3000)
    return f"{year}{current[4:]}" if current else str(year)


def _is_fraction(m: re.Match[str], ctx: Context) -> bool:
    """ "a quarter of the shares", "quarter-point": a fraction, not a period."""
    following = ctx.text[m.end() : m.end() + 14]
    return bool(re.match(r"\s+of\s+(?:the|a|an|all|its|their|his|her|those|these)\b|-point", following))


def _ordinal_quarter(ctx: Context, m: re.Match[str], number: int, rel: str) -> Value:
    if not ctx.anchor:
        return f"XXXX-Q{number}"
    year = cal.quarter_year(ctx.anchor, number, direction(m, ctx))
    if rel in ("year-earlier", "year-ago", "comparable", "same"):
        year -= 1
    return f"{year}-Q{number}"


def _relative_quarter(ctx: Context, rel: str) -> Value:
    """ "the quarter" in a results story is the one just ended, as is "the latest"."""
    if rel in ("year-earlier", "year-ago", "comparable", "same"):
        return year_before(3000)
    n = {"current": 0, "this": 0, "next": 1, "coming": 1, "fiscal": -1, "calendar": -1}.get(rel, -1)
    return anchored(ctx, lambda a: cal.shift(a, "Q", n))


@rule(
    rf"{_B}(?:the\s+)?(?P<h>first|second)\s+half(?:\s+of\s+(?:(?P<rel>this|last|next)\s+year|"
    rf"(?:fiscal\s+)?{YEAR}))?{_E}"
)
def half_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """The first half (of 1998) → 1998-H1."""
    number = 1 if m["h"].lower() == "first" else 2
    if m["year"]:
        return "DATE", f"{m['year']}-H{number}"
    if not m.group(0).lower().startswith("the") or _is_fraction(m, ctx):
        return None
    n = step(m["rel"]) or 0
    return "DATE", anchored(ctx, lambda a: f"{a.year + n}-H{number}")


# --- weekdays and deictic days ----------------------------------------------------------------
WEEKDAY_REL = r"last|next|this|past|coming|previous|the\s+previous|the\s+following|the\s+next|early|late"


@rule(rf"{_B}(?:(?P<rel>{WEEKDAY_REL})\s+)?(?P<wd>{WEEKDAY})(?:['’]s)?(?:\s+{PART})?{_E}")
def weekday(m: re.Match[str], ctx: Context) -> Reading | None:
    """Friday / last Friday / Friday night: the date by tense (see `cal.weekday`)."""
    if not capitalised(m["wd"]):
        return None
    target = WEEKDAYS[m["wd"].lower()]
    rel = step(m["rel"])
    if not ctx.anchor:
        return "DATE", f"XXXX-WXX-{target + 1}"
    if rel == -1:
        value = cal.weekday(ctx.anchor - dt.timedelta(days=1), target, -1)
    else:
        value = cal.weekday(ctx.anchor, target, 1 if rel == 1 else direction(m, ctx))
    return "DATE", value


DEICTIC = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


@rule(
    rf"{_B}(?:(?:early|late|earlier|later)\s+)?(?P<d>today|tonight|yesterday|tomorrow)(?:['’]s)?(?:\s+{PART})?{_E}"
)
def deictic_day(m: re.Match[str], ctx: Context) -> Reading | None:
    """Today / yesterday morning / tonight: a day counted from the anchor."""
    n = DEICTIC[m["d"].lower()]
    return "DATE", anchored(ctx, lambda a: cal.shift(a, "D", n))


@rule(rf"{_B}the\s+day\s+(?P<dir>before\s+yesterday|after\s+tomorrow){_E}")
def two_days(m: re.Match[str], ctx: Context) -> Reading | None:
    n = -2 if m["dir"].lower().startswith("before") else 2
    return "DATE", anchored(ctx, lambda a: cal.shift(a, "D", n))


@rule(rf"{_B}(?P<rel>this|last)\s+(?P<part>morning|afternoon|evening|night){_E}")
def part_of_today(m: re.Match[str], ctx: Context) -> Reading | None:
    """This morning → 1998-08-07TMO; last night → the day before, TNI."""
    n = -1 if m["rel"].lower() == "last" else 0
    code = PARTS_OF_DAY[m["part"].lower()]
    return "TIME", anchored(ctx, lambda a: cal.shift(a, "D", n) + "T" + code)


# --- relative periods: last week, earlier this month, the end of last year -----------------------
RELPRE = (
    r"(?P<pre>earlier|later|early|late|mid-?|(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|rest|"
    r"remainder|turn|first\s+half|second\s+half|first\s+part|latter\s+part)\s+of)"
)
REL = r"this|last|next|past|previous|coming|current|the\s+(?:past|previous|next|coming|following|current|latest|last|present)"


@rule(
    rf"{_B}(?:{RELPRE}\s*)?(?P<rel>{REL})\s+(?:(?:fiscal|calendar)\s+)?"
    rf"(?P<unit>week|month|year|weekend|decade|century)(?:['’]s)?{_E}"
)
def relative_period(m: re.Match[str], ctx: Context) -> Reading | None:
    """Last week → 1998-W08 (ISO week), this month → 1998-02, the end of last year → 1997."""
    unit = UNIT_CODES[m["unit"].lower()]
    n = step(m["rel"])
    if m["rel"].lower() in ("the past", "the last", "the next", "the coming") and unit in ("DE", "CE"):
        return "DURATION", "P10Y" if unit == "DE" else "P100Y"
    if unit == "WE" and n == 0:
        n = -1 if direction(m, ctx) < 0 else 0
    return "DATE", anchored(ctx, lambda a: cal.shift(a, unit, n))


@rule(
    rf"{_B}(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|rest|remainder|turn)\s+of\s+the\s+(?P<unit>week|month|year|decade|century){_E}"
)
def end_of_the_period(m: re.Match[str], ctx: Context) -> Reading | None:
    """The end of the year: the anchor's year (or month, week)."""
    unit = UNIT_CODES[m["unit"].lower()]
    return "DATE", anchored(ctx, lambda a: cal.shift(a, unit, 0))


@rule(rf"{_B}the\s+(?:(?P<kind>full|fiscal|calendar|whole|entire)\s+)?year(?!['’-]){_E}")
def the_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """ "for the year ended June 30" is a duration; "for the year", "later in the year" the
    anchor's year."""
    if re.match(
        r"\s+(?:end(?:ed|ing)|to\s+date|before|after|earlier|ago|\d)", ctx.text[m.end() : m.end() + 12]
    ):
        if re.match(r"\s+end(?:ed|ing)", ctx.text[m.end() : m.end() + 9]):
            return "DURATION", "P1Y"
        return None
    if (m["kind"] or "").lower() in ("whole", "entire") or word_before(ctx, m.start()) == "throughout":
        return "DURATION", "P1Y"
    return "DATE", anchored(ctx, lambda a: str(a.year))


@rule(rf"{_B}(?P<the>the\s+)?weekend{_E}")
def the_weekend(m: re.Match[str], ctx: Context) -> Reading | None:
    """ "over the weekend": the last one in the past tense, else the coming one."""
    if not m["the"]:
        return None
    n = -1 if direction(m, ctx) < 0 else 0
    return "DATE", anchored(ctx, lambda a: cal.shift(a, "WE", n))


# --- "two years ago", "a year earlier" ----------------------------------------------------------
AGO = r"(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back)"


@rule(
    rf"{_B}(?:{APPROX}\s+)?{NUM}\s+(?:(?:more|full)\s+)?{UNIT}(?:\s+or\s+(?:so|two|more))?\s+{AGO}(?!\s+(?:than|that)\b){_E}"
)
def ago(m: re.Match[str], ctx: Context) -> Reading | None:
    """Two years ago → 1996; three months ago → 1997-11; a year earlier → by the quarter."""
    word = m["dir"].lower()
    if word in ("before", "after", "back") and re.match(r"\s+[A-Za-z(]", ctx.text[m.end() : m.end() + 3]):
        return None  # "two days after the attack": a duration before an event, not a date
    sign = -1 if word in ("ago", "earlier", "before", "back") else 1
    n = parse_number(m["num"])
    unit = UNIT_CODES[m["unit"].lower().rstrip("s")]
    if n is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
    if word == "later" or (word == "earlier" and unit in ("D", "H", "MIN", "S", "W")):
        return None  # "three days later": TimeML marks the duration, the anchor is an event
    if unit == "Y" and n == 1 and word in ("ago", "earlier"):
        return "DATE", year_before(400)
    return "DATE", anchored(ctx, lambda a: _shift_units(a, unit, sign * n))


def _shift_units(anchor: dt.date, unit: str, n: int) -> str:
    if unit in ("H", "MIN", "S"):
        return anchor.isoformat()
    if unit in ("DE", "CE"):
        return cal.shift(anchor, "Y", n * (10 if unit == "DE" else 100))
    if unit == "FN":
        return cal.shift(anchor, "W", 2 * n)
    return cal.shift(anchor, unit, n)


def year_before(window: int) -> Deferred:
    """ "A year earlier" in a results story is the quarter under discussion a year before,
    if one was named within `window` characters; else the year before the anchor's."""

    def resolve(d: Discourse) -> str | None:
        current = d.recent(d.quarters, window)
        if current is not None:
            return f"{int(current[:4]) - 1}{current[4:]}"
        return cal.shift(d.anchor, "Y", -1) if d.anchor else None

    return resolve


@rule(
    rf"{_B}(?:the\s+)?(?:(?:comparable|corresponding|same)\s+)?(?P<adj>year-earlier|year-ago|prior-year)"
    rf"(?:\s+(?P<what>(?:(?:first|second|third|fourth)[\s-])?quarter|period))?{_E}"
)
def year_earlier(m: re.Match[str], ctx: Context) -> Reading | None:
    """Year-earlier (profit) / the year-ago quarter."""
    return "DATE", year_before(3000 if m["what"] else 400)


@rule(
    rf"{_B}the\s+(?:comparable|corresponding|same)\s+(?:period|quarter)\s+"
    rf"(?:a\s+year\s+(?:ago|earlier)|(?:of\s+)?last\s+year|of\s+the\s+previous\s+year){_E}"
)
def same_period_last_year(m: re.Match[str], ctx: Context) -> Reading | None:
    """The corresponding period last year: the quarter under discussion, a year before."""
    return "DATE", year_before(3000)


# --- durations ----------------------------------------------------------------------------------
DURATION_REL = r"past|last|next|coming|previous|first|final|following|initial|latest|remaining|other|entire|full|whole|additional|further"


@rule(
    rf"{_B}(?:{APPROX}\s+)?(?:(?P<the>the)\s+)?(?:(?P<rel>{DURATION_REL})\s+)?{NUM}\s+"
    rf"(?:(?:more|full|consecutive|straight|long|additional|further|extra)\s+)?{UNIT}{_E}"
)
def duration(m: re.Match[str], ctx: Context) -> Reading | None:
    """Three years → P3Y; the past two weeks → P2W; several months → PXM; "$5 a year" → SET."""
    unit = m["unit"].lower()
    unit = UNIT_CODES[unit[:-1] if unit.endswith("s") and unit[:-1] in UNIT_CODES else unit.rstrip("s")]
    num = m["num"].lower()
    if num in ("a", "an", "one") and unit in ("S", "Q"):
        return None  # "a second attack", "a quarter of the vote"
    if unit in ("S", "Q") and (
        re.fullmatch(r"1\d{3}|20\d\d", num) or word_after(ctx, m.end()).lower() in ("quarter", "half")
    ):
        return None  # "the 1988 second quarter"
    if num in ("some", "many", "few") and not m["the"] and unit in ("D", "S"):
        return None
    if num in ("a", "an") and _is_rate(m, ctx):
        return "SET", duration_value(1, unit)
    return "DURATION", duration_value(parse_number(num), unit)


def _is_rate(m: re.Match[str], ctx: Context) -> bool:
    """ "$5 million a year", "twice a day": a frequency."""
    before = ctx.text[max(0, m.start() - 25) : m.start()].lower()
    return bool(re.search(r"(\d|million|billion|percent|%|times|twice|once)\W*$", before))


def duration_value(n: int | None, unit: str) -> str:
    """P3Y, PT5H, P20Y for two decades; X for a vague number."""
    if unit in ("DE", "CE"):
        return f"P{n * (10 if unit == 'DE' else 100)}Y" if n is not None else f"PX{unit}"
    if unit == "FN":
        unit, n = "W", None if n is None else 2 * n
    time = {"H": "H", "MIN": "M", "S": "S"}.get(unit)
    amount = "X" if n is None else str(n)
    return f"PT{amount}{time}" if time else f"P{amount}{unit}"


@rule(
    rf"{_B}(?P<num>\d+|(?:{_NUMW})(?:-(?:{_NUMW}))?)-(?P<unit>year|month|week|day|hour|minute|decade|century)(?:-long)?{_E}"
)
def hyphen_duration(m: re.Match[str], ctx: Context) -> Reading | None:
    """A five-year plan → P5Y (but not a five-year-old)."""
    n = parse_number(m["num"])
    return ("DURATION", duration_value(n, UNIT_CODES[m["unit"].lower()])) if n is not None else None


@rule(
    rf"(?P<w>for|over|in|within|take|took|takes|lasted|last)\s+(?P<x>(?P<unit>years|months|weeks|decades|centuries)){_E}(?!\s+(?:of|ago|earlier|later|before|after))"
)
def bare_plural(m: re.Match[str], ctx: Context) -> Reading | None:
    """ "for years" → PXY (the extent is the unit only)."""
    unit = m["unit"].lower()
    code = UNIT_CODES["century" if unit == "centuries" else unit[:-1]]
    return "DURATION", duration_value(None, code)


@rule(rf"{_B}(?P<x>(?P<unit>decades|years|months)-long){_E}")
def long_plural(m: re.Match[str], ctx: Context) -> Reading | None:
    code = UNIT_CODES[m["unit"].lower()[:-1]]
    return "DURATION", duration_value(None, code)


# --- vague references -----------------------------------------------------------------------------
@rule(
    rf"{_B}(?P<w>(?:right\s+|just\s+)?now|currently|presently|nowadays|these\s+days|at\s+present|the\s+present\s+time|"
    r"current(?!\s+(?:account|affairs|events?|prices?|dollars?|value|rates?|level)))(?![\w-])"
)
def present_ref(m: re.Match[str], ctx: Context) -> Reading | None:
    """Now / currently → PRESENT_REF; not "now-defunct" or "now that"."""
    if re.match(r"\s+that\b", ctx.text[m.end() : m.end() + 6]) and m["w"].lower() == "now":
        return None
    return "DATE", "PRESENT_REF"


@rule(
    rf"{_B}(?P<w>(?:more\s+)?recently|lately|recent(?:\s+(?P<unit>years|months|weeks|days|decades|quarters|times))?|"
    rf"the\s+past(?!\s+(?:\d|{_NUMW}|few|several|couple|decade|century|year|month|week|day|quarter)))(?![\w-])"
)
def past_ref(m: re.Match[str], ctx: Context) -> Reading | None:
    """Recently / recent years / the past → PAST_REF; recent months → PXM (as TimeBank)."""
    unit = (m["unit"] or "").lower()
    if unit in ("months", "weeks", "days", "quarters"):
        return "DURATION", duration_value(None, UNIT_CODES[unit[:-1]])
    return "DATE", "PAST_REF"


@rule(
    rf"{_B}(?P<w>(?:the\s+)?(?:near\s+|distant\s+|foreseeable\s+|immediate\s+)?future|soon|the\s+coming\s+(?:days|weeks|months|years)){_E}"
)
def future_ref(m: re.Match[str], ctx: Context) -> Reading | None:
    """The (near) future / soon / the coming weeks → FUTURE_REF."""
    word = m["w"].lower()
    if word == "future" and word_before(ctx, m.start()) != "in":
        return None  # "future generations"
    if word == "soon" and (
        word_before(ctx, m.start()) in ("as", "too", "how")
        or word_after(ctx, m.end()).lower() in ("after", "as")
    ):
        return None
    return "DATE", "FUTURE_REF"


# --- sets ------------------------------------------------------------------------------------------
SET_WORDS = {
    "daily": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "annually": "P1Y",
    "yearly": "P1Y",
    "hourly": "PT1H",
    "nightly": "P1D",
}


@rule(rf"{_B}(?P<w>{'|'.join(SET_WORDS)}){_E}")
def set_word(m: re.Match[str], ctx: Context) -> Reading | None:
    return "SET", SET_WORDS[m["w"].lower()]


@rule(rf"{_B}(?:every|each)\s+(?:other\s+)?(?P<what>day|week|month|year|morning|night|evening|{WEEKDAY}){_E}")
def every(m: re.Match[str], ctx: Context) -> Reading | None:
    """Every day → P1D; every Monday → XXXX-WXX-1."""
    what = m["what"].lower()
    if what in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[what] + 1}"
    if what in PARTS_OF_DAY:
        return "SET", f"XXXX-XX-XXT{PARTS_OF_DAY[what]}"
    return "SET", f"P1{UNIT_CODES[what]}"


# --- clock times and holidays -------------------------------------------------------------------------
CLOCK_DAY = rf"(?:,?\s+(?:on\s+)?(?:(?P<wd>{WEEKDAY})|(?P<mon>{MONTH})\s+{DAY}(?:,?\s+{YEAR})?|(?P<d>today|yesterday|tomorrow)))?"


@rule(
    rf"{_B}(?P<h>[01]?\d)(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.?|p\.m\.?|am|pm)(?:,?\s+(?P<tz>[ECMP][SD]T|GMT|UTC))?"
    rf"{CLOCK_DAY}(?![\w])"
)
def clock_time(m: re.Match[str], ctx: Context) -> Reading | None:
    """3 p.m. / 10:30 a.m. EST / 9 a.m. Tuesday → that day (or the one under discussion), T15:00."""
    if int(m["h"]) > 12:
        return None
    hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
    return "TIME", _clock_value(m, ctx, f"T{hour:02d}:{m['mi'] or '00'}")


@rule(rf"{_B}(?P<w>noon|midnight|midday){CLOCK_DAY}{_E}")
def noon(m: re.Match[str], ctx: Context) -> Reading | None:
    """Noon Thursday / midnight → T12:00, T24:00."""
    return "TIME", _clock_value(m, ctx, "T24:00" if m["w"].lower() == "midnight" else "T12:00")


def _clock_value(m: re.Match[str], ctx: Context, clock: str) -> Value:
    if m["mon"] and capitalised(m["mon"]):
        reading = _full_date(m, ctx)
        return reading[1] + clock if reading and reading[1] else None
    if m["wd"] and capitalised(m["wd"]) and ctx.anchor:
        return cal.weekday(ctx.anchor, WEEKDAYS[m["wd"].lower()], direction(m, ctx)) + clock
    if m["d"] and ctx.anchor:
        return cal.shift(ctx.anchor, "D", DEICTIC[m["d"].lower()]) + clock
    return lambda d: _on_current_day(d, clock)


def _on_current_day(d: Discourse, clock: str) -> str | None:
    day = d.recent(d.days, 200) or (d.anchor.isoformat() if d.anchor else None)
    return day + clock if day else None


HOLIDAYS = {
    "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
    "new year's eve": (12, 31), "new year's day": (1, 1), "independence day": (7, 4),
    "valentine's day": (2, 14), "halloween": (10, 31), "thanksgiving day": None, "thanksgiving": None,
}  # fmt: skip


@rule(
    rf"{_B}(?:(?P<rel>last|next|this)\s+)?(?P<h>Christmas(?:\s+(?:Eve|Day))?|New\s+Year['’]s\s+(?:Eve|Day)|Independence\s+Day|Valentine['’]s\s+Day|Halloween|Thanksgiving(?:\s+Day)?)(?:\s+{YEAR})?{_E}"
)
def holiday(m: re.Match[str], ctx: Context) -> Reading | None:
    """Christmas → YYYY-12-25, Thanksgiving → the fourth Thursday of November."""
    if not capitalised(m["h"]):
        return None
    name = re.sub(r"\s+", " ", m["h"].lower().replace("’", "'"))
    if m["year"]:
        return "DATE", _holiday_date(name, int(m["year"])).isoformat()
    if not ctx.anchor:
        return "DATE", None
    this_year = _holiday_date(name, ctx.anchor.year)
    tense = {"last": -1, "next": 1}.get((m["rel"] or "").lower(), direction(m, ctx))
    year = cal.day_year(ctx.anchor, this_year.month, this_year.day, tense)
    return "DATE", _holiday_date(name, year).isoformat()


def _holiday_date(name: str, year: int) -> dt.date:
    day = HOLIDAYS[name]
    if day is None:
        return cal.nth_weekday(year, 11, 3, 4)
    return dt.date(year, *day)
