"""CSV / TSV reader, streamed row by row; the first row is the header.

The encoding is detected on the first 64 KiB and the rest is decoded line by line as the file is
read, so a large file is never loaded whole. Rows are numbered as a spreadsheet shows them (header = row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from storytrace.ingest.decode import DecodeError, binary_kind, detect_encoding
from storytrace.ingest.records import article_from_record, resolve_columns, text_hint
from storytrace.ingest.types import IngestOptions, Item, Rejection, too_large

_SAMPLE = 1 << 16


def read_csv(path: Path, options: IngestOptions) -> Iterator[Item]:
    with path.open("rb") as raw:
        sample = raw.read(_SAMPLE)
        problem = _sample_problem(sample)
        if problem is None:
            try:
                encoding = detect_encoding(sample, truncated=len(sample) == _SAMPLE)
            except DecodeError as error:
                problem = str(error)
        if problem is not None:
            yield Rejection(str(path), None, problem)
            return
        raw.seek(0)
        yield from _rows(path, _decoded_lines(raw, encoding), encoding, options)


def _decoded_lines(raw: IO[bytes], encoding: str) -> Iterator[str]:
    """Text lines, decoded one at a time so a decoding error is pinned to the row being read.

    Byte-level line splitting is only sound for ASCII-compatible encodings; UTF-16/32 go through
    a text wrapper instead.
    """
    if encoding.startswith(("utf-16", "utf-32")):
        yield from io.TextIOWrapper(raw, encoding=encoding, newline="")
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    for line in raw:
        yield decoder.decode(line)
    if tail := decoder.decode(b"", final=True):
        yield tail


def _sample_problem(sample: bytes) -> str | None:
    if not sample.strip():
        return "empty file"
    kind = binary_kind(sample)
    return f"binary file ({kind})" if kind else None


def _rows(path: Path, lines: Iterator[str], encoding: str, options: IngestOptions) -> Iterator[Item]:
    # The csv module's field limit is process-wide; raising it to the record limit is harmless and
    # lets an oversized field fail as csv.Error instead of being read whole.
    csv.field_size_limit(max(options.max_record_bytes, 1 << 17))
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(lines, delimiter=delimiter)
    row_number = 1
    try:
        header = [name.lstrip("\ufeff") for name in next(reader, [])]
        columns = resolve_columns(header, options)
        missing = _unmapped(header, columns, options)
        if missing:
            yield Rejection(str(path), "row 1", missing)
            return
        while True:
            row_number += 1
            try:
                row = next(reader)
            except csv.Error as error:
                yield Rejection(str(path), f"row {row_number}", f"malformed CSV ({error})")
                continue
            except StopIteration:
                return
            if row:  # a blank line between records
                yield _row_item(path, row_number, header, row, columns, options)
    except UnicodeDecodeError as error:
        where = f"row {row_number}"
        yield Rejection(str(path), where, f"undecodable text as {encoding} ({error.reason}); rest skipped")


def _row_item(
    path: Path, number: int, header: list[str], row: list[str], columns: dict[str, str], options: IngestOptions
) -> Item:
    where = f"row {number}"
    if not any(cell.strip() for cell in row):
        return Rejection(str(path), where, "empty row")
    if len(row) != len(header):
        return Rejection(str(path), where, f"expected {len(header)} fields, got {len(row)}")
    size = sum(len(cell.encode("utf-8")) for cell in row)
    if size > options.max_record_bytes:
        return Rejection(str(path), where, too_large(size, options))
    result = article_from_record(
        dict(zip(header, row, strict=True)), columns, origin=f"{path}:{where}", options=options
    )
    return Rejection(str(path), where, result) if isinstance(result, str) else result


def _unmapped(header: list[str], columns: dict[str, str], options: IngestOptions) -> str | None:
    """Why the header cannot be read as articles: a mapped column or the text column is absent."""
    absent = [f"{field}={name}" for field, name in options.column_map.items() if field not in columns]
    if absent:
        return f"mapped column(s) not in the header: {', '.join(absent)} (header: {', '.join(header)})"
    if "text" not in columns:
        return f"no text column (header: {', '.join(header)}); {text_hint(columns)}"
    return None
