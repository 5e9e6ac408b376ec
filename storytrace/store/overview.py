"""Read-only overview queries over the articles table, for reports and summaries.

Aggregates run in SQLite (GROUP BY over the `source` column, MIN/MAX over the `published_at` index),
so an overview of a store of millions of articles never streams their text through Python.
"""

from __future__ import annotations

from storytrace.store.core import SQLiteStore


def articles_per_source(store: SQLiteStore) -> list[tuple[str | None, int]]:
    """(outlet, article count) pairs, largest outlet first; None is articles without an outlet."""
    rows = store.query("SELECT source, COUNT(*) AS n FROM articles GROUP BY source ORDER BY n DESC, source")
    return [(row["source"], int(row["n"])) for row in rows]


def publication_range(store: SQLiteStore) -> tuple[str | None, str | None]:
    """Earliest and latest known publication date (ISO strings compare in time order)."""
    row = store.query("SELECT MIN(published_at), MAX(published_at) FROM articles")[0]
    return row[0], row[1]
