"""Who is speaking: the speaker phrase of a reporting verb, resolved to an entity where the text allows.

Resolution order, first hit wins:
1. the alias table ("No 10" -> Downing Street);
2. a named mention (surname-only names already carry the full name's key, see `entities`);
3. he/she -> the most recent person who spoke before (a named speaker, else a named person subject);
   they -> the most recent anonymous source or organisation that spoke;
4. a description ("the secretary-general") -> the person the article gave that role, or named in
   apposition ("the compact's secretary-general, Jonas Eklund, said"); "the company" -> the
   organisation named last in its paragraph or the one before;
5. otherwise the phrase itself, without an entity: anonymous sources ("a second NATO diplomat") stay
   as written. A description the article does not resolve keeps its role and the people named just
   before it (`salient`), so the stage's corpus pass (`roles`) can resolve it from what other articles
   say about who holds the role, or else to the most recent of those people.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

from storytrace.extract.aliases import AliasTable
from storytrace.extract.entities import (
    ORGANISATION_NOUNS,
    ArticleEntities,
    ArticleMention,
    Role,
    description_role,
    is_role_noun,
)
from storytrace.extract.keys import name_key
from storytrace.text import paragraphs

T = TypeVar("T")
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_NAMING_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NP_CUT_DEPS = frozenset({"relcl", "acl", "appos", "prep", "punct", "cc", "conj", "advcl"})
SOURCE_NOUNS = frozenset({"source", "sources", "insider", "insiders", "person", "people", "witness", "resident"})
REPLY_LEMMAS = frozenset({"reply", "respond", "answer", "retort"})
SALIENCE_PARAGRAPHS = 2
_APPOSITION_DEPS = frozenset({"appos", "npadvmod"})  # the small parser labels some appositions npadvmod
_ANONYMOUS_DETERMINERS = frozenset({"a", "an", "one", "another", "two", "three", "several", "some", "many"})


@dataclass(slots=True, frozen=True)
class Speaker:
    """A resolved speaker: display text, and the (type, key) of its entity when it has one."""

    text: str
    type: str | None = None
    key: str | None = None
    anonymous: bool = False
    singular: bool = False  # an anonymous source that "he" or "she" can refer back to ("a fire brigade officer")
    role: Role | None = None  # an unresolved description's role
    salient: tuple[str, ...] = ()  # person keys named before an unresolved description, most recent first


def described(noun: Token) -> Token:
    """Who a relative clause's antecedent stands for, when it is a noun said of a named person: the subject
    of a predicate noun ("Donald Trump ... is a serial liar, rampant xenophobe ... who has pledged to ban"
    -> Trump, not "rampant xenophobe"; the subject may sit on an earlier verb of the coordination) or the
    named head of an apposition ("Jones, a former senator who said" -> Jones). Else the antecedent itself."""
    root = noun  # up the coordination and the appositions of unnamed nouns ("a serial liar, rampant xenophobe")
    while root.dep_ == "conj" or (root.dep_ == "appos" and not _is_named(root.head)):
        root = root.head
    if root.dep_ == "appos":
        return root.head
    if root.dep_ == "attr":
        verb = root.head
        while True:
            subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None:
                return subject if _is_named(subject) else noun
            if verb.dep_ != "conj":
                break
            verb = verb.head
    return noun


def _is_named(token: Token) -> bool:
    """A proper noun or a personal pronoun: a subject that names who is described."""
    return token.pos_ == "PROPN" or token.lower_ in _NAMING_PRONOUNS


@dataclass(slots=True)
class SpeakerResolver:
    """Resolves speaker phrases of one article, in text order (pronouns look back at earlier speakers)."""

    entities: ArticleEntities
    aliases: AliasTable
    history: list[tuple[int, Speaker]] = field(default_factory=list)
    described: list[tuple[int, int, str]] = field(default_factory=list)  # resolved descriptions: start, end, key
    paragraph_starts: list[int] = field(default_factory=list)  # filled on first use
    anonymous_chunks: list[tuple[int, int, str]] | None = None  # (start, end, text) of anonymous noun chunks

    def resolve(self, head: Token) -> Speaker:
        speaker = self._resolve(head)
        self.history.append((head.idx, speaker))
        return speaker

    def _resolve(self, head: Token) -> Speaker:
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            head = described(head.head.head)  # "Seth McKee, ..., who said" -> McKee
        lower = head.lower_
        if lower in PERSON_PRONOUNS:
            return self._recent_person(head) or Speaker(head.text)
        if lower in GROUP_PRONOUNS:
            return self._recent_group(head) or Speaker(head.text)
        phrase = speaker_phrase(head)
        canonical = self.aliases.lookup(phrase.text)
        if canonical is not None:
            return Speaker(canonical.name, canonical.type, canonical.key)
        named = phrase.root if phrase.root.ent_type_ else head
        mention = self.entities.mention_at(named.idx, named.idx + len(named.text))
        if mention is None:  # "the compact's secretary-general, Jonas Eklund, said": the named apposition
            mention = next((m for c in head.children if c.dep_ in _APPOSITION_DEPS and (m := self._person_at(c))), None)
        if mention is not None:
            return Speaker(self.entities.names.get(mention.key, mention.text), mention.type, mention.key)
        if _is_anonymous(phrase):
            return Speaker(phrase.text, anonymous=True, singular=phrase.root.tag_ in {"NN", "NNP"})
        if _looks_like_name(phrase):  # a full name the NER labelled as something else (WORK_OF_ART...)
            return Speaker(phrase.text, "person", name_key(phrase.text))
        role = description_role(phrase.text, self.aliases)
        if role is not None:
            key = self.entities.resolve_description(role, phrase.start_char)
            if key is not None:
                self.described.append((phrase.start_char, phrase.end_char, key))
                return Speaker(self.entities.names.get(key, key), "person", key)
            return Speaker(phrase.text, role=role, salient=self._salient(phrase))
        if phrase.root.lower_ in ORGANISATION_NOUNS and phrase[0].lower_ == "the":
            return self._recent_organisation(phrase) or Speaker(phrase.text)
        return Speaker(phrase.text)

    def _person_at(self, token: Token) -> ArticleMention | None:
        mention = self.entities.mention_at(token.idx, token.idx + len(token.text))
        return mention if mention is not None and mention.type == "person" else None

    def _recent_organisation(self, phrase: Span) -> Speaker | None:
        """For "the company said": the organisation named last before it, in its paragraph or the one before."""
        floor = self._paragraph_floor(phrase.doc, phrase.start_char, 1)
        for mention in self._mentions_back_to(phrase.start_char, floor):
            if mention.type == "organisation" and mention.end <= phrase.start_char:
                return Speaker(self.entities.names.get(mention.key, mention.text), mention.type, mention.key)
        return None

    def _mentions_back_to(self, position: int, floor: int) -> Iterator[ArticleMention]:
        """Mentions starting before `position` and at or after `floor`, latest first (mentions are sorted
        by start, so the walk stops at the floor instead of reading the whole article per speaker)."""
        mentions = self.entities.mentions
        for i in range(self.entities.starting_before(position) - 1, -1, -1):
            if mentions[i].start < floor:
                return
            yield mentions[i]

    def _paragraph_floor(self, doc: Doc, position: int, back: int) -> int:
        """Start of the paragraph `back` paragraphs before the one holding `position`."""
        if not self.paragraph_starts:
            self.paragraph_starts = [p.start for p in paragraphs(doc.text)] or [0]
        starts = self.paragraph_starts
        return starts[max(0, bisect.bisect_right(starts, position) - 1 - back)]

    def _salient(self, phrase: Span) -> tuple[str, ...]:
        """People named in the description's paragraph before it and in the two paragraphs before that,
        most recent first, leaving out those in its own sentence (the other participants: "the prime
        minister told Zelenskyy")."""
        floor = self._paragraph_floor(phrase.doc, phrase.start_char, SALIENCE_PARAGRAPHS)
        sentence = phrase.sent
        keys: list[str] = []
        for mention in self._mentions_back_to(phrase.start_char, floor):
            if mention.type != "person" or mention.end > phrase.start_char:
                continue
            if sentence.start_char <= mention.start < sentence.end_char or mention.key in keys:
                continue
            keys.append(mention.key)
        return tuple(keys)

    def _recent_person(self, pronoun: Token) -> Speaker | None:
        """He/she: the latest person before it who spoke (a named person, or a singular anonymous source)
        or was the subject of a sentence ("Inside, the energy minister, Aleksandra Nowicka, defended
        the outcome. '...,' she said"); a person whose honorific (Mr, Ms...) says the other gender is
        skipped."""
        gender = "she" if pronoun.lower_ in {"she", "her"} else "he"
        doc, at = pronoun.doc, pronoun.idx
        replying = pronoun.head.lemma_.lower() in REPLY_LEMMAS  # "... asked why. '...,' she replied": not the asker

        def spoke(position: int, speaker: Speaker) -> bool:
            fits = (speaker.type == "person" and self._fits(speaker.key, gender)) or speaker.singular
            return fits and answerable(position)

        def named(m: ArticleMention) -> bool:
            fits = m.type == "person" and m.end <= at and self._fits(m.key, gender) and _is_subject(doc, m.start)
            return fits and answerable(m.start)

        def answerable(position: int) -> bool:
            return not replying or _governing_lemma(doc, position) != "ask"

        spoken = _latest(self.history, itemgetter(0), at, lambda e: spoke(*e))
        mention = _latest(self.entities.mentions, attrgetter("start"), at, named)
        if spoken is not None and (mention is None or spoken[0] >= mention.start):  # a tie goes to who spoke
            return spoken[1]
        if mention is not None:
            return Speaker(self.entities.names.get(mention.key, mention.text), "person", mention.key)
        return None

    def _fits(self, key: str | None, gender: str) -> bool:
        return key is None or self.entities.genders.get(key, gender) == gender

    def _recent_group(self, pronoun: Token) -> Speaker | None:
        """They: the latest anonymous source named before (as a speaker or not), or organisation speaker."""
        at = pronoun.idx
        spoken = _latest(self.history, itemgetter(0), at, lambda e: e[1].anonymous or e[1].type == "organisation")
        if self.anonymous_chunks is None:  # once per article, not once per "they"
            chunks = pronoun.doc.noun_chunks
            self.anonymous_chunks = [(c.start_char, c.end_char, c.text) for c in chunks if _is_anonymous(c)]
        chunk = _latest(self.anonymous_chunks, itemgetter(0), at, lambda c: c[1] <= at)
        if spoken is not None and (chunk is None or spoken[0] >= chunk[0]):  # a tie goes to who spoke
            return spoken[1]
        return Speaker(chunk[2], anonymous=True) if chunk is not None else None


LOOKBACK = 256  # entries a pronoun reads back through (speakers, mentions): bounded per pronoun


def _latest(entries: Sequence[T], position: Callable[[T], int], before: int, accept: Callable[[T], bool]) -> T | None:
    """The entry positioned latest before `before` that `accept` takes, the first in order among equal
    positions (as max() over them in order would give); `entries` are sorted by position. Reading back
    from a bisection, and at most LOOKBACK entries, keeps a pronoun's cost bounded where a pass over
    every earlier speaker and mention made an article of n pronouns cost n^2."""
    found: T | None = None
    last = bisect.bisect_left(entries, before, key=position) - 1
    for i in range(last, max(-1, last - LOOKBACK), -1):
        if found is not None and position(entries[i]) < position(found):
            break
        if accept(entries[i]):
            found = entries[i]
    return found


def speaker_phrase(head: Token) -> Span:
    """The name or noun phrase a subject head stands for: its entity, a named apposition, or head + modifiers."""
    doc = head.doc
    if head.ent_type_:  # its entity, read from the token's IOB tags rather than by a pass over every entity
        start, end = head.i, head.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return Span(doc, start, end, label=head.ent_type_)
    for child in head.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            return speaker_phrase(child)
    start = head.i
    for child in head.lefts:
        if child.dep_ not in _NP_CUT_DEPS:
            start = min(start, child.left_edge.i)
            break
    return doc[start : head.i + 1]


def _is_anonymous(phrase: Span) -> bool:
    """An unnamed source: "a second NATO diplomat", "one official", "sources close to the talks"."""
    head = phrase.root
    if head.ent_type_ == "PERSON" or head.pos_ not in {"NOUN", "PROPN"}:
        return False
    if not (is_role_noun(head.lower_) or head.lower_ in SOURCE_NOUNS):
        return False
    return phrase[0].lower_ in _ANONYMOUS_DETERMINERS or head.lower_ in {"sources", "officials", "diplomats"}


def _looks_like_name(phrase: Span) -> bool:
    """Two to four capitalised proper nouns and nothing else ("Dmitry Volkov"), outside any person-less
    entity type the speaker table knows (organisations and places are mentions already)."""
    return 2 <= len(phrase) <= 4 and all(t.pos_ == "PROPN" and t.text[:1].isupper() and t.is_alpha for t in phrase)


def _governing_lemma(doc: Doc, start: int) -> str:
    """The lemma of the word governing the name that starts at `start` (its verb, for a subject)."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    token = span[0]
    while token.dep_ in {"compound", "appos"} and token.head is not token:
        token = token.head
    return token.head.lemma_.lower()


def _is_subject(doc: Doc, start: int) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span[0]
    while token.dep_ in {"compound", "appos"} and token.head is not token:
        token = token.head
    return token.dep_ in SUBJECT_DEPS and token.head.dep_ == "ROOT"  # a main clause's, not "... that Halloran had"
