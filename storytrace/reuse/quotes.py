"""Quotes matched across a pair: the same words attributed in both articles are rewrite evidence.

Rewriters paraphrase narration but keep quotations (trimmed, translated or re-punctuated), so a
quote of article a whose folded words mostly reappear in a quote of article b is counted, unless
the sentence alignment already covers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.text import WORD_RE, fold

MIN_OVERLAP = 0.6
MIN_WORDS = 4

Quote = tuple[int, int, str]


def _words(text: str) -> set[str]:
    return {fold(w) for w in WORD_RE.findall(text)}


def matched_quotes(a: Sequence[Quote], b: Sequence[Quote], covered: Sequence[tuple[int, int]] = ()) -> int:
    """How many quotes of a match a quote of b (word containment of the shorter >= MIN_OVERLAP).

    Quotes inside already-aligned spans of a (`covered`) are not counted twice.
    """
    b_words = [w for _, _, text in b if len(w := _words(text)) >= MIN_WORDS]
    count = 0
    for start, end, text in a:
        words = _words(text)
        if len(words) < MIN_WORDS or any(s <= start < e or s < end <= e for s, e in covered):
            continue
        if any(len(words & other) / min(len(words), len(other)) >= MIN_OVERLAP for other in b_words):
            count += 1
    return count
