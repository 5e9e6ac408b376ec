"""Sampled shingle fingerprints ("0 mod p" selection) for finding partial reuse.

MinHash estimates the Jaccard similarity of whole documents, so one reused paragraph inside two
otherwise different articles (Jaccard ~0.1) stays below any useful LSH threshold. Plagiarism
detectors solve this with fingerprints: keep the shingles whose hash is 0 mod p. Selection depends
only on the shingle itself, so two texts sharing a passage of L words share about (L - k + 1) / p
fingerprints wherever the passage sits. With k = 5 and p = 8, a 40-word paragraph yields ~4.5 shared
fingerprints, and requiring two of them keeps chance collisions on stock phrases rare.
"""

from __future__ import annotations

import numpy as np

SAMPLE = 8


def fingerprints(shingles: np.ndarray, sample: int = SAMPLE) -> np.ndarray:
    """The distinct shingle hashes selected by `hash mod sample == 0` (uses the high bits, which are well mixed)."""
    chosen = shingles[(shingles >> np.uint64(40)) % np.uint64(sample) == 0]
    return np.unique(chosen)
