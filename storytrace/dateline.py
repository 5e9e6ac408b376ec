"""Datelines: the upper-case place, often with a wire date and an agency, that opens a news report.

"KYIV, Ukraine (AP) — ...", "LONDON, Oct 17 (Reuters) - ...", "BRUSSELS" on a line of its own. Ingest
records the place as the article's dateline; story titles drop it from a lead sentence, since it says
where the report was filed, not what happened.
"""

from __future__ import annotations

import re

_PLACE = r"[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3}(?:, [A-Z][A-Za-z'’.\-]+(?: [A-Z][A-Za-z'’.\-]+){0,2})?"
_AGENCY = r"\([A-Za-z][A-Za-z .&\-]{0,30}\)"
_DASH = r"(?:—|–|--|-)"
_WIRE_DATE = r"(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"  # Reuters style: "LONDON, Oct 17 (Reuters) -"
DATELINE_LINE = re.compile(rf"(?P<place>{_PLACE})\s*(?:{_AGENCY})?\s*{_DASH}?")
_DATELINE_OPENING = re.compile(rf"(?P<place>{_PLACE}){_WIRE_DATE}\s*(?:(?:{_AGENCY})\s*{_DASH}|{_DASH})\s")


# A paragraph opening with a wire credit, with or without its place: "WASHINGTON (AP) —", "(Reuters) - Cyprus ...".
_CREDIT_OPENING = re.compile(
    rf"^[ \t]*(?:(?P<place>{_PLACE}){_WIRE_DATE}\s*)?\((?P<agency>[A-Za-z][A-Za-z .&\-]{{0,30}})\)\s*{_DASH}\s",
    re.MULTILINE,
)


def agency_credits(text: str) -> list[tuple[int, int]]:
    """The spans of the agencies credited by the datelines that open paragraphs of `text` ("AP" of
    "WASHINGTON (AP) —"). A credit says who filed the report, as a byline does, not what it is about: read as
    a name, the wire agency became a key entity of every story it filed and a name shared by unrelated ones
    (58 of PolNeAR's 928 texts credit one: AP 31 times, UPI 21, Reuters 6)."""
    return [m.span("agency") for m in _CREDIT_OPENING.finditer(text) if m["place"] is None or is_place(m["place"])]


def is_place(place: str) -> bool:
    """An upper-case run is a place only if it has some letters and few words (not a shouted sentence)."""
    head = place.split(",")[0]
    return sum(c.isalpha() for c in head) >= 3 and len(head.split()) <= 4


def opening_dateline(paragraph: str) -> tuple[str, int] | None:
    """The place of the dateline opening `paragraph` and the offset where the sentence after it starts;
    None when the paragraph opens with no dateline."""
    match = _DATELINE_OPENING.match(paragraph)
    if match is None or not is_place(match["place"]):
        return None
    return match["place"], match.end()
