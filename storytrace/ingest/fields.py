"""Labelled header fields, as press databases write them: "BYLINE: Jane Doe", "HEADLINE: ...", "Load-Date: ...".

Both the plain-text header reader and the export reader (`nexis`) read them; only the labels below count,
so a body line such as "Update: talks resume" is never taken for a field.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r"(?P<label>[^\W\d_]+(?:-[^\W\d_]+)*)[ \t]*:[ \t]*(?P<value>.*)")
# Field labels by the Article field they fill (None: read and dropped).
LABELS: dict[str, str | None] = {
    "headline": "title",
    "title": "title",
    "byline": "byline",
    "author": "byline",
    "autor": "byline",  # German exports (RUBRIK, LÄNGE, SPRACHE below); French ones write LONGUEUR, LANGUE
    "dateline": "dateline",
    "publication": "source",
    "source": "source",
    **dict.fromkeys(
        "section length edition language load-date publication-type document-type journal-code subject company "
        "organization organisation ticker industry geographic person city state country graphic highlight url "
        "correction-date correction series type notes distribution copyright rubrik länge sprache longueur "
        "langue".split()
    ),
}


def labelled(line: str) -> tuple[str, str] | None:
    """(known label lower-cased, value) of a field line, or None. Labels are written in capitals
    (classic exports) or capitalised ("Load-Date", Nexis Uni), never in running-text case."""
    match = _FIELD.fullmatch(line.strip())
    if match is None:
        return None
    label = match["label"]
    first, *rest = label.split("-")
    written = label.isupper() or (first == first.capitalize() and all(p in (p.lower(), p.capitalize()) for p in rest))
    if label.lower() not in LABELS or not written:
        return None
    return label.lower(), match["value"].strip()


def fill(record: object, label: str, value: str) -> None:
    """Set the Article field a known label fills on `record` (a header being read), unless the label
    fills none, the value is empty or the field is already set: the first occurrence wins."""
    target = LABELS[label]
    if target is not None and value and getattr(record, target) is None:
        setattr(record, target, byline_names(value) if target == "byline" else value)


def byline_names(value: str) -> str:
    """A byline field's names, without a leading "By" or a closing full stop."""
    for prefix in ("By ", "BY ", "by "):
        value = value.removeprefix(prefix)
    return value.rstrip(". ").strip()
