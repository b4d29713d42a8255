"""Quotes and their speakers: direct, partial and indirect, each linked to who said it.

Why the rules are ours: no maintained offline library attributes quotes in news to
speakers.  spaCy parses but does not attribute; textacy's direct-quote triples miss
partial and indirect speech and never resolve "he added" or "the ministry said"; CoreNLP's
quote annotator needs a Java server and scores 17.5 content F1 on PolNeAR.  So the stage
is built from three small parts, each testable alone:

1. `quote_spans` pairs quotation marks on characters (curly, straight, single, nested,
   multi-paragraph);
2. `attribution` reads reporting frames (cue, source, content) off each sentence's parse;
3. `speakers` resolves a source phrase to a LocalEntity or an earlier referent.

This module joins them.  A quotation is *direct* when it is what a frame reports, or sits
next to a speech verb and its source ("“…,” Belousov said", "X said: “…”"); *partial* when
it is a piece of a frame's reported clause; a full-sentence quotation right after an
attributed one continues its speaker.  A frame's reported clause that is not itself a
quotation becomes an *indirect* quote ("Dong said (that) Beijing seeks …").

Scare quotes, labels and titles ("a “no limits” partnership", "the “Taiwan issue”",
“Saturday Night Live”) are not emitted at all: nobody is reported as saying them, so any
speaker would be made up, and an empty-speaker quote would still be matched across
outlets as if it were speech.  A quotation that is a clause of its own but has no
speaker nearby is kept with `speaker=None`, because those are someone's words even if the
article does not say whose.

`speaker_name` is the resolved name ("Andrey Belousov" for "he"), while
`speaker_start`/`speaker_end` point at the source phrase in this sentence ("he"), so the
reader sees both who it is and the words that say so.  A continuation quote has no source
phrase of its own and points at its predecessor's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from storyline.enrich.attribution import Frame, find_frames, headline_frame, naming_predicate
from storyline.enrich.quote_spans import QuotedSpan, find_quoted_spans
from storyline.enrich.speakers import Speaker, SpeakerResolver
from storyline.model import Block, LocalEntity, Mention, Quote, QuoteKind

MIN_UNATTRIBUTED_WORDS = 4  # an unattributed quote must read as a clause of this many words
MIN_INDIRECT_WORDS = 2  # reported content shorter than this is not worth a quote
MAX_GAP = 80  # characters between "said" and the quote it introduces ("said in a statement “…")
MAX_COLON_GAP = 240  # … or when a colon introduces it ("said about the draft platform: “…")
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_GAP_AFTER_RE = re.compile(r"^[\s,;:.!?—–-]*$")  # between “…,” and "he said"
_GAP_BEFORE_RE = re.compile(
    r"^(?:[\s,—–-]*|[\s,]*(?:that)?[\s,]*|[^“”\"]*:\s*)$"
)  # "said: “…" / "said that “…"
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’']?$")


@dataclass
class _Attributed:
    frame: Frame
    speaker: Speaker | None
    cue_chars: tuple[int, int]
    content_chars: tuple[int, int] | None
    direct: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class _Context:
    doc: Doc
    text: str  # doc.text, which spaCy rebuilds from the tokens on every access
    sents: list[Span]
    starts: list[int]
    frames: list[list[_Attributed]]
    kinds: list[str]  # block kind per sentence
    resolver: SpeakerResolver
    spans: list[QuotedSpan]
    inner_starts: list[int]


def find_quotes(
    doc: Doc,
    article_id: str,
    blocks: list[Block],
    mentions: list[Mention],
    entities: list[LocalEntity],
    sents: Sequence[Span] | None = None,
) -> list[Quote]:
    """Every direct, partial and indirect quote of one article, with its speaker.

    `doc` is the parsed cleaned text (offsets into it), `blocks` its lines; `mentions` and
    `entities` come from entity finding, and `speaker_local` names a LocalEntity key.
    """
    text = doc.text
    if not text.strip():
        return []
    spans = find_quoted_spans(text)
    ctx = _context(doc, text, blocks, mentions, entities, spans, sents)
    quotes = _direct_quotes(ctx, spans) + _indirect_quotes(ctx)
    quotes.sort(key=lambda q: (q.start, q.end))
    for n, q in enumerate(quotes):
        q.id = f"{article_id}:q{n}"
        q.article = article_id
    return quotes


# --- frames per sentence ---------------------------------------------------------------------


def _context(
    doc: Doc,
    text: str,
    blocks: list[Block],
    mentions: list[Mention],
    entities: list[LocalEntity],
    spans: list[QuotedSpan],
    all_sents: Sequence[Span] | None = None,
) -> _Context:
    sents = [s for s in (doc.sents if all_sents is None else all_sents) if not s.text.isspace()]
    resolver = SpeakerResolver(doc, mentions, entities)
    inside = _Inside(spans)
    kinds = _block_kinds(blocks, sents)
    frames: list[list[_Attributed]] = []
    for k, sent in enumerate(sents):
        found = [f for f in find_frames(sent, k, resolver.is_named) if not inside(doc[f.cue_start].idx)]
        colon = headline_frame(sent, k, resolver.is_named) if kinds[k] == "headline" else None
        found = _outermost(
            found + ([colon] if colon is not None and not inside(doc[colon.cue_start].idx) else [])
        )
        resolver.observe_sentence(sent, [f.source_head for f in found if f.source_head is not None])
        frames.append([_attributed(doc, f, resolver) for f in found])
    starts = [s.start_char for s in sents]
    return _Context(doc, text, sents, starts, frames, kinds, resolver, spans, [s.inner_start for s in spans])


class _Inside:
    """Is a character offset inside some quotation?  Spans are sorted and disjoint."""

    def __init__(self, spans: list[QuotedSpan]):
        self.spans = spans
        self.starts = [s.inner_start for s in spans]

    def __call__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.spans[k].inner_end


def _outermost(frames: list[Frame]) -> list[Frame]:
    """Drop a frame reported inside another frame's content ("He said Beijing seeks to …"
    is his claim, not Beijing's); "according to X" yields to the verb frame it frames."""
    keep: list[Frame] = []
    for f in frames:
        outer = [g for g in frames if g is not f and g.content and g.content[0] <= f.cue_start < g.content[1]]
        if any(g.content_kind != "according" for g in outer):
            continue
        if f.content_kind == "according" and any(
            g is not f and f.content and f.content[0] <= g.cue_start < f.content[1] for g in frames
        ):
            continue
        keep.append(f)
    return keep


def _attributed(doc: Doc, f: Frame, resolver: SpeakerResolver) -> _Attributed:
    speaker = (
        resolver.speaker(doc[f.source_head], f.source) if f.source and f.source_head is not None else None
    )
    cue = (doc[f.cue_start].idx, _end_char(doc, f.cue_end))
    content = (doc[f.content[0]].idx, _end_char(doc, f.content[1])) if f.content else None
    return _Attributed(f, speaker, cue, content)


def _end_char(doc: Doc, token_end: int) -> int:
    last = doc[token_end - 1]
    return last.idx + len(last.text)


def _block_kinds(blocks: list[Block], sents: list[Span]) -> list[str]:
    """The kind of block each sentence starts in (body when blocks do not say)."""
    ordered = sorted(blocks, key=lambda b: b.start)
    starts = [b.start for b in ordered]
    kinds: list[str] = []
    for sent in sents:
        k = bisect.bisect_right(starts, sent.start_char) - 1
        inside = k >= 0 and sent.start_char <= ordered[k].end
        kinds.append(ordered[k].kind if inside else "body")
    return kinds


# --- direct and partial quotes ---------------------------------------------------------------


def _direct_quotes(ctx: _Context, spans: list[QuotedSpan]) -> list[Quote]:
    quotes: list[Quote] = []
    prev: _Previous | None = None
    for span in spans:
        k0, k1 = _sentence_range(ctx, span)
        decided, quote = _attach(ctx, span, k0, k1)
        if not decided:
            quote = _continuation(ctx, span, k0, prev) or _unattributed(ctx, span, k0)
        if quote is None:
            continue
        quotes.append(quote)
        prev = _Previous(quote, span, k1) if quote.speaker_name is not None else None
    return quotes


@dataclass
class _Previous:
    """The last quotation, when it had a speaker: a candidate for continuation."""

    quote: Quote
    span: QuotedSpan
    sentence: int


def _sentence_range(ctx: _Context, span: QuotedSpan) -> tuple[int, int]:
    k0 = max(0, bisect.bisect_right(ctx.starts, span.inner_start) - 1)
    k1 = max(0, bisect.bisect_right(ctx.starts, max(span.inner_start, span.inner_end - 1)) - 1)
    return k0, k1


def _attach(ctx: _Context, span: QuotedSpan, k0: int, k1: int) -> tuple[bool, Quote | None]:
    """The frame that reports this quotation: by content first, then by adjacency.

    Returns (decided, quote): a scare quote inside reported content is decided as no
    quote at all, so no later rule may give it a speaker."""
    candidates = [a for k in range(max(0, k0 - 1), min(len(ctx.frames), k1 + 2)) for a in ctx.frames[k]]
    holder = _content_holder(candidates, span)
    if holder is not None:
        kind = _kind_within(ctx.text, holder, span)
        if kind == "partial" and not _reported_words(ctx, holder, span, ctx.kinds[k0] == "headline"):
            return True, None
        return True, _quote_from(ctx, span, holder, kind)
    after = [a for a in candidates if a.frame.speech and _next_to_after(ctx, span, a)]
    before = [a for a in candidates if a.frame.speech and _next_to_before(ctx, span, a)]
    pick = after[0] if after else before[-1] if before else None
    return pick is not None, _quote_from(ctx, span, pick, "direct") if pick is not None else None


def _content_holder(candidates: list[_Attributed], span: QuotedSpan) -> _Attributed | None:
    """The frame with the smallest content that overlaps the quotation."""
    best: _Attributed | None = None
    for a in candidates:
        c = a.content_chars
        if c is None or c[1] <= span.inner_start or c[0] >= span.inner_end:
            continue
        if a.cue_chars[0] >= span.inner_start and a.cue_chars[1] <= span.inner_end:
            continue
        if best is None or (c[1] - c[0]) < (best.content_chars[1] - best.content_chars[0]):
            best = a
    return best


def _kind_within(text: str, holder: _Attributed, span: QuotedSpan) -> QuoteKind:
    """Partial when the reported content has words of its own outside the quotation."""
    cs, ce = holder.content_chars
    outside = text[cs : min(span.start, ce)] + " " + text[max(span.end, cs) : ce]
    words = [w for w in re.findall(r"[A-Za-z0-9]+", outside) if w.lower() != "that"]
    return "partial" if words else "direct"


def _reported_words(ctx: _Context, holder: _Attributed, span: QuotedSpan, headline: bool) -> bool:
    """A partial quotation is the speaker's words unless it is a label or a title, or a
    phrase-only piece of an object ("pledged a “new era” of cooperation").  Headlines
    capitalise every word, so capitals tell nothing about titles there."""
    toks = _tokens(ctx.doc, span)
    if not toks or _is_label(ctx, span, toks) or (_is_title(toks) and not headline):
        return False
    if holder.frame.content_kind == "object":
        return _has_verb(toks) or _names_predicate(ctx.doc, holder, span)
    return True


def _names_predicate(doc: Doc, holder: _Attributed, span: QuotedSpan) -> bool:
    """The quotation is what a naming verb called something ("what it called “separatist
    acts”", "described the talks as “substantive”")."""
    pred = naming_predicate(doc[holder.frame.cue_start])
    return pred is not None and span.inner_start <= pred.idx < span.inner_end


def _next_to_after(ctx: _Context, span: QuotedSpan, a: _Attributed) -> bool:
    """ "…,” Belousov said" / "…,” said Belousov": only punctuation between."""
    first = min(a.cue_chars[0], _speaker_start(a))
    if first < span.end or (a.content_chars and a.content_chars[0] < span.inner_start):
        return False
    gap = ctx.text[span.end : first]
    return "\n" not in gap and len(gap) < 40 and bool(_GAP_AFTER_RE.match(gap))


def _next_to_before(ctx: _Context, span: QuotedSpan, a: _Attributed) -> bool:
    """ "Belousov said: “…" / "said that “…": the quotation follows the cue."""
    last = max(a.cue_chars[1], _speaker_end(a))
    if last > span.start or (a.content_chars and a.content_chars[1] > a.cue_chars[1] + 2):
        return False
    gap = ctx.text[last : span.start]
    colon = gap.rstrip().endswith(":")
    if "\n" in gap and not colon:
        return False  # a quote opens the next paragraph only after "… said:"
    return len(gap) < (MAX_COLON_GAP if colon else MAX_GAP) and bool(_GAP_BEFORE_RE.match(gap))


def _speaker_start(a: _Attributed) -> int:
    return a.speaker.start if a.speaker is not None else a.cue_chars[0]


def _speaker_end(a: _Attributed) -> int:
    return a.speaker.end if a.speaker is not None else a.cue_chars[1]


def _continuation(ctx: _Context, span: QuotedSpan, k0: int, prev: _Previous | None) -> Quote | None:
    """A quotation opening a sentence right after an attributed one continues its speaker
    (“…,” Wang said. “We look forward …”), as does a paragraph re-opening a quote."""
    if prev is None or prev.sentence not in (k0, k0 - 1) or not _opens_sentence(ctx, span):
        return None
    if "headline" in (ctx.kinds[k0], ctx.kinds[prev.sentence]):
        return None
    toks = _tokens(ctx.doc, span)
    if prev.span.closed and not (_clause_like(toks) or len(toks) >= MIN_UNATTRIBUTED_WORDS):
        return None
    before = prev.quote
    return _make_quote(ctx, span, "direct", before.speaker_name, before.speaker_local,
                       (before.speaker_start, before.speaker_end), None, None)  # fmt: skip


def _opens_sentence(ctx: _Context, span: QuotedSpan) -> bool:
    """Only a paragraph start, a bullet, or the end of a sentence before the quotation."""
    line_start = ctx.text.rfind("\n", 0, span.start) + 1
    lead = ctx.text[line_start : span.start].strip(" -–—•*")
    return not lead or bool(_SENTENCE_END_RE.search(lead))


def _unattributed(ctx: _Context, span: QuotedSpan, k0: int) -> Quote | None:
    """A clause in quotation marks with no speaker in sight: kept, speaker unknown."""
    toks = _tokens(ctx.doc, span)
    title = _is_title(toks) and ctx.kinds[k0] != "headline"
    if not toks or title or not _clause_like(toks) or len(toks) < MIN_UNATTRIBUTED_WORDS:
        return None
    return _make_quote(ctx, span, "direct", None, None, (None, None), None, None)


def _quote_from(ctx: _Context, span: QuotedSpan, a: _Attributed, kind: QuoteKind) -> Quote:
    if kind == "direct":
        a.direct.append((span.start, span.end))
    sp = a.speaker
    source = (sp.start, sp.end) if sp is not None else (None, None)
    cue = ctx.text[a.cue_chars[0] : a.cue_chars[1]]
    return _make_quote(
        ctx, span, kind, sp.name if sp else None, sp.local if sp else None, source, cue, a.cue_chars
    )


def _make_quote(
    ctx: _Context,
    span: QuotedSpan,
    kind: QuoteKind,
    name: str | None,
    local: int | None,
    source: tuple[int | None, int | None],
    cue: str | None,
    cue_chars: tuple[int, int] | None,
) -> Quote:
    start, end = span.inner_start, span.inner_end
    trailing = ",;: " + ("." if kind == "partial" else "")
    while end > start and ctx.text[end - 1] in trailing:
        end -= 1
    return Quote(
        id="", article="", text=ctx.text[start:end], kind=kind, start=start, end=end,
        speaker_name=name, speaker_local=local, speaker_start=source[0], speaker_end=source[1],
        cue=cue, cue_start=cue_chars[0] if cue_chars else None, cue_end=cue_chars[1] if cue_chars else None,
    )  # fmt: skip


# --- what a quotation looks like --------------------------------------------------------------


def _tokens(doc: Doc, span: QuotedSpan) -> list:
    inner = doc.char_span(span.inner_start, span.inner_end, alignment_mode="expand")
    return [t for t in inner if not t.is_punct and not t.is_space] if inner is not None else []


def _clause_like(toks: list) -> bool:
    """Has a finite verb: reads as a sentence of its own."""
    return any(t.tag_ in FINITE_TAGS or (t.tag_ == "VB" and t.dep_ == "ROOT") for t in toks)


def _has_verb(toks: list) -> bool:
    """Has any verb: a piece of a predicate ("further strengthen our partnership")."""
    return any(t.pos_ == "VERB" for t in toks)


def _is_title(toks: list) -> bool:
    """Capitalised content words throughout and no finite verb: a name or a title."""
    content = [t for t in toks if t.is_alpha and not t.is_stop]
    return len(content) >= 2 and all(t.text[0].isupper() for t in content) and not _clause_like(toks)


def _is_label(ctx: _Context, span: QuotedSpan, toks: list) -> bool:
    """A quoted modifier of the next noun: the “no limits” partnership."""
    after = ctx.doc.char_span(span.end, min(len(ctx.text), span.end + 40), alignment_mode="expand")
    nxt = next((t for t in after if not t.is_space), None) if after is not None else None
    if nxt is None or nxt.pos_ not in ("NOUN", "PROPN") or ctx.text[span.end : nxt.idx].strip():
        return False
    inner = {t.i for t in toks}
    return all(t.head.i in inner or t.head.i == nxt.i for t in toks)


def _close_quotes(ctx: _Context, start: int, end: int) -> tuple[int, int]:
    """Widen reported content to whole quotations: the parser hangs a closing “.”” on the
    main verb, so a clause ending in a partial quote would otherwise stop inside it."""
    k = bisect.bisect_right(ctx.inner_starts, end) - 1
    if k >= 0 and ctx.spans[k].inner_start < end < ctx.spans[k].end:
        end = ctx.spans[k].end
    k = bisect.bisect_right(ctx.inner_starts, start) - 1
    if k >= 0 and ctx.spans[k].start < start < ctx.spans[k].inner_end:
        start = ctx.spans[k].start
    return start, end


# --- indirect quotes -------------------------------------------------------------------------


def _indirect_quotes(ctx: _Context) -> list[Quote]:
    quotes: list[Quote] = []
    for frames in ctx.frames:
        for a in frames:
            q = _indirect(ctx, a)
            if q is not None:
                quotes.append(q)
    return quotes


def _indirect(ctx: _Context, a: _Attributed) -> Quote | None:
    """The reported content of a frame with a source, unless a direct quote already is it."""
    if a.speaker is None or a.frame.content is None or a.frame.negated:
        return None
    left, right = a.frame.content
    if left <= a.frame.cue_start < right:
        return None  # "what it called “…”": the content is the quoted word, already a quote
    doc = ctx.doc
    if doc[left].lower_ == "that" and doc[left].dep_ == "mark" and right > left + 1:
        left += 1
    start, end = _close_quotes(ctx, doc[left].idx, _end_char(doc, right))
    rest = [t for t in doc[left:right] if t.is_alpha and not any(s <= t.idx < e for s, e in a.direct)]
    if len(rest) < MIN_INDIRECT_WORDS:
        return None
    sp = a.speaker
    return Quote(
        id="", article="", text=ctx.text[start:end], kind="indirect", start=start, end=end,
        speaker_name=sp.name, speaker_local=sp.local, speaker_start=sp.start, speaker_end=sp.end,
        cue=ctx.text[a.cue_chars[0] : a.cue_chars[1]], cue_start=a.cue_chars[0], cue_end=a.cue_chars[1],
    )  # fmt: skip
