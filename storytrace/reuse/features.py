"""Features of a sentence pair for the paraphrase decision (is b a rewrite of a?).

A sentence embedding alone misses what a rewrite must keep: the same numbers and the same names.
So the decision combines the MiniLM cosine with cheap lexical evidence, each feature a known
paraphrase signal: word and bigram Jaccard and containment (also on content words only), character
4- and 5-gram Jaccard, BLEU-like n-gram precision, word-sequence similarity, length ratio and
difference, words only one side has, and agreement on numbers, negation and capitalised names (all
on folded words).
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

import numpy as np

from storytrace.text import WORD_RE, fold

NAMES = (
    "cosine",
    "word_jaccard",
    "bigram_jaccard",
    "containment",
    "char_jaccard",
    "bleu",
    "length_ratio",
    "number_match",
    "number_mismatch",
    "name_jaccard",
    "cosine_x_length",
    "cosine_sq",
    "content_jaccard",
    "content_containment",
    "sequence_ratio",
    "negation_mismatch",
    "log_only_a",
    "log_only_b",
    "log_length_difference",
    "char5_jaccard",
)
_NUMBER = re.compile(r"^\d[\d.,]*$")
# Function words carry no content: overlap on the rest says whether the same facts are stated.
_STOP = frozenset(
    "the a an of to in and or for on at by with from that this is was are were be been it its as he she "
    "they we i you his her their our has have had will would said says say".split()
)
_NEGATIONS = frozenset({"not", "no", "never", "n't", "nobody", "none", "nothing"})


def _jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x or y else 1.0


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _char_grams(text: str, n: int) -> set[str]:
    lowered = text.lower()
    return {lowered[i : i + n] for i in range(len(lowered) - n + 1)}


def _bleu(hyp: list[str], ref: list[str]) -> float:
    """Geometric mean of 1..3-gram precisions (add-one smoothed), the core of BLEU."""
    logs = []
    for n in (1, 2, 3):
        h, r = _ngrams(hyp, n), _ngrams(ref, n)
        logs.append(math.log((len(h & r) + 1) / (len(h) + 1)))
    return math.exp(sum(logs) / len(logs))


def pair_features(a: str, b: str, cosine: float) -> list[float]:
    """Feature vector (in NAMES order) of one sentence pair, given the cosine of their embeddings."""
    raw_a, raw_b = WORD_RE.findall(a), WORD_RE.findall(b)
    ta, tb = [fold(w) for w in raw_a], [fold(w) for w in raw_b]
    wa, wb = set(ta), set(tb)
    na, nb = {w for w in ta if _NUMBER.match(w)}, {w for w in tb if _NUMBER.match(w)}
    names_a = {fold(w) for w in raw_a[1:] if w[:1].isupper()}
    names_b = {fold(w) for w in raw_b[1:] if w[:1].isupper()}
    content_a, content_b = wa - _STOP, wb - _STOP
    length_ratio = min(len(ta), len(tb)) / max(len(ta), len(tb), 1)
    return [
        cosine,
        _jaccard(wa, wb),
        _jaccard(_ngrams(ta, 2), _ngrams(tb, 2)),
        len(wa & wb) / max(min(len(wa), len(wb)), 1),
        _jaccard(_char_grams(a, 4), _char_grams(b, 4)),
        (_bleu(ta, tb) + _bleu(tb, ta)) / 2,
        length_ratio,
        float(bool(na) and na == nb),
        float(na != nb),
        _jaccard(names_a, names_b),
        cosine * length_ratio,
        cosine * cosine,
        _jaccard(content_a, content_b),
        len(content_a & content_b) / max(min(len(content_a), len(content_b)), 1),
        SequenceMatcher(None, ta, tb, autojunk=False).ratio(),
        float(bool(_NEGATIONS & wa) != bool(_NEGATIONS & wb)),
        math.log1p(len(content_a - content_b)),
        math.log1p(len(content_b - content_a)),
        math.log1p(abs(len(ta) - len(tb))),
        _jaccard(_char_grams(a, 5), _char_grams(b, 5)),
    ]


def feature_matrix(pairs: list[tuple[str, str]], cosines: np.ndarray) -> np.ndarray:
    return np.array([pair_features(a, b, float(c)) for (a, b), c in zip(pairs, cosines, strict=True)])
