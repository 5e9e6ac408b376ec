"""Quoted spans of an article, found from the quote marks alone.

A quote opens with “ or " and closes with ” or " (a straight quote toggles). News style continues a
quote over several paragraphs by leaving the closing mark off a paragraph and opening the next one
with a quote mark, so an unclosed quote continues into the next paragraph when that paragraph opens
with a quote mark, and otherwise ends with its paragraph (a typo must not swallow the article).
Single quotes are left alone: they are apostrophes too, and in body text mostly headline style.
"""

from __future__ import annotations

from dataclasses import dataclass

from storytrace.text import paragraphs

OPENERS = frozenset('“"«„')
CLOSERS = {"“": '”"', '"': '"”', "«": "»", "„": '“”"'}


@dataclass(slots=True, frozen=True)
class QuoteSpan:
    """[start, end) of a quotation, marks included; `paragraphs` > 1 when it runs on."""

    start: int
    end: int
    paragraphs: int = 1


def quote_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    blocks = paragraphs(text)
    open_at: int | None = None
    closers = ""
    count = nested = 0
    for index, block in enumerate(blocks):
        position = block.start
        if open_at is not None:  # continued from the previous paragraph: skip this one's opening mark
            position = _first_char(text, block.start, block.end) + 1
            count += 1
        for i in range(position, block.end):
            char = text[i]
            if open_at is None and char in OPENERS:
                open_at, closers, count, nested = i, CLOSERS[char], 1, 0
            elif open_at is not None and char == "“" and text[open_at] == '"':
                nested += 1  # a curly quote inside a straight one: its ” closes it, not the outer quote
            elif open_at is not None and char in closers:
                if char == "”" and nested:
                    nested -= 1
                    continue
                spans.append(QuoteSpan(open_at, i + 1, count))
                open_at = None
        if open_at is not None:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or text[_first_char(text, following.start, following.end)] not in OPENERS:
                spans.append(QuoteSpan(open_at, block.end, count))
                open_at = None
    return [s for s in spans if s.end - s.start > 2]


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start
