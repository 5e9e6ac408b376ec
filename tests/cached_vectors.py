"""Document vectors written straight into a store's embedding cache, so a stage under test embeds
nothing and sees exactly the geometry the test constructs."""

from __future__ import annotations

import numpy as np

from storytrace.model import Article
from storytrace.nlp.embed import to_blob
from storytrace.store import SQLiteStore
from storytrace.store.vectors import save_vectors


def store_vectors(store: SQLiteStore, articles: list[Article], vectors: list[np.ndarray]) -> None:
    rows = [(a.id, a.content_hash, [(0, len(a.text), to_blob(v))]) for a, v in zip(articles, vectors, strict=True)]
    save_vectors(store, "doc", rows)


def random_unit(seed: int) -> np.ndarray:
    """A random 384-dimensional unit vector (float32), the same for the same seed."""
    vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return vector / np.linalg.norm(vector)
