"""WARC / WARC.gz reader: HTML (and plain-text) responses become articles, streamed record by record.

Truncation is detected explicitly, because warcio itself stops quietly at a cut: gzip input is
decompressed by `_Gunzip`, which raises at a member without its end-of-stream marker, every
record's payload is checked against its declared Content-Length, and a record header left
unparsed at the end is reported. Records before a break are kept.
The id hashes the target URI (re-crawls of a page become versions of one article); the WARC-Date
(crawl time) is the fallback when the page states no publication date.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.decode import DecodeError, decode_text
from storytrace.ingest.html import article_from_html
from storytrace.ingest.ids import url_id
from storytrace.ingest.text import article_from_text
from storytrace.ingest.types import IngestOptions, Item, Rejection, too_large
from storytrace.model import Article

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REQUIRED_HEADERS = ("WARC-Type", "Content-Length")
_CHUNK = 1 << 16


class TruncatedInput(Exception):
    """The input ends inside a record or a gzip member."""


_READ_ERRORS = (TruncatedInput, OSError, zlib.error, ArchiveLoadFailed, ValueError, AttributeError)


class _Gunzip(io.RawIOBase):
    """Concatenated gzip members, decompressed lazily; raises TruncatedInput at a cut member.

    Unlike `gzip.GzipFile`, it hands out every byte decompressed before the cut first, so the
    records before a break are still read; and it raises an exception warcio does not swallow
    (warcio treats EOFError as a clean end of the archive).
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decompressor = zlib.decompressobj(wbits=31)
        self._pending = memoryview(b"")  # decompressed bytes not handed out yet
        self._in_member = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(_CHUNK)
            if not chunk:
                if self._in_member:
                    raise TruncatedInput("gzip data ends before its end-of-stream marker")
                return 0
            self._pending = memoryview(self._decompress(chunk))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            self._in_member = True
            out.append(self._decompressor.decompress(data))
            data = b""
            if self._decompressor.eof:
                data = self._decompressor.unused_data
                self._decompressor = zlib.decompressobj(wbits=31)
                self._in_member = False
        return b"".join(out)


def read_warc(path: Path, options: IngestOptions) -> Iterator[Item]:
    with path.open("rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        archive = ArchiveIterator(_Gunzip(raw) if compressed else raw)
        records = iter(archive)
        number = 0
        while True:
            number += 1
            try:
                record = next(records)
                item = _record_item(path, number, record, options)
            except StopIteration:
                if archive.next_line:  # warcio stops quietly at a record header cut short
                    yield Rejection(str(path), f"record {number}", "truncated WARC (record header cut short)")
                return
            except _READ_ERRORS as error:
                yield Rejection(str(path), f"record {number}", f"truncated or corrupt WARC ({error}); rest skipped")
                return
            if item is not None:
                yield item


def _record_item(path: Path, number: int, record: ArcWarcRecord, options: IngestOptions) -> Item | None:
    where = f"record {number}"
    headers = record.rec_headers
    if any(headers.get_header(name) is None for name in _REQUIRED_HEADERS):
        raise ValueError("record header incomplete")
    if record.length > options.max_record_bytes:
        return Rejection(str(path), where, too_large(record.length, options))
    content_type = _content_type(record)
    if content_type is None:
        return None
    payload = record.content_stream().read()
    if record.raw_stream.limit > 0:  # fewer bytes than Content-Length declared
        missing = record.raw_stream.limit
        raise TruncatedInput(f"record cut short, {missing} of {record.length} bytes missing")
    uri = headers.get_header("WARC-Target-URI") or f"{path}#{number}"
    common = {"article_id": url_id(uri), "origin": f"{path}:{where}", "options": options}
    if content_type in _HTML_TYPES:
        result: Article | str = article_from_html(
            payload, url=uri, fallback_date=headers.get_header("WARC-Date"), **common
        )
    else:
        result = _plain_text(payload, uri, headers.get_header("WARC-Date"), common)
    if isinstance(result, str):
        return Rejection(str(path), where, result)
    return result


def _content_type(record: ArcWarcRecord) -> str | None:
    """The media type of an article-bearing record (200 response or resource), else None."""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        value = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        value = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    media = value.split(";")[0].strip().lower()
    return media if media in (*_HTML_TYPES, "text/plain") else None


def _plain_text(payload: bytes, uri: str, warc_date: str | None, common: dict[str, Any]) -> Article | str:
    try:
        text = decode_text(payload)
    except DecodeError as error:
        return str(error)
    if not text.strip():
        return "empty text"
    article = article_from_text(text, **common)
    article.url = uri
    article.published_at = article.published_at or normalise_date(warc_date)
    return article
