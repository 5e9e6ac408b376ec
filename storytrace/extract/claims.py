"""Numeric claims: a quantity, normalised, with what it counts and who said it.

Candidates are spaCy's CARDINAL, MONEY, PERCENT and QUANTITY entities (DATE and TIME are never
counts). The value is parsed from digits and scale words ("1 million", "35 billion", "10,000",
"two and a half"); the unit is the currency (EUR/USD/GBP), "percent", or else the counted noun the
dependency parse attaches the number to ("10,000 soldiers" -> soldiers; "NATO's 32 member states"
-> member states, owner NATO). Bounds come from the words before the number ("more than" is a lower
bound, "up to" an upper one, "about" approximate). A number with neither unit nor counted noun is
not a claim (a bare "one" or a list index), so it is dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

NUMERIC_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
WORD_NUMBERS = {
    w: float(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
WORD_NUMBERS.update({"a": 1.0, "an": 1.0, "half": 0.5, "dozen": 12.0, "dozens": 24.0})
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "¥": "JPY",
    "yen": "JPY",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
}
CURRENCY_SYMBOLS = frozenset(key for key in CURRENCIES if not key.isalpha())  # "$", "us$", "€"...
QUALIFIERS = (
    (("more than", "over", "at least", "upwards of", "in excess of", "a minimum of", "no fewer than"), "lower-bound"),
    (("up to", "less than", "fewer than", "under", "at most", "a maximum of", "no more than"), "upper-bound"),
    (
        ("about", "around", "nearly", "almost", "some", "roughly", "approximately", "an estimated", "close to"),
        "approximate",
    ),
)
# Counted nouns that say little alone: "people" in one sentence is not "people" in another.
GENERIC_NOUNS = frozenset({"people", "persons", "others", "men", "women", "children", "individuals", "residents"})
_CLAUSE_WORDS = 6  # at most this many words of a relative clause join the subject
DURATION_UNITS = frozenset({"years", "months", "weeks", "days", "hours"})
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # 3,000.5 or 2.5; not a version 4.4.2
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")  # a bare year the NER did not tag DATE is a date, not a count
# A number with an era ("753 BC", "AD 14", "1 BCE") is a year, which the small model tags CARDINAL and whose
# era it reads as the counted noun ("1 BC" was a count of "bc").
ERAS_AFTER = frozenset({"BC", "B.C.", "BCE", "B.C.E.", "AD", "A.D.", "CE", "C.E."})
ERAS_BEFORE = frozenset({"AD", "A.D."})
POWER = "^"  # "10^6": the base and the exponent are two entities with the caret between


@dataclass(slots=True)
class FoundClaim:
    start: int
    end: int
    text: str
    value: float
    unit: str | None
    subject: str | None
    qualifier: str | None


def extract_claims(doc: Doc) -> list[FoundClaim]:
    claims = []
    for ent in map(_with_currency_symbol, _with_exponents(_number_spans(doc))):
        if _is_era_year(ent):
            continue
        value = parse_value(ent)
        if value is None or (value == 1 and not any(t.like_num and t.text[0].isdigit() for t in ent)):
            continue
        noun = _counted_noun(ent)
        unit = _unit(ent, noun)
        if unit is None:
            continue
        subject = _subject(noun) if noun is not None and noun.lower_ not in CURRENCIES else None
        if noun is not None and noun.i < ent.start and noun.head.lower_ == "of":
            subject = None  # a part of a counted whole ("of the 1,500 people, about 600"): not the same count
        end = max(ent.end, noun.i + 1) if noun is not None and noun.i >= ent.end else ent.end
        span = doc[ent.start : end]
        claims.append(FoundClaim(span.start_char, span.end_char, span.text, value, unit, subject, _qualifier(ent)))
    return claims


def _number_spans(doc: Doc) -> list[Span]:
    """Numeric entities, plus number runs the NER missed ("up to 35 billion euros") outside any entity,
    plus bounded durations the NER calls dates ("up to eight years in prison": a count of years, where
    "eight years ago" is a point in time and "over two years" a period)."""
    spans = [ent for ent in doc.ents if ent.label_ in NUMERIC_LABELS or _is_duration(ent)]
    in_entity = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    run: list[Token] = []
    for token in [*doc, None]:
        part = (
            token is not None
            and token.i not in in_entity
            and (token.like_num or (run and token.lower_ in SCALES) or token.text in "$€£")
        )
        if part:
            run.append(token)  # type: ignore[arg-type]
            continue
        if any(t.like_num for t in run) and not (len(run) == 1 and _YEAR_RE.fullmatch(run[0].text)):
            spans.append(Span(doc, run[0].i, run[-1].i + 1, label="CARDINAL"))
        run = []
    return sorted(spans, key=lambda s: s.start)


def _with_exponents(spans: list[Span]) -> list[Span]:
    """The spans with each power written with a caret ("10^6", "10 ^ 80") made one span of base, caret and
    exponent: read apart, the base was a count of "^" and the exponent a count of what follows."""
    merged: list[Span] = []
    for span in spans:
        previous = merged[-1] if merged else None
        doc = span.doc
        if previous is not None and span.start == previous.end + 1 and doc[previous.end].text == POWER:
            merged[-1] = Span(doc, previous.start, span.end, label=previous.label_)
        else:
            merged.append(span)
    return merged


def _is_era_year(ent: Span) -> bool:
    """Whether the number is a year with its era ("753 BC", "AD 14"), not a count of a name that starts like
    one ("5 BC Hydro shares")."""
    doc = ent.doc
    era_at = ent.end if ent.end < len(doc) and doc[ent.end].text in ERAS_AFTER else None
    if era_at is not None and era_at + 1 < len(doc) and doc[era_at + 1].is_title:
        era_at = None
    before = doc[ent.start - 1].text if ent.start > 0 else ""
    return era_at is not None or before in ERAS_BEFORE or ent[-1].text in ERAS_AFTER or ent[0].text in ERAS_BEFORE


def _with_currency_symbol(ent: Span) -> Span:
    """The entity with the currency symbol just before it, which the small model often leaves out of
    a MONEY entity ("$" + "1,299.50"): without it the amount has no unit and would be dropped."""
    if ent.start > 0 and ent.doc[ent.start - 1].lower_ in CURRENCY_SYMBOLS:
        return Span(ent.doc, ent.start - 1, ent.end, label=ent.label_)
    return ent


def _is_duration(ent: Span) -> bool:
    if ent.label_ != "DATE" or ent[-1].lower_ not in DURATION_UNITS or not any(t.like_num for t in ent):
        return False
    following = ent.doc[ent.end].lower_ if ent.end < len(ent.doc) else ""
    bounded = any(ent.text.lower().startswith(f"{p} ") for phrases, _ in QUALIFIERS[:2] for p in phrases)
    return bounded and following not in {"ago", "old", "later", "earlier", "before", "after"}


def parse_value(ent: Span) -> float | None:
    """The number an entity states: digits or number words, times any scale word (million, bn...); None for
    one past what a float holds (400 nines), which no comparison can use and JSON cannot write."""
    if POWER in (tokens := [t.text for t in ent]):
        at = tokens.index(POWER)
        base, exponent = (parse_value(part) if len(part) else None for part in (ent[:at], ent[at + 1 :]))
        if base is None or exponent is None:
            return None
        try:
            value = base**exponent
        except OverflowError:
            return None
        return value if isinstance(value, float) and math.isfinite(value) else None
    value: float | None = None
    scale = 1.0
    for token in ent:
        lower = token.lower_.rstrip(".")
        match = _NUMBER_RE.fullmatch(lower.lstrip("$€£¥"))
        if match:
            number = float(match.group().replace(",", ""))
            value = number if value is None else value + number
        elif lower in WORD_NUMBERS and (value is None or lower == "half"):
            value = WORD_NUMBERS[lower] if value is None else value + WORD_NUMBERS[lower]
        elif lower in SCALES:
            scale *= SCALES[lower]
    if value is None or not math.isfinite(value * scale):
        return None
    return value * scale


def _counted_noun(ent: Span) -> Token | None:
    """The noun a number counts: the one it modifies ("10,000 soldiers"), the next noun, the object
    a verb puts at it ("police put the crowd at 2,000"), or, for a number standing alone as a
    subject, the counted noun of a partitive "of" earlier in its sentence ("Of the 1,500 people who
    left, about 600 were still in shelters")."""
    root = ent.root
    if root.dep_ in {"nummod", "quantmod", "amod", "compound"} and root.head.pos_ in {"NOUN", "PROPN"}:
        return root.head if not (ent.start <= root.head.i < ent.end) else None
    following = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if following is not None and following.pos_ == "NOUN" and following.head.i >= following.i:
        return following.head if following.head.pos_ == "NOUN" else following
    if root.dep_ == "pobj" and root.head.lower_ == "at" and root.head.head.pos_ == "VERB":
        return next((c for c in root.head.head.children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
    if root.dep_ in {"nsubj", "nsubjpass"}:
        partitive = [
            t for t in ent.sent if t.i < ent.start and t.dep_ == "pobj" and t.head.lower_ == "of" and t.pos_ == "NOUN"
        ]
        if partitive and any(c.dep_ == "nummod" for c in partitive[0].children):
            return partitive[0]
    return None


def _unit(ent: Span, noun: Token | None) -> str | None:
    if ent.label_ == "PERCENT" or any(t.lower_ in {"%", "percent", "per"} for t in ent):
        return "percent"
    for token in ent:
        lower = token.lower_
        for symbol, code in CURRENCIES.items():
            if lower == symbol or (symbol in "$€£¥" and lower.startswith(symbol)):
                return code
    if noun is not None and noun.lower_ in CURRENCIES:
        return CURRENCIES[noun.lower_]
    if noun is not None:
        compounds = [c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
        return " ".join([*(c.lower_ for c in compounds), noun.lower_])
    if ent.label_ == "QUANTITY" or _is_duration(ent):
        return ent[-1].lower_
    return None


def _subject(noun: Token) -> str:
    """What the number counts: the noun with its compounds and a short prepositional tail
    ("people without heat"), with the owner when there is one ("NATO's member states"), and a short
    relative clause right after a generic noun ("four people who climbed the scaffolding", not a bare
    "people" that would group with every other count of people)."""
    doc = noun.doc
    owner = [t for c in noun.lefts if c.dep_ == "poss" for t in c.subtree]
    compounds = [t for c in noun.lefts if c.dep_ == "compound" for t in c.subtree]
    end = noun.i + 1
    following = doc[end] if end < len(doc) else None
    # The parse often hangs "without heat" on the verb; right after the noun it still says what is counted.
    if (
        following is not None
        and following.dep_ == "prep"
        and (following.lower_ == "without" or (following.head is noun and following.lower_ in {"of", "with"}))
    ):
        objects = [c for c in following.children if c.dep_ == "pobj"]
        end = objects[0].i + 1 if objects else end
    clause = next((c for c in noun.rights if c.dep_ in {"relcl", "acl"} and c.i <= end + 1), None)
    if end == noun.i + 1 and noun.lower_ in GENERIC_NOUNS and clause is not None:
        end = min(clause.right_edge.i + 1, clause.i + _CLAUSE_WORDS)
        while end < len(doc) and end > noun.i + 1 and doc[end].pos_ == "PROPN" and doc[end - 1].pos_ == "PROPN":
            end -= 1  # never cut a name in two
        while end > noun.i + 1 and (doc[end - 1].is_punct or doc[end - 1].pos_ in {"ADP", "DET", "CCONJ", "PROPN"}):
            end -= 1
    head = doc[min([noun.i, *(t.i for t in compounds)]) : end].text
    return f"{doc[owner[0].i : owner[-1].i + 1].text} {head}" if owner else head


def _qualifier(ent: Span) -> str | None:
    doc = ent.doc
    window = doc[max(0, ent.start - 3) : min(ent.end, ent.start + 3)].text.lower()
    for phrases, qualifier in QUALIFIERS:
        if any(re.search(rf"\b{re.escape(p)}\b", window) for p in phrases):
            return qualifier
    return None
