"""Quarters of a year as business and campaign news writes them: "Q3 2016", "the fourth quarter", "third-quarter
profit", "last quarter".

A quarter is three calendar months, January to March the first. A quarter with its year ("Q3 2016", "Q4 '13")
is that year's, as "the third quarter of 2016" is (`timeline`'s period_part). One without a year is placed
against the publication day where its sentence is about money or counts (BUSINESS: "earnings", "raised",
"GDP", "$", ...), or where it is written "Q1" to "Q4", a business abbreviation ("Retailers warn on Q1"), and then:
- "the fourth quarter", "Q4", "third-quarter profit": the nearest such quarter, the earlier of two as near (a
  March article's "Q4 earnings" are the last quarter of the year before, its "Q1 guidance" this one's); told of
  the past, the nearest begun by publication. A future verb does not move it: earnings are reported after their
  quarter ends ("will report fourth-quarter earnings on Wednesday", in February, is the quarter just over);
- "last quarter", "the latest (previous, past, prior, most recent) quarter": the one before publication's;
  "this quarter", "the current quarter": publication's; "next quarter", "the coming quarter": the one after.
A sentence that says "fiscal" or "FY" keeps its quarters as text: a company's fiscal year need not be the
calendar's (Apple's first quarter is October to December). A game's quarter ("scored 12 points in the fourth
quarter") is no date and is not read (GAME words, where no BUSINESS word is); any other quarter without a year
("the GOP contest well into the fourth quarter") is kept as text, as is one in an undated article. Calendar
quarters are what TimeML writes ("2013-Q4") and HeidelTime reads; a retailer whose year ends in January
reports a "Q4" of November to January, which this places a month early.
"""

from __future__ import annotations

import re
from datetime import date

from storytrace.stories.calendar_names import share_of, share_period

_RANKS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_PREVIOUS = ("last", "latest", "previous", "prior", "past", "most recent")
_STEPS = {**dict.fromkeys(_PREVIOUS, -1), "this": 0, "current": 0, "next": 1, "coming": 1}
_RELATIVE = "|".join(word.replace(" ", r"\s+") for word in _STEPS)


def quarter_pattern(year: str) -> str:
    """The regex of a quarter (groups q or nth, with year or yy, or rel), `year` that of a four-digit year.
    Not "the third quarter of 2016" (a part of a stated period, read before), nor "quarterback", "a quarter of
    voters", "the last quarter-century", nor a car ("Audi Q3 sales rose")."""
    return (
        rf"\b(?:(?<!Audi\s)Q(?P<q>[1-4])\b(?:\s*(?:of\s+)?(?P<year>{year})\b|\s*['\u2019](?P<yy>\d\d)\b)?"
        rf"|(?:(?i:the)\s+)?(?P<nth>(?i:{'|'.join(_RANKS)}))[-\s]+(?i:quarter)\b(?:,?\s+(?P<year2>{year})\b)?"
        rf"|(?P<rel>(?i:{_RELATIVE}))\s+(?i:quarter)\b)"
        r"(?!\s+of\b|[-\s]*(?i:century|finals?|mile)\b)"
    )


# Words of a sentence about money or counts, in which a quarter is a quarter of a year.
BUSINESS = re.compile(
    r"(?:[$\u20ac\u00a3%]|\b(?:earnings|profits?|revenues?|sales|results|income|loss(?:es)?|margins?|GDP|econom\w*"
    r"|growth|grew|quarterly|raised|raising|haul|fund-?rais\w*|donations|shipments|shipped|sold|average|percent"
    r"|billion|million|forecasts?|guidance|outlook|users|subscribers|customers|shares|stocks?|dividends?"
    r"|estimates|analysts|investors|reports?|reported|EPS|company|companies|spending|output|production|inflation|jobs"
    r"|unemployment|deficit|exports|imports|demand|market)\b)",
    re.IGNORECASE,
)
# Words of a game report, in which a quarter is part of a match.
GAME = re.compile(
    r"\b(?:games?|touchdowns?|quarterbacks?|field\s+goals?|baskets?|rebounds?|overtime|half-?time|buzzer|scored"
    r"|three-pointers?|free\s+throws?|yards|coach|playoffs?|innings?|comeback|trail(?:ed|ing))\b",
    re.IGNORECASE,
)
_FISCAL = re.compile(r"\b(?:fiscal|FY\s*['\u2019]?\d*)\b", re.IGNORECASE)


def quarter_period(
    match: re.Match[str], sentence: str, published: date | None, past: bool
) -> tuple[str | None, str | None, str | None] | None:
    """(first month, last month, "month") of a matched quarter, all None when it stays text, or None when it is
    a game's (see the module docstring); `sentence` holds the match, `past` whether its clause tells of the past."""
    if _FISCAL.search(sentence):
        return None, None, None
    nth = int(match["q"]) if match["q"] else _RANKS.get((match["nth"] or "").lower(), 0)
    stated = match["year"] or match["year2"]
    year = int(stated) if stated else _century_of(int(match["yy"])) if match["yy"] else None
    if year is not None:
        return _quarter(year, nth)
    if not BUSINESS.search(sentence):
        if GAME.search(sentence):
            return None
        if not match["q"]:  # "Q1" is a business abbreviation; "the fourth quarter" alone may be a metaphor's
            return None, None, None
    if published is None:
        return None, None, None
    current = (published.month - 1) // 3  # quarters counted from year 0's first, 0-based
    index = published.year * 4 + current
    if match["rel"]:
        index += _STEPS[" ".join(match["rel"].lower().split())]
    else:
        candidates = [q for q in range(index - 4, index + 4) if q % 4 == nth - 1 and not (past and q > index)]
        index = min(candidates, key=lambda q: (abs(q - index), q))
    return _quarter(index // 4, index % 4 + 1)


def _century_of(yy: int) -> int:
    """The year of "Q4 '13" (2013) or "Q2 '98" (1998)."""
    return (2000 if yy < 50 else 1900) + yy


def _quarter(year: int, nth: int) -> tuple[str | None, str | None, str | None]:
    found = share_of("year", year, 1, nth, "quarter")
    return share_period(*found, "year") if found else (None, None, None)
