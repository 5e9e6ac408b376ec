"""A story's names: the entities its articles mention most, read again when the extract stage is redone.

A story counts, per name, how many of its members carry it among their own top names, as the members were
extracted when they joined; a thread counts its stories' key names. `storytrace analyze --redo extract`
re-extracts every article under newer rules, which rename entities ("Global Financial Capital of" became
"Global Financial Capital") and find others. Without reading the names again, the stories would go on
matching new articles, linking into threads and listing key entities by names no article carries any more,
and never list the new ones. Only the names change: members, vectors, terms and ids stay as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from storytrace.dateline import agency_credits
from storytrace.model import Article
from storytrace.store import SQLiteStore
from storytrace.store import stories as repo
from storytrace.store.articles import get_articles
from storytrace.stories.cluster import DEFAULT_PARAMS
from storytrace.stories.features import NAMES_PER_ARTICLE, article_names_or_words
from storytrace.stories.ranking import heaviest
from storytrace.stories.threads import recount_thread_names

NAMES_READ_KEY = "stories.names_read_at"  # the extract stage's redo count when the names were last read
STORY_PAGE = 500
MEMBER_PAGE = 2000


def article_names(store: SQLiteStore, articles: Sequence[Article]) -> dict[str, frozenset[str]]:
    """The entity ids each article counts as its names (`repo.article_entities`), less the agencies its
    datelines credit (`agency_credits`): the extract stage keeps "AP" of "WASHINGTON (AP) —" as a mention,
    since the text names it, but who filed a report is no name of its story, and one shared by every report
    an agency files."""
    credits = {a.id: spans for a in articles if (spans := agency_credits(a.text))}
    return repo.article_entities(store, [a.id for a in articles], NAMES_PER_ARTICLE, credits)


def rename_stories(store: SQLiteStore) -> int:
    """Read every story's names again from its members' entities, then every thread's from its stories,
    once after each redo of the extract stage (`SQLiteStore.redo_count`); returns the stories renamed.
    Members are read a page at a time, so a story of a million wire copies does not fill memory."""
    redone = store.redo_count("extract")
    if store.get_count(NAMES_READ_KEY) == redone:
        return 0
    count = 0
    with store.transaction():
        for page in repo.story_id_pages(store, STORY_PAGE):
            stories = repo.get_stories(store, page)
            for story in stories.values():
                names: Counter[str] = Counter()
                for members in repo.member_pages(store, story.story_id, MEMBER_PAGE):
                    articles = get_articles(store, [a for a, _ in members])
                    found = article_names(store, articles)
                    names.update(n for a in articles for n in article_names_or_words(a, found.get(a.id)))
                story.names = heaviest(names, DEFAULT_PARAMS.story_names)
            repo.save_stories(store, stories.values())
            count += len(stories)
        recount_thread_names(store)
        store.set_meta(NAMES_READ_KEY, str(redone))
    return count
