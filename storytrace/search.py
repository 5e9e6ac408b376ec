"""Search the store: by words (SQLite FTS5, bm25) or by meaning (the stories' MiniLM document vectors).

Each hit names the story and thread its article belongs to, so a search answers "which stories cover
this?" as well as "which articles say it?".

Words: a plain query is read as words and "quoted phrases", all required, whatever punctuation it holds;
a reader's query is text, not FTS5 syntax, so `AND`, `*`, a stray quote or a bracket neither fail nor
change the meaning. `raw=True` passes FTS5's own syntax (OR, NEAR, prefix*, column filters) and turns a
syntax error into a ValueError that says so.

Meaning: the query is embedded as the document vectors were (all-MiniLM-L6-v2, unit length), and every
stored document vector is compared with it, streamed in pages of PAGE rows that keep only the best
`limit` (an exact search: O(N) per query, about 0.8 GB of float16 vectors read at a million articles,
and memory bounded by the page). Articles ingested but not analysed have no vector yet;
`store.search.unembedded_count` counts them, so a caller can say the search did not cover them.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from dataclasses import dataclass
from itertools import islice, product

import numpy as np

from storytrace.model import Record
from storytrace.nlp.embed import from_blobs, get_encoder
from storytrace.store import SQLiteStore
from storytrace.store.search import doc_vector_rows, full_text_rows, hit_rows
from storytrace.stories.features import lead_sentence
from storytrace.text import spellings

MAX_QUERY_CHARS = 1000
MAX_LIMIT = 1000
MAX_PHRASE_SPELLINGS = 16  # a phrase of several variant-spelled words: its first spellings only
PAGE = 4096  # document vectors scored per matrix product
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class SearchHit(Record):
    """One article found, best first: `score` is -bm25 for words (higher is better) and the cosine for meaning."""

    article_id: str
    title: str | None
    source: str | None
    published_at: str | None
    score: float
    snippet: str | None
    story_id: str | None
    thread_id: str | None


def fts_query(query: str) -> str:
    """The FTS5 expression for a reader's query: each word and each "quoted phrase" required, in any of the
    spellings `fold` merges (Kyiv or Kiev, organise or organize, at most MAX_PHRASE_SPELLINGS per phrase), as
    FTS5 strings, so no character of the query is read as syntax. Raises ValueError when it holds no word."""
    terms = []
    for phrase, token in _PHRASE_OR_WORD.findall(query):
        words = _WORD.findall(phrase if phrase else token)
        groups = [[" ".join(forms) for forms in _spelled(words)]] if phrase and words else [_forms(w) for w in words]
        terms.extend(" OR ".join(f'"{form}"' for form in group) for group in groups)
    if not terms:
        raise ValueError(f"the query {query!r} holds no word to search for")
    return " ".join(f"({term})" if " OR " in term else term for term in terms)


def _forms(word: str) -> list[str]:
    """The word as written and its other spellings that FTS5 reads as one token."""
    forms = {word.casefold(): word}  # FTS5 matches without case
    for form in spellings(word):
        if _WORD.fullmatch(form):
            forms.setdefault(form, form)
    return list(forms.values())


def _spelled(words: list[str]) -> list[tuple[str, ...]]:
    """The phrase's spellings, word by word, the written one first."""
    return list(islice(product(*(_forms(word) for word in words)), MAX_PHRASE_SPELLINGS))


def _checked(query: str, limit: int) -> None:
    if not query.strip():
        raise ValueError("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is {len(query)} characters long; at most {MAX_QUERY_CHARS} are searched")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")


def search_words(store: SQLiteStore, query: str, limit: int = 20, raw: bool = False) -> list[SearchHit]:
    """The `limit` articles that best match the query's words by bm25 (titles weighted above text)."""
    _checked(query, limit)
    match = query if raw else fts_query(query)
    try:
        rows = full_text_rows(store, match, limit)
    except sqlite3.OperationalError as error:
        if not raw:
            raise
        raise ValueError(f"not a valid FTS5 query ({error}): {query!r}") from error
    return [_hit(row, -float(row["rank"]), row["snippet"]) for row in rows]


def search_meaning(store: SQLiteStore, query: str, limit: int = 20) -> list[SearchHit]:
    """The `limit` analysed articles whose document vector is closest (cosine) to the query's."""
    _checked(query, limit)
    target = get_encoder().encode([query])[0]
    best: list[tuple[float, str]] = []  # a min-heap of the best (score, article id) so far
    ids: list[str] = []
    blobs: list[bytes] = []

    def score_page() -> None:
        scores = from_blobs(blobs) @ target
        top = np.argpartition(-scores, limit - 1)[:limit] if len(scores) > limit else range(len(scores))
        for i in top:
            item = (float(scores[i]), ids[i])
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
        ids.clear()
        blobs.clear()

    for row in doc_vector_rows(store):
        ids.append(row["article_id"])
        blobs.append(row["vector"])
        if len(ids) == PAGE:
            score_page()
    if ids:
        score_page()
    ranked = sorted(best, key=lambda item: (-item[0], item[1]))
    rows = hit_rows(store, [article_id for _, article_id in ranked])
    return [
        _hit(rows[article_id], score, lead_sentence(rows[article_id]["text"]))
        for score, article_id in ranked
        if article_id in rows
    ]


def _hit(row: sqlite3.Row, score: float, snippet: str | None) -> SearchHit:
    return SearchHit(
        row["article_id"],
        row["title"],
        row["source"],
        row["published_at"],
        score,
        snippet,
        row["story_id"],
        row["thread_id"],
    )
