"""The bundled demo: a small original corpus with gold labels, and the `storytrace demo` run over it.

The corpus (storytrace/demo/corpus) is fiction written for this project: 19 articles from six
invented outlets about four invented events, planted with what real news is full of (a wire story
and its republished copies, a rewrite of an interview in another translation, a partial reuse,
spelling variants, numbers that disagree or change over time). gold.json says what is true of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEMO_DIR = Path(__file__).parent
CORPUS_DIR = DEMO_DIR / "corpus"
GOLD_PATH = DEMO_DIR / "gold.json"


def corpus_paths() -> list[Path]:
    """The corpus files: plain-text articles and one JSON Lines file, in a stable order."""
    return sorted(p for p in CORPUS_DIR.iterdir() if p.suffix in {".txt", ".jsonl"})


def load_gold() -> dict[str, Any]:
    with GOLD_PATH.open(encoding="utf-8") as handle:
        gold: dict[str, Any] = json.load(handle)
    return gold
