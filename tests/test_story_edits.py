"""Corrected articles: a minor edit keeps its article in its story; a rewrite is assigned again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from cached_vectors import random_unit, store_vectors
from outlet_reports import BODIES

from storytrace.model import Article
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.stories import story_events
from storytrace.stories.background import Background
from storytrace.stories.cluster import Params
from storytrace.stories.edits import minor_edit
from storytrace.stories.features import term_counts
from storytrace.stories.stage import N_DOCS_KEY, StoryBuilder, export_stories

NEVER_JOIN = Params(threshold=9.0, threshold_full=9.0, merge_threshold=9.0, merge_threshold_full=9.0)


def _df(articles: list[Article]) -> tuple[Counter[str], int]:
    return Counter(t for a in articles for t in term_counts(a)), len(articles)


def test_minor_edit_reads_both_views_and_the_day() -> None:
    report = Article(id="r", text=BODIES[0], published_at="2024-01-10")
    typo = Article(id="r", text=BODIES[0].replace("rescued", "rescude"), published_at="2024-01-10")
    rewrite = Article(id="r", text=BODIES[1], published_at="2024-01-10")
    updated = Article(id="r", text=BODIES[0], published_at="2024-01-12")  # dated when it was updated
    reused = Article(id="r", text=BODIES[0], published_at="2024-01-13")  # a page reused days later
    undated = Article(id="r", text=BODIES[0])
    df, n = _df([Article(id=f"b{i}", text=body) for i, body in enumerate(BODIES)])
    v = random_unit(1)
    assert minor_edit(report, typo, v, v, df, n)
    assert not minor_edit(report, rewrite, v, v, df, n)  # the lead embeds alike, the words do not
    assert not minor_edit(report, typo, v, random_unit(2), df, n)  # the words alike, the lead does not
    assert minor_edit(report, updated, v, v, df, n)
    assert not minor_edit(report, reused, v, v, df, n)
    assert not minor_edit(report, undated, v, v, df, n)


def test_a_corrected_member_keeps_its_story_however_the_story_drifted(tmp_path: Path) -> None:
    """Eight reports and a copy of the first share a store; the copy is in the first's story. It is
    corrected (a sentence appended, dated the next day) and the stage runs with thresholds no article can
    reach, the strongest drift there is: the correction stays in its story (rebuilt with its new text and
    day) and nothing is logged. Only a rewrite leaves, and opens a story of its own."""
    reports = [Article(id=f"r{i}", text=body, published_at="2024-01-10") for i, body in enumerate(BODIES)]
    copy = Article(id="c0", text=BODIES[0], published_at="2024-01-10")
    corrected = Article(id="c0", text=BODIES[0] + " This article has been updated.", published_at="2024-01-11")
    rewritten = Article(id="c0", text=BODIES[1], published_at="2024-01-10")
    vectors = [random_unit(i) for i in range(len(reports))]
    with open_store(tmp_path / "e.db") as store:
        upsert_articles(store, [*reports, copy])
        store_vectors(store, [*reports, copy], [*vectors, vectors[0]])
        StoryBuilder(store).run_batch([*reports, copy])
        story_of = {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}
        assert story_of["c0"] == story_of["r0"] and len(set(story_of.values())) == len(reports)

        upsert_articles(store, [corrected])
        store_vectors(store, [corrected], [vectors[0]])  # the lead is unchanged
        builder = StoryBuilder(store, NEVER_JOIN)
        builder.run_batch([corrected])
        assert builder.report["edited_in_place"] == 1 and builder.report["new_stories"] == 0
        assert {a: r["story_id"] for r in export_stories(store) for a in r["articles"]} == story_of
        assert story_events(store) == []
        (story,) = [r for r in export_stories(store) if "c0" in r["articles"]]
        assert (story["start"], story["end"]) == ("2024-01-10", "2024-01-11")  # the update's day counts

        upsert_articles(store, [rewritten])
        store_vectors(store, [rewritten], [random_unit(99)])
        builder = StoryBuilder(store, NEVER_JOIN)
        builder.run_batch([rewritten])
        assert builder.report["edited_in_place"] == 0 and builder.report["new_stories"] == 1
        assert {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}["r0"] == story_of["r0"]
        assert [(e["kind"], e["story_id"], e["article_id"]) for e in story_events(store)] == [
            ("remove", story_of["r0"], "c0")
        ]


def test_a_minor_edit_sets_off_no_pending_merge(tmp_path: Path) -> None:
    """Eight reports and a copy of the first, clustered apart (thresholds no article can reach): the copy's
    story now matches the first's at the merge level. Correcting the copy rebuilds its story and nothing
    else: the merge waits for an arrival, which sets it off."""
    reports = [Article(id=f"r{i}", text=body, published_at="2024-01-10") for i, body in enumerate(BODIES)]
    copy = Article(id="c0", text=BODIES[0], published_at="2024-01-10")
    corrected = Article(id="c0", text=BODIES[0] + " This article has been updated.", published_at="2024-01-10")
    arrival = Article(id="c1", text=BODIES[0], published_at="2024-01-10")
    vectors = [random_unit(i) for i in range(len(reports))]
    with open_store(tmp_path / "q.db") as store:
        upsert_articles(store, [*reports, copy])
        store_vectors(store, [*reports, copy], [*vectors, vectors[0]])
        StoryBuilder(store, NEVER_JOIN).run_batch([*reports, copy])
        assert len(list(export_stories(store))) == len(reports) + 1

        upsert_articles(store, [corrected])
        store_vectors(store, [corrected], [vectors[0]])  # the lead is unchanged
        builder = StoryBuilder(store)
        builder.run_batch([corrected])
        assert builder.report["edited_in_place"] == 1 and builder.report["merges"] == 0
        assert len(list(export_stories(store))) == len(reports) + 1 and story_events(store) == []

        upsert_articles(store, [arrival])
        store_vectors(store, [arrival], [vectors[0]])
        StoryBuilder(store).run_batch([arrival])
        assert len(list(export_stories(store))) == len(reports)
        assert "merge" in [e["kind"] for e in story_events(store)]


def test_a_corrected_member_sent_back_by_the_reuse_stage_is_assigned_again(tmp_path: Path) -> None:
    """A minor edit stays in place only while what placed it holds: when the reuse stage requeues the
    article (a link it joined on weakened), it is assigned again like any member sent back."""
    reports = [Article(id=f"r{i}", text=body, published_at="2024-01-10") for i, body in enumerate(BODIES[:3])]
    copy = Article(id="c0", text=BODIES[0], published_at="2024-01-10")
    corrected = Article(id="c0", text=BODIES[0] + " This article has been updated.", published_at="2024-01-11")
    vectors = [random_unit(i) for i in range(len(reports))]
    with open_store(tmp_path / "q.db") as store:
        upsert_articles(store, [*reports, copy])
        store_vectors(store, [*reports, copy], [*vectors, vectors[0]])
        StoryBuilder(store).run_batch([*reports, copy])
        upsert_articles(store, [corrected])
        store_vectors(store, [corrected], [vectors[0]])
        with store.transaction():
            store.requeue("stories", ["c0"])
        builder = StoryBuilder(store, NEVER_JOIN)
        builder.run_batch([corrected])
        assert builder.report["edited_in_place"] == 0 and builder.report["removed"] == 1
        assert sorted(sorted(r["articles"]) for r in export_stories(store)) == [["c0"], ["r0"], ["r1"], ["r2"]]


def _tallies(store: SQLiteStore) -> tuple[int, dict[str, int], int, np.ndarray | None]:
    """What the stories stage counts of its corpus: articles, document frequencies, and the background."""
    df = {row["term"]: int(row["df"]) for row in store.conn.execute("SELECT term, df FROM story_df WHERE df > 0")}
    background = Background(store)
    return int(store.get_meta(N_DOCS_KEY, "0") or 0), df, background.count, background.total


def test_an_edit_replaces_its_counted_version_in_the_corpus_tallies(tmp_path: Path) -> None:
    """An edited article is still one article: after a typo (kept in place) and a rewrite (clustered
    again), the document frequencies, the article count and the corpus background are those of a fresh
    build of the corpus as it now reads, not one article more each (the old terms and vector counted beside
    the new)."""
    reports = [Article(id=f"r{i}", text=body, published_at="2024-01-10") for i, body in enumerate(BODIES)]
    copy = Article(id="c0", text=BODIES[0], published_at="2024-01-10")
    typo = Article(id="r1", text=BODIES[1].replace(" the ", " teh ", 1), published_at="2024-01-10")
    rewritten = Article(id="c0", text=BODIES[2], published_at="2024-01-10")
    with open_store(tmp_path / "edited.db") as store:
        upsert_articles(store, [*reports, copy])
        StoryBuilder(store).run_batch([*reports, copy])
        upsert_articles(store, [typo, rewritten])
        builder = StoryBuilder(store)
        builder.run_batch([typo, rewritten])
        assert builder.report["edited_in_place"] == 1
        edited = _tallies(store)
    final = [typo if a.id == "r1" else a for a in reports]
    with open_store(tmp_path / "fresh.db") as store:
        upsert_articles(store, [*final, rewritten])
        StoryBuilder(store).run_batch([*final, rewritten])
        fresh = _tallies(store)
    assert edited[:3] == fresh[:3] and edited[0] == len(reports) + 1
    assert edited[3] is not None and fresh[3] is not None
    # The same vectors, up to the encoder's batching (an article more or less would be a unit vector off).
    assert np.linalg.norm(edited[3] - fresh[3]) < 0.01
