"""Control characters out of what is ingested: no news text needs them, and a terminal runs them.

An article's title, text or outlet is printed by `search`, `demo` and a reader's own `cat` of an export. A
C0 or C1 control character there is at best noise and at worst a command to the terminal: ESC sequences
clear the screen, move the cursor or retitle the window (OSC), so a hostile page could make the output
say something it does not. Tabs and line breaks are layout and stay; a vertical tab or form feed is a
line break; every other control character (U+0000-U+001F, U+007F-U+009F) is dropped. Done at ingest, before
the content hash, so what is stored, analysed, exported and shown is the same clean text.
"""

from __future__ import annotations

import dataclasses
import re

from storytrace.model import Article

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKING = re.compile(r"[\x0b\x0c]")
_FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name != "content_hash")


def without_controls(value: str) -> str:
    return _CONTROL.sub("", _LINE_BREAKING.sub("\n", value))


def clean_article(article: Article) -> Article:
    """The article with control characters out of every text field (itself when it has none)."""
    changes = {
        name: without_controls(value)
        for name in _FIELDS
        if isinstance(value := getattr(article, name), str) and (_CONTROL.search(value) or _LINE_BREAKING.search(value))
    }
    return dataclasses.replace(article, **changes, content_hash="") if changes else article
