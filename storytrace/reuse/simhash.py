"""Random-hyperplane LSH over document vectors: candidate rewrites without all-pairs comparison.

A rewrite shares few word shingles with its source, but its headline and lead embed close to it.
For a random hyperplane with normal g, P[sign(g.u) = sign(g.v)] = 1 - angle(u, v) / pi (Charikar),
so `bands` groups of `bits` sign bits give the banding S-curve of `lsh` on the angle: at 24 bands of
10 bits a pair at cosine 0.8 collides with probability ~0.9, one at cosine 0.2 with ~0.07; colliding
pairs are then checked with the exact cosine before any sentence alignment.

With 10 bits a bucket holds about 1/1024 of the articles it indexes, too many in a large archive,
so keys are scoped to the publication week: an article is stored under its own week and looks up
its own and the two adjacent weeks (rewrites follow their source within days). Undated articles
share one period, whose crowded buckets the stage's bucket-size cap then skips.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from storytrace.reuse.tokens import mix64

BANDS = 24
BITS = 10
_EPOCH = date(1970, 1, 1)


class HyperplaneHasher:
    """Band keys of sign patterns over fixed random hyperplanes (seeded, so keys are stable)."""

    def __init__(self, dim: int, bands: int = BANDS, bits: int = BITS, seed: int = 7) -> None:
        self.bands, self.bits = bands, bits
        self.planes = np.random.default_rng(seed).standard_normal((dim, bands * bits)).astype(np.float32)
        self._weights = (np.uint64(1) << np.arange(bits, dtype=np.uint64)).astype(np.uint64)

    def keys(self, vectors: np.ndarray, periods: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 keys of each vector's sign bits, band index and time period (int64, -1 undated)."""
        signs = (vectors @ self.planes > 0).reshape(len(vectors), self.bands, self.bits).astype(np.uint64)
        codes = (signs * self._weights).sum(axis=2, dtype=np.uint64)
        banded = mix64(codes + (np.arange(self.bands, dtype=np.uint64) << np.uint64(32)))
        return mix64(banded ^ periods.astype(np.int64).view(np.uint64)[:, None])


def week(published_at: str | None) -> int:
    """Publication week (days since 1970-01-01 // 7), or -1 when the date is missing or unreadable."""
    try:
        day = date.fromisoformat((published_at or "")[:10])
    except ValueError:
        return -1
    return (day - _EPOCH).days // 7
