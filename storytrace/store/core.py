"""The embedded SQLite store: one file, WAL mode, versioned migrations, batched transactions.

Why SQLite: one file a journalist can copy, FTS5 for search, and WAL so readers (UI, API) never
block the writer. Every statement is parametrised; no SQL is ever built from data.

Each component (articles, reuse, stories, extract, ...) owns its own schema and migration list,
registered with `register_migrations`. A component's version lives in `schema_versions`, so stages
can evolve their tables independently and an old database is upgraded in place on open.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_MIGRATIONS: dict[str, list[str]] = {}
_LOCK = threading.Lock()


def register_migrations(component: str, scripts: Sequence[str]) -> None:
    """Declare the ordered schema scripts of a component; index i upgrades version i to i+1.

    Scripts are append-only: a released script is never edited, a change is a new script.
    """
    with _LOCK:
        _MIGRATIONS[component] = list(scripts)


class SQLiteStore:
    """A connection to one storytrace database file, upgraded to the current schema on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 30000")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            self.conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable across application crashes in WAL mode (only a power loss can
            # lose the last transactions), which is the crash model that matters for ingest.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()

    # -- schema -------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring every registered component to its latest schema version, each step atomic."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        for component, scripts in sorted(_MIGRATIONS.items()):
            current = self.schema_version(component)
            for version in range(current, len(scripts)):
                with self.transaction():
                    for statement in _split_statements(scripts[version]):
                        self.conn.execute(statement)
                    self.conn.execute(
                        "INSERT INTO schema_versions(component, version) VALUES (?, ?) "
                        "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                        (component, version + 1),
                    )

    def schema_version(self, component: str) -> int:
        row = self.conn.execute("SELECT version FROM schema_versions WHERE component = ?", (component,)).fetchone()
        return int(row[0]) if row else 0

    # -- statements ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic batch: committed as a whole, or rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def iterate(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[sqlite3.Row]:
        """Stream rows without loading the result set into memory."""
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(500):
            yield from rows

    def select_in(
        self, sql: str, values: Iterable[Any], before: Sequence[Any] = (), chunk_size: int = 500
    ) -> Iterator[sqlite3.Row]:
        """Rows of `sql` whose `{marks}` stands for an `IN (...)` list over `values`, queried in chunks.

        SQLite caps the number of bound parameters, so a long id list is split; only `?` marks are
        formatted into the SQL, every value is bound. `before` binds the parameters ahead of the list,
        and a `{marks}` used twice binds the chunk twice.
        """
        items = list(values)
        repeats = sql.count("{marks}")
        for start in range(0, len(items), chunk_size):
            chunk = items[start : start + chunk_size]
            marks = ", ".join("?" for _ in chunk)
            yield from self.conn.execute(sql.format(marks=marks), [*before, *(chunk * repeats)])

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    # -- stage bookkeeping --------------------------------------------------------------------
    _PENDING_FROM = (
        "FROM articles a LEFT JOIN stage_done d "
        "ON d.stage = ? AND d.article_id = a.id AND d.content_hash = a.content_hash WHERE d.article_id IS NULL"
    )

    def pending_pages(self, stage: str, size: int) -> Iterator[list[str]]:
        """Ids of the articles whose current text a stage has not processed yet (new or changed), a page
        of at most `size` at a time, in ingestion order.

        Keyset paging on rowid: memory holds one page however many articles are pending (not a list of
        ten million ids), and a page is never served twice, whether or not the caller marks it done, so
        an article that keeps failing cannot loop. Articles ingested during the run come last.
        """
        after = 0
        while rows := self.query(
            f"SELECT a.rowid AS seq, a.id {self._PENDING_FROM} AND a.rowid > ? ORDER BY a.rowid LIMIT ?",
            [stage, after, size],
        ):
            after = rows[-1]["seq"]
            yield [row["id"] for row in rows]

    def pending_count(self, stage: str) -> int:
        """How many articles `pending_pages` would serve, without loading them (for progress totals)."""
        return int(self.conn.execute(f"SELECT COUNT(*) {self._PENDING_FROM}", (stage,)).fetchone()[0])

    def mark_done(self, stage: str, items: Iterable[tuple[str, str]]) -> None:
        """Record (article_id, content_hash) pairs as processed; call inside the stage's transaction."""
        self.conn.executemany(
            "INSERT INTO stage_done(stage, article_id, content_hash) VALUES (?, ?, ?) "
            "ON CONFLICT(stage, article_id) DO UPDATE SET content_hash = excluded.content_hash",
            ((stage, article_id, digest) for article_id, digest in items),
        )

    def requeue(self, stage: str, article_ids: Sequence[str]) -> None:
        """Make a stage take these articles again on its next run, though their text is unchanged: what it
        made of them rests on something an earlier stage has since changed."""
        self.conn.executemany(
            "DELETE FROM stage_done WHERE stage = ? AND article_id = ?", ((stage, a) for a in article_ids)
        )

    def requeue_all(self, stage: str) -> None:
        """Make a stage take every article again on its next run (`analyze --redo`): one statement, however
        many articles, and nothing it made is removed before the stage replaces it, so a run cut short
        leaves the rest still queued rather than lost. The redo is counted (`redo_count`), so that a later
        stage which keeps what it derived from this one knows to read it again."""
        self.conn.execute("DELETE FROM stage_done WHERE stage = ?", (stage,))
        self.set_meta(f"redo.{stage}", str(self.redo_count(stage) + 1))

    def redo_count(self, stage: str) -> int:
        """How many times `requeue_all` has queued every article for the stage."""
        return self.get_count(f"redo.{stage}")

    def requeued(self, stage: str, article_ids: Sequence[str]) -> set[str]:
        """Those of `article_ids`, all processed by the stage before, that were requeued since (`requeue`):
        they have no processed version recorded, where an article merely changed keeps its old one."""
        rows = self.select_in(
            "SELECT article_id FROM stage_done WHERE stage = ? AND article_id IN ({marks})", article_ids, before=[stage]
        )
        return set(article_ids) - {row["article_id"] for row in rows}

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def get_count(self, key: str) -> int:
        """A count kept in the meta table (0 when never set), as `set_meta` stores it: a decimal string."""
        return int(self.get_meta(key) or 0)

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _split_statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies (BEGIN ... END) whole."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece
        if sqlite3.complete_statement(buffer + ";"):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
        else:
            buffer += ";"
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:80]}")
    return statements


register_migrations(
    "core",
    [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE stage_done (
            stage TEXT NOT NULL, article_id TEXT NOT NULL, content_hash TEXT NOT NULL,
            PRIMARY KEY (stage, article_id)
        );
        """
    ],
)
