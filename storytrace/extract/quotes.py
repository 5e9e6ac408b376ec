"""Quotes of one article: direct, partial and indirect speech, each with its cue verb and speaker.

Direct and partial quotes start from the quote marks (`marks.quote_spans`); the attribution is looked
for in the text around the marks, within the same sentence and paragraph:

    "...," X said.  /  "...," said X.  /  "..." X told reporters   -> after the closing mark
    X said: "..."   /  X stuck to the line, saying: "..."          -> before the opening mark

A quote that opens its sentence is direct; a quote inside a sentence is direct when it follows a cue
and a colon or comma and reads as a sentence, partial (described the attacks as "depraved") when a
cue verb governs it, and a scare quote (no cue) otherwise, which is not reported. A direct quote with
no attribution of its own takes the speaker of the quote next to it in the same paragraph, or, when
it opens a paragraph, of the last quote in the previous one (the "continuing quote" convention).

Indirect speech comes from the dependency parse: a cue verb with a clausal complement (Zelenskyy said
that ...; X told reporters ...; the Post has learned ...; X urged allies to ...), a parenthetical cue
(The economy, he argued, is weak), the object or prepositional complement of a cue that takes one (X
denied the report; X called for talks; X called the deal "terrible"), a speech noun with a that-clause
(Trump's assertion that ...), or "according to X". Clauses that are a direct quote already are skipped.

Speakers are resolved in text order by `SpeakerResolver` so pronouns can look back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span, Token

from storytrace.extract.marks import OPENERS, QuoteSpan, quote_spans
from storytrace.extract.nlp import MAX_SENTENCE_TOKENS
from storytrace.extract.speakers import SUBJECT_DEPS, Speaker, SpeakerResolver, speaker_phrase
from storytrace.model import QuoteKind
from storytrace.text import paragraphs

CUE_LEMMAS = frozenset(
    "say tell add state note claim argue insist explain warn suggest announce declare write report reply "
    "respond confirm deny admit acknowledge stress emphasise emphasize urge describe reiterate caution "
    "predict promise vow accuse allege complain concede contend recall remark reveal signal tweet post "
    "conclude comment maintain observe point sum testify estimate agree criticise criticize praise pledge "
    "mention indicate assert joke shout chant cite quip ask believe think fear hope expect learn call "
    "continue hammer tout boast lament concur dismiss brag threaten demand propose exclaim yell scream laugh "
    "sigh whisper murmur retort counter interject recount muse wonder marvel opine gush plead beg proclaim chime "
    "summarize summarise text email recommend advise inform acknowledge charge rave scoff snap tease quote show "
    "find".split()
)
# Cues that do not attribute a quote they follow ('"...," he hoped' is rare; '"X" called Y' is common).
_NOT_AFTER_QUOTE = frozenset({"call", "hope", "expect", "learn", "fear"})
# Cues whose object is what was said ("denied the report", "called the merger a terrible deal").
OBJECT_CUES = frozenset(
    "announce describe deny acknowledge admit dismiss criticise criticize praise call propose demand reject "
    "defend predict vow pledge promise concede cite dispute question blame endorse reiterate recommend "
    "express voice condemn welcome support oppose accuse discuss attack seek endorse".split()
)
# Cues whose prepositional complement is what was said ("called for an end to the strike").
PREPOSITION_CUES = {
    "call": ("for",),
    "warn": ("of", "about", "against"),
    "complain": ("about", "of"),
    "argue": ("for", "against"),
    "insist": ("on",),
    "speak": ("of", "about"),
    "talk": ("about",),
    "accuse": ("of",),
    "worry": ("about",),
    "criticize": ("for",),
    "criticise": ("for",),
    "blame": ("for",),
}
# Nouns whose that-clause is a statement ("Trump's assertion that ...").
NOUN_CUES = frozenset(
    "assertion claim statement warning argument suggestion insistence promise pledge allegation accusation "
    "admission announcement prediction remark comment denial assurance vow threat".split()
)
_COMPLEMENT_CUES = OBJECT_CUES | PREPOSITION_CUES.keys() | {"want", "feel", "know", "decline", "vow"}
_COMPLEMENT_DEPS = frozenset({"oprd", "prep", "advcl"})  # "described X as Y", "called X a Y"
_CONTINUATION_DEPS = frozenset({"xcomp", "conj", "prep"})
_DASHES = frozenset({"―", "—", "–", "-", "--"})
_SENTENCE_END = frozenset({".", "!", "?"})
_MIN_INDIRECT_TOKENS = 3
_MIN_UNATTRIBUTED_WORDS = 5  # a shorter quote with no speaker at all is a title ("The Walking Dead")
_AFTER_WINDOW = 25  # tokens: room for a long apposition ('", Jenna Golden, Twitter's director of ..., said')


@dataclass(slots=True)
class FoundQuote:
    start: int
    end: int
    kind: QuoteKind
    cue: str | None
    speaker_head: Token | None
    paragraph: int
    opens_paragraph: bool = False
    speaker: Speaker | None = None
    speaker_span: tuple[int, int] | None = None  # offsets of the speaker phrase the speaker was read from
    carried: bool = False  # speaker taken from a neighbouring quote (a continuation of one quotation)
    cue_token: int | None = None  # index of the cue token: quotes sharing it are one quotation


def extract_quotes(doc: Doc, resolver: SpeakerResolver) -> list[FoundQuote]:
    """Every quote of the article, speakers resolved, in text order."""
    tokens = _TokenIndex(doc)
    text = tokens.text
    paragraph_starts = [p.start for p in paragraphs(text)]
    marks = quote_spans(text)
    found = [q for i, span in enumerate(marks) if (q := _direct(span, marks, i, tokens, paragraph_starts))]
    found.extend(_indirect(doc, marks, [q for q in found if q.kind == "direct"], paragraph_starts))
    for quote in sorted(found, key=lambda q: q.speaker_head.idx if q.speaker_head is not None else q.start):
        if quote.speaker_head is not None:
            quote.speaker = resolver.resolve(quote.speaker_head)
            phrase = speaker_phrase(quote.speaker_head)
            quote.speaker_span = (phrase.start_char, phrase.end_char)
    found.sort(key=lambda q: q.start)
    _carry_speakers(found)
    return [q for q in found if q.speaker is not None or len(text[q.start : q.end].split()) >= _MIN_UNATTRIBUTED_WORDS]


class _TokenIndex:
    """Token lookup by character offset (and the text, which `Doc.text` rebuilds on every access)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]

    @cached_property
    def stops(self) -> list[bool]:
        """Whether each token ends a sentence, as a plain list for walks over tokens (indexing a Doc builds
        a Token object each time); built on first use, so an article without quotes never pays for it."""
        return [t.text in _SENTENCE_END or (t.is_space and "\n" in t.text) for t in self.doc]

    def at_or_after(self, char: int) -> int:
        return bisect.bisect_left(self.starts, char)

    def before(self, char: int) -> int:
        return bisect.bisect_left(self.starts, char) - 1


def _direct(
    span: QuoteSpan, marks: list[QuoteSpan], index: int, tokens: _TokenIndex, paragraph_starts: list[int]
) -> FoundQuote | None:
    """Classify one quoted span (direct, partial, or None for a scare quote) and find its cue and
    speaker head, from its sentence and paragraph only."""
    doc = tokens.doc
    paragraph = bisect.bisect_right(paragraph_starts, span.start) - 1
    text = tokens.text
    ceiling = marks[index + 1].start if index + 1 < len(marks) else len(text)
    last_paragraph = bisect.bisect_right(paragraph_starts, span.end - 1) - 1
    if last_paragraph + 1 < len(paragraph_starts):
        ceiling = min(ceiling, paragraph_starts[last_paragraph + 1])
    before = _before_context(doc, tokens, marks, index, paragraph_starts[paragraph])
    after = _after_context(doc, tokens, span.end, ceiling)
    after_cue = _first_cue(after[:_AFTER_WINDOW])
    before_cue = _last_cue(before)
    words = text[span.start + 1 : span.end].split()
    opens = not len(before)
    opens_paragraph = opens and span.start <= _paragraph_body_start(text, paragraph_starts[paragraph])
    if opens_paragraph and after_cue is None and paragraph > 0:
        before = _introduction(doc, tokens, paragraph_starts[paragraph])
        before_cue = _last_cue(before) if before else None
        opens = before_cue is None
    sentence_like = _capitalised(words) or len(words) >= 8
    kind: QuoteKind
    if opens:
        kind, cue = "direct", after_cue
    elif before_cue is not None:
        kind, cue = ("direct" if _introduces(before, before_cue) and sentence_like else "partial"), before_cue
    elif after_cue is not None:
        kind, cue = ("direct" if _ends_in_pause(text, span) and sentence_like else "partial"), after_cue
    else:
        return None
    head = None
    if cue is not None:
        head = _speaker_head(cue, after) if cue is after_cue else _speaker_head(cue, before)
    elif opens:
        head = _signature(after)
    cue_token = cue.i if cue is not None else None
    return FoundQuote(span.start, span.end, kind, _cue_text(cue), head, paragraph, opens_paragraph, cue_token=cue_token)


def _before_context(doc: Doc, tokens: _TokenIndex, marks: list[QuoteSpan], index: int, floor: int) -> list[Token]:
    """The sentence's tokens before a quote, outside other quotes: back to a sentence end, or to an
    earlier quote that closes a sentence ('"A." "B," he said': B opens its sentence). At most
    MAX_SENTENCE_TOKENS steps back, quotes skipped included: no sentence is longer, and text without
    sentence ends would otherwise be walked back to its paragraph's start from every quote in it."""
    context: list[int] = []
    i = tokens.before(marks[index].start)
    previous = index - 1
    for _ in range(MAX_SENTENCE_TOKENS):
        if i < 0 or tokens.starts[i] < floor:
            break
        if previous >= 0 and tokens.starts[i] < marks[previous].end:
            if tokens.text[marks[previous].end - 2] in ".!?…":
                break
            i = tokens.before(marks[previous].start)
            previous -= 1
            continue
        if tokens.stops[i]:
            break
        context.append(i)
        i -= 1
    return [doc[i] for i in reversed(context)]


def _signature(after: Span) -> Token | None:
    """The name in a dash signature after a quote ('"..." ― Pamela Padilla')."""
    if len(after) < 2 or after[0].text not in _DASHES:
        return None
    names = [t for t in after[1:4] if t.pos_ == "PROPN" or t.ent_type_ == "PERSON"]
    return names[-1] if names else None


def _introduction(doc: Doc, tokens: _TokenIndex, paragraph_start: int) -> list[Token]:
    """The last sentence of the previous paragraph when it ends with a colon ("In a speech, he declared:")."""
    i = tokens.before(paragraph_start)
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0 or doc[i].text != ":":
        return []
    end = i
    while i >= 0 and not tokens.stops[i]:
        i -= 1
    return list(doc[i + 1 : end + 1])


def _after_context(doc: Doc, tokens: _TokenIndex, end: int, ceiling: int) -> Span:
    first = tokens.at_or_after(end)
    i = first
    while i < len(doc) and tokens.starts[i] < ceiling and not tokens.stops[i]:
        if doc[i].text[0] in OPENERS:
            break
        i += 1
    return doc[first:i]


def _is_cue(token: Token) -> bool:
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        return True
    return token.pos_ == "VERB" and token.lemma_.lower() in CUE_LEMMAS


def _first_cue(tokens: Span) -> Token | None:
    return next((t for t in tokens if _is_cue(t) and t.lemma_.lower() not in _NOT_AFTER_QUOTE), None)


def _last_cue(tokens: list[Token]) -> Token | None:
    return next((t for t in reversed(tokens) if _is_cue(t)), None)


def _introduces(before: list[Token], cue: Token) -> bool:
    """The quote follows its cue directly: `said:`, `saying,`, `told reporters:`, `said that`."""
    last = before[-1]
    return last.text in {":", ",", "that"} or last.i == cue.i or (last.i - cue.i <= 3 and last.text in {":", ","})


def _ends_in_pause(text: str, span: QuoteSpan) -> bool:
    """The quote closes with , ? ! — or is followed by one: the mark of '"...," he said'."""
    inside = text[span.end - 2 : span.end - 1]
    return inside in {",", "?", "!", "—", "-", "."} or text[span.end : span.end + 1] == ","


def _capitalised(words: list[str]) -> bool:
    return bool(words) and words[0][:1].isupper()


def _paragraph_body_start(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _cue_text(cue: Token | None) -> str | None:
    if cue is None:
        return None
    if cue.lower_ == "according":
        return "according to"
    particles = [c.text for c in cue.children if c.dep_ == "prt"]
    return " ".join([cue.text, *particles])


def _speaker_head(cue: Token, context: Iterable[Token]) -> Token | None:
    """The subject of a cue: its nsubj, that of the verb it depends on, or an adjacent noun."""
    if cue.lower_ == "according":
        to = next(c for c in cue.children if c.lower_ == "to")
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    context = list(context)
    allowed = {t.i for t in context}
    verb = cue
    if cue.tag_ == "VBG":  # "..., saying:" and "..., stating," report the main clause's subject
        while verb.head is not verb and verb.dep_ not in {"ROOT", "conj"}:
            verb = verb.head
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return subject if subject.i in allowed else _inverted_subject(cue, context)
        if verb.dep_ not in {"advcl", "xcomp", "conj", "ccomp", "parataxis"} or verb.head is verb:
            break
        verb = verb.head
    return _inverted_subject(cue, context)


def _inverted_subject(cue: Token, context: list[Token]) -> Token | None:
    """The subject when the parse gave none: the noun just before the cue ('"...," Weaver told
    reporters'), or, with nothing before it, the noun phrase after it ('"...," said a second NATO
    diplomat': its last noun)."""
    preceding = [t for t in context if t.i < cue.i and t.pos_ in {"PROPN", "NOUN", "PRON"} and cue.i - t.i <= 3]
    if preceding:
        return preceding[-1]
    inside = {t.i for t in context}
    following = [t for t in cue.doc[cue.i + 1 : cue.i + 8] if t.i in inside]
    head = None
    for token in following:
        if token.dep_ == "prt" or (head is None and token.pos_ == "ADV"):
            continue
        if token.pos_ not in {"DET", "NUM", "ADJ", "PROPN", "NOUN", "PRON", "PUNCT"} or token.text == ",":
            break
        if token.pos_ in {"PROPN", "NOUN", "PRON"}:
            head = token
    return head


def _indirect(
    doc: Doc, marks: list[QuoteSpan], direct: list[FoundQuote], paragraph_starts: list[int]
) -> list[FoundQuote]:
    """Reported speech from the parse: cue verbs with a clausal complement, a parenthetical cue ("The
    economy, he argued, is weak"), an object or prepositional complement of a cue that takes one
    ("called the merger a terrible deal"; "called for an end to the strike"), a speech noun with a
    that-clause ("Trump's assertion that ..."), and "according to X"."""
    found = []
    mark_starts, direct_starts = [m.start for m in marks], [q.start for q in direct]
    for token in doc:
        if _inside(token.idx, token.idx + 1, marks, mark_starts):
            continue
        if token.pos_ == "NOUN" and token.lemma_.lower() in NOUN_CUES:
            content, head = _noun_content(token), _noun_speaker(token)
        elif _is_cue(token) or (token.pos_ == "VERB" and token.lemma_.lower() in _COMPLEMENT_CUES):
            content, head = _verb_content(token), _speaker_head(token, token.sent)
        else:
            continue
        if content is None:
            continue
        content = _trim_punct(content)
        if len(content) < _MIN_INDIRECT_TOKENS or _overlaps_direct(content, direct, direct_starts):
            continue
        paragraph = bisect.bisect_right(paragraph_starts, content.start_char) - 1
        found.append(FoundQuote(content.start_char, content.end_char, "indirect", _cue_text(token), head, paragraph))
    return found


def _verb_content(cue: Token) -> Span | None:
    """What a cue verb reports: its clause, the sentence around a parenthetical cue, or its object."""
    doc = cue.doc
    if cue.lower_ == "according":
        return _according_content(cue)
    # The clause after the cue first: a parse run across a paragraph break can hang an earlier quote on it too.
    clause = min(
        (c for c in cue.children if _is_clause(c)), key=lambda c: (c.i < cue.i, abs(c.i - cue.i)), default=None
    )
    if clause is not None:
        return doc[clause.left_edge.i : clause.right_edge.i + 1]
    if cue.dep_ == "parataxis" and any(c.dep_ in SUBJECT_DEPS for c in cue.children):
        sentence = cue.sent  # "The hashtag, Mr. Abboud said, accompanied ...": the rest of the sentence
        before, after = doc[sentence.start : cue.left_edge.i], doc[cue.right_edge.i + 1 : sentence.end]
        return before if len(before) >= len(after) else after
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ == "dobj" and lemma in OBJECT_CUES:
            end = max([child.right_edge.i, *(c.right_edge.i for c in cue.children if c.dep_ in _COMPLEMENT_DEPS)])
            return doc[child.left_edge.i : end + 1]
        if child.dep_ == "prep" and child.lower_ in PREPOSITION_CUES.get(lemma, ()):
            end = max([child.right_edge.i, *(c.right_edge.i for c in cue.children if _continues(c, child))])
            return doc[child.i + 1 : end + 1]
    return None


def _is_clause(token: Token) -> bool:
    """A clausal complement of a cue. An "xcomp" must be a verb: the small model parses "warned of
    delays to cargo bound for ..." as if "to cargo" were an infinitive."""
    return token.dep_ == "ccomp" or (token.dep_ == "xcomp" and token.pos_ in {"VERB", "AUX"})


def _continues(token: Token, prep: Token) -> bool:
    """Whether a later child of the cue continues its prepositional complement rather than starting a
    new statement: a misparsed complement ("to cargo") or a coordinated phrase ("and for Kyiv"), not
    a verb of its own ("... and called for talks")."""
    return token.i > prep.i and token.dep_ in _CONTINUATION_DEPS and token.pos_ not in {"VERB", "AUX"}


def _noun_content(noun: Token) -> Span | None:
    """The that-clause of a speech noun ("the assertion that Russia should hack ...")."""
    clause = next(
        (c for c in noun.children if c.dep_ in {"acl", "ccomp"} and any(m.lower_ == "that" for m in c.children)),
        None,
    )
    return noun.doc[clause.left_edge.i : clause.right_edge.i + 1] if clause is not None else None


def _noun_speaker(noun: Token) -> Token | None:
    """Whose statement: the noun's possessor ("Trump's assertion"), else the subject of the verb whose
    object it is ("Smith made the claim that ...")."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None:
        return owner
    if noun.dep_ == "dobj":
        return next((c for c in noun.head.children if c.dep_ in SUBJECT_DEPS), None)
    return None


def _according_content(according: Token) -> Span | None:
    """The rest of the sentence around an "according to X" phrase."""
    sentence = according.sent
    phrase_end = according.right_edge.i + 1
    if according.i - sentence.start <= 1:
        return sentence.doc[phrase_end : sentence.end]
    if phrase_end >= sentence.end - 1:
        return sentence.doc[sentence.start : according.i]
    return None


def _trim_punct(span: Span) -> Span:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and doc[end - 1].text[0] not in '”"':
        end -= 1
    return doc[start:end]


def _inside(start: int, end: int, marks: list[QuoteSpan], starts: list[int]) -> bool:
    """Whether [start, end) lies inside a quotation. Marks are disjoint and in text order (`starts`: their
    starts), so only the last one opening at or before `start` can hold it: a bisection per token, where
    a scan over every mark made an article of many quotes cost tokens x quotes."""
    k = bisect.bisect_right(starts, start) - 1
    return k >= 0 and end <= marks[k].end


def _overlaps_direct(content: Span, direct: list[FoundQuote], starts: list[int]) -> bool:
    """True when a clause is (mostly) one of the direct quotes: it is reported as that quote instead.
    The direct quotes are disjoint and in text order (`starts`), so only those opening before the clause
    ends and closing after it starts can overlap it: the ones just before the bisection point."""
    k = bisect.bisect_left(starts, content.end_char) - 1
    while k >= 0 and direct[k].end > content.start_char:
        mark = direct[k]
        overlap = min(mark.end, content.end_char) - max(mark.start, content.start_char)
        if overlap > 0.5 * (mark.end - mark.start) or overlap > 0.5 * (content.end_char - content.start_char):
            return True
        k -= 1
    return False


def _carry_speakers(found: list[FoundQuote]) -> None:
    """Unattributed direct quotes take the speaker of the neighbouring quote (same paragraph, or the
    last quote of the previous paragraph when they open theirs)."""
    for index, quote in enumerate(found):
        if quote.speaker is not None or quote.kind != "direct":
            continue
        same = [q for q in found if q.paragraph == quote.paragraph and q.speaker is not None and q.kind != "indirect"]
        later = [q for q in same if q.start > quote.start]
        earlier = [q for q in same if q.start < quote.start]
        if later:
            source = later[0]
        elif earlier:
            source = earlier[-1]
        else:
            previous = [q for q in found[:index] if q.paragraph == quote.paragraph - 1 and q.speaker is not None]
            source = previous[-1] if previous and quote.opens_paragraph else None
        if source is not None:
            quote.speaker, quote.speaker_span, quote.cue = source.speaker, source.speaker_span, quote.cue or source.cue
            quote.carried = True
