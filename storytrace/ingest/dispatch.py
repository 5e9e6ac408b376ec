"""Which reader handles a file, and which files a list of inputs stands for.

Files are dispatched by extension unless a format is forced; folders are walked recursively in
sorted order (so ids and batches come out the same every run), skipping hidden files and folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from storytrace.ingest.csvfile import read_csv
from storytrace.ingest.decode import binary_kind
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.html import read_html
from storytrace.ingest.jsonl import read_jsonl
from storytrace.ingest.text import read_text
from storytrace.ingest.types import IngestOptions, Item, Reader, Rejection
from storytrace.ingest.warc import read_warc

READERS: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "html": read_html,
    "warc": read_warc,
    "rss": read_feed,
}
EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "csv",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".warc": "warc", ".warc.gz": "warc",
    ".rss": "rss", ".atom": "rss", ".xml": "rss",
}  # fmt: skip


def format_of(path: Path, forced: str | None = None) -> str | None:
    if forced:
        return forced
    name = path.name.lower()
    return next((fmt for extension, fmt in EXTENSIONS.items() if name.endswith(extension)), None)


def read_path(path: Path, options: IngestOptions) -> Iterator[Item]:
    """Everything one file yields, or why it has no reader."""
    fmt = format_of(path, options.input_format)
    if fmt is not None:
        yield from READERS[fmt](path, options)
        return
    try:
        with path.open("rb") as handle:
            kind = binary_kind(handle.read(8192))
    except OSError as error:
        yield Rejection(str(path), None, f"cannot read file ({error.strerror or error})")
        return
    reason = f"binary file ({kind})" if kind else f"unsupported file type {path.suffix or '(no extension)'!r}"
    yield Rejection(str(path), None, f"{reason}; use --format to choose a reader")


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files the inputs stand for: files as given, folders walked (sorted, hidden entries skipped)."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(folder) / name
