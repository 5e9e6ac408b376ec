"""Who is speaking: the speaker phrase of a reporting verb, resolved to an entity where the text allows.

Resolution order, first hit wins:
1. the alias table ("No 10" -> Downing Street);
2. a named mention (surname-only names already carry the full name's key, see `entities`);
3. he/she -> the most recent person who spoke before (a named speaker, else a named person subject);
   they -> the most recent anonymous source or organisation that spoke;
4. a description ("the secretary-general") -> the person the article gave that role;
5. otherwise the phrase itself, without an entity: anonymous sources ("a second NATO diplomat") and
   descriptions the article does not resolve stay as written rather than being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storytrace.extract.aliases import AliasTable
from storytrace.extract.entities import ArticleEntities, description_role, is_role_noun

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NP_CUT_DEPS = frozenset({"relcl", "acl", "appos", "prep", "punct", "cc", "conj", "advcl"})
SOURCE_NOUNS = frozenset({"source", "sources", "insider", "insiders", "person", "people", "witness", "resident"})
_ANONYMOUS_DETERMINERS = frozenset({"a", "an", "one", "another", "two", "three", "several", "some", "many"})


@dataclass(slots=True, frozen=True)
class Speaker:
    """A resolved speaker: display text, and the (type, key) of its entity when it has one."""

    text: str
    type: str | None = None
    key: str | None = None
    anonymous: bool = False


@dataclass(slots=True)
class SpeakerResolver:
    """Resolves speaker phrases of one article, in text order (pronouns look back at earlier speakers)."""

    entities: ArticleEntities
    aliases: AliasTable
    history: list[tuple[int, Speaker]] = field(default_factory=list)
    described: list[tuple[int, int, str]] = field(default_factory=list)  # resolved descriptions: start, end, key

    def resolve(self, head: Token) -> Speaker:
        speaker = self._resolve(head)
        self.history.append((head.idx, speaker))
        return speaker

    def _resolve(self, head: Token) -> Speaker:
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            head = head.head.head  # "Seth McKee, ..., who said" -> McKee
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
        if mention is not None:
            return Speaker(self.entities.names.get(mention.key, mention.text), mention.type, mention.key)
        if _is_anonymous(phrase):
            return Speaker(phrase.text, anonymous=True)
        role = description_role(phrase.text, self.aliases)
        if role is not None:
            key = self.entities.resolve_description(role, phrase.start_char)
            if key is not None:
                self.described.append((phrase.start_char, phrase.end_char, key))
                return Speaker(self.entities.names.get(key, key), "person", key)
        return Speaker(phrase.text)

    def _recent_person(self, pronoun: Token) -> Speaker | None:
        """He/she: the latest person who spoke before, else the latest named person subject; a person
        whose honorific (Mr, Ms...) says the other gender is skipped."""
        gender = "she" if pronoun.lower_ in {"she", "her"} else "he"
        for position, speaker in reversed(self.history):
            if position < pronoun.idx and speaker.type == "person" and self._fits(speaker.key, gender):
                return speaker
        subjects = [
            m
            for m in self.entities.mentions
            if m.type == "person"
            and m.end <= pronoun.idx
            and self._fits(m.key, gender)
            and _is_subject(pronoun.doc, m.start)
        ]
        if subjects:
            last = subjects[-1]
            return Speaker(self.entities.names.get(last.key, last.text), "person", last.key)
        return None

    def _fits(self, key: str | None, gender: str) -> bool:
        return key is None or self.entities.genders.get(key, gender) == gender

    def _recent_group(self, pronoun: Token) -> Speaker | None:
        """They: the latest anonymous source named before (as a speaker or not), or organisation speaker."""
        candidates = [
            (spoke_at, speaker)
            for spoke_at, speaker in self.history
            if spoke_at < pronoun.idx and (speaker.anonymous or speaker.type == "organisation")
        ]
        candidates.extend(
            (chunk.start_char, Speaker(chunk.text, anonymous=True))
            for chunk in pronoun.doc.noun_chunks
            if chunk.end_char <= pronoun.idx and _is_anonymous(chunk)
        )
        return max(candidates, key=lambda c: c[0])[1] if candidates else None


def speaker_phrase(head: Token) -> Span:
    """The name or noun phrase a subject head stands for: its entity, a named apposition, or head + modifiers."""
    doc = head.doc
    if head.ent_type_:
        for ent in doc.ents:
            if ent.start <= head.i < ent.end:
                return ent
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


def _is_subject(doc: Doc, start: int) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span[0]
    while token.dep_ == "compound" and token.head is not token:
        token = token.head
    return token.dep_ in SUBJECT_DEPS
