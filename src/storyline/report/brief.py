"""The cited brief of one event: extractive, every sentence tied to the sentences it rests on.

An analyst pastes a brief into her own report, so it must never say anything the sources
do not: each sentence is either a sentence of an article, a quote or claim text found by
earlier stages, or such a text with the speaker's name or a framing label put in front.
Each carries citations (article id, outlet, character offsets of whole source
sentences), and `_sentence` refuses to build one without any, so an uncited sentence
cannot be emitted even by a bug in a section builder.

JSON shape (stable, keys only ever added; `outlet` is carried for rendering):

    {"event": id, "title": str,
     "sections": [{"heading": str,
                   "sentences": [{"text": str,
                                  "citations": [{"article": id, "outlet": str, "start": n, "end": n}]}]}]}

Sections appear in this order and only when they have something to say: what happened;
who said what; where outlets agree; reported by one outlet only; contradictions;
framing; context.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.engine import Connection

from storyline.errors import StorylineError
from storyline.model import Quote
from storyline.report import evidence
from storyline.report.evidence import EventMaterial

MAX_LEDES = 3  # one opening sentence per outlet, up to this many outlets
MAX_QUOTES = 8
MAX_CLAIMS = 8  # per claim section
MAX_FRAMING = 8
MAX_CONTEXT = 6
MIN_QUOTE_WORDS = 3  # shorter "quotes" are scare quotes ("red lines"), not statements

HEADINGS = {
    "happened": "What happened",
    "quotes": "Who said what",
    "shared": "Where outlets agree",
    "single": "Reported by one outlet only",
    "contradicted": "Contradictions",
    "framing": "Framing",
    "context": "Context",
}

Citation = dict[str, Any]
BriefSentence = dict[str, Any]


class UncitedSentence(AssertionError):
    """A brief sentence without a source: a bug in a section builder, never output."""


def build_brief(conn: Connection, event_id: str) -> dict[str, Any]:
    """The brief of one event as a JSON-ready dict; raises NotFound for an unknown event."""
    return brief_from(evidence.load(conn, event_id))


def brief_from(material: EventMaterial) -> dict[str, Any]:
    """The brief of already loaded material (the event page loads it once for all its parts)."""
    builders: list[tuple[str, Callable[[EventMaterial], list[BriefSentence]]]] = [
        ("happened", _what_happened),
        ("quotes", _who_said_what),
        ("shared", lambda m: _claims(m, "shared")),
        ("single", lambda m: _claims(m, "single")),
        ("contradicted", _contradictions),
        ("framing", _framing),
        ("context", _context),
    ]
    sections = []
    said: set[str] = set()  # a sentence shown in one section is not repeated in a later one
    for key, build in builders:
        sentences = [s for s in _dedupe(build(material)) if _fold(s["text"]) not in said]
        said |= {_fold(s["text"]) for s in sentences}
        if sentences:
            sections.append({"heading": HEADINGS[key], "sentences": sentences})
    brief = {"event": material.event.id, "title": material.event.title, "sections": sections}
    check_cited(brief, {a.id: len(a.text) for a in material.articles.values()})
    return brief


def check_cited(brief: Mapping[str, Any], lengths: Mapping[str, int]) -> None:
    """Every sentence has a citation, and every citation lies inside its article's text."""
    for section in brief["sections"]:
        for sentence in section["sentences"]:
            if not sentence["citations"]:
                raise UncitedSentence(f"uncited sentence in {section['heading']!r}: {sentence['text']!r}")
            for c in sentence["citations"]:
                length = lengths.get(c["article"])
                if length is None or not 0 <= c["start"] < c["end"] <= length:
                    raise UncitedSentence(f"citation {c} does not point into a source article")


def _sentence(text: str, citations: Iterable[Citation | None]) -> BriefSentence:
    cited = _unique([c for c in citations if c is not None])
    if not cited:
        raise UncitedSentence(f"refusing to emit a sentence without a source: {text!r}")
    return {"text": " ".join(text.split()), "citations": cited}


def _maybe(text: str, citations: Iterable[Citation | None]) -> list[BriefSentence]:
    """Zero or one sentence: the builders' way of dropping what cannot be cited."""
    cited = [c for c in citations if c is not None]
    return [_sentence(text, cited)] if cited and text.strip() else []


def _unique(citations: list[Citation]) -> list[Citation]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in citations:
        key = (c["article"], c["start"], c["end"])
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _dedupe(sentences: list[BriefSentence]) -> list[BriefSentence]:
    """One sentence per text (syndicated copies say the same words); citations merged."""
    by_text: dict[str, BriefSentence] = {}
    for s in sentences:
        key = _fold(s["text"])
        if key in by_text:
            by_text[key]["citations"] = _unique(by_text[key]["citations"] + s["citations"])
        else:
            by_text[key] = s
    return list(by_text.values())


# --- sections -----------------------------------------------------------------------------


def _what_happened(m: EventMaterial) -> list[BriefSentence]:
    """Each outlet's opening body sentence, cited with the other reports of the same facts."""
    out: list[BriefSentence] = []
    outlets: set[str] = set()
    for article in m.articles.values():
        if article.outlet in outlets or len(outlets) >= MAX_LEDES:
            continue
        body = article.body_sentences()
        if not body:
            continue
        start, end = body[0]
        lede = m.citation(article.id, start, end)
        if lede is None:
            continue
        outlets.add(article.outlet)
        support = _corroborating(m, article.id, lede["start"], lede["end"])
        out += _maybe(article.text[lede["start"] : lede["end"]], [lede, *support])
    return out


def _corroborating(m: EventMaterial, article_id: str, start: int, end: int) -> list[Citation | None]:
    """Other articles' sentences backing a shared claim that this span is a source of."""
    found: list[Citation | None] = []
    for claim in m.claims:
        if claim["status"] != "shared":
            continue
        sources = claim["sources"]
        if any(s["article"] == article_id and s["start"] < end and s["end"] > start for s in sources):
            found += [m.citation(s["article"], s["start"], s["end"]) for s in sources]
    return found


def _who_said_what(m: EventMaterial) -> list[BriefSentence]:
    """Quotes with a known speaker, those several outlets carry first.

    A quote the comparison matched in other outlets is one sentence citing every outlet's
    wording; a quote whose words another emitted quote of the same speaker already holds
    (a partial quote inside the full one, the reported-speech sentence around it) only
    adds its sentence to that one's citations.
    """
    by_id = {q.id: q for q in m.quotes}
    partners = _quote_partners(m.comparison["quote_matches"], by_id)
    order = {a: n for n, a in enumerate(m.articles)}
    rank = {"direct": 0, "partial": 1, "indirect": 2}
    candidates = sorted(
        m.quotes,
        key=lambda q: (not partners[q.id], rank.get(q.kind, 3), order.get(q.article, len(order)), q.start),
    )
    emitted: list[tuple[str, str, BriefSentence]] = []  # (speaker, folded words, sentence)
    covered: set[str] = set()
    for q in candidates:
        speaker = m.speaker(q)
        if speaker is None or q.id in covered or not _quotable(q):
            continue
        own = m.citation(q.article, q.start, q.end)
        folded = _fold(q.text)
        host = next(
            (s for sp, words, s in emitted if sp == speaker and (folded in words or own in s["citations"])),
            None,
        )
        if host is not None:
            host["citations"] = _unique(host["citations"] + [c for c in [own] if c is not None])
            continue
        support = [m.citation(by_id[p].article, by_id[p].start, by_id[p].end) for p in sorted(partners[q.id])]
        for sentence in _maybe(_quote_sentence(speaker, q), [own, *support]):
            emitted.append((speaker, folded, sentence))
            covered |= partners[q.id]
        if len(emitted) >= MAX_QUOTES:
            break
    return [s for _, _, s in emitted]


def _quote_partners(matches: list[dict[str, Any]], by_id: dict[str, Quote]) -> dict[str, set[str]]:
    """Each quote's direct matches in other articles (no chaining: A~B and B~C leave A, C apart)."""
    partners: dict[str, set[str]] = defaultdict(set)
    for match in matches:
        a, b = match.get("a"), match.get("b")
        if a in by_id and b in by_id and a != b:
            partners[a].add(b)
            partners[b].add(a)
    return partners


def _quotable(q: Quote) -> bool:
    """Worth a line: a few words, and for reported speech a speaker resolved to an entity."""
    if len(q.text.split()) < MIN_QUOTE_WORDS:
        return False
    return q.kind != "indirect" or q.speaker is not None


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _quote_sentence(speaker: str, quote: Quote) -> str:
    words = quote.text.strip().strip("\"“”‘’'").strip()
    if quote.kind == "indirect":
        return f"{speaker}, in reported speech: {words}"
    return f"{speaker}: “{words}”"


def _claims(m: EventMaterial, status: str) -> list[BriefSentence]:
    """Claims of one status about the event itself (background claims go under Context)."""
    chosen = [c for c in m.claims if c["status"] == status and not c["context"]]
    chosen.sort(key=lambda c: -len({s["article"] for s in c["sources"]}))
    out: list[BriefSentence] = []
    for claim in chosen:
        out += _maybe(
            claim["text"], [m.citation(s["article"], s["start"], s["end"]) for s in claim["sources"]]
        )
        if len(out) >= MAX_CLAIMS:
            break
    return out


def _contradictions(m: EventMaterial) -> list[BriefSentence]:
    """Each side of a contradicted claim in its outlet's own words, one sentence per side."""
    out: list[BriefSentence] = []
    for claim in [c for c in m.claims if c["status"] == "contradicted"][:MAX_CLAIMS]:
        for src in claim["sources"]:
            cite = m.citation(src["article"], src["start"], src["end"])
            if cite is not None:
                words = m.articles[cite["article"]].text[cite["start"] : cite["end"]]
                out += _maybe(f"{cite['outlet']}: {words}", [cite])
    return out


def _framing(m: EventMaterial) -> list[BriefSentence]:
    """Wording an outlet chose (loaded terms, assertions in its own voice), labelled by kind."""
    out: list[BriefSentence] = []
    for flag in m.comparison["framing"][:MAX_FRAMING]:
        label = str(flag.get("kind") or "framing").replace("_", " ").replace("-", " ")
        text = f"{label.capitalize()}: “{flag.get('text', '').strip()}”"
        out += _maybe(text, [m.citation(flag["article"], flag["start"], flag["end"])])
    return out


def _context(m: EventMaterial) -> list[BriefSentence]:
    """Background the articles mention: context claims, then dated background happenings."""
    out: list[BriefSentence] = []
    for claim in m.claims:
        if claim["context"]:
            cites = [m.citation(s["article"], s["start"], s["end"]) for s in claim["sources"]]
            out += _maybe(claim["text"], cites)
    said = {(c["article"], c["start"], c["end"]) for s in out for c in s["citations"]}
    for item in m.context:
        cite = m.citation(item["article"], item["start"], item["end"])
        if cite is None or (cite["article"], cite["start"], cite["end"]) in said:
            continue  # a context claim above already cites this sentence
        text = f"{item['date']}: {item['text']}" if item.get("date") else item["text"]
        out += _maybe(text, [cite])
    return out[:MAX_CONTEXT]


# --- rendering ----------------------------------------------------------------------------


def footnotes(brief: Mapping[str, Any]) -> tuple[list[list[list[int]]], list[Citation]]:
    """Number citations in order of first use: per section, per sentence, the note numbers."""
    numbers: dict[tuple[str, int, int], int] = {}
    notes: list[Citation] = []
    marks: list[list[list[int]]] = []
    for section in brief["sections"]:
        section_marks = []
        for sentence in section["sentences"]:
            refs = []
            for c in sentence["citations"]:
                key = (c["article"], c["start"], c["end"])
                if key not in numbers:
                    notes.append(c)
                    numbers[key] = len(notes)
                refs.append(numbers[key])
            section_marks.append(refs)
        marks.append(section_marks)
    return marks, notes


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>#|"})


def md_escape(text: str) -> str:
    """Article text as literal Markdown: no emphasis, links or raw HTML can sneak in."""
    return text.translate(_MD_SPECIAL)


def to_markdown(brief: Mapping[str, Any], texts: Mapping[str, str] | None = None) -> str:
    """The brief as Markdown with footnotes naming outlet, article and quoting the source."""
    marks, notes = footnotes(brief)
    lines = [f"# {md_escape(brief['title'])}", ""]
    for section, section_marks in zip(brief["sections"], marks, strict=True):
        lines += [f"## {section['heading']}", ""]
        for sentence, refs in zip(section["sentences"], section_marks, strict=True):
            bullet = md_escape(sentence["text"]) + "".join(f"[^{n}]" for n in refs)
            lines.append(f"- {bullet}")
        lines.append("")
    for n, c in enumerate(notes, start=1):
        where = f"{md_escape(c.get('outlet') or c['article'])}, article {md_escape(c['article'])}, "
        where += f"characters {c['start']}–{c['end']}"
        text = (texts or {}).get(c["article"])
        if text is not None:
            where += f": “{md_escape(evidence.excerpt(text, c['start'], c['end']))}”"
        lines.append(f"[^{n}]: {where}")
    return "\n".join(lines).rstrip() + "\n"


def render_context(brief: Mapping[str, Any], texts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the brief template needs: sentences with note numbers, notes with excerpts."""
    marks, notes = footnotes(brief)
    sections = [
        {
            "heading": section["heading"],
            "sentences": [
                {"text": s["text"], "refs": refs}
                for s, refs in zip(section["sentences"], section_marks, strict=True)
            ],
        }
        for section, section_marks in zip(brief["sections"], marks, strict=True)
    ]
    rendered_notes = []
    for n, c in enumerate(notes, start=1):
        text = (texts or {}).get(c["article"])
        excerpt = evidence.excerpt(text, c["start"], c["end"]) if text is not None else None
        rendered_notes.append({**c, "n": n, "excerpt": excerpt})
    return {"event": brief["event"], "title": brief["title"], "sections": sections, "notes": rendered_notes}


def to_html(brief: Mapping[str, Any], texts: Mapping[str, str] | None = None, standalone: bool = True) -> str:
    """The brief as HTML (a whole page, or a fragment); every piece of text escaped."""
    from storyline.web import templating

    template = "brief_page.html" if standalone else "_brief_fragment.html"
    context = {"brief": render_context(brief, texts), "links": templating.StaticLinks()}
    return templating.render(template, context, inline_css=standalone)


def render(conn: Connection, event_id: str, format: str = "md") -> str | dict[str, Any]:
    """The brief in one of the formats `storyline brief` offers: md, html or json (a dict)."""
    material = evidence.load(conn, event_id)
    brief = brief_from(material)
    texts = {a.id: a.text for a in material.articles.values()}
    if format == "json":
        return brief
    if format == "md":
        return to_markdown(brief, texts)
    if format == "html":
        return to_html(brief, texts)
    raise StorylineError(f"unknown brief format {format!r}; use md, html or json")
