"""Writers for `storytrace export`: JSON Lines (streamed), CSV and Parquet, over any exporter's rows.

Rows are plain dicts from the exporters registered in `storytrace.pipeline`; nested values (lists,
dicts) are kept as JSON in CSV cells so nothing is lost in a flat format.

CSV files are opened in spreadsheets, which run a cell that starts with "=", "+", "-" or "@" (or a tab
or carriage return, which some skip before one) as a formula, and article text, titles and ids are
written by whoever wrote the article ("=HYPERLINK(...)" as a headline). In CSV such a cell gets a
leading apostrophe, the mark spreadsheets read as "text, not a formula" (OWASP's advice on CSV
injection); JSON Lines and Parquet keep every value as it is.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from storytrace.pipeline import exporter
from storytrace.store import SQLiteStore
from storytrace.store.articles import iter_articles

FORMATS = ("jsonl", "csv", "parquet")


@exporter("articles")
def export_articles(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for article in iter_articles(store):
        yield article.to_dict()


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: Path | None) -> int:
    """Write rows in `fmt` to `out` (stdout when None, except Parquet); returns the row count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if out is None:
            raise ValueError("Parquet is binary: give --out FILE")
        return _write_parquet(rows, out)
    if out is None:
        return _write_text(rows, fmt, sys.stdout)
    with out.open("w", encoding="utf-8", newline="") as handle:
        return _write_text(rows, fmt, handle)


def _write_text(rows: Iterable[dict[str, Any]], fmt: str, handle: IO[str]) -> int:
    count = 0
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if fmt == "jsonl":
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: _inert(_flat(v)) for k, v in row.items()})
        count += 1
    return count


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, marked as text with a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _write_parquet(rows: Iterable[dict[str, Any]], out: Path, batch_size: int = 10_000) -> int:
    """Stream rows into a Parquet file in batches, so memory stays bounded on large stores."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    batch: list[dict[str, Any]] = []
    count = 0

    def flush() -> None:
        nonlocal writer, schema
        if not batch:
            return
        table = pa.Table.from_pylist([{k: _flat(v) for k, v in r.items()} for r in batch], schema=schema)
        if writer is None:
            schema = table.schema
            writer = pq.ParquetWriter(out, schema)
        writer.write_table(table)
        batch.clear()

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= batch_size:
            flush()
    flush()
    if writer is not None:
        writer.close()
    else:
        pq.write_table(pa.table({}), out)
    return count
