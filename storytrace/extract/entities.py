"""Entities of one article: mentions with article-level identity, and the roles the text gives people.

Within an article a person is usually named in full once ("NATO chief Mark Rutte") and then by surname
("Rutte") or by role ("the secretary-general"). So mentions are keyed by `name_key`, a one-word
mention takes the key of the full name in the same article whose surname it is (whatever label the
small NER model gave it: it often tags a bare surname as ORG or GPE), and the alias table overrides
everything. Roles are learned from the text itself, from title words before a name ("Ukrainian
President Volodymyr Zelensky") and from appositions ("Julianne Smith, Washington's ambassador"); a
description resolves only to a person the article gave a matching role, never by guessing.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from itertools import takewhile

from spacy.tokens import Doc, Span, Token

from storytrace.extract.aliases import AliasTable
from storytrace.extract.keys import GEOGRAPHIC_PREFIXES, HONORIFICS, name_key, surname
from storytrace.stories.calendar_names import NAMED_DAYS
from storytrace.text import fold, in_title_case, words

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
HONORIFIC_GENDER = {
    **dict.fromkeys(("mr", "sir", "lord", "king", "prince"), "he"),
    **dict.fromkeys(("mrs", "ms", "miss", "dame", "lady", "queen", "princess"), "she"),
}
# Heads that say "a person in some role" without naming which role: they match any role.
GENERIC_ROLE_HEADS = frozenset({"leader"})
_ROLE_STOP = frozenset({"the", "a", "an", "then", "s"})
# Nouns that name a person by position; other nouns qualify as role heads by an agent suffix.
ROLE_NOUNS = frozenset(
    "chief head boss minister secretary secretary-general president premier general chancellor king queen "
    "prince princess pope envoy diplomat official aide adviser advisor spokesperson spokesman spokeswoman "
    "mayor governor senator congressman congresswoman candidate nominee chairman chairwoman chair ceo "
    "director leader analyst economist expert lawyer attorney judge colonel captain commander sergeant "
    "lieutenant admiral marshal ambassador prosecutor commissioner activist".split()
)
# Head words of organisation names and descriptions ("the company", "Port of Harbourton Authority").
ORGANISATION_NOUNS = frozenset(
    "company firm group union agency ministry department bank carrier airline retailer manufacturer contractor "
    "organisation organization charity coalition alliance authority council committee court".split()
)
# Last words of place names ("Mill Quarter", "Kestrel Street", "Anchor Café").
PLACE_NOUNS = frozenset(
    "quarter street lane road avenue square bridge park district café cafe hotel station airport harbour "
    "harbor port valley river lake island bay hill".split()
)
# Public bodies a place names ("the Valmont regional court"); a company or firm so described is not named.
INSTITUTION_NOUNS = frozenset(
    "court council authority committee ministry department agency parliament assembly legislature".split()
)
MAX_INSTITUTION_WORDS = 2  # lowercase words between a place and the body it names
# Parts of speech no part of a person's name has: the NER takes a sentence's first word into the name that
# follows it ("Will Sanders win?", "Certainly Donald Trump has gone ..."), which the tagger still reads.
_NOT_NAME_POS = frozenset({"AUX", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "INTJ"})
_PAC = frozenset({"pac", "pacs"})
# Words of the departments a cabinet secretary heads: "Secretary of State Hillary Clinton", where the NER tags
# "State" an organisation (65 PolNeAR mentions, a key entity of 49 stories), or "Defense Leon Panetta" one.
_DEPARTMENT_WORDS = frozenset(
    "state treasury defense defence justice interior agriculture commerce labor labour energy education "
    "transportation war homeland security health human services housing urban development veterans affairs "
    "and".split()
)
# US states as AP style abbreviates them after a town ("San Bernardino, Calif."), which the NER tags as places of
# their own (295 PolNeAR mentions). Not "Miss." (an honorific) or "Wash." (beside Washington, D.C.).
US_STATE_ABBREVIATIONS = dict(
    item.split(" ", 1)
    for item in (
        "Ala. Alabama; Ariz. Arizona; Ark. Arkansas; Calif. California; Colo. Colorado; Conn. Connecticut; "
        "Del. Delaware; Fla. Florida; Ga. Georgia; Ill. Illinois; Ind. Indiana; Kan. Kansas; Ky. Kentucky; "
        "La. Louisiana; Md. Maryland; Mass. Massachusetts; Mich. Michigan; Minn. Minnesota; Mo. Missouri; "
        "Mont. Montana; Neb. Nebraska; Nev. Nevada; N.H. New Hampshire; N.J. New Jersey; N.M. New Mexico; "
        "N.Y. New York; N.C. North Carolina; N.D. North Dakota; Okla. Oklahoma; Ore. Oregon; "
        "Pa. Pennsylvania; R.I. Rhode Island; S.C. South Carolina; S.D. South Dakota; Tenn. Tennessee; "
        "Vt. Vermont; Va. Virginia; W.Va. West Virginia; Wis. Wisconsin; Wyo. Wyoming"
    ).split("; ")
)
_PARTY_LETTERS = frozenset({"R", "D", "I"})  # "(R-Fla.)": Republican, Democrat, independent
ALIAS_RUN_ON = 2  # tokens after an entity that may complete an alias-table name ("Islamic" + "State")
# Words before a name that say it is a place: "in Harbourton", "from Kyiv".
_PLACE_PREPOSITIONS = frozenset({"in", "from", "to", "near", "across", "outside", "inside"})
# Of those, the ones as often before a person: "a letter to Obama", "a call from Hillary Clinton"; after a verb
# of going they still say place ("flew to Lisburgh", a town the NER took for a person).
_PERSON_PREPOSITIONS = frozenset({"from", "to"})
_MOTION_LEMMAS = frozenset(
    "go come fly travel move return head drive walk sail flee ride relocate escape arrive depart evacuate migrate "
    "emigrate immigrate commute march retreat".split()
)
_TYPE_PRIORITY = ("place", "person", "organisation")  # tie-break of the type vote
_ROLE_SUFFIXES = ("er", "or", "ist", "ent", "ant", "ian", "man", "woman", "person")
_TITLE_DEPS = frozenset({"compound", "amod", "poss", "case", "punct", "npadvmod", "nmod", "nummod"})


@dataclass(slots=True, frozen=True)
class Role:
    """A role a person holds in the text: its head noun (synonyms merged) and qualifying words."""

    head: str
    words: frozenset[str]

    def matches(self, description: Role) -> bool:
        head_ok = description.head == self.head or description.head in GENERIC_ROLE_HEADS
        return head_ok and description.words <= self.words


@dataclass(slots=True)
class ArticleMention:
    start: int
    end: int
    text: str
    type: str
    key: str


@dataclass(slots=True)
class ArticleEntities:
    """Mentions of one article, and what is needed to resolve speakers against them."""

    mentions: list[ArticleMention] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # key -> longest display name in the article
    types: dict[str, str] = field(default_factory=dict)  # key -> entity type
    roles: list[tuple[int, str, Role]] = field(default_factory=list)  # (char position, person key, role)
    genders: dict[str, str] = field(default_factory=dict)  # person key -> "he" / "she", from honorifics
    starts: list[int] = field(default_factory=list, repr=False)  # of `mentions`, sorted by start: see mention_at
    longest: int = 0  # the longest mention, in characters

    def mention_at(self, start: int, end: int) -> ArticleMention | None:
        """The mention overlapping [start, end) that covers most of it (the first among equals).

        Mentions are sorted by start once built (`article_entities`), so only those starting in the
        `longest` characters before `end` can overlap it: a bisection per call, where a scan over every
        mention made an article of n speakers cost n x mentions."""
        self._index()
        best: ArticleMention | None = None
        lo, hi = bisect.bisect_left(self.starts, start - self.longest), bisect.bisect_left(self.starts, end)
        for mention in self.mentions[lo:hi]:
            if start < mention.end and (best is None or mention.end - mention.start > best.end - best.start):
                best = mention
        return best

    def starting_before(self, position: int) -> int:
        """How many mentions start before `position`: those are `mentions[:n]`, the last one latest."""
        self._index()
        return bisect.bisect_left(self.starts, position)

    def _index(self) -> None:
        if len(self.starts) != len(self.mentions):
            self.starts = [m.start for m in self.mentions]
            self.longest = max((m.end - m.start for m in self.mentions), default=0)

    def resolve_description(self, role: Role, position: int) -> str | None:
        """The person key a description ("the prime minister") refers to, or None when not certain.

        Candidates hold a matching role; the most recent one named before `position` wins, else the
        only one named after it. Several candidates after and none before: left unresolved.
        """
        before = [(pos, key) for pos, key, held in self.roles if held.matches(role) and pos < position]
        if before:
            return max(before)[1]
        after = {key for pos, key, held in self.roles if held.matches(role)}
        return next(iter(after)) if len(after) == 1 else None


def description_role(text: str, aliases: AliasTable) -> Role | None:
    """The role a description states ("the NATO secretary-general" -> chief + {nato})."""
    tokens = [t for t in name_key(text).split() if t not in _ROLE_STOP]
    if not tokens:
        return None
    if len(tokens) >= 2 and aliases.role(" ".join(tokens[-2:])) != " ".join(tokens[-2:]):
        return Role(aliases.role(" ".join(tokens[-2:])), frozenset(tokens[:-2]))
    if not is_role_noun(tokens[-1]):
        return None
    return Role(aliases.role(tokens[-1]), frozenset(tokens[:-1]))


def is_role_noun(word: str) -> bool:
    """A noun that names a person by position: listed, or an agent noun (-er, -or, -ist, -ian...)."""
    return word in ROLE_NOUNS or (len(word) > 4 and word.endswith(_ROLE_SUFFIXES))


def article_entities(doc: Doc, aliases: AliasTable) -> ArticleEntities:
    """Mentions of people, organisations and places with article-level keys, plus roles and genders."""
    result = ArticleEntities()
    written_as_names = _written_as_names(doc)
    spans = [
        part
        for ent in _joined_by_aliases(doc, aliases)
        if ent.label_ in ENTITY_TYPES or aliases.lookup(ent.text)
        for part in _names_in(ent)
        if not _opens_named_day(part) and not _opening_agent_plural(part, written_as_names)
    ]
    named = frozenset(_full_names(spans, aliases).values())
    spans = [part for span in spans for part in _headline_names(span, named, aliases)]
    full_names = _full_names(spans, aliases)
    spans = [_leading_surname(span, full_names) for span in spans]
    full_names = _full_names(spans, aliases)
    for span in spans:
        mention = _mention(span, aliases, full_names)
        if mention is not None:
            result.mentions.append(_place_institution(span, mention) or mention)
    result.mentions.extend(_untagged_short_forms(doc, _short_forms(full_names, result.mentions), result.mentions))
    result.mentions.extend(_untagged_names(doc, result.mentions))
    result.mentions.sort(key=lambda m: m.start)
    _vote_types(result.mentions, doc, aliases)
    for mention in result.mentions:
        result.types.setdefault(mention.key, mention.type)
        if len(mention.text) > len(result.names.get(mention.key, "")):
            result.names[mention.key] = mention.text
    for span in spans:
        if span.label_ == "PERSON":
            mention = result.mention_at(span.start_char, span.end_char)
            if mention is not None and mention.type == "person":
                for role in _roles_of(span, aliases):
                    result.roles.append((span.start_char, mention.key, role))
                title = doc[span.start - 1].lower_.rstrip(".") if span.start else ""
                if title in HONORIFIC_GENDER:
                    result.genders.setdefault(mention.key, HONORIFIC_GENDER[title])
    return result


def _joined_by_aliases(doc: Doc, aliases: AliasTable) -> list[Span]:
    """The NER's entities, each run on over the next ALIAS_RUN_ON tokens (an adjacent entity among them
    taken whole) where the longer span is a name of the alias table: the small model cuts "Islamic State"
    into a nationality and an organisation ("Islamic", "State"), or tags "Islamic" alone."""
    ents = list(doc.ents)
    joined = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        following = ents[i + 1] if i + 1 < len(ents) else None
        limit = min(ent.end + ALIAS_RUN_ON, following.start if following else len(doc))
        # a run-on takes words only: "ISIS." keys as "ISIS" and would take the full stop into the name, and
        # "Islamic. State" would join two sentences
        ends = list(takewhile(lambda e: _is_word(doc[e - 1]), range(ent.end + 1, limit + 1)))
        if following is not None and following.start == ent.end:
            ends.append(following.end)
        end = max((e for e in ends if aliases.lookup(doc[ent.start : e].text)), default=ent.end)
        joined.append(ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_))
        i += 2 if following is not None and end == following.end else 1
    return joined


def _is_word(token: Token) -> bool:
    return not (token.is_punct or token.is_space)


def _vote_types(mentions: list[ArticleMention], doc: Doc, aliases: AliasTable) -> None:
    """One type per name in an article, by majority over its mentions, each mention voting with its
    context where that is decisive and with its NER label otherwise: a dateline ("HARBOURTON (MPA) —")
    or a place preposition ("in Harbourton") votes place, a role apposition or title ("the energy
    minister, Aleksandra Nowicka"; "Prosecutor Clara Benn") votes person. The small NER model labels
    the same name differently from sentence to sentence; ties go place > person > organisation.
    Names the alias file types keep its type."""
    votes: dict[str, Counter[str]] = {}
    for mention in mentions:
        votes.setdefault(mention.key, Counter())[_context_type(mention, doc) or mention.type] += 1
    for mention in mentions:
        if aliases.by_key.get(mention.key) is None:
            counts = votes[mention.key]
            mention.type = max(counts, key=lambda t: (counts[t], -_TYPE_PRIORITY.index(t)))


def _context_type(mention: ArticleMention, doc: Doc) -> str | None:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    before = doc[span.start - 1] if span.start else None
    after = doc[span.end] if span.end < len(doc) else None
    if (
        (before is None or "\n" in before.text)
        and mention.text.isupper()
        and after is not None
        and after.text in "(—–-,"
    ):
        return "place"  # a dateline
    last = name_key(mention.text).rsplit(" ", 1)[-1]
    if (" " in mention.text.strip() and last in PLACE_NOUNS) or _geographic(mention.text):
        return "place"  # "Tanners Lane", "River Ardle", whatever the NER said
    according = before is not None and before.i > 0 and doc[before.i - 1].lower_ == "according"
    if (
        before is not None
        and before.lower_ in _PLACE_PREPOSITIONS
        and last not in ORGANISATION_NOUNS
        and not according
        and not (before.lower_ in _PERSON_PREPOSITIONS and mention.type == "person" and not _after_motion(before))
    ):
        return "place"
    root = span.root
    while root.dep_ == "compound" and root.head is not root:
        root = root.head
    if root.dep_ in {"appos", "npadvmod"} and root.head.lower_ in ROLE_NOUNS:
        return "person"
    if before is not None and before.lower_ in ROLE_NOUNS and before.text[:1].isupper():
        return "person"  # a title: "Prosecutor Clara Benn"
    return None


def _after_motion(preposition: Token) -> bool:
    """Whether the preposition hangs on a verb of going ("flew to", "fled from")."""
    return preposition.head.pos_ == "VERB" and preposition.head.lemma_.lower() in _MOTION_LEMMAS


def _names_in(span: Span) -> list[Span]:
    """The names inside an entity span: split at commas (the NER joins "Kyiv, Zelenskyy"), without
    article, honorific, possessive or edge punctuation; adjective-only spans ("Ukrainian") are no names."""
    doc = span.doc
    names = []
    start = span.start
    for stop in [*(t.i for t in span if t.text == ","), span.end]:
        first, end = start, stop
        while first < end and (
            doc[first].lower_.rstrip(".") in HONORIFICS | {"a", "an"}
            or doc[first].is_punct
            or (span.label_ == "PERSON" and doc[first].pos_ in _NOT_NAME_POS and end - first > 1)
        ):
            first += 1
        while end > first and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or _dangling(doc[end - 1])):
            end -= 1
        # "Super PAC" is a kind of committee, not its name ("Super PAC Priorities USA Action"); the NER may take
        # "Super" alone from "Super PACs".
        while end - first >= 2 and doc[first].lower_ == "super" and doc[first + 1].lower_ in _PAC:
            first += 2
        if end > first and doc[end - 1].lower_ == "super" and end < len(doc) and doc[end].lower_ in _PAC:
            end -= 1
        label = span.label_
        if _after_cabinet_title(doc, first) and doc[first].lower_ in _DEPARTMENT_WORDS:
            while first < end and doc[first].lower_ in _DEPARTMENT_WORDS:
                first += 1
            if first < end and doc[first].pos_ != "PROPN":  # more of the title: "State for Political Affairs"
                first = end
            label = "PERSON"  # what follows a title is its holder: "Secretary of Defense Leon Panetta"
        if (
            end > first
            and not all(t.pos_ == "ADJ" for t in doc[first:end])
            and not any(t.text.startswith("@") for t in doc[first:end])  # a handle: "Twitter @NolteNC"
        ):
            names.append(Span(doc, first, end, label=label))
        start = stop + 1
    return names


def _dangling(token: Token) -> bool:
    """A lowercase function word that cannot end a name: the NER runs a span on into the phrase after it
    ("Blue Oyster Cult and", "Town Hall for", "Le Bourget - the")."""
    return token.pos_ in _NOT_NAME_POS and token.is_lower


def _after_cabinet_title(doc: Doc, i: int) -> bool:
    """Whether token i follows "secretary of" (or "secretary of the"), in any case."""
    before = [t.lower_ for t in doc[max(0, i - 3) : i]]
    return before[-2:] == ["secretary", "of"] or before == ["secretary", "of", "the"]


def _opens_named_day(span: Span) -> bool:
    """Whether the span is the first word of a named day ("Super" of "Super Tuesday", "Black" of "Black
    Friday"), which the NER tags as a place or an organisation and the weekday as a date: on PolNeAR,
    "Super" was a place named 50 times, and a story's key entity."""
    return span.end < len(span.doc) and f"{span.text.lower()} {span.doc[span.end].lower_}" in NAMED_DAYS


def _written_as_names(doc: Doc) -> frozenset[str]:
    """The words the text capitalises inside a sentence, where a capital marks a name."""
    names: set[str] = set()
    for sentence in doc.sents:
        opened = False  # past the sentence's first word (an opening quote is no word)
        for token in sentence:
            if opened and token.text[:1].isupper():
                names.add(token.text)
            opened = opened or not token.is_punct
    return frozenset(names)


def _opens_sentence(token: Token) -> bool:
    """Whether only punctuation (an opening quote) comes before the token in its sentence."""
    return all(t.is_punct for t in token.doc[token.sent.start : token.i])


def _opening_agent_plural(span: Span, written_as_names: frozenset[str]) -> bool:
    """Whether the span is one plural agent noun opening its sentence ("Hydrologists said ...", "Hackers
    ..."), capitalised only by its place, which the NER tags as an organisation or a person: a plural (the
    tagger reads the demo's "Hydrologists" as a proper one, NNPS, after a paragraph break) whose singular
    names people by what they do (`is_role_noun`), and which the text never capitalises inside a sentence
    ("Sanders" of "Bernie Sanders" is a name). On PolNeAR 5 mentions go (Aides, Cheers, Hackers, Fingers),
    none of them a name."""
    if len(span) != 1:
        return False
    token = span[0]
    singular = token.lower_[:-1]
    return (
        token.tag_ in ("NNS", "NNPS")
        and token.lower_.endswith("s")
        and is_role_noun(singular)
        and _opens_sentence(token)
        and token.text not in written_as_names
    )


def _full_names(spans: list[Span], aliases: AliasTable) -> dict[str, str]:
    """Surname -> full person key, for the people an article names in full (or the alias file knows): of
    several with one surname, the one named most often, then first. A headline run the NER took for one
    name ("Hillary Clinton Slams Donald Trump") comes first in the text but is named only once."""
    counts: Counter[str] = Counter()
    for span in spans:
        canonical = aliases.lookup(span.text)
        if canonical is not None:
            if canonical.type == "person" and " " in canonical.key:
                counts[canonical.key] += 1
        elif span.label_ == "PERSON" and " " in (key := name_key(span.text)):
            counts[key] += 1
    full_names: dict[str, str] = {}
    for key, _ in counts.most_common():
        full_names.setdefault(surname(key), key)
    return full_names


def _headline_names(span: Span, named: frozenset[str], aliases: AliasTable) -> list[Span]:
    """The names in a headline run the NER took for one person ("Ben Carson Slams Hillary", "Hillary
    Clinton Slams Donald Trump"): in a title-cased line, a run that starts with a name given in full
    elsewhere in the article (`named`: the article's full person keys) is that name, and a name it ends with
    is named too (a full name, or the first name or surname of one). Left whole, the run's last word passed
    for a surname and took the article's "Hillary Clinton" for itself. Outside a headline a longer name
    stays whole ("Nancy Davis Reagan", "Aung San Suu Kyi")."""
    own = name_key(span.text)  # the run itself was counted as a full name
    lead = next(
        (k for k in range(len(span) - 1, 1, -1) if (key := name_key(span[:k].text)) in named and key != own), None
    )
    if lead is None or not in_title_case(span.doc.text, span.start_char, span.end_char):
        return [span]
    known = named - {own}
    parts = [Span(span.doc, span.start, span.start + lead, label="PERSON")]
    named_parts = {part for key in known for part in (key.split()[0], surname(key))}  # "Hillary", "Trump"
    for first in range(span.start + lead + 1, span.end):
        tail = span.doc[first : span.end]
        tail_key = name_key(tail.text)
        found = aliases.lookup(tail.text)
        if tail_key in known or tail_key in named_parts or (found is not None and found.type == "person"):
            parts.append(Span(span.doc, first, span.end, label="PERSON"))
            break
    return parts


def _leading_surname(span: Span, full_names: dict[str, str]) -> Span:
    """A headline run the NER took for one name ("Zelenskyy Urges NATO Protection") that starts with
    the surname of someone else named in full is that person."""
    first = name_key(span[0].text)
    if len(span) > 1 and full_names.get(first, name_key(span.text)) != name_key(span.text):
        return Span(span.doc, span.start, span.start + 1, label="PERSON")
    return span


def _mention(span: Span, aliases: AliasTable, full_names: dict[str, str]) -> ArticleMention | None:
    canonical = aliases.lookup(span.text)
    if canonical is not None:
        return ArticleMention(span.start_char, span.end_char, span.text, canonical.type, canonical.key)
    if _abbreviated_state(span):
        state = US_STATE_ABBREVIATIONS[span.text]
        return ArticleMention(span.start_char, span.end_char, span.text, "place", name_key(state))
    key = name_key(span.text)
    if not key:
        return None
    if " " not in key and key in full_names:
        return ArticleMention(span.start_char, span.end_char, span.text, "person", full_names[key])
    return ArticleMention(span.start_char, span.end_char, span.text, ENTITY_TYPES[span.label_], key)


def _abbreviated_state(span: Span) -> bool:
    """A US state abbreviated after a town and a comma ("San Bernardino, Calif.") or in a lawmaker's party
    and state ("Marco Rubio (R-Fla.)"); elsewhere "Mass." may be the service the NER also tags a place
    ("They attended Mass.")."""
    if len(span) != 1 or span.text not in US_STATE_ABBREVIATIONS or ENTITY_TYPES.get(span.label_) != "place":
        return False
    before = [t.text for t in span.doc[max(0, span.start - 2) : span.start]]
    return len(before) == 2 and (before[1] == "," or (before[1] == "-" and before[0] in _PARTY_LETTERS))


def _place_institution(span: Span, mention: ArticleMention) -> ArticleMention | None:
    """A place that names a public body with lowercase words after it ("the Valmont regional court",
    "the Kyiv city council"): the body, whose name the NER cut short at the place. The place must
    modify the body's noun through at most MAX_INSTITUTION_WORDS lowercase modifiers, that noun must
    head its phrase ("the Moscow court case" is a case, not a court), and the phrase must be definite:
    "a North Carolina law firm" describes a firm without naming it."""
    if mention.type != "place":
        return None
    doc = span.doc
    noun = span.root.head
    between = doc[span.end : noun.i]
    if (
        span.root.dep_ not in {"compound", "nmod", "amod"}
        or noun.i < span.end
        or noun.lower_ not in INSTITUTION_NOUNS
        or not any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
        or noun.dep_ == "compound"
        or len(between) > MAX_INSTITUTION_WORDS
        or any(t.head != noun or not t.is_lower or t.dep_ not in {"amod", "compound"} for t in between)
    ):
        return None
    name = doc[span.start : noun.i + 1]
    return ArticleMention(name.start_char, name.end_char, name.text, "organisation", name_key(name.text))


def _short_forms(full_names: dict[str, str], mentions: list[ArticleMention]) -> dict[str, tuple[str, str]]:
    """What a later bare proper noun may repeat of a name given in full in this article, as key ->
    (full key, type): a person's surname ("Rutte"), and a river's, lake's or mountain's own name ("the
    Ardle" after "River Ardle", whose key is already "ardle")."""
    forms = {short: (full, "person") for short, full in full_names.items()}
    for mention in mentions:
        if _geographic(mention.text):
            forms.setdefault(mention.key, (mention.key, "place"))
    return forms


def _geographic(name: str) -> bool:
    """A river, lake or mountain: its generic word, then one name ("River Ardle", "Mount Kenya"). A longer
    name is usually something named after it ("Mount Sinai Hospital")."""
    parts = [fold(w.text) for w in words(name)]
    if parts[:1] == ["the"]:
        parts = parts[1:]
    return len(parts) == 2 and parts[0] in GEOGRAPHIC_PREFIXES


def _untagged_short_forms(
    doc: Doc, forms: dict[str, tuple[str, str]], found: list[ArticleMention]
) -> list[ArticleMention]:
    """Proper nouns the NER missed that repeat the short form of a name given in full in this article."""
    covered = {i for m in found for i in range(m.start, m.end)}
    extra = []
    for token in doc:
        if token.pos_ == "PROPN" and token.idx not in covered:
            key = name_key(token.text)
            if key in forms:
                full, type_ = forms[key]
                extra.append(ArticleMention(token.idx, token.idx + len(token.text), token.text, type_, full))
    return extra


def _untagged_names(doc: Doc, found: list[ArticleMention]) -> list[ArticleMention]:
    """Capitalised runs of content words the NER missed whose last word (or the common noun right after
    them) says what they are: "the flooded Mill Quarter", "the Anchor Café" (places), "the Clean Grid
    Now coalition" (an organisation). Runs without such a word are left alone: a capitalised run
    alone is as likely a title or a slogan as a name."""
    covered = {i for m in found for i in range(m.start, m.end)}
    extra = []
    run: list[Token] = []
    for token in [*doc, None]:
        if (
            token is not None
            and _capitalised_name_word(token)
            and token.idx not in covered
            and token.i > token.sent.start
        ):
            run.append(token)
            continue
        if len(run) >= 2:
            last = run[-1].lower_
            following = token.lower_ if token is not None and token.pos_ == "NOUN" else ""
            type_ = "place" if last in PLACE_NOUNS else "organisation" if following in ORGANISATION_NOUNS else None
            if type_ is not None:
                span = doc[run[0].i : run[-1].i + 1]
                extra.append(ArticleMention(span.start_char, span.end_char, span.text, type_, name_key(span.text)))
        run = []
    return extra


# Word classes a capitalised word inside a name can take: names are built of content words, including
# adverbs and adjectives ("Clean Grid Now", "Fair Pay First"), never of function words.
_NAME_WORD_POS = frozenset({"PROPN", "NOUN", "ADJ", "ADV", "VERB"})


def _capitalised_name_word(token: Token) -> bool:
    return token.pos_ in _NAME_WORD_POS and token.text[:1].isupper() and token.is_alpha and not token.is_sent_start


def _roles_of(span: Span, aliases: AliasTable) -> list[Role]:
    """Roles stated next to a person's name: title words before it, and appositions."""
    roles = []
    title = _title_before(span)
    if title:
        role = description_role(title, aliases)
        if role is not None:
            roles.append(role)
    root = span.root
    appositions = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        appositions.append(root.head)
    for noun in appositions:
        role = description_role(_phrase_text(noun, exclude=span), aliases)
        if role is not None:
            roles.append(role)
    return roles


def _title_before(span: Span) -> str:
    """The title words directly before a name ("NATO chief", "Hungary's Moscow-friendly Prime Minister")."""
    doc = span.doc
    i = span.start - 1
    while i >= span.sent.start:
        token = doc[i]
        if token.ent_type_ == "PERSON" or token.pos_ in {"DET", "ADP", "VERB", "AUX", "PRON", "CCONJ"}:
            break
        if token.is_punct and token.text not in {"-", "–"}:
            break
        if token.dep_ not in _TITLE_DEPS and token.head.i < span.start:
            break
        i -= 1
    words = doc[i + 1 : span.start]
    if not any(t.pos_ in {"NOUN", "PROPN"} and not t.ent_type_ for t in words):
        return ""
    return words.text


def _phrase_text(noun: Token, exclude: Span) -> str:
    """A role noun with its modifiers ("Washington's ambassador"), without the named person."""
    tokens = [t for t in noun.subtree if t.i <= noun.i and not (exclude.start <= t.i < exclude.end)]
    tokens = [t for t in tokens if not t.is_punct or t.text in {"-", "–"}]
    return " ".join(t.text for t in tokens)
