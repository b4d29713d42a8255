"""MiniLM on one core, float32 against bfloat16: sentences per second, and whether a
vector depends on what it was batched with.

    python bench/embed_speed.py [--sentences 2000]

Sentences of WikiRef220's real articles (the first N of four words or more, in file
order) go through sentence-transformers' own `encode` (its batching: by length, padded)
and through `storyline.enrich.embed.embed` (texts batched by token count, the fixed-row
feed-forward product), once per precision, on one thread as a worker process runs.
"Batch drift" is the largest change of any vector component between embedding the first
40 sentences alone and inside the whole run; "pair drift" the largest and mean change of
a cosine between two sentences, bfloat16 against float32.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import time

import numpy as np
from throughput import wikiref_texts

SAMPLE = 40  # sentences embedded alone for the batch-drift check


def sentences(limit: int) -> list[str]:
    out: list[str] = []
    for text in wikiref_texts():
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]
        if len(out) >= limit:
            break
    return out[:limit]


def rate(fn, texts: list[str]) -> tuple[float, np.ndarray]:
    fn(texts[:64])  # warm up: first calls compile kernels
    started = time.perf_counter()
    vectors = np.asarray(fn(texts), dtype=np.float32)
    return len(texts) / (time.perf_counter() - started), vectors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    texts = sentences(args.sentences)
    if not texts:
        return 1
    import torch

    from storyline.enrich import embed

    torch.set_num_threads(1)
    model = embed.load_model()

    def theirs(batch: list[str]) -> np.ndarray:
        return model.encode(batch, batch_size=embed.EMBED_BATCH_SIZE, normalize_embeddings=True)

    print(
        f"# python bench/embed_speed.py --sentences {len(texts)}  (one thread; native bf16: {embed.native_bf16()})"
    )
    print(
        "| precision | sentence-transformers batching, sentences/s | ours, sentences/s | batch drift, ours | batch drift, theirs |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    results: dict[str, np.ndarray] = {}
    for mode in ("fp32", "bf16"):
        os.environ[embed.PRECISION_ENV] = mode
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if mode == "bf16" else contextlib.nullcontext()
        with autocast:
            their_rate, their_vectors = rate(theirs, texts)
            their_alone = np.vstack([theirs([t]) for t in texts[:SAMPLE]])
        our_rate, results[mode] = rate(embed.embed, texts)
        our_alone = np.vstack([embed.embed([t]) for t in texts[:SAMPLE]])
        ours_drift = np.abs(our_alone - results[mode][:SAMPLE]).max()
        their_drift = np.abs(their_alone - their_vectors[:SAMPLE]).max()
        print(f"| {mode} | {their_rate:.0f} | {our_rate:.0f} | {ours_drift:.1e} | {their_drift:.1e} |")
    full, half = results["fp32"], results["bf16"]
    drift = np.abs(full @ full.T - half @ half.T)
    print(
        f"bf16 vs fp32: vector cosine min {(full * half).sum(axis=1).min():.5f}; "
        f"pair drift max {drift.max():.4f}, mean {drift.mean():.5f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
