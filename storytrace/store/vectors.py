"""Cached embeddings, keyed by article and content hash, so no text is ever embedded twice.

`kind` names what was embedded: "doc" (headline + lead, one row per article) or "sent" (every
sentence, with its offsets). A changed article (new content hash) gets fresh vectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storytrace.store.core import SQLiteStore, register_migrations

register_migrations(
    "vectors",
    [
        """
        CREATE TABLE vectors (
            article_id TEXT NOT NULL, content_hash TEXT NOT NULL, kind TEXT NOT NULL,
            position INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, vector BLOB NOT NULL,
            PRIMARY KEY (article_id, kind, position)
        );
        """
    ],
)

Row = tuple[int, int, bytes]  # (start, end, float16 vector bytes)


def load_vectors(store: SQLiteStore, kind: str, keys: Sequence[tuple[str, str]]) -> dict[str, list[Row]]:
    """Vectors already stored for (article_id, content_hash) keys; stale hashes are ignored."""
    found: dict[str, list[Row]] = {}
    wanted = dict(keys)
    rows = store.select_in(
        "SELECT article_id, content_hash, start, end, vector FROM vectors "
        "WHERE kind = ? AND article_id IN ({marks}) ORDER BY article_id, position",
        wanted,
        before=[kind],
    )
    for row in rows:
        if wanted.get(row["article_id"]) == row["content_hash"]:
            found.setdefault(row["article_id"], []).append((row["start"], row["end"], row["vector"]))
    return found


def save_vectors(store: SQLiteStore, kind: str, items: Iterable[tuple[str, str, list[Row]]]) -> None:
    """Replace the vectors of each (article_id, content_hash, rows) in one transaction."""
    with store.transaction() as conn:
        for article_id, digest, rows in items:
            conn.execute("DELETE FROM vectors WHERE article_id = ? AND kind = ?", (article_id, kind))
            conn.executemany(
                "INSERT INTO vectors (article_id, content_hash, kind, position, start, end, vector) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((article_id, digest, kind, i, s, e, v) for i, (s, e, v) in enumerate(rows)),
            )
