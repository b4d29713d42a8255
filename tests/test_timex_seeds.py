"""Golden: the dates of the five seed articles, checked by reading them.

The seeds are read from ../shared at test time (never copied here); without them the
test skips.  Each seed goes through the real spaCy pipeline once for the module.
"""

from __future__ import annotations

import pytest

from storyline.config import shared_dir
from storyline.enrich.nlp import annotate
from storyline.enrich.timex import find_timerefs
from storyline.errors import ModelNotFound
from storyline.model import TimeRef

pytestmark = pytest.mark.slow

PUBLISHED = {
    "000": "2026-01-28",
    "001": "2026-01-28",
    "002": "2024-10-15",
    "003": "2024-02-01",
    "004": "2023-12-21",
}


@pytest.fixture(scope="module")
def seed_refs() -> dict[str, tuple[str, list[TimeRef]]]:
    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/seeds is not beside this checkout (set STORYLINE_SHARED)")
    files = sorted((shared / "seeds").glob("*.txt"))
    assert [f.name[:3] for f in files] == list(PUBLISHED)
    texts = [f.read_text(encoding="utf-8") for f in files]
    try:
        docs = list(annotate(texts))
    except ModelNotFound as exc:
        pytest.skip(str(exc))
    return {
        f.name[:3]: (text, find_timerefs(doc, f.name[:3], PUBLISHED[f.name[:3]]))
        for f, text, doc in zip(files, texts, docs, strict=True)
    }


def values(seed_refs: dict, seed: str, phrase: str) -> list[str | None]:
    """The values of every reference of `seed` whose text is `phrase`."""
    found = [r.value for r in seed_refs[seed][1] if r.text == phrase]
    assert found, f"{phrase!r} not found in seed {seed}: {[r.text for r in seed_refs[seed][1]]}"
    return found


@pytest.mark.parametrize(
    ("seed", "phrase", "value"),
    [
        ("000", "Tuesday", "2026-01-27"),
        ("000", "last year", "2025"),
        ("000", "this year", "2026"),
        ("000", "June last year", "2025-06"),
        ("001", "Tuesday (Jan 27)", "2026-01-27"),
        ("001", "earlier this month", "2026-01"),
        ("002", "Tuesday", "2024-10-15"),  # published on a Tuesday: that very day
        ("002", "February 2022", "2022-02"),
        ("002", "May 2023", "2023-05"),
        ("003", "Wednesday", "2024-01-31"),
        ("003", "the end of last year", "2023"),
        ("004", "Next year", "2024"),
        ("004", "2019", "2019"),
        ("004", "2018", "2018"),
        # 2023-12-21 is in ISO week 51; last week is 2023-W50 (11-17 December): its month.
        ("004", "last week", "2023-12"),
    ],
)
def test_seed_date(seed_refs: dict, seed: str, phrase: str, value: str):
    assert set(values(seed_refs, seed, phrase)) == {value}


@pytest.mark.parametrize("seed", list(PUBLISHED))
def test_offsets_point_into_the_article(seed_refs: dict, seed: str):
    text, refs = seed_refs[seed]
    assert all(text[r.start : r.end] == r.text for r in refs)
    assert [r.id for r in refs] == [f"{seed}:t{n}" for n in range(len(refs))]


def test_ordinals_are_not_dates(seed_refs: dict):
    """ "the 22nd round", "the 75th anniversary": numbers, not years or days."""
    texts = [r.text for _, refs in seed_refs.values() for r in refs]
    assert not [t for t in texts if "22nd" in t or "75th" in t]
