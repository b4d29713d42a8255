"""Golden: cleaning the real seeds removes the junk and never drops a real sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.ingest.clean import clean_text

JUNK = ("ARTICLE AD BOX", "Read more")


def real_sentences(raw: str) -> list[str]:
    """Sentence-ish pieces of every line that is not itself junk, junk prefixes cut."""
    pieces = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line in JUNK:
            continue
        line = re.sub(r"^Read more(?=[A-Z“])", "", line)
        pieces += [p for p in re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", line) if len(p.split()) >= 3]
    return pieces


def seed_files(seeds: Path) -> list[Path]:
    files = sorted(seeds.glob("*.txt"))
    assert len(files) == 5
    return files


@pytest.mark.parametrize("index", range(5))
def test_every_real_sentence_kept(seeds: Path, index: int):
    raw = seed_files(seeds)[index].read_text()
    cleaned = clean_text(raw).text
    for sentence in real_sentences(raw):
        sentence = re.sub(r"^[A-Z/]+ – ", "", sentence)  # the dateline moves to metadata
        assert sentence in cleaned, sentence


def test_junk_gone_from_seed_003(seeds: Path):
    raw = seed_files(seeds)[3].read_text()
    result = clean_text(raw)
    assert "ARTICLE AD BOX" not in result.text
    assert "Read more" not in result.text
    assert "China’s newly-appointed defense chief said" in result.text
    assert "China’s position on the Ukraine crisis" in result.text
    assert result.headline and result.headline.startswith("Admiral Dong Jun")


def test_structure_of_seeds(seeds: Path):
    files = seed_files(seeds)
    structured = clean_text(files[1].read_text())
    headings = [structured.text[b.start : b.end] for b in structured.blocks if b.kind == "subhead"]
    assert "Deeper Dive & Context" in headings
    assert len(headings) == 5
    bullets = clean_text(files[4].read_text())
    assert [b.kind for b in bullets.blocks[:3]] == ["headline", "bullet", "bullet"]
    assert clean_text(files[2].read_text()).dateline == "MOSCOW/BEIJING"
    assert all(b.kind == "body" for b in clean_text(files[0].read_text()).blocks)
