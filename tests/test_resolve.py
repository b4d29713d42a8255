"""Cross-article resolution against a real (in-memory) store: who is one entity, who is two."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from storyline.enrich.resolve import all_entities, load_entity, resolve_and_store
from storyline.errors import NotFound
from storyline.model import Analysis, Article, LocalEntity, Mention, Role
from storyline.store import articles as article_store
from storyline.store.db import Store
from storyline.store.schema import article_entities, entities, mentions

Spec = tuple[str, str, list[str], list[Role]]  # name, label, surface forms, roles


def make_analysis(article: str, specs: list[Spec]) -> Analysis:
    """An article's local entities as find_entities would give them, with one mention per form."""
    analysis = Analysis(article)
    offset = 0
    for key, (name, label, forms, roles) in enumerate(specs):
        analysis.entities.append(LocalEntity(key, name, label, list(dict.fromkeys(forms)), roles))
        for form in forms:
            analysis.mentions.append(Mention(article, offset, offset + len(form), form, label, key))
            offset += len(form) + 1
    return analysis


def person(name: str, *forms: str, roles: list[Role] | None = None) -> Spec:
    return name, "PERSON", [name, *forms], roles or []


def org(name: str) -> Spec:
    return name, "ORG", [name], []


def run(store: Store, batch: dict[str, list[Spec]], published: str = "2026-01-01") -> list[Analysis]:
    """Store the batch's articles and resolve it in one transaction, as the pipeline does."""
    arts = {a: Article(a, "text", published=published, content_hash=a) for a in batch}
    analyses = [make_analysis(a, specs) for a, specs in batch.items()]
    with store.atomic() as conn:
        new = [a for a in arts.values() if not article_store.exists(conn, a.id)]
        article_store.insert(conn, [article_store.to_row(a, None) for a in new])
        resolve_and_store(conn, analyses, arts)
    return analyses


def ids(analyses: list[Analysis]) -> dict[str, str]:
    return {e.name: e.entity for a in analyses for e in a.entities}


def test_two_spellings_of_one_person_are_one_entity(store: Store):
    out = ids(run(store, {"a": [person("Andrey Belousov")], "b": [person("Andrei Belousov")],
                          "c": [person("Andrey Belousov", "Belousov")]}))  # fmt: skip
    assert out["Andrey Belousov"] == out["Andrei Belousov"] == "person:andrei-belousov"
    with store.read() as conn:
        e = load_entity(conn, "person:andrei-belousov")
    assert e.name == "Andrey Belousov"  # the spelling most articles use
    assert {"Andrey Belousov", "Andrei Belousov", "Belousov"} <= set(e.aliases)


def test_two_holders_of_one_office_stay_two(store: Store):
    minister = Role("Defence Minister", "Russia", "a")
    analyses = run(store, {"a": [person("Andrei Belousov", roles=[minister]),
                                 person("Sergei Shoigu", roles=[Role("Defence Minister", "Russia", "a")])]})  # fmt: skip
    out = ids(analyses)
    assert out["Andrei Belousov"] != out["Sergei Shoigu"]
    with store.read() as conn:
        for entity_id in out.values():
            assert [(r.title, r.org, r.article) for r in load_entity(conn, entity_id).roles] == [
                ("Defence Minister", "Russia", "a")
            ]


def test_organisation_variants(store: Store):
    out = ids(run(store, {
        "a": [org("Russia’s Defence Ministry"), org("China’s defence ministry")],
        "b": [org("Russian Defense Ministry"), org("Chinese foreign ministry")],
        "c": [org("Russia’s defence ministry"), org("Ministry of Defence of the Russian Federation"),
              org("Chinese Defence Ministry")],
    }))  # fmt: skip
    russian = out["Russia’s Defence Ministry"]
    assert russian == "org:russia-defense-ministry"
    assert out["Russian Defense Ministry"] == out["Russia’s defence ministry"] == russian
    assert out["Ministry of Defence of the Russian Federation"] == russian
    assert out["China’s defence ministry"] == out["Chinese Defence Ministry"] != russian
    assert out["Chinese foreign ministry"] != out["China’s defence ministry"]


def test_bare_institution_joins_the_only_country_that_has_one(store: Store):
    first = ids(run(store, {"a": [org("Russia’s Defence Ministry")], "b": [org("Defence Ministry")]}))
    assert first["Defence Ministry"] == first["Russia’s Defence Ministry"]
    second = ids(run(store, {"c": [org("China’s Defence Ministry")], "d": [org("the Defence Ministry")]}))
    assert second["the Defence Ministry"] not in (
        first["Russia’s Defence Ministry"],
        second["China’s Defence Ministry"],
    )


def test_later_batch_links_to_earlier_entities(store: Store):
    first = ids(run(store, {"a": [person("Andrey Belousov"), org("Russia’s Defence Ministry")]}))
    second = ids(run(store, {"b": [person("Belousov"), org("Russian defence ministry")],
                             "c": [person("Andrei Belousov")]}, published="2026-01-02"))  # fmt: skip
    assert second["Belousov"] == second["Andrei Belousov"] == first["Andrey Belousov"]
    assert second["Russian defence ministry"] == first["Russia’s Defence Ministry"]
    with store.read() as conn:
        assert (
            conn.execute(
                sa.select(entities.c.mentions).where(entities.c.id == first["Andrey Belousov"])
            ).scalar()
            == 3
        )


def test_surname_links_only_when_unambiguous(store: Store):
    run(store, {"a": [person("Ivan Petrov")], "b": [person("Oleg Petrov")]})
    out = ids(run(store, {"c": [person("Petrov")]}))
    with store.read() as conn:
        found = {e.id for e in all_entities(conn)}
    assert out["Petrov"] not in ("person:ivan-petrov", "person:oleg-petrov")
    assert {"person:ivan-petrov", "person:oleg-petrov", out["Petrov"]} <= found


def test_surname_seen_first_joins_the_full_name_later(store: Store):
    early = ids(run(store, {"a": [person("Belousov")]}))
    assert early["Belousov"] == "person:belousov"
    late = ids(run(store, {"b": [person("Andrei Belousov")]}, published="2026-01-05"))
    with store.read() as conn:
        stored = set(conn.scalars(sa.select(mentions.c.entity)))
        assert stored == {late["Andrei Belousov"]}
        assert "Belousov" in load_entity(conn, late["Andrei Belousov"]).aliases
        with pytest.raises(NotFound):
            load_entity(conn, "person:belousov")


def test_near_identical_spelling_joins_but_similar_names_do_not(store: Store):
    out = ids(run(store, {"a": [person("Abu Bakr al-Baghdadi"), person("Ivana Trump")],
                          "b": [person("Abu Bakr al-Baghadi"), person("Ivanka Trump")]}))  # fmt: skip
    assert out["Abu Bakr al-Baghdadi"] == out["Abu Bakr al-Baghadi"]
    assert out["Ivana Trump"] != out["Ivanka Trump"]


def test_ids_do_not_depend_on_order(store: Store, make_store: Callable[[], Store]):
    batch = {"a": [person("Andrei Belousov")], "b": [person("Andrey Belousov"), person("Belousov")]}
    one = ids(run(store, batch))
    two = ids(run(make_store(), dict(reversed(batch.items()))))
    assert one == two


def test_reprocessing_an_article_replaces_its_rows(store: Store):
    batch = {"a": [person("Dong Jun", "Dong", "Dong"), org("CCTV")]}
    run(store, batch)
    analyses = run(store, batch)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(mentions)).scalar() == 4
        assert conn.execute(sa.select(sa.func.count()).select_from(article_entities)).scalar() == 2
        row = conn.execute(sa.select(entities).where(entities.c.id == "person:dong-jun")).one()
    assert row.mentions == 3
    assert all(m.entity == "person:dong-jun" for m in analyses[0].mentions if m.label == "PERSON")


def test_rows_written_for_the_article(store: Store):
    run(
        store,
        {"a": [person("Wang Wenbin", "Wang", roles=[Role("spokesman", "Chinese foreign ministry", "a")])]},
    )
    with store.read() as conn:
        local = conn.execute(sa.select(article_entities)).one()
        assert (local.article, local.local, local.name, local.label) == ("a", 0, "Wang Wenbin", "PERSON")
        assert (local.entity, local.mentions, local.first_start) == ("person:wang-wenbin", 2, 0)
        assert [r.text for r in conn.execute(sa.select(mentions).order_by(mentions.c.start))] == [
            "Wang Wenbin",
            "Wang",
        ]
        [e] = all_entities(conn)
    assert e.roles == [Role("spokesman", "Chinese foreign ministry", "a")]
    assert e.type == "PERSON"
