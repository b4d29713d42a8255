"""Attribution frames: who says (or thinks) what, read off one sentence's dependency parse.

A frame is a cue (a reporting verb, or "according to"), its source (the subject, or the
object of "according to") and its content (the reported clause or message).  Frames are
found sentence by sentence from the parse alone; pairing them with quotation marks and
resolving the source to an entity happens in `quotes.py` and `speakers.py`.

The verb lists are ours and tuned on PolNeAR train: speech verbs can introduce direct
quotes ("…,” he added"); thought verbs only report a complement clause ("believes
that …"); evidence verbs ("a poll showed that …") count only with a document-like
subject.  Verbs of judgement (praise, criticise, support) and of intention (want, plan,
refuse) are left out on purpose, although PolNeAR annotates them: their object is what
someone was judged on or wants, not something they said, and attributing it would turn
an outlet's own words into a speaker's.  Accusations stay ("accused China of aiding …"):
what is alleged is a claim, and telling it from the outlet's own voice matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span, Token

from storyline.enrich.lexicon import (
    ANALYTIC_VERBS,
    DOCUMENT_NOUNS,
    EVIDENCE_VERBS,
    MESSAGE_OBJECT_VERBS,
    NAMING_VERBS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PREP_CONTENT,
    QUANTITY_NOUNS,
    SPEECH_VERBS,
    THOUGHT_VERBS,
    XCOMP_VERBS,
)

ContentKind = Literal["clause", "object", "according", "none"]
IsNamed = Callable[[Token], bool]  # does the article's entity finding name this token?

CLAUSE_DEPS = frozenset({"ccomp"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp"})
DATELINE_DASHES = frozenset({"-", "–", "—", "--"})
CUE_PREFIX_DEPS = frozenset({"aux", "auxpass", "neg", "advmod"})
MAX_HEADLINE_SOURCE = 6  # tokens before a headline's colon that can still be a name


@dataclass
class Frame:
    """One attribution in one sentence; token indices are into the Doc, ends exclusive."""

    cue_start: int
    cue_end: int
    speech: bool  # a speech verb (or "according to"), able to introduce a direct quote
    source: tuple[int, int] | None
    source_head: int | None
    content: tuple[int, int] | None
    content_kind: ContentKind
    sentence: int  # index of the sentence in the Doc
    negated: bool = False  # "did not mention …": a cue, but nothing was said


def find_frames(sent: Span, sentence_index: int, named: IsNamed = lambda t: False) -> list[Frame]:
    """All attribution frames whose cue is in `sent`, in text order.

    `named` tells which tokens belong to a name the entity finder found, so a source the
    tagger got wrong ("Sanders/NNS tells reporters") still counts as someone."""
    frames: list[Frame] = []
    for tok in sent:
        frame = _verb_frame(tok, sentence_index, named) or _according_frame(tok, sentence_index)
        if frame is not None:
            frames.append(frame)
    return frames


def headline_frame(sent: Span, sentence_index: int, named: IsNamed = lambda t: False) -> Frame | None:
    """A headline's "Name: claim" ("Pat Caddell: Democrat Voters Worried …"): the colon
    is the cue, the name before it the source, everything after it the content."""
    colon = next((t for t in sent[: MAX_HEADLINE_SOURCE + 1] if t.text == ":"), None)
    if colon is None or colon.i + 1 >= sent.end:
        return None
    source = [t for t in sent.doc[sent.start : colon.i] if not t.is_space]
    if not source or any(t.pos_ in ("VERB", "AUX") for t in source):
        return None
    head = next((t for t in reversed(source) if t.pos_ in ("PROPN", "NOUN")), None)
    if head is None or not (head.pos_ == "PROPN" or named(head) or plausible_source(head)):
        return None
    left, right = trim_punct(sent.doc, colon.i + 1, sent.end)
    if right <= left:
        return None
    return Frame(colon.i, colon.i + 1, True, (source[0].i, source[-1].i + 1), head.i, (left, right), "clause",
                 sentence_index)  # fmt: skip


def is_cue_verb(tok: Token) -> bool:
    """A verb of saying, thinking or showing, as the parser tagged it."""
    lemma = tok.lemma_.lower()
    return tok.pos_ in ("VERB", "AUX") and (
        lemma in SPEECH_VERBS or lemma in THOUGHT_VERBS or lemma in EVIDENCE_VERBS
    )


def _verb_frame(tok: Token, sentence_index: int, named: IsNamed) -> Frame | None:
    if not is_cue_verb(tok) or tok.dep_ in ("amod", "compound", "aux", "auxpass"):
        return None
    lemma = tok.lemma_.lower()
    subject = find_subject(tok)
    if subject is None or subject.lower_ in ("there", "what", "which"):
        return None
    speech = lemma in SPEECH_VERBS
    someone = plausible_source(subject) or named(subject)
    if (not speech or lemma in ANALYTIC_VERBS) and not someone:
        return None  # "the exercises signal …": an outlet's analysis, not an attribution
    if lemma in EVIDENCE_VERBS and not speech and subject.lemma_.lower() not in DOCUMENT_NOUNS:
        return None
    content, kind = _verb_content(tok, lemma, speech)
    if kind == "none" and not speech:
        return None
    cue_start, cue_end = _cue_extent(tok)
    negated = any(c.dep_ == "neg" for c in tok.children)
    return Frame(cue_start, cue_end, speech, _source_extent(tok, subject), subject.i, content, kind,
                 sentence_index, negated)  # fmt: skip


def _source_extent(verb: Token, subject: Token) -> tuple[int, int]:
    """Where the source stands: "who" in "Sanders, who said …" (resolved to Sanders
    through `subject`), else the subject's phrase."""
    rel = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.lower_ in RELATIVE_PRONOUNS), None)
    if rel is not None and verb.dep_ == "relcl" and subject.i == verb.head.i:
        return rel.i, rel.i + 1
    return source_span(subject)


def _according_frame(tok: Token, sentence_index: int) -> Frame | None:
    """`according to X, …` — X is the source, the clause it hangs on is the content."""
    if tok.lower_ != "according":
        return None
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if pobj is None:
        return None
    head = tok.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "leads Sanders by 271 and pledged …, according to": the whole clause
    content = _clause_without(head, tok) if head.i != tok.i else None
    return Frame(tok.i, to.i + 1, True, source_span(pobj), pobj.i, content,
                 "according" if content else "none", sentence_index)  # fmt: skip


def plausible_source(tok: Token) -> bool:
    """Someone who can say or write things: a pronoun, a name, a person, an organisation,
    a document, or a quantity of those ("a majority of voters").  "Events have
    underscored …" is the outlet's own analysis, not an attribution."""
    if tok.pos_ in ("PRON", "PROPN") or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    lemma = tok.lemma_.lower()
    if lemma in PERSON_NOUNS or lemma in ORG_NOUNS or lemma in DOCUMENT_NOUNS:
        return True
    if lemma in QUANTITY_NOUNS or tok.pos_ == "NUM":
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return pobj is None or plausible_source(pobj)  # "52 percent said", "most of the voters"
    return False


def _cue_extent(tok: Token) -> tuple[int, int]:
    """The verb with what reads as part of it: auxiliaries, negation and adverbs just
    before ("has repeatedly said", "did not say"), a particle or content preposition
    ("pointed out", "called for") and a colon just after ("said:")."""
    doc = tok.doc
    left = tok.i
    while left > 0 and doc[left - 1].head.i == tok.i and doc[left - 1].dep_ in CUE_PREFIX_DEPS:
        left -= 1
    right = tok.i + 1
    preps = PREP_CONTENT.get(tok.lemma_.lower(), ()) + ("of",) * (tok.lemma_.lower() == "say")
    while (
        right < len(doc)
        and doc[right].head.i == tok.i
        and (doc[right].dep_ == "prt" or (doc[right].dep_ == "prep" and doc[right].lower_ in preps))
    ):
        right += 1
    if right < len(doc) and doc[right].text == ":":
        right += 1
    return left, right


def find_subject(verb: Token) -> Token | None:
    """The verb's subject, or the subject it shares with the verb it hangs on.

    "Belousov met Zhang, saying …", "He noted … and said …": the second verb has no
    subject of its own and takes its head's.  A relative pronoun stands for its noun.
    """
    tok: Token | None = verb
    for _ in range(4):
        if tok is None:
            return None
        subj = next((c for c in tok.children if c.dep_ in SUBJECT_DEPS), None)
        if subj is not None:
            if subj.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                return tok.head
            return subj
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
            tok = tok.head.head  # "explained it by saying: …"
            continue
        if tok.i == verb.i and verb.lemma_.lower() in SPEECH_VERBS:
            inverted = _inverted_subject(verb)
            if inverted is not None:
                return inverted
        if tok.dep_ not in INHERIT_DEPS or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _inverted_subject(verb: Token) -> Token | None:
    """ "…,” said Belousov" when the parser took the name for an object."""
    if verb.i == 0 or not verb.doc[verb.i - 1].is_punct:
        return None
    for c in verb.children:
        if (
            c.i > verb.i
            and c.dep_ in ("dobj", "attr", "npadvmod", "appos", "oprd")
            and c.pos_ in ("PROPN", "NOUN")
        ):
            return c if plausible_source(c) else None
    return None


def source_span(head: Token) -> tuple[int, int]:
    """The source noun phrase: the head's subtree without a clause that holds the cue,
    trimmed of edge punctuation.  A comma or dash closing an appositive or a relative
    clause stays ("Wang, the spokesman, said"), as does a closing bracket, as PolNeAR's
    annotators mark them."""
    left, right = head.left_edge.i, head.right_edge.i + 1
    for c in head.children:
        if c.dep_ in ("relcl", "acl") and c.i > head.i and _has_cue_below(c):
            right = min(right, c.left_edge.i)
    doc = head.doc
    dash = max((t.i for t in doc[left : head.i] if t.text in DATELINE_DASHES), default=None)
    if dash is not None and head.i > dash:
        left = dash + 1  # "LONDON (Reuters) - Donald Trump said": the dateline is not the source
    while left < right - 1 and (doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > left + 1 and (doc[right - 1].is_space or _droppable_end(doc, left, right)):
        right -= 1
    return left, right


def _droppable_end(doc: Doc, left: int, right: int) -> bool:
    """Is the last token of a source phrase punctuation that does not belong to it?"""
    last = doc[right - 1]
    if not last.is_punct:
        return False
    if last.text in (")", "]"):
        return not any(t.text in ("(", "[") for t in doc[left : right - 1])
    if last.text in (",", "—", "–", "-"):
        inner = doc[left : right - 1]
        return not any(t.dep_ in ("appos", "relcl", "acl") for t in inner) and not any(
            t.text == last.text for t in inner
        )
    return True


def _has_cue_below(tok: Token) -> bool:
    return any(is_cue_verb(t) for t in tok.subtree)


def _verb_content(verb: Token, lemma: str, speech: bool) -> tuple[tuple[int, int] | None, ContentKind]:
    """What was said: the complement clause(s), else an infinitive, else the message object."""
    clauses = [c for c in verb.children if c.dep_ in CLAUSE_DEPS]
    if clauses:
        return _extent(clauses), "clause"
    xcomp = [c for c in verb.children if c.dep_ == "xcomp" and _is_infinitive(c)]
    if xcomp and lemma in XCOMP_VERBS:
        return _extent(xcomp), "clause"
    if speech and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        return _clause_without(verb.head, verb), "clause"
    prep = _prep_content(verb, lemma)
    if prep is not None:
        return prep, "object"
    if lemma in MESSAGE_OBJECT_VERBS:
        obj = _message_object(verb, lemma)
        if obj is not None:
            return obj, "object"
    return None, "none"


def _prep_content(verb: Token, lemma: str) -> tuple[int, int] | None:
    """ "called for a ban", "accused China of aiding …": object and preposition together."""
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in PREP_CONTENT.get(lemma, ())]
    if not preps or not any(c.dep_ in ("pobj", "pcomp") for c in preps[0].children):
        return None
    parts = [c for c in verb.children if c.dep_ == "dobj" and c.i < preps[0].i] + preps[:1]
    left, right = _extent(parts)
    if parts[0].dep_ == "prep":
        left += 1  # "called for a ban": the content is the ban, not "for"
    return (left, right) if right > left else None


def _is_infinitive(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _message_object(verb: Token, lemma: str) -> tuple[int, int] | None:
    """The direct object, with its predicate for naming verbs ("called the talks
    “substantive”", "described X as Y"), unless it is a bare pronoun ("said it")."""
    dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if dobj is None:
        return None
    parts = [dobj]
    if lemma in NAMING_VERBS:
        parts += [c for c in verb.children if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as")]
    if len(parts) == 1 and dobj.pos_ == "PRON" and dobj.i == dobj.right_edge.i:
        return None  # "said it": nothing to report ("called him “a loser”" is kept)
    return _extent(parts)


def naming_predicate(verb: Token) -> Token | None:
    """The word a naming verb gives: "acts" in "what it called “separatist acts”"."""
    if verb.lemma_.lower() not in NAMING_VERBS:
        return None
    for c in verb.children:
        if c.dep_ == "oprd":
            return c
        if c.dep_ == "prep" and c.lower_ == "as":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    return None


def _extent(tokens: list[Token]) -> tuple[int, int]:
    """From the first token's subtree start to the last one's subtree end, without edge
    punctuation other than quote marks."""
    left = min(t.left_edge.i for t in tokens)
    right = max(t.right_edge.i for t in tokens) + 1
    return trim_punct(tokens[0].doc, left, right)


def trim_punct(doc: Doc, left: int, right: int) -> tuple[int, int]:
    """Drop spaces, commas, dashes and full stops at the edges; keep quote marks, which
    are part of what was quoted."""
    while left < right and (doc[left].is_space or (doc[left].is_punct and not doc[left].is_quote)):
        left += 1
    while right > left and (
        doc[right - 1].is_space or (doc[right - 1].is_punct and not doc[right - 1].is_quote)
    ):
        right -= 1
    return left, right


def _clause_without(head: Token, cut: Token) -> tuple[int, int] | None:
    """The clause of `head` minus the cue phrase `cut` hanging on it, as one stretch: the
    longer side when the cue sits at an edge, the whole clause when it interrupts it."""
    doc = head.doc
    left, right = trim_punct(doc, head.left_edge.i, head.right_edge.i + 1)
    cut_left, cut_right = cut.left_edge.i, cut.right_edge.i + 1
    if cut_left <= left:
        left = cut_right
    elif cut_right >= right:
        right = cut_left
    left, right = trim_punct(doc, left, right)
    return (left, right) if right > left else None
