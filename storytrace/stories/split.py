"""Bisection of a story's members into the two groups that are least alike, for split detection.

Members are compared with the story similarity of cluster.py at the member level, a kernel

    K(i, j) = (W_EMB * cos(v_i, v_j) + W_TERMS * cos(t_i, t_j)) / (W_EMB + W_TERMS)

(v the unit embedding, t the unit TF-IDF vector), the inner product of the feature maps
x_i = [sqrt(W_EMB) v_i, sqrt(W_TERMS) t_i] / sqrt(W_EMB + W_TERMS). The bisection is principal
direction divisive partitioning (Boley 1998): the sign of each member's coordinate on the top
eigenvector of the centred kernel H K H (H = I - 11^T/n) splits the members across the direction
of largest spread; then spherical 2-means refines it, each member moving to the part whose summed
feature vector c_k it matches best, x_i . c_k / |c_k| = sum_{j in k} K(i, j) / sqrt(sum_{j,l in k} K(j, l)).
Everything is computed from the n x n kernel, so a check costs O(n^2 (d + terms)) for n members,
and it is deterministic: no random start.

A large story is bisected on an evenly spread sample of its members (`spread_step`: every k-th by
arrival, so both the story's first event and a later one it chained are represented); `Parts` then
places every member with the same rule the refinement uses, x_i . c_k / |c_k| with c_k summed over
the sample's part k, streaming the members so memory does not grow with the story.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from storytrace.stories.features import ArticleFeatures
from storytrace.stories.similarity import unit_rows

REFINE_ROUNDS = 20


def spread_step(size: int, sample: int) -> int:
    """Every how many members (by arrival) one is taken so that at most `sample` of `size` are."""
    return max(1, -(-size // sample))


def unit_vectors(members: list[ArticleFeatures]) -> np.ndarray:
    """The members' embeddings as unit rows (float64; a zero vector stays zero)."""
    return unit_rows(np.stack([m.vector for m in members]))


def member_kernel(members: list[ArticleFeatures], w_emb: float, w_terms: float) -> np.ndarray:
    """K(i, j) for the members, as above."""
    vectors = unit_vectors(members)
    vocabulary = {t: i for i, t in enumerate(sorted({t for m in members for t in m.terms}))}
    terms = np.zeros((len(members), max(len(vocabulary), 1)))
    for row, member in enumerate(members):
        for term, weight in member.terms.items():
            terms[row, vocabulary[term]] = weight
    return (w_emb * vectors @ vectors.T + w_terms * terms @ terms.T) / (w_emb + w_terms)


def bisect(members: list[ArticleFeatures], w_emb: float, w_terms: float) -> list[bool]:
    """The side (True/False) of each member in the best two-way partition found (see module docstring)."""
    kernel = member_kernel(members, w_emb, w_terms)
    n = len(members)
    centring = np.eye(n) - 1.0 / n
    _, eigenvectors = np.linalg.eigh(centring @ kernel @ centring)
    side = eigenvectors[:, -1] > 0
    for _ in range(REFINE_ROUNDS):
        if side.all() or not side.any():
            break
        match = []
        for part in (side, ~side):
            mass = float(kernel[np.ix_(part, part)].sum())
            match.append(kernel[:, part].sum(axis=1) / np.sqrt(max(mass, 1e-12)))
        moved = match[0] > match[1]
        if (moved == side).all() or moved.all() or not moved.any():
            break
        side = moved
    return [bool(s) for s in side]


class Parts:
    """Two groups of members summarised by their summed feature maps, c_k = sum_{j in k} x_j."""

    def __init__(self, groups: tuple[list[ArticleFeatures], list[ArticleFeatures]], w_emb: float, w_terms: float):
        self.w_emb, self.w_terms = w_emb, w_terms
        self.vectors = [unit_vectors(group).sum(axis=0) for group in groups]
        self.terms: list[Counter[str]] = []
        for group in groups:
            terms: Counter[str] = Counter()
            for member in group:
                terms.update(member.terms)
            self.terms.append(terms)
        self.norms = [
            np.sqrt(w_emb * float(v @ v) + w_terms * sum(w * w for w in t.values()))
            for v, t in zip(self.vectors, self.terms, strict=True)
        ]

    def nearest(self, member: ArticleFeatures) -> int:
        """0 or 1: the part the member matches best, x . c_k / |c_k| (ties go to part 0)."""
        vector = unit_vectors([member])[0]
        match = []
        for v, t, norm in zip(self.vectors, self.terms, self.norms, strict=True):
            terms = sum(w * t.get(term, 0.0) for term, w in member.terms.items())
            match.append((self.w_emb * float(vector @ v) + self.w_terms * terms) / max(norm, 1e-12))
        return int(match[1] > match[0])
