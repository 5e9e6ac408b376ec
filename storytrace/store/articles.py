"""Article persistence: idempotent upserts that keep every changed version.

Re-ingesting an unchanged article is a no-op; a changed text for a known id becomes version n+1
and the previous version moves to `article_versions`, so nothing is overwritten silently.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from storytrace.model import Article
from storytrace.store.core import SQLiteStore, register_migrations

_FIELDS = (
    "id",
    "text",
    "source",
    "url",
    "title",
    "byline",
    "dateline",
    "published_at",
    "language",
    "origin",
    "version",
    "content_hash",
)

register_migrations(
    "articles",
    [
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY, text TEXT NOT NULL, source TEXT, url TEXT, title TEXT,
            byline TEXT, dateline TEXT, published_at TEXT, language TEXT, origin TEXT,
            version INTEGER NOT NULL DEFAULT 1, content_hash TEXT NOT NULL,
            ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published_at);
        CREATE TABLE article_versions (
            id TEXT NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL, source TEXT, url TEXT,
            title TEXT, byline TEXT, dateline TEXT, published_at TEXT, language TEXT, origin TEXT,
            content_hash TEXT NOT NULL, ingested_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """
    ],
)


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"  # new version of a known id
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


def upsert_articles(
    store: SQLiteStore, articles: Iterable[Article], former_ids: Callable[[str], Iterable[str]] | None = None
) -> UpsertCounts:
    """Write a batch of articles in one transaction and report what each one did. `former_ids` gives the
    ids an earlier version may have stored an article under (`ingest.ids.legacy_ids`): an article found
    under one keeps it, so re-ingesting into an older store adds nothing."""
    counts = UpsertCounts()
    with store.transaction():
        for article in articles:
            counts.count(_upsert_one(store.conn, article, former_ids))
    return counts


def _ids_to_look_up(article_id: str, former_ids: Callable[[str], Iterable[str]] | None) -> Iterator[str]:
    """The article's id, then, only if it is not stored, the ids it may be stored under from before."""
    yield article_id
    if former_ids is not None:
        yield from former_ids(article_id)


def _upsert_one(
    conn: sqlite3.Connection, article: Article, former_ids: Callable[[str], Iterable[str]] | None
) -> Outcome:
    row = None
    for stored_id in _ids_to_look_up(article.id, former_ids):
        row = conn.execute("SELECT version, content_hash FROM articles WHERE id = ?", (stored_id,)).fetchone()
        if row is not None:
            article.id = stored_id
            break
    if row is None:
        article.version = 1
        _insert(conn, article)
        return Outcome.ADDED
    if row["content_hash"] == article.content_hash:
        return Outcome.UNCHANGED
    conn.execute(
        "INSERT OR IGNORE INTO article_versions (id, version, text, source, url, title, byline, dateline, "
        "published_at, language, origin, content_hash, ingested_at) "
        "SELECT id, version, text, source, url, title, byline, dateline, published_at, language, origin, "
        "content_hash, ingested_at FROM articles WHERE id = ?",
        (article.id,),
    )
    conn.execute("DELETE FROM articles WHERE id = ?", (article.id,))
    article.version = int(row["version"]) + 1
    _insert(conn, article)
    return Outcome.UPDATED


def _insert(conn: sqlite3.Connection, article: Article) -> None:
    placeholders = ", ".join("?" for _ in _FIELDS)
    conn.execute(
        f"INSERT INTO articles ({', '.join(_FIELDS)}) VALUES ({placeholders})",
        tuple(getattr(article, name) for name in _FIELDS),
    )


def _row_to_article(row: sqlite3.Row) -> Article:
    return Article(**{name: row[name] for name in _FIELDS})


def get_article(store: SQLiteStore, article_id: str) -> Article | None:
    row = store.conn.execute(f"SELECT {', '.join(_FIELDS)} FROM articles WHERE id = ?", (article_id,)).fetchone()
    return _row_to_article(row) if row else None


def get_articles(store: SQLiteStore, ids: Iterable[str]) -> list[Article]:
    """Fetch several articles by id, in the order asked; missing ids are skipped."""
    id_list = list(ids)
    rows = store.select_in(f"SELECT {', '.join(_FIELDS)} FROM articles WHERE id IN ({{marks}})", id_list)
    found = {row["id"]: _row_to_article(row) for row in rows}
    return [found[i] for i in id_list if i in found]


def iter_articles(store: SQLiteStore) -> Iterator[Article]:
    """Stream every current article in ingestion order."""
    for row in store.iterate(f"SELECT {', '.join(_FIELDS)} FROM articles ORDER BY rowid"):
        yield _row_to_article(row)


def article_versions(store: SQLiteStore, article_id: str) -> list[Article]:
    """Every earlier version of an article, oldest first (the current one is in `articles`)."""
    rows = store.query(
        f"SELECT {', '.join(_FIELDS)} FROM article_versions WHERE id = ? ORDER BY version", (article_id,)
    )
    return [_row_to_article(r) for r in rows]


def earlier_versions(store: SQLiteStore, wanted: Mapping[str, str]) -> dict[str, Article]:
    """The earlier version of each article id in `wanted` whose text has the given content hash (the one
    a later stage worked on), where kept."""
    rows = store.select_in(f"SELECT {', '.join(_FIELDS)} FROM article_versions WHERE id IN ({{marks}})", list(wanted))
    return {row["id"]: _row_to_article(row) for row in rows if wanted[row["id"]] == row["content_hash"]}


def count_articles(store: SQLiteStore) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
