"""What the top of a plain-text article shows: headline, outlet, byline, date and dateline.

Plain-text news copies often start with a few header lines before the body. We read them only
when the text itself shows them, and stop at the first line that is not one, so a heuristic can
never eat a body paragraph:

* headline: the first line, short (<= 20 words), not ending like a sentence (. , ; : …);
  a repeat of it right after (some scrapes print the headline twice) is dropped;
* outlet: a short Title-Case line right after the headline that names an organisation
  (an acronym like "AFP" or a word like "Media", "News", "Times");
* byline: "By Jane Doe";
* labelled fields as press databases write them ("BYLINE: Jane Doe", "HEADLINE: ...", "DATELINE: ...",
  "SECTION: ..."; the labels `fields.LABELS` knows, the unused ones dropped);
* date: a line that is only a date ("October 17, 2024", "2024-10-17", "Published: ...");
* dateline: a line that is only an upper-case place ("BRUSSELS", "KYIV, Ukraine (AFP) —"), or
  such a place opening the first paragraph ("BRUSSELS (AFP) — ..."). An opening dateline is
  recorded but left in the paragraph, which stays verbatim.

A markdown heading ("### ...") after the headline is a sub-heading and starts the body. When the
header lines would leave no body at all, nothing is taken: the whole text is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.dateline import DATELINE_LINE, is_place, opening_dateline
from storytrace.ingest.dates import normalise_date
from storytrace.ingest.fields import fill, labelled

_MAX_HEADER_LINES = 8
_HEADER_CHARS = 20_000  # how much of the text the header lines are looked for in
_MAX_TITLE_WORDS = 20
_MAX_TITLE_CHARS = 200
_MAX_OUTLET_WORDS = 6
_SENTENCE_END = tuple(".,;:…")

_BYLINE = re.compile(r"(?:By|BY)\s+(?P<name>[A-Z][^\n]{1,120})")
_DATE_PREFIX = re.compile(r"(?:published|updated|posted|date)\s*:?\s*", re.IGNORECASE)
_DATE_HINT = re.compile(
    r"\d{4}-\d{2}-\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s", re.IGNORECASE
)
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_OUTLET_WORDS = frozenset(
    "media news group press times post herald journal tribune daily agency network radio tv television "
    "broadcasting gazette telegraph guardian reuters wire magazine online observer mail express chronicle "
    "independent today weekly review insider report ledger courier dispatch bulletin record register monitor "
    "inquirer examiner sentinel globe mirror star standard sun voice service newsroom channel broadcaster "
    "journal-constitution post-gazette press-enterprise digest gazette-journal".split()
)
_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "la", "le", "der", "die", "for", "on"})


@dataclass(slots=True)
class Header:
    title: str | None = None
    source: str | None = None
    byline: str | None = None
    dateline: str | None = None
    published_at: str | None = None
    body_start: int = 0  # offset of the body in the text
    body_end: int | None = None  # where the body ends, when something follows it (an export's index fields)


def parse_header(text: str) -> Header:
    """Read the header lines at the top of `text`; `body_start` is where the body begins."""
    header = Header()
    previous_was_title = False
    seen = 0
    for start, line in lines_at(text[:_HEADER_CHARS]):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        taken = seen <= _MAX_HEADER_LINES and _take(header, stripped, first=seen == 1, after_title=previous_was_title)
        if not taken:
            header.body_start = start
            if header.dateline is None and (opening := opening_dateline(stripped)):
                header.dateline = opening[0]
            return header
        previous_was_title = taken == "title"
    return Header()  # header lines only: keep everything as body


def _take(header: Header, line: str, *, first: bool, after_title: bool) -> str | None:
    """Record `line` in the header if it is a header line; return which kind it was."""
    if (field := labelled(line)) is not None:
        fill(header, *field)
        return "field"
    if header.byline is None and (match := _BYLINE.fullmatch(line)) and _short(match["name"], 12):
        header.byline = match["name"].strip()
        return "byline"
    if header.published_at is None and (date := _date_line(line)):
        header.published_at = date
        return "date"
    if header.dateline is None and (match := DATELINE_LINE.fullmatch(line)) and is_place(match["place"]):
        header.dateline = match["place"]
        return "dateline"
    if header.title is not None:
        if _fold(line) == _fold(header.title):
            return "title"  # the headline printed twice
        if after_title and header.source is None and _is_outlet(line):
            header.source = line
            return "source"
        return None
    if first or header.byline or header.published_at or header.dateline:
        candidate = line.lstrip("#").strip() if line.startswith("#") else line
        if _is_headline(candidate):
            header.title = candidate
            return "title"
    return None


def lines_at(text: str) -> list[tuple[int, str]]:
    """(offset, line with its ending) of each line of `text`: where a header line or a body starts."""
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line))
        offset += len(line)
    return out


def _fold(line: str) -> str:
    return " ".join(line.lstrip("#").split()).casefold()


def _short(line: str, max_words: int) -> bool:
    return len(line.split()) <= max_words and not line.rstrip().endswith(".")


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(words) <= _MAX_TITLE_WORDS
        and len(line) <= _MAX_TITLE_CHARS
        and not line.endswith(_SENTENCE_END)
        and (line[0].isupper() or line[0].isdigit() or line[0] in "'\"‘“")
    )


def _is_outlet(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= _MAX_OUTLET_WORDS or line.endswith(_SENTENCE_END):
        return False
    if not all(w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS for w in words):
        return False
    return bool(_ACRONYM.search(line)) or any(w.lower().strip(".,") in _OUTLET_WORDS for w in words)


def _date_line(line: str) -> str | None:
    if len(line) > 80 or not _DATE_HINT.search(line + " "):
        return None
    prefix = _DATE_PREFIX.match(line)
    return normalise_date(line[prefix.end() :] if prefix else line)
