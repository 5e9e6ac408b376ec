"""Dates counted from another date of the text ("the next day", "two years later", "that year").

`anaphora.py` resolves them against the nearest date before them in the text, and keeps as text those
counted from an undated event ("the day after the election") or with no date in reach. This bench runs
the timeline's date resolution over PolNeAR's dated political news (train and dev) and scores it against
bench/gold/polnear_date_anaphora.jsonl, checked by hand against the sentence and the calendar of the 2016
campaign:
- every anaphor the timeline resolved when the rule was written (55), and those it resolved when "earlier
  in the day", "later in the week" and "the same month" were added (14), and every "the end of the year",
  "the rest of the week" (17: counted from the date before them, or from the publication day with none in
  reach), with the right date where it resolved wrongly;
- a random sample of 25 it kept as text, with the date where the text does give one (`expected` null:
  the text dates it by nothing, so keeping it as text is right).
Beside it, the reading a resolver without anaphora would give: the expression counted from the
publication day.

Run: .venv/bin/python -m bench.timeline_anaphora
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from bench import publish
from bench.timeline_tense import dated_articles
from storytrace.stories.anaphora import Anaphor, anaphors, anchored
from storytrace.stories.timeline import date_mentions

GOLD = Path(__file__).parent / "gold" / "polnear_date_anaphora.jsonl"
RESULTS = Path(__file__).parent / "results" / "timeline_anaphora.md"


def load_gold() -> dict[tuple[str, int], str | None]:
    """(article, mention start) -> the expected `when` (None: no date of the text dates it)."""
    entries = map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())
    return {(entry["article"], entry["start"]): entry["expected"] for entry in entries}


def score(articles: list[tuple[str, str, date]], gold: dict[tuple[str, int], str | None]) -> Counter[str]:
    """Counts: anaphors read, resolved and kept as text; in the gold, resolved right (of those resolved),
    kept right (of those kept), right overall, and right when counted from the publication day."""
    counts: Counter[str] = Counter(gold=len(gold))
    for name, text, published in articles:
        found: dict[int, Anaphor] = {a.start: a for a in anaphors(text)}
        for mention in date_mentions(text, published):
            anaphor = found.get(mention.start)
            if anaphor is None or anaphor.end != mention.end:
                continue
            counts["anaphors"] += 1
            counts["resolved" if mention.when else "kept as text"] += 1
            if (name, mention.start) not in gold:
                continue
            expected = gold[name, mention.start]
            right = mention.when == expected
            counts["right"] += right
            counts["gold resolved" if mention.when else "gold kept"] += 1
            counts["resolved right" if mention.when else "kept right"] += right
            naive = None if anaphor.counted_from_event else anchored(anaphor, "", published.isoformat(), None, "day")
            counts["right from publication"] += (naive[0] if naive else None) == expected
    return counts


def main() -> None:
    articles = list(dated_articles())
    counts = score(articles, load_gold())
    lines = [
        "# Timeline dates counted from another date of the text (PolNeAR, train and dev)",
        "",
        f"{len(articles)} dated articles: {counts['anaphors']} anaphoric dates read, {counts['resolved']} resolved "
        'against the date before them (a part of the year, month or week with none in reach, "the end of the '
        f"year\", against the publication's), {counts['kept as text']} kept as text.",
        "",
        "| measure (gold) | value |",
        "|---|---|",
        f"| resolved, right date | {counts['resolved right']} of {counts['gold resolved']} |",
        f"| kept as text, rightly (the text dates it by nothing) | {counts['kept right']} of {counts['gold kept']} |",
        f"| right overall | {counts['right']} of {counts['gold']} |",
        f"| right overall, counted from the publication day instead | {counts['right from publication']} of "
        f"{counts['gold']} |",
        "",
        "The gold holds every anaphor resolved when the rule was written, so the first row is the rule's "
        "precision; the sample of those kept as text estimates what it leaves unread.",
    ]
    publish(lines, RESULTS)


if __name__ == "__main__":
    main()
