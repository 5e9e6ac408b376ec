"""Split detection: a story that chained two events through a bridging article is split once later
reports separate them; the split is logged, the older part keeps the id, and a rerun changes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from storytrace.model import Article
from storytrace.nlp.embed import to_blob
from storytrace.progress import SILENT
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.stories import story_events
from storytrace.store.vectors import save_vectors
from storytrace.stories.cluster import StoryClusterer
from storytrace.stories.features import build_features
from storytrace.stories.split import bisect
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


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _direction(seed: int) -> np.ndarray:
    return _unit(np.random.default_rng(seed).standard_normal(384))


STRIKE_DIR, FLOOD_DIR = _direction(1), _direction(2)


def _noisy(direction: np.ndarray, seed: int) -> np.ndarray:
    return _unit(direction + 0.1 * _direction(100 + seed))


def _articles(prefix: str, titles: list[str], day: str) -> list[Article]:
    return [Article(id=f"{prefix}{i}", text=t, title=t, published_at=day) for i, t in enumerate(titles)]


def _store_vectors(store: SQLiteStore, articles: list[Article], vectors: list[np.ndarray]) -> None:
    """Document vectors written straight into the cache, so the stage embeds nothing."""
    rows = [(a.id, a.content_hash, [(0, len(a.text), to_blob(v))]) for a, v in zip(articles, vectors, strict=True)]
    save_vectors(store, "doc", rows)


def test_a_chained_story_splits_once_later_reports_separate_the_events(tmp_path: Path) -> None:
    strike = _articles("strike", STRIKE, "2026-11-10")
    # One day for all: chaining is a matter of content (a day apart, headlines barely join at all).
    flood = _articles("flood", FLOOD, "2026-11-10")
    bridge = Article(id="bridge", text=BRIDGE, title=BRIDGE, published_at="2026-11-10")
    # The flood reports lean towards the strike (cosine 0.45), so once the bridging article has pulled the
    # strike story's centroid their way they join it one after the other: one story, two events.
    flood_vectors = [_noisy(_unit(0.5 * STRIKE_DIR + FLOOD_DIR), i) for i in range(len(FLOOD))]
    with open_store(tmp_path / "split.db") as store:
        _store_vectors(store, strike[:5], [_noisy(STRIKE_DIR, i) for i in range(5)])
        _store_vectors(store, [bridge], [_unit(STRIKE_DIR + FLOOD_DIR)])
        _store_vectors(store, flood, flood_vectors)
        _store_vectors(store, strike[5:], [_noisy(STRIKE_DIR, 5)])
        builder = StoryBuilder(store)
        first = [*strike[:5], bridge, *flood[:2]]
        upsert_articles(store, first)
        builder.run_batch(first)
        (chained,) = list(export_stories(store))
        assert builder.report["splits"] == 0 and not story_events(store)
        # Later flood reports join the chained story until its members split into the two events.
        upsert_articles(store, flood[2:])
        builder.run_batch(flood[2:])
        assert builder.report["splits"] == 1
        (event,) = [e for e in story_events(store) if e["kind"] == "split"]
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


def test_split_parts_are_not_merged_back_by_consolidation() -> None:
    """The parts of a split match below the merge level, so consolidation leaves them apart."""
    clusterer = StoryClusterer()
    stream = [(t, _noisy(STRIKE_DIR, i)) for i, t in enumerate(STRIKE[:5])] + [(BRIDGE, _unit(STRIKE_DIR + FLOOD_DIR))]
    stream += [(t, _noisy(_unit(0.5 * STRIKE_DIR + FLOOD_DIR), i)) for i, t in enumerate(FLOOD)]
    members = []
    for seq, (title, vector) in enumerate(stream, start=1):
        features = build_features(Article(id=f"m{seq}", text=title, title=title, published_at="2026-11-10"), vector)
        clusterer.weigh_terms(features)
        story_id = clusterer.assign(features, seq).story_id
        members.append((seq, features))
    assert clusterer.stories[story_id].size == len(stream)
    result = clusterer.split(story_id, members)
    assert result is not None and result.story_id == story_id and "m1" not in result.moved
    assert {f"m{i}" for i in range(7, len(stream) + 1)} <= set(result.moved)
    assert clusterer.consolidate() == []
    sizes = {s: clusterer.stories[s].size for s in (story_id, result.new_story_id)}
    assert sum(sizes.values()) == len(stream)


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
    assert not clusterer.split_due(p.split_max_members, p.split_max_members + 1)
    checks = sum(clusterer.split_due(n, n + 1) for n in range(p.split_min_size - 1, p.split_max_members))
    assert checks < 20  # about log(200 / 10) / log(1.25) = 13 checks up to the cap, not one per member
