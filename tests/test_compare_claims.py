"""Claim units, figures, context and contradictions, on sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from storyline.compare.claims import (
    ClaimGroup,
    ClaimUnit,
    Quantity,
    article_units,
    conflicts,
    credit_later,
    figures_disagree,
    is_context,
    lead_cap,
    omissions,
    period_end,
    quantities,
    same_slot,
    split_clauses,
    status_of,
    to_claims,
)
from storyline.enrich.analyze import AnalysisInput, analyze
from storyline.enrich.nlp import annotate
from storyline.model import Article, Block, Claim
from storyline.model import Span as TextSpan


def doc_of(text: str):
    return next(annotate([text], disable=("ner",)))


def clauses(text: str) -> list[str]:
    doc = doc_of(text)
    sent = next(doc.sents)
    return [text[a:b] for a, b in split_clauses(sent)]


def unit(outlet: str, start: int = 0, **kw) -> ClaimUnit:
    return ClaimUnit(
        article=f"{outlet}-1", outlet=outlet, start=start, end=start + 10, text="", sentence=0, **kw
    )


# --- clauses --------------------------------------------------------------------------------


def test_while_clause_with_its_own_subject_is_a_separate_claim():
    text = "The two navies held a joint drill on Monday, while trade between the countries reached $40 billion last year."
    assert clauses(text) == [
        "The two navies held a joint drill on Monday",
        "trade between the countries reached $40 billion last year.",
    ]


def test_coordinated_main_clauses_split_and_shared_subjects_do_not():
    assert len(clauses("The minister arrived in Lisvara on Friday, and the talks began an hour later.")) == 2
    assert len(clauses("The minister arrived in Lisvara on Friday and met the mayor.")) == 1


def test_reported_clauses_and_quotes_stay_whole():
    assert len(clauses("She said the port would reopen and the ferries would sail again.")) == 1
    text = "“We are ready, and we will not wait,” the admiral said."
    doc = doc_of(text)
    assert len(split_clauses(next(doc.sents), [(0, text.index("”") + 1)])) == 1


def test_headlines_and_headings_are_not_claims():
    text = "Ports reopen after storm\nThe harbour authority reopened both ports on Monday.\nWhat comes next\nFerries will resume on Wednesday."
    lines = text.split("\n")
    kinds = ["headline", "body", "subhead", "body"]
    blocks, at = [], 0
    for line, kind in zip(lines, kinds, strict=True):
        blocks.append(Block(at, at + len(line), kind))
        at += len(line) + 1
    article = Article("a1", text, source="Outlet", published="2026-03-03", blocks=blocks)
    analysis = analyze([AnalysisInput.of(article)])[0]
    units = article_units(article, analysis, dt.date(2026, 3, 2))
    assert [u.text for u in units] == [lines[1], lines[3]]
    assert all(text[u.start : u.end] == u.text for u in units)


# --- figures --------------------------------------------------------------------------------


def figures(text: str) -> list[tuple[float, str | None, bool]]:
    return [(q.value, q.unit, q.approx) for q in quantities(doc_of(text)[:])]


def test_figures_with_what_they_count():
    assert figures("Eleven patrol boats and about 2,400 sailors took part.") == [
        (11.0, "boat", False),
        (2400.0, "sailor", True),
    ]
    assert figures("Exports reached $3.5 billion.") == [(3.5e9, "dollar", False)]


def test_years_and_references_are_not_figures():
    assert figures("The treaty of 1998 binds the two countries.") == []


def test_same_thing_counted_differently_disagrees():
    a = Quantity(12, False, "warship", "take", "12 warships")
    b = Quantity(9, False, "warship", "take", "nine warships")
    assert same_slot(a, b) and figures_disagree(a, b)
    people = Quantity(3000, True, "people", "march", "about 3,000 people")
    protesters = Quantity(8000, True, "protester", "march", "some 8,000 protesters")
    assert same_slot(people, protesters) and figures_disagree(people, protesters)
    assert not figures_disagree(
        Quantity(1500, True, "sailor", None, ""), Quantity(1550, True, "sailor", None, "")
    )
    assert not same_slot(a, Quantity(1500, True, "sailor", "take", "1,500 sailors"))


# --- context ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Trade between the two countries reached $9 billion last year.",
        "The agreement was signed in 2004 after a decade of talks.",
        "This month marks 40 years since the bridge opened.",
    ],
)
def test_background_phrasings_are_context(text: str):
    assert is_context(text, [], dt.date(2026, 5, 1))


def test_dates_long_before_the_event_make_context():
    day = dt.date(2026, 5, 1)
    assert is_context("The ministers last met in Lisvara.", ["2025-11"], day)
    assert not is_context("The ministers met in Lisvara.", ["2026-05-01"], day)
    assert not is_context("The ministers met in Lisvara.", ["2025-11", "2026-05-01"], day)
    assert period_end("2025-02") == dt.date(2025, 2, 28)


# --- contradictions and status -----------------------------------------------------------------


def test_conflicting_slots_between_outlets():
    twelve = unit("a", quantities=(Quantity(12, False, "warship", "take", ""),))
    nine = unit("b", quantities=(Quantity(9, False, "warship", "take", ""),))
    assert conflicts(twelve, nine, 0.7) == {"number"}
    assert conflicts(twelve, unit("a", quantities=nine.quantities), 0.9) == set()  # one outlet
    assert conflicts(twelve, nine, 0.3) == set()  # not about the same thing
    assert conflicts(unit("a", negated=True), unit("b"), 0.9) == {"negation"}
    assert conflicts(unit("a", dates=("2026-04-20",)), unit("b", dates=("2026-04-21",)), 0.9) == {"date"}
    assert conflicts(unit("a", dates=("2026-04",)), unit("b", dates=("2026-04-21",)), 0.9) == set()
    assert conflicts(
        unit("a", places=frozenset({"lisvara"})), unit("b", places=frozenset({"vassau"})), 0.9
    ) == {"place"}


def test_background_and_event_never_contradict():
    old = unit("a", quantities=(Quantity(6, False, "ship", "take", ""),), context=True)
    new = unit("b", quantities=(Quantity(9, False, "ship", "take", ""),))
    assert conflicts(old, new, 0.9) == set()


def test_status_ids_and_omissions():
    groups = [
        ClaimGroup([unit("a", 0), unit("b"), unit("c")]),
        ClaimGroup([unit("a", 20), unit("b", 20)]),
        ClaimGroup([unit("c", 40)]),
        ClaimGroup([unit("a", 60), unit("c", 60)], conflicts={"number"}),
    ]
    assert [status_of(g) for g in groups] == ["shared", "shared", "single", "contradicted"]
    claims = to_claims("ev", groups, ["a-1", "b-1", "c-1"])
    assert [c.id for c in claims] == ["ev:c1", "ev:c2", "ev:c3", "ev:c4"]
    assert [c.status for c in claims] == ["shared", "shared", "contradicted", "single"]  # a's claims first
    assert omissions(claims, ["a-1", "b-1", "c-1"]) == {"a-1": [], "b-1": ["ev:c3"], "c-1": ["ev:c2"]}


def test_omissions_ignore_single_outlet_claims():
    single = Claim("e:c1", "x", "single", [TextSpan("a", 0, 1)])
    assert omissions([single], ["a", "b"]) == {"a": [], "b": []}


@pytest.mark.slow
def test_alignment_end_to_end():
    """Two outlets, one happening: the same fact in other words is shared, a differing
    figure is a contradiction, and what only one says is single."""
    from storyline.compare.stage import compare_event

    texts = {
        "x": "The coast guard rescued 14 fishermen from a sinking trawler off Lisvara on Sunday. "
        "The harbour master praised the crew of the lifeboat.",
        "y": "Nine fishermen were pulled from a sinking trawler off Lisvara by the coast guard on Sunday. "
        "Storms have battered the coast for a week.",
    }
    articles = [
        Article(k, t, source=f"Outlet {k}", published="2026-02-02", blocks=[Block(0, len(t), "body")])
        for k, t in texts.items()
    ]
    comparison = compare_event("ev", articles, analyze([AnalysisInput.of(a) for a in articles]), "2026-02-01")
    rescue = next(c for c in comparison.claims if c.text.startswith("The coast guard"))
    assert rescue.status == "contradicted"
    assert {s.article for s in rescue.sources} == {"x", "y"}
    assert {c.status for c in comparison.claims if c.text.startswith(("The harbour", "Storms"))} == {"single"}
    assert np.isfinite([m.score for m in comparison.quote_matches]).all()


# --- the unit budget -----------------------------------------------------------------------


def test_lead_cap_keeps_short_articles_whole_and_trims_long_ones():
    assert lead_cap([10, 20, 30], 100) == 30  # fits: nothing is cut
    assert lead_cap([10, 20, 600], 100) == 70  # 10 + 20 + 70
    assert lead_cap([600] * 40, 3000) == 75
    assert lead_cap([5000], 3000) == 3000
    assert lead_cap([], 3000) == 0


def test_later_units_credit_their_article_with_a_claim():
    """A unit beyond the budget joins the group it matches, so its article is not said to
    omit that claim; one that matches nothing, or whose article the group already cites,
    changes nothing."""
    axis = np.eye(3, dtype=np.float32)
    a0, b0, c0 = unit("a", 0), unit("b", 0), unit("c", 0)
    groups = [ClaimGroup([a0, b0]), ClaimGroup([c0])]
    later = [unit("c", 100), unit("c", 200), unit("a", 300)]
    later_vectors = np.stack([axis[0], axis[2], axis[0]])
    credit_later(groups, [a0, b0, c0], np.stack([axis[0], axis[0], axis[1]]), later, later_vectors)
    assert [(u.article, u.start) for u in groups[0].units] == [("a-1", 0), ("b-1", 0), ("c-1", 100)]
    assert [u.start for u in groups[1].units] == [0]


def test_background_units_join_background_groups_less_readily():
    near = np.array([[0.65, np.sqrt(1 - 0.65**2), 0.0]], dtype=np.float32)
    event, later = unit("a", 0), unit("b", 100, context=True)
    groups = [ClaimGroup([event])]
    credit_later(groups, [event], np.eye(3, dtype=np.float32)[:1], [later], near)
    assert len(groups[0].units) == 1  # 0.65 - 0.1 falls under ALIGN_SIM


def test_claims_beyond_the_budget_still_count_against_omissions(monkeypatch):
    """With a budget of two units, the fact the second outlet states only in its third
    sentence is still credited to it, and no claim comes from its unaligned tail."""
    from storyline.compare import claims as claims_module
    from storyline.compare.stage import compare_event

    monkeypatch.setattr(claims_module, "MAX_ALIGNED_UNITS", 2)
    texts = {
        "x": "The coast guard rescued fishermen from a sinking trawler off Lisvara on Sunday.",
        "y": "Storms have battered the northern coast for a week. "
        "Ferry services to the islands were cancelled on Saturday. "
        "The coast guard rescued fishermen from a sinking trawler off Lisvara on Sunday.",
    }
    articles = [
        Article(k, t, source=f"Outlet {k}", published="2026-02-02", blocks=[Block(0, len(t), "body")])
        for k, t in texts.items()
    ]
    comparison = compare_event("ev", articles, analyze([AnalysisInput.of(a) for a in articles]), "2026-02-01")
    rescue = next(c for c in comparison.claims if c.text.startswith("The coast guard"))
    assert {s.article for s in rescue.sources} == {"x", "y"}
    assert rescue.status == "shared"
    assert not any(c.text.startswith("Ferry") for c in comparison.claims)
    assert comparison.omissions == {"x": [], "y": []}
