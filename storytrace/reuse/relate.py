"""From alignment evidence to a relation kind, a direction, and clusters of versions.

Kinds, checked in this order:
- duplicate: the same normalised text, or near-identical: at least DUPLICATE of each side matched
  verbatim and shingle Jaccard at least DUPLICATE_JACCARD (so a respelled copy is a version);
- version: one dispatch edited (trimmed, updated, respelled): at least VERSION of the shorter side
  matched verbatim;
- rewrite: enough sentences say the same in other words (count and share of the shorter article),
  quotes matched across the pair counting as aligned sentences, and under half copied verbatim;
- version again: verbatim reuse spread over more than PARTIAL_MAX passages and SPREAD_FRACTION of
  the shorter article (an edited dispatch whose paragraphs were reworked in between);
- partial: one to PARTIAL_MAX passages of real length reused inside otherwise different text.

Direction is claimed only on evidence, strongest first: an earlier publication time; a wire agency
as one side's source or credit line ("(AFP)", "— Reuters") that the other side lacks; for versions,
one text contained in the other plus more (updates add text, so the longer one is later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.model import Article, RelationKind, ReuseRelation
from storytrace.reuse.align import Alignment

DUPLICATE = 0.98
DUPLICATE_JACCARD = 0.9
VERSION = 0.8
SPREAD_FRACTION = 0.2
REWRITE_MAX_VERBATIM = 0.5
PARTIAL_MAX = 3
PARTIAL_MIN_WORDS = 25
REWRITE_MIN_SENTENCES = 3
REWRITE_MIN_FRACTION = 0.2
CONTAINED = 0.9

WIRES = {
    "afp": "AFP",
    "agence france-presse": "AFP",
    "ap": "AP",
    "associated press": "AP",
    "reuters": "Reuters",
    "mpa": "MPA",
    "dpa": "dpa",
    "ansa": "ANSA",
    "efe": "EFE",
    "pa": "PA",
    "upi": "UPI",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "pti": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "bloomberg": "Bloomberg",
}
_WIRE_NAMES = "|".join(sorted((re.escape(k) for k in WIRES), key=len, reverse=True))
# "(AFP)" anywhere near the top or bottom; a line starting "— Reuters", "© AFP" or "By AP"; a text
# ending "— Reuters" or a last line that is just the agency's name.
_CREDIT_RE = re.compile(
    rf"\((?P<paren>{_WIRE_NAMES})\)"
    rf"|(?:^|\n)\s*(?:[—–-]{{1,2}}|©|by)\s*(?P<line>{_WIRE_NAMES})\b"
    rf"|(?:[—–]|--|\n)\s*(?P<tail>{_WIRE_NAMES})\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Evidence:
    """Everything the decision looks at for one pair."""

    alignment: Alignment
    same_text: bool = False
    jaccard: float = 0.0  # MinHash estimate over word shingles
    n_sentences: int = 0  # aligned rewrite sentences
    a_sentences: int = 0
    b_sentences: int = 0
    matched_quotes: int = 0

    @property
    def shorter_fraction(self) -> float:
        """Verbatim-aligned share of the shorter article (which is the larger of the two shares)."""
        return max(self.alignment.a_fraction, self.alignment.b_fraction)

    @property
    def rewrite_fraction(self) -> float:
        shorter = min(self.a_sentences, self.b_sentences)
        return (self.n_sentences + self.matched_quotes) / shorter if shorter else 0.0


def classify(evidence: Evidence) -> tuple[RelationKind, float] | None:
    """The relation kind and its score (the aligned share it rests on), or None for no link."""
    alignment = evidence.alignment
    both = min(alignment.a_fraction, alignment.b_fraction)
    if evidence.same_text or (both >= DUPLICATE and evidence.jaccard >= DUPLICATE_JACCARD):
        return "duplicate", 1.0 if evidence.same_text else round(both, 4)
    shorter = evidence.shorter_fraction
    if shorter >= VERSION:
        return "version", round(shorter, 4)
    if is_rewrite(evidence) and shorter < REWRITE_MAX_VERBATIM:
        return "rewrite", round(min(evidence.rewrite_fraction, 1.0), 4)
    if len(alignment.passages) > PARTIAL_MAX and shorter >= SPREAD_FRACTION:
        return "version", round(shorter, 4)
    if any(words >= PARTIAL_MIN_WORDS for words in alignment.passage_words):
        return "partial", round(shorter, 4)
    return None


def is_rewrite(evidence: Evidence) -> bool:
    """Enough reworded sentences: at least REWRITE_MIN_SENTENCES and REWRITE_MIN_FRACTION of the shorter article."""
    support = evidence.n_sentences + evidence.matched_quotes
    return support >= REWRITE_MIN_SENTENCES and evidence.rewrite_fraction >= REWRITE_MIN_FRACTION


def needs_sentences(evidence: Evidence) -> bool:
    """Sentence alignment is only worth its cost when verbatim evidence falls short of a version."""
    return not evidence.same_text and evidence.shorter_fraction < VERSION


def rewrite_possible(a_sentences: int, b_sentences: int, a_quotes: int, b_quotes: int) -> bool:
    """Whether a pair can reach REWRITE_MIN_SENTENCES at all, before any sentence is aligned.

    Reworded sentences pair one to one, so at most min(a_sentences, b_sentences) of them (counting the
    sentences long enough to judge), and a quote of a counts only when b has quotes too. A headline
    feed (one sentence per article) never can: its pairs skip the cross-encoder, which took most of the
    19 minutes the pipeline spent on 4,783 UCI headlines (2.0 minutes without it).
    """
    return min(a_sentences, b_sentences) + (a_quotes if b_quotes else 0) >= REWRITE_MIN_SENTENCES


def wire_credit(article: Article) -> str | None:
    """The wire agency an article is from or credits: its source, or a credit line in the text."""
    source = (article.source or "").strip().lower()
    if source in WIRES:
        return WIRES[source]
    head, tail = article.text[:300], article.text[-300:]
    for part in (head, tail):
        match = _CREDIT_RE.search(part)
        if match:
            return WIRES[(match.group("paren") or match.group("line") or match.group("tail")).lower()]
    return None


def direction(a: Article, b: Article, kind: RelationKind, evidence: Evidence) -> tuple[str, str]:
    """("a->b" | "b->a" | "unknown", reason). "a->b" means b copied (or updated) a."""
    if a.published_at and b.published_at and a.published_at != b.published_at:
        return ("a->b", "published earlier") if a.published_at < b.published_at else ("b->a", "published earlier")
    wire_a, wire_b = wire_credit(a), wire_credit(b)
    if bool(wire_a) != bool(wire_b):
        # The side that is (or credits) the agency carries the dispatch; the other derives from it.
        return ("a->b", f"a is {wire_a} copy") if wire_a else ("b->a", f"b is {wire_b} copy")
    if kind == "version":
        af, bf = evidence.alignment.a_fraction, evidence.alignment.b_fraction
        if af >= CONTAINED > bf:
            return "a->b", "b contains a plus more"
        if bf >= CONTAINED > af:
            return "b->a", "a contains b plus more"
    return "unknown", ""


def demote_siblings(relations: list[ReuseRelation]) -> list[ReuseRelation]:
    """Set "unknown" on links between two articles that both derive from a third one; returns those changed.

    Two copies of one wire story published an hour apart did not copy each other: the earlier one is
    not the source. A directed link x -> y is kept only when x and y have no common origin c with
    c -> x and c -> y. Origins use each link's own evidence (`evidence["evidence_direction"]`), so
    the rule gives the same answer however often it is applied.
    """
    origins: dict[str, set[str]] = {}
    for r in relations:
        own = r.evidence.get("evidence_direction", r.direction)
        if own != "unknown":
            source, target = (r.a, r.b) if own == "a->b" else (r.b, r.a)
            origins.setdefault(target, set()).add(source)
    changed = []
    for r in relations:
        own = r.evidence.get("evidence_direction", r.direction)
        common = sorted((origins.get(r.a, set()) & origins.get(r.b, set())) - {r.a, r.b})
        wanted, reason = ("unknown", f"both derive from {common[0]}") if common and own != "unknown" else (own, None)
        if wanted != r.direction:
            r.direction = wanted
            r.evidence["direction_reason"] = reason or r.evidence.get("evidence_reason", "")
            changed.append(r)
    return changed


class UnionFind:
    """Disjoint sets with path halving and union by size: near-constant time per operation."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        self.size.setdefault(x, 1)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        if self.size[rx] < self.size[ry]:
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.size[rx] += self.size[ry]

    def groups(self) -> list[list[str]]:
        found: dict[str, list[str]] = {}
        for x in self.parent:
            found.setdefault(self.find(x), []).append(x)
        return [sorted(g) for g in found.values()]
