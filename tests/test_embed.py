"""The sentence embedder's precision: bfloat16 where the CPU has it, float32 otherwise or
when asked, and bfloat16 vectors close enough to float32 ones that similarities keep
their meaning."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.enrich import embed
from storyline.errors import SettingError

pytestmark = pytest.mark.xdist_group("models")

SENTENCES = [
    "The defence ministers of both countries held a video call on Tuesday.",
    "Both defence chiefs spoke by video link and agreed to deepen military cooperation.",
    "The harbour board approved the new ferry timetable after a long consultation.",
    "Farmers in the valley said the late frost had spared most of the orchards this spring.",
    "The navy said 23 pirates were captured after a firefight in the Gulf of Aden.",
    "Officials confirmed that twenty-six suspected pirates had been detained by the warship.",
]


def test_the_environment_chooses_the_precision(monkeypatch) -> None:
    monkeypatch.setenv(embed.PRECISION_ENV, "fp32")
    assert embed.precision() == "fp32"
    monkeypatch.setenv(embed.PRECISION_ENV, " BF16 ")
    assert embed.precision() == "bf16"
    monkeypatch.setenv(embed.PRECISION_ENV, "half")
    with pytest.raises(SettingError, match="auto, bf16 or fp32"):
        embed.precision()


def test_auto_follows_the_cpu(monkeypatch) -> None:
    monkeypatch.delenv(embed.PRECISION_ENV, raising=False)
    monkeypatch.setattr(embed, "native_bf16", lambda: False)
    assert embed.precision() == "fp32"
    monkeypatch.setattr(embed, "native_bf16", lambda: True)
    assert embed.precision() == "bf16"


def test_bf16_vectors_keep_similarities(monkeypatch) -> None:
    monkeypatch.setenv(embed.PRECISION_ENV, "fp32")
    full = embed.embed(SENTENCES)
    monkeypatch.setenv(embed.PRECISION_ENV, "bf16")
    half = embed.embed(SENTENCES)
    assert half.dtype == np.float32 and half.shape == full.shape
    assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert not np.array_equal(full, half)  # the autocast really ran
    assert float((full * half).sum(axis=1).min()) > 0.999
    assert float(np.abs(full @ full.T - half @ half.T).max()) < 0.01


@pytest.mark.parametrize(("mode", "tolerance"), [("fp32", 1e-6), ("bf16", 0.0)])
def test_a_vector_depends_on_its_text_alone(monkeypatch, mode: str, tolerance: float) -> None:
    """bfloat16 bit for bit; float32 (MKL blocks its products by row count too) within
    1e-6, which the float16 a comparison keeps does not see."""
    monkeypatch.setenv(embed.PRECISION_ENV, mode)
    padding = [s + " It was said again, at length, by several officials on the same day." for s in SENTENCES]
    together = embed.embed(SENTENCES + padding * 5, batch_size=7)[: len(SENTENCES)]
    alone = np.vstack([embed.embed([s]) for s in SENTENCES])
    reordered = embed.embed(list(reversed(SENTENCES)) + padding, batch_size=3)[: len(SENTENCES)][::-1]
    assert np.abs(together - alone).max() <= tolerance
    assert np.abs(reordered - alone).max() <= tolerance


def test_grouping_leaves_the_model_as_it_is(monkeypatch) -> None:
    """In float32 our batching gives sentence-transformers' own vectors."""
    monkeypatch.setenv(embed.PRECISION_ENV, "fp32")
    theirs = embed.load_model().encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    assert np.allclose(embed.embed(SENTENCES), theirs, atol=1e-5)


def test_bf16_vectors_do_not_depend_on_threads(monkeypatch) -> None:
    """Worker processes run torch on one thread, the main process on every core."""
    import torch

    monkeypatch.setenv(embed.PRECISION_ENV, "bf16")
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = embed.embed(SENTENCES * 3)
        torch.set_num_threads(2)
        two = embed.embed(SENTENCES * 3)
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(one, two)
    assert torch.get_num_threads() == threads
