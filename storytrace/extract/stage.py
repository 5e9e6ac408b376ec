"""The `extract` stage and the `entities`, `mentions`, `quotes` and `claims` exporters.

Per-article extraction runs only on pending articles (new or changed text), parsed in batches with
`nlp.pipe`; each batch's rows replace the articles' old rows in one transaction, in which the keys
its mentions name for the first time are linked to existing entities (or found new ones), and
descriptions no article resolved itself are resolved from corpus-wide role knowledge (`roles`). Names,
aliases and counts are then recomputed only for the entities touched. Re-running on unchanged data
finds nothing pending, so it changes nothing.

Articles are parsed and extracted in worker processes (`workers.process_count`) once there are enough of
them; a worker returns an article's rows, never its parse, and the main process writes them while the
workers go on. $STORYTRACE_NLP_PROCESSES overrides the count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import Any

from storytrace.extract.aliases import load_aliases
from storytrace.extract.article import ArticleExtraction, extract_article
from storytrace.extract.canon import fixed_names, link_new_keys
from storytrace.extract.nlp import parse
from storytrace.extract.roles import new_role_pairs, resolve_described
from storytrace.pipeline import exporter, stage
from storytrace.progress import Progress
from storytrace.store import SQLiteStore
from storytrace.store import extract as repo
from storytrace.store.articles import get_articles
from storytrace.workers import mapped, process_count

BATCH = 64  # articles per write transaction
PAGE = 5_000  # pending articles fetched at a time
TASK = 16  # articles a worker parses (one nlp.pipe batch) and extracts at a time


def extract_articles(items: Sequence[tuple[str, str, str | None]]) -> list[ArticleExtraction]:
    """The rows of each (id, text, publication date): parsed and extracted where this runs, a worker
    process or the main one. A parse is large and the rows are small: when workers handed parses back,
    moving them cost more than parsing a headline (4,783 UCI headlines: 11.8 s then, 7.7 s now; 924
    PolNeAR articles 104 s then, 94 s now, with a worker's peak memory 0.8 GB then, 0.5 GB now)."""
    aliases = load_aliases()
    docs = parse(text for _, text, _ in items)
    return [
        extract_article(article_id, doc, aliases, published)
        for (article_id, _, published), doc in zip(items, docs, strict=True)
    ]


@stage("extract", redo=True)
def run_extract(store: SQLiteStore, progress: Progress) -> dict[str, Any]:
    """Entities, quotes with speakers and numeric claims, per article, then entity identity corpus-wide."""
    aliases = load_aliases()
    pending = store.pending_count("extract")
    counts = {"articles": 0, "quotes": 0, "claims": 0, "mentions": 0, "described_resolved": 0}
    stale: set[str] = set()
    with progress.task("extract", total=pending) as task, mapped(extract_articles, process_count(pending)) as run:
        # A page of pending ids at a time keeps memory bounded; the workers live across pages.
        for page in store.pending_pages("extract", PAGE):
            articles = get_articles(store, page)
            steps = range(0, len(articles), TASK)
            tasks = [[(a.id, a.text, a.published_at) for a in articles[i : i + TASK]] for i in steps]
            extracted = zip(articles, chain.from_iterable(run(tasks)), strict=True)
            while batch := list(islice(extracted, BATCH)):
                with store.transaction():
                    ids = [a.id for a, _ in batch]
                    stale |= repo.stale_entities(store, ids)
                    new_roles = new_role_pairs(store, [r for _, result in batch for r in result.roles])
                    for article, result in batch:
                        repo.replace_article_rows(store, article.id, result.mentions, result.quotes, result.claims)
                        repo.replace_article_roles(store, article.id, result.roles, result.described)
                        counts["quotes"] += len(result.quotes)
                        counts["claims"] += len(result.claims)
                        counts["mentions"] += len(result.mentions)
                    store.mark_done("extract", [(a.id, a.content_hash) for a, _ in batch])
                    stale |= link_new_keys(store, aliases, ids) | repo.stale_entities(store, ids)
                    counts["described_resolved"] += resolve_described(store, ids, new_roles)
                counts["articles"] += len(batch)
                task.advance(len(batch))
    with store.transaction():
        repo.refresh_entities(store, sorted(stale), fixed_names(aliases))
    counts["entities_updated"] = len(stale)
    return counts


@exporter("entities")
def export_entities(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    return repo.iter_entities(store)


@exporter("mentions")
def export_mentions(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    return repo.iter_mentions(store)


@exporter("quotes")
def export_quotes(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    return repo.iter_quotes(store)


@exporter("claims")
def export_claims(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    return repo.iter_claims(store)
