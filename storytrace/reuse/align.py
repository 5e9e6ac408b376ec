"""Verbatim passage alignment between two articles, with character offsets in both.

1. Anchors: every ANCHOR-word window of folded words present in both texts (folding makes Kiev and
   Kyiv, Zelensky and Zelenskyy the same word). Windows that repeat more than a few times in a text
   are stock phrases and give no position information, so they are not anchors.
2. Segments: anchors on one diagonal (b position - a position) at consecutive positions are one
   exact run of shared words. Runs are taken longest first and a run overlapping an earlier choice
   in either text is dropped, so a repeated phrase is aligned once.
3. Passages: runs in the same order in both texts merge when the unmatched gap between them is
   small on both sides (an edited word or phrase), or small on one side and at most a sentence on
   the other (an inserted or dropped sentence), as long as at least MIN_DENSITY of the merged span
   is matched words (a paraphrase shares scattered phrases, not a dense run). Passages shorter than
   MIN_WORDS are dropped, and so is a passage lying mostly inside the boilerplate spans of either
   text. Each passage also counts its words matched verbatim outside quotation marks: two outlets
   quoting the same speaker share the quote without copying each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from storytrace.model import AlignedPassage
from storytrace.reuse.tokens import shingle_hashes, word_spans

ANCHOR = 4
MAX_REPEAT = 3
EDIT_GAP = 12
SENTENCE_GAP = 45
MIN_WORDS = 8
MIN_DENSITY = 0.6

Spans = Sequence[tuple[int, int]]
# A quotation runs to its closing mark, or to the end of the paragraph (news style leaves a quote
# that continues in the next paragraph unclosed).
_QUOTED_RE = re.compile(r'"[^"\n]{1,600}(?:"|(?=\n)|$)|“[^”\n]{1,600}(?:”|(?=\n)|$)')


@dataclass(slots=True)
class Alignment:
    """Passages plus the share of each text matched verbatim inside them (in words, boilerplate excluded)."""

    passages: list[AlignedPassage] = field(default_factory=list)
    passage_words: list[int] = field(default_factory=list)  # words matched verbatim outside quotations
    a_words: int = 0
    b_words: int = 0
    a_aligned: int = 0
    b_aligned: int = 0

    @property
    def a_fraction(self) -> float:
        return self.a_aligned / self.a_words if self.a_words else 0.0

    @property
    def b_fraction(self) -> float:
        return self.b_aligned / self.b_words if self.b_words else 0.0


@dataclass(slots=True)
class _Run:
    a0: int
    a1: int  # inclusive word indices
    b0: int
    b1: int
    matched: int


@dataclass(slots=True, frozen=True)
class Prepared:
    """One text's words as the alignment reads them, computed once for every pair the text is in (an
    article meets many candidates in a batch, `reuse.stage._prepared_texts`)."""

    starts: np.ndarray
    ends: np.ndarray
    boiler: np.ndarray  # words inside the boilerplate spans
    own: np.ndarray  # words outside quotation marks
    windows: np.ndarray  # hash of each ANCHOR-word window
    unrepeated: np.ndarray  # windows occurring at most MAX_REPEAT times in the text
    order: np.ndarray  # argsort of `windows`, for lookups from the other text
    sorted_windows: np.ndarray

    @property
    def n_words(self) -> int:
        return len(self.starts)


def prepare(text: str, ignore: Spans = ()) -> Prepared:
    """`text` ready for `align_prepared`; `ignore` are its boilerplate character spans."""
    hashes, starts, ends = word_spans(text)
    windows = shingle_hashes(hashes, ANCHOR) if len(hashes) >= ANCHOR else np.zeros(0, dtype=np.uint64)
    _, inverse, counts = np.unique(windows, return_inverse=True, return_counts=True)
    order = np.argsort(windows, kind="stable")
    return Prepared(
        starts=starts,
        ends=ends,
        boiler=_covered(starts, ends, ignore),
        own=~_covered(starts, ends, [m.span() for m in _QUOTED_RE.finditer(text)]),
        windows=windows,
        unrepeated=counts[inverse] <= MAX_REPEAT,
        order=order,
        sorted_windows=windows[order],
    )


def align(a_text: str, b_text: str, a_ignore: Spans = (), b_ignore: Spans = ()) -> Alignment:
    """Reused passages of `a_text` in `b_text`; `*_ignore` are boilerplate character spans."""
    return align_prepared(prepare(a_text, a_ignore), prepare(b_text, b_ignore))


def align_prepared(a: Prepared, b: Prepared) -> Alignment:
    """`align` of two prepared texts."""
    result = Alignment(a_words=int((~a.boiler).sum()), b_words=int((~b.boiler).sum()))
    if a.n_words < ANCHOR or b.n_words < ANCHOR:
        return result
    runs = _select(_runs(_anchors(a, b)), a.n_words, b.n_words)
    a_matched = np.zeros(a.n_words, dtype=bool)
    b_matched = np.zeros(b.n_words, dtype=bool)
    for run in runs:
        a_matched[run.a0 : run.a1 + 1] = True
        b_matched[run.b0 : run.b1 + 1] = True
    a_used = np.zeros(a.n_words, dtype=bool)
    b_used = np.zeros(b.n_words, dtype=bool)
    for run in _merge(runs):
        if run.a1 - run.a0 + 1 < MIN_WORDS or run.b1 - run.b0 + 1 < MIN_WORDS:
            continue
        if a.boiler[run.a0 : run.a1 + 1].mean() > 0.5 or b.boiler[run.b0 : run.b1 + 1].mean() > 0.5:
            continue
        a_used[run.a0 : run.a1 + 1] = True
        b_used[run.b0 : run.b1 + 1] = True
        length = max(run.a1 - run.a0, run.b1 - run.b0) + 1
        result.passage_words.append(int((a_matched & a.own)[run.a0 : run.a1 + 1].sum()))
        result.passages.append(
            AlignedPassage(
                int(a.starts[run.a0]),
                int(a.ends[run.a1]),
                int(b.starts[run.b0]),
                int(b.ends[run.b1]),
                round(run.matched / length, 3),
            )
        )
    result.a_aligned = int((a_used & a_matched & ~a.boiler).sum())
    result.b_aligned = int((b_used & b_matched & ~b.boiler).sum())
    return result


def _covered(starts: np.ndarray, ends: np.ndarray, spans: Spans) -> np.ndarray:
    """Which words lie inside any of the character spans."""
    mask = np.zeros(len(starts), dtype=bool)
    for start, end in spans:
        mask |= (starts >= start) & (ends <= end)
    return mask


def _anchors(a: Prepared, b: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) position pairs where window i of a equals window j of b, stock phrases excluded."""
    lo = np.searchsorted(b.sorted_windows, a.windows, "left")
    count = np.searchsorted(b.sorted_windows, a.windows, "right") - lo
    keep = (count > 0) & (count <= MAX_REPEAT) & a.unrepeated
    i = np.repeat(np.flatnonzero(keep), count[keep])
    within = np.arange(len(i)) - np.repeat(np.cumsum(count[keep]) - count[keep], count[keep])
    j = b.order[np.repeat(lo[keep], count[keep]) + within]
    return i, j


def _runs(anchors: tuple[np.ndarray, np.ndarray]) -> list[_Run]:
    """Maximal runs of anchors on one diagonal at consecutive positions, as word spans."""
    i, j = anchors
    if len(i) == 0:
        return []
    diagonal = j - i
    order = np.lexsort((i, diagonal))
    i, diagonal = i[order], diagonal[order]
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(i) != 1)) + 1
    runs = []
    for start, stop in zip(np.r_[0, breaks], np.r_[breaks, len(i)], strict=True):
        a0, a1, d = int(i[start]), int(i[stop - 1]) + ANCHOR - 1, int(diagonal[start])
        runs.append(_Run(a0, a1, a0 + d, a1 + d, a1 - a0 + 1))
    return runs


def _select(runs: list[_Run], n_a: int, n_b: int) -> list[_Run]:
    """Longest runs first; drop any run overlapping a chosen one in either text."""
    a_taken = np.zeros(n_a, dtype=bool)
    b_taken = np.zeros(n_b, dtype=bool)
    chosen = []
    for run in sorted(runs, key=lambda r: (-(r.a1 - r.a0), r.a0)):
        if a_taken[run.a0 : run.a1 + 1].any() or b_taken[run.b0 : run.b1 + 1].any():
            continue
        a_taken[run.a0 : run.a1 + 1] = True
        b_taken[run.b0 : run.b1 + 1] = True
        chosen.append(run)
    return sorted(chosen, key=lambda r: r.a0)


def _merge(runs: list[_Run]) -> list[_Run]:
    """Join consecutive runs separated by a small edit or one inserted/dropped sentence."""
    merged: list[_Run] = []
    for run in runs:
        if merged:
            last = merged[-1]
            gap_a, gap_b = run.a0 - last.a1 - 1, run.b0 - last.b1 - 1
            small, large = sorted((gap_a, gap_b))
            dense = (last.matched + run.matched) >= MIN_DENSITY * (run.a1 - last.a0 + 1)
            if dense and small >= 0 and (large <= EDIT_GAP or (small <= 3 and large <= SENTENCE_GAP)):
                last.a1, last.b1, last.matched = run.a1, run.b1, last.matched + run.matched
                continue
        merged.append(_Run(run.a0, run.a1, run.b0, run.b1, run.matched))
    return merged
