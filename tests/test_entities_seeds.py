"""Golden: entities of the five real seed articles, found per article and resolved across them.

What is asserted was read off the articles by hand: the same defence minister is spelled
"Andrey Belousov", "Andrei Belousov" and "Belousov"; China's is "Dong Jun", "Dong" and
"Admiral Dong Jun"; Russia's previous minister, Sergey Shoigu, is someone else although he
held the same office; both ministries appear under several spellings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import SEED_META, scratch_store

from storyline.config import shared_dir
from storyline.enrich.entities import find_entities
from storyline.enrich.resolve import all_entities, resolve_and_store
from storyline.ingest.clean import clean_text
from storyline.model import Analysis, Article, Entity
from storyline.store import articles as article_store
from storyline.store.db import Store
from storyline.store.schema import mentions

pytestmark = pytest.mark.slow


def seed_articles() -> list[Article]:
    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/seeds is not beside this checkout: the seed golden test needs it")
    out = []
    for path in sorted(Path(shared, "seeds").glob("*.txt")):
        article_id, source, published = SEED_META[path.name[:3]]
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        out.append(Article(article_id, cleaned.text, source=source, published=published,
                           blocks=cleaned.blocks, content_hash=article_id))  # fmt: skip
    assert len(out) == 5
    return out


@pytest.fixture(scope="module")
def resolved() -> Iterator[tuple[Store, dict[str, Entity]]]:
    from storyline.enrich.nlp import annotate

    arts = seed_articles()
    docs = annotate([a.text for a in arts])
    analyses = []
    for article, doc in zip(arts, docs, strict=True):
        found, local = find_entities(doc, article.id, article.blocks)
        analyses.append(Analysis(article.id, mentions=found, entities=local))
    with scratch_store() as store:
        with store.atomic() as conn:
            article_store.insert(conn, [article_store.to_row(a, None) for a in arts])
            resolve_and_store(conn, analyses, {a.id: a for a in arts})
        with store.read() as conn:
            by_id = {e.id: e for e in all_entities(conn)}
        yield store, by_id


def entity_of(resolved, seed: str, text: str) -> Entity:
    """The one global entity the mentions spelled `text` in seed `seed` resolve to."""
    store, by_id = resolved
    with store.read() as conn:
        query = sa.select(mentions.c.entity).where(
            mentions.c.article == f"seed-{seed}", mentions.c.text == text
        )
        found = set(conn.scalars(query))
    assert len(found) == 1, f"{text!r} in seed {seed}: {found}"
    return by_id[found.pop()]


def roles(entity: Entity) -> set[tuple[str, str]]:
    return {(r.title.lower().replace("defense", "defence"), (r.org or "").lower()) for r in entity.roles}


def test_dong_jun_is_one_entity_however_named(resolved):
    dong = entity_of(resolved, "000", "Dong Jun")
    assert entity_of(resolved, "000", "Dong").id == dong.id  # 000 calls him "Dong" later
    assert entity_of(resolved, "001", "Dong Jun").id == dong.id
    assert entity_of(resolved, "003", "Dong Jun").id == dong.id  # headline: "Admiral Dong Jun"
    assert entity_of(resolved, "003", "Dong").id == dong.id
    assert dong.type == "PERSON" and dong.name == "Dong Jun"
    assert not any("Admiral" in alias for alias in dong.aliases)
    assert ("admiral", "") in roles(dong)
    assert ("defence minister", "china") in roles(dong)


def test_belousov_is_one_entity_across_spellings(resolved):
    belousov = entity_of(resolved, "000", "Andrey Belousov")
    assert entity_of(resolved, "000", "Belousov").id == belousov.id
    assert entity_of(resolved, "001", "Andrey Belousov").id == belousov.id
    assert entity_of(resolved, "002", "Andrei Belousov").id == belousov.id
    assert entity_of(resolved, "002", "Belousov").id == belousov.id
    assert {"Andrey Belousov", "Andrei Belousov", "Belousov"} <= set(belousov.aliases)
    assert belousov.name == "Andrey Belousov"  # two articles of three spell it so
    assert ("defence minister", "russia") in roles(belousov)
    assert {r.article for r in belousov.roles} == {"seed-000", "seed-001", "seed-002"}


def test_shoigu_is_not_belousov_although_both_held_the_office(resolved):
    shoigu = entity_of(resolved, "003", "Sergey Shoigu")
    assert entity_of(resolved, "003", "Shoigu").id == shoigu.id
    assert shoigu.id != entity_of(resolved, "000", "Andrey Belousov").id
    assert ("defence minister", "russia") in roles(shoigu)  # "his Russian counterpart" of Dong Jun


def test_roles_read_from_appositions_and_titles(resolved):
    zhang = roles(entity_of(resolved, "002", "Zhang Youxia"))
    assert any(t == "vice chairman" and "central military commission" in o for t, o in zhang)
    wang = entity_of(resolved, "004", "Wang Wenbin")
    assert entity_of(resolved, "004", "Wang").id == wang.id
    assert any(t == "spokesman" and "foreign ministry" in o for t, o in roles(wang))
    rudskoy = roles(entity_of(resolved, "004", "Sergei Rudskoy"))
    assert ("colonel general", "") in rudskoy
    assert any(t == "chief" and o.startswith("main operational directorate") for t, o in rudskoy)
    shao = roles(entity_of(resolved, "004", "Shao Yuanming"))
    assert ("major general", "") in shao
    assert any(t == "deputy chief" and "joint staff department" in o for t, o in shao)


def test_russian_defence_ministry_is_one_entity(resolved):
    ministry = entity_of(resolved, "001", "Russia’s Defence Ministry")
    assert entity_of(resolved, "002", "Russia’s Defence Ministry").id == ministry.id
    assert entity_of(resolved, "004", "Russia’s defence ministry").id == ministry.id
    assert ministry.type == "ORG"


def test_chinese_defence_ministry_is_one_entity_apart_from_the_foreign_ministry(resolved):
    ministry = entity_of(resolved, "001", "Chinese Defence Ministry")
    assert entity_of(resolved, "002", "China’s Defence Ministry").id == ministry.id
    assert entity_of(resolved, "004", "China’s defence ministry").id == ministry.id
    assert entity_of(resolved, "004", "Chinese defence ministry").id == ministry.id
    foreign = entity_of(resolved, "004", "Chinese foreign ministry")
    assert foreign.id != ministry.id
    assert ministry.id != entity_of(resolved, "001", "Russia’s Defence Ministry").id


def test_broadcaster_and_countries(resolved):
    assert entity_of(resolved, "001", "CCTV").type == "ORG"
    russia = entity_of(resolved, "002", "Russia")
    assert entity_of(resolved, "002", "Russian").id == russia.id
    assert entity_of(resolved, "000", "Russia").id == russia.id
    assert entity_of(resolved, "002", "U.S.").id == entity_of(resolved, "003", "US").id


def test_no_entity_from_headings_or_slips(resolved):
    _, by_id = resolved
    spelled = {alias for e in by_id.values() for alias in [e.name, *e.aliases]}
    for heading in ("Immediate Action & Core Facts", "Deeper Dive & Context", "Broader Implications",
                    "Western Concerns", "Official Statements and Rationale"):  # fmt: skip
        assert not any(alias in heading for alias in spelled if len(alias.split()) > 1), heading
    assert not any("&" in alias for alias in spelled)
    people = {e.name for e in by_id.values() if e.type == "PERSON"}
    assert "Telegram" not in people
    assert all("\n" not in alias and not alias.endswith("’s") for e in by_id.values() for alias in e.aliases)
