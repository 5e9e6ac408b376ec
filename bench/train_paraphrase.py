"""Fine-tune the paraphrase cross-encoder on MSRP train (JAX on CPU), cross-validated, and save it.

The model is `storytrace.reuse.crossencoder`: all-MiniLM-L6-v2 with its embeddings and first
`--first-trained` layers frozen, the layers above and a linear head trained. Because the frozen part
never changes, its output states are computed once (numpy, the same code the package runs) and the
training only runs the trained layers, forward and backward.

Training: binary cross-entropy, AdamW (weight decay 0.01), linear warm-up over 10% of the steps then
linear decay, dropout 0.1 inside the trained layers, batches of 16 pairs bucketed by length, each
pair read in a random order every epoch (paraphrase is symmetric; prediction averages both orders).
CV: the 5 stratified folds of bench.reuse_msrp (random_state=0); each fold's model is trained on the
other four only, its decision threshold is 0.5 (no tuning on the held-out fold). The out-of-fold
probabilities are written to --oof for stacking experiments.

Needs the training extras (not part of the install): `pip install -r requirements-train.txt`.
Run: python -m bench.train_paraphrase [--folds 0,1,2,3,4] [--save] [--first-trained 0] [--epochs 3]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.model_selection import StratifiedKFold

from bench.reuse_msrp import CROSS_OOF, FOLDS, f1_accuracy, load_msrp
from storytrace.nlp import bert
from storytrace.reuse import crossencoder as ce

BATCH = 16
DROPOUT = 0.1
RESULTS = Path(__file__).with_name("results") / "train_paraphrase.md"


def precompute(pairs: list[tuple[str, str]], first_trained: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Frozen-part states (float16) for every pair in both orders: index i is (a, b), i + n is (b, a)."""
    tokens = ce.tokenize_pairs(pairs + [(b, a) for a, b in pairs])
    states: list[Any] = [None] * len(tokens)
    order = np.argsort([len(ids) for ids, _ in tokens], kind="stable")
    for start in range(0, len(order), 64):
        index = order[start : start + 64]
        h, mask = ce.frozen_states([tokens[i] for i in index], first_trained)
        for row, i in enumerate(index):
            n = int(mask[row].sum())
            states[i] = (h[row, :n].astype(np.float16), np.ones(n, dtype=np.int8))
    return states


def batch_arrays(states: list[tuple[np.ndarray, np.ndarray]], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    length = -(-max(len(states[i][1]) for i in rows) // 16) * 16  # few distinct shapes: few compilations
    h = np.zeros((len(rows), length, states[rows[0]][0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(rows), length), dtype=np.float32)
    for k, i in enumerate(rows):
        n = len(states[i][1])
        h[k, :n] = states[i][0]
        mask[k, :n] = 1.0
    return h, mask


def make_dropout(key: Any, rate: float):
    counter = itertools.count()

    def drop(x: Any) -> Any:
        keep = jax.random.bernoulli(jax.random.fold_in(key, next(counter)), 1.0 - rate, x.shape)
        return jnp.where(keep, x / (1.0 - rate), 0.0)

    return drop


def forward(params: dict, h: Any, mask: Any, key: Any = None) -> Any:
    bias = bert.mask_bias(jnp, mask)
    drop = make_dropout(key, DROPOUT) if key is not None else (lambda x: x)
    for layer in params["layers"]:
        h = bert.encoder_layer(jnp, layer, h, bias, drop)
    return bert.pooled(jnp, h, mask) @ params["head_w"] + params["head_b"]


def loss_fn(params: dict, h: Any, mask: Any, y: Any, key: Any) -> Any:
    return optax.sigmoid_binary_cross_entropy(forward(params, h, mask, key), y).mean()


def initial_params(first_trained: int, seed: int) -> dict:
    layers = [{k: jnp.asarray(v) for k, v in layer.items()} for layer in bert.base_weights()[1][first_trained:]]
    head_w = jax.random.normal(jax.random.PRNGKey(seed), (2 * bert.base_weights()[0]["word"].shape[1],)) * 0.02
    return {"layers": layers, "head_w": head_w, "head_b": jnp.zeros(())}


def train(states: list, y: np.ndarray, rows: np.ndarray, args: argparse.Namespace, seed: int) -> dict:
    n = len(y)
    steps = args.epochs * (-(-len(rows) // BATCH))
    schedule = optax.join_schedules(
        [optax.linear_schedule(0.0, args.lr, int(0.1 * steps)), optax.linear_schedule(args.lr, 0.0, steps)],
        [int(0.1 * steps)],
    )
    optimizer = optax.adamw(schedule, weight_decay=0.01)
    params = initial_params(args.first_trained, seed)
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params: dict, opt_state: Any, h: Any, mask: Any, yb: Any, key: Any) -> tuple:
        loss, grads = jax.value_and_grad(loss_fn)(params, h, mask, yb, key)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    rng = np.random.default_rng(seed)
    key = jax.random.PRNGKey(seed)
    for epoch in range(args.epochs):
        flipped = np.where(rng.random(len(rows)) < 0.5, rows, rows + n)
        lengths = np.array([len(states[i][1]) for i in flipped])
        # bucket by length with some randomness, then shuffle whole batches
        ordered = flipped[np.argsort(lengths + rng.random(len(flipped)) * 8, kind="stable")]
        batches = [ordered[i : i + BATCH] for i in range(0, len(ordered), BATCH)]
        rng.shuffle(batches)
        losses = []
        for b, batch in enumerate(batches):
            h, mask = batch_arrays(states, batch)
            yb = y[batch % n].astype(np.float32)
            params, opt_state, loss = step(params, opt_state, h, mask, yb, jax.random.fold_in(key, epoch * 10_000 + b))
            losses.append(float(loss))
        print(f"    epoch {epoch + 1}: loss {np.mean(losses):.4f}", flush=True)
    return params


def predict(params: dict, states: list, rows: np.ndarray, n: int) -> np.ndarray:
    fwd = jax.jit(forward)
    both = np.concatenate([rows, rows + n])
    logits = np.zeros(len(both), dtype=np.float32)
    order = np.argsort([len(states[i][1]) for i in both], kind="stable")
    for start in range(0, len(order), 64):
        index = order[start : start + 64]
        h, mask = batch_arrays(states, both[index])
        logits[index] = np.asarray(fwd(params, h, mask))
    p = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
    return (p[: len(rows)] + p[len(rows) :]) / 2.0


def to_model(params: dict, first_trained: int) -> ce.CrossEncoder:
    layers = tuple({k: np.asarray(v, dtype=np.float32) for k, v in layer.items()} for layer in params["layers"])
    return ce.CrossEncoder(
        first_trained, layers, np.asarray(params["head_w"], dtype=np.float32), float(params["head_b"])
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--folds", default=",".join(map(str, range(FOLDS))), help="CV folds to run, e.g. 0,1 ('': none)"
    )
    parser.add_argument("--first-trained", type=int, default=0, help="frozen base layers below the trained ones")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--oof", type=Path, default=CROSS_OOF, help="out-of-fold probabilities (kept, updated)")
    parser.add_argument("--save", action="store_true", help="train on all of MSRP train and write the package file")
    args = parser.parse_args(argv)

    pairs, y = load_msrp()
    started = time.perf_counter()
    states = precompute(pairs, args.first_trained)
    print(f"frozen states for {len(pairs)} pairs x 2 orders in {time.perf_counter() - started:.0f}s", flush=True)
    oof = np.load(args.oof) if args.oof.exists() else np.full(len(y), np.nan)
    wanted = {int(f) for f in args.folds.split(",") if f}
    lines = []
    for fold, (train_rows, test_rows) in enumerate(StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(y, y)):
        if fold not in wanted:
            continue
        t0 = time.perf_counter()
        params = train(states, y, train_rows, args, seed=fold)
        oof[test_rows] = predict(params, states, test_rows, len(y))
        f1, acc = f1_accuracy(y[test_rows].astype(bool), oof[test_rows] >= ce.ALONE_THRESHOLD)
        line = f"fold {fold}: F1 {100 * f1:.1f} accuracy {100 * acc:.1f} ({time.perf_counter() - t0:.0f}s)"
        print(line, flush=True)
        lines.append(line)
    done = ~np.isnan(oof)
    if wanted and done.any():
        np.save(args.oof, oof)
        f1, acc = f1_accuracy(y[done].astype(bool), oof[done] >= ce.ALONE_THRESHOLD)
        summary = (
            f"cross-encoder (first trained layer {args.first_trained}, {args.epochs} epochs, lr {args.lr}), "
            f"{int(done.sum())} out-of-fold pairs: F1 {100 * f1:.1f}, accuracy {100 * acc:.1f}"
        )
        print(summary)
        RESULTS.write_text(
            "# train_paraphrase: MSRP train, 5-fold CV\n\n" + "\n".join(f"- {x}" for x in [*lines, summary]) + "\n"
        )
    if args.save:
        params = train(states, y, np.arange(len(y)), args, seed=99)
        to_model(params, args.first_trained).save()
        print(f"saved {ce.WEIGHTS_FILE} ({ce.WEIGHTS_FILE.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
