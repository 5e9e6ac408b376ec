"""Plain-text reader: one article per file, id = file name without extension; a press-database export
(see `nexis`) of several documents gives one article per document, id = file name, "-" and its number.

The header lines the text shows (see `textheader`) go to their own fields and are cut from the
body; the body itself is kept character for character, because later stages report offsets into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storytrace.ingest.files import read_document_text
from storytrace.ingest.ids import safe_id
from storytrace.ingest.nexis import is_export_article, parse_document, split_documents
from storytrace.ingest.textheader import parse_header
from storytrace.ingest.types import IngestOptions, Item, Rejection
from storytrace.model import Article


def read_text(path: Path, options: IngestOptions) -> Iterator[Item]:
    text = read_document_text(path, options)
    if isinstance(text, Rejection):
        yield text
        return
    documents = split_documents(text)
    if documents is not None and len(documents) > 1:
        for number, document in documents:
            yield article_from_export(document, path, f"document {number}", f"{file_id(path)}-{number}", options)
    elif documents is not None:  # one document: the file is the article, as a plain text would be
        yield article_from_export(documents[0][1], path, None, file_id(path), options)
    elif is_export_article(text):
        yield article_from_export(text, path, None, file_id(path), options)
    else:
        yield article_from_text(text, article_id=file_id(path), origin=str(path), options=options)


def article_from_export(text: str, path: Path, where: str | None, article_id: str, options: IngestOptions) -> Item:
    """One article of a press-database export (`where` names it in a file of several): its labelled fields,
    and its body without them."""
    document = parse_document(text)
    body = text[document.body_start : document.body_end].strip()
    if not body:
        return Rejection(str(path), where, "no body text in this document")
    return Article(
        id=article_id,
        text=body,
        title=document.title,
        source=document.source or options.source,
        byline=document.byline,
        dateline=document.dateline,
        published_at=document.published_at,
        origin=f"{path}:{where}" if where else str(path),
    )


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
