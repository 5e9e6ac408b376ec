"""Throughput and peak memory of the online story assignment on 100k articles (embedding excluded),
in memory and through the `stories` stage on a SQLite store.

Run: .venv/bin/python -m bench.stories_throughput   (writes bench/results/stories_throughput.md)

Synthetic stream: 20,000 events over 120 days; each event takes a real UCI headline (text, plus one
event-specific name) and its cached MiniLM vector pulled towards an event-specific random direction,
and emits 3-7 articles on consecutive days with Gaussian noise on the vector, so the stream has
realistic term statistics and a known event structure. Embedding is NOT timed: it is the bottleneck
by far (the UCI headlines embedded at about 80/s on this loaded 2-core machine). The figure is
feature building (TF-IDF, names) + candidate retrieval + assignment + consolidation every BATCH
articles, as the stage does per batch. Memory: resident set before and after the assignment (the
difference is what the clusterer and its outputs hold), and the peak.

The stage run (a fresh interpreter, so its memory is its own) ingests the same stream into a store with
the vectors cached, untimed, then times `run_stories`: everything the in-memory run does plus reading
and writing story rows, members and the key index in SQLite, thread linking and split checks.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.stories_quality import load_corpus
from storytrace.model import Article
from storytrace.nlp.embed import to_blob
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.vectors import save_vectors
from storytrace.stories.cluster import StoryClusterer
from storytrace.stories.features import build_features
from storytrace.stories.metrics import bcubed
from storytrace.stories.stage import BATCH, export_stories, run_stories

N_ARTICLES = int(os.environ.get("STORIES_BENCH_N", "100000"))
EVENTS = N_ARTICLES // 5
DAYS = 120
RESULTS = Path(__file__).parent / "results" / "stories_throughput.md"


def synthetic_stream(seed: int = 7) -> tuple[list[Article], np.ndarray, list[int]]:
    """Events built from real headlines: each event's vector leans towards its own random direction
    and its text carries one event-specific name, so events differ the way real ones do (own actors)
    while sharing the headline vocabulary and topic structure of the UCI set."""
    corpus = load_corpus("uci")
    rng = np.random.default_rng(seed)
    picker = random.Random(seed)
    start = date(2024, 1, 1)
    dim = corpus.vectors.shape[1]
    rows: list[tuple[int, Article, np.ndarray, int]] = []
    for event in range(EVENTS):
        base = picker.randrange(len(corpus.articles))
        direction = rng.normal(0, 1, dim).astype(np.float32)
        centre = corpus.vectors[base] + 0.8 * direction / np.linalg.norm(direction)
        day = picker.randrange(DAYS)
        name = f"Zq{event:05d}"
        for k in range(picker.randint(3, 7)):
            noisy = centre + rng.normal(0, 0.02, dim).astype(np.float32)
            published = (start + timedelta(days=day + k // 2)).isoformat()
            text = f"{corpus.articles[base].text}, says {name}"
            article = Article(id=f"e{event}_{k}", text=text, published_at=published)
            rows.append((day + k // 2, article, noisy / np.linalg.norm(noisy), event))
    rows.sort(key=lambda r: r[0])
    rows = rows[:N_ARTICLES]
    return [r[1] for r in rows], np.stack([r[2] for r in rows]), [r[3] for r in rows]


def _rss_mib() -> float:
    """Current resident set size (Linux /proc), so what the assignment adds can be told apart."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def stage_run() -> dict[str, float]:
    """The `stories` stage on a fresh store holding the stream (ingest and vectors untimed)."""
    articles, vectors, events = synthetic_stream()
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.db") as store:
        for start in range(0, len(articles), BATCH):
            upsert_articles(store, articles[start : start + BATCH])
        save_vectors(
            store,
            "doc",
            [(a.id, a.content_hash, [(0, len(a.text), to_blob(v))]) for a, v in zip(articles, vectors, strict=True)],
        )
        event_of = {a.id: e for a, e in zip(articles, events, strict=True)}
        del articles, vectors, events
        gc.collect()
        rss_before = _rss_mib()
        started = time.perf_counter()
        report = run_stories(store, SILENT)
        elapsed = time.perf_counter() - started
        rss_after = _rss_mib()
        story_of = {a: row["story_id"] for row in export_stories(store) for a in row["articles"]}
        threads = store.query("SELECT COUNT(*) FROM threads")[0][0]
        moves = store.query("SELECT COUNT(*) FROM story_events WHERE kind = 'thread_move'")[0][0]
        size = sum(path.stat().st_size for path in Path(folder).iterdir())
    ids = sorted(event_of)
    f1 = bcubed([story_of[i] for i in ids], [event_of[i] for i in ids])[2]
    return {
        "articles": report["articles"],
        "seconds": elapsed,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stories": len(set(story_of.values())),
        "merges": report["merges"],
        "splits": report["splits"],
        "threads": threads,
        "thread_moves": moves,
        "store_mib": size / 2**20,
        "f1": f1,
    }


def main() -> None:
    if sys.argv[1:] == ["--stage-run"]:
        print(json.dumps(stage_run()))
        return
    articles, vectors, events = synthetic_stream()
    gc.collect()
    rss_before = _rss_mib()
    started = time.perf_counter()
    clusterer = StoryClusterer()
    assigned = []
    for seq, (article, vector) in enumerate(zip(articles, vectors, strict=True), start=1):
        features = build_features(article, vector)
        clusterer.weigh_terms(features)
        assigned.append(clusterer.assign(features, seq).story_id)
        if seq % BATCH == 0:
            clusterer.consolidate()
            clusterer.touched.clear()
    clusterer.consolidate()
    elapsed = time.perf_counter() - started
    predicted = [clusterer.resolve(s) for s in assigned]
    p, r, f = bcubed(predicted, events)
    rss_after = _rss_mib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# Online story assignment: throughput and memory",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, one process.",
        f"{len(articles):,} synthetic articles ({EVENTS:,} events over {DAYS} days; UCI headlines + one event "
        "name each, cached MiniLM vectors pulled to event directions + noise); embedding excluded from the timing.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| articles/s (features + retrieval + assignment + consolidation) | {len(articles) / elapsed:,.0f} |",
        f"| wall time | {elapsed:.1f} s |",
        f"| candidates scored per article (mean) | {clusterer.candidates_scored / len(articles):.1f} |",
        f"| live stories at end (time window {clusterer.params.window_days} days) | {len(clusterer.stories):,} |",
        f"| stories created | {len(set(predicted)):,} (events: {len(set(events)):,}) |",
        f"| B-cubed vs synthetic events P / R / F1 | {100 * p:.1f} / {100 * r:.1f} / {100 * f:.1f} |",
        f"| resident memory before / after the assignment (input stream held in memory) | "
        f"{rss_before:,.0f} / {rss_after:,.0f} MiB (+{rss_after - rss_before:,.0f} MiB) |",
        f"| process peak RSS (includes loading the UCI set and building the stream) | {peak:,.0f} MiB |",
        "",
        *_stage_lines(),
        "",
        f"The B-cubed row is a sanity check, not a quality figure: the {EVENTS:,} synthetic events reuse the "
        f"{len(set(a.text.rsplit(', says ', 1)[0] for a in articles)):,} UCI headlines of a few dozen real stories, so "
        "events differ only by a random vector direction and an invented name, and a content clusterer merges "
        "events drawn from one real story (quality on real gold: bench/results/stories_quality.md).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


def _stage_lines() -> list[str]:
    """The same stream through the `stories` stage, run in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.stories_throughput", "--stage-run"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    s = json.loads(run.stdout.strip().splitlines()[-1])
    return [
        "The same stream through the `stories` stage (SQLite store, threads and split checks included):",
        "",
        "| figure | value |",
        "|---|---|",
        f"| articles/s | {s['articles'] / s['seconds']:,.0f} ({s['seconds']:.1f} s for {s['articles']:,.0f}) |",
        f"| resident memory before / after the stage | {s['rss_before']:,.0f} / {s['rss_after']:,.0f} MiB "
        f"(+{s['rss_after'] - s['rss_before']:,.0f} MiB); process peak, building the stream included, "
        f"{s['peak']:,.0f} MiB |",
        f"| stories, merges, splits logged | {s['stories']:,.0f}, {s['merges']:,.0f}, {s['splits']:,.0f} |",
        f"| threads; stories moved out of a thread lacking its core (`thread_move`) | {s['threads']:,.0f}; "
        f"{s['thread_moves']:,.0f} |",
        f"| store on disk (articles, vectors, stories, index) | {s['store_mib']:,.0f} MiB |",
        f"| B-cubed F1 vs synthetic events (sanity check, as above) | {100 * s['f1']:.1f} |",
    ]


if __name__ == "__main__":
    main()
