"""Framing: loaded wording an outlet states in its own voice, told apart from wording it
attributes to someone, and who each article cites.

The deciding signal is attribution, not the words: "terror riots" in the outlet's own
sentence is framing; the same words inside a quotation, inside what someone "said",
"views as", "calls", "accuses … of", after "according to" or "so-called", are reported,
not asserted.  So every article is first mapped into attributed stretches (quotation
marks, the quotes and reported clauses enrichment found, and the frames below), and a
lexicon hit counts as own-voice framing only outside all of them.

Why the logic and the lexicon are ours: no offline library separates own voice from
attribution.  The published bias lexicons are unusable here: Recasens et al. (2013)'s is
not packaged, and the MPQA subjectivity clues are GPL.  So the lexicon below is written
in our own words, organised by the categories of Wikipedia's "Words to watch" guideline
(contentious labels, loaded verbs of saying, editorialising intensifiers, expressions of
doubt) and of Recasens et al.'s bias cues; it was extended by reading the lexical-bias
spans of BASIL's tuning portion (2010-2012 only; see `bench/basil.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyline.enrich.attribution import find_frames, plausible_source
from storyline.enrich.quote_spans import find_quoted_spans
from storyline.model import Analysis, Article, Framing, Quote


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- the lexicon (lemmas; multi-word entries are matched on lower-case words) ------------------
CONTENTIOUS_LABELS = _words("""
aggression aggressor abduction abduct kidnap kidnapping regime junta puppet terror terrorist
terrorism thug extremist extremism radical fanatic zealot militant hardliner hard-line hardline
propaganda provocation provocateur atrocity massacre slaughter bloodbath genocide dictator
dictatorship tyrant tyranny despot warmonger hegemony hegemonic imperialist imperialism
interference meddling meddle destabilize destabilise destabilizing illegal illegally unlawful
lawless piracy pirate bandit criminal crook cult rogue fringe far-right far-left ultra
conspiracy sham farce charade scam hoax witch-hunt vendetta crony cronyism elitist
""")
LOADED_VERBS = _words("""
slam blast lash rail excoriate chide berate scold mock ridicule deride sneer scoff pounce
assail lambaste bash rip tout boast brag whine gripe grumble cave capitulate backtrack
flip-flop dodge stonewall gloat smear peddle spew stoke crush trounce thrash squander
plunder grab hijack sabotage obstruct bully harangue lecture rant taunt snub rebuff
complain raid assault dangle flirt slash devolve
""")
EVALUATIVE = _words("""
reckless provocative hostile belligerent brutal ruthless barbaric savage sinister notorious
infamous disgraced embattled beleaguered controversial divisive polarizing firebrand
shameful outrageous appalling disastrous catastrophic dismal disgraceful debacle fiasco
chaos chaotic tirade screed diatribe onslaught bombastic fierce ferocious furious scathing
blistering draconian egregious blatant flagrant brazen shameless absurd ridiculous laughable
bizarre alarming shocking stunning staggering gaffe gaffe-prone testy frosty disdainful
dismissive unabashed unabashedly dangerous menacing aggressive vicious heavy-handed
clearly obviously undoubtedly supposedly purportedly self-styled self-proclaimed
self-titled infamously erroneously falsely uproar outrage adamant prestigious facetiously
strikingly gaffe
""")
LOADED_PHRASES = (
    "so called",
    "lash out",
    "rail against",
    "cave in",
    "crack down",
    "power grab",
    "witch hunt",
    "refuse to budge",
    "muddy the waters",
    "beat up",
)
LEXICON = CONTENTIOUS_LABELS | LOADED_VERBS | EVALUATIVE

# Verbs whose object or complement is someone's characterisation, not the outlet's:
# "what X view as Y", "X called the detention unlawful", "accused China of Y".
CHARACTERISING_VERBS = _words(
    """view see regard consider perceive deem call label brand describe term dub characterize characterise portray present depict paint cast accuse allege blame charge denounce condemn
    criticize criticise decry hail claim insist"""
)
CONTESTED_VERBS = _words(
    """view regard perceive deem call label brand describe term dub characterize characterise
    accuse allege blame charge denounce condemn decry claim"""
)
# "agreed to widen cooperation in response to the regime's provocations": what follows a
# commitment is the action, and its adjuncts are the outlet's narration, not a report.
COMMITMENT_VERBS = _words(
    "agree pledge vow promise plan decide intend seek want hope aim refuse offer propose wish prefer"
)
# Verbs with a plain sense too ("we see the ships", "presented a plan", "called a meeting"):
# they characterise only with "as …", a predicate ("called it unlawful") or a clause.
AMBIGUOUS_VERBS = _words("see consider present paint cast depict portray charge call hail claim insist")
CHARACTERISING_DEPS = frozenset({"oprd", "ccomp", "xcomp", "acomp"})
DISCREDITING_HEADS = frozenset({"try", "attempt", "seek", "struggle"})  # "tried to present X as Y"
PORTRAYING_VERBS = frozenset({"present", "portray", "paint", "depict", "cast", "spin", "frame"})
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "oprd", "dobj", "acomp", "prep", "advcl", "attr", "dative"})
_SO_CALLED_RE = re.compile(r"\b(so-called|so called|self-styled|self-proclaimed)\s+", re.IGNORECASE)
MAX_SCARE_QUOTE_WORDS = 4

# --- sourcing ----------------------------------------------------------------------------
STATE_MEDIA = _words("""xinhua cctv cgtn tass ria novosti sputnik rt kcna irna ptv global times people's daily
    rossiya channel one""")
MEDIA_WORDS = _words(
    "broadcaster agency newspaper media daily tabloid outlet network channel television tv radio press"
)
ANONYMOUS_WORDS = _words(
    "source sources insider insiders person people official officials diplomat diplomats"
)
ANALYST_WORDS = _words(
    "analyst analysts expert experts observer observers commentator commentators scholar scholars researcher researchers academic academics"
)
ORG_WORDS = _words(
    "ministry ministries government department office council commission agency committee spokesman spokeswoman spokesperson readout statement army navy military police"
)


@dataclass
class Scope:
    """A stretch the outlet attributes to someone; `contested` when the frame reports a
    characterisation or accusation (the framing list shows those even without a loaded word)."""

    start: int
    end: int
    frame_start: int
    contested: bool = False
    cue: str = ""
    cue_chars: tuple[int, int] = (0, 0)  # the reporting verb, the outlet's own word choice


def lexicon_hits(doc: Doc, lexicon: frozenset[str] = LEXICON) -> list[tuple[int, int]]:
    """Token ranges of lexicon words and phrases, matched by form or lemma ("lashed out")."""
    forms = [(t.lower_, t.lemma_.lower()) for t in doc]  # one pass: a Token is built per access
    hits = [(i, i + 1) for i, (lower, lemma) in enumerate(forms) if lower in lexicon or lemma in lexicon]
    for phrase in LOADED_PHRASES:
        first, *rest = phrase.split()
        for i in range(len(forms) - len(rest)):
            if first in forms[i] and all(w in forms[i + k] for k, w in enumerate(rest, start=1)):
                hits.append((i, i + 1 + len(rest)))
    return sorted(set(hits))


def phrase_of(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A hit widened to the phrase a reader sees: a modifier with its noun ("terror riots",
    "illegal seizure"), a verb with its particle ("lashed out")."""
    tok = doc[start]
    if tok.dep_ in ("amod", "compound", "nmod") and tok.head.i > tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
        end = max(end, tok.head.i + 1)
        tok = tok.head
    if tok.pos_ in ("NOUN", "PROPN"):
        start = min(
            [start]
            + [c.left_edge.i for c in tok.children if c.dep_ in ("amod", "compound", "nmod") and c.i < start]
        )
    if tok.pos_ == "VERB":
        end = max([end] + [c.i + 1 for c in tok.children if c.dep_ == "prt"])
    return start, end


def attributed_scopes(doc: Doc, quotes: Sequence[Quote] = ()) -> list[Scope]:
    """Every stretch of the article that reports someone else's words or views."""
    scopes = [Scope(q.start, q.end, q.start) for q in quotes if q.kind != "indirect"]
    scopes += [Scope(s.start, s.end, s.start) for s in find_quoted_spans(doc.text)]
    for k, sent in enumerate(doc.sents):
        scopes += _frame_scopes(sent, k)
        scopes += _characterising_scopes(sent)
    scopes += _so_called_scopes(doc)
    return scopes


def _frame_scopes(sent: Span, k: int) -> list[Scope]:
    """Reporting frames from enrichment's attribution reader: said/believes/according to."""
    doc = sent.doc
    found = []
    for frame in find_frames(sent, k):
        if frame.content is None or doc[frame.cue_start].lemma_.lower() in COMMITMENT_VERBS:
            continue
        if frame.source_head is not None and not plausible_source(doc[frame.source_head]):
            continue  # "his visit threatens to muddy the waters": nobody is reported
        start, end = doc[frame.content[0]].idx, _end_char(doc, frame.content[1])
        cue = (doc[frame.cue_start].idx, _end_char(doc, frame.cue_end))
        found.append(
            Scope(
                start, end, doc[frame.cue_start].idx, cue=doc[frame.cue_start].lemma_.lower(), cue_chars=cue
            )
        )
    return found


def _characterising_scopes(sent: Span) -> list[Scope]:
    """ "what X view as Y", "X called Y unlawful", "accused Y of Z": the characterisation is
    X's.  A portrayal someone only "tried" to make is the outlet's verdict, not attribution."""
    found = []
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma not in CHARACTERISING_VERBS or not _verb_like(tok) or _discredited(tok):
            continue
        parts = [c for c in tok.children if c.dep_ in CONTENT_DEPS]
        if not parts or not _has_source(tok) or not _characterises(lemma, parts):
            continue
        doc = sent.doc
        start = min(c.left_edge.i for c in parts)
        end = max(c.right_edge.i for c in parts) + 1
        frame_start = min(
            start, tok.i, *(c.left_edge.i for c in tok.children if c.dep_ in ("nsubj", "nsubjpass"))
        )
        contested = lemma in CONTESTED_VERBS or any(_as_phrase(c) for c in parts)
        found.append(Scope(doc[start].idx, _end_char(doc, end), doc[frame_start].idx, contested, lemma))
    return found


def _characterises(lemma: str, parts: list[Token]) -> bool:
    """An unambiguous verb always does; a verb with a plain sense only with "as …", a
    predicate or a clause."""
    if lemma not in AMBIGUOUS_VERBS:
        return True
    return any(_as_phrase(c) or c.dep_ in CHARACTERISING_DEPS for c in parts)


def _as_phrase(tok: Token) -> bool:
    """ "as Washington's disruptive policies", "as US interference": a characterisation."""
    return (tok.dep_ == "prep" and tok.lower_ == "as") or any(
        c.dep_ == "mark" and c.lower_ == "as" for c in tok.children
    )


def _verb_like(tok: Token) -> bool:
    """A verb, or a word the tagger took for a noun but that has a subject ("what Moscow
    and Beijing view as …")."""
    return tok.pos_ == "VERB" or any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _has_source(verb: Token) -> bool:
    """The verb has someone doing the viewing or calling: a subject, an agent, or passive."""
    deps = {c.dep_ for c in verb.children}
    return bool(deps & {"nsubj", "nsubjpass", "agent", "auxpass"}) or verb.dep_ in (
        "relcl",
        "acl",
        "advcl",
        "xcomp",
    )


def _discredited(verb: Token) -> bool:
    return (
        verb.lemma_.lower() in PORTRAYING_VERBS
        and verb.dep_ == "xcomp"
        and verb.head.lemma_.lower() in DISCREDITING_HEADS
    )


def _so_called_scopes(doc: Doc) -> list[Scope]:
    """ "so-called X": the label X is someone else's."""
    found = []
    for m in _SO_CALLED_RE.finditer(doc.text):
        span = doc.char_span(m.end(), min(len(doc.text), m.end() + 1), alignment_mode="expand")
        if span is not None:
            head = span.root if span.root.pos_ in ("NOUN", "PROPN") else span.root.head
            found.append(Scope(m.start(), _end_char(doc, head.i + 1), m.start(), True, "so-called"))
    return found


def _end_char(doc: Doc, token_end: int) -> int:
    last = doc[max(0, token_end - 1)]
    return last.idx + len(last.text)


def _inside(start: int, end: int, scopes: Iterable[Scope]) -> Scope | None:
    """The scope that attributes this stretch; a frame's own cue verb ("…, the host
    complained, …") is the outlet's word even where the reported clause surrounds it."""
    for s in scopes:
        if s.start <= start and end <= s.end and not (s.cue_chars[0] < end and start < s.cue_chars[1]):
            return s
    return None


def frame_article(
    article: Article, analysis: Analysis | None, doc: Doc, lexicon: frozenset[str] = LEXICON
) -> list[Framing]:
    """Own-voice loaded wording, discrediting portrayals, and attributed characterisations."""
    quotes = analysis.quotes if analysis is not None else []
    scopes = attributed_scopes(doc, quotes)
    hits = lexicon_hits(doc, lexicon)  # one pass over the tokens serves both readings
    found = own_voice(article.id, doc, scopes, lexicon, hits) + discrediting(article.id, doc)
    found += attributed(article.id, doc, scopes, lexicon, hits)
    return _dedupe(found)


def own_voice(
    article_id: str,
    doc: Doc,
    scopes: Sequence[Scope],
    lexicon: frozenset[str] = LEXICON,
    hits: Sequence[tuple[int, int]] | None = None,
) -> list[Framing]:
    """Lexicon hits outside every attributed stretch (`hits` when already found)."""
    found = []
    for start, end in lexicon_hits(doc, lexicon) if hits is None else hits:
        s, e = phrase_of(doc, start, end)
        a, b = doc[s].idx, _end_char(doc, e)
        if _inside(doc[start].idx, _end_char(doc, end), scopes) is None:
            found.append(Framing(article_id, a, b, doc.text[a:b], "loaded-own-voice"))
    return found


def discrediting(article_id: str, doc: Doc) -> list[Framing]:
    """ "have tried to present the drill as a threat": the outlet judges the portrayal false."""
    found = []
    for tok in doc:
        if tok.pos_ == "VERB" and _discredited(tok):
            a, b = tok.head.idx, _end_char(doc, tok.right_edge.i + 1)
            found.append(Framing(article_id, a, b, doc.text[a:b], "loaded-own-voice"))
    return found


def attributed(
    article_id: str,
    doc: Doc,
    scopes: Sequence[Scope],
    lexicon: frozenset[str] = LEXICON,
    hits: Sequence[tuple[int, int]] | None = None,
) -> list[Framing]:
    """Contested characterisations the outlet attributes, and loaded words inside quotes."""
    found = [
        Framing(article_id, s.frame_start, s.end, doc.text[s.frame_start : s.end], "attributed")
        for s in scopes
        if s.contested
    ]
    for start, end in lexicon_hits(doc, lexicon) if hits is None else hits:
        a, b = doc[start].idx, _end_char(doc, end)
        scope = _inside(a, b, scopes)
        if scope is not None and not scope.contested:
            found.append(Framing(article_id, a, b, doc.text[a:b], _scare_or_attributed(doc.text, scope)))
    return found


def _scare_or_attributed(text: str, scope: Scope) -> str:
    """A few words in quotation marks with nobody quoted: the outlet's distancing."""
    inner = text[scope.start : scope.end].strip("“”\"‘’' ")
    quoted = text[scope.start : scope.start + 1] in "“\"‘'"
    return "scare-quote" if quoted and len(inner.split()) <= MAX_SCARE_QUOTE_WORDS else "attributed"


def _dedupe(items: list[Framing]) -> list[Framing]:
    """One item per stretch and kind, an item inside a longer one of the same kind dropped."""
    items = sorted(items, key=lambda f: (f.start, -f.end, f.kind))
    kept: list[Framing] = []
    for f in items:
        if not any(k.kind == f.kind and k.start <= f.start and f.end <= k.end for k in kept):
            kept.append(f)
    return kept


# --- sourcing ------------------------------------------------------------------------------


def source_kind(name: str | None, label: str | None) -> str:
    """What kind of source a speaker phrase names: named person, organisation, state media,
    other media, analysts, anonymous, or unknown."""
    words = set(re.findall(r"[a-z']+", (name or "").lower()))
    if words & STATE_MEDIA or ("state" in words and words & MEDIA_WORDS):
        return "state_media"
    if words & MEDIA_WORDS:
        return "media"
    if words & ANALYST_WORDS:
        return "analysts"
    if label == "PERSON":
        return "named_person"
    if label in ("ORG", "GPE", "NORP") or words & ORG_WORDS:
        return "organisation"
    if words & ANONYMOUS_WORDS:
        return "anonymous"
    return "other"


def sourcing(analysis: Analysis) -> dict[str, int]:
    """How often the article cites each kind of source, counted over its attributed
    statements (a partial quote inside a reported clause counts once, with its clause)."""
    counts: Counter[str] = Counter()
    outer: list[Quote] = []
    for q in sorted(analysis.quotes, key=lambda q: (q.start, -q.end)):
        if any(o.start <= q.start and q.end <= o.end for o in outer):
            continue
        outer.append(q)
        counts[source_kind(q.speaker_name, speaker_label(q, analysis))] += 1
    return dict(sorted(counts.items()))


def speaker_label(quote: Quote, analysis: Analysis) -> str | None:
    """The entity label of the quote's speaker: by local key, by global id, or by name
    ("China and Russia" names two places: governments speaking)."""
    for e in analysis.entities:
        if (quote.speaker_local is not None and e.key == quote.speaker_local) or (
            quote.speaker and e.entity == quote.speaker
        ):
            return e.label
    names = [e for e in analysis.entities if quote.speaker_name and e.name in quote.speaker_name]
    labels = {e.label for e in names}
    return labels.pop() if len(labels) == 1 else None
