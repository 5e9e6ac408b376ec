"""Timeline dates read with their tense: how often the tense moves a date, and how often rightly.

A weekday, a month or a day without a year is resolved against the publication day. Read without its
tense, "Ryan will meet Trump on Thursday" in a Friday article gives the Thursday before. `tense.py` reads
the verb group nearest to the date. This bench runs the timeline's date resolution over PolNeAR's dated
political news (train and dev), once as shipped, once with every date read without a tense (`date_tense` off,
a month or weekday the latest on or before publication), and once with only the months and weekdays whose
clause has no tense read so (as before `told_in_past`), and scores them against
bench/gold/polnear_date_tense.jsonl.

The gold (297 mentions) holds, checked by hand against the sentence and the calendar of the 2016
campaign:
- every mention whose date changed while the rule was written: the moves by tense, and the month words
  "this / next / last November", which used to mean the latest November on or before publication;
- a random sample of 40 mentions, resolved to a day before publication, whose sentence holds a future
  word ("will", "scheduled", "set to") anywhere: the future references the cues still miss;
- every mention that reading modals ("could win", "must win") as future moved when that cue was added
  (43; 36 moved rightly, 6 wrongly, and one generic "Saturday evenings", which names no date);
- every month that reading it as the nearest when its clause tells nothing of the past moved (34: "the
  convention in July" in April, "defeat her in November" in July; 33 rightly, and "the Charleston church
  massacre in June", a past told without a verb, wrongly);
- every weekday that reading it as the coming one when it is one or two days ahead and its clause has no
  tense and nothing past moved, but one naming no date ("neutral on Monday, pro-Israel on Tuesday") (29:
  "Tuesday's New Hampshire primary" on a Sunday; 24 rightly, 3 wrongly: polls "taken Thursday through
  Monday" and "the attacks in Paris on Friday"; and 2 datelines, "Friday, December 4, 2015", wrong both
  ways while the weekday was read alone; the datelines are since read as one date, and the polls' field
  days as one range, the latest before publication).
- the 7 dates that reading an irregular participle after "will be" as an -ed one ("the primary will be
  held in early February", not a past) and a verb group as one cue ("could be concluded in October": no
  past "concluded" inside it) moved (6 rightly; "protocol called for the nominee to be taken ... in the
  wake of her Sunday morning health crisis", a plan told in the past, wrongly).
- every part of a month the timeline reads since it was added ("through the end of September", "at the
  beginning of March": 25, read as the month, each checked against its sentence: all right).
- every time from publication on ("the next two months", "over the next week") that the tense moves: read
  when its clause has no past or its sentence looks ahead ("that would double the deficit projected over
  the next decade"), kept as text when its clause tells of the past and nothing in its sentence looks ahead
  (7: 4 rightly, "he spent the next two years", told of another time; 3 wrongly, past cues that are not the
  time's: "the planned advertising over the next two months", "has scheduled stops in the next week").
- every "the end of the year", "the rest of this month", "the middle of the week" (21), read as the year,
  month or week of the date before it in reach (`anaphora`), or else the publication's unless its clause
  tells of the past and nothing in its sentence looks ahead: 20 right ("expect to be done by the end of the
  month" after "January 2016", in December, is January's end), one kept as text that has a date. Read
  from the publication day alone, 16 of the 18 read were right and 3 were kept as text.
- the 4 dates that reading an -ed word after a determiner as an adjective, not a past, moved ("a contested
  convention in July", in March: this July; all 4 rightly).
A second gold, bench/gold/polnear_past_spans.jsonl, holds every "the past week", "the past two years", "the
last 30 days", "over the last week" of the corpus (121), each read by hand as the time up to publication. A third,
bench/gold/polnear_counted_times.jsonl, every time from publication on ("the next two months"), counted forward
("six weeks from now"), counted as a range ("six to eight weeks ago", "two or three months from now") or in
words that open a sentence ("Twenty-two years ago", once read as "two years ago"), and the first of two
counts ("20 and 50 years ago") (58),
each read by hand: its range, its date, or null where it must stay text ("a few years from now", a memoir's
"for the next eight months").
A fourth, bench/gold/polnear_stated_dates.jsonl (162), holds every year before 1900 or after 2099 (only 1900 to
2099 had been read: "since 1888", "by 2100", "July 14, 1789", which was read as this July 14), a random 79 of the
354 years that date what follows them ("the 2012 election", "her 2003 book"), every holiday a calendar rule fixes
("Labor Day", "after Christmas", "New Year's Eve": 29), date written in numbers ("2/26/2012") and part of a
stated year or month ("the first half of 2015", "the last week of October": 8), every decade written "the '80s"
and century ("the 19th century", "the early 1900s", once 1900 to 1909: 29), none read before, and the one
count read as a year ("a poll of 2047 registered voters"), each checked by hand against its sentence. "Married
him ... on Memorial Day weekend, when she was running" is of a year the text does not give. Two of its years
were fiscal ones, "the 2015 fiscal year" and "fiscal year 2014" (the US government's, which begin in October):
first checked as the calendar years they had been read as, they are now text.
A fifth, bench/gold/polnear_quarters.jsonl (8), and bench/gold/uci_quarters.jsonl (42, the UCI developer
headlines), hold every quarter of a year written without "of" ("Q4", "the fourth quarter", "first-quarter
average", "last quarter", "Q3 2013"; "the third quarter of 2016" is in the fourth), none read before: each is
checked by hand as the calendar quarter it names (TimeML's "2015-Q4"), or null where it must stay text (a
metaphor, "the GOP contest well into the fourth quarter"; a sentence that says "fiscal").
A day named after a feast or an event ("Super Tuesday") is counted apart: it is no longer the nearest such
weekday.

Run: .venv/bin/python -m bench.timeline_tense
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

from bench import publish
from storytrace.stories import timeline
from storytrace.stories.calendar_names import WEEKDAYS
from storytrace.stories.timeline import DateMention, date_mentions

DATA = Path(os.environ.get("STORYTRACE_SHARED", "/work/shared")) / "data" / "polnear"
GOLD = Path(__file__).parent / "gold" / "polnear_date_tense.jsonl"
SPANS = Path(__file__).parent / "gold" / "polnear_past_spans.jsonl"
COUNTED = Path(__file__).parent / "gold" / "polnear_counted_times.jsonl"
STATED = Path(__file__).parent / "gold" / "polnear_stated_dates.jsonl"
QUARTERS = Path(__file__).parent / "gold" / "polnear_quarters.jsonl"
UCI_QUARTERS = Path(__file__).parent / "gold" / "uci_quarters.jsonl"
UCI = DATA.parent / "uci-news-stories" / "uci_news_stories_dev.csv"
RESULTS = Path(__file__).parent / "results" / "timeline_tense.md"


def polnear_texts(splits: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(name, text) of each PolNeAR text of these splits, in split and name order, a text once (a few
    articles appear in two splits)."""
    seen: set[str] = set()
    for split in splits:
        for path in sorted((DATA / split / "text").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if text not in seen:
                seen.add(text)
                yield path.stem, text


def dated_articles() -> Iterator[tuple[str, str, date]]:
    """(name, text, publication day) of each PolNeAR train and dev article, a text once."""
    published = {row["filename"]: row["publication_date"] for row in polnear_metadata()}
    for name, text in polnear_texts(("train", "dev")):
        if name in published:
            yield name, text, date.fromisoformat(published[name])


def uci_headlines() -> Iterator[tuple[str, str, date]]:
    """(row id, headline, publication day) of each UCI developer headline: business news, where quarters are
    written most ("Urban Outfitters Q4 profit rises", "American Eagle falls on first-quarter forecast")."""
    with open(UCI, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["ID"], row["TITLE"], datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, UTC).date()


def polnear_metadata() -> list[dict[str, str]]:
    """The rows of PolNeAR's metadata.tsv: filename, publisher, publication_date, title, author, ..."""
    with open(DATA / "metadata.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@contextmanager
def tenseless() -> Iterator[None]:
    """No verb read at all: every date read as before the tense was, a weekday or a month without a year
    the latest on or before publication."""
    with mock.patch.object(timeline, "date_tense", lambda text, start, end: None), untold_as_before():
        yield


@contextmanager
def untold_as_before() -> Iterator[None]:
    """A month or weekday without a tense read as the latest on or before publication, as before
    `told_in_past` was read (every such clause taken to tell of the past)."""
    with mock.patch.object(timeline, "told_in_past", lambda text, start, end: True):
        yield


def mentions(articles: list[tuple[str, str, date]]) -> dict[tuple[str, int], DateMention]:
    return {(name, m.start): m for name, text, day in articles for m in date_mentions(text, day)}


def load_gold() -> dict[tuple[str, int], str]:
    """(article, mention start) -> the expected `when`."""
    entries = map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())
    return {(entry["article"], entry["start"]): entry["expected"] for entry in entries}


def load_spans(path: Path = SPANS) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    """(article, mention start) -> the expected (`when`, `until`) of each mention of a range gold."""
    entries = map(json.loads, path.read_text(encoding="utf-8").splitlines())
    return {(entry["article"], entry["start"]): (entry["expected"], entry["until"]) for entry in entries}


def spans_right(
    found: dict[tuple[str, int], DateMention], spans: dict[tuple[str, int], tuple[str | None, str | None]]
) -> int:
    """How many of the gold mentions are read as their expected (`when`, `until`); one expected as neither (a
    count, or a time that must stay text) is also right when it is not read at all."""
    return sum(
        (found[key].when, found[key].until) == expected if key in found else expected == (None, None)
        for key, expected in spans.items()
    )


def score(articles: list[tuple[str, str, date]], gold: dict[tuple[str, int], str]) -> Counter[str]:
    """Counts: mentions, moves by tense (all, in the gold, right), gold mentions right with and without the
    tense, and named days resolved or kept as text."""
    shipped = mentions(articles)
    with tenseless():
        before = mentions(articles)
    with untold_as_before():
        latest = mentions(articles)
    moved = {key for key, m in shipped.items() if key in before and before[key].when != m.when}
    counts: Counter[str] = Counter(mentions=len(shipped), moved=len(moved), gold=len(gold))
    counts["moved in gold"] = len(moved & gold.keys())
    counts["moved right"] = sum(shipped[key].when == gold[key] for key in moved & gold.keys())
    untold = {key for key, m in shipped.items() if key in latest and latest[key].when != m.when}
    counts["untold moved"] = len(untold)
    counts["untold moved in gold"] = len(untold & gold.keys())
    counts["untold moved right"] = sum(shipped[key].when == gold[key] for key in untold & gold.keys())
    counts["untold right before"] = sum(latest[key].when == gold[key] for key in untold & gold.keys())
    for key, expected in gold.items():
        counts["right tenseless"] += key in before and before[key].when == expected
        counts["right shipped"] += key in shipped and shipped[key].when == expected
    for m in shipped.values():
        if " ".join(m.text.lower().split()) in timeline.NAMED_DAYS:
            counts["named resolved" if m.when else "named kept as text"] += 1
    return counts


def main() -> None:
    articles = list(dated_articles())
    counts = score(articles, load_gold())
    spans = load_spans()
    counted = load_spans(COUNTED)
    stated = load_spans(STATED)
    quarters = load_spans(QUARTERS)
    uci_quarters = load_spans(UCI_QUARTERS)
    headlines = mentions(list(uci_headlines()))
    shipped = mentions(articles)
    texts = {name: text for name, text, _ in articles}
    recurring = {key for key, m in shipped.items() if timeline.recurring(texts[key[0]], m.start, m.end)}
    titles = sum(
        m.when is None and (m.text.split()[0] in ("This", "Last", "Next") or m.text.lower() in WEEKDAYS)
        for key, m in shipped.items()
        if key not in recurring
    )
    lines = [
        "# Timeline dates read with their tense (PolNeAR, train and dev)",
        "",
        f"{len(articles)} dated articles, {counts['mentions']} date mentions.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| mentions the tense moves | {counts['moved']} ({counts['moved in gold']} of them in the gold) |",
        f"| moves to the right date (gold) | {counts['moved right']} of {counts['moved in gold']} |",
        "| months, weekdays and times from publication on whose clause has no tense and tells nothing of the past "
        f"(`told_in_past`), read as the nearest month, a weekday up to {timeline.WEEKDAY_AHEAD} days ahead or the "
        "time from publication on, rather than the latest on or before or text: moved | "
        f"{counts['untold moved']} ({counts['untold moved in gold']} of them in the gold) |",
        f"| of those in the gold, right now / right before | {counts['untold moved right']} / "
        f"{counts['untold right before']} |",
        f"| gold mentions right, tenseless | {counts['right tenseless']} of {counts['gold']} |",
        f"| gold mentions right, as shipped | {counts['right shipped']} of {counts['gold']} |",
        f"| named days (Super Tuesday, Good Friday, ...): resolved by the calendar / kept as text "
        f"| {counts['named resolved']} / {counts['named kept as text']} |",
        '| the time up to publication ("the past week", "the last 30 days", "over the last year"), read as the range '
        "ending on the publication day (bench/gold/polnear_past_spans.jsonl) | "
        f"{spans_right(shipped, spans)} of {len(spans)} |",
        '| times from publication on and counted ones ("the next two months", "six weeks from now", "six to eight '
        'weeks ago"), read as their range or date, or kept as text where the clause tells of another time '
        f"(bench/gold/polnear_counted_times.jsonl) | {spans_right(shipped, counted)} of {len(counted)} |",
        '| dates stated in other forms: years before 1900 or after 2099 ("since 1888", "by 2100"), years that date '
        'what follows them ("the 2012 election"), holidays ("Labor Day", "after Christmas"), "2/26/2012", parts of a '
        'year or month ("the first half of 2015", "the last week of October"), decades and centuries ("the \'80s", '
        '"the 19th century"), and a count that is no year ("a poll of 2047 registered voters") '
        f"(bench/gold/polnear_stated_dates.jsonl) | {spans_right(shipped, stated)} of {len(stated)} |",
        '| quarters ("Q4", "the fourth quarter", "third-quarter profit", "last quarter", "Q3 2016"), each checked by '
        'hand as the calendar quarter it names, or text where its sentence says "fiscal" or it is a metaphor '
        f"(bench/gold/polnear_quarters.jsonl; bench/gold/uci_quarters.jsonl, UCI developer headlines) | PolNeAR "
        f"{spans_right(shipped, quarters)} of {len(quarters)}; UCI {spans_right(headlines, uci_quarters)} of "
        f"{len(uci_quarters)} |",
        '| titles in capitals kept as text (ABC\'s "This Week", "CBS This Morning", "Saturday Night Live") '
        f"| {titles} |",
        f'| dates that recur ("every Friday", "in November each year"), kept as text | {len(recurring)} |',
        "",
        "The gold is biased towards the moves (it holds every move made when it was written), so the first "
        "two rows are the precision of the rule; the sample of future-worded sentences in it estimates "
        "what the cues still miss.",
    ]
    publish(lines, RESULTS)


if __name__ == "__main__":
    main()
