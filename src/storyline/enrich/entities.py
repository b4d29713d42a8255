"""The named entities of one article: who and what it names, each once, with their roles.

spaCy's NER finds most names, but on news about officials the small English model slips
in ways that would split or invent entities: titles inside a person's span ("Admiral Dong
Jun"), possessives and articles inside organisations ("The Chinese Defence Ministry’s"),
section headings tagged as organisations, a surname tagged as a place, a messaging app
tagged as a person, and lower-case institutions missed altogether ("Russia’s defence
ministry", "the Chinese foreign ministry").  News style also names a person in full once
and by surname afterwards, and states offices around the name ("Russian Defence Minister
Andrei Belousov", "Zhang Youxia, vice chairman of ...").  No library links these within an
article or reads the offices, so the rules are ours; they read spaCy's tokens, parts of
speech and entity spans, and never depend on a particular name.

Stages, in order: NER spans trimmed → rule-found organisations → labels fixed →
mentions linked within the article → roles read from titles and appositions.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from dataclasses import dataclass

import numpy
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from storyline.enrich import names
from storyline.enrich.names import (
    HONORIFICS,
    LOOSE_ORG_HEADS,
    MEDIA_NOUNS,
    ORG_HEADS,
    PLATFORM_NOUNS,
    TITLE_MODIFIERS,
    TITLES,
)
from storyline.model import Block, LocalEntity, Mention, Role

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
_PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
_HEADING_PRONE = frozenset({"ORG", "EVENT", "FAC", "PERSON"})
_LEADING_JUNK = frozenset({"the", "a", "an"})
_POSSESSIVE = frozenset({"’s", "'s", "‘s", "’", "'", "‘", "s"})
_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "mx"})  # stripped from names, not a role
_OWNER_PRONOUNS = frozenset({"his", "her", "its", "their", "the", "a", "an"})
_ORG_INTRODUCERS = frozenset({"of", "to", "at", "for"})
_PHRASE_STOPS = frozenset(
    {",", ";", ".", ":", ")", "(", "—", "–", "“", "”", '"', "who", "which", "where", "when", "that"}
)
_MAX_MODIFIERS = 4  # "China’s Central Military Commission": three words between owner and head
_MAX_ORG_PHRASE = 15  # tokens of "chief of the Main Operational Directorate of ..."
_MAX_NAME_AFTER_NOUN = 4  # "state broadcaster CCTV", "news agency RIA Novosti"
_ORG_CUE_HASHES = numpy.array(sorted(hash_string(w) for w in MEDIA_NOUNS | ORG_HEADS), dtype=numpy.uint64)


@dataclass
class _Span:
    """A candidate mention in token offsets; `rule` when our rules, not NER, found it."""

    start: int
    end: int
    label: str
    rule: bool = False
    text: str = ""  # filled on first use by `_text`


def find_entities(doc: Doc, article_id: str, blocks: list[Block]) -> tuple[list[Mention], list[LocalEntity]]:
    """Mentions and the article's entities, short forms linked to full names, with roles."""
    spans = _merge(_rule_orgs(doc), _ner_spans(doc))
    spans = _fix_labels(doc, spans, blocks)
    groups = _link(doc, spans)
    roles = _roles(doc, spans, article_id)
    return _build(doc, article_id, groups, roles)


# --- spans -------------------------------------------------------------------------------------
def _ner_spans(doc: Doc) -> list[_Span]:
    """spaCy's entities of the kept labels, trimmed of articles, possessives and titles."""
    out = []
    for ent in doc.ents:
        if ent.label_ in KEPT_LABELS and (span := _trim(doc, ent.start, _of_name_end(doc, ent), ent.label_)):
            out.append(span)
    return out


def _of_name_end(doc: Doc, ent: Span) -> int:
    """ "Sea" + "of Japan": the model sometimes stops a place or institution before "of"."""
    end = ent.end
    if ent.label_ not in ("LOC", "FAC", "ORG") or end + 1 >= len(doc) or doc[end].lower_ != "of":
        return end
    stop = end + 1
    while stop < len(doc) and _capitalised(doc[stop]) and doc[stop].ent_type_ in ("", ent.label_, "GPE"):
        stop += 1
    return stop if stop > end + 1 else end


def _trim(doc: Doc, start: int, end: int, label: str) -> _Span | None:
    """Cut what is grammar, not name, from both ends; a person loses the titles in front."""
    while start < end and (doc[start].is_space or doc[start].is_punct or doc[start].lower_ in _LEADING_JUNK):
        start += 1
    while end > start and (
        doc[end - 1].is_space or doc[end - 1].is_punct or doc[end - 1].text in _POSSESSIVE
    ):
        end -= 1
    if label == "PERSON":
        while start < end - 1 and _is_title_word(doc[start]):
            start += 1
        while end > start + 1 and not doc[end - 1].text[:1].isupper():
            end -= 1
        if not doc[start].text[:1].isupper() or _is_title_word(doc[start]):
            return None
    return _Span(start, end, label) if start < end else None


def _is_title_word(token: Token) -> bool:
    word = token.lower_.rstrip(".")
    return word in TITLES or word in TITLE_MODIFIERS or word in HONORIFICS or _singular(word) in TITLES


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in TITLES else word


def _merge(preferred: list[_Span], others: list[_Span]) -> list[_Span]:
    """Non-overlapping spans in text order; the first list wins overlaps, longer spans first."""
    taken: list[_Span] = []
    used: set[int] = set()
    for group in (preferred, others):
        for span in sorted(group, key=lambda s: s.start - s.end):
            tokens = set(range(span.start, span.end))
            if not tokens & used:
                taken.append(span)
                used |= tokens
    return sorted(taken, key=lambda s: s.start)


# --- organisations the model misses ------------------------------------------------------------
def _rule_orgs(doc: Doc) -> list[_Span]:
    """Institutions named by owner and head noun, and outlets named after a media noun."""
    found = []
    for i in _positions(doc, _ORG_CUE_HASHES):
        low = doc[i].lower_
        span = _name_after(doc, i) if low in MEDIA_NOUNS else None
        if span is None and low in ORG_HEADS:
            span = _org_phrase(doc, i)
        if span is not None:
            found.append(span)
    return found


def _positions(doc: Doc, hashes: numpy.ndarray) -> list[int]:
    """Indices of tokens whose lower-case form has one of these string hashes, without a
    Python loop over every token (the hot path of entity finding)."""
    return numpy.flatnonzero(numpy.isin(doc.to_array("LOWER"), hashes)).tolist()


def _name_after(doc: Doc, i: int) -> _Span | None:
    """ "state broadcaster CCTV": the capitalised words right after a media noun."""
    j = i + 1
    while j < len(doc) and j - i <= _MAX_NAME_AFTER_NOUN and _capitalised(doc[j]):
        j += 1
    return _Span(i + 1, j, "ORG", rule=True) if j > i + 1 else None


def _capitalised(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.pos_ in ("PROPN", "NOUN", "X")


def _org_phrase(doc: Doc, head: int) -> _Span | None:
    """ "Russia’s defence ministry", "the Chinese foreign ministry", "Defence Ministry".

    Lower-case phrases need an owner (a country possessive or adjective), or "ministry"
    alone would become an entity; title-case phrases are names on their own.
    """
    if doc[head].lower_ in LOOSE_ORG_HEADS and _noun_follows(doc, head):
        return None
    i = head - 1
    while i >= 0 and head - i <= _MAX_MODIFIERS and _modifier(doc[i]) and _owner_start(doc, i) is None:
        i -= 1
    owner = _owner_start(doc, i) if i >= 0 else None
    if owner is not None:
        return _Span(owner, head + 1, "ORG", rule=True)
    if i < head - 1 and all(doc[k].text[:1].isupper() for k in range(i + 1, head + 1)):
        return _Span(i + 1, head + 1, "ORG", rule=True)
    return None


def _noun_follows(doc: Doc, i: int) -> bool:
    """ "military officials": the head word is an adjective of the next noun, not an org."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return bool(nxt and nxt.pos_ in ("NOUN", "PROPN") and nxt.lower_ not in TITLES and not nxt.is_space)


def _modifier(token: Token) -> bool:
    return token.is_alpha and token.pos_ in ("ADJ", "NOUN", "PROPN") and token.lower_ not in _LEADING_JUNK


def _owner_start(doc: Doc, i: int) -> int | None:
    """Where a country owner ending at token i starts: "China ’s", "Chinese", "South Korean"."""
    if doc[i].text in _POSSESSIVE and i > 0 and doc[i - 1].ent_type_ == "GPE":
        return _ent_start(doc, i - 1)
    if doc[i].ent_type_ in ("NORP", "GPE") and names.country_of(_ent_text(doc, i)):
        return _ent_start(doc, i)
    return i if names.country_of(doc[i].text) and doc[i].pos_ in ("ADJ", "PROPN") else None


def _ent_start(doc: Doc, i: int) -> int:
    while i > 0 and doc[i].ent_iob_ == "I":
        i -= 1
    return i


def _ent_text(doc: Doc, i: int) -> str:
    return doc[_ent_start(doc, i) : i + 1].text


# --- labels ------------------------------------------------------------------------------------
def _fix_labels(doc: Doc, spans: list[_Span], blocks: list[Block]) -> list[_Span]:
    """Relabel the model's usual slips and drop what is not a name at all."""
    surnames = {
        t for s in spans if s.label == "PERSON" and s.end - s.start > 1 for t in _person_words(doc, s)
    }
    kept = []
    for span in spans:
        span.label = _better_label(doc, span, surnames)
        if not _not_a_name(doc, span):
            kept.append(span)
    return _drop_headings(doc, kept, blocks)


# Head nouns of structures and features of the land: a multi-word name ending in one of
# them is a place, whatever the model guessed from the capitalised words before it.  Heads
# that are also common surnames (Bridge, Lake, Port, Bay, Rivers) are left out.
PLACE_HEAD_NOUNS = frozenset(
    [
        "dam",
        "canal",
        "tunnel",
        "airport",
        "harbour",
        "harbor",
        "barracks",
        "pipeline",
        "reservoir",
        "gorge",
        "valley",
        "strait",
        "gulf",
        "island",
        "islands",
        "mountains",
        "peninsula",
    ]
)


def _better_label(doc: Doc, span: _Span, surnames: set[str]) -> str:
    """Country adjectives are the country; a full name's word is that person; "Telegram
    channel" is a platform."""
    text = _text(doc, span)
    one_word = span.end - span.start == 1
    if span.label in _PLACE_LABELS and names.country_of(text):
        return "GPE"
    if (
        one_word
        and span.label != "PERSON"
        and names.person_key(text) in surnames
        and not names.country_of(text)
    ):
        return "PERSON"
    nxt = doc[span.end] if span.end < len(doc) else None
    if one_word and span.label == "PERSON" and nxt is not None and nxt.lower_ in PLATFORM_NOUNS:
        return "ORG"
    if span.label == "PERSON" and not one_word and doc[span.end - 1].lower_ in PLACE_HEAD_NOUNS:
        return "FAC"  # "Serel Gorge Dam", "Kell Strait": no person's name ends so
    return span.label


def _not_a_name(doc: Doc, span: _Span) -> bool:
    """ "Defense" before "Minister" is part of a title, and nothing lower-case is a name."""
    words = _text(doc, span).split()
    nxt = doc[span.end] if span.end < len(doc) else None
    if all(w.lower() in TITLE_MODIFIERS for w in words) and nxt is not None and _is_title_word(nxt):
        return True
    return not any(w[:1].isupper() or w[:1].isdigit() for w in words)


def _drop_headings(doc: Doc, spans: list[_Span], blocks: list[Block]) -> list[_Span]:
    """Section headings ("Immediate Action & Core Facts") are tagged as organisations; a
    heading's name counts only if the article names it outside headings too."""
    starts = [b.start for b in blocks]
    in_heading = [_block_kind(blocks, starts, doc[s.start].idx) == "subhead" for s in spans]
    seen = {_key(doc, s) for s, h in zip(spans, in_heading, strict=True) if not h}
    return [
        s
        for s, h in zip(spans, in_heading, strict=True)
        if not h or s.label not in _HEADING_PRONE or _key(doc, s) in seen
    ]


def _block_kind(blocks: list[Block], starts: list[int], offset: int) -> str:
    i = bisect.bisect_right(starts, offset) - 1
    return blocks[i].kind if i >= 0 else "body"


def _key(doc: Doc, span: _Span) -> str:
    return names.name_key(_text(doc, span), span.label)


def _person_words(doc: Doc, span: _Span) -> list[str]:
    return names.person_tokens(_text(doc, span))


# --- linking within the article -----------------------------------------------------------------
def _link(doc: Doc, spans: list[_Span]) -> list[list[_Span]]:
    """Spans grouped by entity: same key together, short forms with their full name."""
    full: dict[str, list[_Span]] = {}
    for span in spans:
        if span.label == "PERSON" and len(_person_words(doc, span)) > 1:
            full.setdefault(_key(doc, span), []).append(span)
    groups: dict[str, list[_Span]] = {}
    for span in spans:
        key = _key(doc, span)
        if not key:
            continue
        if span.label == "PERSON" and key not in full:
            key = _full_name_for(doc, span, full) or key
        groups.setdefault(f"{span.label}|{key}", []).append(span)
    return _merge_org_forms(doc, list(groups.values()))


def _full_name_for(doc: Doc, span: _Span, full: dict[str, list[_Span]]) -> str | None:
    """The full name a surname or partial name stands for; when two fit, the nearest one
    named before it (else after it)."""
    words = _person_words(doc, span)
    fits = [k for k, group in full.items() if _shorter_form(words, _person_words(doc, group[0]))]
    if len(fits) <= 1:
        return fits[0] if fits else None
    before = [(s.start, k) for k in fits for s in full[k] if s.start < span.start]
    after = [(-s.start, k) for k in fits for s in full[k]]
    return max(before or after)[1]


def _shorter_form(short: list[str], long: list[str]) -> bool:
    if len(short) == 1:
        return short[0] in long
    return len(short) < len(long) and names.same_person_tokens(short, long)


def _merge_org_forms(doc: Doc, groups: list[list[_Span]]) -> list[list[_Span]]:
    """ "Defence Ministry" joins "Russia’s Defence Ministry", "CMC" joins "Central Military
    Commission", when exactly one organisation in the article fits."""
    orgs = [g for g in groups if g[0].label == "ORG"]
    parts = {id(g): names.org_parts(_text(doc, g[0])) for g in orgs}
    for group in orgs:
        country, rest = parts[id(group)]
        if country is not None or not group:
            continue
        fits = [
            g for g in orgs if g is not group and g and _expands(rest, parts[id(g)], _text(doc, group[0]))
        ]
        if len(fits) == 1:
            fits[0].extend(group)
            group.clear()
    return [sorted(g, key=lambda s: s.start) for g in groups if g]


def _expands(rest: str, other: tuple[str | None, str], surface: str) -> bool:
    """Whether an org named `other` is the full form of the bare name `rest` / acronym."""
    country, other_rest = other
    if country is not None and other_rest == rest:
        return True
    initials = "".join(w[0] for w in other_rest.split() if w not in ("of", "the", "and"))
    return surface.isupper() and len(surface) >= 2 and initials == rest


def _text(doc: Doc, span: _Span) -> str:
    if not span.text:
        span.text = doc[span.start : span.end].text
    return span.text


# --- roles ---------------------------------------------------------------------------------------
def _roles(doc: Doc, spans: list[_Span], article_id: str) -> dict[int, list[Role]]:
    """Roles per person span (by start token): the title before the name, the apposition
    after it, a plural title shared with the next name, a counterpart's office."""
    by_end = {s.end: s for s in spans}
    persons = [s for s in spans if s.label == "PERSON"]
    found: dict[int, list[Role]] = {}
    for span in persons:
        for role in (
            _title_before(doc, span, by_end, article_id),
            _apposition(doc, span, by_end, article_id),
        ):
            if role is not None:
                found.setdefault(span.start, []).append(role)
    _share_plural_titles(doc, persons, found)
    _resolve_counterparts(doc, persons, found)
    return found


def _title_before(doc: Doc, span: _Span, by_end: dict[int, _Span], article_id: str) -> Role | None:
    """ "Russia’s Defense Minister Andrey Belousov" → Defense Minister of Russia."""
    end = span.start
    comma = end > 0 and doc[end - 1].text == ","
    end -= comma
    start = end
    while start > 0 and _title_part(doc, start - 1):
        start -= 1
    while start < end and doc[start].lower_ in ("of", "the", "-"):
        start += 1
    if start == end or not any(_is_head(doc[k]) for k in range(start, end)):
        return None
    if all(doc[k].lower_.rstrip(".") in _COURTESY for k in range(start, end)):
        return None
    if comma and (start == 0 or not _owner_or_pronoun(doc, start - 1, by_end)):
        return None
    return Role(_title_text(doc, start, end), _owner(doc, start - 1, by_end), article_id)


def _title_part(doc: Doc, i: int) -> bool:
    """A word of an office: "Defence", "Minister", "Colonel", "of" in "Chief of Staff"."""
    token = doc[i]
    if token.is_space:
        return False
    if token.lower_ in ("of", "-"):
        return i > 0 and _is_title_word(doc[i - 1])
    if token.lower_ == "the":
        return i > 0 and doc[i - 1].lower_ == "of"
    return _is_title_word(token) and token.ent_type_ not in ("PERSON", "GPE", "NORP")


def _is_head(token: Token) -> bool:
    word = token.lower_.rstrip(".")
    return word in TITLES or _singular(word) in TITLES or word in HONORIFICS


def _title_text(doc: Doc, start: int, end: int) -> str:
    """The title as written, a plural made singular ("Presidents" → "President")."""
    words = [t.text for t in doc[start:end]]
    last = words[-1]
    singular = _singular(last.lower())
    if singular != last.lower():
        words[-1] = last[: len(singular)]
    return " ".join(words).replace(" - ", "-")


def _owner_or_pronoun(doc: Doc, i: int, by_end: dict[int, _Span]) -> bool:
    return doc[i].lower_ in _OWNER_PRONOUNS or _owner(doc, i, by_end) is not None


def _owner(doc: Doc, i: int, by_end: dict[int, _Span]) -> str | None:
    """Whose office it is, from the word before the title: a country ("Russia’s", "Russian")
    or an organisation span ("Chinese foreign ministry")."""
    if i < 0:
        return None
    if doc[i].text in _POSSESSIVE and i > 0:
        i -= 1
    span = by_end.get(i + 1)
    if span is not None and span.label in ("GPE", "ORG", "NORP", "FAC"):
        text = _text(doc, span)
        return names.country_of(text) or text
    return names.country_of(doc[i].text) if doc[i].pos_ in ("ADJ", "PROPN") else None


def _apposition(doc: Doc, span: _Span, by_end: dict[int, _Span], article_id: str) -> Role | None:
    """ "Zhang Youxia, vice chairman of China’s Central Military Commission," → that role."""
    i = span.end + 1
    if span.end >= len(doc) or doc[span.end].text != ",":
        return None
    i += i < len(doc) and doc[i].lower_ in ("the", "a", "an")
    owner_end = _owner_span_end(doc, i, by_end)
    start = owner_end if owner_end is not None else i
    end = start
    while end < len(doc) and _is_title_word(doc[end]) and doc[end].ent_type_ not in ("PERSON", "GPE", "NORP"):
        end += 1
    end = _title_with_of_words(doc, end)
    if end == start or not (_is_head(doc[end - 1]) or _is_head(doc[start])):
        return None
    org = _org_after(doc, end)
    if org is None and owner_end is not None:
        org = _owner(doc, owner_end - 1, by_end)
    return Role(_title_text(doc, start, end), org, article_id)


def _owner_span_end(doc: Doc, i: int, by_end: dict[int, _Span]) -> int | None:
    """End of a country owner starting at i ("the Russian defence minister")."""
    for span in by_end.values():
        if span.start == i and span.label == "GPE":
            end = span.end
            return end + 1 if end < len(doc) and doc[end].text in _POSSESSIVE else end
    return None


def _title_with_of_words(doc: Doc, end: int) -> int:
    """ "Minister of Defence", "Secretary of State": office words after "of" are the title."""
    if end < len(doc) - 1 and doc[end].lower_ == "of" and doc[end + 1].lower_ in TITLE_MODIFIERS:
        stop = end + 1
        while stop < len(doc) and doc[stop].lower_ in TITLE_MODIFIERS:
            stop += 1
        if stop >= len(doc) or doc[stop].lower_ in _PHRASE_STOPS | _ORG_INTRODUCERS:
            return stop
    return end


def _org_after(doc: Doc, i: int) -> str | None:
    """The organisation after "of"/"to"/"at"/"for", up to the end of the phrase."""
    if i >= len(doc) or doc[i].lower_ not in _ORG_INTRODUCERS:
        return None
    start = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ == "the")
    end = start
    while end < len(doc) and end - start < _MAX_ORG_PHRASE and not _phrase_stop(doc[end]):
        end += 1
    while end > start and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    if end == start:
        return None
    text = doc[start:end].text
    return names.country_of(text) or text


def _phrase_stop(token: Token) -> bool:
    return token.is_space or token.lower_ in _PHRASE_STOPS or token.pos_ in ("VERB", "AUX")


def _share_plural_titles(doc: Doc, persons: list[_Span], found: dict[int, list[Role]]) -> None:
    """ "Presidents Vladimir Putin and Xi Jinping": the next name holds the same title."""
    for a, b in itertools.pairwise(persons):
        roles = found.get(a.start)
        if not roles or b.start != a.end + 1 or doc[a.end].lower_ != "and" or b.start in found:
            continue
        before = doc[a.start - 1] if a.start > 0 else None
        if before is not None and before.lower_.endswith("s") and _singular(before.lower_) != before.lower_:
            found[b.start] = [Role(roles[0].title, roles[0].org, roles[0].article)]


def _resolve_counterparts(doc: Doc, persons: list[_Span], found: dict[int, list[Role]]) -> None:
    """ "Dong Jun told his Russian counterpart Sergey Shoigu": a counterpart holds the same
    office as the other person in the sentence, in the counterpart's own country."""
    for span in persons:
        roles = found.get(span.start, [])
        for n, role in enumerate(roles):
            if role.title.lower().split()[-1] != "counterpart":
                continue
            other = _office_in_sentence(doc, span, persons, found)
            if other is not None:
                roles[n] = Role(other.title, role.org, role.article)


def _office_in_sentence(
    doc: Doc, span: _Span, persons: list[_Span], found: dict[int, list[Role]]
) -> Role | None:
    sent = doc[span.start].sent
    others = [p for p in persons if p is not span and sent.start <= p.start < sent.end]
    others.sort(key=lambda p: (p.start > span.start, abs(p.start - span.start)))
    for other in others:
        for role in found.get(other.start, []):
            if "counterpart" not in role.title.lower():
                return role
    return None


# --- output --------------------------------------------------------------------------------------
def _build(
    doc: Doc, article_id: str, groups: list[list[_Span]], roles: dict[int, list[Role]]
) -> tuple[list[Mention], list[LocalEntity]]:
    """Mentions in text order and one LocalEntity per group, keyed by first appearance."""
    groups.sort(key=lambda g: g[0].start)
    mentions: list[Mention] = []
    entities: list[LocalEntity] = []
    for key, group in enumerate(groups):
        surfaces = [_text(doc, s) for s in group]
        label = _group_label(group)
        entity = LocalEntity(key, _fullest(surfaces, label), label, list(dict.fromkeys(surfaces)))
        entity.roles = _unique_roles([r for s in group for r in roles.get(s.start, [])])
        entities.append(entity)
        for span, text in zip(group, surfaces, strict=True):
            start = doc[span.start].idx
            mentions.append(Mention(article_id, start, start + len(text), text, label, key))
    mentions.sort(key=lambda m: m.start)
    return mentions, entities


def _group_label(group: list[_Span]) -> str:
    return Counter(s.label for s in group).most_common(1)[0][0]


def _fullest(surfaces: list[str], label: str) -> str:
    """The name to show: a country's own name, else the longest form, then the commonest."""
    if label == "GPE" and (country := names.country_of(surfaces[0])):
        return country
    counts = Counter(surfaces)
    return max(counts, key=lambda s: (len(s.split()), len(s), counts[s]))


def _unique_roles(roles: list[Role]) -> list[Role]:
    seen: dict[tuple[str, str], Role] = {}
    for role in roles:
        seen.setdefault((role.title.lower(), (role.org or "").lower()), role)
    return list(seen.values())
