"""Dates stated in article text, resolved against the article's publication date when it is known.

Resolution rules (news is mostly written in the past tense about the days just before publication):
- "Thursday" / "on Thursday": the latest such weekday on or before the publication day (a Friday
  article's "Thursday" is the day before; a Thursday article's "Thursday" is that day);
  "next Thursday" is the first one after it, "last Thursday" the latest strictly before it.
- "November 5" / "5 November" without a year: the candidate year (publication year -1, 0, +1) whose
  date is nearest to the publication day. With a year, as stated.
- "in April" / "April" without a day or year: the latest April on or before the publication month
  (month granularity). "April 2024": as stated.
- "in 2008": year granularity; so is the end of a range of years ("from 2014 to 2021").
  "today", "yesterday", "tomorrow": day; "last/this/next week": week
  (stored as the Monday of that week), "last/this/next month": month, "last/this/next year": year.
Without a publication date only self-contained dates (with a year) resolve; the others are kept with
`when=None` and their text, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = {
    name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b")),
    (
        "month_day",
        re.compile(rf"\b{_MONTH}\s+(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
        ),
    ),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b")),
    # The words before a month, weekday or year may open a sentence ("In 2019, ..."): matched in any case.
    ("in_month", re.compile(rf"\b(?i:in|since|until|by|early|late|mid|last|this|next)[\s-]+{_MONTH}\b(?!\s+\d)")),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<rel>(?i:last|next|this))\s+)?"
            r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    ("relative_day", re.compile(r"\b(?P<word>today|yesterday|tomorrow)\b", re.IGNORECASE)),
    ("relative_period", re.compile(r"\b(?P<rel>last|this|next|past)\s+(?P<unit>week|month|year)\b", re.IGNORECASE)),
    ("in_year", re.compile(r"\b(?i:in|since|until|by|during|from|of|between)\s+(?P<year>(?:19|20)\d\d)\b(?![-/])")),
    # The end of a range of years ("from 2014 to 2021", "between 2010 and 2012"): a bare year after "to" is
    # otherwise too often a quantity ("rose to 2015 units") to be read as a date.
    (
        "year_range_end",
        re.compile(r"(?<=(?:19|20)\d\d\s)(?:to|until|through|and)\s+(?P<year>(?:19|20)\d\d)\b(?![-/])"),
    ),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text: offsets, text, and the resolved period (or None)."""

    start: int
    end: int
    text: str
    when: str | None
    granularity: str | None


def period_start(when: str | None, granularity: str | None) -> str | None:
    """First day of a resolved period ("2019" -> "2019-01-01"), so mixed granularities sort together."""
    if when is None:
        return None
    return {"year": f"{when}-01-01", "month": f"{when}-01"}.get(granularity or "", when)


def _month_of(match: re.Match[str]) -> int:
    return MONTHS[match["month"].lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def resolve(kind: str, match: re.Match[str], published: date | None) -> tuple[str | None, str | None]:
    """(when, granularity) of one matched expression; (None, None) when it cannot be resolved."""
    if kind == "iso":
        day = _safe_date(int(match["year"]), int(match["mnum"]), int(match["day"]))
        return (day.isoformat(), "day") if day else (None, None)
    if kind in ("month_day", "day_month"):
        month, day_number = _month_of(match), int(match["day"])
        if match["year"]:
            day = _safe_date(int(match["year"]), month, day_number)
            return (day.isoformat(), "day") if day else (None, None)
        if published is None:
            return None, None
        options = [
            d
            for y in (published.year - 1, published.year, published.year + 1)
            if (d := _safe_date(y, month, day_number))
        ]
        if not options:
            return None, None
        nearest = min(options, key=lambda d: (abs((d - published).days), d > published))
        return nearest.isoformat(), "day"
    if kind == "month_year":
        return f"{int(match['year']):04d}-{_month_of(match):02d}", "month"
    if kind == "in_month":
        if published is None:
            return None, None
        month = _month_of(match)
        year = published.year if month <= published.month else published.year - 1
        return f"{year:04d}-{month:02d}", "month"
    if kind in ("in_year", "year_range_end"):
        return match["year"], "year"
    if published is None:
        return None, None
    if kind == "weekday":
        target = WEEKDAYS[match["weekday"].lower()]
        back = (published.weekday() - target) % 7
        rel = (match["rel"] or "").lower()
        if rel == "next":
            return (published + timedelta(days=(target - published.weekday()) % 7 or 7)).isoformat(), "day"
        if rel == "last" and back == 0:
            back = 7
        return (published - timedelta(days=back)).isoformat(), "day"
    if kind == "relative_day":
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[match["word"].lower()]
        return (published + timedelta(days=offset)).isoformat(), "day"
    if kind == "relative_period":
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[match["rel"].lower()]
        unit = match["unit"].lower()
        if unit == "week":
            monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
            return monday.isoformat(), "week"
        if unit == "month":
            year, month = _add_months(published.year, published.month, step)
            return f"{year:04d}-{month:02d}", "month"
        return f"{published.year + step:04d}", "year"
    return None, None


def date_mentions(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in `text` (longest match wins where patterns overlap), in text order."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            when, granularity = resolve(kind, match, published)
            taken.append((start, end))
            found.append(DateMention(start, end, match.group(), when, granularity))
    return sorted(found, key=lambda m: m.start)
