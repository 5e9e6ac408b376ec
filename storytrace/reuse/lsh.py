"""Locality-sensitive banding: turns signatures into bucket keys so similar documents collide.

A signature of b bands x r rows puts two documents in a shared bucket with probability
1 - (1 - s^r)^b, where s is the per-row agreement probability (the Jaccard similarity for MinHash,
1 - angle/pi for random hyperplanes). The S-curve's threshold is about (1/b)^(1/r): 32 bands of 4
rows (128 MinHash entries) select pairs with Jaccard above ~0.42 with few misses and few false pairs.

Each band's rows are hashed to one uint64 key. Keys live in the store (so a new article is compared
with the whole archive by looking its keys up), and `pairs_from_keys` finds colliding pairs of an
in-memory batch by sorting each band once - never by comparing all pairs.
"""

from __future__ import annotations

import numpy as np

from storytrace.reuse.tokens import mix64

_P = np.uint64(0x100000001B3)


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """(n, bands) uint64 keys: the hash of each band's `rows` consecutive signature entries."""
    n, width = signatures.shape
    if width % bands:
        raise ValueError(f"{width} signature entries do not split into {bands} equal bands")
    rows = width // bands
    grouped = signatures.reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    for j in range(rows):
        key = key * _P + grouped[:, :, j] + np.uint64(1)
    return mix64(key)


def as_signed(keys: np.ndarray) -> np.ndarray:
    """The same 64 bits as int64, since SQLite integers are signed."""
    return np.ascontiguousarray(keys).view(np.int64)


def pairs_from_keys(keys: np.ndarray, max_bucket: int = 64) -> np.ndarray:
    """Unique (i, j), i < j, pairs of rows that share a key in at least one band.

    Sorting a band makes each bucket a run of equal keys; pairing every element with the one d
    places later, for d = 1 .. max_bucket - 1, enumerates the pairs of all runs at once. Buckets
    larger than `max_bucket` (a phrase everybody uses, not reuse) are cut at that size.
    """
    found: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        column = keys[order, band]
        for d in range(1, max_bucket):
            same = column[d:] == column[:-d]
            if not same.any():
                break
            i, j = order[:-d][same], order[d:][same]
            found.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)
