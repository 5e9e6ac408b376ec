"""Text primitives every stage shares: paragraphs, sentences and words with character offsets.

Offsets always index the article's original text, so any span a stage reports can be shown, exported
and compared without re-tokenising. `fold` maps spelling variants (Kiev/Kyiv, Zelensky/Zelenskyy,
curly/straight quotes, British/American -ise/-ize) to one form for matching only; it is never used
for display.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# Function words, reporting verbs and news words: frequent in every report, so they say nothing of what
# one report shares with another (story centroids, quotes matched across articles).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which while who whom why
    will with would you your yours said says say told tells new one two year years week day days time like get
    got us mr mrs ms via amid per may might must shall news report reports reported according""".split()
)

WORD_RE = re.compile(r"\w+(?:[’'.-]\w+)*", re.UNICODE)
_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")
# A sentence ends at . ! ? (or …) followed by optional closing quotes/brackets, then whitespace
# and something that can open a sentence.
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F])")
# Words written with a dot that rarely end a sentence: titles, ranks, "Mt." (Mt. Gox), "Jos." (Jos. A. Bank).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt capt maj rep sen gov pres no vs etc inc ltd co corp "
    "mt ft jos esq rev hon fr bros dept ave blvd "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m".split()
)
_WORD_BEFORE_RE = re.compile(r"[\w.]+$")  # the word a dot follows, its own inner dots included ("U.S")
ABBREVIATION_WINDOW = 32
_INITIALS_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "J.C" of "J.C. Penney", "D.C", "U.S.A"

# Spelling variants folded together for matching; the left form maps to the right one.
SPELLING_VARIANTS: dict[str, str] = {
    "kiev": "kyiv",
    "zelensky": "zelenskyy",
    "zelenskiy": "zelenskyy",
    "zelenski": "zelenskyy",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "lvov": "lviv",
    "nato's": "nato",
    "defense": "defence",
}
TITLE_CASE_SHARE = 0.8
TITLE_CASE_CHARS = 300
_ENDINGS = r"(e|ed|es|ing|ation|ations)$"  # of the -ise/-ize spellings `fold` merges ("organisation")
_ISE_ENDING, _IZE_ENDING = re.compile("is" + _ENDINGS), re.compile("iz" + _ENDINGS)
_QUOTE_TRANSLATION = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


@dataclass(slots=True, frozen=True)
class Span:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Span]:
    """Blocks of text separated by blank lines, or by single newlines when the text has no blank lines."""
    if re.search(r"\n[ \t]*\n", text):
        matches = _PARAGRAPH_RE.finditer(text)
    else:
        matches = re.finditer(r"[^\n]+", text)
    return [Span(m.start(), m.end(), m.group()) for m in matches if m.group().strip()]


def sentences(text: str) -> list[Span]:
    """Sentences with offsets: split within paragraphs, never across a line break that ends a paragraph."""
    spans: list[Span] = []
    for paragraph in paragraphs(text):
        start = 0
        body = paragraph.text
        for match in _SENTENCE_END_RE.finditer(body):
            if is_abbreviation(body, match.start()):
                continue
            spans.extend(_trimmed(body, start, match.end(), paragraph.start))
            start = match.end()
        spans.extend(_trimmed(body, start, len(body), paragraph.start))
    return spans


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the dot at `dot` ends the word before it rather than a sentence. Only the last
    ABBREVIATION_WINDOW characters are read: reading the whole text before every dot made a paragraph of
    n dots cost n^2 (hostile input: 80 KB of "a. A" took 74 s), and a longer word is no abbreviation."""
    if text[dot] != ".":
        return False
    window = max(0, dot - ABBREVIATION_WINDOW)
    word = _WORD_BEFORE_RE.search(text, window, dot)
    if not word or (word.start() == window and window > 0 and _WORD_BEFORE_RE.match(text, window - 1, window)):
        return False
    token = word.group().lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or bool(_INITIALS_RE.fullmatch(token))


def in_title_case(text: str, start: int, end: int) -> bool:
    """Whether the line around text[start:end], that span left out, is written in title case, as headlines
    are: at least TITLE_CASE_SHARE of its words of four letters or more capitalised, and three such words at
    least. In running text a run of capitalised words ("ABC's This Week", "Ben Carson Slams Hillary") is a
    name or a title; in a headline every word is capitalised and the capitals say nothing. Only
    TITLE_CASE_CHARS either side are read, so a text without line breaks costs no more per call."""
    window = max(0, start - TITLE_CASE_CHARS)
    first = text.rfind("\n", window, start) + 1 or window
    last = text.find("\n", end, end + TITLE_CASE_CHARS)
    last = min(len(text), end + TITLE_CASE_CHARS) if last < 0 else last
    long = [
        w
        for part in (text[first:start], text[end:last])
        for w in WORD_RE.findall(part)
        if len(w) >= 4 and w[0].isalpha()
    ]
    capitalised = sum(w[0].isupper() for w in long)
    return len(long) >= 3 and capitalised >= TITLE_CASE_SHARE * len(long)


def _trimmed(text: str, start: int, end: int, offset: int) -> list[Span]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return []
    lead = len(chunk) - len(chunk.lstrip())
    s = offset + start + lead
    return [Span(s, s + len(stripped), stripped)]


def words(text: str) -> Iterator[Span]:
    """Word tokens with offsets (letters/digits, keeping inner apostrophes, dots and hyphens)."""
    for match in WORD_RE.finditer(text):
        yield Span(match.start(), match.end(), match.group())


@lru_cache(maxsize=500_000)
def fold(token: str) -> str:
    """Matching key of a word: lower case, no accents, straight quotes, spelling variants merged. Cached:
    news vocabulary is Zipfian, so a bounded cache removes most of the cost of folding every word of every
    article (the stories stage's features, the timeline's events)."""
    token = unicodedata.normalize("NFKD", token.translate(_QUOTE_TRANSLATION).lower())
    token = "".join(ch for ch in token if not unicodedata.combining(ch))
    if token.endswith("'s"):
        token = token[:-2]
    token = SPELLING_VARIANTS.get(token, token)
    # British -ise/-isation spellings fold onto -ize/-ization.
    return _ISE_ENDING.sub(r"iz\1", token) if len(token) > 5 else token


_FOLDED_FROM = {
    target: tuple(variant for variant, folded in SPELLING_VARIANTS.items() if folded == target)
    for target in SPELLING_VARIANTS.values()
}


def spellings(token: str) -> list[str]:
    """The spellings `fold` merges with the word's, its folded form first ("Kiev" -> kyiv, kiev; "organise"
    -> organize, organise): what a search for one spelling must also look for, since the store keeps each
    article's own."""
    key = fold(token)
    forms = [key, *_FOLDED_FROM.get(key, ())]
    if len(key) > 5 and _IZE_ENDING.search(key):
        forms.append(_IZE_ENDING.sub(r"is\1", key))
    return forms


def starts_within(offset: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether a span starting at `offset` starts inside one of `spans` (start inclusive, end exclusive):
    a name the NER ran past a span's end still starts inside it."""
    return any(start <= offset < end for start, end in spans)


def clip_around(text: str, start: int, end: int, limit: int) -> str:
    """About `limit` characters of `text` around its span [start, end), cut at word boundaries (inside a
    word only when it has no boundary), an ellipsis marking each cut: the part of a long sentence that
    says what a phrase in it is about. The span itself is always kept whole."""
    if len(text) <= limit:
        return text
    width = max(limit, end - start)
    left = max(0, start - (width - (end - start)) // 2)
    right = min(len(text), left + width)
    left = max(0, min(left, right - width))
    head, tail = text[left:start], text[end:right]
    prefix = suffix = ""
    if left > 0:
        if not text[left - 1].isspace() and " " in head:  # drop the word the window starts inside
            head = head[head.find(" ") + 1 :]
        head, prefix = head.lstrip(), "…"
    if right < len(text):
        if not text[right].isspace() and " " in tail:  # drop the word the window ends inside
            tail = tail[: tail.rfind(" ")]
        tail, suffix = tail.rstrip(",;:–—- "), "…"
    return prefix + head + text[start:end] + tail + suffix
