"""Top-k selection of weighted keys, shared by stories, threads and their index.

Every truncated aggregate (a story's terms and names, a thread's, the keys indexed) keeps the k
heaviest entries with ties broken by the key, so the same input gives the same stored story on any
run, platform or arrival of equal weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

W = TypeVar("W", int, float)


def heaviest(weights: Mapping[str, W], k: int | None = None) -> dict[str, W]:
    """The k heaviest entries (all when k is None), heaviest first, ties by key."""
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:k])


def summed(a: Mapping[str, W], b: Mapping[str, W], k: int | None = None) -> dict[str, W]:
    """a + b, key by key, truncated to the k heaviest: how two aggregates (or one and a member) combine."""
    total = dict(a)
    for key, weight in b.items():
        total[key] = total.get(key, 0) + weight
    return heaviest(total, k)
