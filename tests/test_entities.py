"""Entities of one article: short forms linked, NER slips cleaned, institutions found, roles read."""

from __future__ import annotations

import pytest

from storyline.enrich.entities import find_entities
from storyline.ingest.clean import clean_text
from storyline.model import LocalEntity, Mention

pytestmark = pytest.mark.slow

TEXTS = {
    "short-forms": (
        "Admiral Ivan Petrov arrived in Paris on Monday.\n"
        "Petrov said the talks with French Defence Minister Marie Laurent went well.\n"
        "“We agree,” Laurent said."
    ),
    "titles": (
        "Russian Defence Minister Andrei Belousov met Chinese Defense Minister Dong Jun in Moscow.\n"
        "Belousov later spoke with Zhang Youxia, vice chairman of China’s Central Military Commission, "
        "about the exercises.\n"
        "Chinese foreign ministry spokesman Wang Wenbin said the visit was routine.\n"
        "Major General Li Wei, deputy chief of the Joint Staff Department, attended."
    ),
    "counterpart": (
        "China’s Defence Minister Dong Jun told his Russian counterpart, Andrey Belousov, "
        "that cooperation would grow."
    ),
    "institutions": (
        "Russia’s defence ministry said the patrol was routine.\n"
        "The Chinese foreign ministry did not comment, and the Russian Defense Ministry’s statement "
        "was brief.\n"
        "According to state broadcaster CCTV, the talks lasted two hours.\n"
        "Chinese and Russian military officials met again."
    ),
    "structures": (
        "Farmers are bracing for shortages after talks over Tarsania's Serel Gorge Dam broke down.\n"
        "Mark Bridge, a lawyer for the farmers, said the talks had failed."
    ),
    "plural": "In May, Presidents Vladimir Putin and Xi Jinping signed the accord in Beijing.",
    "heading": (
        "Ministers hold talks in Moscow after months of tension\n"
        "Immediate Action & Core Facts\n"
        "The defence ministers of Russia and China held talks on Tuesday, officials in Moscow said.\n"
        "Broader Implications\n"
        "Analysts in Beijing expect more joint exercises next year."
    ),
}


@pytest.fixture(scope="module")
def found() -> dict[str, tuple[list[Mention], list[LocalEntity], str]]:
    from storyline.enrich.nlp import annotate

    cleaned = {k: clean_text(t) for k, t in TEXTS.items()}
    docs = annotate([c.text for c in cleaned.values()])
    out = {}
    for (name, c), doc in zip(cleaned.items(), docs, strict=True):
        mentions, entities = find_entities(doc, name, c.blocks)
        out[name] = (mentions, entities, c.text)
    return out


def entity(found, article: str, name: str) -> LocalEntity:
    matches = [e for e in found[article][1] if e.name == name]
    assert matches, f"{name!r} not among {[e.name for e in found[article][1]]}"
    return matches[0]


def roles(e: LocalEntity) -> set[tuple[str, str | None]]:
    return {(r.title.lower(), r.org) for r in e.roles}


def test_surname_links_to_full_name_and_title_leaves_the_name(found):
    petrov = entity(found, "short-forms", "Ivan Petrov")
    assert "Petrov" in petrov.surface_forms
    assert not any("Admiral" in f for f in petrov.surface_forms)
    assert ("admiral", None) in roles(petrov)
    laurent = entity(found, "short-forms", "Marie Laurent")
    assert ("defence minister", "France") in roles(laurent)
    people = [e for e in found["short-forms"][1] if e.label == "PERSON"]
    assert len(people) == 2


def test_mentions_point_into_the_text_and_at_their_local_entity(found):
    mentions, entities, text = found["short-forms"]
    keys = {e.key for e in entities}
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.local in keys
        assert m.article == "short-forms"


def test_roles_from_titles_and_appositions(found):
    assert ("defence minister", "Russia") in roles(entity(found, "titles", "Andrei Belousov"))
    assert ("defense minister", "China") in roles(entity(found, "titles", "Dong Jun"))
    zhang = roles(entity(found, "titles", "Zhang Youxia"))
    assert ("vice chairman", "China’s Central Military Commission") in zhang
    wang = roles(entity(found, "titles", "Wang Wenbin"))
    assert ("spokesman", "Chinese foreign ministry") in wang
    li = roles(entity(found, "titles", "Li Wei"))
    assert ("major general", None) in li
    assert ("deputy chief", "Joint Staff Department") in li
    for e in found["titles"][1]:
        assert all(r.article == "titles" for r in e.roles)


def test_counterpart_holds_the_same_office_in_their_own_country(found):
    belousov = entity(found, "counterpart", "Andrey Belousov")
    assert ("defence minister", "Russia") in roles(belousov)


def test_lower_case_institutions_are_found_and_folded(found):
    _, entities, _ = found["institutions"]
    orgs = {e.name: e for e in entities if e.label == "ORG"}
    assert "Russia’s defence ministry" in orgs
    assert "Chinese foreign ministry" in orgs
    assert "CCTV" in orgs
    russian = orgs["Russia’s defence ministry"]
    assert "Russian Defense Ministry" in russian.surface_forms  # one entity, possessive gone
    assert not any("military" in name for name in orgs)  # "military officials" is not an org


def test_country_adjectives_are_the_country(found):
    _, entities, _ = found["institutions"]
    places = {e.name for e in entities if e.label == "GPE"}
    assert {"China", "Russia"} <= places


def test_headings_are_not_organisations(found):
    mentions, entities, _ = found["heading"]
    names = {e.name for e in entities}
    assert not any("Immediate" in n or "Implications" in n for n in names)
    assert all("\n" not in m.text for m in mentions)


def test_plural_title_is_shared_by_both_names(found):
    assert ("president", None) in roles(entity(found, "plural", "Vladimir Putin"))
    assert ("president", None) in roles(entity(found, "plural", "Xi Jinping"))


def test_a_name_ending_in_dam_or_gorge_is_a_place_not_a_person(found):
    """Regression: the demo's "Serel Gorge Dam" was a PERSON and titled events as a participant."""
    labels = {m.text: m.label for m in found["structures"][0]}
    assert not any(label == "PERSON" and "Dam" in text for text, label in labels.items())
    assert labels.get("Mark Bridge") == "PERSON"
