"""Quotes matched across a pair: the same words attributed in both articles are rewrite evidence.

Rewriters paraphrase narration but keep quotations (trimmed, translated or re-punctuated), so a
quote of article a whose folded content words mostly reappear in a quote of article b is counted,
unless the sentence alignment already covers it. Only content words count (text.STOPWORDS left out), and
a quote needs MIN_WORDS of them: counting every word, a short quote ("the woman is a victim") was
contained in any long quote holding "the", "woman", "is" and "a", and a stock phrase ("Trump as the
Republican nominee") in any quote about the nomination, so two articles of one outlet months apart
came out as rewrites of each other on such matches (PolNeAR, 2016 campaign coverage).
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.text import STOPWORDS, WORD_RE, fold

MIN_OVERLAP = 0.6
MIN_WORDS = 4  # content words a quote needs to be compared

Quote = tuple[int, int, str]


def _words(text: str) -> set[str]:
    return {fold(w) for w in WORD_RE.findall(text)} - STOPWORDS


def matched_quotes(a: Sequence[Quote], b: Sequence[Quote], covered: Sequence[tuple[int, int]] = ()) -> int:
    """How many quotes of a match a quote of b (content-word containment of the shorter >= MIN_OVERLAP).

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
