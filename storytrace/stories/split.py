"""Bisection of a story's members into the two groups that are least alike, for split detection.

Members are compared with the story similarity of cluster.py at the member level, a kernel

    K(i, j) = (W_EMB * cos(v_i, v_j) + W_TERMS * cos(t_i, t_j)) / (W_EMB + W_TERMS)

(v the unit embedding, t the unit TF-IDF vector), the inner product of the feature maps
x_i = [sqrt(W_EMB) v_i, sqrt(W_TERMS) t_i] / sqrt(W_EMB + W_TERMS). The bisection is principal
direction divisive partitioning (Boley 1998): the sign of each member's coordinate on the top
eigenvector of the centred kernel H K H (H = I - 11^T/n) splits the members across the direction
of largest spread; then spherical 2-means refines it, each member moving to the part whose summed
feature vector c_k it matches best, x_i . c_k / |c_k| = sum_{j in k} K(i, j) / sqrt(sum_{j,l in k} K(j, l)).
Everything is computed from the n x n kernel, so a check costs O(n^2 (d + terms)) for n members
(n is capped by the caller), and it is deterministic: no random start.
"""

from __future__ import annotations

import numpy as np

from storytrace.stories.features import ArticleFeatures

REFINE_ROUNDS = 20


def member_kernel(members: list[ArticleFeatures], w_emb: float, w_terms: float) -> np.ndarray:
    """K(i, j) for the members, as above."""
    vectors = np.stack([m.vector for m in members]).astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
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
