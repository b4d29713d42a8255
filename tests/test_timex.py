"""Resolving dates: each expression a reporter writes, against a publication date.

Most tests run on a tokenizer-only Doc (no tense evidence, milliseconds); the few that
need the tense of a verb load the spaCy model once for the module and are marked slow.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy

from storyline.enrich import timex_calendar as cal
from storyline.enrich.timex import contract_value, find_timerefs, find_timexes
from storyline.errors import ModelNotFound
from storyline.model import TimeRef

BLANK = spacy.blank("en")
PUBLISHED = "2026-01-28"  # a Wednesday


def refs(text: str, published: str | None = PUBLISHED, nlp=BLANK) -> list[TimeRef]:
    return find_timerefs(nlp(text), "a1", published)


def only(text: str, published: str | None = PUBLISHED, nlp=BLANK) -> TimeRef:
    found = refs(text, published, nlp)
    assert len(found) == 1, found
    return found[0]


def resolved(text: str, published: str | None = PUBLISHED, nlp=BLANK) -> tuple[str, str | None, str | None]:
    ref = only(text, published, nlp)
    return ref.text, ref.value, ref.granularity


# --- the expressions of the seeds ---------------------------------------------------------------
def test_on_tuesday_is_the_tuesday_before_publication():
    ref = only("The ministers held a video call on Tuesday.")
    assert (ref.text, ref.value, ref.granularity) == ("Tuesday", "2026-01-27", "day")
    assert "The ministers held a video call on Tuesday."[ref.start : ref.end] == "Tuesday"


def test_weekday_of_publication_day_is_that_day():
    assert resolved("Belousov said on Tuesday.", "2024-10-15")[1] == "2024-10-15"


def test_weekday_with_its_date_in_brackets_is_one_reference():
    assert resolved("a video call on Tuesday (Jan 27).") == ("Tuesday (Jan 27)", "2026-01-27", "day")


def test_last_week_is_the_month_holding_that_iso_week():
    # 2023-12-21 is in ISO week 51; last week is 2023-W50, 11-17 December.
    doc = BLANK("a joint air patrol last week")
    assert [t.value for t in find_timexes(doc, "2023-12-21")] == ["2023-W50"]
    assert resolved("a joint air patrol last week", "2023-12-21") == ("last week", "2023-12", "month")
    # The export carries the month; clustering dates the happening by the week kept beside it.
    (ref,) = find_timerefs(doc, "a", "2023-12-21")
    assert (ref.value, ref.precise) == ("2023-12", "2023-W50")


def test_earlier_this_month():
    assert resolved("talks occurred earlier this month") == ("earlier this month", "2026-01", "month")


def test_next_year_last_year_this_year():
    assert resolved("Next year, they will celebrate.", "2023-12-21")[1:] == ("2024", "year")
    assert resolved("trade reached $220 billion last year")[1] == "2025"
    assert resolved("This year marks a milestone")[1] == "2026"


def test_in_may_2023():
    assert resolved("In May 2023, Presidents Putin and Xi met.") == ("May 2023", "2023-05", "month")


def test_end_of_last_year():
    text = "since his appointment at the end of last year"
    assert resolved(text, "2024-02-01") == ("the end of last year", "2023", "year")


def test_month_with_relative_year():
    assert resolved("their last meeting in June last year") == ("June last year", "2025-06", "month")


def test_two_years_ago_and_yesterday():
    assert resolved("the war began two years ago")[:2] == ("two years ago", "2024")
    assert resolved("the talks ended yesterday")[1:] == ("2026-01-27", "day")


def test_explicit_dates():
    assert resolved("on Jan. 27 the call took place")[1] == "2026-01-27"
    assert resolved("on 27 January 2026 the call")[:2] == ("27 January 2026", "2026-01-27")
    assert resolved("in March 2024 they met")[:2] == ("March 2024", "2024-03")
    assert resolved("the last round of talks in 2019")[1:] == ("2019", "year")


def test_date_without_year_takes_the_nearest_year():
    assert resolved("the deadline of Nov. 25", "2000-01-07")[1] == "1999-11-25"
    assert resolved("the meeting on Jan. 14", "2000-01-05")[1] == "2000-01-14"


def test_a_decade_is_kept_without_a_date():
    ref = only("since the 1990s")
    assert (ref.text, ref.value, ref.granularity) == ("the 1990s", None, None)
    assert [t.value for t in find_timexes(BLANK("since the 1990s"), PUBLISHED)] == ["199"]


# --- what must not be a date ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "the 80th anniversary of the victory",
        "We discussed the situation.",
        "It was the 22nd round of consultations.",
        "They may meet again.",
        "a march through the city",
        "2019 employees were laid off",
        "a price of $1990",
        "prices fall sharply",
    ],
)
def test_not_a_date(text: str):
    assert refs(text) == []


def test_vague_references_are_not_timerefs():
    doc = BLANK("Now the minister is currently abroad, recently returned.")
    assert {t.value for t in find_timexes(doc, PUBLISHED)} == {"PRESENT_REF", "PAST_REF"}
    assert refs("Now the minister is currently abroad, recently returned.") == []


# --- without a publication date ----------------------------------------------------------------
def test_relative_expressions_need_an_anchor():
    found = refs("On Tuesday, a year after the 2019 talks, and yesterday; last year too.", None)
    assert {r.text: r.value for r in found} == {
        "Tuesday": None,
        "2019": "2019",
        "yesterday": None,
        "last year": None,
    }


def test_absolute_expressions_resolve_without_an_anchor():
    found = refs("In May 2023 and on 27 January 2026 they met.", None)
    assert [(r.text, r.value) for r in found] == [("May 2023", "2023-05"), ("27 January 2026", "2026-01-27")]


def test_unparseable_publication_date_is_no_anchor():
    assert only("on Tuesday", "unknown").value is None


def test_iso_datetime_publication():
    assert only("on Tuesday", "2026-01-28T09:30:00+00:00").value == "2026-01-27"


# --- ids and offsets -----------------------------------------------------------------------------
def test_ids_in_text_order_and_offsets_point_into_the_text():
    text = "Last year they met in June. On Tuesday (Jan 27) they spoke; next year more."
    found = refs(text)
    assert [r.id for r in found] == ["a1:t0", "a1:t1", "a1:t2", "a1:t3"]
    assert all(text[r.start : r.end] == r.text and r.article == "a1" for r in found)
    assert [r.start for r in found] == sorted(r.start for r in found)


# --- TIMEX3 values for the benchmark ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("it lasted three years", "DURATION", "P3Y"),
        ("over the past two weeks", "DURATION", "P2W"),
        ("a five-year plan", "DURATION", "P5Y"),
        ("for several months", "DURATION", "PXM"),
        ("profit in the third quarter", "DATE", "1998-Q3"),
        ("third-quarter profit", "DATE", "1998-Q3"),
        ("published daily", "SET", "P1D"),
        ("every Monday", "SET", "XXXX-WXX-1"),
        ("by this summer", "DATE", "1998-SU"),
        ("at 3 p.m. EST", "TIME", "1998-10-27T15:00"),
        ("in the future", "DATE", "FUTURE_REF"),
        ("the 20th century", "DATE", "19"),
        ("nineteen ninety-seven", "DATE", "1997"),
    ],
)
def test_timex3_values(text: str, kind: str, value: str):
    found = find_timexes(BLANK(text), "1998-10-27")
    assert [(t.type, t.value) for t in found] == [(kind, value)]


def test_year_earlier_follows_the_quarter_under_discussion():
    text = "Third-quarter profit rose to $5 million from $3 million a year earlier."
    values = [t.value for t in find_timexes(BLANK(text), "1989-10-26")]
    assert values == ["1989-Q3", "1988-Q3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-03-22T15:00", ("2013-03-22", "day")),
        ("2023-W50", ("2023-12", "month")),
        ("2024-W01", ("2024-01", "month")),
        ("2020-W53-WE", ("2021-01", "month")),
        ("1998-Q3", ("1998", "year")),
        ("1998-SU", ("1998", "year")),
        ("199", (None, None)),
        ("XXXX-WXX-5", (None, None)),
        ("XXXX-01-27", (None, None)),
        (None, (None, None)),
    ],
)
def test_contract_value(value: str | None, expected: tuple[str | None, str | None]):
    assert contract_value(value) == expected


# --- calendar arithmetic -----------------------------------------------------------------------------
def test_weekday_rule():
    wednesday = dt.date(2026, 1, 28)
    assert cal.weekday(wednesday, 1, -1) == "2026-01-27"  # Tuesday, past
    assert cal.weekday(wednesday, 2, 0) == "2026-01-28"  # Wednesday, the day itself
    assert cal.weekday(wednesday, 4, 1) == "2026-01-30"  # Friday, future
    assert cal.weekday(wednesday, 2, 1) == "2026-02-04"  # "will meet on Wednesday": next week


def test_quarter_year():
    assert cal.quarter_year(dt.date(1998, 2, 1), 4, 0) == 1997  # January results story
    assert cal.quarter_year(dt.date(1989, 10, 26), 3, 0) == 1989
    assert cal.shift(dt.date(1989, 10, 26), "Q", -1) == "1989-Q3"


# --- tense, with the parser ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlp():
    from storyline.enrich.nlp import load

    try:
        return load()
    except ModelNotFound as exc:
        pytest.skip(str(exc))


@pytest.mark.slow
def test_future_tense_weekday_is_the_next_one(nlp):
    assert resolved("The ministers will meet on Friday.", nlp=nlp)[1] == "2026-01-30"
    assert resolved("The ministers met on Friday.", nlp=nlp)[1] == "2026-01-23"


@pytest.mark.slow
def test_past_tense_month_is_the_last_one(nlp):
    text = "He noted that since their last meeting in June, many events occurred."
    assert resolved(text, nlp=nlp)[1] == "2025-06"
    assert resolved("The summit will take place in June.", nlp=nlp)[1] == "2026-06"
