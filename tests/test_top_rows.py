"""The rows a summary shows first (`pipeline.top_rows`) are the ones ranking every exported row keeps:
read from one query over the story table, they must match the report's rank on the built rows, ties
included."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import pipeline
from storytrace.model import Article
from storytrace.pipeline import REGISTRY, Registry, exporter, load_stages, top_rows
from storytrace.progress import SILENT
from storytrace.report.render import section_rows
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles
from storytrace.stories.stage import run_timeline

# story -> (thread, member count, members with a date): sizes tie (s1/s9, s4/s6/s7/s8), the dated counts
# order the stories otherwise (s5 and s9 have no dated member), threads tie on stories (t1/t4, t2/t5) and
# on articles (t1/t4), and the most stories (t3) are not the most articles (t2).
STORIES = {
    "s1": ("t1", 3, 1),
    "s2": ("t1", 1, 1),
    "s3": ("t2", 6, 3),
    "s4": ("t3", 2, 2),
    "s5": ("t3", 1, 0),
    "s6": ("t3", 2, 2),
    "s7": ("t4", 2, 1),
    "s8": ("t4", 2, 2),
    "s9": ("t5", 3, 0),
}


def _fill(store: SQLiteStore) -> None:
    """Stories and threads as the stories stage leaves them, over articles dated or not (an undated
    article stating no date has no timeline entry)."""
    articles, members = [], []
    for story, (_, size, dated) in STORIES.items():
        for i in range(size):
            article_id = f"{story}-{i}"
            dated_here = i < dated
            text = f"Talks {story} opened on Monday." if dated_here else f"Talks {story} go on."
            articles.append(Article(id=article_id, text=text, published_at="2024-05-08" if dated_here else None))
            members.append((article_id, story, articles[-1].content_hash, len(members), 1.0))
    upsert_articles(store, articles)
    run_timeline(store, SILENT)
    with store.transaction():
        store.executemany(
            "INSERT INTO story_members (article_id, story_id, content_hash, seq, score) VALUES (?, ?, ?, ?, ?)", members
        )
        for seq, (story, (thread, size, _)) in enumerate(STORIES.items()):
            store.execute(
                "INSERT INTO stories (story_id, seq, title, size, last_seq, vector_sum, terms, names, sources, "
                "thread_id) VALUES (?, ?, ?, ?, ?, x'', '{}', '{}', '[]', ?)",
                (story, seq, story, size, seq, thread),
            )
        for seq, thread in enumerate(dict.fromkeys(t for t, _, _ in STORIES.values())):
            store.execute(
                "INSERT INTO threads (thread_id, seq, title, size, vector_sum, names) VALUES (?, ?, ?, 0, x'', '{}')",
                (thread, seq, thread),
            )


@pytest.mark.parametrize("name", ["stories", "threads", "timeline", "thread_timeline"])
def test_top_rows_are_the_rows_ranking_the_whole_export_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    load_stages()
    assert name in REGISTRY.tops
    with open_store(tmp_path / "t.db") as store:
        _fill(store)
        top = {limit: section_rows(store, name, limit) for limit in range(1, len(STORIES) + 2)}
        monkeypatch.setattr(REGISTRY, "tops", {})
        ranked = {limit: section_rows(store, name, limit) for limit in top}
    assert top == ranked
    assert len({tuple(map(str, rows)) for rows in top.values()}) > 2  # the limits cut different rows


def test_an_exporter_registered_in_place_of_another_drops_its_top_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "REGISTRY", Registry())
    exporter("stories")(lambda store: iter(()))
    top_rows("stories")(lambda store, limit: iter(()))
    assert "stories" in pipeline.REGISTRY.tops
    exporter("stories")(lambda store: iter(()))
    assert "stories" not in pipeline.REGISTRY.tops
