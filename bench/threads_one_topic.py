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
have gold, are in stories_quality.md. The same pseudo-gold tells whether a thread's title names what it
follows: the last column counts the titles that name their thread's matter.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from bench import publish
from bench.timeline_tense import polnear_metadata, polnear_texts
from storytrace.model import Article
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.stories import background, threads
from storytrace.stories.metrics import bcubed
from storytrace.stories.stage import REGATED_KEY, export_stories, export_threads, run_stories

RESULTS = Path(__file__).parent / "results" / "threads_one_topic.md"
SPLITS = ("train", "dev", "annotator-training")
SAME_DAY_ORDERS = 5  # the publication order, and four more orders of each day's articles
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


def same_day_order(articles: list[Article], seed: int) -> list[Article]:
    """The articles in publication order, those of one day in an order drawn by `seed`: the metadata dates
    articles to the day, so which of a day's reports arrives first is arbitrary, and the online linking
    follows it."""
    return sorted(articles, key=lambda a: (a.published_at or "", hashlib.md5(f"{seed}:{a.id}".encode()).digest()))


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
    titled: tuple[int, int, int]  # threads whose title names their matter, as shipped / by the largest story; threads


def titles_naming_the_matter(
    articles: list[Article], stories: list[dict[str, Any]], thread_rows: list[dict[str, Any]]
) -> tuple[int, int, int]:
    """Of the threads where one matter names at least half of the (at least three) member headlines that name
    one: how many titles name that matter (`MATTERS` pattern), as shipped and as the largest story's title (the
    rule before `threads.representative_title`), and how many such threads."""
    matter = {a.id: matter_of(a.title) for a in articles}
    story = {r["story_id"]: r for r in stories}
    shipped = largest = count = 0
    for thread in thread_rows:
        members = [story[s] for s in thread["stories"]]
        named = Counter(m for r in members for a in r["articles"] if (m := matter[a]))
        if sum(named.values()) < 3 or (top := named.most_common(1)[0])[1] * 2 < sum(named.values()):
            continue
        biggest = max(members, key=lambda r: len(r["articles"]))  # the first of the largest: the oldest
        pattern = MATTERS[top[0]]
        count += 1
        shipped += bool(re.search(pattern, thread["title"], re.I))
        largest += bool(re.search(pattern, biggest["title"], re.I))
    return shipped, largest, count


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
        thread_rows = list(export_threads(store))
    thread_of = {a: r["thread_id"] or r["story_id"] for r in rows for a in r["articles"]}
    labelled = [(a.id, m) for a in articles if (m := matter_of(a.title))]
    precision, recall, f1 = bcubed([thread_of[i] for i, _ in labelled], [m for _, m in labelled])
    sizes = Counter(thread_of.values())
    largest = [n for _, n in sizes.most_common(5)]
    titled = titles_naming_the_matter(articles, rows, thread_rows)
    return ThreadRun(len(rows), len(sizes), largest, len(labelled), precision, recall, f1, titled)


def main() -> None:
    articles = list(polnear_articles())
    runs = {"with the corpus background (shipped)": thread_figures(articles)}
    with patch.object(threads, "GENERIC_COS", 2.0):  # no story or thread ever reads like the corpus
        runs["without it"] = thread_figures(articles)
    runs["without it, then upgraded (threads regated)"] = thread_figures(articles, upgrade=True)
    spread = [runs["with the corpus background (shipped)"].f1] + [
        thread_figures(same_day_order(articles, seed)).f1 for seed in range(1, SAME_DAY_ORDERS)
    ]
    lines = [
        "# Threads on a one-topic corpus (PolNeAR, 2016 campaign)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {len(articles)} PolNeAR articles ({', '.join(SPLITS)}), "
        "`stories` stage alone, publication order. Matters: headlines naming exactly one of "
        f"{len(MATTERS)} recurring matters ({', '.join(MATTERS)}), each one gold thread.",
        "",
        "| thread link | stories | threads | largest threads (articles) | matter headlines | P | R | F1 "
        "| titles naming the thread's matter: shipped / largest story's |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        shipped, largest, count = run.titled
        lines.append(
            f"| {name} | {run.stories} | {run.threads} | {', '.join(map(str, run.largest))} | {run.labelled} "
            f"| {100 * run.precision:.1f} | {100 * run.recall:.1f} | {100 * run.f1:.1f} "
            f"| {shipped} / {largest} of {count} |"
        )
    lines += [
        "",
        f"Shipped, over {SAME_DAY_ORDERS} orders of each day's articles (the one above and {SAME_DAY_ORDERS - 1} "
        f"drawn, `same_day_order`): matters F1 {100 * sum(spread) / len(spread):.1f} on average, "
        f"{100 * min(spread):.1f} to {100 * max(spread):.1f}. A change that moves the figure above by less than "
        "that spread has not been shown to move it.",
        "",
        "Titles: of the threads where one matter names at least half of the (at least three) member headlines "
        "that name one, how many titles name that matter: as shipped (of a thread's ten largest stories, the one "
        "whose titled article reads closest to the whole thread, `threads.representative_title`) and as the "
        "largest story's title alone (the rule before).",
    ]
    publish(lines, RESULTS)


if __name__ == "__main__":
    main()
