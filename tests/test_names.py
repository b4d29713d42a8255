"""Name folding: spellings of one name meet, different names stay apart (no model needed)."""

from __future__ import annotations

import pytest

from storyline.enrich.names import (
    american,
    ascii_fold,
    country_of,
    name_key,
    org_key,
    person_key,
    place_key,
    same_person_tokens,
    slug,
    strip_possessive,
    tokens_compatible,
)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Andrey Belousov", "Andrei Belousov"),
        ("Sergey Shoigu", "Sergei Shoigu"),
        ("Yevgeny Prigozhin", "Evgeny Prigozhin"),
        ("Evgeniy Prigozhin", "Yevgeny Prigozhin"),
        ("Dmitry Peskov", "Dmitri Peskov"),
        ("Dmitriy Peskov", "Dmitrij Peskov"),
        ("Yuri Ushakov", "Yury Ushakov"),
        ("Yuriy Ushakov", "Yuri Ushakov"),
        ("Aleksandr Fomin", "Alexander Fomin"),
        ("Aleksey Navalny", "Alexei Navalny"),
        ("Volodymyr Zelensky", "Volodymyr Zelenskiy"),
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskii"),
        ("Mikhail Mizintsev", "Mihail Mizintsev"),
        ("Fyodor Lukyanov", "Fedor Lukyanov"),
        ("Gennady Zyuganov", "Gennadiy Zyuganov"),
        ("Nicolás Maduro", "Nicolas Maduro"),
        ("Belousov’s", "Belousov"),
        ("Admiral Dong Jun", "Dong Jun"),
        ("Mr. Putin", "Putin"),
    ],
)
def test_spellings_of_one_person_fold_together(a: str, b: str):
    assert person_key(a) == person_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Andrei Belousov", "Sergei Shoigu"),
        ("Aleksandr Fomin", "Aleksandra Fomina"),
        ("Sergei Ivanov", "Sergei Ivanova"),
        ("Wang Yi", "Wang Yu"),
        ("Kim Jong Un", "Kim Jong Il"),
        ("Li Qiang", "Li Keqiang"),
    ],
)
def test_different_people_stay_apart(a: str, b: str):
    assert person_key(a) != person_key(b)
    assert not same_person_tokens(person_key(a).split(), person_key(b).split())


def test_compatible_given_names_and_left_out_patronymic():
    assert same_person_tokens(["v", "putin"], ["vladimir", "putin"])
    assert same_person_tokens(["vladimir", "putin"], ["vladimir", "vladimirovich", "putin"])
    assert not same_person_tokens(["vladimir", "putin"], ["vladimir", "vladimirovich", "ivanov"])
    assert tokens_compatible("mihail", "mihail")
    assert not tokens_compatible("yi", "yu")  # short syllables must match exactly


@pytest.mark.parametrize(
    "variant",
    [
        "Russia’s Defence Ministry",
        "Russian Defense Ministry",
        "Russia’s defence ministry",
        "the Russian Defence Ministry",
        "The Russian Defence Ministry’s",
        "Ministry of Defence of Russia",
        "Russia's Ministry of Defense",
        "the Ministry of Defence of the Russian Federation",
    ],
)
def test_one_ministry_however_named(variant: str):
    assert org_key(variant) == org_key("Russian Defence Ministry") == "russia defense ministry"


def test_different_ministries_and_countries_differ():
    assert org_key("China’s defence ministry") != org_key("Chinese foreign ministry")
    assert org_key("China’s defence ministry") != org_key("Russia’s defence ministry")
    assert org_key("Ministry of Foreign Affairs") == org_key("foreign ministry")


def test_countries_by_name_adjective_possessive_and_alias():
    assert country_of("Russian") == country_of("Russia’s") == country_of("Russia") == "Russia"
    assert country_of("Chinese") == country_of("China’s") == "China"
    assert country_of("U.S.") == country_of("the United States") == country_of("American") == "United States"
    assert country_of("Western") is None
    assert place_key("Ukrainian") == place_key("Ukraine") == "ukraine"


def test_small_helpers():
    assert ascii_fold("Nicolás Łukaszenko") == "Nicolas Lukaszenko"
    assert strip_possessive("Forces’") == "Forces"
    assert strip_possessive("Russia’s") == "Russia"
    assert american("defence") == "defense"
    assert american("organisation") == "organization"
    assert name_key("the Cold War", "EVENT") == "cold war"
    assert slug("andrei belousov") == "andrei-belousov"
    assert slug("x" * 100) == "x" * 60
