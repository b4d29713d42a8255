"""Find the stretches of text that sit between quotation marks.

News text mixes curly and straight marks, double and single quotes, apostrophes that look
like closing single quotes ("countries’ forces", "don’t"), and the convention that a quote
running over several paragraphs leaves each paragraph open and re-opens the next one.  The
tokenizer does not pair marks, so pairing happens here, on characters, one line at a time
(a line of cleaned text is one paragraph).  Only top-level quotes are returned: a single
quote inside a double quote is part of the outer quote, not a quote of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MarkRole = Literal["open", "close", "either"]

# `''` and ``` `` ``` are the double quotes of text that went through a PTB-style tokenizer
# (several PolNeAR publishers); they are matched before the single apostrophe.
_DOUBLE_MARK_RE = re.compile(r"``|''|[\"“”„«»]")
_SINGLE_MARK_RE = re.compile(r"[‘’']")
_DOUBLE_ROLE: dict[str, MarkRole] = {
    "“": "open",
    "„": "open",
    "«": "open",
    "``": "open",
    "”": "close",
    "»": "close",
    '"': "either",
    "''": "either",
}
# A single opening mark must follow one of these (or start the line); a closing one must
# be followed by one of the trailing set, so "don’t" and "Xi’s" never close a quote.
_BEFORE_OPEN = ' \t([{“"—–-/'
_AFTER_CLOSE = ' \t.,;:!?)]}”"—–-/'
MAX_SINGLE_QUOTE_CHARS = 400  # a longer stretch between single marks is apostrophes, not a quote


@dataclass(frozen=True)
class QuotedSpan:
    """One quotation: the marks at `start`/`end`, the quoted words in `inner_start:inner_end`.

    `closed` is False for a paragraph that opens a quote and never closes it (the
    multi-paragraph convention), whose span then runs to the end of the line.
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True
    double: bool = True


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Every top-level quoted stretch of `text`, in text order, paired line by line."""
    spans: list[QuotedSpan] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend(_line_spans(line, offset))
        offset += len(line) + 1
    return spans


def _line_spans(line: str, offset: int) -> list[QuotedSpan]:
    doubles = _pair_double(line)
    singles = _pair_single(line, doubles)
    found = sorted(doubles + singles)
    return [_trimmed(line, offset, s, e, closed, double) for s, e, closed, double in found]


def _trimmed(line: str, offset: int, s: int, e: int, closed: bool, double: bool) -> QuotedSpan:
    """Offsets into the text, the inner part without marks and surrounding spaces."""
    open_len = _mark_len(line, s)
    close_len = _mark_len(line, e - 1, backwards=True) if closed else 0
    inner_s, inner_e = s + open_len, e - close_len
    while inner_s < inner_e and line[inner_s].isspace():
        inner_s += 1
    while inner_e > inner_s and line[inner_e - 1].isspace():
        inner_e -= 1
    return QuotedSpan(offset + s, offset + e, offset + inner_s, offset + inner_e, closed, double)


def _mark_len(line: str, i: int, backwards: bool = False) -> int:
    pair = line[i - 1 : i + 1] if backwards else line[i : i + 2]
    return 2 if pair in ("''", "``") else 1


def _pair_double(line: str) -> list[tuple[int, int, bool, bool]]:
    """Pair double marks left to right; an opener left hanging runs to the line's end."""
    spans: list[tuple[int, int, bool, bool]] = []
    open_at: int | None = None
    straight = False  # opened by a straight mark: curly marks inside are a nested quote
    for m in _DOUBLE_MARK_RE.finditer(line):
        role = _DOUBLE_ROLE[m.group()]
        if open_at is None:
            if role == "close" and not _looks_opening(line, m.start(), m.end()):
                continue  # a stray closer (the end of a quote opened in an earlier paragraph)
            open_at, straight = m.start(), role == "either"
        elif straight and role != "either":
            continue
        elif role == "open":
            spans.append((open_at, m.start(), False, True))
            open_at = m.start()
        else:
            spans.append((open_at, m.end(), True, True))
            open_at = None
    if open_at is not None and line[open_at + 1 :].strip():
        spans.append((open_at, len(line.rstrip()), False, True))
    return spans


def _looks_opening(line: str, start: int, end: int) -> bool:
    """A closing-shaped mark used as an opener: space or line start before, a word after."""
    before_ok = start == 0 or line[start - 1] in _BEFORE_OPEN
    return before_ok and end < len(line) and line[end].isalnum()


def _pair_single(line: str, doubles: list[tuple[int, int, bool, bool]]) -> list[tuple[int, int, bool, bool]]:
    """Pair single marks outside double quotes, telling quotes from apostrophes."""
    inside = [(s, e) for s, e, _, _ in doubles]
    opens: list[int] = []
    closes: list[int] = []
    for m in _SINGLE_MARK_RE.finditer(line):
        i = m.start()
        if any(s <= i < e for s, e in inside) or line[i : i + 2] == "''" or line[i - 1 : i + 1] == "''":
            continue
        if _single_opens(line, i):
            opens.append(i)
        elif _single_closes(line, i):
            closes.append(i)
    return _match_singles(line, opens, closes)


def _single_opens(line: str, i: int) -> bool:
    if line[i] == "’":
        return False
    before_ok = i == 0 or line[i - 1] in _BEFORE_OPEN
    return before_ok and i + 1 < len(line) and (line[i + 1].isalnum() or line[i + 1] in '“"')


def _single_closes(line: str, i: int) -> bool:
    if line[i] == "‘" or i == 0 or line[i - 1].isspace():
        return False
    return i + 1 == len(line) or line[i + 1] in _AFTER_CLOSE


def _match_singles(line: str, opens: list[int], closes: list[int]) -> list[tuple[int, int, bool, bool]]:
    """Each opener takes a closer before the next opener; a plural possessive is skipped
    when a later closer is available ("the two nations’ ‘no limits’ deal")."""
    spans: list[tuple[int, int, bool, bool]] = []
    for k, o in enumerate(opens):
        limit = opens[k + 1] if k + 1 < len(opens) else len(line)
        if spans and o < spans[-1][1]:
            continue
        cands = [c for c in closes if o < c < limit and c - o <= MAX_SINGLE_QUOTE_CHARS]
        if not cands:
            continue
        pick = cands[0]
        if len(cands) > 1 and line[pick - 1] in "sS" and line[pick + 1 : pick + 2] == " ":
            pick = cands[1]
        spans.append((o, pick + 1, True, False))
    return spans
