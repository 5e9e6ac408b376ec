"""MinHash signatures of shingle sets, vectorised over whole batches of documents.

For a random hash function h, P[min h(A) = min h(B)] = |A ∩ B| / |A ∪ B| (the Jaccard similarity),
so the fraction of equal entries in two signatures of `num_perm` functions estimates Jaccard with
standard error sqrt(J(1-J)/num_perm).

The functions are multiply-shift hashes h_i(x) = ((a_i x + b_i) mod 2^64) >> 32 with odd a_i
(Dietzfelbinger et al.'s universal family): the mod 2^64 is free in uint64 arithmetic, unlike the
Mersenne-prime modulo of datasketch. The shingle hashes of many documents are stacked into one
array, hashed by all functions in one (num_perm x shingles) product, and reduced per document with
`np.minimum.reduceat`, so the Python loop runs once per chunk of documents, not per shingle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK = 1 << 13  # shingles per vectorised block: (8192 x 128) uint64 = 8 MiB, cache-friendly


class MinHasher:
    """Computes `num_perm`-entry uint32 signatures; the same seed always gives the same functions."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(0, 2**63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        return self.signatures([shingles])[0]

    def signatures(self, shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
        """(len(shingle_sets), num_perm) uint32 signatures; an empty set gets all-EMPTY entries."""
        out = np.full((len(shingle_sets), self.num_perm), EMPTY, dtype=np.uint32)
        batch: list[int] = []
        size = 0
        for i, shingles in enumerate(shingle_sets):
            if len(shingles) == 0:
                continue
            batch.append(i)
            size += len(shingles)
            if size >= _CHUNK:
                self._fill(out, batch, shingle_sets)
                batch, size = [], 0
        if batch:
            self._fill(out, batch, shingle_sets)
        return out

    def _fill(self, out: np.ndarray, rows: list[int], shingle_sets: Sequence[np.ndarray]) -> None:
        stacked = np.concatenate([shingle_sets[i] for i in rows])
        offsets = np.cumsum([0] + [len(shingle_sets[i]) for i in rows[:-1]])
        # (num_perm, shingles) layout: each function's values are contiguous, so the per-document
        # minimum is a fast reduceat along rows.
        hashed = np.multiply(self.a[:, None], stacked[None, :])
        hashed += self.b[:, None]
        # The top 32 bits are monotone in the full value, so shift once after the minimum, not per shingle.
        out[rows] = (np.minimum.reduceat(hashed, offsets, axis=1) >> np.uint64(32)).astype(np.uint32).T


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind the signatures."""
    return float(np.mean(sig_a == sig_b))
