"""Store access for every stage. `open_store` is the one entry point; the backend is SQLite.

Each record kind has its repository module here (articles, and one per analysis stage), so all SQL
lives in this package and another backend can be added behind the same functions.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

from storytrace.store.core import SQLiteStore, register_migrations

# Every repository module registers its schema on import; load them all so that opening a store
# always migrates every table, whichever command opened it.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

DEFAULT_DB = "storytrace.db"


def default_db_path() -> Path:
    return Path(os.environ.get("STORYTRACE_DB", DEFAULT_DB))


def open_store(path: str | Path | None = None, *, readonly: bool = False) -> SQLiteStore:
    """Open (creating and migrating if needed) the database at `path` or $STORYTRACE_DB."""
    return SQLiteStore(path if path is not None else default_db_path(), readonly=readonly)


__all__ = ["DEFAULT_DB", "SQLiteStore", "default_db_path", "open_store", "register_migrations"]
