"""The shared cosine helpers: a story whose sums cancelled out must compare as 0, never divide by zero."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.stories.similarity import dense_cos, sparse_cos, unit, unit_rows, unit_terms


def test_dense_cosine_and_unit_vectors_handle_a_zero_sum() -> None:
    a, zero = np.array([3.0, 4.0]), np.zeros(2)
    assert dense_cos(a, 2 * a) == pytest.approx(1.0)
    assert dense_cos(a, np.array([-4.0, 3.0])) == pytest.approx(0.0)
    assert dense_cos(a, zero) == 0.0
    assert np.allclose(unit(a), [0.6, 0.8]) and not unit(zero).any()
    rows = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert rows.dtype == np.float64 and np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


def test_sparse_cosine_and_unit_terms() -> None:
    a, b = {"strike": 3.0, "port": 4.0}, {"port": 1.0, "flood": 1.0}
    assert sparse_cos(a, b) == pytest.approx(sparse_cos(b, a)) == pytest.approx(0.8 / np.sqrt(2))
    assert sparse_cos(a, {}) == 0.0 and sparse_cos(a, {"flood": 1.0}) == 0.0
    assert unit_terms(a) == pytest.approx({"strike": 0.6, "port": 0.8})
    assert unit_terms({}) == {}
