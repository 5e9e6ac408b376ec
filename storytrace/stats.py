"""What a store holds, in counts: every data table, plus the outlets and the date range covered."""

from __future__ import annotations

from typing import Any

from storytrace.store import SQLiteStore

_INTERNAL_PREFIXES = ("sqlite_", "articles_fts", "schema_versions", "stage_done", "meta")


def store_stats(store: SQLiteStore) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    tables = store.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    for row in tables:
        name = row["name"]
        if name.startswith(_INTERNAL_PREFIXES) and name != "articles":
            continue
        # Table names come from sqlite_master, never from user input; quote them as identifiers.
        quoted = '"' + name.replace('"', '""') + '"'
        figures[name] = int(store.query(f"SELECT COUNT(*) FROM {quoted}")[0][0])
    figures["sources"] = int(store.query("SELECT COUNT(DISTINCT source) FROM articles")[0][0])
    first, last = store.query("SELECT MIN(published_at), MAX(published_at) FROM articles")[0]
    figures["first_published"] = first
    figures["last_published"] = last
    return figures
