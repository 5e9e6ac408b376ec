"""What the story clusterer knows about one article: an embedding, TF-IDF term weights, names and a day.

Three views of "about the same event", because each alone is brittle:
- the MiniLM document vector (headline + lead) captures paraphrase but blurs related events
  (two NATO meetings two years apart embed alike);
- TF-IDF over the folded words of headline, text and URL slug catches the specific vocabulary of one
  event ("umbrella", "hot phase") that the embedding averages away. The slug matters for headline-only
  input: most sites build it from the original headline, so it repeats the headline's key words and
  sometimes adds one the published headline left out (".../film-sxsw-neighbors" under "Comic film
  'Neighbors' pits party-over against party-on"; on the UCI headlines +0.6 B-cubed F1,
  bench/results/stories_quality.md). IDF is online:
  idf(t) = ln((N + 1) / (df(t) + 1)) + 1 over the N articles clustered so far (the stored
  `story_df` table), so it needs no fitted vocabulary and grows with the corpus;
- names (entity ids from the extract stage when it ran, else capitalised words inside sentences)
  tie reports of the same actors together.
Time is the day number of the publication date (None when unknown), used as a decay, never more finely.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import numpy as np

from storytrace.dateline import agency_credits, opening_dateline
from storytrace.model import Article
from storytrace.stories.calendar_names import MONTHS, WEEKDAYS
from storytrace.stories.ranking import heaviest
from storytrace.stories.similarity import unit_terms
from storytrace.text import STOPWORDS, clip_around, fold, sentences, starts_within, words

CALENDAR_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)  # capitalised, but never names
NAME_PREFIX = "n:"  # document frequencies of names are kept beside those of terms, under this prefix
TITLE_WEIGHT = 2.0  # a headline word counts as two body words: headlines name the event.
NAMES_PER_ARTICLE = 10  # the most mentioned names of an article are its actors; the tail is background
MAX_TERMS = 40  # terms kept per article vector, by weight; the tail carries no event signal.
_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
SLUG_WEIGHT = 1.0  # a slug word counts as a body word: it mostly repeats the headline, sometimes adds one
SLUG_MIN_WORDS = 3
LEAD_CHARS = 160  # a lead sentence used as a title is cut at a word boundary before this length
_EXTENSION_RE = re.compile(r"\.[A-Za-z]{2,5}$")
_SLUG_SPLIT_RE = re.compile(r"[-_+.,]|%20")


@dataclass(slots=True)
class ArticleFeatures:
    """One article as the clusterer sees it. `terms` is an L2-normalised TF-IDF vector."""

    article_id: str
    content_hash: str
    vector: np.ndarray
    term_counts: dict[str, float]
    names: frozenset[str]
    day: int | None
    published_at: str | None
    title: str | None
    source: str | None
    lead: str | None = None  # the first sentence, a stand-in title for an article without a headline
    terms: dict[str, float] = field(default_factory=dict)
    name_weights: dict[str, float] = field(default_factory=dict)  # name -> idf, filled with `terms`


def day_number(published_at: str | None) -> int | None:
    """Proleptic ordinal of the publication date: the clock time is ignored on purpose (news moves in days)."""
    if not published_at:
        return None
    match = _DAY_RE.match(published_at)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).toordinal()
    except ValueError:
        return None


def url_words(url: str | None) -> list[str]:
    """The words of the URL's slug: the path segment with the most (at least SLUG_MIN_WORDS) alphabetic
    words joined by hyphens or underscores, which most sites derive from the original headline."""
    if not url:
        return []
    best: list[str] = []
    for segment in urlsplit(url).path.split("/"):
        tokens = [t for t in _SLUG_SPLIT_RE.split(_EXTENSION_RE.sub("", segment)) if t.isalpha()]
        if len(tokens) >= SLUG_MIN_WORDS and len(tokens) > len(best):
            best = tokens
    return best


def lead_sentence(text: str, limit: int = LEAD_CHARS) -> str | None:
    """The first sentence of the text without its dateline, cut at a word boundary (with an ellipsis)
    beyond `limit` characters: news leads say who did what, so it is the best title an untitled article
    has; where the report was filed is not part of that."""
    text = text.lstrip()
    if opening := opening_dateline(text):
        text = text[opening[1] :]
    first = next(iter(sentences(text[: 4 * limit])), None)
    if first is None:
        return None
    lead = " ".join(first.text.split())
    return clip_around(lead, 0, 0, limit)


def _content_key(token: str) -> str | None:
    key = fold(token)
    return key if len(key) > 1 and key not in STOPWORDS and not key.isdigit() else None


def term_counts(article: Article) -> dict[str, float]:
    """Weighted counts of folded content words: headline words count TITLE_WEIGHT times, URL slug words
    SLUG_WEIGHT times."""
    counts: Counter[str] = Counter()
    for text, weight in ((article.title or "", TITLE_WEIGHT), (article.body, 1.0)):
        for span in words(text):
            if key := _content_key(span.text):
                counts[key] += weight
    for token in url_words(article.url):
        if key := _content_key(token):
            counts[key] += SLUG_WEIGHT
    return dict(counts)


def title_words(title: str | None) -> frozenset[str]:
    """The folded content words of a headline, as `term_counts` keys them."""
    return frozenset(key for key, _ in keyed_words(title or ""))


def keyed_words(text: str) -> Iterator[tuple[str, str]]:
    """(key, word as written) for each content word of `text`, in order, keyed as `term_counts` keys them."""
    for span in words(text):
        if key := _content_key(span.text):
            yield key, span.text


def name_keys(article: Article, k: int = NAMES_PER_ARTICLE) -> frozenset[str]:
    """The k most mentioned capitalised words of the body that do not open a sentence (acronyms too).

    A cheap stand-in for entities when none were extracted. Headlines are skipped: many are in
    Title Case, where capitals mark nothing; so are the agencies datelines credit ("(AP) —"), which say
    who filed the report, not what it is about (`agency_credits`).
    """
    counts: Counter[str] = Counter()
    credits = agency_credits(article.text)
    for sentence in sentences(article.text):
        for i, span in enumerate(words(sentence.text)):
            start = sentence.start + span.start
            if starts_within(start, credits):
                continue
            acronym = len(span.text) > 1 and span.text.isupper()
            if acronym or (i > 0 and span.text[:1].isupper()):
                key = fold(span.text)
                if key not in STOPWORDS and key not in CALENDAR_WORDS and not key.isdigit():
                    counts[key] += 1
    return frozenset(name for name, _ in counts.most_common(k))


def tfidf(counts: Mapping[str, float], df: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """Sublinear TF-IDF, L2-normalised, truncated to the MAX_TERMS heaviest terms."""
    weights = {
        term: (1.0 + math.log(count)) * (math.log((n_docs + 1) / (df.get(term, 0) + 1)) + 1.0)
        for term, count in counts.items()
        if count > 0
    }
    return unit_terms(heaviest(weights, MAX_TERMS))


def df_keys(features: ArticleFeatures) -> list[str]:
    """The document-frequency keys of an article: its terms and its prefixed names."""
    return [*features.term_counts, *(NAME_PREFIX + n for n in features.names)]


def weigh(features: ArticleFeatures, df: Mapping[str, int], n_docs: int) -> None:
    """Fill the article's TF-IDF vector and the IDF of each of its names from the document frequencies
    (terms, and names under NAME_PREFIX) of `n_docs` articles."""
    features.terms = tfidf(features.term_counts, df, n_docs)
    features.name_weights = {
        n: math.log((n_docs + 1) / (df.get(NAME_PREFIX + n, 0) + 1)) for n in sorted(features.names)
    }


def article_names_or_words(article: Article, entity_ids: frozenset[str] | None) -> frozenset[str]:
    """An article's names: its entity ids where the extract stage found any, else its capitalised words."""
    return entity_ids if entity_ids else name_keys(article)


def build_features(article: Article, vector: np.ndarray, entity_ids: frozenset[str] | None = None) -> ArticleFeatures:
    """Features of one article; `terms` is filled later by the clusterer, once document frequencies are known."""
    return ArticleFeatures(
        article_id=article.id,
        content_hash=article.content_hash,
        vector=np.asarray(vector, dtype=np.float32),
        term_counts=term_counts(article),
        names=article_names_or_words(article, entity_ids),
        day=day_number(article.published_at),
        published_at=article.published_at,
        title=article.title,
        source=article.source,
        lead=None if article.title else lead_sentence(article.text),
    )
