"""Exact and near-duplicate articles: content hashes and MinHash LSH (datasketch).

A syndicated wire story reappears under another outlet's headline and byline, so the
signature is taken over body lines only (headlines, headings and bullets left out) and
the first body line is ignored when the article has several: that is where bylines and
datelines of republished copies differ.  The LSH index holds the articles published
within DEDUPE_WINDOW_DAYS of the batch, so memory stays flat as the store grows.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.config import MINHASH_PERMUTATIONS, MINHASH_SHINGLE_WORDS, NEAR_DUPLICATE_JACCARD
from storyline.model import Block

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them


def earlier(a: str | None, b: str | None) -> bool:
    """Was a published strictly before b?  Unknown dates never win."""
    return bool(a and b and a[:19] < b[:19])


def body_text(text: str, blocks: list[Block]) -> str:
    """The body lines of a cleaned article, without its first line when there are more."""
    body = [text[b.start : b.end] for b in blocks if b.kind == "body"]
    if len(body) > 2:
        body = body[1:]
    return "\n".join(body) if body else text


def body_signature(text: str, blocks: list[Block]) -> MinHash:
    """The signature near-duplicates are judged by: a cleaned article's body lines."""
    return signature(body_text(text, blocks))


def content_hash(text: str) -> str:
    """Hash of the cleaned text with case and spacing normalised away."""
    canonical = " ".join(_WORD_RE.findall(text.lower()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def signature(text: str) -> MinHash:
    words = _WORD_RE.findall(text.lower())
    n = MINHASH_SHINGLE_WORDS
    shingles = {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}
    mh = MinHash(num_perm=MINHASH_PERMUTATIONS, scheme=_SCHEME)
    mh.update_batch([s.encode() for s in shingles])
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype(np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint32).copy()
    return MinHash(num_perm=MINHASH_PERMUTATIONS, hashvalues=values, scheme=_SCHEME)


class NearDuplicateIndex:
    """LSH over the signatures of originals; `match` finds the closest one, if any."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=MINHASH_PERMUTATIONS)
        self.signatures: dict[str, MinHash] = {}
        self.published: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self.signatures)

    def add(self, article_id: str, mh: MinHash, published: str | None = None) -> None:
        if article_id not in self.signatures:
            self.lsh.insert(article_id, mh)
            self.signatures[article_id] = mh
            self.published[article_id] = published

    def remove(self, article_id: str) -> None:
        if self.signatures.pop(article_id, None) is not None:
            self.lsh.remove(article_id)
            self.published.pop(article_id, None)

    def match(self, mh: MinHash) -> tuple[str, float] | None:
        """The most similar indexed article at or over the threshold, ties to the smaller id."""
        best: tuple[str, float] | None = None
        for candidate in sorted(self.lsh.query(mh)):
            score = mh.jaccard(self.signatures[candidate])
            if score >= self.threshold and (best is None or score > best[1]):
                best = (candidate, score)
        return best
