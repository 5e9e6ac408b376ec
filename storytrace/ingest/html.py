"""HTML pages: main text and metadata via trafilatura (parse -> extract -> Article); a Factiva export page
(see `factiva`) gives one article per article of the page.

trafilatura drops navigation, footers and boilerplate and reads title, author, site name and date
from the page's metadata. Dates come from htmldate without its "extensive search" in the text, so
a date is only taken from where the page states it. The language is the page's own `lang`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import trafilatura
from trafilatura.utils import load_html

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.factiva import factiva_articles, factiva_items, looks_like_factiva
from storytrace.ingest.files import read_document_bytes
from storytrace.ingest.text import file_id
from storytrace.ingest.types import IngestOptions, Item, Rejection
from storytrace.model import Article

_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer figure hr".split()
)


def read_html(path: Path, options: IngestOptions) -> Iterator[Item]:
    data = read_document_bytes(path, options)
    if isinstance(data, Rejection):
        yield data
        return
    exported = factiva_articles(data) if looks_like_factiva(data) else None
    if exported is not None:
        yield from factiva_items(exported, path, options)
        return
    result = article_from_html(data, article_id=file_id(path), origin=str(path), options=options)
    yield Rejection(str(path), None, result) if isinstance(result, str) else result


def article_from_html(
    page: bytes | str,
    *,
    article_id: str,
    origin: str,
    options: IngestOptions,
    url: str | None = None,
    fallback_date: str | None = None,
) -> Article | str:
    """The article a page holds, or the reason there is none."""
    tree = load_html(page)
    if tree is None:
        return "not parseable as HTML"
    language = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip() or None
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, date_extraction_params=_DATE_PARAMS
    )
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        return "no article text found in the page"
    title = _clean(document.title)
    first_line, _, rest = text.partition("\n")
    if title and rest.strip() and " ".join(first_line.split()) == title:
        text = rest.strip()  # the page's <h1> repeats the headline, which has its own field
    return Article(
        id=article_id,
        text=text,
        title=title,
        source=_clean(document.sitename) or options.source,
        url=_clean(document.url) or url,
        byline=_clean(document.author),
        published_at=normalise_date(document.date) or normalise_date(fallback_date),
        language=language or _clean(document.language),
        origin=origin,
    )


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed entry content): one line per block, spaces collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None
