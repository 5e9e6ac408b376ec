"""Matching keys for names: what makes "Kiev's", "Kyiv" and "KYIV" one name.

A key is the name's words folded by `storytrace.text.fold` (case, accents, curly quotes, possessive
's and known spelling variants such as Zelensky/Zelenskyy), with leading articles, honorifics and
generic geographic words ("River Ardle" -> "ardle") dropped. Keys are for matching only; display
names keep the article's spelling.
"""

from __future__ import annotations

from storytrace.text import fold, words

HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame lady lord the".split())
# Generic words before a geographic name: "River Ardle" and "the Ardle" are one river.
GEOGRAPHIC_PREFIXES = frozenset({"river", "lake", "mount", "mt"})


def name_key(text: str) -> str:
    """The matching key of a name or description ("" when it has no words)."""
    tokens = [fold(w.text) for w in words(text)]
    while tokens and tokens[0] in HONORIFICS:
        tokens.pop(0)
    if len(tokens) > 1 and tokens[0] in GEOGRAPHIC_PREFIXES:
        tokens.pop(0)
    return " ".join(t for t in tokens if t)


def surname(key: str) -> str:
    """Last word of a key: what a later surname-only mention ("Rutte") repeats."""
    return key.rsplit(" ", 1)[-1] if key else ""
