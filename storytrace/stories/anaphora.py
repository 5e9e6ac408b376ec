"""Dates counted from another date of the text: "the next day", "two weeks later", "that year".

A report tells a sequence: "On March 2, 2015, the Times revealed the account, and the following day the
committee requested documents"; "Reagan tried it in 1976, when he trailed Ford going into that year's
convention". These expressions name a day only through the date the text gave last (its reference
time, as TimeML calls it), not through the publication day. Reading "the next day" against the
publication day would date the committee's request to the day after the article appeared.

The anchor is the nearest date before the expression, in its sentence or the one before it
(ANCHOR_SENTENCES, at most ANCHOR_CHARS back), and it must be at least as fine as the unit counted: "the
next day" after "in 2019" says no day, and a coarser date further back is another part of the story. The
anchored date is

    that day / week / month / year    the anchor's own day, week, month or year (never today's:
                                      "that" points away from the present)
    earlier | later in the <unit>,    the anchor's own day, week, month or year, today's too
    the same <unit>,
    the end | rest of the <unit>
    <month> of that year              that month of the anchor's year
    the first half | third quarter |  that part of the anchor's year (months) or month (days), a range
    last week of the year | month
    the next | following <unit>       the anchor's end + 1 unit
    the previous | preceding <unit>   the anchor's start - 1 unit
    N <unit>s later | after           the anchor's end + N units
    N <unit>s earlier | before        the anchor's start - N units

where a morning, an afternoon, an evening or a night is a day, and a week is stored as its Monday (as
"last week" is). "The day after the election", "a day before supporters assaulted a protester" and "the
same day (that) he won the caucus" count from an event the text does not date, so a before, an after or a
"the same" followed by anything but punctuation or a preposition (for "the same", not "as", "of", "when"
or "that") stays unresolved, and so does any expression without an anchor: both are kept as text,
never guessed; so is one counted to a date after publication in a clause told of the past (the anchor is
another event's: "polls open Feb. 9 ... debated earlier in the evening"; `timeline._past_told_future`).
"In the next year" and "over the following week" are periods from the publication day, not anaphors: the
timeline reads "over the next week" as the seven days from publication on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from storytrace.stories.calendar_names import (
    DAY_WORDS,
    MONTHS,
    PART_OF_A_PERIOD,
    PERIOD_PARTS,
    count_value,
    count_words,
    in_weeks,
    month_group,
    part_named,
    share_of,
    share_period,
)
from storytrace.text import is_abbreviation

ANCHOR_SENTENCES = 2  # the expression's own sentence and the one before it
ANCHOR_CHARS = 400
DAY_PARTS = frozenset({"day", "morning", "afternoon", "evening", "night"})
# How fine each granularity is: an anchor must be as fine as the unit counted from it.
FINENESS = {"day": 0, "week": 1, "month": 2, "year": 3}
_UNIT = r"(?P<unit>day|morning|afternoon|evening|night|week|month|year)"
# "in the next year", "over the following week": a period from the publication day, not an anaphor.
PERIOD_PREPOSITIONS = ("in", "over", "for", "within", "during", "throughout")
_NOT_A_PERIOD = "".join(rf"(?<!\b{word}\s)" for word in PERIOD_PREPOSITIONS)
_RELS = ("later", "earlier", "before", "after")
WINDOW = 40  # longer than any match reaches beyond its keyword on either side
# Each form: its pattern, and a plain pattern of the words every match holds (single-spaced, lower case),
# found fast in the lower-cased text. The full pattern (lookbehinds, case, counts, what follows) is tried only
# around those words (WINDOW characters either side), not at every position: most texts hold none.
_FORMS = [
    (re.compile(pattern, re.IGNORECASE), re.compile(keywords))
    for pattern, keywords in (
        (
            rf"{_NOT_A_PERIOD}\bthe\s+(?P<rel>next|following|previous|preceding|prior)\s+{_UNIT}\b(?![-\u2010])",
            r"the (?:next|following|previous|preceding|prior) ",
        ),
        (
            rf"\bthe\s+(?P<unit>day|night|week|month|year)\s+(?P<rel>{'|'.join(_RELS)})\b",
            rf"the (?:day|night|week|month|year) (?:{'|'.join(_RELS)})",
        ),
        (
            rf"(?<![\d,.-])\b(?P<count>{count_words()}|\d{{1,2}})\s+"
            rf"(?P<unit>day|week|fortnight|month|year)s?\s+(?P<rel>{'|'.join(_RELS)})\b",
            rf"(?:day|week|fortnight|month|year)s? (?:{'|'.join(_RELS)})",
        ),
        (
            rf"\b(?:(?:later|earlier)\s+)?(?P<that>that)\s+(?:same\s+)?{_UNIT}\b(?![-\u2010])",
            rf"that (?:same|{'|'.join(sorted(DAY_PARTS))}|week|month|year)",
        ),
        # "earlier in the day", "later in the week", "the same night": the anchor's own day or week, as "that
        # day" is, but said as readily of the present ("today ... earlier in the day"). "The same month last
        # year" is a year before it, not read.
        (
            rf"\b(?:(?:later|earlier)\s+in\s+the|(?P<same>the\s+same))\s+{_UNIT}\b(?![-\u2010])"
            r"(?!\s+(?:last|(?:a|one)\s+year)\b)",
            rf"the (?:same )?(?:{'|'.join(sorted(DAY_PARTS))}|week|month|year)",
        ),
        # "the end of the month", "the rest of the week": a part of the anchor's month or week ("adding the data
        # in January 2016 and expect to be done by the end of the month"); with no date in reach, or an anchor
        # more than one year (month, week) from the publication's ("the act, passed in 1996, expires at the
        # end of the year"), the publication's (timeline `part_of_period`). "The end of this month" says which.
        (
            rf"\b(?:the\s+)?(?P<part>{PERIOD_PARTS})\s+of\s+the\s+(?P<unit>week|month|year)\b",
            r" of the (?:week|month|year)",
        ),
        # "in 2024, with 20 billion provided in the first half of the year": that part of the anchor's year or
        # month, a range, with no date in reach the publication's (timeline `period_part`).
        (rf"{PART_OF_A_PERIOD}the\s+(?P<unit>month|year)\b", r"(?:half|quarter|weeks?) of the (?:month|year)"),
        # "in October of that year": the month of the anchor's year (the month alone would be read as the
        # latest October before publication).
        (
            rf"\b(?:(?:in|early|late|mid|by|until|since)[\s-]+)?{month_group('month')}"
            r"\s+of\s+(?P<that>that)\s+(?P<unit>year)\b",
            r" of that year",
        ),
    )
]
# After "before" or "after", these let the expression end: "endorsed the day before by Fiorina". Anything
# else begins the event it is counted from ("the day after the election").
_ENDS_HERE = re.compile(
    r"\s*(?:$|[.,;:!?)\]\"'\u201d\u2019\u2014\u2013]|(?:by|in|at|on|with|from|to|for|amid|and|but|or|when|while|as)\b)",
    re.IGNORECASE,
)
# "The same day as the rally", "the same night that he won": "the same" names its event after these too.
_SAME_AS = re.compile(r"\s*(?:as|of|when|that)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]['\"\u201d\u2019)]*\s+|\n\s*")  # a paragraph break is one end
_FORWARD = frozenset({"next", "following", "later", "after"})
# The present, which "that day" or "that year" points away from: "Trump's support today is below McCain's
# support that year" means another year than today's. The publication day's own words, and this week,
# month or year.
_PRESENT = frozenset(
    {word for word, offset in DAY_WORDS.items() if offset == 0} | {"this week", "this month", "this year"}
)


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A date expression counted from an earlier date: `step` units (signed) from it, 0 for "that <unit>"."""

    start: int
    end: int
    text: str
    unit: str  # day, week, month or year
    step: int
    counted_from_event: bool  # "the day after the election": no date of the text is its anchor
    distal: bool = False  # "that day": a date away from the present, never "today" or "this week"
    month: int | None = None  # "October of that year": this month of the anchor's year
    # "the end of the year": said of the present as readily as of the anchor's time, so counted from an anchor
    # only when the anchor is near the present (`timeline._far_from_now`)
    deictic: bool = False
    share: tuple[int, str, int] | None = None  # "the first half of the year": (rank, half/quarter/week(s), weeks)


def anaphors(text: str, lowered: str | None = None) -> Iterator[Anaphor]:
    """Every anaphoric date expression of `text`, in no particular order (spans may overlap). `lowered` is
    `text.lower()` when the caller has it already."""
    lowered = text.lower() if lowered is None else lowered
    # Lower-casing keeps offsets for all but a few characters ("İ" becomes two): such a text is scanned whole.
    same_offsets = len(lowered) == len(text)
    for pattern, keys in _FORMS:
        for match in _around(text, lowered, pattern, keys) if same_offsets else pattern.finditer(text):
            unit = match["unit"].lower()
            groups = match.groupdict()
            rel = (groups.get("rel") or "").lower()
            count = groups.get("count")
            size = (count_value(count) or 0) if count else (1 if rel else 0)
            step = size if rel in _FORWARD else -size
            same = bool(groups.get("same"))
            event = (rel in ("before", "after") or same) and _names_event(text, match.end(), same)
            month = MONTHS[groups["month"].lower().rstrip(".")] if groups.get("month") else None
            share = part_named(match) if groups.get("rank") else None
            unit = "day" if unit in DAY_PARTS else unit
            unit, step = in_weeks(unit, step)
            yield Anaphor(
                match.start(),
                match.end(),
                match.group(),
                unit,
                step,
                event,
                bool(groups.get("that")),
                month,
                bool(groups.get("part")),
                share,
            )


def _names_event(text: str, end: int, same: bool) -> bool:
    """Whether the words after a "before", an "after" or (`same`) a "the same" ending at `end` name the
    event it is counted from ("the day after the election", "the same day as the rally")."""
    return not _ENDS_HERE.match(text, end) or (same and _SAME_AS.match(text, end) is not None)


def _around(text: str, lowered: str, pattern: re.Pattern[str], keys: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of `pattern` that hold a match of `keys` in `lowered` (the text lower-cased), each once."""
    seen: set[int] = set()
    for key in keys.finditer(lowered):
        at = key.start()
        for match in pattern.finditer(text, max(0, at - WINDOW), key.end() + WINDOW):
            if match.start() <= at < match.end() and match.start() not in seen:
                seen.add(match.start())
                yield match


def reaches(text: str, anchor_end: int, start: int) -> bool:
    """Whether a date ending at `anchor_end` is close enough to anchor an expression at `start`: within
    ANCHOR_CHARS, in the same sentence or the one before (the dot of "Sen." ends none)."""
    if start - anchor_end > ANCHOR_CHARS:
        return False
    ends = sum(1 for m in _SENTENCE_END.finditer(text, anchor_end, start) if not is_abbreviation(text, m.start()))
    return ends < ANCHOR_SENTENCES


def anchored(
    anaphor: Anaphor, anchor_text: str, when: str, until: str | None, granularity: str
) -> tuple[str, str | None, str] | None:
    """(when, until, granularity) of the anaphor counted from an anchor period (its text, and `when`, `until`,
    `granularity` as a DateMention holds them; `until` is set for a part of it, "the first half of the year");
    None when the anchor is coarser than the unit counted, is the present and the anaphor points away from it
    ("that year" after "today"), or the unit has no such part."""
    if FINENESS[granularity] > FINENESS[anaphor.unit]:
        return None
    if anaphor.distal and " ".join(anchor_text.lower().split()) in _PRESENT:
        return None
    base = until if anaphor.step > 0 and until else when
    year, month, day = _parts(base)
    if anaphor.share:
        found = share_of(anaphor.unit, year, month, *anaphor.share)
        return share_period(*found, anaphor.unit) if found else None
    if anaphor.month:
        return f"{year:04d}-{anaphor.month:02d}", None, "month"
    if anaphor.unit == "year":
        return f"{year + anaphor.step:04d}", None, "year"
    if anaphor.unit == "month":
        index = year * 12 + month - 1 + anaphor.step
        return f"{index // 12:04d}-{index % 12 + 1:02d}", None, "month"
    first = date(year, month, day)
    if anaphor.unit == "week":
        monday = first - timedelta(days=first.weekday()) + timedelta(weeks=anaphor.step)
        return monday.isoformat(), None, "week"
    return (first + timedelta(days=anaphor.step)).isoformat(), None, "day"


def _parts(period: str) -> tuple[int, int, int]:
    """(year, month, day) of "2024", "2024-03" or "2024-03-05", missing parts as 1."""
    pieces = [int(p) for p in period.split("-")]
    return pieces[0], (pieces[1] if len(pieces) > 1 else 1), (pieces[2] if len(pieces) > 2 else 1)
