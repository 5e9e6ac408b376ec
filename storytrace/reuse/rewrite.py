"""Sentence alignment for rewrites: sentences that say the same thing in other words.

Each sentence is a MiniLM unit vector, so the (n_a x n_b) product of the two matrices holds every
cosine. Pairs are matched by repeated mutual best (one-to-one, in any order) and kept when the
paraphrase decision of `paraphrase` accepts them. Pairs below MIN_COSINE are never paraphrases and are not scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.model import AlignedSentence
from storytrace.reuse.boilerplate import clear_of
from storytrace.reuse.paraphrase import is_paraphrase
from storytrace.text import WORD_RE, fold, sentences

MIN_COSINE = 0.55
MIN_WORDS = 4
COPIED = 0.9

Spans = Sequence[tuple[int, int]]


@dataclass(slots=True, frozen=True)
class SentencePair:
    """Two articles' texts with their sentence spans and unit sentence vectors (one row per span)."""

    a_text: str
    b_text: str
    a_spans: Spans
    a_vectors: np.ndarray
    b_spans: Spans
    b_vectors: np.ndarray


def align_sentences(articles: Sequence[SentencePair]) -> list[list[AlignedSentence]]:
    """For each article pair, its mutual-best sentence pairs judged paraphrases, in the order of article a.

    The paraphrase decision is made once for the sentence pairs of all article pairs, so the
    cross-encoder runs in full padded batches instead of one call per article pair (headline pairs hold
    one sentence pair each: on 1,500 UCI headlines 297 -> 260 s; the rest is the model's arithmetic).
    """
    matched = [_candidates(pair) for pair in articles]
    sentence_pairs = [texts for candidates in matched for texts, _, _ in candidates]
    cosines = np.array([cosine for candidates in matched for _, _, cosine in candidates])
    accepted = iter(is_paraphrase(sentence_pairs, cosines) if sentence_pairs else [])
    aligned: list[list[AlignedSentence]] = []
    for pair, candidates in zip(articles, matched, strict=True):
        kept = []
        for (a_sentence, b_sentence), (i, j), cosine in candidates:
            if next(accepted):
                a, b = pair.a_spans[i], pair.b_spans[j]
                kept.append(AlignedSentence(a[0], a[1], b[0], b[1], round(cosine, 4), a_sentence, b_sentence))
        aligned.append(kept)
    return aligned


def _candidates(pair: SentencePair) -> list[tuple[tuple[str, str], tuple[int, int], float]]:
    """((a sentence, b sentence), (i, j), cosine) of the mutual-best pairs long enough to judge."""
    if len(pair.a_spans) == 0 or len(pair.b_spans) == 0:
        return []
    similarity = pair.a_vectors @ pair.b_vectors.T
    found = []
    for i, j in _greedy_matching(similarity):
        a_sentence = pair.a_text[pair.a_spans[i][0] : pair.a_spans[i][1]]
        b_sentence = pair.b_text[pair.b_spans[j][0] : pair.b_spans[j][1]]
        if judged(a_sentence) and judged(b_sentence):
            found.append(((a_sentence, b_sentence), (i, j), float(similarity[i, j])))
    return found


def judged(sentence: str) -> bool:
    """Whether a sentence is long enough (MIN_WORDS) for its paraphrase to mean anything."""
    return len(sentence.split()) >= MIN_WORDS


def judged_count(text: str, boiler: Spans = ()) -> int:
    """How many sentences of a text could be aligned as a rewrite (see `relate.rewrite_possible`), outside
    the `boiler` spans."""
    spans = sentences(text)
    return sum(judged(spans[i].text) for i in clear_of([(s.start, s.end) for s in spans], boiler))


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
