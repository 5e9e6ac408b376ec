"""Latency and memory of `storytrace search` on a store of 100k articles, by words and by meaning.

Run: .venv/bin/python -m bench.search_scale   (writes bench/results/search_scale.md; SEARCH_BENCH_N sets the size)

Synthetic store: each article's text is HEADLINES_PER_ARTICLE real UCI headlines drawn at random (about
250 words, news vocabulary with its real word frequencies), and its document vector one of those
headlines' cached MiniLM vectors plus Gaussian noise, stored as `analyze` stores it (float16). Building the
store is not timed. Timed: QUERIES word queries (one to three words of a random headline, a mix of rare
and common words) and QUERIES queries by meaning (a random headline, embedded by the real encoder; the
embedding is timed apart). Beside the streamed search, the same cosine top-k over every vector loaded in one
numpy matrix: the fastest a brute-force search can be, at the cost of holding all vectors in memory.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.stories_quality import load_corpus
from storytrace.model import Article
from storytrace.nlp.embed import from_blobs, get_encoder, to_blob
from storytrace.search import search_meaning, search_words
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.search import doc_vector_rows
from storytrace.store.vectors import save_vectors
from storytrace.text import STOPWORDS

N_ARTICLES = int(os.environ.get("SEARCH_BENCH_N", "100000"))
HEADLINES_PER_ARTICLE = 25
QUERIES = 30
LIMIT = 20
PAGE = 5000
RESULTS = Path(__file__).parent / "results" / "search_scale.md"


def build_store(path: Path, seed: int = 11) -> list[str]:
    """Fill a store at `path` with the synthetic articles and vectors; returns the headlines drawn from."""
    corpus = load_corpus("uci")
    headlines = [a.text for a in corpus.articles]
    rng = np.random.default_rng(seed)
    picker = random.Random(seed)
    with open_store(path) as store:
        for start in range(0, N_ARTICLES, PAGE):
            articles, rows = [], []
            for i in range(start, min(start + PAGE, N_ARTICLES)):
                picks = [picker.randrange(len(headlines)) for _ in range(HEADLINES_PER_ARTICLE)]
                article = Article(id=f"a{i}", title=headlines[picks[0]], text=". ".join(headlines[p] for p in picks))
                noisy = corpus.vectors[picks[0]] + rng.normal(0, 0.02, corpus.vectors.shape[1]).astype(np.float32)
                articles.append(article)
                rows.append(
                    (article.id, article.content_hash, [(0, len(article.text), to_blob(noisy / np.linalg.norm(noisy)))])
                )
            upsert_articles(store, articles)
            save_vectors(store, "doc", rows)
    return headlines


def word_queries(headlines: list[str], picker: random.Random) -> list[str]:
    queries = []
    while len(queries) < QUERIES:
        words = [
            w for w in headlines[picker.randrange(len(headlines))].split() if w.isalpha() and w.lower() not in STOPWORDS
        ]
        if words:
            start = picker.randrange(len(words))
            queries.append(" ".join(words[start : start + picker.randint(1, 3)]))
    return queries


def timed(run, queries: list) -> tuple[list[float], list]:
    seconds, results = [], []
    for query in queries:
        started = time.perf_counter()
        results.append(run(query))
        seconds.append(time.perf_counter() - started)
    return seconds, results


def in_memory_top(store, targets: np.ndarray) -> tuple[list[float], float, list[list[str]]]:
    """Every vector loaded once into one matrix, then one product per query: the brute-force floor."""
    started = time.perf_counter()
    ids, blobs = [], []
    for row in doc_vector_rows(store):
        ids.append(row["article_id"])
        blobs.append(row["vector"])
    matrix = from_blobs(blobs)
    load = time.perf_counter() - started
    seconds, tops = [], []
    for target in targets:
        started = time.perf_counter()
        scores = matrix @ target
        best = np.argsort(-scores)[:LIMIT]
        seconds.append(time.perf_counter() - started)
        tops.append([ids[i] for i in best])
    return seconds, load, tops


def _ms(seconds: list[float]) -> str:
    return f"{1000 * float(np.median(seconds)):.0f} ms median, {1000 * float(np.percentile(seconds, 95)):.0f} ms p95"


def main() -> None:
    picker = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "search.db"
        started = time.perf_counter()
        headlines = build_store(path, seed=11)
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
        with open_store(path) as store:
            words = word_queries(headlines, picker)
            word_seconds, word_hits = timed(lambda q: search_words(store, q, LIMIT), words)
            sentences = [headlines[picker.randrange(len(headlines))] for _ in range(QUERIES)]
            encoder = get_encoder()
            encoder.encode(["warm up"])
            embed_seconds, targets = timed(lambda q: encoder.encode([q])[0], sentences)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            meaning_seconds, meaning_hits = timed(lambda q: search_meaning(store, q, LIMIT), sentences)
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            memory_seconds, load, tops = in_memory_top(store, np.stack(targets))
    same = np.mean([[h.article_id for h in hits] == top for hits, top in zip(meaning_hits, tops, strict=True)])
    lines = [
        "# Search at scale",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores. {N_ARTICLES:,} synthetic articles of "
        f"{HEADLINES_PER_ARTICLE} UCI headlines each; store {size:.0f} MiB, built in {built:.0f} s (not timed below).",
        "",
        "| search | latency (top 20) | notes |",
        "|---|---|---|",
        f"| by words (FTS5, bm25, snippets) | {_ms(word_seconds)} | {QUERIES} queries of 1-3 headline words; "
        f"{np.mean([len(h) for h in word_hits]):.1f} hits on average |",
        f"| by meaning, streamed (`search_meaning`) | {_ms(meaning_seconds)} | includes embedding the query "
        f"({_ms(embed_seconds)}); peak RSS {rss_before:.0f} -> {rss_after:.0f} MiB |",
        f"| by meaning, all vectors in one matrix | {_ms(memory_seconds)} | after loading them once "
        f"({load:.1f} s, {N_ARTICLES * 384 * 4 / 2**20:.0f} MiB as float32); same top 20 as streamed: "
        f"{100 * same:.0f} % |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
