"""Small synthetic inputs the ingest tests build in tmp_path (web pages and WARC files)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPHS = [
    "The regional parliament voted on Wednesday to expand the night bus network across the valley towns.",
    "Transport officials said the first new routes would start running in the spring, funded by a fuel levy.",
]


def page(title: str, paragraphs: list[str]) -> bytes:
    """A minimal news page: title, headline and paragraphs inside <article>."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<head><title>{title}</title></head>"
    return f"<html lang='en'>{head}<body><article><h1>{title}</h1>{body}</article></body></html>".encode()


def write_warc(path: Path, records: list[tuple[str, bytes]], *, compress: bool) -> bytes:
    """Write 200 text/html response records (one gzip member each when compressed); returns the bytes."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for uri, payload in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http))
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()
