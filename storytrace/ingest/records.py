"""Structured records (JSON objects, CSV rows) to Articles, with column mapping and defaults.

Each Article field is looked up under the name the user mapped it to (`--column text=body`), else
under the first of its usual names present (case-insensitive). Structured input states its fields
explicitly, so no header heuristics are run on its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.ids import content_id, safe_id
from storytrace.ingest.types import IngestOptions
from storytrace.model import Article

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id"),
    "text": ("text", "body", "content", "article", "maintext"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "sitename", "site"),
    "url": ("url", "link"),
    "byline": ("byline", "author", "authors"),
    "dateline": ("dateline",),
    "published_at": ("published_at", "date", "published", "publish_date", "pubdate", "timestamp"),
    "language": ("language", "lang"),
}


def resolve_columns(names: list[str], options: IngestOptions) -> dict[str, str]:
    """Map each Article field to the column name it is read from, among `names` (as spelled there)."""
    by_fold = {name.strip().casefold(): name for name in names}
    resolved: dict[str, str] = {}
    for field, candidates in DEFAULT_COLUMNS.items():
        wanted = (options.column_map[field],) if field in options.column_map else candidates
        for candidate in wanted:
            if candidate.casefold() in by_fold:
                resolved[field] = by_fold[candidate.casefold()]
                break
    return resolved


class ColumnResolver:
    """`resolve_columns` memoised on the key set: records of one file nearly always share theirs."""

    _MAX_KEY_SETS = 256

    def __init__(self, options: IngestOptions) -> None:
        self._options = options
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}

    def __call__(self, names: Iterable[str]) -> dict[str, str]:
        key = tuple(names)
        columns = self._cache.get(key)
        if columns is None:
            if len(self._cache) >= self._MAX_KEY_SETS:
                self._cache.clear()
            columns = self._cache[key] = resolve_columns(list(key), self._options)
        return columns


def article_from_record(
    record: Mapping[str, Any], columns: dict[str, str], *, origin: str, options: IngestOptions
) -> Article | str:
    """The Article a record describes, or the reason it cannot be one."""
    values = {field: _as_text(record.get(column)) for field, column in columns.items()}
    text = values.pop("text", None)
    if text is None:
        return "empty text" if "text" in columns else _missing_text(list(record), options)
    meta = {field: value.strip() for field, value in values.items() if value is not None}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    source = meta.get("source") or options.source
    raw_id = meta.get("id")
    article_id = safe_id(raw_id) if raw_id else content_id(source, meta.get("url"), meta.get("title"), text)
    return Article(
        id=article_id,
        text=text,
        source=source,
        url=meta.get("url"),
        title=meta.get("title"),
        byline=meta.get("byline"),
        dateline=meta.get("dateline"),
        published_at=normalise_date(meta.get("published_at")),
        language=meta.get("language"),
        origin=origin,
    )


def _missing_text(names: list[str], options: IngestOptions) -> str:
    wanted = options.column_map.get("text") or "/".join(DEFAULT_COLUMNS["text"])
    hint = text_hint(resolve_columns(names, options))
    return f"no text column {wanted!r} (have: {', '.join(names) or 'none'}); {hint}"


def text_hint(columns: Mapping[str, str]) -> str:
    """How to name the text column. A table of headlines alone (an aggregator's export) has a title column
    but no body; its headlines are read as the text only when asked, since a body column under a name
    not recognised would otherwise be skipped without a word."""
    if "title" in columns:
        return f"map one with --column text=NAME, or --column text={columns['title']} for headlines alone"
    return "map one with --column text=NAME"


def _as_text(value: Any) -> str | None:
    """Non-blank scalars as strings; a list of names joined ("A, B"); an object by its "name"."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list):
        parts = [p for p in (_as_text(v) for v in value) if p]
        return ", ".join(parts) or None
    if isinstance(value, dict):
        return _as_text(value.get("name"))
    return str(value)
