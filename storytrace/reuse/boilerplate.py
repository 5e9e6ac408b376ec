"""Outlet boilerplate: lines that recur across many articles of one source are not reuse.

"Click to subscribe wherever you get your podcasts", newsletter pitches and agency footers appear
verbatim in hundreds of articles of the same outlet. Each sentence of an article gets a key (the
hash of its folded words); the store counts, per source, how many articles contain each key, and a
sentence whose key is in at least MIN_ARTICLES articles of the article's own source is boilerplate.
Counting per source keeps a wire story reprinted by many outlets from being called boilerplate, and
MIN_ARTICLES sits above the two or three versions of one dispatch an outlet may publish, whose lines
must stay reuse.
"""

from __future__ import annotations

import numpy as np

from storytrace.reuse.tokens import word_hashes
from storytrace.text import sentences

MIN_ARTICLES = 4
MIN_WORDS = 3


def line_keys(text: str) -> list[tuple[int, int, int]]:
    """(start, end, signed 64-bit key) of each sentence of at least MIN_WORDS words."""
    keys = []
    for sentence in sentences(text):
        hashes = word_hashes(sentence.text)
        if len(hashes) >= MIN_WORDS:
            keys.append((sentence.start, sentence.end, _combine(hashes)))
    return keys


def _combine(hashes: np.ndarray) -> int:
    """Order-sensitive hash of a word sequence, as a signed integer for SQLite."""
    weights = np.arange(1, len(hashes) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return int(np.bitwise_xor.reduce(hashes * weights + hashes).view(np.int64))


def boilerplate_spans(lines: list[tuple[int, int, int]], counts: dict[int, int]) -> list[tuple[int, int]]:
    """Character spans of the sentences whose key is seen in MIN_ARTICLES or more articles of the source."""
    return [(start, end) for start, end, key in lines if counts.get(key, 0) >= MIN_ARTICLES]
