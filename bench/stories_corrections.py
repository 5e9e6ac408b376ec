"""Corrected articles: what an edit does to the stories of a clustered store (stories/edits.py).

Run: .venv/bin/python -m bench.stories_corrections   (writes bench/results/stories_corrections.md)

PolNeAR's 927 campaign articles are clustered by the `stories` stage alone, in publication order. Then
EDITED of them, drawn at random, are changed in one way (a kind of edit below), ingested as new versions,
and the stage runs again on a copy of the store, once as shipped and once with every edit sent back
through the clusterer (`minor_edit` off, as before stories/edits.py). Each row says how many of the
edited articles kept their story id, how many of those alone in their story did, and what the change
log recorded. Corrections should change nothing; a rewrite should be assigned again.

The second table is the two cosines `minor_edit` reads, over the same kinds of edit on 200 articles.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import numpy as np

from bench import publish
from bench.threads_one_topic import polnear_articles
from storytrace.model import Article
from storytrace.nlp.embed import get_encoder
from storytrace.nlp.vectors import doc_text
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.stories import story_events
from storytrace.stories import edits, stage
from storytrace.stories.features import term_counts, tfidf
from storytrace.stories.similarity import sparse_cos
from storytrace.stories.stage import N_DOCS_KEY, export_stories, run_stories

RESULTS = Path(__file__).parent / "results" / "stories_corrections.md"
EDITED = 100
COSINE_SAMPLE = 200
SEED = 7

Edit = Callable[[Article, Article], Article]  # (the article, another article) -> the edited article


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _text_edit(change: Callable[[Article, Article], str]) -> Edit:
    """An edit of the text alone (the content hash recomputed from the new text)."""
    return lambda a, b: replace(a, text=change(a, b), content_hash="")


def _next_day(published_at: str | None) -> str | None:
    return (date.fromisoformat(published_at[:10]) + timedelta(days=1)).isoformat() if published_at else None


_APPENDED = _text_edit(lambda a, _: a.text + "\n\nThis article has been updated.")

EDITS: dict[str, Edit] = {
    "a sentence appended": _APPENDED,
    "a sentence appended, dated the next day": lambda a, b: replace(
        _APPENDED(a, b), published_at=_next_day(a.published_at)
    ),
    "a typo (first 'the')": _text_edit(lambda a, _: re.sub(r"\bthe\b", "teh", a.text, count=1)),
    "a figure changed (first number + 1)": _text_edit(
        lambda a, _: re.sub(r"\d+", lambda m: str(int(m[0]) + 1), a.text, count=1)
    ),
    "a clause added to the first sentence": _text_edit(
        lambda a, _: re.sub(r"\.", ", officials said.", a.text, count=1)
    ),
    "another article's paragraph appended": _text_edit(
        lambda a, b: a.text + "\n\n" + (_paragraphs(b.text)[1:2] or [b.text])[0]
    ),
    "the last paragraph dropped": _text_edit(lambda a, _: "\n\n".join(_paragraphs(a.text)[:-1] or [a.text])),
    "the first sentence dropped": _text_edit(lambda a, _: a.text.split(". ", 1)[-1]),
    "rewritten: another article's text": _text_edit(lambda _, b: b.text),
}


def _story_of(store_path: Path) -> dict[str, str]:
    with open_store(store_path) as store:
        return {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}


@dataclass(frozen=True)
class Corrections:
    """What one kind of edit to EDITED articles of a clustered store did when the stage ran again."""

    changed: int  # articles whose text the edit changed
    in_place: int  # of those, kept in their story as a minor edit
    kept: int  # edited articles whose story id is the same
    alone: int  # edited articles that were alone in their story
    alone_kept: int
    new_stories: int
    events: Counter[str]  # change-log rows by kind
    others_moved: int  # articles not edited whose story id changed
    counted: int  # articles in the stage's document frequencies afterwards (the corpus is unchanged in size)

    def cells(self) -> list[str]:
        logged = ", ".join(f"{kind} {n}" for kind, n in sorted(self.events.items())) or "none"
        return [
            str(self.changed),
            str(self.in_place),
            str(self.kept),
            f"{self.alone_kept} of {self.alone}",
            str(self.new_stories),
            logged,
            str(self.others_moved),
            str(self.counted),
        ]


def clustered_store(articles: list[Article], path: Path) -> None:
    """The articles clustered by the `stories` stage alone into a new store at `path`."""
    with open_store(path) as store:
        upsert_articles(store, articles)
        run_stories(store, SILENT)


def corrections(base: Path, articles: list[Article], edit: Edit, shipped: bool = True) -> Corrections:
    """Figures of one kind of edit on a copy of the clustered store `base`."""
    rng = random.Random(SEED)
    picked = rng.sample(articles, EDITED)
    others = [rng.choice(articles) for _ in picked]
    before = _story_of(base)
    sizes = Counter(before.values())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.db"
        shutil.copy(base, path)
        with open_store(path) as store:
            logged = len(story_events(store))
            upsert_articles(store, [edit(a, b) for a, b in zip(picked, others, strict=True)])
            if shipped:
                report = run_stories(store, SILENT)
            else:
                with patch.object(stage, "minor_edit", lambda *_: False):
                    report = run_stories(store, SILENT)
            events = Counter(e["kind"] for e in story_events(store)[logged:])
            counted = int(store.get_meta(N_DOCS_KEY, "0") or 0)
        after = _story_of(path)
    alone = [a for a in picked if sizes[before[a.id]] == 1]
    edited = {a.id for a in picked}
    return Corrections(
        changed=report["articles"],
        in_place=report["edited_in_place"],
        kept=sum(before[a.id] == after[a.id] for a in picked),
        alone=len(alone),
        alone_kept=sum(before[a.id] == after[a.id] for a in alone),
        new_stories=report["new_stories"],
        events=events,
        others_moved=sum(before[a] != after[a] for a in before if a not in edited),
        counted=counted,
    )


def cosine_rows(articles: list[Article]) -> list[str]:
    """Per kind of edit: the document-vector and term-vector cosines of old and new, and the share minor."""
    rng = random.Random(SEED)
    df = Counter(t for a in articles for t in term_counts(a))
    n_docs = len(articles)
    encoder = get_encoder()
    rows = []
    picked = rng.sample(articles, COSINE_SAMPLE)
    others = [rng.choice(articles) for _ in picked]
    for name, edit in EDITS.items():
        news = [edit(a, b) for a, b in zip(picked, others, strict=True)]
        old_vectors = encoder.encode([doc_text(a) for a in picked])
        new_vectors = encoder.encode([doc_text(a) for a in news])
        vector_cos = (old_vectors * new_vectors).sum(axis=1)
        term_cos = np.array(
            [
                sparse_cos(tfidf(term_counts(a), df, n_docs), tfidf(term_counts(b), df, n_docs))
                for a, b in zip(picked, news, strict=True)
            ]
        )
        minor = [
            edits.minor_edit(a, b, u, v, df, n_docs)
            for a, b, u, v in zip(picked, news, old_vectors, new_vectors, strict=True)
        ]
        rows.append(
            f"| {name} | {np.percentile(vector_cos, 5):.3f} / {np.median(vector_cos):.3f} "
            f"| {np.percentile(term_cos, 5):.3f} / {np.median(term_cos):.3f} | {100 * np.mean(minor):.0f}% |"
        )
    return rows


def main() -> None:
    articles = list(polnear_articles())
    lines = [
        "# Corrected articles: what an edit does to stories (PolNeAR)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {len(articles)} PolNeAR articles clustered by the `stories` "
        f"stage alone (publication order); then {EDITED} of them (the same random draw for every row) edited "
        "and the stage run again (an edit that leaves a text as it was changes nothing). Shipped: a minor edit "
        f"(stories/edits.py: document vector cosine >= {edits.VECTOR_COS}, term vector cosine >= {edits.TERM_COS}, "
        f"publication day moved by at most {edits.EDIT_DAYS}) keeps its article in place; "
        "every edit assigned again: the rule off, as before.",
        "",
        "| edit | run | text changed | edited in place | story id kept | alone in their story, kept | new stories "
        "| change log | other articles whose story changed | articles counted (document frequencies) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.db"
        clustered_store(articles, base)
        for name, edit in EDITS.items():
            for shipped in (True, False):
                cells = corrections(base, articles, edit, shipped).cells()
                run = "shipped" if shipped else "every edit assigned again"
                lines.append(f"| {name} | {run} | {' | '.join(cells)} |")
    lines += [
        "",
        f"## The cosines `minor_edit` reads ({COSINE_SAMPLE} articles per edit; 5th percentile / median)",
        "",
        "| edit | document vector cos | term vector cos | minor |",
        "|---|---|---|---|",
        *cosine_rows(articles),
    ]
    publish(lines, RESULTS)


if __name__ == "__main__":
    main()
