"""Stories stage on a shared vocabulary: does the cost per article stay flat as the store grows?

Real coverage repeats words across stories: every report of a campaign says "poll", every market
headline "stocks". A candidate lookup that reads every story or thread filed under such a word makes
each new article cost O(stories) and the stage O(n^2). This bench builds n articles in n/2 events whose
headlines all share two words ("Event ... report number ..."), each event with its own word and a vector
of its own direction, runs the `stories` stage (threads included) on a fresh store at n and 2n, and
prints the seconds and their ratio: near 2 is linear, near 4 quadratic. Embedding is not timed (vectors
are written into the store). Before thread candidates were bounded like story candidates (threads.py
`candidate_threads`), 1,000 articles took 12.5 s and 2,000 took 49.2 s: ratio 3.9.

Run: .venv/bin/python -m bench.stories_scaling [--n 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import publish
from storytrace.model import Article
from storytrace.nlp.embed import DIM, to_blob
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.vectors import save_vectors
from storytrace.stories.stage import run_stories

RESULTS = Path(__file__).with_name("results") / "stories_scaling.md"


def stream(n: int, seed: int = 3) -> tuple[list[Article], list[np.ndarray]]:
    """n headlines, two per event: the event's own word beside two words every headline has."""
    rng = np.random.default_rng(seed)
    events = max(1, n // 2)
    centres = rng.normal(size=(events, DIM))
    articles, vectors = [], []
    for i in range(n):
        event = i % events
        vector = centres[event] + 0.3 * rng.normal(size=DIM)
        articles.append(Article(id=f"a{i}", text=f"Event word{event} report number {i}.", published_at="2024-01-01"))
        vectors.append((vector / np.linalg.norm(vector)).astype(np.float32))
    return articles, vectors


def stage_seconds(n: int) -> tuple[float, int]:
    """Seconds the `stories` stage takes on `stream(n)`, and the threads it makes."""
    articles, vectors = stream(n)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.db") as store:
        upsert_articles(store, articles)
        rows = [(a.id, a.content_hash, [(0, len(a.text), to_blob(v))]) for a, v in zip(articles, vectors, strict=True)]
        save_vectors(store, "doc", rows)
        started = time.perf_counter()
        run_stories(store, SILENT)
        seconds = time.perf_counter() - started
        threads = store.query("SELECT count(*) FROM threads")[0][0]
    return seconds, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    n = parser.parse_args().n
    (small, _), (large, threads) = stage_seconds(n), stage_seconds(2 * n)
    publish(
        [
            "# Stories stage on a shared vocabulary (every headline shares two words)",
            "",
            "| articles | seconds | articles/s |",
            "|---|---|---|",
            f"| {n:,} | {small:.1f} | {n / small:.0f} |",
            f"| {2 * n:,} | {large:.1f} | {2 * n / large:.0f} |",
            "",
            f"Ratio {large / small:.1f} for twice the articles ({threads:,} threads at {2 * n:,}); near 2 is linear.",
        ],
        RESULTS,
    )


if __name__ == "__main__":
    main()
