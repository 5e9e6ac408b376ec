"""Turn a fresh store into one written before a given migration, so an upgrade can be tested."""

from __future__ import annotations

import re

from storytrace.store import SQLiteStore
from storytrace.store.core import _MIGRATIONS

_ADD_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+)")


def rewind_schema(store: SQLiteStore, component: str, marker: str) -> None:
    """Mark `component` as migrated up to just before its first script containing `marker`; later
    scripts run again on the next open. The columns they add are dropped here (adding a column cannot
    be repeated); their other statements must be safe to repeat."""
    scripts = _MIGRATIONS[component]
    version = next(i for i, script in enumerate(scripts) if marker in script)
    for script in scripts[version:]:
        for table, column in _ADD_COLUMN.findall(script):
            store.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    store.execute("UPDATE schema_versions SET version = ? WHERE component = ?", (version, component))
