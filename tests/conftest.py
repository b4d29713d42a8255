"""Shared fixtures: a fresh in-memory store, the shared data folder, the seeds' metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.config import shared_dir
from storyline.store.db import Store

# Publication dates read off the seed articles themselves (what "on Tuesday" and "next
# year" mean in each), with neutral outlet names: the seeds come from five outlets.
SEED_META = {
    "000": ("seed-000", "Outlet A", "2026-01-28"),
    "001": ("seed-001", "Outlet B", "2026-01-28"),
    "002": ("seed-002", "Outlet C", "2024-10-15"),
    "003": ("seed-003", "Outlet D", "2024-02-01"),
    "004": ("seed-004", "Outlet E", "2023-12-21"),
}


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if path is None:
        pytest.skip("../shared (seeds and benchmark data) is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    return shared / "seeds"


def write_seed_meta(seeds: Path, folder: Path) -> Path:
    """A meta.jsonl giving each seed its id, outlet and publication date."""
    lines = []
    for f in sorted(seeds.glob("*.txt")):
        article_id, source, published = SEED_META[f.name[:3]]
        lines.append(json.dumps({"path": str(f), "id": article_id, "source": source, "published": published}))
    meta = folder / "seeds-meta.jsonl"
    meta.write_text("\n".join(lines) + "\n")
    return meta


@pytest.fixture
def seed_meta(seeds: Path, tmp_path: Path) -> Path:
    return write_seed_meta(seeds, tmp_path)
