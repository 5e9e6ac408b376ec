"""Outlet boilerplate: lines that recur across many articles of one source are not reuse.

"Click to subscribe wherever you get your podcasts", newsletter pitches and agency footers appear
verbatim in hundreds of articles of the same outlet. Each sentence of an article gets a key (the
hash of its folded words); the store counts, per source, how many articles contain each key, and a
sentence whose key is in at least MIN_ARTICLES articles of the article's own source is boilerplate.
Counting per source keeps a wire story reprinted by many outlets from being called boilerplate, and
MIN_ARTICLES sits above the two or three versions of one dispatch an outlet may publish, whose lines
must stay reuse. An outlet may also publish more versions of one developing dispatch than that (an
agency's hourly updates): their sentences recur in every version, and reading them as boilerplate left
the versions unlinked. Boilerplate is a small part of an article (a note, a footer, a pitch), so lines
recurring across an outlet's articles are boilerplate only while they cover at most MAX_SHARE of an
article's sentence text; beyond that they are what the article says.

Boilerplate is left out of every kind of evidence, not only the verbatim passages: a standing editor's
note ("Editor's note: Donald Trump regularly incites political violence ...", 17 of PolNeAR's HuffPost
articles in 2016) holds a phrase the quote extractor reads as a quote ("to ban all Muslims"), and its
reworded variants align as sentences, so two unrelated articles of the outlet weeks apart came out as
rewrites of each other, and the stories stage then joined their stories on that reuse link.

A line is boilerplate from its MIN_ARTICLES-th article on, so an outlet's first articles carrying it were
related while it still counted; the stage checks those again when it crosses (`stage._process`), and a
corpus analysed one article at a time ends with the relations it has when analysed at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storytrace.reuse.tokens import word_hashes
from storytrace.text import sentences

MIN_ARTICLES = 4
MAX_SHARE = 0.5  # of an article's sentence text that its frequent lines may cover and still be boilerplate
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
    """Character spans of the sentences whose key is seen in MIN_ARTICLES or more articles of the source;
    none when those cover more than MAX_SHARE of the article's sentences: then they are its content."""
    frequent = [(start, end) for start, end, key in lines if counts.get(key, 0) >= MIN_ARTICLES]
    covered = sum(end - start for start, end in frequent)
    if covered > MAX_SHARE * sum(end - start for start, end, _ in lines):
        return []
    return frequent


def clear_of(spans: Sequence[tuple[int, int]], boiler: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of the character spans (sentences, quotes) of which at most half lies in boilerplate."""
    if not boiler:
        return list(range(len(spans)))
    kept = []
    for index, (start, end) in enumerate(spans):
        inside = sum(max(0, min(end, b_end) - max(start, b_start)) for b_start, b_end in boiler)
        if 2 * inside <= end - start:
            kept.append(index)
    return kept
