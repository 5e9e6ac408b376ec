"""Per-article sketches: the MinHash signature and every bucket key the candidate search looks up.

Three candidate sources share one posting table (see storytrace.store.reuse): MinHash LSH bands
(near-duplicates and versions, Jaccard above ~0.4), sampled shingle fingerprints (a reused
paragraph inside different text) and random-hyperplane bands of the document vector (rewrites,
which share meaning but few shingles).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from storytrace.model import Article
from storytrace.reuse.boilerplate import line_keys
from storytrace.reuse.fingerprints import fingerprints
from storytrace.reuse.lsh import as_signed, band_keys
from storytrace.reuse.minhash import MinHasher
from storytrace.reuse.simhash import HyperplaneHasher, week
from storytrace.reuse.tokens import shingle_hashes, word_hashes
from storytrace.store.reuse import FINGERPRINT_BAND, SIMHASH_BAND, Sketch

NUM_PERM = 128
BANDS = 32


@lru_cache(maxsize=1)
def minhasher() -> MinHasher:
    return MinHasher(NUM_PERM)


@lru_cache(maxsize=1)
def hyperplanes(dim: int) -> HyperplaneHasher:
    return HyperplaneHasher(dim)


def sketch_articles(articles: Sequence[Article], doc_vectors: np.ndarray) -> list[Sketch]:
    """Signatures and bucket keys for a batch (the MinHash work is one vectorised call)."""
    shingles = [shingle_hashes(word_hashes(a.text)) for a in articles]
    signatures = minhasher().signatures(shingles)
    minhash_keys = as_signed(band_keys(signatures, BANDS))
    periods = np.array([week(a.published_at) for a in articles], dtype=np.int64)
    planes = hyperplanes(doc_vectors.shape[1])
    vector_keys = [as_signed(planes.keys(doc_vectors, periods + shift)) for shift in (0, -1, 1)]
    sketches = []
    for row, article in enumerate(articles):
        buckets = [(band, int(key)) for band, key in enumerate(minhash_keys[row])]
        buckets += [(SIMHASH_BAND + band, int(key)) for band, key in enumerate(vector_keys[0][row])]
        buckets += [(FINGERPRINT_BAND, int(key)) for key in as_signed(fingerprints(shingles[row]))]
        # Dated articles also look up the adjacent weeks; undated ones have only their one shared period.
        probes = (
            []
            if periods[row] < 0
            else [(SIMHASH_BAND + band, int(key)) for keys in vector_keys[1:] for band, key in enumerate(keys[row])]
        )
        sketches.append(
            Sketch(
                article.id,
                article.content_hash,
                article.source,
                signatures[row],
                buckets,
                line_keys(article.text),
                probes,
            )
        )
    return sketches
