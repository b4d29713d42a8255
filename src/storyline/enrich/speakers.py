"""Who a source phrase is: a named entity of the article, or someone named earlier.

Sources are often not names: "he added", "the ministry said", "the Russian defence
minister emphasised".  The article introduced who they are a few sentences before, so the
resolver keeps a short memory of the subjects and speakers seen so far, in text order,
and resolves each pronoun or definite description to the most recent compatible one:

* he / she: the last person (a known gender must agree);
* it: the last organisation or country; they: the last group, else organisation;
* "the ministry": the last organisation whose name has that head noun;
* "the defence chief": the last person, or, when the phrase names a country ("China’s
  defence chief", "the Russian minister"), the last person described with that country.

The memory is a list scanned backwards over a bounded window, so resolution costs the
same however long the article is.  No maintained offline library resolves speakers this
way for news (coreference models are heavy and not tuned to reporting frames), so the
rules are ours and deliberately conservative: unresolved sources keep their own words.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc, Span, Token

from storyline.enrich.lexicon import DOCUMENT_NOUNS, FEMALE_WORDS, MALE_WORDS, ORG_NOUNS, PERSON_NOUNS
from storyline.model import LocalEntity, Mention

RefKind = Literal["person", "org", "group", "other"]

PRONOUNS = {"he": "he", "she": "she", "it": "it", "they": "they", "him": "he", "her": "she", "them": "they"}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
COUNTRY_LABELS = frozenset({"GPE", "NORP"})
CLAUSE_CHILD_DEPS = frozenset({"relcl", "acl", "advcl", "conj", "cc"})
DEMONYM_ENDINGS = ("an", "ese", "ish", "ian", "i")
LOOKBACK_REFERENTS = 40  # how far back a pronoun or description may look (about 8-10 sentences)


@dataclass
class Referent:
    """Someone the article has put forward as a subject or a speaker."""

    name: str
    local: int | None
    kind: RefKind
    plural: bool
    head: str
    countries: frozenset[str]
    position: int  # character offset of the phrase that last referred to it


@dataclass(frozen=True)
class Speaker:
    """A resolved source: display name, LocalEntity key if any, and where the source
    phrase itself stands in the text (a pronoun stays a pronoun there)."""

    name: str | None
    local: int | None
    start: int
    end: int


@dataclass
class _EntityIndex:
    """Mentions by token, and what has been said about each entity so far."""

    by_token: list[int]
    mentions: list[Mention]
    entities: dict[int, LocalEntity]
    countries: dict[int, set[str]] = field(default_factory=dict)
    gender: dict[int, str] = field(default_factory=dict)
    last_seen: dict[int, int] = field(default_factory=dict)  # entity -> offset of its latest mention
    by_name: dict[str, int] = field(default_factory=dict)  # a name word -> the one entity it names


class SpeakerResolver:
    """Resolves source phrases in text order; call `observe_sentence` for every sentence
    before resolving the sources in it."""

    def __init__(self, doc: Doc, mentions: Iterable[Mention], entities: Iterable[LocalEntity]):
        self.doc = doc
        self.index = _index_mentions(doc, list(mentions), {e.key: e for e in entities})
        self.memory: list[Referent] = []
        self._positions: list[int] = []
        self._by_head: dict[int, Referent] = {}

    def is_named(self, tok: Token) -> bool:
        """Is the token part of a name the entity finder found (here or elsewhere)?"""
        return self.index.by_token[tok.i] >= 0 or (tok.text in self.index.by_name and tok.text[:1].isupper())

    # --- building the memory -------------------------------------------------------------
    def observe_sentence(self, sent: Span, source_heads: Iterable[int] = ()) -> None:
        """Learn what the sentence says about its people, then remember its subjects and
        the given source heads (in text order) as referents."""
        for i in self._mention_tokens(sent):
            self._learn_descriptors(self.index.mentions[i])
        heads = {t.i for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ != "PRON"}
        heads |= {i for i in source_heads if i is not None}
        for i in sorted(heads):
            self._remember(self.doc[i])

    def _remember(self, head: Token) -> None:
        ref = self.referent_for(head)
        if ref is None:
            return
        self._by_head[head.i] = ref
        k = bisect.bisect_right(self._positions, ref.position)
        self._positions.insert(k, ref.position)
        self.memory.insert(k, ref)

    # --- resolving a source ----------------------------------------------------------------
    def speaker(self, head: Token, span: tuple[int, int]) -> Speaker:
        """The speaker of a source phrase with head token `head` covering tokens `span`."""
        ref = self._by_head.get(head.i) or self.referent_for(head)
        start, end = self.doc[span[0]].idx, self.doc[span[1] - 1].idx + len(self.doc[span[1] - 1])
        if ref is None:
            return Speaker(self.doc[span[0] : span[1]].text, None, start, end)
        return Speaker(ref.name, ref.local, start, end)

    def referent_for(self, head: Token) -> Referent | None:
        """What a noun phrase refers to: an entity, an earlier referent, or itself."""
        head = _possessor_of_document(head)
        pron = PRONOUNS.get(head.lower_)
        if pron is not None and head.pos_ == "PRON":
            return self._resolve_pronoun(pron, head)
        if head.pos_ == "PRON":
            return None
        if _coordinated(head) and self._animate(head):
            return self._group(head)
        named = self._named(head)
        if named is not None:
            return named
        return self._nominal(head)

    def _named(self, head: Token) -> Referent | None:
        m = self._mention_at(head)
        if m is None and head.lemma_.lower() in PERSON_NOUNS | ORG_NOUNS:
            m = self._attached_name(head)
        if m is None and head.pos_ == "PROPN":
            m = self._mention_by_name(head)
        if m is None:
            return None
        kind, plural = _kind_of(m.label, head)
        local = m.local if m.local >= 0 else None
        name = self._display_name(head, m, kind)
        return Referent(
            name, local, kind, plural, head.lemma_.lower(), self._countries(head, local), head.idx
        )

    def _nominal(self, head: Token) -> Referent | None:
        lemma = head.lemma_.lower()
        plural = head.tag_ in ("NNS", "NNPS")
        if lemma in PERSON_NOUNS:
            kind: RefKind = "group" if plural else "person"
        elif lemma in ORG_NOUNS:
            kind = "group" if plural else "org"
        else:
            kind = "other"
        countries = frozenset(_np_countries(head))
        if _definite(head) and kind != "other":
            earlier = self._antecedent_for_description(kind, lemma, countries, head.idx)
            if earlier is None and kind == "person" and countries:
                earlier = self._person_from_country(countries, head.left_edge.idx)
            if earlier is not None:
                return _moved(earlier, head.idx)
        return Referent(core_text(head), None, kind, plural, lemma, countries, head.idx)

    def _animate(self, head: Token) -> bool:
        lemma = head.lemma_.lower()
        return head.pos_ == "PROPN" or self._mention_at(head) is not None or lemma in PERSON_NOUNS | ORG_NOUNS

    def _group(self, head: Token) -> Referent:
        left, right = head.left_edge.i, head.right_edge.i + 1
        text = _strip_article(self.doc[left:right].text)
        return Referent(
            text, None, "group", True, head.lemma_.lower(), frozenset(_np_countries(head)), head.idx
        )

    # --- antecedents -------------------------------------------------------------------------
    def _recent(self, before: int) -> Iterable[Referent]:
        k = bisect.bisect_left(self._positions, before)
        for j in range(k - 1, max(-1, k - 1 - LOOKBACK_REFERENTS), -1):
            yield self.memory[j]

    def _resolve_pronoun(self, pron: str, tok: Token) -> Referent | None:
        for ref in self._recent(tok.idx):
            if _pronoun_fits(pron, ref, self.index.gender):
                if pron in ("he", "she") and ref.local is not None:
                    self.index.gender.setdefault(ref.local, pron)
                return _moved(ref, tok.idx)
        return None

    def _antecedent_for_description(
        self, kind: RefKind, lemma: str, countries: frozenset[str], before: int
    ) -> Referent | None:
        for ref in self._recent(before):
            if ref.kind != kind:
                continue
            ref_countries = self._ref_countries(ref)
            if countries and not countries & ref_countries:
                continue
            if kind == "person":
                return ref
            if ref.head == lemma or lemma in ref.name.lower().split():
                return ref
        return None

    def _person_from_country(self, countries: frozenset[str], before: int) -> Referent | None:
        """ "The Velmoran minister": the last person the article tied to that country, even
        one named only as an object ("met Velmoran Minister Tomas Ferrell")."""
        best: tuple[int, int] | None = None
        for local, found in self.index.countries.items():
            seen = self.index.last_seen.get(local, before)
            if found & countries and seen < before and (best is None or seen > best[0]):
                best = (seen, local)
        entity = self.index.entities.get(best[1]) if best is not None else None
        if entity is None:
            return None
        return Referent(_clean_name(entity.name), entity.key, "person", False, "", countries, before)

    def _ref_countries(self, ref: Referent) -> frozenset[str]:
        if ref.local is not None and ref.local in self.index.countries:
            return ref.countries | frozenset(self.index.countries[ref.local])
        return ref.countries

    # --- mentions and descriptors -------------------------------------------------------------
    def _mention_tokens(self, sent: Span) -> list[int]:
        seen: list[int] = []
        for t in sent:
            k = self.index.by_token[t.i]
            if k >= 0 and (not seen or seen[-1] != k):
                seen.append(k)
        return seen

    def _mention_at(self, tok: Token) -> Mention | None:
        k = self.index.by_token[tok.i]
        return self.index.mentions[k] if k >= 0 else None

    def _mention_by_name(self, head: Token) -> Mention | None:
        """A name the entity finder missed here but found elsewhere ("Belousov stressed")."""
        key = self.index.by_name.get(head.text)
        entity = self.index.entities.get(key) if key is not None else None
        if entity is None:
            return None
        return Mention("", head.idx, head.idx + len(head.text), head.text, entity.label, entity.key)

    def _attached_name(self, head: Token) -> Mention | None:
        """The name a role noun introduces: "Minister Andrey Belousov", "spokesman Wang",
        "state broadcaster CCTV"."""
        wanted = "PERSON" if head.lemma_.lower() in PERSON_NOUNS else "ORG"
        for c in head.children:
            if c.dep_ in ("appos", "compound", "flat", "npadvmod") and c.i > head.i:
                m = self._mention_at(c)
                if m is not None and m.label == wanted:
                    return m
        return None

    def _learn_descriptors(self, m: Mention) -> None:
        if m.local < 0 or m.label != "PERSON":
            return
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            return
        top = _np_top(span.root)
        around = [t for t in _np_tokens(top) if not (span.start <= t.i < span.end)]
        words = {t.lower_ for t in around}
        self.index.countries.setdefault(m.local, set()).update(
            t.lower_[:4] for t in around if _country_word(t)
        )
        self.index.last_seen[m.local] = m.start
        gender = "he" if words & MALE_WORDS else "she" if words & FEMALE_WORDS else None
        if gender:
            self.index.gender.setdefault(m.local, gender)

    def _countries(self, head: Token, local: int | None) -> frozenset[str]:
        found = set(_np_countries(_np_top(head)))
        if local is not None:
            found |= self.index.countries.get(local, set())
        return frozenset(found)

    def _display_name(self, head: Token, m: Mention, kind: RefKind) -> str:
        """A person by the fullest name the article uses; an organisation by the longer of
        its entity name and the phrase here ("Russia’s defence ministry" over "defence
        ministry"), so the country is not lost."""
        entity = self.index.entities.get(m.local)
        name = _clean_name(entity.name if entity is not None else m.text)
        if kind == "person":
            return name
        core = core_text(_np_top(head))
        return core if name.lower() in core.lower() and len(core) > len(name) else name


def _index_mentions(doc: Doc, mentions: list[Mention], entities: dict[int, LocalEntity]) -> _EntityIndex:
    by_token, kept = _token_index(doc, mentions)
    return _EntityIndex(by_token, kept, entities, by_name=_names(entities.values()))


def _names(entities: Iterable[LocalEntity]) -> dict[str, int]:
    """Each word of a person's name that names only that person in the article."""
    seen: dict[str, set[int]] = {}
    for e in entities:
        if e.label != "PERSON":
            continue
        for form in [e.name, *e.surface_forms]:
            for w in form.split():
                if w[:1].isupper() and len(w) > 2:
                    seen.setdefault(w, set()).add(e.key)
    return {w: next(iter(keys)) for w, keys in seen.items() if len(keys) == 1}


def _token_index(doc: Doc, mentions: list[Mention]) -> tuple[list[int], list[Mention]]:
    """Which mention each token belongs to (-1: none); overlapping mentions keep the first."""
    by_token = [-1] * len(doc)
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or any(by_token[i] >= 0 for i in range(span.start, span.end)):
            continue
        for i in range(span.start, span.end):
            by_token[i] = len(kept)
        kept.append(m)
    return by_token, kept


def _possessor_of_document(head: Token) -> Token:
    """ "The ministry’s statement noted": the speaker is the ministry, not the statement."""
    if head.lemma_.lower() in DOCUMENT_NOUNS:
        poss = next((c for c in head.children if c.dep_ == "poss"), None)
        if poss is not None:
            return poss
    return head


def _kind_of(label: str, head: Token) -> tuple[RefKind, bool]:
    plural = head.tag_ in ("NNS", "NNPS")
    if label == "PERSON":
        return "person", False
    if label == "ORG" or label in PLACE_LABELS:
        return ("group" if plural else "org"), plural
    if label == "NORP":
        return "group", True
    return "other", plural


def _pronoun_fits(pron: str, ref: Referent, gender: dict[int, str]) -> bool:
    if pron in ("he", "she"):
        if ref.kind != "person" or ref.plural:
            return False
        known = gender.get(ref.local) if ref.local is not None else None
        return known is None or known == pron
    if pron == "it":
        return ref.kind == "org" and not ref.plural
    return ref.kind == "group" or ref.plural or ref.kind == "org"


def _coordinated(head: Token) -> bool:
    """ "Russia and China", also when the parser hung the second name on the first
    name rather than on the title before it ("Minister Andrey Belousov and … Dong Jun")."""
    if any(c.dep_ == "conj" for c in head.children):
        return True
    return any(c.dep_ == "appos" and any(g.dep_ == "conj" for g in c.children) for c in head.children)


def _moved(ref: Referent, position: int) -> Referent:
    return Referent(ref.name, ref.local, ref.kind, ref.plural, ref.head, ref.countries, position)


def _definite(head: Token) -> bool:
    return any(
        c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) for c in head.children
    )


def _np_top(tok: Token) -> Token:
    """Climb from a name to the noun phrase it names: "Minister" in "Minister Andrey Belousov"."""
    for _ in range(4):
        if tok.dep_ in ("appos", "compound", "flat") and tok.head.i != tok.i:
            tok = tok.head
        else:
            break
    return tok


def _np_tokens(top: Token) -> list[Token]:
    """The noun phrase's own tokens: without clauses or coordinated phrases hanging on it."""
    out: list[Token] = []
    stack = [top]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE_CHILD_DEPS)
    return out


def _np_countries(top: Token) -> set[str]:
    """Countries and nationalities in a noun phrase, by their first four letters, so
    "Russia’s" and "Russian" agree."""
    return {t.text.lower()[:4] for t in _np_tokens(top) if _country_word(t)}


def _country_word(tok: Token) -> bool:
    """A country or nationality: tagged so, or a capitalised demonym the tagger missed."""
    if len(tok.text) <= 2:
        return False
    if tok.ent_type_ in COUNTRY_LABELS:
        return True
    return tok.text[0].isupper() and tok.dep_ in ("amod", "compound") and tok.lower_.endswith(DEMONYM_ENDINGS)


def core_text(head: Token) -> str:
    """The noun phrase without relative clauses, appositions, or a leading article."""
    doc = head.doc
    left, right = head.left_edge.i, head.right_edge.i + 1
    for c in head.children:
        if c.i > head.i and c.dep_ in CLAUSE_CHILD_DEPS | {"appos", "punct", "prep"} and c.lower_ != "of":
            right = min(right, c.left_edge.i)
    while left < right and (
        doc[left].is_punct or (doc[left].dep_ == "det" and doc[left].lower_ in ("the", "a", "an"))
    ):
        left += 1
    return _clean_name(doc[left:right].text) if right > left else head.text


def _strip_article(text: str) -> str:
    for art in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(art):
            return text[len(art) :]
    return text


def _clean_name(text: str) -> str:
    text = _strip_article(text.strip())
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip(" ,")
