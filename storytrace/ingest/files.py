"""Whole-file reads for one-article-per-file formats (text, HTML), with the checks they share."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest.decode import DecodeError, binary_kind, decode_text
from storytrace.ingest.types import IngestOptions, Rejection, too_large


def read_document_bytes(path: Path, options: IngestOptions) -> bytes | Rejection:
    """The file's bytes, or why it cannot be an article: too large, empty, or binary."""
    try:
        size = path.stat().st_size
        if size > options.max_record_bytes:
            return Rejection(str(path), None, too_large(size, options))
        data = path.read_bytes()
    except OSError as error:
        return Rejection(str(path), None, f"cannot read file ({error.strerror or error})")
    if not data.strip():
        return Rejection(str(path), None, "empty file")
    kind = binary_kind(data)
    if kind is not None:
        return Rejection(str(path), None, f"binary file ({kind})")
    return data


def read_document_text(path: Path, options: IngestOptions) -> str | Rejection:
    """The file decoded to text (see `decode`), or why not."""
    data = read_document_bytes(path, options)
    if isinstance(data, Rejection):
        return data
    try:
        text = decode_text(data)
    except DecodeError as error:
        return Rejection(str(path), None, str(error))
    if not text.strip():
        return Rejection(str(path), None, "empty file")
    return text
