"""Threads on a corpus about one topic: PolNeAR's 2016 campaign coverage, with and without the corpus
background in the thread link (stories/threads.py, `closer_to_corpus`), and of a store clustered without
it and then upgraded (`ThreadLinker.regate`).

Run: .venv/bin/python -m bench.threads_one_topic   (writes bench/results/threads_one_topic.md)

The corpus has no thread gold. The score here is a pseudo-gold: the headlines that name exactly one of
MATTERS (recurring matters of the campaign, matched by a pattern on the headline), each matter counted
as one gold thread, and B-cubed precision and recall of the threads over those headlines. It is crude
(a headline naming "debate" and nothing else is one matter, whichever debate), but it tells a thread
that follows matters from one that holds the whole corpus. The `stories` stage runs alone, in
publication order, so names are capitalised words (no extract stage); WikiRef and UCI, where threads
have gold, are in stories_quality.md.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

from bench import publish
from bench.timeline_tense import polnear_metadata, polnear_texts
from storytrace.model import Article
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.stories import background, threads
from storytrace.stories.metrics import bcubed
from storytrace.stories.stage import REGATED_KEY, export_stories, run_stories

RESULTS = Path(__file__).parent / "results" / "threads_one_topic.md"
SPLITS = ("train", "dev", "annotator-training")
MATTERS = {
    "emails": r"\bemails?\b|\bserver\b",
    "Benghazi": r"benghazi",
    "Trump University": r"trump university",
    "tax returns": r"tax returns?",
    "Muslims": r"\bmuslims?\b|\bislam",
    "the wall and immigration": r"\bwall\b|\bimmigra|\bmexic",
    "abortion": r"abortion|planned parenthood",
    "guns": r"\bguns?\b|\bnra\b|shooting",
    "climate": r"climate",
    "Iowa": r"\biowa\b",
    "New Hampshire": r"new hampshire",
    "the convention": r"convention",
    "debates": r"\bdebates?\b",
    "Sanders": r"sanders|bernie",
    "Cruz": r"\bcruz\b",
    "Rubio": r"rubio",
}


def polnear_articles() -> Iterator[Article]:
    """PolNeAR's texts with the publisher, date, title and author of its metadata, in publication order."""
    meta = {row["filename"]: row for row in polnear_metadata()}
    found = [
        Article(
            id=name,
            text=text,
            title=meta[name]["title"],
            source=meta[name]["publisher"],
            published_at=meta[name]["publication_date"],
            byline=meta[name]["author"],
        )
        for name, text in polnear_texts(SPLITS)
        if name in meta
    ]
    yield from sorted(found, key=lambda a: (a.published_at or "", a.id))


def matter_of(title: str | None) -> str | None:
    """The one matter a headline names, or None for none or several."""
    hits = [matter for matter, pattern in MATTERS.items() if re.search(pattern, title or "", re.I)]
    return hits[0] if len(hits) == 1 else None


@dataclass(frozen=True, slots=True)
class ThreadRun:
    """What one `stories` run made of the corpus's threads."""

    stories: int
    threads: int
    largest: list[int]  # articles in the five largest threads
    labelled: int  # headlines naming exactly one matter
    precision: float
    recall: float
    f1: float


def thread_figures(articles: list[Article], upgrade: bool = False) -> ThreadRun:
    """Thread sizes and the matters' B-cubed of one `stories` run over the articles; with `upgrade`, of a
    store clustered without the corpus background (as before it was kept) and then run again, as an
    upgraded store is (`ThreadLinker.regate`)."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.db") as store:
        upsert_articles(store, articles)
        if upgrade:
            with patch.object(threads, "GENERIC_COS", 2.0):
                run_stories(store, SILENT)
            with store.transaction():
                for key in (background.SUM_KEY, background.COUNT_KEY, REGATED_KEY):
                    store.execute("DELETE FROM meta WHERE key = ?", (key,))
        run_stories(store, SILENT)
        rows = list(export_stories(store))
    thread_of = {a: r["thread_id"] or r["story_id"] for r in rows for a in r["articles"]}
    labelled = [(a.id, m) for a in articles if (m := matter_of(a.title))]
    precision, recall, f1 = bcubed([thread_of[i] for i, _ in labelled], [m for _, m in labelled])
    sizes = Counter(thread_of.values())
    largest = [n for _, n in sizes.most_common(5)]
    return ThreadRun(len(rows), len(sizes), largest, len(labelled), precision, recall, f1)


def main() -> None:
    articles = list(polnear_articles())
    runs = {"with the corpus background (shipped)": thread_figures(articles)}
    with patch.object(threads, "GENERIC_COS", 2.0):  # no story or thread ever reads like the corpus
        runs["without it"] = thread_figures(articles)
    runs["without it, then upgraded (threads regated)"] = thread_figures(articles, upgrade=True)
    lines = [
        "# Threads on a one-topic corpus (PolNeAR, 2016 campaign)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {len(articles)} PolNeAR articles ({', '.join(SPLITS)}), "
        "`stories` stage alone, publication order. Matters: headlines naming exactly one of "
        f"{len(MATTERS)} recurring matters ({', '.join(MATTERS)}), each one gold thread.",
        "",
        "| thread link | stories | threads | largest threads (articles) | matter headlines | P | R | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        lines.append(
            f"| {name} | {run.stories} | {run.threads} | {', '.join(map(str, run.largest))} | {run.labelled} "
            f"| {100 * run.precision:.1f} | {100 * run.recall:.1f} | {100 * run.f1:.1f} |"
        )
    publish(lines, RESULTS)


if __name__ == "__main__":
    main()
