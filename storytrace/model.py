"""The one data model shared by the library, the CLI, the store and (later) the API and Spark jobs.

Every stage reads and writes these types; the store persists them and `to_dict` gives the exported
JSON shape, so a record looks the same whichever interface produced it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal


def normalise_for_hash(text: str) -> str:
    """Whitespace- and Unicode-normalised text, so re-encoded or re-wrapped copies hash alike."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def content_hash(text: str) -> str:
    """Stable fingerprint of an article's text: equal hashes mean the same article text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


class Record:
    """Mixin giving every model type the same plain-dict form used by exports and the API."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(slots=True)
class Article(Record):
    """One news article as ingested. `published_at` is an ISO 8601 string (date or date-time)."""

    id: str
    text: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    dateline: str | None = None
    published_at: str | None = None
    language: str | None = None
    origin: str | None = None
    version: int = 1
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.text)

    @property
    def body(self) -> str:
        """The text, or "" when it only repeats the title: a headline-only record (an aggregator's export,
        a headline list) carries its headline as both, and what reads title and text together (the
        document vector, the story terms) would otherwise take the headline twice."""
        title = self.title
        if title and len(self.text) <= 2 * len(title) and normalise_for_hash(self.text) == normalise_for_hash(title):
            return ""
        return self.text


@dataclass(slots=True, frozen=True)
class Passage(Record):
    """A character span of one article (end exclusive)."""

    article: str
    start: int
    end: int


@dataclass(slots=True, frozen=True)
class AlignedPassage(Record):
    """A passage of article `a` reused in article `b`, with the offsets in both."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float = 1.0


@dataclass(slots=True, frozen=True)
class AlignedSentence(Record):
    """Two sentences that say the same thing in other words (rewrite evidence)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float
    a_text: str = ""
    b_text: str = ""


RelationKind = Literal["duplicate", "version", "partial", "rewrite"]


@dataclass(slots=True)
class ReuseRelation(Record):
    """A provenance link between two articles, with the evidence that supports it.

    `direction` is "a->b" (b copied a), "b->a", or "unknown" when the evidence is not enough.
    """

    a: str
    b: str
    relation: RelationKind
    score: float
    direction: str = "unknown"
    passages: list[AlignedPassage] = field(default_factory=list)
    sentences: list[AlignedSentence] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    cluster_id: str | None = None


@dataclass(slots=True)
class Entity(Record):
    """A person, organisation or place, with one canonical identity across spellings."""

    entity_id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass(slots=True)
class Mention(Record):
    """One occurrence of an entity in an article."""

    article: str
    start: int
    end: int
    text: str
    entity_id: str


QuoteKind = Literal["direct", "indirect", "partial"]


@dataclass(slots=True)
class Quote(Record):
    """Something a speaker said, as reported by one article."""

    article: str
    start: int
    end: int
    text: str
    kind: QuoteKind
    cue: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None


@dataclass(slots=True)
class Claim(Record):
    """A numeric claim: a quantity, normalised, and what it counts."""

    article: str
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    subject: str | None = None
    qualifier: str | None = None
    speaker: str | None = None


@dataclass(slots=True)
class TimelineEvent(Record):
    """A dated point in a story: a publication, or a date stated in the text."""

    article: str
    when: str | None
    text: str
    kind: str = "published"
    granularity: str | None = None  # "day", "week" (when = its Monday), "month" or "year"
    start: int | None = None  # offsets of a date stated in the text
    end: int | None = None
    context: str | None = None  # the sentence stating the date (clipped around it): what happened then
    until: str | None = None  # the last day (or year) of a stated range ("March 19-26"), in `granularity`


@dataclass(slots=True)
class Story(Record):
    """Articles about one event, with the thread of related stories it belongs to."""

    story_id: str
    title: str
    articles: list[str]
    start: str | None = None
    end: str | None = None
    thread_id: str | None = None
    sources: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
