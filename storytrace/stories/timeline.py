"""Dates stated in article text, resolved against the article's publication date when it is known.

Resolution rules (news is mostly written in the past tense about the days just before publication):
- "Thursday" / "on Thursday": the latest such weekday on or before the publication day (a Friday
  article's "Thursday" is the day before; a Thursday article's "Thursday" is that day), but the coming
  one when it is at most WEEKDAY_AHEAD days ahead and its clause has no tense and tells nothing of the
  past (`tense.told_in_past`); "next Thursday" is the first one after it, "last Thursday" the latest
  strictly before it.
- "November 5" / "5 November" without a year: the candidate year (publication year -1, 0, +1) whose
  date is nearest to the publication day. With a year, as stated.
- "in April" / "April" without a day or year: the April nearest the publication month (month
  granularity; the earlier of two six months away), or the latest on or before it when its clause tells
  of the past anywhere (`tense.told_in_past`: "posted a comment on Twitter in August", "since December");
  "next April" the first after it, "last April" the latest before it, "this April" the publication
  year's; "the end of April", "at the beginning of April" are April, placed so (25 in PolNeAR, all
  right); "the end of the year", "the rest of this month" the publication's year or month (week), kept as
  text when told of the past ("By the end of the year, he had climbed"), but "the end of the year" after
  a date in reach, within a year of publication, is that date's year (`anaphora`: "in May 2015 ... By the
  end of the year"). "April
  2024": as stated. Read as the latest whatever the clause said, "the convention in July" in an April
  article was last July: 33 of the 34 PolNeAR months the clause moves are now right
  (bench/results/timeline_tense.md); the one wrong is a past told without a verb ("after the Charleston
  church massacre in June", in February).
- The tense of the clause (`tense.date_tense`) moves a date without a stated year to the side of the
  publication day it speaks of: "Ryan will meet Trump on Thursday" is the coming Thursday, "will vote in
  March" the coming March; "was held on Dec. 4" and "since January 1" the ones before.
- Named days: a feast fixed by a calendar rule ("Good Friday", "Black Friday", "Labor Day", "Christmas Eve",
  `calendar_names.HOLIDAYS`) is that day in the year nearest publication, on the side its tense gives; an
  event's name ("Super Tuesday", "the Sept. 11 attacks") is kept as text, unresolved.
- "in 2008", "since 1888", "the 2012 election", "her 2003 book": year granularity; so is the second of two
  years ("in 2010 and 2012"). A bare year is otherwise a count ("rose to 2015 units").
  "today", "yesterday", "tomorrow", "the day before yesterday": day (a title, "The Day After Tomorrow",
  is kept as text); "last/this/next week": week
  (stored as the Monday of that week), "last/this/next month": month, "last/this/next year": year; a
  title in capitals outside a headline ("ABC's This Week", "CBS This Morning") is kept as text;
  "the past week", "over the past two years", "the last 30 days": the time up to the publication day, a
  range (`_span`; "the past year" had been read as the last calendar year, "the past week" as the
  calendar week before), but not "the last two weeks of the campaign" nor a vague "the past few days";
  "the next two months", "over the coming four years", "the coming week", "over the next week" (after a
  preposition of time; "next week" alone is the calendar week after): the time from the publication day
  on, a range, kept as text when its clause tells of the past and nothing in its sentence looks ahead
  (`tense.looks_ahead`: "he spent the next two years in prison" counts from another time, which the text
  may not give; "that would double the deficit projected over the next decade" does not);
  "three days / two weeks / six months / four years / a decade ago" counted back in that unit (a fortnight is
  two weeks), "six weeks / a year from now" forward ("a few weeks ago", "several years ago" are kept as
  text); a count given as a range, "six to eight weeks ago", "40 or 50 years ago", is the range it spans,
  and two joined by "and", "20 and 50 years ago", two times; "tonight", "this morning": that day, "last
  night" the day before; "early / mid / late 2015": year.
- "the 1990s" is the range 1990 to 1999, and so is "the '90s" (the '30s to the '90s: "the '20s", the 1920s or
  the 2020s, is kept as text); "fiscal 2015", "FY2016" and "the 2017 fiscal year" are kept as text (whose fiscal
  year decides its months);
  "the 1800s" and "the 19th century" are 1800 to 1899 ("21st Century Fox" is a name); "last / this / next
  weekend" and "over (or at) the weekend" the range
  Saturday to Sunday: the latest weekend started on or before publication (the coming one when the
  clause speaks of the future), "last" the one before that when published on a weekend, "next" the first
  after the publication day. Seasons are three calendar months (`_season`): "this summer", "last fall",
  "the summer of 2012".
- "the first half of 2015", "the third quarter of 2016": its months; "the last week of October", "the first
  two weeks of May", "the second half of July": its days (`_part_of`). "The first half of the year", "the
  last week of this month": of a date just before it (`anaphora`), else of the publication's year or month,
  last year's when told of the past and not yet begun (`_part_nearest`). "Q3 2016" is the third quarter of
  2016; "Q4", "the fourth quarter", "third-quarter profit", "last quarter" are placed against publication
  where their sentence is about money or they are written "Q1" to "Q4" (`quarters.py`: "Q4 earnings" in a
  March article are the last quarter of the year before), not read in a game report, and kept as text
  otherwise or where the sentence says "fiscal".
- "Monday 4 November" is one date, as "Friday, December 4, 2015" is; "25/11/2023", "11/25/2023" and
  "5.11.2024" (dotted: day first) are days, "5/11/2024" (May 11 or 5 November) is kept as text.
- Ranges are one mention with `until`, the last day (or year) of the period: "March 19-26", "5-8 April",
  "June 10 to July 10", "between 10 and 12 November", "from 2007 to 2010", "2010-2013", and a season
  or fiscal year, "2014-15" (its end only the next year). Without a year,
  a range takes the candidate year that brings the whole period nearest the publication day; its end
  falls in the next year when it would come before the start ("December 30 to January 2"); a year stated
  once belongs to the end it follows ("March 30 to April 2, 2024"). An end that cannot follow its start
  ("March 5-3", "2012-2010") makes no range: the parts are read alone. "and" makes a range only after
  "between" ("on March 3 and 5" is two days).
- A date counted from another date of the text ("the following day", "two years later", "that year", "in
  October of that year") is counted from the nearest date before it in its sentence or the one before
  (`anaphora.py`); one counted from an undated event ("the day after the election") is kept as text.
- A date that recurs ("every Friday", "each November", "every year on July 4", "by the start of November each
  year") names no one day: kept as text (`recurring`), as TimeML writes such times as a SET, not a date.
Without a publication date only self-contained dates (with a year), and those counted from them, resolve;
the others are kept with `when=None` and their text, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

from storytrace.stories.anaphora import PERIOD_PREPOSITIONS, Anaphor, anaphors, anchored, reaches
from storytrace.stories.calendar_names import (
    BARE_HOLIDAYS,
    DAY_WORDS,
    HOLIDAYS,
    MONTHS,
    NAMED_DAYS,
    PART_OF_A_PERIOD,
    PERIOD_PARTS,
    WEEKDAYS,
    count_value,
    count_words,
    in_weeks,
    month_group,
    part_named,
    share_of,
    share_period,
)
from storytrace.stories.quarters import quarter_pattern, quarter_period
from storytrace.stories.tense import Tense, date_tense, looks_ahead, sentence_around, told_in_past
from storytrace.text import in_title_case

# A weekday and a part of the day, both capitalised, open a programme's name ("Saturday Night Live", "Monday
# Night Baseball", "Sunday Morning Futures"); in running text the part of the day is in lower case.
_TITLE_PART_OF_DAY = re.compile(r" (?:Night|Morning|Evening|Afternoon)\b")
_NEXT_WORD = re.compile(r"\s+\S+")
_NAMED_FIRST = "|".join(sorted({name.split()[0].title() for name in NAMED_DAYS}))
# "The Sept. 11 attacks" name an event, 2001's or Benghazi's in 2012, not the September 11 nearest publication:
# kept as text, as "Super Tuesday" is (8 PolNeAR mentions had been read as 2015 or 2016).
_ATTACKS = re.compile(r"\s+(?:terror(?:ist)?\s+)?attacks?\b", re.IGNORECASE)
# A weekday named with no tense and nothing past in its clause, one or two days ahead, is the coming one
# ("Tuesday's New Hampshire primary" on a Sunday). Three days ahead is a coin toss on PolNeAR ("Monday's
# debate" on a Friday is as often the one before): 9 right, 8 wrong, so the latest stays.
WEEKDAY_AHEAD = 2
# Seasons as the three calendar months each begins with (northern, meteorological).
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_SEASON_NAMES = "|".join(SEASONS)


_MONTH = month_group("month")
_MONTH2 = month_group("month2")
_DAY = r"(?:[1-9]|[12]\d|3[01])"
_WEEKDAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Years 1000 to 2199: news writes a count of a thousand or more with a comma ("1,500 homes") and a year
# without, so "since 1888" and "by 2100" are years; only "poll of 2047 registered voters" in PolNeAR is not.
_YEAR = r"(?:1\d|2[01])\d\d"
# Between the two ends of a range: a dash, "to", "until", "through", or "and" after "between" (the
# conditional refers to the optional `between` group that opens each range pattern).
_RANGE_SEP = r"(?:\s*[-\u2013\u2014]\s*|\s+(?:to|until|till|through)\s+|(?(between)\s+and\s+|(?!)))"
_BETWEEN = r"(?P<between>\b(?i:between)\s+)?"
# "the end of June", "at the beginning of March": a part of a month, read as the whole month (the text keeps the
# nuance, as "early 1990s" does) and placed as a month alone is. "The end of the year" is `part_of_period`.
_PART_OF = r"(?:end|beginning|start|middle)\s+of"
_SPAN_COUNTS = count_words(articles=False)


def _after(words: Sequence[str], between: str = r"\s") -> str:
    """A regex that holds only after one of `words` (any case) and `between`: Python's lookbehind is of
    fixed width, so one per word."""
    return "(?:" + "|".join(rf"(?<=\b(?i:{word}){between})" for word in words) + ")"


# "over the ", "in the ", ...: what makes "the next week" and "the last year" periods from or to publication.
_AFTER_PERIOD_WORD = _after(PERIOD_PREPOSITIONS, r"\sthe\s")
# The counts of "three days ago" and "six weeks from now"; a vague one ("a few", "several") is matched and kept
# as text.
_COUNT = rf"{count_words()}|\d{{1,3}}"
_AGO_COUNTS = rf"{_COUNT}|a\s+few|several|a\s+couple\s+of"
# The units a time is counted in; a fortnight (British) is two weeks (`in_weeks`).
_UNITS = "day|week|fortnight|month|year|decade"
# The unit counted and the direction: "years ago" back from publication, "weeks from now" forward.
_UNIT_AGO_OR_FROM_NOW = rf"(?P<unit>{_UNITS})s?\s+(?P<ago>ago\b)?(?(ago)|from\s+(?:now|today)\b)"
_AFTER_DETERMINER = _after("the his her their its a this that our my your whose year".split())
# Holidays by name, longest first ("Christmas Day" before "Christmas"); "Christmas" alone only after a preposition.
_HOLIDAY_NAMES = "|".join(
    re.escape(name).replace("'", "['\u2019]").replace(r"\ ", r"\s+")
    for name in sorted((n for n in HOLIDAYS if n not in BARE_HOLIDAYS), key=len, reverse=True)
)
_AFTER_TIME_PREPOSITION = _after("on at by before after until till since over around through during for from".split())
_NOT_DATED = r"(?i:people|block|meters?|metres?|yards?|feet|foot|miles?|pounds?|kilos?|kilometers?|kilometres?|m|km)"
_AFTER_DECADE_WORD = _after(("the", "mid", "early", "late", "and", "or", "to", "through"), r"[\s-]")  # "the late '90s"
# A century's ordinal as a word ("the nineteenth", tenth to twenty-first, as the pattern reads them; the first
# to ninth are written in digits, "7th-century").
_ORDINAL_WORDS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
    "twenty first": 21,
}
_CENTURY_ORDINALS = r"(?:[1-9]|1\d|2[01])(?:st|nd|rd|th)|" + "|".join(
    word.replace(" ", r"\s") for word in _ORDINAL_WORDS
)
_NOT_A_TIME = r"(?!\s*(?:[ap]\.?m\b|:|%|\d))"  # "March 3 to 5 pm" ends at an hour, not a day
_RANGE_KINDS = frozenset(
    {
        "century",
        "period_part",
        "quarter",
        "month_day_range",
        "day_month_range",
        "year_range",
        "year_span",
        "fiscal_year",
        "decade",
        "weekend",
        "weekday_range",
        "relative_season",
        "year_season",
        "past_span",
        "coming_span",
        "count_range",
    }
)
# Kinds whose resolution may depend on whether the text places them before or after publication.
_TENSED = frozenset(
    "month_day_range day_month_range month_day day_month holiday in_month weekday weekday_range weekend "
    "relative_season coming_span part_of_period period_part quarter".split()
)
# Kinds counted from the publication day that a clause told of the past counts from another time, which the text
# may not give ("he spent the next two years in prison", "by the end of the year he had climbed to 35 percent"):
# kept as text then, unless the sentence looks ahead (`tense.looks_ahead`).
_TOLD_FROM_NOW = ("coming_span", "part_of_period")
# Each kind's pattern and the characters its matches can begin with. The pattern is led by that set, so the
# regex engine seeks those characters through the text, where a pattern led by an optional group
# ("between") or a word boundary is tried at every position: on PolNeAR, month_day_range 0.39 s -> 0.10 s for
# 923 articles. (kind, first characters, pattern, flags), longest forms first: a match wins over later
# kinds that overlap it.
_SOURCES: list[tuple[str, str, str, int]] = [
    (
        "month_day_range",
        "JFMASONDBb",
        rf"{_BETWEEN}\b{_MONTH}\s+(?P<day>{_DAY}){_ORDINAL}\b(?:,?\s+(?P<year>{_YEAR})\b)?{_RANGE_SEP}"
        rf"(?:{_MONTH2}\s+)?(?P<day2>{_DAY}){_ORDINAL}\b(?:,?\s+(?P<year2>{_YEAR})\b)?{_NOT_A_TIME}",
        0,
    ),
    (
        "day_month_range",
        "0-9Bb",
        rf"{_BETWEEN}\b(?P<day>{_DAY}){_ORDINAL}(?:\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>{_YEAR}))?)?{_RANGE_SEP}"
        rf"(?P<day2>{_DAY}){_ORDINAL}\s+(?:of\s+)?{_MONTH2}(?:,?\s+(?P<year2>{_YEAR})\b)?",
        0,
    ),
    (
        "year_range",
        "FfBb",
        rf"\b(?i:from|between)\s+(?P<year>{_YEAR})\s+(?:to|until|till|through|and)\s+(?P<year2>{_YEAR})\b(?![-/])",
        0,
    ),
    # "Thursday through Monday" (a poll's field days) is one range, not two weekdays read apart.
    (
        "weekday_range",
        "MTWFSfF",
        rf"(?:\b(?i:from)\s+)?\b(?P<weekday>{_WEEKDAYS})(?:\s*[-\u2013]\s*|\s+(?:to|through|until|till)\s+)"
        rf"(?P<weekday2>{_WEEKDAYS})\b",
        0,
    ),
    ("year_span", "12", rf"\b(?P<year>{_YEAR})\s*[-\u2013]\s*(?P<year2>{_YEAR})\b(?![-/])", 0),
    # A sports season or fiscal year written with the next year's last two digits: "2014-15", "2014/15".
    ("fiscal_year", "12", rf"\b(?P<year>{_YEAR})\s*[-\u2013/]\s*(?P<yy>\d\d)\b(?![-/]|\s*%)", 0),
    ("iso", "12", rf"\b(?P<year>{_YEAR})-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b", 0),
    # A weekday before the date is part of it ("Friday, December 4, 2015", a correction's dateline), not a
    # weekday of its own to resolve.
    (
        "month_day",
        "JFMASONDTW",
        rf"\b(?:{_WEEKDAYS},?\s+)?{_MONTH}\s+(?P<day>{_DAY}){_ORDINAL}\b(?:,?\s+(?P<year>{_YEAR})\b)?",
        0,
    ),
    (
        "day_month",
        "0-9MTWFS",
        rf"\b(?:{_WEEKDAYS},?\s+(?:the\s+)?)?(?P<day>{_DAY}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>{_YEAR})\b)?",
        0,
    ),
    # "25/11/2024", "11/25/2024", "5.11.2024": the day is the number over 12; dotted dates are written day first.
    # "5/11/2024" (May 11 in the US, 5 November elsewhere) is kept as text.
    (
        "numeric_date",
        "0-9",
        rf"\b(?P<first>\d{{1,2}})(?P<sep>[/.])(?P<second>\d{{1,2}})(?P=sep)(?P<year>{_YEAR})\b(?![./]?\d)",
        0,
    ),
    (
        "holiday",
        "".join(sorted({name[0] for name in HOLIDAYS})),
        rf"\b(?P<holiday>{_HOLIDAY_NAMES}|{_AFTER_TIME_PREPOSITION}(?:{'|'.join(BARE_HOLIDAYS)})(?!\s+(?:Day|Eve)\b))\b"
        rf"(?:,?\s+(?P<year>{_YEAR})\b)?",
        0,
    ),
    # "the first half of 2015", "the third quarter of 2016", "the last week of October", "the first two weeks of
    # May": a part of a stated year or month, as a range; "the first half of the year", "the last week of this
    # month": of the publication's year or month, or the one before or after it as the word or the tense says.
    (
        "period_part",
        "tTfFsSlL",
        rf"{PART_OF_A_PERIOD}(?:(?P<rel>(?i:the|this|last|next))\s+(?P<unit>(?i:year|month))\b"
        rf"|(?:{_MONTH}\b)?(?:(?(month),?\s+|)(?P<year>{_YEAR})\b)?)",
        0,
    ),
    # "Q3 2016", "the fourth quarter", "third-quarter profit", "last quarter" (quarters.py).
    ("quarter", "QtTfFsS1234lLnNpPcCmM", quarter_pattern(_YEAR), 0),
    # A fiscal year by its number ("fiscal 2015", "FY2016", "the 2017 fiscal year") is kept as text: whose year it
    # is decides its months (the US government's 2015 began in October 2014), and read as a year the number was
    # the calendar's.
    (
        "fiscal_label",
        "fFtT",
        rf"\b(?:(?i:fiscal)(?:[\s-]+(?i:year))?\s+{_YEAR}\b|FY\s?['\u2019]?(?:{_YEAR}|\d\d)\b"
        rf"|(?i:the)\s+{_YEAR}\s+(?i:fiscal)\s+(?i:year)\b)",
        0,
    ),
    ("month_year", "JFMASOND", rf"\b{_MONTH}\s+(?:of\s+)?(?P<year>{_YEAR})\b", 0),
    # The words before a month, weekday or year may open a sentence ("In 2019, ..."): matched in any case.
    (
        "in_month",
        "iIsSuUbBeElLmMtTnN",
        rf"\b(?P<prep>(?i:in|since|until|by|early|late|mid|last|this|next|{_PART_OF})|(?i:the)\s+(?i:{_PART_OF}))"
        rf"[\s-]+{_MONTH}\b(?!\s+\d)",
        0,
    ),
    (
        "weekday",
        "lLnNtTMWFSBCGAEPH",
        rf"\b(?:(?P<rel>(?i:last|next|this))\s+|(?P<named>{_NAMED_FIRST})\s+)?"
        rf"(?P<weekday>{_WEEKDAYS})\b",
        0,
    ),
    # A count given as a range ("six to eight weeks ago", "two or three months from now") spans it; read
    # alone, its second count was taken as the time ("eight weeks ago").
    (
        "count_range",
        "aAoOtTfFsSeEnNbB0-9",
        rf"(?<![\d,.-])\b(?P<between>between\s+)?(?P<count>{_AGO_COUNTS})"
        rf"(?:\s+(?:or|to)\s+|\s*[-\u2013]\s*|(?(between)\s+and\s+|(?!)))(?P<count2>{_AGO_COUNTS})\s+"
        + _UNIT_AGO_OR_FROM_NOW,
        re.IGNORECASE,
    ),
    # The first of two counts joined by "and" ("incidents that happened 20 and 50 years ago"): its own time, in
    # the unit after the second, which "ago" reads.
    (
        "count_first",
        "aAoOtTfFsSeEnN0-9",
        rf"(?<![\d,.-])\b(?P<count>{_COUNT})(?=\s+and\s+(?:{_COUNT})\s+{_UNIT_AGO_OR_FROM_NOW})",
        re.IGNORECASE,
    ),
    # "six weeks from now", "a year from today": counted forward as "ago" counts back.
    (
        "from_now",
        "aAoOtTfFsSeEnN0-9",
        rf"(?<![\d,.-])\b(?P<count>{_AGO_COUNTS})\s+(?P<unit>{_UNITS})s?\s+from\s+(?:now|today)\b",
        re.IGNORECASE,
    ),
    (
        "ago",
        "aAoOtTfFsSeEnN0-9",
        rf"(?<![\d,.-])\b(?P<count>{_AGO_COUNTS})\s+(?P<unit>{_UNITS})s?\s+ago\b",
        re.IGNORECASE,
    ),
    # "The Tonight Show" is a programme, not a day.
    ("relative_day", "tTyYlL", rf"\b(?P<word>{'|'.join(DAY_WORDS)})\b(?! Show)".replace(" ", r"\s+"), re.IGNORECASE),
    # "at the weekend" is British for "over the weekend".
    ("weekend", "lLtTnNoOaA", r"\b(?P<rel>last|this\s+past|this|next|over\s+the|at\s+the)\s+weekend\b", re.IGNORECASE),
    # "this fall in prices" is no season.
    (
        "relative_season",
        "lLtTnNpP",
        rf"\b(?P<rel>last|this|next|past)\s+(?P<part>{_SEASON_NAMES})\b(?!\s+(?-i:in\s+[a-z]|of\b))",
        re.IGNORECASE,
    ),
    ("year_season", "sSfFaAwW", rf"\b(?P<part>{_SEASON_NAMES})\s+(?:of\s+)?(?P<year>{_YEAR})\b", re.IGNORECASE),
    # "the 1990s": a range of ten years ("the early 1990s" too: the text keeps the nuance, the date does not),
    # and "the ’60s", "the late '90s" (the 1930s to the 1990s; "the '20s" is a century apart in 2016 and 2026, and
    # "the '00s" and "the '10s" too: kept as text); "the 1800s" a century; not "1000s of protesters", which are
    # thousands, nor "in their 20s", an age.
    (
        "decade",
        "12'\u2019",
        rf"(?:\b(?P<year>(?:1[1-9]|2[01])\d0)|{_AFTER_DECADE_WORD}['\u2019](?P<yy>\d0))"
        r"['\u2019]?s\b",
        0,
    ),
    # "the 19th century", "the twenty-first century", "a 7th-century manuscript": its hundred years; not a name
    # ("21st Century Fox").
    (
        "century",
        "0-9tTnNeEsSfF",
        rf"\b(?P<nth>{_CENTURY_ORDINALS})[\s-]+century\b(?!(?-i:(?<=Century)\s+[A-Z]))",
        re.IGNORECASE,
    ),
    # "the past week", "over the past two years", "the last 30 days", "over the last week": the time up to
    # publication, not the calendar week or year before it ("last week", "last year"); "the last two weeks of
    # the campaign" is no such time, nor "the last year he ran" (the final one), and a vague count ("the past
    # few days") is not read.
    (
        "past_span",
        "pPlL",
        rf"\b(?:(?:past|(?:{_AFTER_PERIOD_WORD})last)\s+(?P<unit>{_UNITS})\b"
        rf"|(?:past|(?<=\bthe\s)last)\s+(?P<count>{_SPAN_COUNTS}|\d{{1,3}})\s+(?P<units>{_UNITS}|hour)s\b)"
        r"(?!\s+(?:of|before|after|and\s+a\s+half)\b)",
        re.IGNORECASE,
    ),
    # The mirror of the past span: "the next two months", "over the coming four years", "the coming week", and
    # after a preposition of time "over the next week" (the seven days from publication: "next week" alone is
    # the calendar week after it) and "the next decade". "The next week" alone is left to `anaphora` ("the
    # next week, he resigned").
    (
        "coming_span",
        "nNcC",
        r"(?<=\bthe\s)(?:(?:next|coming)\s+(?P<count>"
        + _SPAN_COUNTS
        + rf"|\d{{1,3}})\s+(?P<units>{_UNITS}|hour)s\b"
        + rf"|(?:coming|(?:{_AFTER_PERIOD_WORD})next|next(?=\s+decade))\s+(?P<unit>{_UNITS})\b)"
        r"(?!\s+(?:of|before|after|and\s+a\s+half)\b)",
        re.IGNORECASE,
    ),
    # "the end of the year", "the rest of this month": the publication's year, month or week (the text keeps the
    # part), unless told of the past ("By the end of the year, he had climbed to 35 percent", of an earlier year).
    (
        "part_of_period",
        "tTeEbBsSmMrR",
        rf"\b(?:the\s+)?(?:{PERIOD_PARTS})\s+of\s+(?P<rel>the|this)\s+"
        r"(?P<unit>week|month|year)\b",
        re.IGNORECASE,
    ),
    # "The last year" is no calendar year: the final one ("the last year he ran"), or, after a preposition of
    # time, the time up to publication (`past_span`).
    (
        "relative_period",
        "lLtTnN",
        r"\b(?P<rel>(?<!\bthe\s)last|this|next)\s+(?P<unit>week|month|year)\b",
        re.IGNORECASE,
    ),
    (
        "in_year",
        "iIsSuUbBdDfFoOeEmMlL",
        rf"\b(?i:in|since|until|by|during|from|of|between|early|mid|late)[\s-]+(?P<year>{_YEAR})\b(?![-/])",
        0,
    ),
    # A year that dates what follows it: "the 2012 election", "his 2011 book", "a 2015 study", "the year 2000"
    # (275 in PolNeAR, none a count: news writes "the 2,000 people"). Not an address ("the 1400 block of Main
    # Street") nor a distance ("the 1500 meters"), nor a form ("the 1040 form", before 1500).
    (
        "year_modifier",
        "12",
        rf"{_AFTER_DETERMINER}(?P<year>(?:1[5-9]|2[01])\d\d)\b(?![-/.,]?\d)(?=\s+(?!{_NOT_DATED}\b)[A-Za-z])",
        0,
    ),
    # The second of two years ("in 2010 and 2012"; a range, "from 2014 to 2021", is read whole above): a bare
    # year after "to" or "and" is otherwise too often a quantity ("rose to 2015 units") to be read as a date.
    ("year_range_end", "tTuUaA", rf"(?<={_YEAR}\s)(?:to|until|through|and)\s+(?P<year>{_YEAR})\b(?![-/])", 0),
]
_PATTERNS = [(kind, re.compile(f"(?=[{first}])" + source, flags)) for kind, first, source, flags in _SOURCES]
# Words without which a pattern cannot match: a substring test skips the pattern's scan, and the rare
# kinds (a fifth of the patterns, most articles have none of them) cost next to nothing where absent.
_AGO_OR_FROM_NOW_WORDS = (" ago", " from now", " from today")
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "ago": (" ago",),
    "count_range": _AGO_OR_FROM_NOW_WORDS,
    "count_first": _AGO_OR_FROM_NOW_WORDS,
    "from_now": (" from now", " from today"),
    "coming_span": ("next ", "coming "),
    "part_of_period": (" of the ", " of this "),
    "weekend": ("weekend",),
    "relative_season": tuple(SEASONS),
    "year_season": tuple(SEASONS),
    "decade": ("0s", "0's", "0\u2019s"),
    "century": ("century",),
    "period_part": ("half of", "quarter of", "week of", "weeks of"),
    "quarter": ("quarter", "q1", "q2", "q3", "q4"),
    "fiscal_label": ("fiscal", "fy"),
    # A holiday's name up to any apostrophe ("new year" in "New Year’s Eve"), lowered.
    "holiday": tuple(dict.fromkeys(name.lower().split("'")[0] for name in HOLIDAYS)),
    "past_span": ("past", "last"),
    "relative_day": tuple(dict.fromkeys(words.split()[-1] for words in DAY_WORDS)),  # "this morning": "morning"
}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text: offsets, text, and the resolved period (or None)."""

    start: int
    end: int
    text: str
    when: str | None
    granularity: str | None
    until: str | None = None  # the last day (or year) of a stated range, in the granularity of `when`


def period_start(when: str | None, granularity: str | None) -> str | None:
    """First day of a resolved period ("2019" -> "2019-01-01"), so mixed granularities sort together."""
    if when is None:
        return None
    return {"year": f"{when}-01-01", "month": f"{when}-01"}.get(granularity or "", when)


def _month_of(match: re.Match[str], group: str = "month") -> int:
    return MONTHS[match[group].lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date | None:
    """The last day of the month; None past the calendar's end."""
    following = _safe_date(*_add_months(year, month, 1), 1)
    return following - timedelta(days=1) if following else None


def _on_side(first: date, last: date, published: date, tense: Tense) -> bool:
    """Whether a period [first, last] lies where its tense puts it: reaching the publication day or later
    for the future, starting on it or before for the past; anywhere without a tense."""
    return (tense != "future" or last >= published) and (tense != "past" or first <= published)


def _nearest_yearly(day_in: Callable[[int], date | None], published: date, tense: Tense) -> date | None:
    """The day a yearly rule gives (`day_in(year)`: a month and day, a feast, a holiday) nearest the
    publication day, of the years around it, on the side of it the tense gives (the earlier one on a tie);
    None when none is on that side. A year the rule gives no day in (February 29) is skipped."""
    years = (published.year - 1, published.year, published.year + 1)
    options = [d for y in years if (d := day_in(y)) and _on_side(d, d, published, tense)]
    return min(options, key=lambda d: (abs((d - published).days), d > published)) if options else None


def _named_day(name: str, published: date, tense: Tense) -> date | None:
    """The day of a named feast (NAMED_DAYS) nearest the publication day, on the side of it the tense gives;
    None for a name no calendar rule fixes."""
    rule = NAMED_DAYS.get(name)
    if rule is None:
        return None
    anchor, offset = rule

    def day_in(year: int) -> date | None:
        base = easter(year) if anchor == "easter" else _holiday_in(HOLIDAYS["Thanksgiving"], year)
        return base + timedelta(days=offset) if base else None

    return _nearest_yearly(day_in, published, tense)


def _holiday_in(rule: tuple[int, ...], year: int) -> date | None:
    """A holiday's day in `year` by its HOLIDAYS rule: (month, day), or (month, weekday, n), the nth such
    weekday of the month (-1 the last); None past the calendar's ends."""
    if len(rule) == 2:
        return _safe_date(year, *rule)
    month, weekday, n = rule
    if n > 0:
        first = _safe_date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1)) if first else None
    last = _month_end(year, month)
    return last - timedelta(days=(last.weekday() - weekday) % 7) if last else None


def _shifted(published: date, unit: str, count: int, granularity: str) -> str:
    """The publication day moved by `count` (signed) of `unit`, written in `granularity` (a week as its
    Monday)."""
    if granularity == "week":
        return _on_or_before(published + timedelta(weeks=count), WEEKDAYS["monday"]).isoformat()
    if granularity == "day":
        return (published + timedelta(days=count * (7 if unit == "week" else 1))).isoformat()
    if granularity == "month":
        year, month = _add_months(published.year, published.month, count * (12 if unit == "year" else 1))
        return f"{year:04d}-{month:02d}"
    return f"{published.year + count * (10 if unit == 'decade' else 1):04d}"


# The granularity of a time counted in each unit: a point ("two weeks ago", stored as its week's Monday) or the
# ends of a counted range ("six to eight weeks ago"), and the ends of a span from or to the publication day,
# whose months are those of the publication day ("the past two years" starts two years before this month).
_POINT = {"day": "day", "week": "week", "month": "month", "year": "year", "decade": "year"}
_RANGE_ENDS = {**_POINT, "week": "day"}
_SPAN_ENDS = {**_RANGE_ENDS, "year": "month"}


def _counted(match: re.Match[str], published: date, sign: int) -> tuple[str | None, str | None]:
    """Counted back (sign -1: "three days ago") or forward (+1: "six weeks from now") from the publication
    day, in the unit counted (a week as its Monday); a vague count ("a few", "several") is kept as text."""
    number = count_value(match["count"])
    if not number:
        return None, None
    unit, number = in_weeks(match["unit"].lower(), number)
    return _calendar_period(unit, published, sign * number)


def _count_range(match: re.Match[str], published: date | None) -> tuple[str | None, str | None, str | None] | None:
    """(first, last, granularity) of a range of counts back from publication ("six to eight weeks ago": eight
    weeks back to six) or forward ("two or three months from now"); None, no range, when the counts do not
    rise ("50 or 40 years ago")."""
    low, high = count_value(match["count"]), count_value(match["count2"])
    if not low or not high or high <= low:
        return None
    if published is None:
        return None, None, None
    (unit, low), (_, high) = (in_weeks(match["unit"].lower(), count) for count in (low, high))
    ends = _RANGE_ENDS[unit]
    first, last = (-high, -low) if match["ago"] else (low, high)
    return _shifted(published, unit, first, ends), _shifted(published, unit, last, ends), ends


def _span(match: re.Match[str], published: date | None, sign: int) -> tuple[str | None, str | None, str | None]:
    """(first, last, granularity) of the time up to publication (sign -1: "the past week" the seven days up
    to the publication day, "the past three months" from the month three back to the publication month,
    "the past decade" the ten years up to the publication year, "the last 24 hours" the day before and the
    publication day) or from it on (+1: "the next two months", "over the next 24 hours")."""
    if published is None:
        return None, None, None
    number = count_value(match["count"]) if match["count"] else 1
    if not number:
        return None, None, None
    unit, number = in_weeks((match["unit"] or match["units"]).lower(), number)
    if unit == "hour":  # "the past 48 hours": the days they reach, at any hour of the publication day
        unit, number = "day", -(-number // 24)
    ends = _SPAN_ENDS[unit]
    first, last = sorted((0, sign * number))
    return _shifted(published, unit, first, ends), _shifted(published, unit, last, ends), ends


def _season(match: re.Match[str], published: date | None, tense: Tense) -> tuple[str | None, str | None, str | None]:
    """(first month, last month, "month") of a season, taken as three calendar months (SEASONS: the
    northern meteorological seasons news mostly means): "summer 2015" as stated, "this summer" the
    publication year's (for winter, the one nearest the publication month; the first not yet over, or the
    latest begun, when the clause speaks of the future or the past), "last summer" the latest one over
    before the publication month, "next summer" the first to begin after it. "Winter 2015" (which
    winter?) is kept as text."""
    first = SEASONS[match["part"].lower()]
    if year := match.groupdict().get("year"):
        if first == 12:
            return None, None, None
        return _months(int(year), first)
    if published is None:
        return None, None, None
    now = published.year * 12 + published.month - 1  # months since year 0, January = 0
    starts = [year * 12 + first - 1 for year in range(published.year - 2, published.year + 2)]
    rel = match["rel"].lower()
    if rel == "this" and tense == "future":
        start = next(s for s in starts if s + 2 >= now)
    elif rel == "this" and tense == "past":
        start = max(s for s in starts if s <= now)
    elif rel == "this" and first != 12:
        start = published.year * 12 + first - 1
    elif rel == "this":  # the winter nearest the publication month, the coming one on a tie
        start = min(starts, key=lambda s: (max(0, s - now, now - (s + 2)), -s))
    elif rel == "next":
        start = next(s for s in starts if s > now)
    else:
        start = max(s for s in starts if s + 2 < now)
    return _months(start // 12, start % 12 + 1)


def _months(year: int, month: int) -> tuple[str, str, str]:
    """A three-month span from (year, month)."""
    last_year, last_month = _add_months(year, month, 2)
    return f"{year:04d}-{month:02d}", f"{last_year:04d}-{last_month:02d}", "month"


def _weekend(rel: str, published: date | None, tense: Tense) -> tuple[str | None, str | None, str | None]:
    """(Saturday, Sunday, "day") of the weekend meant: "next weekend" the one after the publication day's
    week, "last weekend" the one before the latest, "this past weekend" the latest one started on or before
    publication, "this weekend" / "over the weekend" that one too, or the coming one when the clause speaks
    of the future."""
    if published is None:
        return None, None, None
    saturday = _on_or_before(published, WEEKDAYS["saturday"])
    in_weekend = published.weekday() >= 5
    if rel == "next" or (rel in ("this", "over the") and tense == "future" and not in_weekend):
        saturday += timedelta(weeks=1)
    elif rel == "last" and in_weekend:
        saturday -= timedelta(weeks=1)
    return saturday.isoformat(), (saturday + timedelta(days=1)).isoformat(), "day"


def _weekday_range(
    match: re.Match[str], published: date | None, tense: Tense
) -> tuple[str | None, str | None, str | None] | None:
    """(first day, last day, "day") of "Thursday through Monday": the latest such run ended on or before
    publication, or the first one started on or after it when the clause speaks of the future; None when
    both ends are one weekday (no range)."""
    first, last = WEEKDAYS[match["weekday"].lower()], WEEKDAYS[match["weekday2"].lower()]
    length = (last - first) % 7
    if length == 0:
        return None
    if published is None:
        return None, None, None
    if tense == "future":
        start = _on_or_after(published, first)
        return start.isoformat(), (start + timedelta(days=length)).isoformat(), "day"
    end = _on_or_before(published, last)
    return (end - timedelta(days=length)).isoformat(), end.isoformat(), "day"


def _on_or_before(day: date, weekday: int) -> date:
    """The latest such weekday (Monday 0) on or before the day."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _on_or_after(day: date, weekday: int) -> date:
    """The first such weekday (Monday 0) on or after the day."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _range_from(year: int, month: int, day: int, month2: int, day2: int) -> tuple[date, date] | None:
    """The days of a range starting in `year`, its end in the next year when it would fall before the start
    ("December 30 to January 2"); None for a day that does not exist."""
    start, end = _safe_date(year, month, day), _safe_date(year, month2, day2)
    if start and end and end < start:
        end = _safe_date(year + 1, month2, day2)
    return (start, end) if start and end else None


def resolve_range(
    kind: str, match: re.Match[str], published: date | None, tense: Tense = None
) -> tuple[str | None, str | None, str | None] | None:
    """(when, until, granularity) of a matched range, (None, None, None) when it cannot be resolved, or
    None when the match is no range: its end cannot follow its start."""
    if kind == "weekend":
        return _weekend(" ".join(match["rel"].lower().split()).replace("at the", "over the"), published, tense)
    if kind == "weekday_range":
        return _weekday_range(match, published, tense)
    if kind in ("relative_season", "year_season"):
        return _season(match, published, tense)
    if kind in ("past_span", "coming_span"):
        return _span(match, published, -1 if kind == "past_span" else 1)
    if kind == "count_range":
        return _count_range(match, published)
    if kind == "period_part":
        return _part_of(match, published, tense)
    if kind == "quarter":
        return quarter_period(match, sentence_around(match.string, *match.span()), published, tense == "past")
    if kind == "century":
        nth = match["nth"].lower()
        number = _ORDINAL_WORDS.get(" ".join(nth.split())) or int(nth[:-2])
        return f"{100 * (number - 1):04d}", f"{100 * (number - 1) + 99:04d}", "year"
    if kind == "decade":  # "the 1800s" is a century, "the 2000s" a decade
        if match["yy"] and int(match["yy"]) < 30:  # "the '20s": the 1920s or the 2020s
            return None, None, None
        first = int(match["year"]) if match["year"] else 1900 + int(match["yy"])
        return str(first), str(first + (99 if first % 100 == 0 and first < 2000 else 9)), "year"
    if kind in ("year_range", "year_span", "fiscal_year"):
        first = int(match["year"])
        if kind == "fiscal_year":  # only the next year: "2011-12" is a season, "2011-15" no range
            return (str(first), str(first + 1), "year") if int(match["yy"]) == (first + 1) % 100 else None
        last = int(match["year2"])
        return (str(first), str(last), "year") if last > first else None
    month = _month_of(match, "month" if match["month"] else "month2")
    month2 = _month_of(match, "month2") if match["month2"] else month
    day, day2 = int(match["day"]), int(match["day2"])
    year, year2 = (int(y) if y else None for y in (match["year"], match["year2"]))
    if month2 == month and day2 <= day and not (year and year2 and year2 > year):
        return None
    span: tuple[date | None, date | None] | None
    if year and year2:
        span = _safe_date(year, month, day), _safe_date(year2, month2, day2)
    elif year:
        span = _range_from(year, month, day, month2, day2)
    elif year2:
        # The stated year is the end's: the range starts that year or, crossing New Year, the one before.
        span = _range_from(year2, month, day, month2, day2)
        if span and span[1].year != year2:
            span = _range_from(year2 - 1, month, day, month2, day2)
    elif published is not None:
        # Nearest to the publication day as a whole: "between January 1 and September 26" in a late
        # September article is this year's, though this January 1 is further away than next year's.
        options = [
            r
            for y in (published.year - 1, published.year, published.year + 1)
            if (r := _range_from(y, month, day, month2, day2)) and _on_side(r[0], r[1], published, tense)
        ]
        span = min(
            options, key=lambda r: (max(0, (r[0] - published).days, (published - r[1]).days), r[0]), default=None
        )
    else:
        return None, None, None
    start, end = span or (None, None)
    if start is None or end is None:
        return None, None, None
    return (start.isoformat(), end.isoformat(), "day") if end > start else None


def _year_of_month(month: int, published: date, prep: str, tense: Tense) -> int:
    """The year of a month named without one: "this" the publication year's, "next" the first strictly after
    the publication month, "last" the latest strictly before it; else on or after it for the future, on or
    before it for the past, and the nearest (the earlier of two six months away) without a tense."""
    if prep == "this":
        return published.year
    if prep == "next":
        return published.year + (month <= published.month)
    if prep == "last":
        return published.year - (month >= published.month)
    if tense == "future":
        return published.year + (month < published.month)
    if tense == "past":
        return published.year - (month > published.month)
    ahead = month - published.month
    return published.year - (ahead >= 6) + (ahead < -6)


def _part_of(match: re.Match[str], published: date | None, tense: Tense) -> tuple[str | None, str | None, str | None]:
    """(first, last, granularity) of a part of a year or month: "the first half of 2015" its first six
    months, "the third quarter of 2016" July to September, "the last week of October" its last seven days,
    "the first two weeks of May" its first fourteen, "the second half of July" the 16th to the 31st. A month
    without a year is placed as a month alone is (`_year_of_month`), "the year" or "the month" as
    `_part_nearest` places it. None for a part no year or month has ("the third half")."""
    nth, part, count = part_named(match)
    unit = (match["unit"] or ("month" if match["month"] else "year")).lower()
    if share_of(unit, 2000, 1, nth, part, count) is None or not (match["unit"] or match["month"] or match["year"]):
        return None  # January 2000 has every part a month can have
    if match["unit"]:
        return _part_nearest(unit, match["rel"].lower(), nth, part, count, published, tense)
    month = _month_of(match) if match["month"] else 1
    if match["year"]:
        year = int(match["year"])
    elif published is not None:
        year = _year_of_month(month, published, "", tense)
    else:
        return None, None, None
    found = share_of(unit, year, month, nth, part, count)
    return share_period(*found, unit) if found else (None, None, None)


def _part_nearest(
    unit: str, rel: str, nth: int, part: str, count: int, published: date | None, tense: Tense
) -> tuple[str | None, str | None, str | None]:
    """A part of the publication's year or month ("the first half of this year"), of the one before ("last
    year") or after ("next month"). "The year" is the publication's too, unless the tense puts the part on one
    side of the publication day: then the latest begun by then, told of the past ("raised $103 million during
    the first half of the year" in December is this year's, "more in the second half of the year" in January
    last year's), or the earliest not over, told of the future."""
    if published is None:
        return None, None, None
    steps = {"this": (0,), "last": (-1,), "next": (1,)}.get(rel, (-1, 0, 1) if tense else (0,))
    options = []
    for step in steps:
        year, month = _add_months(published.year, published.month, step * (12 if unit == "year" else 1))
        found = share_of(unit, year, month, nth, part, count)
        if found and _on_side(*found, published, tense):
            options.append(found)
    if not options:
        return None, None, None
    return share_period(*(max(options) if tense == "past" else min(options)), unit)


def resolve(
    kind: str, match: re.Match[str], published: date | None, tense: Tense = None
) -> tuple[str | None, str | None]:
    """(when, granularity) of one matched expression; (None, None) when it cannot be resolved. `tense`:
    whether the text places it before or after publication (`date_tense`), None when it does not say."""
    if kind == "iso":
        day = _safe_date(int(match["year"]), int(match["mnum"]), int(match["day"]))
        return (day.isoformat(), "day") if day else (None, None)
    if kind in ("month_day", "day_month"):
        month, day_number = _month_of(match), int(match["day"])
        if match["year"]:
            day = _safe_date(int(match["year"]), month, day_number)
            return (day.isoformat(), "day") if day else (None, None)
        if published is None or ((month, day_number) == (9, 11) and _ATTACKS.match(match.string, match.end())):
            return None, None
        nearest = _nearest_yearly(lambda year: _safe_date(year, month, day_number), published, tense)
        return (nearest.isoformat(), "day") if nearest else (None, None)
    if kind == "numeric_date":
        first, second = int(match["first"]), int(match["second"])
        if match["sep"] == "." or first > 12:
            day_number, month = first, second
        elif second > 12 or first == second:
            month, day_number = first, second
        else:
            return None, None
        day = _safe_date(int(match["year"]), month, day_number)
        return (day.isoformat(), "day") if day else (None, None)
    if kind == "holiday":
        rule = HOLIDAYS[" ".join(match["holiday"].replace("\u2019", "'").split())]
        if match["year"]:
            day = _holiday_in(rule, int(match["year"]))
        elif published is not None:
            day = _nearest_yearly(lambda year: _holiday_in(rule, year), published, tense)
        else:
            day = None
        return (day.isoformat(), "day") if day else (None, None)
    if kind == "month_year":
        return f"{int(match['year']):04d}-{_month_of(match):02d}", "month"
    if kind == "in_month":
        if published is None:
            return None, None
        month = _month_of(match)
        return f"{_year_of_month(month, published, match['prep'].lower(), tense):04d}-{month:02d}", "month"
    if kind == "fiscal_label":
        return None, None
    if kind in ("in_year", "year_range_end", "year_modifier"):
        return match["year"], "year"
    if published is None:
        return None, None
    if kind == "weekday":
        if match["named"]:
            day = _named_day(f"{match['named']} {match['weekday']}".lower(), published, tense)
            return (day.isoformat(), "day") if day else (None, None)
        if _TITLE_PART_OF_DAY.match(match.string, match.end()) and not match["rel"] and _a_title(match, 2):
            return None, None  # "Saturday Night Live", "Sunday Morning Futures"
        target = WEEKDAYS[match["weekday"].lower()]
        coming, latest = _on_or_after(published, target), _on_or_before(published, target)
        rel = (match["rel"] or "").lower()
        if rel == "next":  # strictly after the publication day
            return (coming + timedelta(weeks=coming == published)).isoformat(), "day"
        ahead = (coming - published).days
        if rel != "last" and (tense == "future" or (tense is None and 0 < ahead <= WEEKDAY_AHEAD)):
            return coming.isoformat(), "day"
        if rel == "last":  # strictly before it
            return (latest - timedelta(weeks=latest == published)).isoformat(), "day"
        return latest.isoformat(), "day"
    if kind in ("ago", "from_now", "count_first"):
        forward = kind == "from_now" or (kind == "count_first" and not match["ago"])
        return _counted(match, published, 1 if forward else -1)
    if kind == "relative_day":
        if _a_title(match):  # "The Day After Tomorrow" (a film)
            return None, None
        offset = DAY_WORDS[" ".join(match["word"].lower().split())]
        return (published + timedelta(days=offset)).isoformat(), "day"
    if kind == "relative_period":
        if _a_title(match):  # ABC's "This Week"
            return None, None
        return _calendar_period(
            match["unit"].lower(), published, {"last": -1, "this": 0, "next": 1}[match["rel"].lower()]
        )
    if kind == "part_of_period":
        return _calendar_period(match["unit"].lower(), published, 0)
    return None, None


def _calendar_period(unit: str, published: date, step: int) -> tuple[str, str]:
    """(when, granularity) of the calendar day, week (its Monday), month or year (a decade in years) `step` of
    them from publication's."""
    granularity = _POINT[unit]
    return _shifted(published, unit, step, granularity), granularity


def _a_title(match: re.Match[str], extra_words: int = 0) -> bool:
    """Whether the words matched, and the next `extra_words` of the text, are a title, not a time: each
    capitalised, outside a headline ("ABC's This Week", "The Day After Tomorrow", "Saturday Night Live");
    in running text a time is written in lower case past its first word."""
    end = match.end()
    for _ in range(extra_words):
        following = _NEXT_WORD.match(match.string, end)
        if following is None:
            return False
        end = following.end()
    words = match.string[match.start() : end].split()
    return len(words) > 1 and all(w[0].isupper() for w in words) and not in_title_case(match.string, match.start(), end)


def _tense(kind: str, match: re.Match[str], text: str, published: date | None) -> Tense:
    """The tense that places the matched date (`date_tense`); a month without a year whose clause tells
    of the past anywhere (`told_in_past`) is past even where the verb nearest it says nothing, and so is a
    part of "the year" ("raised more in the second half of the year"); so is a time counted from publication
    (`_TOLD_FROM_NOW`), unless its sentence looks ahead."""
    if published is None or not _needs_tense(kind, match):
        return None
    start, end = match.span()
    tense = date_tense(text, start, end)
    if (
        tense is None
        and (kind in ("in_month", "weekday", *_TOLD_FROM_NOW) or (kind == "period_part" and match["unit"]))
        and (_since(match) or told_in_past(text, start, end))
    ):
        tense = "past"
    if kind in _TOLD_FROM_NOW and tense == "past" and looks_ahead(text, start, end):
        return None  # "that would double the deficit projected over the next decade": from publication on
    return tense


def _since(match: re.Match[str]) -> bool:
    """Whether the matched month says "since" itself ("since December")."""
    return (match.groupdict().get("prep") or "").lower() == "since"


def _needs_tense(kind: str, match: re.Match[str]) -> bool:
    """Whether the match's date depends on its tense (`date_tense`): not when it states its year, or says
    which one itself ("next Monday", "last June")."""
    if kind not in _TENSED:
        return False
    groups = match.groupdict()
    if groups.get("year") or groups.get("year2") or groups.get("yy"):
        return False
    if kind == "quarter":  # "last quarter", "this quarter" say which
        return not groups["rel"]
    word = (groups.get("rel") or groups.get("prep") or "").lower()
    # "this June" and "the end of this year" say which; "this Thursday" may be past.
    settled = ("next", "last", "this") if kind in ("in_month", "part_of_period", "period_part") else ("next", "last")
    return word not in settled


def date_mentions(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in `text` (longest match wins where patterns overlap), in text order.

    The spans taken so far are disjoint and kept sorted, so a new match overlaps one only if it overlaps
    the last span starting before its end: one bisection per match, where a scan over every span taken
    made a text of n dates cost n^2 (hostile input: 10,000 dates took 7 s)."""
    found: list[DateMention] = []
    starts: list[int] = []
    ends: list[int] = []
    lowered = text.lower()
    for kind, pattern in _PATTERNS:
        if kind in _KEYWORDS and not any(word in lowered for word in _KEYWORDS[kind]):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            at = bisect_left(starts, end)
            if at and ends[at - 1] > start:
                continue
            if (period := _read(kind, match, text, published)) is None:
                continue
            when, until, granularity = period
            starts.insert(at, start)
            ends.insert(at, end)
            found.append(DateMention(start, end, match.group(), when, granularity, until))
    return _with_anaphors(text, lowered, sorted(found, key=lambda m: m.start), published)


def _read(kind: str, match: re.Match[str], text: str, published: date | None) -> tuple[str | None, ...] | None:
    """(when, until, granularity) of one match, all None when it stays text; None when it is no range after
    all ("March 5-3")."""
    if recurring(text, match.start(), match.end()):
        return None, None, None
    tense = _tense(kind, match, text, published)
    if kind in _TOLD_FROM_NOW and tense == "past":  # counted from another time: kept as text
        return None, None, None
    try:
        if kind in _RANGE_KINDS:
            period = resolve_range(kind, match, published, tense)
        else:
            when, granularity = resolve(kind, match, published, tense)
            period = when, None, granularity
    except (OverflowError, ValueError):  # counted past a calendar end from a publication day near it
        return None, None, None
    return period if period is None or _in_calendar(*period[:2]) else (None, None, None)


# "every Friday", "every other week", "every year on July 4", "each spring in May"; and after the date, "in
# November each year", "by 1 December every year". Not "each other" ("they saw each other Friday").
_RECURS_BEFORE = re.compile(
    r"\b(?:every\s+(?:(?:other|second|third)\s+)?|each\s+)"
    r"(?:(?:year|month|week|spring|summer|fall|autumn|winter)\s+(?:on|in|at|around|by)\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
_RECURS_AFTER = re.compile(r"^,?\s+(?:each|every)\s+(?:(?:other|second)\s+)?(?:year|month|week)\b", re.IGNORECASE)
RECUR_REACH = 40  # characters looked at on either side: longer than any lead-in the patterns above allow


def recurring(text: str, start: int, end: int) -> bool:
    """Whether the date at text[start:end] recurs ("every Friday", "in November each year"): no one date."""
    return bool(
        _RECURS_BEFORE.search(text, max(0, start - RECUR_REACH), start)
        or _RECURS_AFTER.match(text[end : end + RECUR_REACH])
    )


_ISO_PERIOD = re.compile(r"\d{4}(?:-\d{2}){0,2}")


def _in_calendar(*periods: str | None) -> bool:
    """Whether resolved periods lie within the years 1 to 9999, the ones a date can be written and counted
    in (ISO 8601 without a sign): "999 decades ago" would be the year -7974, which neither sorts with
    the others nor anchors "two years later"."""
    return all(p is None or (_ISO_PERIOD.fullmatch(p) is not None and not p.startswith("0000")) for p in periods)


def _with_anaphors(text: str, lowered: str, found: list[DateMention], published: date | None) -> list[DateMention]:
    """`found` (in text order) with the dates counted from another date of the text (anaphora.py), each
    resolved against the nearest date before it, which may itself be one ("On Monday ... The next day ...
    Two days later ..."). An anaphor containing a date already read ("the next week" holds "next week")
    takes its place only when it has an anchor; "the next week" of an undated story stays the week after
    publication, and "the end of the year" stays the publication's after an anchor years from it
    (`_far_from_now`)."""
    chosen: list[Anaphor] = []
    for anaphor in sorted(anaphors(text, lowered), key=lambda a: (a.start, -a.end)):
        if not chosen or chosen[-1].end <= anaphor.start:
            chosen.append(anaphor)
    if not chosen:
        return found
    result: list[DateMention] = []
    pending = iter(found)
    upcoming = next(pending, None)
    for anaphor in chosen:
        while upcoming is not None and upcoming.start < anaphor.start:
            result.append(upcoming)
            upcoming = next(pending, None)
        inside = []
        while upcoming is not None and upcoming.start < anaphor.end:
            inside.append(upcoming)
            upcoming = next(pending, None)
        if (inside and inside[-1].end > anaphor.end) or (result and result[-1].end > anaphor.start):
            result.extend(inside)  # a date overlapping the anaphor past its ends is read instead of it
            continue
        when, until, granularity = _anchor_of(text, anaphor, result[-1] if result else None)
        if _past_told_future(text, anaphor, published, when, granularity):
            when, until, granularity = None, None, None
        if inside and (when is None or (anaphor.deictic and _far_from_now(published, when, anaphor.unit))):
            result.extend(inside)
        else:
            result.append(DateMention(anaphor.start, anaphor.end, anaphor.text, when, granularity, until))
    if upcoming is not None:
        result.append(upcoming)
    result.extend(pending)
    return result


def _past_told_future(
    text: str, anaphor: Anaphor, published: date | None, when: str | None, granularity: str | None
) -> bool:
    """Whether an anaphor counted to a date after publication is told of the past: "Feb. 9. Four more ...
    debated earlier in the evening" took the coming primary as its anchor, but what a clause tells of the past
    happened before the article appeared, so the anchor is another event's and the date stays text."""
    if when is None or published is None or period_start(when, granularity) <= published.isoformat():
        return False
    return told_in_past(text, anaphor.start, anaphor.end)  # what `date_tense` reads as past, it does too


def _far_from_now(published: date | None, when: str, granularity: str | None) -> bool:
    """Whether an anchored period (`when`, in `granularity`) lies more than one of its units from the
    publication's: "the end of the year" after "passed in 1996" is this year's end, told in any tense ("the
    act, passed in 1996, expires at the end of the year"), and after "in May 2015" in a 2016 article the end
    of 2015."""
    if published is None or granularity is None:
        return False
    present = _shifted(published, granularity, 0, granularity)
    if granularity == "year":
        return abs(int(when[:4]) - int(present)) > 1
    if granularity == "month":
        (y1, m1), (y2, m2) = (map(int, w[:7].split("-")) for w in (when, present))
        return abs((y1 - y2) * 12 + m1 - m2) > 1
    return abs((date.fromisoformat(when) - date.fromisoformat(present)).days) > 7


def _anchor_of(text: str, anaphor: Anaphor, anchor: DateMention | None) -> tuple[str | None, str | None, str | None]:
    """(when, until, granularity) of an anaphor from the nearest date before it; all None when there is none in
    reach, it is unresolved or too coarse, or the anaphor counts from an undated event."""
    if anchor is None or anchor.when is None or anchor.granularity is None or anaphor.counted_from_event:
        return None, None, None
    if not reaches(text, anchor.end, anaphor.start):
        return None, None, None
    try:
        period = anchored(anaphor, anchor.text, anchor.when, anchor.until, anchor.granularity)
    except (OverflowError, ValueError):  # counted past a calendar end from an anchor near it
        return None, None, None
    return period if period and _in_calendar(period[0], period[1]) else (None, None, None)
