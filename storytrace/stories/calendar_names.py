"""Names of months, weekdays, days and small counts as news text writes them, shared by the date readers."""

from __future__ import annotations

import calendar
import re
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
# Days named after a feast or an event are not the nearest such weekday. Those a calendar rule fixes fall on
# a day counted from Easter Sunday or from US Thanksgiving (HOLIDAYS); the others
# ("Super Tuesday", whose date each election year sets, "Bloody Sunday") are kept as text, unresolved.
NAMED_DAYS: dict[str, tuple[str, int] | None] = {
    "shrove tuesday": ("easter", -47),
    "ash wednesday": ("easter", -46),
    "palm sunday": ("easter", -7),
    "maundy thursday": ("easter", -3),
    "holy thursday": ("easter", -3),
    "good friday": ("easter", -2),
    "holy saturday": ("easter", -1),
    "easter sunday": ("easter", 0),
    "easter monday": ("easter", 1),
    "black friday": ("thanksgiving", 1),
    "cyber monday": ("thanksgiving", 4),
    "giving tuesday": ("thanksgiving", 5),
    "super tuesday": None,
    "bloody sunday": None,
}
# Holidays a calendar rule fixes, as news writes them (either apostrophe): (month, day) for a fixed
# date, (month, weekday, n) for the nth such weekday of the month (-1 the last; US federal holidays).
# "Christmas" and "Thanksgiving" alone are read only after a preposition ("before Christmas", not "Christmas
# lights"); "Independence Day" (whose country?), "Labour Day" (May 1 or September) and "Election Day" are not
# read.
HOLIDAYS: dict[str, tuple[int, ...]] = {
    "New Year's Day": (1, 1),
    "New Year's Eve": (12, 31),
    "Christmas Eve": (12, 24),
    "Christmas Day": (12, 25),
    "Christmas": (12, 25),
    "Boxing Day": (12, 26),
    "Valentine's Day": (2, 14),
    "St. Patrick's Day": (3, 17),
    "St Patrick's Day": (3, 17),
    "Halloween": (10, 31),
    "Bastille Day": (7, 14),
    "Guy Fawkes Night": (11, 5),
    "Bonfire Night": (11, 5),
    "Armistice Day": (11, 11),
    "Remembrance Day": (11, 11),
    "Veterans Day": (11, 11),
    "Martin Luther King Day": (1, 0, 3),
    "Martin Luther King Jr. Day": (1, 0, 3),
    "MLK Day": (1, 0, 3),
    "Presidents Day": (2, 0, 3),
    "Presidents' Day": (2, 0, 3),
    "Memorial Day": (5, 0, -1),
    "Labor Day": (9, 0, 1),
    "Columbus Day": (10, 0, 2),
    "Thanksgiving": (11, 3, 4),
    "Thanksgiving Day": (11, 3, 4),
}
BARE_HOLIDAYS = ("Christmas", "Thanksgiving")  # read only after a preposition
# Words for a day counted from the publication day ("last night" is the evening before a morning paper).
DAY_WORDS = {  # the longer first: "the day before yesterday" is not "yesterday"
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
}
# The parts of a period that "the end of the year", "the rest of the week" name: the text keeps the part, the date
# is the whole period (timeline `part_of_period`, anaphora).
PERIOD_PARTS = "end|beginning|start|middle|rest|remainder"
_ONES = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# "three years ago", "two days later", "Twenty-two years ago" (a count that opens a sentence is spelled out):
# counts written as words, one to ninety-nine; "a few", "several" are no count.
COUNT_WORDS = {
    "a": 1,
    "an": 1,
    **{word: i for i, word in enumerate(_ONES + _TEENS, 1)},
    **{word: 10 * i for i, word in enumerate(_TENS, 2)},
    **{f"{tens}-{ones}": 10 * i + j for i, tens in enumerate(_TENS, 2) for j, ones in enumerate(_ONES, 1)},
}


def count_words(articles: bool = True) -> str:
    """A regex for the counts written as words: the tens with an optional unit ("twenty", "twenty-two",
    "twenty two"), then the teens before the units they begin with ("seventeen" before "seven"), and "an",
    "a" unless not `articles`."""
    words = [
        rf"(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_ONES)}))?",
        *reversed(_TEENS),
        *_ONES,
        *(("an", "a") if articles else ()),
    ]
    return "|".join(words)


def count_value(count: str) -> int | None:
    """The number a count stands for, written as words ("Twenty two", "a") or digits; None for any other."""
    return COUNT_WORDS.get("-".join(count.lower().replace("-", " ").split())) or (
        int(count) if count.isdigit() else None
    )


def in_weeks(unit: str, count: int) -> tuple[str, int]:
    """(unit, count) with a fortnight (British) counted as two weeks."""
    return ("week", 2 * count) if unit == "fortnight" else (unit, count)


# "the first half", "the third quarter", "the last two weeks" of a year or month: the rank of the part (`nth`,
# -1 for the last) and how many weeks (timeline `period_part`, anaphora).
PART_RANKS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
PART_OF_A_PERIOD = (
    r"\b(?:(?i:the)\s+)?(?P<rank>(?i:first|second|third|fourth|last|final))\s+(?:(?P<weeks>(?i:two|three))\s+)?"
    r"(?P<part>half|quarter|weeks?)\s+of\s+"
)


def part_named(match: re.Match[str]) -> tuple[int, str, int]:
    """(rank, half / quarter / week(s), weeks) a match of PART_OF_A_PERIOD names: "the last two weeks of"
    is (-1, "weeks", 2), "the first half of" (1, "half", 1)."""
    weeks = count_value(match["weeks"]) if match["weeks"] else 1
    return PART_RANKS[match["rank"].lower()], match["part"].lower(), weeks or 1


def year_part(nth: int, part: str, count: int = 1) -> tuple[int, int] | None:
    """(first month, last month) of the `nth` half or quarter of a year (-1: the last); None for a rank past
    its end ("the third half"), several of them or another part (weeks)."""
    size = {"half": 6, "quarter": 3}.get(part)
    if size is None or count != 1:
        return None
    index = 12 // size - 1 if nth == -1 else nth - 1
    return (index * size + 1, index * size + size) if 0 <= index < 12 // size else None


def month_part(first: date, last: date, nth: int, part: str, count: int = 1) -> tuple[date, date] | None:
    """(first day, last day) of a part of the month from `first` to `last`: its first half (the 1st to the
    15th) or second or last (the 16th to its end), or `count` weeks, the `nth` seven days from its start or the
    last ones back from its end; None for a part it has not ("the third half", a quarter, weeks past its end)."""
    if part == "quarter" or (part == "half" and (count != 1 or nth not in (1, 2, -1))):
        return None
    if part == "half":
        return (first, first + timedelta(days=14)) if nth == 1 else (first + timedelta(days=15), last)
    days = 7 * count
    start = last - timedelta(days=days - 1) if nth == -1 else first + timedelta(days=7 * (nth - 1))
    end = start + timedelta(days=days - 1)
    return None if end > last else (start, end)


def share_of(unit: str, year: int, month: int, nth: int, part: str, count: int = 1) -> tuple[date, date] | None:
    """(first day, last day) of a part of that year (`unit` "year": `year_part`, whole months) or of that
    month (`month_part`); None for a part it has not, or a year outside 1 to 9999."""
    if not 1 <= year <= 9999:
        return None
    if unit == "year":
        months = year_part(nth, part, count)
        if months is None:
            return None
        return date(year, months[0], 1), date(year, months[1], calendar.monthrange(year, months[1])[1])
    return month_part(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), nth, part, count)


def share_period(first: date, last: date, unit: str) -> tuple[str, str, str]:
    """(first, last, granularity) of a part (`share_of`) as a timeline stores it: months of a year ("2024-01"
    to "2024-06"), days of a month."""
    if unit == "year":
        return f"{first:%Y-%m}", f"{last:%Y-%m}", "month"
    return first.isoformat(), last.isoformat(), "day"


def month_group(name: str) -> str:
    """A regex group named `name` for a month as news writes it: "March", "Mar.", "Sept."."""
    return (
        rf"(?P<{name}>January|February|March|April|May|June|July|August|September|October|November|December|"
        r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
        r"(?:(?<=Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.|(?<=Sept)\.)?"  # an abbreviation's dot, not a full stop
    )
