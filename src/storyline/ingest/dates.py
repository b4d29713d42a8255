"""Publication dates from whatever a source gives: ISO, RFC 822, or free text.

Stored as "YYYY-MM-DD" when only the day is known and as an ISO datetime otherwise, so
relative dates can be resolved against the day and ordering by time still works.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

import dateparser

_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_published(value: str | date | datetime | None) -> str | None:
    """An ISO date or datetime string, or None when the value is not a readable date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if _DATE_ONLY_RE.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            return _iso(parse(text))
        except (ValueError, TypeError, IndexError):
            continue
    parsed = dateparser.parse(text, settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    return _iso(parsed) if parsed else None


def _iso(moment: datetime) -> str:
    if moment.hour == moment.minute == moment.second == 0 and moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat()
