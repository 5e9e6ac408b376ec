"""How the installed stages do on the demo corpus, measured against its gold labels (gold.json).

The demo knows the right answers, so it can say how close the pipeline came instead of only showing
output. Each figure compares the exporter rows with the gold:

* reuse: precision and recall over unordered article pairs; of the pairs found, how many carry the
  gold relation, and how many of those with a known gold direction point the right way;
* stories: pairwise precision and recall: every pair of articles put in one story is a decision, and
  pair counting rewards neither one giant story nor singletons; the same over threads, where two
  articles pair up when their stories belong to one thread (a story without a thread is its own);
* quotes and claims: a gold item is found when a row of the same article overlaps its span (and, for
  claims, carries the same value); found quotes are checked for the gold speaker, where a spelling
  variant listed in the gold entities counts as right, and an anonymous source is right when the row
  describes it in the gold's words ("the official" for "a senior port official"), not by another name;
* entities: a gold entity is found when an exported entity has one of its spellings; one with
  several spellings in the text counts as merged when a single exported entity holds them all.
  (The corpus is small: these figures read its whole text, which a bench over real data must not.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from storytrace.pipeline import load_stages
from storytrace.store import SQLiteStore
from storytrace.store.articles import get_articles, iter_articles

Row = dict[str, Any]
Pair = frozenset[str]
_ANONYMOUS = " (anonymous)"
_DETERMINERS = frozenset({"a", "an", "the", "one", "this", "that"})


@dataclass(slots=True, frozen=True)
class Figure:
    """`hits` out of `total`, e.g. recall 9/10."""

    name: str
    hits: int
    total: int

    @property
    def ratio(self) -> float:
        return self.hits / self.total if self.total else math.nan

    def __str__(self) -> str:
        return f"{self.name} {self.hits}/{self.total}"


def score_demo(store: SQLiteStore, gold: dict[str, Any]) -> dict[str, list[Figure]]:
    """Figures per exporter that both the store and the gold have; kinds not installed are left out."""
    exporters = load_stages().exporters
    scorers = {
        "reuse": lambda rows: score_reuse(rows, gold["reuse"]),
        "stories": lambda rows: score_stories(rows, gold["stories"], gold["threads"]),
        "quotes": lambda rows: score_quotes(rows, gold["quotes"], _texts(store, gold["quotes"]), _aliases(gold)),
        "claims": lambda rows: score_claims(rows, gold["claims"], _texts(store, gold["claims"])),
        "entities": lambda rows: score_entities(
            rows, gold["entities"], "\n".join(a.text for a in iter_articles(store))
        ),
    }
    return {name: scorer(list(exporters[name](store))) for name, scorer in scorers.items() if name in exporters}


def score_reuse(rows: Iterable[Row], gold: list[Row]) -> list[Figure]:
    truth = {frozenset((g["a"], g["b"])): g for g in gold}
    found = {frozenset((str(r["a"]), str(r["b"]))): r for r in rows}
    matched = [(truth[p], found[p]) for p in truth.keys() & found.keys()]
    relation = sum(g["relation"] == r.get("relation") for g, r in matched)
    directed = [(g, r) for g, r in matched if _copied_from(g)]
    direction = sum(_copied_from(g) == _copied_from(r) for g, r in directed)
    return [
        Figure("pairs precision", len(matched), len(found)),
        Figure("pairs recall", len(matched), len(truth)),
        Figure("relation right", relation, len(matched)),
        Figure("direction right", direction, len(directed)),
    ]


def score_stories(rows: Iterable[Row], gold: list[list[str]], threads: list[list[int]]) -> list[Figure]:
    rows = list(rows)
    truth, found = _pairs(gold), _pairs([str(a) for a in r.get("articles") or []] for r in rows)
    threaded = {i for thread in threads for i in thread}
    truth_threads = _pairs(
        [
            *([a for i in thread for a in gold[i]] for thread in threads),
            *(s for i, s in enumerate(gold) if i not in threaded),
        ]
    )
    by_thread: dict[str, list[str]] = {}
    for row in rows:
        by_thread.setdefault(str(row.get("thread_id") or row.get("story_id")), []).extend(
            map(str, row.get("articles") or [])
        )
    found_threads = _pairs(by_thread.values())
    return [
        Figure("pairs precision", len(truth & found), len(found)),
        Figure("pairs recall", len(truth & found), len(truth)),
        Figure("thread pairs precision", len(truth_threads & found_threads), len(found_threads)),
        Figure("thread pairs recall", len(truth_threads & found_threads), len(truth_threads)),
    ]


def score_quotes(
    rows: Iterable[Row], gold: list[Row], texts: dict[str, str], aliases: dict[str, set[str]]
) -> list[Figure]:
    by_article = _by_article(rows)
    found = right = 0
    for item in gold:
        row = _overlapping(by_article.get(item["article"], []), _span(texts, item))
        if row is None:
            continue
        found += 1
        right += _same_speaker(row.get("speaker"), item["speaker"], aliases)
    return [Figure("found", found, len(gold)), Figure("speaker right", right, found)]


def score_claims(rows: Iterable[Row], gold: list[Row], texts: dict[str, str]) -> list[Figure]:
    by_article = _by_article(rows)
    found = 0
    for item in gold:
        span = _span(texts, item)
        candidates = [r for r in by_article.get(item["article"], []) if _same_value(r.get("value"), item["value"])]
        found += _overlapping(candidates, span) is not None
    return [Figure("found with the right value", found, len(gold))]


def score_entities(rows: Iterable[Row], gold: list[Row], corpus_text: str) -> list[Figure]:
    exported = [{_fold(n) for n in [r.get("name"), *(r.get("aliases") or [])] if n} for r in rows]
    spellings = [{_fold(n) for n in [g["name"], *g["aliases"]] if n in corpus_text} for g in gold]
    found = sum(any(names & known for known in exported) for names in spellings)
    variants = [names for names in spellings if len(names) > 1]
    merged = sum(any(names <= known for known in exported) for names in variants)
    return [Figure("found", found, len(spellings)), Figure("variants merged", merged, len(variants))]


# -- helpers ------------------------------------------------------------------------------------
def _copied_from(row: Row) -> str | None:
    """The article the text was copied from, or None when the direction is unknown."""
    return {"a->b": row.get("a"), "b->a": row.get("b")}.get(str(row.get("direction")))


def _pairs(groups: Iterable[Iterable[str]]) -> set[Pair]:
    return {frozenset(p) for group in groups for p in combinations(sorted(set(group)), 2)}


def _by_article(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(str(row.get("article")), []).append(row)
    return out


def _texts(store: SQLiteStore, items: list[Row]) -> dict[str, str]:
    return {a.id: a.text for a in get_articles(store, {i["article"] for i in items})}


def _span(texts: dict[str, str], item: Row) -> tuple[int, int] | None:
    start = texts.get(item["article"], "").find(item["text"])
    return (start, start + len(item["text"])) if start >= 0 else None


def _overlapping(rows: list[Row], span: tuple[int, int] | None) -> Row | None:
    """The row whose [start, end) overlaps `span` most, if any does."""
    if span is None:
        return None
    best, best_overlap = None, 0
    for row in rows:
        start, end = row.get("start"), row.get("end")
        if isinstance(start, int) and isinstance(end, int):
            overlap = min(end, span[1]) - max(start, span[0])
            if overlap > best_overlap:
                best, best_overlap = row, overlap
    return best


def _aliases(gold: dict[str, Any]) -> dict[str, set[str]]:
    """Every gold spelling of a person, keyed by the canonical name's folded form."""
    return {_fold(e["name"]): {_fold(e["name"]), *map(_fold, e["aliases"])} for e in gold["entities"]}


def _same_speaker(found: object, gold: str, aliases: dict[str, set[str]]) -> bool:
    if not isinstance(found, str) or not found.strip():
        return False
    if gold.endswith(_ANONYMOUS):
        described = set(_fold(gold.removesuffix(_ANONYMOUS)).split())
        return set(_fold(found).split()) - _DETERMINERS <= described
    return _fold(found) in aliases.get(_fold(gold), {_fold(gold)})


def _same_value(found: object, gold: float) -> bool:
    return isinstance(found, int | float) and math.isclose(float(found), float(gold), rel_tol=1e-9)


def _fold(name: object) -> str:
    return " ".join(str(name).casefold().split())
