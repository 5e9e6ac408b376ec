"""Scoring the pipeline's rows against the demo gold: each figure counts what it says it counts."""

from __future__ import annotations

import math

from storytrace.demo.score import Figure, score_claims, score_entities, score_quotes, score_reuse, score_stories

TEXT = 'Intro. "We stay out," said Dmitri Volkov. A port official said 1,200 left. "No," the official said.'


def _figures(figures: list[Figure]) -> dict[str, tuple[int, int]]:
    return {f.name: (f.hits, f.total) for f in figures}


def test_reuse_pairs_relations_and_directions() -> None:
    gold = [
        {"a": "w", "b": "c", "relation": "duplicate", "direction": "a->b"},
        {"a": "w", "b": "t", "relation": "version", "direction": "a->b"},
        {"a": "c", "b": "t", "relation": "version", "direction": "unknown"},
    ]
    rows = [
        {"a": "c", "b": "w", "relation": "duplicate", "direction": "b->a"},  # same pair, same direction, swapped
        {"a": "t", "b": "w", "relation": "partial", "direction": "a->b"},  # wrong relation and direction
        {"a": "x", "b": "y", "relation": "rewrite", "direction": "unknown"},  # not in gold
    ]
    assert _figures(score_reuse(rows, gold)) == {
        "pairs precision": (2, 3),
        "pairs recall": (2, 3),
        "relation right": (1, 2),
        "direction right": (1, 2),
    }


def test_stories_and_threads_pairwise() -> None:
    gold = [["a", "b", "c"], ["d"], ["e"]]
    rows = [
        {"story_id": "s1", "articles": ["a", "b"], "thread_id": "t"},
        {"story_id": "s2", "articles": ["c", "d"], "thread_id": "t"},
        {"story_id": "s3", "articles": ["e"], "thread_id": None},
    ]
    assert _figures(score_stories(rows, gold, [[0, 1]])) == {
        "pairs precision": (1, 2),
        "pairs recall": (1, 3),
        "thread pairs precision": (6, 6),  # a b c d in one thread, as in the gold
        "thread pairs recall": (6, 6),
    }


def test_quotes_speakers_with_variants_and_anonymous_sources() -> None:
    aliases = {"dmitry volkov": {"dmitry volkov", "dmitri volkov"}}
    gold = [
        {"article": "x", "text": "We stay out", "speaker": "Dmitry Volkov"},
        {"article": "x", "text": "No", "speaker": "a port official (anonymous)"},
        {"article": "x", "text": "Intro", "speaker": "Someone"},
    ]
    start = TEXT.index("We stay")
    no = TEXT.index('"No,')
    rows = [
        {"article": "x", "start": start - 1, "end": start + 13, "speaker": "Dmitri Volkov"},
        {"article": "x", "start": no, "end": no + 5, "speaker": "the official"},
        {"article": "y", "start": 0, "end": 5, "speaker": "Someone"},  # other article: not a match
    ]
    figures = _figures(score_quotes(rows, gold, {"x": TEXT}, aliases))
    assert figures == {"found": (2, 3), "speaker right": (2, 2)}
    rows[1]["speaker"] = "Dmitri Volkov"  # a name for an anonymous source is wrong
    assert _figures(score_quotes(rows, gold, {"x": TEXT}, aliases))["speaker right"] == (1, 2)


def test_claims_need_overlap_and_value() -> None:
    at = TEXT.index("1,200")
    gold = [{"article": "x", "text": "1,200 left", "value": 1200}]
    assert _figures(
        score_claims([{"article": "x", "start": at, "end": at + 5, "value": 1200.0}], gold, {"x": TEXT})
    ) == {"found with the right value": (1, 1)}
    assert score_claims([{"article": "x", "start": at, "end": at + 5, "value": 12.0}], gold, {"x": TEXT})[0].hits == 0


def test_entities_found_and_merged() -> None:
    gold = [
        {"name": "Dmitry Volkov", "aliases": ["Dmitri Volkov"]},
        {"name": "Kyiv", "aliases": ["Kiev"]},
        {"name": "Nowhere", "aliases": []},
    ]
    text = "Dmitry Volkov, Dmitri Volkov, Kyiv and Kiev."
    rows = [{"name": "Dmitri Volkov", "aliases": ["Dmitry Volkov"]}, {"name": "Kyiv"}, {"name": "Kiev"}]
    assert _figures(score_entities(rows, gold, text)) == {"found": (2, 3), "variants merged": (1, 2)}
    assert math.isnan(Figure("empty", 0, 0).ratio)
