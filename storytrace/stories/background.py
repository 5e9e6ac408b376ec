"""The corpus's own direction: the running mean of its articles' unit document vectors.

A thread's centroid is the mean of its stories' centroids, so a thread that keeps growing in a corpus
about one matter tends to the mean of the whole corpus, and every report of that corpus then resembles
it (the 2016 campaign: 818 of PolNeAR's 927 articles in one thread). The thread link compares a story
with this background (`threads.closer_to_corpus`); the mean is kept as a sum and a count in the store's
meta table, so each batch adds its articles in O(dimensions) and nothing is re-read.

An edited article replaces the vector of the version that was added (`remove`, then `add`; the version
comes from `article_versions`, and its lead is embedded again if it changed), so the mean stays that of
the articles as they now read. A store clustered before the background was kept starts
from the mean of a random sample of its clustered articles (SEED_SAMPLE), weighted by their number, so
an upgraded corpus has its background at once rather than after its next 50 articles (and then one made
of those alone).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

import numpy as np

from storytrace.nlp.embed import from_blob
from storytrace.store import SQLiteStore
from storytrace.store.stories import clustered_count, sample_member_vectors
from storytrace.stories.similarity import unit

SUM_KEY = "stories.background_sum"
COUNT_KEY = "stories.background_count"
MIN_ARTICLES = 50  # below this, the mean is these few articles rather than a background to tell them from
SEED_SAMPLE = 10_000  # clustered articles read to start the background of a store that has none


class Background:
    """Sum and count of the unit document vectors of every article the stories stage has clustered."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.count = store.get_count(COUNT_KEY)
        stored = store.get_meta(SUM_KEY)
        self.total: np.ndarray | None = None
        if stored:
            self.total = np.frombuffer(base64.b64decode(stored), dtype=np.float64).copy()
        elif sample := sample_member_vectors(store, SEED_SAMPLE):
            clustered = clustered_count(store)
            self.add(from_blob(blob) for blob in sample)
            if self.total is not None:
                self.total *= clustered / self.count
            self.count = clustered

    def add(self, vectors: Iterable[np.ndarray]) -> None:
        for vector in vectors:
            direction = unit(np.asarray(vector, dtype=np.float64))
            self.total = direction if self.total is None else self.total + direction
            self.count += 1

    def remove(self, vectors: Iterable[np.ndarray]) -> None:
        """Take articles out again: the versions of edited articles that were added."""
        for vector in vectors:
            if self.total is not None:
                self.total = self.total - unit(np.asarray(vector, dtype=np.float64))
                self.count -= 1

    def mean(self) -> np.ndarray | None:
        """The mean direction, or None while fewer than MIN_ARTICLES articles were added."""
        if self.total is None or self.count < MIN_ARTICLES:
            return None
        return (self.total / self.count).astype(np.float32)

    def save(self) -> None:
        """Store the sum and count; call inside the batch's transaction."""
        if self.total is not None:
            self.store.set_meta(SUM_KEY, base64.b64encode(self.total.tobytes()).decode("ascii"))
            self.store.set_meta(COUNT_KEY, str(self.count))
