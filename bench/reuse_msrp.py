"""Paraphrase decision quality on MSRP train, 5-fold cross-validated, against simple baselines.

Compares: always-paraphrase; a MiniLM-cosine threshold and a word-Jaccard threshold (each threshold
tuned on the training folds); and the logistic regression of `storytrace.reuse.paraphrase` over
`storytrace.reuse.features` (threshold tuned on the training folds too). A gradient-boosting model
on the same features is shown for reference. `--save` fits the logistic regression on all of MSRP
train and writes the package's paraphrase.json.

Run: .venv/bin/python -m bench.reuse_msrp [--save]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from storytrace.nlp.embed import get_encoder
from storytrace.reuse.features import NAMES, feature_matrix
from storytrace.reuse.paraphrase import MODEL_FILE, ParaphraseModel

MSRP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "msrp" / "msr_paraphrase_train.txt"
RESULTS = Path(__file__).with_name("results") / "reuse_msrp.md"


def load_msrp(path: Path = MSRP) -> tuple[list[tuple[str, str]], np.ndarray]:
    """(sentence pairs, labels) from the tab-separated MSRP file (no CSV quoting, BOM-prefixed)."""
    pairs, labels = [], []
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    for line in lines:
        quality, _, _, first, second = line.split("\t")
        pairs.append((first, second))
        labels.append(int(quality))
    return pairs, np.array(labels)


def pair_cosines(pairs: list[tuple[str, str]]) -> np.ndarray:
    encoder = get_encoder()
    va = encoder.encode([a for a, _ in pairs])
    vb = encoder.encode([b for _, b in pairs])
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


def fit_logistic(x: np.ndarray, y: np.ndarray) -> ParaphraseModel:
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(x), y)
    probability = model.predict_proba(scaler.transform(x))[:, 1]
    return ParaphraseModel(
        scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0]), best_threshold(probability, y)
    )


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5) -> dict[str, tuple[float, float]]:
    truth = y.astype(bool)
    predictions: dict[str, np.ndarray] = {
        name: np.zeros(len(y), dtype=bool) for name in ("cosine", "jaccard", "logistic", "boosting")
    }
    cos, jac = x[:, NAMES.index("cosine")], x[:, NAMES.index("word_jaccard")]
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
        predictions["cosine"][test] = cos[test] >= best_threshold(cos[train], truth[train])
        predictions["jaccard"][test] = jac[test] >= best_threshold(jac[train], truth[train])
        model = fit_logistic(x[train], y[train])
        predictions["logistic"][test] = model.decide_features(x[test])
        booster = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
        booster.fit(x[train], y[train])
        train_p = booster.predict_proba(x[train])[:, 1]
        predictions["boosting"][test] = booster.predict_proba(x[test])[:, 1] >= best_threshold(train_p, truth[train])
    results = {"always paraphrase": f1_accuracy(truth, np.ones(len(y), dtype=bool))}
    results.update({name: f1_accuracy(truth, p) for name, p in predictions.items()})
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--save", action="store_true", help="write storytrace/reuse/paraphrase.json")
    args = parser.parse_args(argv)
    if not MSRP.exists():
        sys.exit(f"MSRP not found at {MSRP}")
    started = time.perf_counter()
    pairs, y = load_msrp()
    x = feature_matrix(pairs, pair_cosines(pairs))
    results = cross_validate(x, y)
    lines = [
        "# reuse_msrp: sentence-pair paraphrase decision on MSRP train (5-fold CV)",
        "",
        f"{len(y)} pairs, {int(y.sum())} paraphrases; MiniLM int8 ONNX embeddings; thresholds tuned on training folds.",
        "",
        "| method | F1 | accuracy |",
        "|---|---|---|",
    ]
    labels = {
        "always paraphrase": "always paraphrase",
        "cosine": "MiniLM cosine threshold (baseline)",
        "jaccard": "word Jaccard threshold (baseline)",
        "logistic": "**logistic regression on features (shipped)**",
        "boosting": "gradient boosting on the same features (reference)",
    }
    for name, (f1, accuracy) in results.items():
        lines.append(f"| {labels[name]} | {100 * f1:.1f} | {100 * accuracy:.1f} |")
    lines += ["", f"Features: {', '.join(NAMES)}.", f"Run time {time.perf_counter() - started:.0f} s."]
    if args.save:
        MODEL_FILE.write_text(json.dumps(fit_logistic(x, y).to_json(), indent=1) + "\n")
        lines.append(f"Saved the model fitted on all of MSRP train to {MODEL_FILE.name}.")
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
