"""Cosines and unit vectors, dense and sparse, shared by stories, splits, threads and the index.

Story centroids are kept as sums (so adding or removing a member is exact), and a story with no
embedding, or terms that cancelled out, has a zero sum: every cosine here is 0 against a zero
vector instead of a division by zero, and a zero vector stays zero when made unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np


def sparse_cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse term vectors, iterating over the shorter one."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if dot == 0.0:
        return 0.0
    norm = sparse_norm(a) * sparse_norm(b)
    return dot / norm if norm else 0.0


def sparse_norm(terms: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in terms.values()))


def unit_terms(terms: Mapping[str, float]) -> dict[str, float]:
    """The term vector scaled to length 1 (empty when it has no weight)."""
    norm = sparse_norm(terms)
    return {t: w / norm for t, w in terms.items()} if norm else {}


def dense_cos(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two dense vectors, such as two stories' embedding sums."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm else 0.0


def unit(vector: np.ndarray) -> np.ndarray:
    """The vector scaled to length 1."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1, in float64."""
    rows = matrix.astype(np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
