"""RSS / Atom reader (feedparser): one article per entry with content or a summary; a Factiva XML export
(see `factiva`), which shares the `.xml` extension, gives one article per article.

Entry HTML is reduced to plain text (`html.fragment_to_text`). The id hashes the entry's guid
(else its link), so the same entry seen in later fetches of the feed is recognised. Feeds are
small documents; feedparser parses one whole, within the record size limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.factiva import factiva_items, factiva_xml_articles, looks_like_factiva_xml
from storytrace.ingest.files import read_document_bytes
from storytrace.ingest.html import fragment_to_text
from storytrace.ingest.ids import content_id, url_id
from storytrace.ingest.types import IngestOptions, Item, Rejection, too_large
from storytrace.model import Article


def read_feed(path: Path, options: IngestOptions) -> Iterator[Item]:
    data = read_document_bytes(path, options)
    if isinstance(data, Rejection):
        yield data
        return
    exported = factiva_xml_articles(data) if looks_like_factiva_xml(data) else None
    if exported is not None:
        yield from factiva_items(exported, path, options)
        return
    feed = feedparser.parse(data)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        yield Rejection(str(path), None, f"no feed entries ({problem})" if problem else "no feed entries")
        return
    channel = feed.get("feed", {})
    source = _plain(channel.get("title")) or options.source
    language = channel.get("language") or None
    for number, entry in enumerate(feed.entries, start=1):
        where = f"entry {number}"
        result = _entry_article(entry, source, language, f"{path}:{where}", options)
        yield Rejection(str(path), where, result) if isinstance(result, str) else result


def _entry_article(
    entry: Any, source: str | None, language: str | None, origin: str, options: IngestOptions
) -> Article | str:
    bodies = [c.get("value", "") for c in entry.get("content", [])] + [entry.get("summary", "")]
    text = fragment_to_text(max(bodies, key=len))
    if not text:
        return "empty text"
    size = len(text.encode("utf-8"))
    if size > options.max_record_bytes:
        return too_large(size, options)
    title = _plain(entry.get("title"))
    link = entry.get("link") or None
    key = entry.get("id") or link
    return Article(
        id=url_id(key) if key else content_id(source, link, title, text),
        text=text,
        title=title,
        source=source,
        url=link,
        byline=_plain(entry.get("author")),
        published_at=normalise_date(entry.get("published") or entry.get("updated")),
        language=_entry_language(entry) or language,
        origin=origin,
    )


def _entry_language(entry: Any) -> str | None:
    details = [*entry.get("content", [])[:1], entry.get("summary_detail") or {}]
    return next((str(d["language"]) for d in details if d.get("language")), None)


def _plain(value: str | None) -> str | None:
    return fragment_to_text(value) or None if value else None
