"""Matching one statement quoted by different outlets, on quotes written for these tests."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.compare.quotes import Speaker, match_quotes, normalize, pieces, relation, same_person
from storyline.model import Analysis, LocalEntity, Quote

MIRA = Speaker(None, "Mira Okonjo", "PERSON")


def test_speaker_relations():
    assert relation(MIRA, Speaker(None, "Okonjo", "PERSON")) == "same"
    assert relation(MIRA, Speaker(None, "Tomas Ferrell", "PERSON")) == "different"
    assert relation(MIRA, Speaker(None, "Lisvaran Foreign Ministry", "ORG")) == "unknown"
    assert relation(MIRA, Speaker(None, None, None)) == "unknown"
    assert relation(Speaker("e1", "X", "PERSON"), Speaker("e1", "Y", "PERSON")) == "same"
    assert relation(Speaker("e1", "X", "PERSON"), Speaker("e2", "X", "PERSON")) == "different"
    assert same_person("Andrey Belousov", "Andrei Belousov")


def test_pieces_hold_quoted_fragments_and_clauses():
    got = pieces('the two sides should "widen the scope of training" and "deepen trust between navies"')
    assert "widen the scope of training" in got
    assert "deepen trust between navies" in got
    assert normalize("“Never closer,” she said.") == "never closer she said"


def quote(
    qid: str, article: str, text: str, speaker: str | None, kind: str = "direct", local: int | None = 0
) -> Quote:
    return Quote(
        qid, article, text, kind, 0, len(text), speaker_name=speaker, speaker_local=local if speaker else None
    )


def analyses(**speakers: tuple[str, str]) -> dict[str, Analysis]:
    """One analysis per article with entity 0 = the given (name, label)."""
    return {
        a: Analysis(article=a, entities=[LocalEntity(0, name, label)])
        for a, (name, label) in speakers.items()
    }


@pytest.fixture(scope="module")
def embed():
    from storyline.compare.stage import default_embed

    return default_embed


pytestmark = pytest.mark.slow


def test_translation_variants_and_partial_quotes_match(embed):
    quotes = [
        quote(
            "a1",
            "a",
            "We are ready to enrich the substance of our partnership and to widen joint training.",
            "Mira Okonjo",
        ),
        quote("b1", "b", "enrich the content of our partnership", "Okonjo", "partial"),
        quote("b2", "b", "The harbour will reopen to all ships next spring.", "Okonjo"),
    ]
    found = match_quotes(
        quotes, analyses(a=("Mira Okonjo", "PERSON"), b=("Okonjo", "PERSON")), {"a": "A", "b": "B"}, embed
    )
    assert [(m.a, m.b) for m in found] == [("a1", "b1")]
    assert 0.7 < found[0].score <= 1.0


def test_same_words_from_another_person_do_not_match(embed):
    text = "Our navies have never been closer, and we intend to keep it that way."
    quotes = [quote("a1", "a", text, "Mira Okonjo"), quote("b1", "b", text, "Tomas Ferrell")]
    found = match_quotes(
        quotes,
        analyses(a=("Mira Okonjo", "PERSON"), b=("Tomas Ferrell", "PERSON")),
        {"a": "A", "b": "B"},
        embed,
    )
    assert found == []


def test_different_statements_of_one_person_do_not_match(embed):
    quotes = [
        quote("a1", "a", "We will answer every provocation calmly, but we will answer.", "Mira Okonjo"),
        quote("b1", "b", "Our trade with the northern ports doubled over the last decade.", "Okonjo"),
    ]
    found = match_quotes(
        quotes, analyses(a=("Mira Okonjo", "PERSON"), b=("Okonjo", "PERSON")), {"a": "A", "b": "B"}, embed
    )
    assert found == []


def test_one_outlet_is_never_matched_with_itself(embed):
    text = "We will answer every provocation calmly, but we will answer."
    quotes = [quote("a1", "a", text, "Mira Okonjo"), quote("b1", "b", text, "Mira Okonjo")]
    both = analyses(a=("Mira Okonjo", "PERSON"), b=("Mira Okonjo", "PERSON"))
    assert match_quotes(quotes, both, {"a": "Same Outlet", "b": "Same Outlet"}, embed) == []


def test_a_ministry_readout_may_carry_its_ministers_words(embed):
    quotes = [
        quote(
            "a1",
            "a",
            "We are ready to inject new energy into regional security and stability.",
            "Mira Okonjo",
        ),
        quote("b1", "b", "inject new energy into regional security", "Lisvaran Defence Ministry", "partial"),
    ]
    both = analyses(a=("Mira Okonjo", "PERSON"), b=("Lisvaran Defence Ministry", "ORG"))
    assert [(m.a, m.b) for m in match_quotes(quotes, both, {"a": "A", "b": "B"}, embed)] == [("a1", "b1")]


def test_pair_score_skips_only_fuzzy_work_that_cannot_matter() -> None:
    """The pruned score equals the full one (the best of cosine and cosine-fuzzy blend
    over all piece pairs) whenever it reaches `needed`, and stays below it otherwise."""
    from storyline.compare.quotes import LEXICAL_WEIGHT, lexical, pair_score

    rng = np.random.default_rng(7)
    words = [
        "the",
        "minister",
        "said",
        "talks",
        "would",
        "deepen",
        "strategic",
        "cooperation",
        "next",
        "year",
    ]
    for _ in range(200):
        texts = [
            [" ".join(rng.choice(words, size=rng.integers(3, 9))) for _ in range(rng.integers(1, 4))]
            for _ in "ab"
        ]
        base = rng.normal(size=16)
        a, b = (
            [base + rng.normal(scale=s, size=16) for _ in t]
            for t, s in zip(texts, rng.uniform(0.2, 2, 2), strict=True)
        )
        a, b = (np.array([v / np.linalg.norm(v) for v in m], dtype=np.float32) for m in (a, b))
        full = max(
            max(c, (1 - LEXICAL_WEIGHT) * c + LEXICAL_WEIGHT * lexical(x, y))
            for k, x in enumerate(texts[0])
            for m, y in enumerate(texts[1])
            for c in [float(a[k] @ b[m])]
        )
        needed = float(rng.uniform(0.5, 0.95))
        pruned = pair_score(a, b, (texts[0], texts[1]), needed)
        if full >= needed:
            assert pruned == pytest.approx(full, abs=1e-5)
        else:
            assert pruned < needed


def test_the_cosine_bound_drops_only_pairs_that_cannot_score() -> None:
    """Pairs are dropped on a bound from one matrix product before the per-pair scoring
    (which was most of a re-compared event's time); the scores kept must be exactly those
    of scoring every pair one by one."""
    from storyline.compare import quotes as q

    rng = np.random.default_rng(7)
    words = ["navy", "talks", "trust", "ships", "deepen", "widen", "scope", "sea", "drills", "peace"]
    cands, vectors = [], {}
    for n in range(40):
        texts = [" ".join(rng.choice(words, size=4)) + f" {n} {k}" for k in range(int(rng.integers(1, 4)))]
        for t in texts:
            v = rng.normal(size=16) + (3 if n % 5 == 0 else 0)  # a few quotes close together
            vectors[t] = (v / np.linalg.norm(v)).astype(np.float32)
        cands.append(q._Candidate(quote(f"q{n}", f"a{n}", texts[0], None), MIRA, f"o{n}", texts))
    pairs = [(i, j, (0.72, 0.8)[(i + j) % 2]) for i in range(40) for j in range(i + 1, 40)]
    brute = {}
    for i, j, needed in pairs:
        a = np.stack([vectors[p] for p in cands[i].pieces])
        b = np.stack([vectors[p] for p in cands[j].pieces])
        score = q.pair_score(a, b, (cands[i].pieces, cands[j].pieces), needed)
        if score >= needed:
            brute[(i, j)] = score
    assert brute  # the setup has pairs that score
    assert q._scored_pairs(cands, pairs, vectors) == brute
    assert q._scored_pairs(cands, [], vectors) == {}
