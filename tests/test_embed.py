"""The sentence encoder: unit vectors, one model call per distinct text."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.nlp.embed import DIM, get_encoder


def test_a_repeated_text_is_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wire headline carried by three outlets costs one encoding; every copy gets its vector."""
    encoder = get_encoder()
    wire = "Stocks fell sharply on Tuesday after weak Chinese trade data."
    other = "The minister added that talks would resume next week."
    expected = encoder.encode([wire, other])
    seen: list[str] = []
    batch = encoder._encode_batch

    def counted(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return batch(texts)

    monkeypatch.setattr(encoder, "_encode_batch", counted)
    vectors = encoder.encode([wire, other, wire, wire])
    assert sorted(seen) == sorted([wire, other])
    assert vectors.shape == (4, DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected[[0, 1, 0, 0]], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIM)
