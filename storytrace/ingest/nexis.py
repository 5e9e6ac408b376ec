"""Press-database text exports (LexisNexis, Nexis Uni): many articles per file, metadata as labelled lines.

Media researchers get their corpora from these databases, and the text export is the one every edition
offers. A file holds a request preamble (a cover page listing the titles, in Nexis Uni), then articles
separated by a line "N of M DOCUMENTS" (LexisNexis Academic) or followed by a line "End of Document"
(Nexis Uni). Each article opens with unlabelled lines (copyright notice, outlet, date such as "July 1,
2015 Wednesday", edition, sometimes the title), then labelled fields ("SECTION: A-SECTION; Pg. A01",
"LENGTH: 3362 words", "HEADLINE: ...", "BYLINE: ..."), a "BODY:" line (some exports have none), the
body, and trailing fields ("LANGUAGE: ENGLISH", "SUBJECT: ...", "LOAD-DATE: ...") and copyright notice.
A field's value may wrap onto the lines after it. German and French editions write the same layout with
their own separator ("Dokument 1 von 161") and labels.

`split_documents` cuts a file into its articles (None for a file that is not such an export, which the
plain-text reader then reads as one article); `parse_document` reads one article's fields and where its
body starts and ends. The body is kept character for character, as the plain-text reader keeps it.
"""

from __future__ import annotations

import re

from storytrace.ingest.dates import normalise_date
from storytrace.ingest.fields import fill, labelled
from storytrace.ingest.textheader import Header, lines_at

# "1 of 161 DOCUMENTS", and as German and French exports write it: "Dokument 1 von 161", "Document 1 de 161".
# Matched as the databases write them, case included: a line "3 of 5 documents" in prose splits nothing.
_SEPARATOR = re.compile(
    r"^[ \t]*(?:(?P<number>\d+) of \d+ DOCUMENTS?|Dokument (?P<de>\d+) von \d+|Document (?P<fr>\d+) de \d+)[ \t]*$",
    re.MULTILINE,
)
_END = re.compile(r"^[ \t]*End of Document[ \t]*$", re.MULTILINE)
_BODY = re.compile(r"(?:BODY|Body)[ \t]*:?")
_COPYRIGHT = re.compile(r"(?:Copyright|COPYRIGHT|\(c\)|\u00a9)\b", re.IGNORECASE)
_RIGHTS = re.compile(r"all rights reserved", re.IGNORECASE)
# A Nexis Uni cover page opens with these fields and lists the documents' titles, numbered.
_COVER = re.compile(r"^[ \t]*(?:Date and Time|Job Number)[ \t]*:", re.MULTILINE)
_LISTED = re.compile(r"^[ \t]*1\.[ \t]+(?P<title>\S.*?)[ \t]*$", re.MULTILINE)
COVER_CHARS = 1000  # how far into a file its cover page's opening fields are looked for
MIN_FIELDS = 2  # labelled fields a single article needs, beside its body line, to be read as an export
HEAD_LINES = 60  # lines an article's head may take: the body line is looked for there, and nowhere else


def split_documents(text: str) -> list[tuple[str, str]] | None:
    """(number, text) of each article of an export, numbered as the file numbers them ("1 of 161
    DOCUMENTS"; in order when two carry one number, as in files pasted together) or in order; None when
    the text shows neither separator."""
    separators = list(_SEPARATOR.finditer(text))
    if separators:
        ends = [m.start() for m in separators[1:]] + [len(text)]
        numbers = [m["number"] or m["de"] or m["fr"] for m in separators]
        if len(set(numbers)) < len(numbers):
            numbers = [str(i) for i in range(1, len(numbers) + 1)]
        return [(n, text[m.end() : end]) for n, m, end in zip(numbers, separators, ends, strict=True)]
    ends = list(_END.finditer(text))
    if not ends:
        return None
    starts = [_cover_end(text[: ends[0].start()])] + [m.end() for m in ends[:-1]]
    parts = [text[start : m.start()] for start, m in zip(starts, ends, strict=True)]
    return [(str(i), part) for i, part in enumerate(parts, 1) if part.strip()]


def _cover_end(head: str) -> int:
    """Where the first document of a Nexis Uni export starts: after its cover page when it has one (who ran
    the search and when, then the documents' titles, "1. Strike talks resume", each with the search that
    found it), at the line that repeats the first listed title; 0 without a cover page, or when that line
    is not found (the cover is then read as the first document's head, as before)."""
    if not _COVER.search(head, 0, COVER_CHARS):
        return 0
    listed = _LISTED.search(head)
    if listed is None:
        return 0
    title = re.compile(rf"^[ \t]*{re.escape(listed['title'])}[ \t]*$", re.MULTILINE).search(head, listed.end())
    return title.start() if title else 0


def is_export_article(text: str) -> bool:
    """A single article in the export layout: a body line after at least MIN_FIELDS known fields."""
    fields = 0
    for line in text.splitlines()[:HEAD_LINES]:
        stripped = line.strip()
        if _BODY.fullmatch(stripped):
            return fields >= MIN_FIELDS
        if labelled(stripped) is not None:
            fields += 1
    return False


def parse_document(text: str) -> Header:
    """Fields and body span of one article (see the module docstring). Without a body line the body
    starts after the head's first run of fields (`_head_end`), and without trailing fields or a closing
    copyright notice it runs to the end."""
    document = Header(body_end=len(text))
    lines = lines_at(text)
    body_line = next((i for i, (_, line) in enumerate(lines[:HEAD_LINES]) if _BODY.fullmatch(line.strip())), None)
    head_end = body_line if body_line is not None else _head_end(lines)
    _read_head(document, lines[:head_end])
    body_at = head_end + 1 if body_line is not None else head_end
    document.body_start = lines[body_at][0] if body_at < len(lines) else len(text)
    document.body_end = _trailer_start(lines, body_at, len(text))
    return document


def _head_end(lines: list[tuple[int, str]]) -> int:
    """For an article without a body line, the index of the body's first line: the first block (lines
    between blank lines) that follows the head's fields and does not open with one. The trailing fields
    of a short article fall within the head's reach, so the head ends at its first run of fields."""
    seen_field = opens_block = False
    for i, (_, raw) in enumerate(lines[:HEAD_LINES]):
        line = raw.strip()
        if not line:
            opens_block = True
            continue
        if opens_block or i == 0:
            if labelled(line) is not None:
                seen_field = True
            elif seen_field:
                return i
        opens_block = False
    return min(len(lines), HEAD_LINES)


def _read_head(document: Header, lines: list[tuple[int, str]]) -> None:
    """Fill the fields from the head: labelled fields (with their wrapped continuations), then the
    unlabelled lines. Copyright notices are dropped, and so are the lines of the date's own block (the
    edition: "Edition 1;", "Scotland"). The other lines before the date end with the outlet (Nexis Uni
    puts the title first); a line after the date's block is the title when no HEADLINE field gives one
    (LexisNexis Academic writes both ways)."""
    field: str | None = None
    values: dict[str, list[list[str]]] = {}  # label -> each occurrence's value, as its wrapped lines
    before: list[str] = []  # unlabelled lines before the date
    after: list[str] = []  # ... and after the date's block
    in_copyright = in_date_block = False
    for _, raw in lines:
        line = raw.strip()
        if not line:
            field, in_copyright, in_date_block = None, False, False
            continue
        if (found := labelled(line)) is not None:
            field = found[0]
            values.setdefault(field, []).append([found[1]])
        elif field is not None:
            values[field][-1].append(line)
        elif _COPYRIGHT.match(line) or in_copyright:
            in_copyright = not _RIGHTS.search(line)
        elif document.published_at is None and (date := normalise_date(line)):
            document.published_at, in_date_block = date, True
        elif not in_date_block:
            (before if document.published_at is None else after).append(line)
    for label, found_values in values.items():
        for parts in found_values:
            fill(document, label, " ".join(p for p in parts if p))
    if document.title is None and (after or len(before) > 1):
        document.title = after[0] if after else before[0]
    if document.source is None and before and before[-1] != document.title:
        document.source = before[-1]
    if document.published_at is None and (loaded := values.get("load-date")):
        document.published_at = normalise_date(" ".join(loaded[0]))


def _trailer_start(lines: list[tuple[int, str]], body_at: int, end: int) -> int:
    """Where the trailing fields begin: the first of the body's blocks (lines between blank lines) from
    which on every block opens with a field line or a copyright notice, their wrapped continuations
    included. One pass."""
    trailer: int | None = None
    opens_block = True
    for start, raw in lines[body_at:]:
        line = raw.strip()
        if not line:
            opens_block = True
            continue
        if opens_block:
            closing = labelled(line) is not None or _COPYRIGHT.match(line) is not None
            trailer = (start if trailer is None else trailer) if closing else None
        opens_block = False
    return end if trailer is None else trailer
