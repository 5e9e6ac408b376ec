"""Split detection: a story that chained two events through a bridging article is split once later
reports separate them; the split is logged, the older part keeps the id, and a rerun changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from cached_vectors import store_vectors

from storytrace.model import Article
from storytrace.progress import SILENT
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.stories import StoryRow, member_pages, save_members, spread_members, story_events
from storytrace.stories import stage
from storytrace.stories.cluster import DEFAULT_PARAMS, Params, StoryClusterer
from storytrace.stories.features import ArticleFeatures, build_features
from storytrace.stories.split import bisect, spread_step
from storytrace.stories.stage import StoryBuilder, export_stories, export_threads, run_stories

STRIKE = [
    "Harbourton dockworkers strike over pay",
    "Harbourton port strike halts container traffic",
    "Dockworkers at Harbourton reject wage offer",
    "Harbourton strike enters third day as talks stall",
    "Harbourton union leaders call dockworkers to rally",
    "Harbourton dockers return to picket line",
]
FLOOD = [
    "River Ardle floods Brennick town centre",
    "Brennick families evacuated as Ardle bursts banks",
    "Ardle flood waters reach Brennick bridge",
    "Brennick residents count cost of Ardle flooding",
    "Ardle flood: Brennick schools closed",
    "Rescue boats sent to flooded Brennick streets",
    "Ardle river level falls in Brennick",
    "Brennick clean-up begins after Ardle flood",
]
BRIDGE = "Harbourton strike and Brennick flood: a week of disruption"
Counts = dict[str, float]  # an arriving member's term counts, as the thread check reads them


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _direction(seed: int) -> np.ndarray:
    return _unit(np.random.default_rng(seed).standard_normal(384))


STRIKE_DIR, FLOOD_DIR = _direction(1), _direction(2)


def _noisy(direction: np.ndarray, seed: int) -> np.ndarray:
    return _unit(direction + 0.1 * _direction(100 + seed))


def _articles(prefix: str, titles: list[str], day: str) -> list[Article]:
    return [Article(id=f"{prefix}{i}", text=t, title=t, published_at=day) for i, t in enumerate(titles)]


# The stage's sampled check: a story larger than SPLIT_SAMPLE is bisected on every k-th member, and all its
# members are read back page by page only to place them once the sample shows a split.
SAMPLED = replace(DEFAULT_PARAMS, split_sample=8, split_min_part=2)


@pytest.mark.parametrize("params", [DEFAULT_PARAMS, SAMPLED], ids=["all members", "sampled"])
def test_a_chained_story_splits_once_later_reports_separate_the_events(
    tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    strike = _articles("strike", STRIKE, "2026-11-10")
    # One day for all: chaining is a matter of content (a day apart, headlines barely join at all).
    flood = _articles("flood", FLOOD, "2026-11-10")
    bridge = Article(id="bridge", text=BRIDGE, title=BRIDGE, published_at="2026-11-10")
    # The flood reports lean towards the strike (cosine 0.45), so once the bridging article has pulled the
    # strike story's centroid their way they join it one after the other: one story, two events.
    flood_vectors = [_noisy(_unit(0.5 * STRIKE_DIR + FLOOD_DIR), i) for i in range(len(FLOOD))]
    with open_store(tmp_path / "split.db") as store:
        store_vectors(store, strike[:5], [_noisy(STRIKE_DIR, i) for i in range(5)])
        store_vectors(store, [bridge], [_unit(STRIKE_DIR + FLOOD_DIR)])
        store_vectors(store, flood, flood_vectors)
        store_vectors(store, strike[5:], [_noisy(STRIKE_DIR, 5)])
        builder = StoryBuilder(store, params)
        first = [*strike[:5], bridge, *flood[:2]]
        upsert_articles(store, first)
        builder.run_batch(first)
        (chained,) = list(export_stories(store))
        assert builder.report["splits"] == 0 and not story_events(store)
        # Later flood reports join the chained story until its members split into the two events.
        built: list[str] = []
        features_of = stage._features

        def counted(
            db: SQLiteStore, articles: list[Article], entities: Mapping[str, frozenset[str]] | None = None
        ) -> list[ArticleFeatures]:
            built.extend(a.id for a in articles)
            return features_of(db, articles, entities)

        monkeypatch.setattr(stage, "_features", counted)
        arrived: dict[str, int] = {}
        update = builder.threads.update

        def seen(
            stories: list[StoryRow], previous: dict[str, StoryRow], texts: dict[str, list[Counts]], quiet: set[str]
        ) -> int:
            arrived.update({story_id: len(counts) for story_id, counts in texts.items()})
            return update(stories, previous, texts, quiet)

        monkeypatch.setattr(builder.threads, "update", seen)
        upsert_articles(store, flood[2:])
        builder.run_batch(flood[2:])
        assert builder.report["splits"] == 1
        assert sorted(built) == sorted(set(built))  # a sampled member's features are not built again
        (event,) = [e for e in story_events(store) if e["kind"] == "split"]
        # The thread check reads the batch's flood reports under the story split off, where they now are.
        assert arrived == {event["other_id"]: len(flood) - 2}
        stories = {r["story_id"]: set(r["articles"]) for r in export_stories(store)}
        assert event["story_id"] == chained["story_id"] and event["other_id"] in stories
        assert {a.id for a in strike[:5]} <= stories[chained["story_id"]]  # the oldest member's part keeps the id
        assert {a.id for a in flood} <= stories[event["other_id"]]
        assert all(r["thread_id"] for r in export_stories(store))
        # Rerunning on unchanged data changes nothing.
        rows, threads, events = list(export_stories(store)), list(export_threads(store)), story_events(store)
        assert run_stories(store, SILENT)["articles"] == 0
        assert list(export_stories(store)) == rows and list(export_threads(store)) == threads
        assert story_events(store) == events
        # A later strike report joins the story that kept the id; nothing is merged back.
        upsert_articles(store, strike[5:])
        assert run_stories(store, SILENT)["splits"] == 0
        after = {r["story_id"]: set(r["articles"]) for r in export_stories(store)}
        assert strike[5].id in after[chained["story_id"]] and after[event["other_id"]] == stories[event["other_id"]]
        assert [e["kind"] for e in story_events(store) if e["kind"] in ("merge", "split")] == ["split"]


def _chained_members(clusterer: StoryClusterer, copies: int) -> tuple[str, list[tuple[int, ArticleFeatures]]]:
    """A strike story that a bridging report chained to a flood: `copies` rounds of each event's reports."""
    stream = [(t, _noisy(STRIKE_DIR, 50 * r + i)) for r in range(copies) for i, t in enumerate(STRIKE[:5])]
    stream.append((BRIDGE, _unit(STRIKE_DIR + FLOOD_DIR)))
    for round_ in range(copies):
        stream += [(t, _noisy(_unit(0.5 * STRIKE_DIR + FLOOD_DIR), 50 * round_ + i)) for i, t in enumerate(FLOOD)]
    members = []
    for seq, (title, vector) in enumerate(stream, start=1):
        features = build_features(Article(id=f"m{seq}", text=title, title=title, published_at="2026-11-10"), vector)
        clusterer.weigh_terms(features)
        story_id = clusterer.assign(features, seq).story_id
        members.append((seq, features))
    assert clusterer.stories[story_id].size == len(stream)
    return story_id, members


def test_split_parts_are_not_merged_back_by_consolidation() -> None:
    """The parts of a split match below the merge level, so consolidation leaves them apart."""
    clusterer = StoryClusterer()
    story_id, members = _chained_members(clusterer, copies=1)
    result = clusterer.split(story_id, members)
    assert result is not None and result.story_id == story_id and "m1" not in result.moved
    assert {f"m{i}" for i in range(7, len(members) + 1)} <= set(result.moved)
    assert clusterer.consolidate() == []
    sizes = {s: clusterer.stories[s].size for s in (story_id, result.new_story_id)}
    assert sum(sizes.values()) == len(members)


def test_a_large_story_is_split_from_a_sample_then_every_member_is_placed() -> None:
    clusterer = StoryClusterer(params=replace(DEFAULT_PARAMS, split_sample=20))
    story_id, members = _chained_members(clusterer, copies=4)
    read = []

    def everyone() -> list[tuple[int, ArticleFeatures]]:
        read.append(len(members))
        return members

    step = spread_step(len(members), 20)
    result = clusterer.split(story_id, members[::step], everyone)
    assert step > 1 and read == [len(members)]  # the sample showed a split, then every member was placed
    assert result is not None and "m1" not in result.moved
    first_flood = 5 * 4 + 2  # after four rounds of strike reports and the bridge
    assert set(result.moved) >= {f"m{i}" for i in range(first_flood, len(members) + 1)}
    assert clusterer.stories[story_id].size + clusterer.stories[result.new_story_id].size == len(members)


def test_a_coherent_large_story_is_not_read_whole() -> None:
    clusterer = StoryClusterer(params=replace(DEFAULT_PARAMS, split_sample=10))
    members = []
    for seq, title in enumerate(STRIKE * 6, start=1):
        features = build_features(Article(id=f"a{seq}", text=title, title=title), _noisy(STRIKE_DIR, seq))
        clusterer.weigh_terms(features)
        story_id = clusterer.assign(features, seq).story_id
        members.append((seq, features))

    def everyone() -> list[tuple[int, ArticleFeatures]]:
        raise AssertionError("a sample that shows no split must not read the whole story")

    assert clusterer.split(story_id, members[:: spread_step(len(members), 10)], everyone) is None


def test_a_coherent_story_does_not_split() -> None:
    clusterer = StoryClusterer()
    members = []
    for seq, title in enumerate([*STRIKE, *STRIKE], start=1):
        features = build_features(Article(id=f"a{seq}", text=title, title=title), _noisy(STRIKE_DIR, seq))
        clusterer.weigh_terms(features)
        story_id = clusterer.assign(features, seq).story_id
        members.append((seq, features))
    assert clusterer.stories[story_id].size == len(members)
    assert clusterer.split(story_id, members) is None


def test_bisect_separates_two_groups() -> None:
    features = [
        build_features(Article(id=f"x{i}", text=t), _noisy(direction, i))
        for i, (t, direction) in enumerate([(t, STRIKE_DIR) for t in STRIKE] + [(t, FLOOD_DIR) for t in FLOOD])
    ]
    side = bisect(features, 0.6, 0.8)
    assert len(set(side[: len(STRIKE)])) == 1 and len(set(side[len(STRIKE) :])) == 1 and side[0] != side[-1]


def test_split_checks_are_spaced_geometrically() -> None:
    clusterer = StoryClusterer()
    p = clusterer.params
    assert not clusterer.split_due(0, p.split_min_size - 1)
    assert clusterer.split_due(p.split_min_size - 1, p.split_min_size)
    checks = sum(clusterer.split_due(n, n + 1) for n in range(p.split_min_size - 1, 100_000))
    assert checks < 45  # about log(100_000 / 10) / log(1.25) = 41 checks, not one per member


def test_members_are_read_evenly_spread_and_page_by_page(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as store, store.transaction():
        members = [(f"a{seq}", "s1", "h", seq, 1.0) for seq in (5, 1, 9, 3, 7, 2)]
        save_members(store, [*members, ("b", "s2", "h", 4, 1.0)])
        assert spread_members(store, "s1", 2) == [("a1", 1), ("a3", 3), ("a7", 7)]
        pages = [[("a1", 1), ("a2", 2), ("a3", 3), ("a5", 5)], [("a7", 7), ("a9", 9)]]
        assert list(member_pages(store, "s1", 4)) == pages
