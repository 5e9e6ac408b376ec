"""Whether a date is stated about the future or the past: the verb group nearest to it in its clause.

News is mostly written in the past tense about the days before publication, so an unqualified
"Thursday" is read as the latest Thursday on or before the publication day, and "March 3" as the March 3
nearest to it. Announcements are the exception that matters: "Ryan will meet Trump on Thursday", "the
Senate is set to vote Monday", "the results will be announced on Saturday" name the coming day, and
reading them backwards puts an event a week before it happened. A date takes the tense of the nearest cue
before it in its clause (after a quotation mark, sentence end or semicolon, at most CLAUSE_CHARS back;
a cue more than CUE_REACH words before the date tells nothing), or, with none there and the date opening
its clause, of the first cue after it ("On Tuesday the Senate will vote"):

- future: will, shall, 'll, "is set / due / scheduled / expected / planning / going to", "scheduled
  for", "is expected" ("a child is expected this summer"), "expect(s)" ("forecasters expect the rain to
  ease on Wednesday"), "upcoming", and a participle after "will be" or "to be" ("will be announced", "is
  to be held"), a modal before any verb but "have" ("Clinton must win in November", "he could win
  California on Tuesday"; "could have won" looks back), unless a past frame holds the plan ("he was set
  to receive an endorsement on Friday") or the date names a thing ("Monday's debate might");
- past: a date after "since" or "as of", or a past verb's own date ("was held on Dec. 4"). A past verb
  further away says nothing: "said the vote on November 8 would be rigged" dates the vote, not the saying;
- neither: present verbs (is, says), which say too little to move a date, a modal before "have", and a
  past verb not next to it ("Trump, who won on Tuesday, will speak" dates the win by its own verb).

Modals were first read as neither. Read as future, they move 43 PolNeAR dates, 36 of them rightly (the
campaign's "in November", "the convention in July", "could win California on Tuesday"). The 6 wrong are a
plan told in the past ("said they would light landmarks on Monday night", a Monday already passed), a date
in a noun phrase ("a boost from the win Tuesday"), and an article dated the day after its writing; a
past frame for modals would undo two of them and break "predicted that neither would arrive at the
convention in July" (bench/results/timeline_tense.md).

The cues are words, not a parse (the timeline stage reads raw text, not the extract stage's parse). An -ed
word after a determiner is an adjective, no past: "will meet the embattled governor on Friday" looks ahead,
and "set the stage for a contested convention in July" names the coming July (4 PolNeAR dates moved, all
rightly, when this was added). Without a determiner ("will meet embattled governors on Friday", "a super
PAC aligned with Bush") the -ed word stops the search and keeps the reading every date had before the
tense was read. bench/results/timeline_tense.md
counts how often the cues move a date on PolNeAR and how often the move is right.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from storytrace.text import is_abbreviation

Tense = Literal["past", "future"] | None

CLAUSE_CHARS = 240  # how far a date's clause is read in either direction
# A cue further back than this many words governs another phrase ("We will be reaching out ... to prevent the
# behavior on display over the weekend", 33 words): on PolNeAR every right move had its cue within 23.
CUE_REACH = 24
TAIL_CHARS = 40  # how far back the few words of a past frame ("had been") or point ("as of their") are read

_PLANS = "set scheduled slated expected poised planning plan plans intend intends going hope hopes aim aims".split()
_MODAL_VERBS = "would could should might must may can cannot".split()
_MODALS = ["is", "are", "am", "has", "have", "says", *_MODAL_VERBS]
# A modal before a verb other than "have" looks ahead: "Clinton must win in November", "he could win California
# on Tuesday", "Cameron would like to see [her] win in November". With "have" it looks back ("could have won").
_MODAL_AHEAD = rf"\b(?:{'|'.join(_MODAL_VERBS)})\b(?!\s+(?:[a-z]+\s+)?have\b)"
_PASSIVE = "is are am be being".split()
_PAST_FORMS = (
    "was were had did said told wrote met spoke gave took made held won lost began went came ran saw got sent "
    "brought thought knew found led paid sold stood fell rose became broke chose drew flew fought heard meant "
    "sought spent threw withdrew struck wore sat felt kept left"
).split()
# Irregular past participles, which a passive takes as it takes an -ed word ("will be held", "is taken"); as
# past forms alone, "held" or "won" made "the primary will be held in February" a past.
_PARTICIPLES = (
    "held made taken given sworn seen known chosen won paid sold done shown told brought built sent spent "
    "kept left found led met run begun drawn written driven thrown grown broken spoken stolen heard lost"
).split()
_PARTICIPLE = rf"(?:[a-z]+ed|{'|'.join(_PARTICIPLES)})"
_FUTURE = (  # the longest first: a verb group is one cue ("will be counted" is not "will" and "counted")
    rf"(?:\b(?:will|shall|won['\u2019]t|to)|['\u2019]ll)\s+(?:[a-z]+\s+){{0,2}}?(?:be\s+{_PARTICIPLE}|have)\b"
    r"|\bwill\b|\bshall\b|\bwon['\u2019]t\b|['\u2019]ll\b|\bupcoming\b"
    rf"|\b(?:{'|'.join(_PLANS)})\s+to\b"
    r"|\b(?:is|are)\s+due\s+to\b|\b(?:scheduled|slated)\s+(?:for|on)\b"
    r"|\b(?:is|are|be)\s+(?:scheduled|slated|expected|due|set)\b"  # "a child is expected this summer"
    r"|\b(?:expects?|expecting)\b"  # "forecasters expect the rain to ease on Wednesday"
    rf"|(?P<modal>{_MODAL_AHEAD})"
)
# A present passive ("the votes are tallied March 15") is no past: it comes first, so it is one cue.
_OTHER = (
    rf"\b(?:{'|'.join(_PASSIVE)})\s+(?!(?:scheduled|slated|expected|poised)\b){_PARTICIPLE}\b"
    rf"|\b(?:{'|'.join(_MODALS)})\b"
)
# A word after these is not a verb: "the planned advertising", "its scheduled vote" ("that passed" may be one).
_DETERMINERS = "the a an its their his her our your my".split()
_NOT_AFTER_DETERMINER = "".join(rf"(?<!\b{word}\s)" for word in _DETERMINERS)
_PAST = (
    rf"\b(?:{'|'.join(_PAST_FORMS)})\b"
    # -ed words, lower case (so not "Ahmed"), not the end of a compound ("delegate-packed") nor an adjective
    # after a determiner; "-eed" is mostly not a past (need, speed)
    rf"|(?<!-){_NOT_AFTER_DETERMINER}\b[a-z]{{2,}}(?<!ee)ed\b"
)
_CUE = re.compile(rf"(?P<future>{_FUTURE})|(?P<past>{_PAST})|(?P<other>{_OTHER})")
# Where a cue may start: a word some cue begins with, a lower-case -ed word, the "'ll" of "he'll". Matching
# the cue pattern only there is what keeps a date cheap (`_cues`).
_CUE_HEADS = [
    *"will shall won't won\u2019t to upcoming expect expects expecting".split(),
    *_PLANS,
    *_MODALS,
    *_PASSIVE,
    *_PAST_FORMS,
]
_CUE_START = re.compile(
    rf"(?<![A-Za-z])(?=[a-z])(?:{'|'.join(sorted(map(re.escape, set(_CUE_HEADS)), key=len, reverse=True))}|[a-z]+ed)\b"
    r"|['\u2019]ll\b"
)

# A past verb's own date follows it, at most behind a preposition: "was held on Dec. 4", "posted in March";
# "said the vote on November 8 would be rigged" dates the vote, not the saying, and stays untensed.
_ADJUNCT = re.compile(r"\s+(?:(?:on|in|by|until|early|late|last)\s+)?")
# A plan told in the past ("he was set to receive an endorsement on Friday", "the rule was to be issued on
# Wednesday") is dated from that past, most often before publication.
_PAST_FRAME = re.compile(r"\b(?:was|were|had(?:\s+been)?)\s+(?:[a-z]+\s+)?$")
# "since December", "as of June 30": a point already passed whatever the tense of the clause.
_PAST_POINT = re.compile(r"\b(?:since|as\s+of)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)  # "since their Oct. 13 debate"
# Only a date that opens its clause takes the tense of a verb after it ("On Thursday, Comey will testify"); a
# date inside the subject does not ("Her victories on Tuesday will accelerate that shift").
_OPENS_CLAUSE = re.compile(
    r"^\W*(?:(?:and|but|so|then)\s+)?(?:on|by|until|from|starting|beginning|this|next|early|late)?\s*$", re.IGNORECASE
)
# "Monday's debate might not move mountains": a date naming a thing takes no modal after it, which says how
# sure the writer is more than when the thing happens; "Tuesday's primary will decide" still looks ahead.
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_CLAUSE_END = re.compile(r"[.!?]\s|[\n;\"\u201c\u201d\u00ab\u00bb]")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def date_tense(text: str, start: int, end: int) -> Tense:
    """Whether the date at text[start:end] is stated about the future, about the past, or neither (see the
    module docstring)."""
    before = _clause_before(text, start)
    if _PAST_POINT.search(before, max(0, len(before) - TAIL_CHARS)):
        return "past"
    nearest = _nearest_cue(before)
    if nearest:
        if len(before[nearest.end() :].split()) > CUE_REACH:
            return None
        if nearest["future"]:
            framed = _PAST_FRAME.search(before, max(0, nearest.start() - TAIL_CHARS), nearest.start())
            return None if framed else "future"
        return "past" if nearest["past"] and _ADJUNCT.fullmatch(before, nearest.end()) else None
    if not _OPENS_CLAUSE.match(before):
        return None
    first = next(_cues(_clause_after(text, end)), None)
    if first and first["modal"] and _POSSESSIVE.match(text, end):
        return None
    return "future" if first and first["future"] else None


def told_in_past(text: str, start: int, end: int) -> bool:
    """Whether the clause of the date at text[start:end] tells of the past at all: a past verb anywhere
    before the date in it, or, with no verb before it, a past verb first after it ("In May, a federal judge
    ordered", "After a test in January, the Security Council imposed").

    Weaker than `date_tense`, which reads only the verb nearest the date: "posted a comment on Twitter in
    August" says nothing of August there, since a far past verb may govern another phrase ("said the vote
    on November 8 would be rigged"). It decides only a month without a year and a weekday, which without it
    are the nearest (`timeline.resolve`): "the convention in July" in May is this July, "rented office
    space in December" in August is last December."""
    before = _clause_before(text, start)
    cues = list(_cues(before))
    if any(cue["past"] for cue in cues) or _PAST_POINT.search(before):
        return True
    first = None if cues else next(_cues(_clause_after(text, end)), None)
    return bool(first and first["past"])


def looks_ahead(text: str, start: int, end: int) -> bool:
    """Whether the sentence of the date at text[start:end] holds a future cue anywhere, across its clauses and
    quotations ("she isn't going to straighten it out" over the next four years; "that would double the
    deficit projected over the next decade"). A time from publication on ("the next two years") whose own
    clause reads as past is told of another time ("he spent the next two years in prison") only when nothing
    in its sentence looks ahead: the past cues near it are often not its verb ("projected", "if elected")."""
    return any(cue["future"] for cue in _cues(sentence_around(text, start, end)))


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], at most CLAUSE_CHARS either side."""
    return _clause_before(text, start, _SENTENCE_END) + text[start:end] + _clause_after(text, end, _SENTENCE_END)


def _nearest_cue(clause: str) -> re.Match[str] | None:
    """The cue that ends last in the clause; of two ending together the longer ("will be announced" over
    "announced")."""
    return max(_cues(clause), key=lambda cue: (cue.end(), -cue.start()), default=None)


def _cues(clause: str) -> Iterator[re.Match[str]]:
    """The cues of the clause, in order, tried only where one may start (_CUE_START). Trying the cue pattern
    at every character, as a scan does, cost 160 microseconds a date on a 240-character clause; tried only
    there, a date's whole tense takes 20 to 70 (the most for text of nothing but cue words)."""
    taken = 0
    for at in _CUE_START.finditer(clause):
        if at.start() >= taken and (cue := _CUE.match(clause, at.start())):
            taken = cue.end()  # a verb group is one cue: "held" inside "is held" is no past of its own
            yield cue


def _clause_before(text: str, start: int, ends: re.Pattern[str] = _CLAUSE_END) -> str:
    """The text from the last end (`ends`: of a clause, or of a sentence) before `start`, at most CLAUSE_CHARS."""
    window = max(0, start - CLAUSE_CHARS)
    found = list(ends.finditer(text, window, start))
    last = next((end.end() for end in reversed(found) if _ends_clause(text, end)), window)
    return text[last:start]


def _clause_after(text: str, end: int, ends: re.Pattern[str] = _CLAUSE_END) -> str:
    """The text from `end` to the next end (`ends`), at most CLAUSE_CHARS."""
    stop = min(len(text), end + CLAUSE_CHARS)
    return text[end : next((m.start() for m in ends.finditer(text, end, stop) if _ends_clause(text, m)), stop)]


def _ends_clause(text: str, match: re.Match[str]) -> bool:
    """The dot of "Sen." or "Mr." ends no clause."""
    return not is_abbreviation(text, match.start())
