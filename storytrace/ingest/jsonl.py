"""JSON Lines reader (also `.json` files holding JSON Lines or one JSON array), streamed.

Lines are read with a size bound, so an oversized or runaway line is skipped in chunks and never
held in memory whole. A JSON array is decoded element by element from a sliding buffer
(`JSONDecoder.raw_decode`), so a big array file is never loaded at once either.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from storytrace.ingest.records import ColumnResolver, article_from_record
from storytrace.ingest.types import IngestOptions, Item, Rejection, too_large

_CHUNK = 1 << 16
_SEPARATORS = re.compile(r"[\s,]+")


def read_jsonl(path: Path, options: IngestOptions) -> Iterator[Item]:
    with path.open("rb") as handle:
        head = handle.read(_CHUNK).removeprefix(codecs.BOM_UTF8).lstrip()
        handle.seek(0)
        if head.startswith(b"["):
            yield from _array_items(path, handle, options)
        else:
            yield from _line_items(path, handle, options)


def _line_items(path: Path, handle: IO[bytes], options: IngestOptions) -> Iterator[Item]:
    """One record per line. A `.json` file whose first record does not parse is some other JSON
    (say one pretty-printed object), so it is rejected once instead of line by line."""
    columns = ColumnResolver(options)
    expect_lines = path.suffix.lower() != ".json"
    for number, line, size in _bounded_lines(handle, options.max_record_bytes):
        where = f"line {number}"
        if line is None:
            yield Rejection(str(path), where, too_large(size, options))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads((line.removeprefix(codecs.BOM_UTF8) if number == 1 else line).rstrip(b"\r\n"))
        except json.JSONDecodeError as error:
            if not expect_lines:
                yield Rejection(str(path), None, f"not JSON Lines or a JSON array ({where}: {error})")
                return
            yield Rejection(str(path), where, f"malformed JSON ({error})")
            continue
        except UnicodeDecodeError as error:
            yield Rejection(str(path), where, f"undecodable line ({error.reason} at byte {error.start})")
            continue
        finally:
            expect_lines = True  # only the first record decides what a .json file is
        yield _article(path, where, record, columns, options)


def _array_items(path: Path, handle: IO[bytes], options: IngestOptions) -> Iterator[Item]:
    """Elements of a top-level array; the buffer only ever holds the unread part plus one chunk."""
    columns = ColumnResolver(options)
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8-sig")()
    buffer, pos, index, ended, opened = "", 0, 0, False, False
    while True:
        skipped = _SEPARATORS.match(buffer, pos)
        pos = skipped.end() if skipped else pos
        if pos < len(buffer):
            if not opened:  # the caller checked that the first character is "["
                opened, pos = True, pos + 1
                continue
            if buffer[pos] == "]":
                return
            try:
                record, pos = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as error:
                if ended or len(buffer) - pos > options.max_record_bytes:
                    reason = f"malformed JSON ({error})" if ended else too_large(len(buffer) - pos, options)
                    yield Rejection(str(path), f"item {index + 1}", f"{reason}; rest of the array skipped")
                    return
            else:
                index += 1
                yield _article(path, f"item {index}", record, columns, options)
                continue
        elif ended:
            yield Rejection(str(path), f"item {index + 1}", "malformed JSON (array not closed)")
            return
        buffer, pos = buffer[pos:], 0
        chunk = handle.read(_CHUNK)
        ended = not chunk
        try:
            buffer += text.decode(chunk, final=ended)
        except UnicodeDecodeError as error:
            yield Rejection(str(path), f"item {index + 1}", f"undecodable text ({error.reason})")
            return


def _article(path: Path, where: str, record: Any, columns: ColumnResolver, options: IngestOptions) -> Item:
    if not isinstance(record, dict):
        return Rejection(str(path), where, f"expected a JSON object, got {type(record).__name__}")
    result = article_from_record(record, columns(record), origin=f"{path}:{where}", options=options)
    return Rejection(str(path), where, result) if isinstance(result, str) else result


def _bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line bytes, size); bytes is None for a line over `limit`, read past in chunks."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        size = len(line)
        if size > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(_CHUNK)
                size += len(line)
            yield number, None, size
        else:
            yield number, line, size
