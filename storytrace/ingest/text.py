"""Plain-text reader: one article per file, id = file name without extension.

The header lines the text shows (see `textheader`) go to their own fields and are cut from the
body; the body itself is kept character for character, because later stages report offsets into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storytrace.ingest.files import read_document_text
from storytrace.ingest.ids import safe_id
from storytrace.ingest.textheader import parse_header
from storytrace.ingest.types import IngestOptions, Item, Rejection
from storytrace.model import Article


def read_text(path: Path, options: IngestOptions) -> Iterator[Item]:
    text = read_document_text(path, options)
    if isinstance(text, Rejection):
        yield text
        return
    yield article_from_text(text, article_id=file_id(path), origin=str(path), options=options)


def article_from_text(text: str, *, article_id: str, origin: str, options: IngestOptions) -> Article:
    """Split the header lines off a plain-text article; the caller guarantees non-blank text."""
    header = parse_header(text)
    return Article(
        id=article_id,
        text=text[header.body_start :].rstrip(),
        title=header.title,
        source=header.source or options.source,
        byline=header.byline,
        dateline=header.dateline,
        published_at=header.published_at,
        origin=origin,
    )


def file_id(path: Path) -> str:
    """The file name without its extension, made safe: `000_59f418e64c1e3aaf.txt` -> `000_59f418e64c1e3aaf`."""
    return safe_id(path.stem)
