"""The queries behind search: the FTS5 index over titles and texts, and the stored document vectors.

The FTS5 table `articles_fts` (store/articles.py) is kept in step with `articles` by triggers, so a
full-text query never reads an article that was replaced or deleted. Document vectors are read only
where their content hash is the article's current one: an article changed since the last `analyze`
has no vector that describes it yet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from storytrace.store.core import SQLiteStore

# bm25 column weights (title, text): a headline names the event, so a word there counts as five in the body.
TITLE_WEIGHT, TEXT_WEIGHT = 5.0, 1.0
SNIPPET_TOKENS = 16  # words around the matches in a full-text snippet (FTS5 allows at most 64)
HIT_OPEN, HIT_CLOSE, HIT_GAP = "«", "»", " … "

_DETAILS = (
    "a.id AS article_id, a.title, a.source, a.published_at, m.story_id, s.thread_id "
    "FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
    "LEFT JOIN stories s ON s.story_id = m.story_id"
)


def full_text_rows(store: SQLiteStore, match: str, limit: int) -> list[sqlite3.Row]:
    """The `limit` best articles for an FTS5 `match` expression by bm25 (lower is better), each with a
    snippet of its text around the matches and its story and thread. Raises sqlite3.OperationalError on an
    expression FTS5 cannot parse."""
    return store.query(
        f"SELECT bm25(articles_fts, ?, ?) AS rank, "
        f"snippet(articles_fts, 1, ?, ?, ?, ?) AS snippet, {_DETAILS} "
        "JOIN articles_fts ON articles_fts.rowid = a.rowid "
        "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
        (TITLE_WEIGHT, TEXT_WEIGHT, HIT_OPEN, HIT_CLOSE, HIT_GAP, SNIPPET_TOKENS, match, limit),
    )


def doc_vector_rows(store: SQLiteStore) -> Iterator[sqlite3.Row]:
    """(article_id, vector) of every current article's document vector, streamed."""
    yield from store.iterate(
        "SELECT v.article_id, v.vector FROM vectors v "
        "JOIN articles a ON a.id = v.article_id AND a.content_hash = v.content_hash "
        "WHERE v.kind = 'doc' AND v.position = 0"
    )


def unembedded_count(store: SQLiteStore) -> int:
    """Articles with no document vector for their current text (not analysed since they were ingested)."""
    return store.query(
        "SELECT COUNT(*) FROM articles a LEFT JOIN vectors v "
        "ON v.article_id = a.id AND v.kind = 'doc' AND v.position = 0 AND v.content_hash = a.content_hash "
        "WHERE v.article_id IS NULL"
    )[0][0]


def hit_rows(store: SQLiteStore, article_ids: Sequence[str]) -> dict[str, sqlite3.Row]:
    """Title, source, date, story and thread of each article, with its text for a lead."""
    return {
        row["article_id"]: row
        for row in store.select_in(f"SELECT a.text, {_DETAILS} WHERE a.id IN ({{marks}})", article_ids)
    }
