"""Everything extracted from one parsed article: mentions, quotes with speakers, numeric claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from storytrace.extract.aliases import AliasTable
from storytrace.extract.claims import extract_claims
from storytrace.extract.entities import article_entities
from storytrace.extract.quotes import FoundQuote, extract_quotes
from storytrace.extract.roles import role_rows
from storytrace.extract.speakers import SpeakerResolver
from storytrace.model import Claim
from storytrace.store.extract import DescribedRow, MentionRow, QuoteRow, RoleRow


@dataclass(slots=True)
class ArticleExtraction:
    mentions: list[MentionRow] = field(default_factory=list)
    quotes: list[QuoteRow] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)  # roles the article gives people
    described: list[DescribedRow] = field(default_factory=list)  # quotes by a description it leaves unresolved


def extract_article(article_id: str, doc: Doc, aliases: AliasTable, published: str | None = None) -> ArticleExtraction:
    text = doc.text
    entities = article_entities(doc, aliases)
    resolver = SpeakerResolver(entities, aliases)
    found = extract_quotes(doc, resolver)
    result = ArticleExtraction()
    result.mentions = [MentionRow(article_id, m.start, m.end, m.text, m.type, m.key) for m in entities.mentions]
    result.mentions.extend(
        MentionRow(article_id, start, end, text[start:end], "person", key) for start, end, key in resolver.described
    )
    result.quotes = [_quote_row(article_id, text, q) for q in found]
    result.roles = role_rows(article_id, published, entities.roles)
    result.described = [
        DescribedRow(
            article_id,
            q.start,
            q.end,
            q.kind,
            q.speaker.text,
            q.speaker.role.head,
            " ".join(sorted(q.speaker.role.words)),
            q.speaker.salient,
            published,
        )
        for q in found
        if q.speaker is not None and q.speaker.role is not None
    ]
    for claim in extract_claims(doc):
        quote = _enclosing(found, claim.start, claim.end)
        speaker = quote.speaker.text if quote is not None and quote.speaker is not None else None
        result.claims.append(
            Claim(
                article_id,
                claim.start,
                claim.end,
                claim.text,
                claim.value,
                claim.unit,
                claim.subject,
                claim.qualifier,
                speaker,
            )
        )
    return result


def _quote_row(article_id: str, text: str, quote: FoundQuote) -> QuoteRow:
    speaker = quote.speaker
    return QuoteRow(
        article_id,
        quote.start,
        quote.end,
        text[quote.start : quote.end],
        quote.kind,
        quote.cue,
        speaker.text if speaker else None,
        speaker.type if speaker and speaker.key else None,
        speaker.key if speaker else None,
    )


def _enclosing(quotes: list[FoundQuote], start: int, end: int) -> FoundQuote | None:
    """The narrowest quote containing [start, end)."""
    inside = [q for q in quotes if q.start <= start and end <= q.end]
    return min(inside, key=lambda q: q.end - q.start) if inside else None
