"""Turn a fresh store into one written before a given migration, so an upgrade can be tested."""

from __future__ import annotations

from storytrace.store import SQLiteStore
from storytrace.store.core import _MIGRATIONS


def rewind_schema(store: SQLiteStore, component: str, marker: str) -> None:
    """Mark `component` as migrated up to just before its first script containing `marker`; later
    scripts run again on the next open, so they must be safe to repeat."""
    version = next(i for i, script in enumerate(_MIGRATIONS[component]) if marker in script)
    store.execute("UPDATE schema_versions SET version = ? WHERE component = ?", (version, component))
