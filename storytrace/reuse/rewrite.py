"""Sentence alignment for rewrites: sentences that say the same thing in other words.

Each sentence is a MiniLM unit vector, so the (n_a x n_b) product of the two matrices holds every
cosine. Pairs are matched by repeated mutual best (one-to-one, in any order) and kept when the
paraphrase decision of `paraphrase` accepts them. Pairs below MIN_COSINE are never paraphrases and are not scored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storytrace.model import AlignedSentence
from storytrace.reuse.paraphrase import is_paraphrase
from storytrace.text import WORD_RE, fold

MIN_COSINE = 0.55
MIN_WORDS = 4
COPIED = 0.9

Spans = Sequence[tuple[int, int]]


def align_sentences(
    a_text: str, b_text: str, a_spans: Spans, a_vectors: np.ndarray, b_spans: Spans, b_vectors: np.ndarray
) -> list[AlignedSentence]:
    """Mutual-best sentence pairs judged paraphrases, in the order of article a."""
    if len(a_spans) == 0 or len(b_spans) == 0:
        return []
    similarity = a_vectors @ b_vectors.T
    pairs, kept = [], []
    for i, j in _greedy_matching(similarity):
        a_sentence = a_text[a_spans[i][0] : a_spans[i][1]]
        b_sentence = b_text[b_spans[j][0] : b_spans[j][1]]
        if len(a_sentence.split()) >= MIN_WORDS and len(b_sentence.split()) >= MIN_WORDS:
            pairs.append((a_sentence, b_sentence))
            kept.append((i, j))
    cosines = np.array([similarity[i, j] for i, j in kept])
    accepted = is_paraphrase(pairs, cosines) if pairs else []
    return [
        AlignedSentence(
            a_spans[i][0], a_spans[i][1], b_spans[j][0], b_spans[j][1], round(float(similarity[i, j]), 4), sa, sb
        )
        for (i, j), (sa, sb), ok in zip(kept, pairs, accepted, strict=True)
        if ok
    ]


def is_reworded(a: str, b: str) -> bool:
    """Whether a sentence pair says it in other words rather than copying (folded-word containment < COPIED).

    A sentence copied verbatim, or a quotation every outlet reports the same way, is evidence of a
    passage or a shared quote, not of rewriting.
    """
    wa, wb = {fold(w) for w in WORD_RE.findall(a)}, {fold(w) for w in WORD_RE.findall(b)}
    return len(wa & wb) < COPIED * min(len(wa), len(wb))


def _greedy_matching(similarity: np.ndarray) -> list[tuple[int, int]]:
    """Repeated mutual best: take the most similar remaining pair, drop its row and column, repeat.

    Each chosen pair is the mutual best match among the sentences still unmatched, so a sentence
    that two others resemble is used once and the runner-up can still find its own partner.
    """
    rows, cols = np.nonzero(similarity >= MIN_COSINE)
    order = np.argsort(-similarity[rows, cols], kind="stable")
    used_a, used_b, chosen = set(), set(), []
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j))
    return sorted(chosen)
