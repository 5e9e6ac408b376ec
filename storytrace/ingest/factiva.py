"""Factiva exports: many articles in one file, as an HTML page of field-code tables or as XML.

Factiva (Dow Jones), with LexisNexis the press database media researchers draw their corpora from,
saves the articles of a search as one HTML page. Each article is a `<div class="article ...">` holding a
two-column table: a code ("HD" headline, "BY" byline, "PD" publication date, "SN" source name, "ED"
edition, "LA" language, "CY" copyright, "LP" lead paragraphs, "TD" the rest of the text, "AN"
accession number "Document J000000020161109ecb90001a", and index codes such as "NS", "RE", "IPC") and
its value. Read as an ordinary page, the text extractor keeps one article's paragraphs, or none, and
titles it "Factiva".

`factiva_articles` reads every article of such a page: the body is the LP then the TD paragraphs, one
per line pair as in plain text; the accession number, which Factiva gives an article in every export,
is its id, so the same article saved in two searches is ingested once. A page without article tables is
not an export (None): the ordinary page reader takes it. `factiva_xml_articles` reads the same fields
from Factiva's XML (`<article>` elements with `accessionNo`, `headline`, `leadParagraph`,
`tailParagraphs`, `publicationDate`, `sourceName`, `byline`, `baseLanguage`), which the feed reader
would otherwise reject as a feed without entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
import lxml.html

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.fields import byline_names
from storytrace.ingest.ids import safe_id
from storytrace.ingest.text import file_id
from storytrace.ingest.types import IngestOptions, Item, Rejection
from storytrace.model import Article

# A cheap test on the raw page before it is parsed: an article div and a code cell in bold.
_MARKERS = (re.compile(rb"class=[\"']article\b"), re.compile(rb"<b>\s*(?:HD|LP|TD)\s*</b>"))
_XML_MARKERS = (re.compile(rb"<article[\s>]"), re.compile(rb"<accessionNo>"))
_CODE = re.compile(r"[A-Z]{2,3}")
_ARTICLE_DIVS = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
_TEXT_CODES = ("LP", "TD")
# Factiva writes the language out ("English", "Français"); the store keeps ISO 639-1 codes.
_LANGUAGES = {
    "english": "en",
    "anglais": "en",
    "englisch": "en",
    "french": "fr",
    "français": "fr",
    "französisch": "fr",
    "german": "de",
    "deutsch": "de",
    "allemand": "de",
    "spanish": "es",
    "español": "es",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "nederlands": "nl",
    "portuguese": "pt",
    "português": "pt",
}


@dataclass(slots=True, frozen=True)
class FactivaArticle:
    """One article of a Factiva page: its fields as the codes give them, and its body text."""

    number: int  # 1-based position in the page
    text: str
    title: str | None
    source: str | None
    byline: str | None
    published_at: str | None
    language: str | None
    accession: str | None


def looks_like_factiva(page: bytes) -> bool:
    """Whether a page may be a Factiva export (checked on the raw bytes, before any parse)."""
    return all(marker.search(page) for marker in _MARKERS)


def factiva_articles(page: bytes | str) -> list[FactivaArticle] | None:
    """The articles of a Factiva export page, in page order; None when the page holds no article table."""
    root = lxml.html.fromstring(page)
    articles = []
    for div in root.xpath(_ARTICLE_DIVS):
        fields = _fields(div)
        if "HD" in fields or any(code in fields for code in _TEXT_CODES):
            articles.append(_article(len(articles) + 1, fields))
    return articles or None


def looks_like_factiva_xml(data: bytes) -> bool:
    """Whether an XML file may be a Factiva export (checked on the raw bytes, before any parse)."""
    return all(marker.search(data) for marker in _XML_MARKERS)


def factiva_xml_articles(data: bytes) -> list[FactivaArticle] | None:
    """The articles of a Factiva XML export, in file order; None when the file is not one."""
    try:
        # Entities are not expanded and nothing is fetched: the file is untrusted. A parser per call, as
        # lxml parsers are not to be shared between threads.
        root = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
    except lxml.etree.XMLSyntaxError:
        return None
    articles = []
    for element in root.iter("{*}article"):
        if _child(element, "accessionNo") is None:
            continue
        language = _xml_text(element, "baseLanguage")
        accession = _xml_text(element, "accessionNo")
        articles.append(
            FactivaArticle(
                number=len(articles) + 1,
                text="\n\n".join(
                    _xml_paragraphs(element, "leadParagraph") + _xml_paragraphs(element, "tailParagraphs")
                ),
                title=_xml_text(element, "headline"),
                source=_xml_text(element, "sourceName"),
                byline=byline_names(byline) if (byline := _xml_text(element, "byline")) else None,
                published_at=normalise_date(_xml_text(element, "publicationDate")),
                language=language.lower() if language and len(language) == 2 else None,
                accession=accession,
            )
        )
    return articles or None


def factiva_items(found: list[FactivaArticle], path: Path, options: IngestOptions) -> Iterator[Item]:
    """Each article of a Factiva export as an Article, id'd by its accession number (or by the file and
    its position), or rejected by its position when it has no text."""
    for article in found:
        where = f"article {article.number}"
        if not article.text:
            yield Rejection(str(path), where, "no body text in this article")
            continue
        yield Article(
            id=safe_id(article.accession) if article.accession else f"{file_id(path)}-{article.number}",
            text=article.text,
            title=article.title,
            source=article.source or options.source,
            byline=article.byline,
            published_at=article.published_at,
            language=article.language,
            origin=f"{path}:{where}",
        )


def _child(element: lxml.etree._Element, name: str) -> lxml.etree._Element | None:
    return element.find(f"{{*}}{name}")


def _xml_text(element: lxml.etree._Element, name: str) -> str | None:
    child = _child(element, name)
    return _squeeze("".join(child.itertext())) if child is not None else None


def _xml_paragraphs(element: lxml.etree._Element, name: str) -> list[str]:
    child = _child(element, name)
    if child is None:
        return []
    return [text for p in child.iter("{*}paragraph") if (text := _squeeze("".join(p.itertext())))]


def _fields(div: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    """Code -> value cell of an article table (the first row of a code wins)."""
    fields: dict[str, lxml.html.HtmlElement] = {}
    for row in div.iter("tr"):
        cells = [cell for cell in row if cell.tag == "td"]
        if len(cells) < 2:
            continue
        code = cells[0].text_content().replace("\xa0", " ").strip()
        if _CODE.fullmatch(code):
            fields.setdefault(code, cells[1])
    return fields


def _article(number: int, fields: dict[str, lxml.html.HtmlElement]) -> FactivaArticle:
    paragraphs = [p for code in _TEXT_CODES if code in fields for p in _paragraphs(fields[code])]
    accession = _value(fields, "AN")
    language = _value(fields, "LA")
    return FactivaArticle(
        number=number,
        text="\n\n".join(paragraphs),
        title=_value(fields, "HD"),
        source=_value(fields, "SN"),
        byline=byline_names(byline) if (byline := _value(fields, "BY")) else None,
        published_at=normalise_date(_value(fields, "PD")),
        language=_LANGUAGES.get(language.lower()) if language else None,
        accession=accession.removeprefix("Document ").strip() if accession else None,
    )


def _paragraphs(cell: lxml.html.HtmlElement) -> list[str]:
    """The cell's paragraphs (its `<p>` elements, or its whole text), whitespace collapsed."""
    blocks = [p.text_content() for p in cell.iter("p")] or [cell.text_content()]
    return [text for block in blocks if (text := _squeeze(block))]


def _value(fields: dict[str, lxml.html.HtmlElement], code: str) -> str | None:
    cell = fields.get(code)
    return _squeeze(cell.text_content()) if cell is not None else None


def _squeeze(text: str) -> str | None:
    """The text with its whitespace runs made single spaces; None when nothing is left."""
    return " ".join(text.split()) or None
