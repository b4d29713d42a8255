"""Claim-unit and quote-piece vectors kept per article, so an event compared again embeds
only what it has not seen.

A stream compares a growing event after every slice that adds a report to it, and
MiniLM over every claim unit and quote piece is most of a comparison's time: fed in 60
slices, the same 1,000 articles were compared 2,780 times against 787 in one batch
(`bench/incremental.py`).  Each compared article therefore keeps the vectors of its texts
in one row (`unit_vectors`), read back the next time one of its events is compared.

Why by hand: the cache is a dict keyed by an 8-byte digest of the text, and a row is
those keys followed by a float16 matrix; nothing a library would add.  Vectors are
rounded to float16 (768 bytes a text, about 60 KB per compared WikiRef article) the moment
they are embedded, and comparison only ever sees rounded vectors, so a comparison made
from kept vectors is the one fresh vectors give.  A row lists only texts of its article:
an article analysed again keeps what still matches and embeds the rest; rows not written
for KEEP_DAYS are dropped (`compare.stage.prune_kept`), as an event that old rarely grows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from storyline.compare.quotes import pieces
from storyline.model import Analysis, Article

KEY_BYTES = 8
KEEP_DAYS = 14  # kept vectors not rewritten for this long are dropped

Embed = Callable[[Sequence[str]], np.ndarray]
Vectors = dict[bytes, np.ndarray]  # text key → float16 vector


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


def pack(vectors: Vectors) -> bytes:
    """One article's row: the sorted keys, then their float16 vectors in the same order."""
    keys = sorted(vectors)
    matrix = np.stack([vectors[k] for k in keys]).astype("<f2") if keys else np.zeros(0, "<f2")
    return b"".join(keys) + matrix.tobytes()


def unpack(data: bytes, dim: int) -> Vectors:
    count, rest = divmod(len(data), KEY_BYTES + 2 * dim)
    if rest:
        raise ValueError(f"a kept vector row of {len(data)} bytes does not hold {dim}-dimensional vectors")
    keys = [data[i * KEY_BYTES : (i + 1) * KEY_BYTES] for i in range(count)]
    matrix = np.frombuffer(data, dtype="<f2", offset=count * KEY_BYTES).reshape(count, dim)
    return dict(zip(keys, matrix, strict=True))


def article_texts(article: Article, analysis: Analysis) -> list[str]:
    """Every text of one article comparison may embed: its claim units (as
    `claims.article_units` cuts them) and the pieces of its quotes (`quotes.pieces`)."""
    texts = [article.text[r.start : r.end] for r in analysis.units or ()]
    texts += [p for q in analysis.quotes for p in pieces(q.text)]
    return texts


class VectorCache:
    """The embedding function one comparison uses: kept vectors first, MiniLM for the rest,
    every vector rounded to float16 before anyone reads it."""

    def __init__(self, embed: Embed, kept: Iterable[Vectors] = ()) -> None:
        self._embed = embed
        self.vectors: Vectors = {}
        for row in kept:
            self.vectors.update(row)
        self.embedded = 0  # texts sent to the model

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if missing:
            fresh = np.asarray(self._embed(list(missing.values())), dtype=np.float32)
            self.vectors.update(zip(missing, fresh.astype(np.float16), strict=True))
            self.embedded += len(missing)
        if not texts:
            return np.asarray(self._embed([]), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def rows(
        self, articles: Sequence[Article], analyses: Sequence[Analysis], stored: dict[str, Vectors]
    ) -> dict[str, Vectors]:
        """The rows to write after a comparison: for each article, the vectors of its own
        texts this cache holds, where that differs from what is stored for it."""
        changed: dict[str, Vectors] = {}
        for article, analysis in zip(articles, analyses, strict=True):
            keys = {text_key(t) for t in article_texts(article, analysis)}
            row = {k: self.vectors[k] for k in keys if k in self.vectors}
            if row and row.keys() != stored.get(article.id, {}).keys():
                changed[article.id] = row
        return changed
