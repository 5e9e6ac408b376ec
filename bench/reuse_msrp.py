"""Paraphrase decision quality on MSRP train, 5-fold cross-validated, against simple baselines.

Compares: always-paraphrase; a MiniLM-cosine threshold and a word-Jaccard threshold (each threshold
tuned on the training folds); the logistic regression of `storytrace.reuse.paraphrase` over the 20
handcrafted `storytrace.reuse.features` alone (the previous model) and with the TF-KLD features of
`storytrace.reuse.kld` (the cascade's first step); the fine-tuned cross-encoder alone and the shipped
cascade (the mean of both models' probabilities where the linear model is unsure), from the
out-of-fold probabilities that `bench.train_paraphrase` wrote for the same folds. For reference:
gradient boosting on the handcrafted features, an RBF SVM on the linear model's features, the
handcrafted features plus MiniLM interaction features [|u - v|, u * v], Ji & Eisenstein's latent
TF-KLD (KLD-weighted term vectors reduced by truncated SVD, classified on [u + v, |u - v|]), and a
logistic-regression stack of the linear features with the cross-encoder's logit.

No leakage: the KLD term weights are fitted inside each training fold; the training rows' own KLD
features come from an inner 5-fold cross-fit (weights fitted without the row's pair), as the test
rows' come from weights fitted without them. Decision thresholds are tuned for F1 on training folds.
`--save` fits the linear model on all of MSRP train (term weights on all pairs, the logistic
regression on cross-fitted features) and writes paraphrase.json and paraphrase_terms.npz.

Run: .venv/bin/python -m bench.reuse_msrp [--save]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from storytrace.nlp.embed import get_encoder
from storytrace.reuse.crossencoder import ALONE_THRESHOLD as CROSS_THRESHOLD
from storytrace.reuse.features import NAMES, feature_matrix
from storytrace.reuse.kld import NAMES as KLD_NAMES
from storytrace.reuse.kld import TermWeights, pair_terms
from storytrace.reuse.paraphrase import (
    CASCADE_HIGH,
    CASCADE_LOW,
    FEATURES,
    ParaphraseClassifier,
    ParaphraseModel,
    combined,
    unsure,
)

MSRP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "msrp" / "msr_paraphrase_train.txt"
RESULTS = Path(__file__).with_name("results") / "reuse_msrp.md"
CROSS_OOF = RESULTS.with_name("reuse_msrp_crossencoder_oof.npy")  # written by bench.train_paraphrase
FOLDS = 5
TARGET_F1 = 0.86  # the goal for the shipped decision (cross-validated on MSRP train)
TermPairs = list[tuple[frozenset[str], frozenset[str]]]


def load_msrp(path: Path = MSRP) -> tuple[list[tuple[str, str]], np.ndarray]:
    """(sentence pairs, labels) from the tab-separated MSRP file (no CSV quoting, BOM-prefixed)."""
    pairs, labels = [], []
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    for line in lines:
        quality, _, _, first, second = line.split("\t")
        pairs.append((first, second))
        labels.append(int(quality))
    return pairs, np.array(labels)


def pair_vectors(pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    encoder = get_encoder()
    return encoder.encode([a for a, _ in pairs]), encoder.encode([b for _, b in pairs])


def pair_cosines(pairs: list[tuple[str, str]]) -> np.ndarray:
    va, vb = pair_vectors(pairs)
    return (va * vb).sum(axis=1)


def f1_accuracy(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    tp = int((truth & predicted).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, float((truth == predicted).mean())


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The cut on `scores` maximising F1 on the given (training) data."""
    candidates = np.quantile(scores, np.linspace(0.01, 0.6, 60))
    return float(max(candidates, key=lambda t: f1_accuracy(truth, scores >= t)[0]))


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> ParaphraseModel:
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x), y)
    probability = model.predict_proba(scaler.transform(x))[:, 1]
    return ParaphraseModel(
        scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0]), best_threshold(probability, y)
    )


def kld_features(terms: TermPairs, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """TF-KLD features of all rows: test rows from weights fitted on `train`, train rows cross-fitted."""
    out = np.zeros((len(terms), len(KLD_NAMES)))

    def fill(fit_rows: np.ndarray, rows: np.ndarray) -> None:
        weights = TermWeights.fit([terms[i] for i in fit_rows], y[fit_rows])
        for i in rows:
            out[i] = weights.pair_features(*terms[i])

    fill(train, test)
    for inner_train, inner_test in StratifiedKFold(FOLDS, shuffle=True, random_state=1).split(train, y[train]):
        fill(train[inner_train], train[inner_test])
    return out


def latent_kld(terms: TermPairs, y: np.ndarray, train: np.ndarray, dims: int = 100) -> np.ndarray:
    """Ji & Eisenstein's representation: KLD-weighted binary term vectors, truncated SVD, [u + v, |u - v|]."""
    weights = TermWeights.fit([terms[i] for i in train], y[train]).weights
    index = {t: k for k, t in enumerate(weights)}
    kl = np.array([w[0] for w in weights.values()])

    def matrix(side: int) -> sparse.csr_matrix:
        rows, cols = [], []
        for r, pair in enumerate(terms):
            hits = [index[t] for t in pair[side] if t in index]
            rows += [r] * len(hits)
            cols += hits
        return sparse.csr_matrix((kl[cols], (rows, cols)), shape=(len(terms), len(index)))

    a, b = matrix(0), matrix(1)
    svd = TruncatedSVD(dims, random_state=0).fit(sparse.vstack([a[train], b[train]]))
    u, v = svd.transform(a), svd.transform(b)
    return np.hstack([u + v, np.abs(u - v)])


def _probability_and_cut(
    fit: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Test-row scores of a model fitted on the training rows, and its F1-best cut on the training rows."""
    score = fit(x[train], y[train])
    return score(x[test]), best_threshold(score(x[train]), y[train].astype(bool))


def _scored(fit: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]):
    """A fold predictor from a scorer factory: threshold tuned for F1 on the training rows' scores."""

    def predict(x: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
        score, cut = _probability_and_cut(fit, x, y, train, test)
        return score >= cut

    return predict


def _logistic(c: float):
    def fit(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x), y)
        return lambda rows: model.predict_proba(scaler.transform(rows))[:, 1]

    return fit


def _boosting(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0).fit(x, y)
    return lambda rows: model.predict_proba(rows)[:, 1]


def _svm(x: np.ndarray, y: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    scaler = StandardScaler().fit(x)
    model = SVC(C=1.0).fit(scaler.transform(x), y)
    return lambda rows: model.decision_function(scaler.transform(rows))


LABELS = {
    "always": "always paraphrase",
    "cosine": "MiniLM cosine threshold (baseline)",
    "jaccard": "word Jaccard threshold (baseline)",
    "logistic": "logistic regression on the 20 handcrafted features (previous model)",
    "boosting": "gradient boosting on the 20 handcrafted features (reference)",
    "embedding": "logistic regression, 20 features + MiniLM [abs(u - v), u * v] (C=0.003, tried)",
    "latent": "latent TF-KLD (Ji & Eisenstein): SVD 100 dims, [u + v, abs(u - v)], logistic regression (tried)",
    "latent_plus": "latent TF-KLD + 20 features, logistic regression C=0.1 (tried)",
    "linear": "logistic regression, 20 features + 6 TF-KLD features (the cascade's first step; shipped alone before)",
    "svm": "RBF SVM on the 26 linear-model features (reference)",
    "cross": "cross-encoder alone: MiniLM fine-tuned on the training folds (bench.train_paraphrase), P >= 0.5",
    "stacked": "logistic regression on the 26 features + the cross-encoder's logit (stack, reference)",
    "shipped": "**shipped cascade: the logistic regression; where it is unsure, the mean of both probabilities**",
}


def cross_validate(
    x: np.ndarray,
    vectors: tuple[np.ndarray, np.ndarray],
    terms: TermPairs,
    y: np.ndarray,
    cross: np.ndarray | None = None,
) -> tuple[dict[str, tuple[float, float]], np.ndarray, np.ndarray]:
    """F1/accuracy per method, plus the linear model's out-of-fold probabilities and per-row cuts.
    With the cross-encoder's out-of-fold probabilities `cross`, also the stack of both (reference)."""
    truth = y.astype(bool)
    skipped = {"always", "cross", "shipped"} | ({"stacked"} if cross is None else set())
    predictions = {name: np.zeros(len(y), dtype=bool) for name in LABELS if name not in skipped}
    linear_probability, linear_cut = np.zeros(len(y)), np.zeros(len(y))
    cos, jac = x[:, [NAMES.index("cosine")]], x[:, [NAMES.index("word_jaccard")]]
    va, vb = vectors
    embedding = np.hstack([x, np.abs(va - vb), va * vb])
    logistic = _scored(_logistic(1.0))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(x, y):
        linear = np.hstack([x, kld_features(terms, y, train, test)])
        linear_probability[test], linear_cut[test] = _probability_and_cut(_logistic(1.0), linear, y, train, test)
        latent = latent_kld(terms, y, train)
        runs = {
            "cosine": (_scored(lambda _x, _y: lambda rows: rows[:, 0]), cos),
            "jaccard": (_scored(lambda _x, _y: lambda rows: rows[:, 0]), jac),
            "logistic": (logistic, x),
            "boosting": (_scored(_boosting), x),
            "embedding": (_scored(_logistic(0.003)), embedding),
            "latent": (logistic, latent),
            "latent_plus": (_scored(_logistic(0.1)), np.hstack([x, latent])),
            "svm": (_scored(_svm), linear),
        }
        if cross is not None:
            logit = np.log(np.clip(cross, 1e-6, 1 - 1e-6) / np.clip(1 - cross, 1e-6, 1 - 1e-6))
            runs["stacked"] = (logistic, np.hstack([linear, logit[:, None]]))
        for name, (predict, features) in runs.items():
            predictions[name][test] = predict(features, y, train, test)
    predictions["linear"] = linear_probability >= linear_cut
    results = {"always": f1_accuracy(truth, np.ones(len(y), dtype=bool))}
    results.update({name: f1_accuracy(truth, p) for name, p in predictions.items()})
    return results, linear_probability, linear_cut


def cascade(linear_probability: np.ndarray, linear_cut: np.ndarray, cross: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The shipped decision on precomputed probabilities: the linear cut, and on `band` the mean of both models."""
    decided = linear_probability >= linear_cut
    decided[band] = combined(linear_probability[band], cross[band])
    return decided


def cascade_lines(
    truth: np.ndarray, linear_probability: np.ndarray, linear_cut: np.ndarray, cross: np.ndarray
) -> list[str]:
    """How the band of linear probabilities sent to the cross-encoder trades accuracy for its cost."""
    lines = ["", "| band sent to the cross-encoder | share of pairs | F1 | accuracy |", "|---|---|---|---|"]
    for low, high in ((0.0, 1.01), (0.05, 0.99), (CASCADE_LOW, CASCADE_HIGH), (0.2, 0.95), (0.3, 0.9)):
        band = (linear_probability >= low) & (linear_probability < high)
        f1, accuracy = f1_accuracy(truth, cascade(linear_probability, linear_cut, cross, band))
        shipped = " (shipped)" if (low, high) == (CASCADE_LOW, CASCADE_HIGH) else ""
        lines.append(
            f"| {low} <= P < {min(high, 1.0)}{shipped} | {100 * band.mean():.0f}% "
            f"| {100 * f1:.1f} | {100 * accuracy:.1f} |"
        )
    return lines


def fit_shipped(pairs: list[tuple[str, str]], x: np.ndarray, terms: TermPairs, y: np.ndarray) -> ParaphraseClassifier:
    """Term weights on all pairs; the logistic regression on cross-fitted KLD features (as in CV)."""
    everything, nothing = np.arange(len(y)), np.zeros(0, dtype=int)
    crossfitted = kld_features(terms, y, everything, nothing)
    return ParaphraseClassifier(fit_logistic(np.hstack([x, crossfitted]), y), TermWeights.fit(terms, y))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--save", action="store_true", help="write storytrace/reuse/paraphrase.json (+ terms npz)")
    args = parser.parse_args(argv)
    if not MSRP.exists():
        sys.exit(f"MSRP not found at {MSRP}")
    started = time.perf_counter()
    pairs, y = load_msrp()
    va, vb = pair_vectors(pairs)
    x = feature_matrix(pairs, (va * vb).sum(axis=1))
    terms = [(pair_terms(a), pair_terms(b)) for a, b in pairs]
    cross = np.load(CROSS_OOF) if CROSS_OOF.exists() else None
    results, linear_probability, linear_cut = cross_validate(x, (va, vb), terms, y, cross)
    truth = y.astype(bool)
    if cross is not None:
        results["cross"] = f1_accuracy(truth, cross >= CROSS_THRESHOLD)
        results["shipped"] = f1_accuracy(
            truth, cascade(linear_probability, linear_cut, cross, unsure(linear_probability))
        )
    lines = [
        f"# reuse_msrp: sentence-pair paraphrase decision on MSRP train ({FOLDS}-fold CV)",
        "",
        f"{len(y)} pairs, {int(y.sum())} paraphrases; MiniLM int8 ONNX embeddings; thresholds tuned for F1 on the "
        "training folds; TF-KLD term weights fitted inside each training fold (cross-fitted for its own rows).",
        "",
        "| method | F1 | accuracy |",
        "|---|---|---|",
    ]
    for name, (f1, accuracy) in results.items():
        lines.append(f"| {LABELS[name]} | {100 * f1:.1f} | {100 * accuracy:.1f} |")
    final = results.get("shipped", results["linear"])
    reached = "reached" if final[0] >= TARGET_F1 else "NOT reached"
    if cross is not None:
        lines += cascade_lines(truth, linear_probability, linear_cut, cross)
        lines += [
            "",
            "Cross-encoder probabilities are the out-of-fold ones written by bench.train_paraphrase "
            f"({CROSS_OOF.name}): each fold's model was trained on the other four folds only, with the same "
            "folds as here. The shipped decision has no fitted parameter of its own: on the band it is "
            "(P_linear + P_cross) / 2 >= 0.5; the band only saves cross-encoder calls.",
        ]
    else:
        lines += ["", f"No cross-encoder rows: run bench.train_paraphrase first (it writes {CROSS_OOF.name})."]
    lines += [
        "",
        f"Target F1 >= {100 * TARGET_F1:.0f} (shipped decision): {reached}.",
        "The latent TF-KLD row was re-implemented from scratch to rule out a bug: rare-term KLD weights do not "
        "transfer to held-out pairs (cosine ROC AUC 0.665 weighted vs 0.734 unweighted, fold 0), so the latent "
        "vectors alone stay near the always-paraphrase baseline.",
    ]
    lines += ["", f"Linear-model features: {', '.join(FEATURES)}.", f"Run time {time.perf_counter() - started:.0f} s."]
    if args.save:
        fit_shipped(pairs, x, terms, y).save()
        lines.append("Saved the model fitted on all of MSRP train to paraphrase.json and paraphrase_terms.npz.")

    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
