"""Ingestion: files and folders of news articles (text, JSON Lines, CSV, HTML, WARC, RSS/Atom) into the store.

Each format has a small reader module, a generator that parses, extracts and yields an Article or a
Rejection per record; `ingest_paths` dispatches files to readers and writes in batched transactions.
"""

from storytrace.ingest.dispatch import READERS, format_of, iter_input_files, read_path
from storytrace.ingest.runner import IngestReport, ingest_paths
from storytrace.ingest.types import FORMATS, IngestOptions, Rejection

__all__ = [
    "FORMATS",
    "READERS",
    "IngestOptions",
    "IngestReport",
    "Rejection",
    "format_of",
    "ingest_paths",
    "iter_input_files",
    "read_path",
]
