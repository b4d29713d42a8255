"""Calendar arithmetic for TIMEX3 values: shifting an anchor date by weeks, months,
quarters, years, and choosing which Friday or which May a bare name means.

Kept apart from the grammar (`timex_rules`) so the date logic can be tested on its own:
every function here is pure, takes a `datetime.date` anchor and returns a TIMEX3 value
string (`2013-03-22`, `1998-W12`, `1998-Q3`, `1998-SU`, `199`).

Direction words used throughout: `-1` the past, `+1` the future, `0` no evidence.
"""

from __future__ import annotations

import datetime as dt

SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
NEAR_DAYS = 92  # a quarter: closer than this the nearest year wins over tense (TempEval-3 train)
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 12)}  # first, last month in the year


def add_months(day: dt.date, months: int) -> tuple[int, int]:
    """(year, month) `months` calendar months from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def shift(anchor: dt.date, unit: str, n: int) -> str:
    """The TIMEX3 value of the `unit` period `n` periods from the anchor's.

    `unit` is one of D, W, WE (weekend), M, Q, H (half year), Y, DE (decade), CE (century);
    the value has that unit's granularity: `shift(d, "M", -1)` is last month, "1998-01".
    """
    if unit == "D":
        return (anchor + dt.timedelta(days=n)).isoformat()
    if unit == "W":
        return iso_week(anchor + dt.timedelta(weeks=n))
    if unit == "WE":
        return weekend(anchor, n)
    if unit == "M":
        year, month = add_months(anchor, n)
        return f"{year}-{month:02d}"
    if unit == "Q":
        index = anchor.year * 4 + quarter_of(anchor) - 1 + n
        return f"{index // 4}-Q{index % 4 + 1}"
    if unit == "H":
        index = anchor.year * 2 + (anchor.month - 1) // 6 + n
        return f"{index // 2}-H{index % 2 + 1}"
    if unit == "Y":
        return f"{anchor.year + n:04d}"
    if unit == "DE":
        return f"{anchor.year // 10 + n:03d}"
    if unit == "CE":
        return f"{anchor.year // 100 + n:02d}"
    raise ValueError(f"unknown unit {unit!r}")


def weekend(anchor: dt.date, n: int) -> str:
    """The weekend `n` weekends away; 0 is the one of the anchor's ISO week."""
    saturday = anchor + dt.timedelta(days=5 - anchor.weekday() + 7 * n)
    return iso_week(saturday) + "-WE"


def weekday(anchor: dt.date, target: int, direction: int) -> str:
    """Which date a bare weekday name (Monday=0) means, seen from the anchor.

    Past or no evidence: the most recent such day on or before the anchor (news reports
    what happened); future: the next such day strictly after it ("will meet on Friday").
    """
    delta = (target - anchor.weekday()) % 7
    if direction > 0:
        return (anchor + dt.timedelta(days=delta or 7)).isoformat()
    return (anchor - dt.timedelta(days=(anchor.weekday() - target) % 7)).isoformat()


def month_year(anchor: dt.date, month: int, direction: int) -> int:
    """The year of a month named without one ("in May"), by the rule of `day_year`:
    the nearest unless that is more than a quarter away, then past tense takes the
    latest such month not after the anchor's, future the next not before it."""
    return day_year(anchor, month, 15 if month != anchor.month else anchor.day, direction)


def day_year(anchor: dt.date, month: int, day: int, direction: int) -> int:
    """The year of a day named without one ("Jan. 27"): the year that puts it nearest
    the anchor (a story of 5 January 2000 means 25 November 1999 by "Nov. 25") when that
    is within NEAR_DAYS, whatever the tense, so a misread tense cannot move a date by a
    year; farther off, the tense decides (past: not after the anchor; future: not before)."""
    nearest = min(
        (anchor.year - 1, anchor.year, anchor.year + 1), key=lambda y: _distance(anchor, y, month, day)
    )
    if _distance(anchor, nearest, month, day) <= NEAR_DAYS or direction == 0:
        return nearest
    key, ref = (month, day), (anchor.month, anchor.day)
    if direction < 0:
        return anchor.year - 1 if key > ref else anchor.year
    if direction > 0:
        return anchor.year + 1 if key < ref else anchor.year
    return nearest


def _distance(anchor: dt.date, year: int, month: int, day: int) -> int:
    return abs((dt.date(year, month, min(day, 28)) - anchor).days)


def quarter_year(anchor: dt.date, quarter: int, direction: int) -> int:
    """The year of "the fourth quarter": the current year unless that quarter is still
    two or more quarters ahead (then last year's, as in a January results story) or the
    tense puts an already-future quarter in the past."""
    ahead = quarter - quarter_of(anchor)
    if direction > 0:
        return anchor.year
    if ahead >= 2 or (direction < 0 and ahead > 0):
        return anchor.year - 1
    return anchor.year


def season_value(anchor: dt.date, season: str, n: int | None, direction: int) -> str:
    """ "this summer" (n=0), "last fall" (n=-1: the latest one already over), "next
    spring" (n=1: the next one not yet begun), or a bare "the winter" (n None): the
    tense picks the latest begun (past) or the next not over (future), else this year's.
    A winter is named by the year of its December."""
    code = SEASONS[season]
    first, last = SEASON_MONTHS[code]
    month, year = anchor.month, anchor.year
    if n == -1 or (n is None and direction < 0):
        over = month > last if n == -1 else month >= first
        return f"{year if over else year - 1}-{code}"
    if n == 1 or (n is None and direction > 0):
        ahead = month < first if n == 1 else month <= last
        return f"{year if ahead else year + 1}-{code}"
    return f"{year - 1 if code == 'WI' and month <= 2 else year}-{code}"


def nth_weekday(year: int, month: int, target: int, n: int) -> dt.date:
    """The n-th `target` weekday of a month (n=-1: the last), for holidays."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(target - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - target) % 7)


def parse_anchor(value: str | dt.date | None) -> dt.date | None:
    """A date from "YYYY-MM-DD", an ISO datetime, or None; unparseable text is None."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
