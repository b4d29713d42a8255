"""Word lists the quote and speaker rules read, in one place.

Lists, not models: each is short enough to review, and each was checked against the cues
and sources annotated in PolNeAR train (see bench/polnear.py).  Lemmas, lower case.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs of saying: they report content and can introduce a direct quote ("…,” he added").
SPEECH_VERBS = _words(
    """say tell add note state stress emphasize emphasise declare announce explain insist argue
    claim assert reply respond answer ask write tweet post comment remark observe continue
    conclude recall warn urge affirm reaffirm reiterate confirm deny acknowledge admit concede
    suggest predict promise pledge vow threaten complain caution underline underscore point
    report testify joke quip boast lament charge allege maintain contend agree counter retort
    accuse blame shout yell whisper plead demand propose recommend reveal disclose indicate mention describe
    call tout proclaim exclaim assure reassure inform highlight hint estimate speculate
    guarantee swear brag scoff snap grumble mutter murmur sigh stipulate specify clarify
    elaborate signal instruct advise order request implore beg counsel notify publish text
    email message broadcast read"""
)
# Speech verbs that also take things as subjects ("the exercises signal …", "events
# underscore …"): with these, the subject must be someone (see `attribution.plausible_source`).
ANALYTIC_VERBS = _words(
    """underscore underline highlight signal indicate suggest hint point reveal mark echo call
    show predict estimate confirm note"""
)
# Words that make a noun phrase a medium speaking for itself ("state broadcaster CCTV").
MEDIA_NOUNS = _words(
    "broadcaster agency newspaper paper outlet channel network station daily tabloid website"
)
# Verbs of thinking: they attribute a complement clause ("believes that …"), never a quote.
THOUGHT_VERBS = _words(
    """think believe feel hope fear worry expect know doubt suspect consider assume realize
    realise understand wonder imagine reckon guess figure envision anticipate learn remember"""
)
# Verbs of showing: an attribution only when a document is the subject ("a poll showed …").
EVIDENCE_VERBS = _words("show find suggest indicate reveal estimate conclude project")
# Speech verbs whose direct object is the message ("reaffirmed China's readiness to …").
MESSAGE_OBJECT_VERBS = _words(
    """stress emphasize emphasise reaffirm reiterate highlight underline underscore note deny
    confirm acknowledge admit concede predict describe mention reveal disclose report explain
    propose recommend demand write tweet post announce express voice outline detail call
    question dispute reject"""
)
# Speech verbs whose to-infinitive is the content ("urged Moscow to …", "vowed to …").
XCOMP_VERBS = _words(
    """urge ask call promise pledge vow threaten agree tell warn advise order propose offer
    claim demand request instruct implore beg"""
)
# Speech verbs whose content follows a preposition: "called for …", "accused X of …".
PREP_CONTENT = {
    "call": ("for", "on"),
    "push": ("for",),
    "argue": ("for", "against"),
    "warn": ("of", "against", "about"),
    "accuse": ("of",),
    "blame": ("for",),
    "charge": ("with",),
}
# Verbs that name what someone called something: the quoted predicate is their word.
NAMING_VERBS = _words("call describe dub label brand term name")
# Nouns that stand for a text rather than a speaker ("the ministry’s statement noted").
DOCUMENT_NOUNS = _words(
    """poll survey study report data analysis research document memo email e-mail records
    figures statistics investigation audit review statement readout letter filing transcript
    video footage census communique communiqué release post tweet message"""
)
PERSON_NOUNS = _words(
    """minister spokesman spokeswoman spokesperson official chief president secretary ambassador
    general admiral commander leader head chairman chairwoman chair director analyst expert
    diplomat source officer envoy counterpart premier governor senator lawmaker legislator
    representative congressman congresswoman mayor candidate nominee adviser advisor aide
    strategist economist researcher scientist professor lawyer attorney judge prosecutor
    manager executive ceo founder owner activist organizer organiser voter resident witness
    survivor victim doctor negotiator deputy colleague host anchor reporter correspondent
    journalist editor author writer pollster observer critic supporter opponent member
    insider partner veteran king queen prince emperor pope mp man woman person people
    citizen student worker employee teacher farmer democrat republican conservative liberal
    progressive delegate staffer consultant operative""".replace("\n", " ")
)
ORG_NOUNS = _words(
    """ministry government department agency office army military navy commission committee
    council parliament broadcaster media outlet newspaper paper company firm embassy
    administration party court police bank campaign group organization organisation union
    alliance coalition side authority authorities regime cabinet kremlin pentagon secretariat
    bureau directorate service network channel station television institute center centre
    foundation association federation league board tribunal team staff headquarters command
    state country nation website site magazine"""
)
# Heads of a quantity whose "of" phrase is the real source ("a majority of voters said").
QUANTITY_NOUNS = _words(
    """number majority minority most many some few half percent all both none one two three
    several dozens hundreds thousands millions share third quarter plurality"""
)
MALE_WORDS = _words("mr mr. spokesman chairman congressman businessman king prince")
FEMALE_WORDS = _words("mrs mrs. ms ms. miss spokeswoman chairwoman congresswoman queen princess")
