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
from storytrace.stories.cluster import DEFAULT_PARAMS, Params
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


REPORTS = [Article(id=f"r{i}", text=body, published_at="2024-01-10") for i, body in enumerate(BODIES)]
VECTORS = [random_unit(i) for i in range(len(BODIES))]


def _with_copy(store: SQLiteStore, params: Params = DEFAULT_PARAMS) -> None:
    """The eight reports and a copy of the first ("c0", with the first's vector), clustered in one batch."""
    copy = Article(id="c0", text=BODIES[0], published_at="2024-01-10")
    upsert_articles(store, [*REPORTS, copy])
    store_vectors(store, [*REPORTS, copy], [*VECTORS, VECTORS[0]])
    StoryBuilder(store, params).run_batch([*REPORTS, copy])


def _run(store: SQLiteStore, article: Article, vector: np.ndarray, params: Params = DEFAULT_PARAMS) -> StoryBuilder:
    """One batch of the stage over a new version of an article (or a new article) with its vector."""
    upsert_articles(store, [article])
    store_vectors(store, [article], [vector])
    builder = StoryBuilder(store, params)
    builder.run_batch([article])
    return builder


def _story_of(store: SQLiteStore) -> dict[str, str]:
    return {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}


def test_a_corrected_member_keeps_its_story_however_the_story_drifted(tmp_path: Path) -> None:
    """Eight reports and a copy of the first share a store; the copy is in the first's story. It is
    corrected (a sentence appended, dated the next day) and the stage runs with thresholds no article can
    reach, the strongest drift there is: the correction stays in its story (rebuilt with its new text and
    day) and nothing is logged. Only a rewrite leaves, and opens a story of its own."""
    corrected = Article(id="c0", text=BODIES[0] + " This article has been updated.", published_at="2024-01-11")
    rewritten = Article(id="c0", text=BODIES[1], published_at="2024-01-10")
    with open_store(tmp_path / "e.db") as store:
        _with_copy(store)
        story_of = _story_of(store)
        assert story_of["c0"] == story_of["r0"] and len(set(story_of.values())) == len(REPORTS)

        builder = _run(store, corrected, VECTORS[0], NEVER_JOIN)  # the lead is unchanged
        assert builder.report["edited_in_place"] == 1 and builder.report["new_stories"] == 0
        assert _story_of(store) == story_of
        assert story_events(store) == []
        (story,) = [r for r in export_stories(store) if "c0" in r["articles"]]
        assert (story["start"], story["end"]) == ("2024-01-10", "2024-01-11")  # the update's day counts

        builder = _run(store, rewritten, random_unit(99), NEVER_JOIN)
        assert builder.report["edited_in_place"] == 0 and builder.report["new_stories"] == 1
        assert _story_of(store)["r0"] == story_of["r0"]
        assert [(e["kind"], e["story_id"], e["article_id"]) for e in story_events(store)] == [
            ("remove", story_of["r0"], "c0")
        ]


def test_a_minor_edit_sets_off_no_pending_merge(tmp_path: Path) -> None:
    """Eight reports and a copy of the first, clustered apart (thresholds no article can reach): the copy's
    story now matches the first's at the merge level. Correcting the copy rebuilds its story and nothing
    else: the merge waits for an arrival, which sets it off."""
    corrected = Article(id="c0", text=BODIES[0] + " This article has been updated.", published_at="2024-01-10")
    arrival = Article(id="c1", text=BODIES[0], published_at="2024-01-10")
    with open_store(tmp_path / "q.db") as store:
        _with_copy(store, NEVER_JOIN)
        assert len(set(_story_of(store).values())) == len(REPORTS) + 1

        builder = _run(store, corrected, VECTORS[0])
        assert builder.report["edited_in_place"] == 1 and builder.report["merges"] == 0
        assert len(set(_story_of(store).values())) == len(REPORTS) + 1 and story_events(store) == []

        _run(store, arrival, VECTORS[0])
        assert len(set(_story_of(store).values())) == len(REPORTS)
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
