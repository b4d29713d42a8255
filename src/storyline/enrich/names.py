"""Name folding: the keys that decide when two spellings name the same thing.

Outlets spell one person and one organisation many ways.  Russian names reach English
through several romanisations (Andrey/Andrei, Yevgeny/Evgeny, Aleksandr/Alexander,
Zelensky/Zelenskiy), British and American desks write "defence"/"defense", and an
organisation is named by a country adjective, a possessive or an "of" phrase ("Russia’s
Defence Ministry", "the Russian Defense Ministry", "Ministry of Defence of Russia").

No library folds these offline for English news: unidecode-style tools only strip accents,
and phonetic codes (Soundex, Metaphone) are built for English surnames and merge names
that differ.  So the rules are ours.  Each transliteration rule is a correspondence between
romanisation systems (ye/e, kh/h, ks/x, -iy/-y/-i, ...), applied to both sides, so it can
only make two spellings of one name meet; word endings, which carry gender and case in
Slavic names (Ivanov/Ivanova, Aleksandr/Aleksandra), are kept distinct on purpose.
Word lists (countries, titles, organisation nouns) are data, not logic.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz.distance import Indel

# Names recur across a corpus far more than they vary: folding each spelling once per
# process makes entity finding several times faster.
_CACHE = 1 << 16

# --- countries ------------------------------------------------------------------------------
# Display name: other names and demonyms an outlet may use for it.  Enough for world news;
# a country missing here still resolves by its own name, only its adjective does not fold.
_COUNTRIES = """
Afghanistan: Afghan | Albania: Albanian | Algeria: Algerian | Argentina: Argentine, Argentinian
Armenia: Armenian | Australia: Australian | Austria: Austrian | Azerbaijan: Azerbaijani, Azeri
Belarus: Belarusian, Belarussian | Belgium: Belgian | Bolivia: Bolivian | Brazil: Brazilian
Bulgaria: Bulgarian | Cambodia: Cambodian | Canada: Canadian | Chile: Chilean | China: Chinese, PRC, People's Republic of China
Colombia: Colombian | Croatia: Croatian | Cuba: Cuban | Czech Republic: Czech, Czechia
Denmark: Danish | Egypt: Egyptian | Estonia: Estonian | Ethiopia: Ethiopian | Finland: Finnish
France: French | Georgia: Georgian | Germany: German | Greece: Greek | Hungary: Hungarian
India: Indian | Indonesia: Indonesian | Iran: Iranian | Iraq: Iraqi | Ireland: Irish
Israel: Israeli | Italy: Italian | Japan: Japanese | Jordan: Jordanian | Kazakhstan: Kazakh
Kenya: Kenyan | Kyrgyzstan: Kyrgyz | Latvia: Latvian | Lebanon: Lebanese | Libya: Libyan
Lithuania: Lithuanian | Malaysia: Malaysian | Mali: Malian | Mexico: Mexican | Moldova: Moldovan
Mongolia: Mongolian | Myanmar: Burmese, Burma | Netherlands: Dutch, Holland | New Zealand: New Zealander
Nigeria: Nigerian | North Korea: North Korean, DPRK | Norway: Norwegian | Pakistan: Pakistani
Palestine: Palestinian | Peru: Peruvian | Philippines: Philippine, Filipino | Poland: Polish
Portugal: Portuguese | Qatar: Qatari | Romania: Romanian | Russia: Russian, Russian Federation
Saudi Arabia: Saudi | Serbia: Serbian | Singapore: Singaporean | Slovakia: Slovak
South Africa: South African | South Korea: South Korean, ROK | Spain: Spanish | Sudan: Sudanese
Sweden: Swedish | Switzerland: Swiss | Syria: Syrian | Taiwan: Taiwanese | Tajikistan: Tajik
Thailand: Thai | Turkey: Turkish, Turkiye, Türkiye | Turkmenistan: Turkmen | Ukraine: Ukrainian
United Arab Emirates: Emirati, UAE | United Kingdom: British, UK, U.K., Britain, Great Britain
United States: American, US, U.S., USA, U.S.A., America, United States of America
Uzbekistan: Uzbek | Venezuela: Venezuelan | Vietnam: Vietnamese | Yemen: Yemeni
"""


# --- titles and organisations -------------------------------------------------------------
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Offices and ranks that stand before a name or in an apposition ("vice chairman of ...").
TITLES = _wordset(
    """minister secretary spokesman spokeswoman spokesperson president premier chancellor
    chairman chairwoman chair chief head director commander ambassador envoy governor mayor
    senator general admiral colonel major lieutenant captain marshal sergeant brigadier
    king queen prince princess emir sheikh pope leader official adviser advisor counselor
    counsellor counterpart deputy ceo founder editor correspondent prosecutor judge attorney
    lawmaker legislator representative speaker commissioner inspector superintendent
    ombudsman diplomat negotiator analyst researcher professor economist"""
)
# Words that qualify an office without being one ("Defence" Minister, "vice" chairman).
TITLE_MODIFIERS = _wordset(
    """defence defense foreign interior home finance trade economy economic justice health
    education energy security intelligence military naval navy army air force forces prime
    vice deputy first second chief senior junior acting former top state general executive
    managing assistant associate joint special national federal regional rear staff affairs
    press lieutenant major colonel grand supreme commander attorney"""
)
HONORIFICS = _wordset("mr mrs ms miss dr sir dame lord lady gen adm col lt sen rep gov prof maj capt sgt")
# Nouns that head an institution's name ("the Chinese foreign ministry").
ORG_HEADS = _wordset(
    """ministry department commission committee council agency office parliament government
    embassy consulate directorate bureau cabinet administration senate assembly duma court
    military army navy police guard presidency secretariat command"""
)
# Heads that are also adjectives or loose nouns ("military officials", "government forces").
LOOSE_ORG_HEADS = _wordset("military army navy police government guard command administration")
# Nouns that describe the named outlet after them ("state broadcaster CCTV").
MEDIA_NOUNS = _wordset("broadcaster agency newspaper daily tabloid outlet network channel website weekly")
# Nouns a platform name modifies ("Telegram channel"): the name before them is not a person.
PLATFORM_NOUNS = _wordset("channel account page feed app website platform messenger handle")

# British spellings that differ from American in names of institutions and offices.
_BRITISH = {
    "defence": "defense", "offence": "offense", "licence": "license", "centre": "center",
    "centres": "centers", "theatre": "theater", "labour": "labor", "programme": "program",
    "armour": "armor", "armoured": "armored", "honour": "honor", "neighbour": "neighbor",
    "harbour": "harbor", "colour": "color", "favour": "favor", "behaviour": "behavior",
    "counsellor": "counselor", "travellers": "travelers", "jewellery": "jewelry",
}  # fmt: skip
_ISATION_RE = re.compile(r"(?<=[a-z]{3})is(ation|ations|e|ed|es|ing)$")
_SYNONYMS = {"foreign affairs": "foreign", "defense affairs": "defense", "internal affairs": "interior"}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "‐": "-", "–": "-", "—": "-"})
_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss",
                          "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th"})  # fmt: skip
_POSSESSIVE_RE = re.compile(r"'s?$|(?<=s)'$", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*'?")
_WORD_POSSESSIVE_RE = re.compile(r"'s$|'")
_LEADING_ARTICLE_RE = re.compile(r"^(the|a|an) ")


def ascii_fold(text: str) -> str:
    """Accents off, one kind of apostrophe and dash: "Nicolás" and "Nicolas" must meet."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).translate(_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


def strip_possessive(text: str) -> str:
    """ "Russia’s" → "Russia", "Forces’" → "Forces": the possessive is grammar, not name."""
    return _POSSESSIVE_RE.sub("", text.translate(_APOSTROPHES).rstrip())


def words(text: str) -> list[str]:
    """Lower-case ASCII words, possessives off, inner apostrophes gone ("O'Brien" → "obrien")."""
    folded = ascii_fold(text).lower().replace(".", "")
    return [_WORD_POSSESSIVE_RE.sub("", w) for w in _WORD_RE.findall(folded)]


def american(word: str) -> str:
    """One spelling for both desks: "defence" → "defense", "organisation" → "organization"."""
    word = _BRITISH.get(word, word)
    return _ISATION_RE.sub(lambda m: "iz" + m.group(1), word) if "isation" in word else word


@functools.cache
def _country_table() -> dict[str, str]:
    """Folded name, alias or demonym → display name of the country."""
    table: dict[str, str] = {}
    for entry in re.split(r"\s*[|\n]\s*", _COUNTRIES.strip()):
        name, _, others = entry.partition(":")
        for form in [name, *others.split(",")]:
            table[" ".join(words(form))] = name.strip()
    return table


@functools.lru_cache(maxsize=_CACHE)
def country_of(text: str) -> str | None:
    """The country a name, alias, possessive or adjective stands for ("Russian" → "Russia")."""
    key = " ".join(words(_LEADING_ARTICLE_RE.sub("", text.strip().lower())))
    return _country_table().get(key)


# --- people -----------------------------------------------------------------------------------
_VOWELS = "aeiou"
_TRANSLIT_RULES = [
    (re.compile(r"kh"), "h"),  # Mikhail / Mihail, Khodakov / Hodakov
    (re.compile(r"ck"), "k"),
    (re.compile(r"ks"), "x"),  # Aleksei / Alexei
    (re.compile(r"tch"), "ch"),  # Tchaikovsky / Chaikovsky
    (re.compile(r"ye"), "e"),  # Yevgeny / Evgeny, Andreyev / Andreev
    (re.compile(r"(?<=[^aeiouy])yo"), "e"),  # Fyodor / Fedor, Pyotr / Petr
    (re.compile(r"ij$"), "i"),  # Dmitrij / Dmitri
    (re.compile(r"(?<=.)y"), "i"),  # Andrey / Andrei, Dmitry / Dmitri, Yury / Yuri
    (re.compile(r"(?<=[^aeiou])er$"), "r"),  # Alexander / Aleksandr, Peter / Pyotr
    (re.compile(r"([a-z])\1+"), r"\1"),  # Gennadiy / Gennady / Genady, Zelenskyy
]
_MIN_TRANSLIT_LEN = 3  # "Yi", "Xi", "Li": Chinese syllables are not romanised Cyrillic


def fold_token(token: str) -> str:
    """One romanisation for a name word: the rules above, in order, on a lower-case word."""
    if len(token) < _MIN_TRANSLIT_LEN:
        return token
    for pattern, repl in _TRANSLIT_RULES:
        token = pattern.sub(repl, token)
    return token


def strip_titles(tokens: list[str]) -> list[str]:
    """Drop honorifics and offices in front of a name ("Admiral Dong Jun" → dong jun)."""
    i = 0
    while i < len(tokens) - 1 and _is_title_word(tokens[i]):
        i += 1
    return tokens[i:]


def _is_title_word(word: str) -> bool:
    return word in HONORIFICS or word in TITLES or word in TITLE_MODIFIERS


def person_tokens(name: str) -> list[str]:
    """Folded name words of a person, titles and possessive off."""
    return person_key(name).split()


@functools.lru_cache(maxsize=_CACHE)
def person_key(name: str) -> str:
    """ "Andrey Belousov", "Andrei Belousov’s", "Admiral Andrei Belousov" → "andrei belousov"."""
    return " ".join(fold_token(w) for w in strip_titles(words(name.replace("-", " "))))


# Two words of one shape must also be this similar.  On the person names spaCy finds in
# ../shared/bench (ecbplus train, wikiref220, polnear train, basil; 5,552 folded names),
# misspellings of one name score 0.80 and up (Brain/Brian, Bilal/Bilel, Moamar/Muamar
# 0.83), while "Paul"/"Phil" (0.50) share a shape and are two names.
SHAPE_MIN_SIMILARITY = 0.75


@functools.lru_cache(maxsize=_CACHE)
def skeleton(token: str) -> str:
    """First letter and the consonants after it, h ignored: a given name's shape."""
    return token[:1] + "".join(c for c in token[1:] if c not in _VOWELS + "hy")


@functools.lru_cache(maxsize=_CACHE)
def tokens_compatible(a: str, b: str) -> bool:
    """Same folded word, an initial of it, or the same shape with the same ending.

    Endings carry gender in Slavic names, so Aleksandr/Aleksandra stay apart; short words
    (Chinese syllables: Yi/Yu) must match exactly.
    """
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if min(len(a), len(b)) < 4 or a[-1] != b[-1]:
        return False
    return skeleton(a) == skeleton(b) and Indel.normalized_similarity(a, b) >= SHAPE_MIN_SIMILARITY


def same_person_tokens(a: list[str], b: list[str]) -> bool:
    """Two folded names one person could carry: word by word compatible, or one with the
    middle names (patronymic) of the other left out, first and last word equal."""
    if len(a) == len(b):
        return all(tokens_compatible(x, y) for x, y in zip(a, b, strict=True))
    short, long = sorted((a, b), key=len)
    if len(short) < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    return all(word in rest for word in short)


# --- organisations and places ------------------------------------------------------------------
def _country_words(tokens: list[str]) -> tuple[str | None, list[str]]:
    """Split off a leading or trailing country ("russia", "of russia") from an org's words."""
    for size in (4, 3, 2, 1):
        if len(tokens) > size and (country := country_of(" ".join(tokens[:size]))):
            return country, tokens[size:]
        of_country = len(tokens) > size + 1 and tokens[-size - 1] == "of"
        if of_country and (country := country_of(" ".join(tokens[-size:]))):
            return country, tokens[: -size - 1]
    return None, tokens


def _head_last(tokens: list[str]) -> list[str]:
    """ "ministry of defense" → "defense ministry": one order for "X of Y" institution names."""
    if len(tokens) >= 3 and tokens[0] in ORG_HEADS and tokens[1] == "of":
        rest = [t for t in tokens[2:] if t != "the"]
        if len(rest) <= 2:
            return [*rest, tokens[0]]
    return tokens


@functools.lru_cache(maxsize=_CACHE)
def org_parts(name: str) -> tuple[str | None, str]:
    """(country, folded rest): "Russia’s Defence Ministry" → ("Russia", "defense ministry")."""
    tokens = [american(w) for w in words(name.replace("-", " ").replace("&", " and "))]
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    country, rest = _country_words(tokens)
    rest = _head_last([t for t in rest if t != "the"] if country else rest)
    text = " ".join(rest)
    for long, short in _SYNONYMS.items():
        text = text.replace(long, short)
    return country, text


def org_key(name: str) -> str:
    """ "Russia’s Defence Ministry" = "the Russian Defense Ministry" = "Ministry of Defence of
    Russia" → "russia defense ministry"; a bare country stays the country."""
    country, rest = org_parts(name)
    if country is None:
        return rest
    return " ".join(filter(None, [" ".join(words(country)), rest]))


def place_key(name: str) -> str:
    """A country by any of its names or adjectives, else the folded words."""
    country = country_of(name)
    if country:
        return " ".join(words(country))
    tokens = words(name)
    return " ".join(tokens[1:] if tokens[:1] == ["the"] and len(tokens) > 1 else tokens)


@functools.lru_cache(maxsize=_CACHE)
def name_key(name: str, label: str) -> str:
    """The folded key that two spellings of one entity of this label share."""
    if label == "PERSON":
        return person_key(name)
    if label == "ORG":
        return org_key(name)
    if label in ("GPE", "LOC", "NORP", "FAC"):
        return place_key(name)
    tokens = [american(w) for w in words(name)]
    return " ".join(tokens[1:] if tokens[:1] in (["the"], ["a"]) and len(tokens) > 1 else tokens)


def slug(key: str, limit: int = 60) -> str:
    """URL-safe id part from a folded key: "andrei belousov" → "andrei-belousov"."""
    text = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "x"
    return text[:limit].rstrip("-")
