"""Remove page junk from article text and label each remaining line as what it is.

Scraped news text carries furniture from the page: ad slots ("ARTICLE AD BOX"), share and
subscribe prompts, cookie notices, and link labels glued to the next sentence when the
markup is stripped ("Read moreChina's newly-appointed ...").  No extraction library
removes these from text that is already plain, so the rules are ours, and they are
conservative on purpose: a line is dropped only when it is short and matches a known
junk pattern, and a glued prefix is cut only when the text after it stands as a sentence.
Everything else is kept and labelled: headline, section heading, bullet, or body.

The cleaned text has one block per line, so later stages never see a sentence that spans
a heading and a paragraph, and every offset points into exactly this text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from storyline.model import Block, BlockKind

# Whole lines that are page furniture.  Matched case-insensitively against the stripped
# line; each pattern is anchored so a sentence that merely contains the words survives.
_JUNK_LINES = [
    r"(article )?ad ?box",
    r"advert(isement)?s?( - scroll to continue( with content)?)?",
    r"(story|article) continues (below|after) (the )?advert(isement)?",
    r"sponsored( content)?|promoted( content)?|paid (post|content)",
    r"skip to (main )?content|jump to (main )?content",
    r"(click|tap) (here|to) .{0,60}",
    r"share( this)?( article| story| post)?( on| via)?( (facebook|twitter|x|whatsapp|email|linkedin|telegram))*:?",
    r"(share|tweet|email|print|copy link|comments?|save)( \| (share|tweet|email|print|copy link|comments?|save))+",
    r"(subscribe|sign up|register)\b.{0,80}(newsletter|updates|inbox|subscription|free|today|now)\W*",
    r"(join|follow) us on .{0,60}",
    r"get (our|the) .{0,40}newsletter.{0,40}",
    r"(we use|this (web)?site uses) cookies\b.{0,160}",
    r"(accept|reject|manage) (all )?cookies.{0,40}|cookie (settings|policy|preferences)",
    r"read more|read more:?|more:|related( articles| stories| coverage)?:?|recommended( for you)?:?",
    r"also read:?|see also:?|you may (also )?like:?|most (read|popular|viewed):?|trending( now)?:?",
    r"(©|\(c\)|copyright)\s*\d{4}.{0,80}|all rights reserved\.?",
    r"loading\.{0,3}|please wait\.{0,3}|back to top",
    r"(watch|listen)( now| live)?:? ?.{0,3}",
    r"(photo|image|video|getty images|reuters|ap|afp|file photo)( credit)?:? ?[\w .,/&-]{0,40}",
    r"updated:? .{0,40}\d{1,2}:\d{2}.{0,20}|published:? .{0,40}\d{4}.{0,20}",
]
_JUNK_LINE_RE = re.compile(r"^(?:" + "|".join(_JUNK_LINES) + r")$", re.IGNORECASE)
_MAX_JUNK_WORDS = 30  # a longer line is content even if it starts like junk

# Link labels that scraping glues onto the next sentence: "Read moreChina's ..." (no space,
# capital next) or "Read more: ...".  The label is case-insensitive, the capital is not.
_GLUED_PREFIX_RE = re.compile(
    r"^(?i:read more|also read|related|recommended|advertisement|see also|more)"
    r"(?:(?=[A-Z“\"‘'])|\s*[:|»›>]+\s*)"
)
_GLUED_HEADLINE_MAX_WORDS = 20

_TERMINAL_RE = re.compile(r"[.!?…:;][\"”’'»)\]]*$")
_BULLET_RE = re.compile(r"^(?:[-•*▪●◦–]\s+)")
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+")
# "MOSCOW/BEIJING –", "WASHINGTON (Reuters) -", "LONDON, March 3 (AP) —"
_DATELINE_RE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z'.]+(?:[ /-][A-Z][A-Z'.]+)*"
    r"(?:, [A-Z][A-Za-z.]+(?: \d{1,2})?)?"
    r"(?: \([A-Za-z .]+\))?)"
    r"\s*[–—-]{1,2}\s+(?=\S)"
)
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

HEADLINE_MAX_WORDS = 25
HEADING_MAX_WORDS = 10


@dataclass
class CleanResult:
    text: str
    blocks: list[Block]
    dateline: str | None = None
    headline: str | None = None
    removed: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    """Unicode NFC, one kind of newline and space, no zero-width characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH_RE.sub("", text)
    return "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))


def is_junk_line(line: str) -> bool:
    """True for page furniture: short lines that match a junk pattern as a whole."""
    if len(line.split()) > _MAX_JUNK_WORDS:
        return False
    return bool(_JUNK_LINE_RE.match(line.strip(" |·•")))


def strip_glued_prefix(line: str) -> tuple[str | None, str | None]:
    """Cut a link label glued to a sentence; return (what is left or None, removed label).

    When the rest reads as a sentence it is kept; when it is a short headline-like link
    ("Read more: Ministers meet in Minsk") the whole line goes.
    """
    m = _GLUED_PREFIX_RE.match(line)
    if not m:
        return line, None
    rest = line[m.end() :].strip()
    if _looks_like_sentence(rest):
        return rest, m.group(0)
    if len(rest.split()) <= _GLUED_HEADLINE_MAX_WORDS and not _ends_like_sentence(rest):
        return None, line
    return line, None


def _looks_like_sentence(text: str) -> bool:
    starts_well = text[:1].isupper() or text[:1] in "“\"‘'"
    return starts_well and len(text.split()) >= 6 and _ends_like_sentence(text)


def unwrap(text: str) -> str:
    """Join hard-wrapped lines back into paragraphs.

    Plain-text archives often wrap at ~72 columns with blank lines between paragraphs; a
    line break inside a sentence would otherwise end the sentence.  The text counts as
    wrapped only when most line breaks inside paragraphs fall mid-sentence (the line runs
    on, the next starts in lower case), so a headline over bullets is never joined.
    """
    paragraphs = [[ln for ln in p.split("\n") if ln.strip()] for p in re.split(r"\n\s*\n", text)]
    paragraphs = [p for p in paragraphs if p]
    breaks = [(a, b) for p in paragraphs for a, b in itertools.pairwise(p)]
    if len(paragraphs) < 2 or len(breaks) < 3:
        return text
    mid_sentence = sum(1 for a, b in breaks if not _TERMINAL_RE.search(a) and b[:1].islower())
    if mid_sentence / len(breaks) < 0.5:
        return text
    return "\n".join(_join_wrapped(p) for p in paragraphs)


def _join_wrapped(lines: list[str]) -> str:
    """One paragraph's lines joined with spaces; a bullet still starts a line of its own."""
    out: list[str] = []
    for line in lines:
        if out and not _BULLET_RE.match(line):
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
    return "\n".join(out)


def _ends_like_sentence(line: str) -> bool:
    return bool(_TERMINAL_RE.search(line))


def _classify(lines: list[str], marked: set[int]) -> list[BlockKind]:
    """Kinds of lines; `marked` lines were headings in markdown, whatever they look like."""
    kinds: list[BlockKind] = []
    for i, line in enumerate(lines):
        words = len(line.split())
        has_next = i + 1 < len(lines)
        if i in marked:
            kinds.append("headline" if i == 0 else "subhead")
        elif _BULLET_RE.match(line):
            kinds.append("bullet")
        elif _ends_like_sentence(line) or not has_next:
            kinds.append("body")
        elif i == 0 and words <= HEADLINE_MAX_WORDS:
            kinds.append("headline")
        elif (
            i == 1 and kinds[0] == "headline" and words <= HEADLINE_MAX_WORDS
        ) or words <= HEADING_MAX_WORDS:
            kinds.append("subhead")
        else:
            kinds.append("body")
    return kinds


def clean_text(raw: str) -> CleanResult:
    """Cleaned text with its blocks, the dateline, a headline if the text starts with one."""
    text = unwrap(normalize(raw))
    kept: list[str] = []
    removed: list[str] = []
    marked: set[int] = set()
    for line in text.split("\n"):
        if not line:
            continue
        heading = _MARKDOWN_HEADING_RE.match(line)
        line = line[heading.end() :] if heading else line
        if is_junk_line(line):
            removed.append(line)
            continue
        rest, label = strip_glued_prefix(line)
        if label:
            removed.append(label)
        if rest:
            if heading:
                marked.add(len(kept))
            kept.append(rest)

    kinds = _classify(kept, marked)
    dateline = None
    for i, (line, kind) in enumerate(zip(kept, kinds, strict=True)):
        if kind == "body":
            m = _DATELINE_RE.match(line)
            if m and len(m.group("dateline")) >= 3:
                dateline = m.group("dateline").strip()
                kept[i] = line[m.end() :]
            break

    blocks: list[Block] = []
    offset = 0
    for line, kind in zip(kept, kinds, strict=True):
        blocks.append(Block(offset, offset + len(line), kind))
        offset += len(line) + 1
    headline = kept[0] if kinds and kinds[0] == "headline" else None
    return CleanResult("\n".join(kept), blocks, dateline, headline, removed)
