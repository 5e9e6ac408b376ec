"""The `stories` and `timeline` stages, and the stories/threads/timeline exporters.

`stories` feeds new or changed articles, in publication order within each batch (ingestion order
when undated), to the online clusterer (cluster.py), whose live stories are rebuilt from the store at
the start of a run; then it updates threads (threads.py). Re-running on unchanged data finds nothing
pending and changes nothing; existing story ids never change; merges, splits and removals are logged.
Reuse relations (stage "reuse") and entity ids (stage "extract") are used when those stages stored rows.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from typing import Any, NamedTuple

import numpy as np

from storytrace.model import Article, TimelineEvent
from storytrace.nlp.embed import get_encoder
from storytrace.nlp.vectors import doc_text, doc_vectors
from storytrace.pipeline import exporter, stage, top_rows
from storytrace.progress import Progress
from storytrace.store import SQLiteStore
from storytrace.store import stories as repo
from storytrace.store.articles import earlier_versions, get_articles
from storytrace.store.stories import StoryRow, ThreadRow, ThreadStories
from storytrace.stories.background import Background
from storytrace.stories.cluster import DEFAULT_PARAMS, Params, StoryClusterer, link_strength
from storytrace.stories.edits import minor_edit
from storytrace.stories.features import (
    ArticleFeatures,
    build_features,
    day_number,
    df_keys,
    weigh,
)
from storytrace.stories.names import article_names, rename_stories
from storytrace.stories.split import spread_step
from storytrace.stories.threads import ThreadLinker, rekey_threads, thread_label
from storytrace.stories.timeline import date_mentions, period_start
from storytrace.text import WORD_RE, Span, clip_around, fold, sentences
from storytrace.workers import mapped, process_count

BATCH = 2000
MEMBER_PAGE = 1000  # members read at a time when a large story is split
SEQ_WINDOW = 200_000  # undated stories stay live for this many later articles
N_DOCS_KEY = "stories.n_docs"
REGATED_KEY = "threads.regated"  # threads formed before the corpus background were checked against it
CONTEXT_CHARS = 240  # of the sentence around a stated date kept as the event's context


def publication_order(articles: list[Article]) -> list[Article]:
    """Dated articles by day (stable, so ingestion order breaks ties), then undated in ingestion order."""
    return sorted(articles, key=lambda a: (day_number(a.published_at) is None, day_number(a.published_at) or 0))


def _linked(
    links: Mapping[str, tuple[str, float]], known: Mapping[str, str], resolve: Callable[[str], str]
) -> dict[str, float]:
    """The stories holding articles an article reuses (`links`: neighbour -> (relation, score); `known`:
    article -> its story), each with the strength of the strongest link into it."""
    linked: dict[str, float] = {}
    for other, (relation, score) in links.items():
        if other in known:
            story = resolve(known[other])
            linked[story] = max(linked.get(story, 0.0), link_strength(relation, score))
    return linked


def _features(
    store: SQLiteStore, articles: list[Article], entities: Mapping[str, frozenset[str]] | None = None
) -> list[ArticleFeatures]:
    """The articles' features, with their entity ids (`entities`, read here unless the caller has them)."""
    vectors = doc_vectors(store, articles)
    if entities is None:
        entities = article_names(store, articles)
    return [build_features(a, v, entities.get(a.id)) for a, v in zip(articles, vectors, strict=True)]


class Clustered(NamedTuple):
    """The version of a changed article that the stories stage clustered and counted, from `article_versions`."""

    article: Article
    vector: np.ndarray  # its document vector


@dataclass(slots=True)
class Leavers:
    """The members that left their stories at the start of a batch (`StoryBuilder._remove_changed`)."""

    since: int  # the last change-log event before they left
    left: dict[str, str] = field(default_factory=dict)  # article -> the story it left
    unchanged: set[str] = field(default_factory=set)  # those whose text the document frequencies count
    kept: dict[str, str] = field(default_factory=dict)  # changed article -> its story, kept (a minor edit)
    emptied: dict[str, str] = field(default_factory=dict)  # story left empty -> its last member to leave


class StoryBuilder:
    """One run of the stories stage: a clusterer primed from the store, fed batch by batch."""

    def __init__(self, store: SQLiteStore, params: Params = DEFAULT_PARAMS) -> None:
        self.store = store
        self.clusterer = StoryClusterer(params=params)
        self.clusterer.n_docs = store.get_count(N_DOCS_KEY)
        self.seq = repo.max_seq(store)
        self.threads = ThreadLinker(store)
        self._loaded = False
        self._loaded_from: int | None = None
        self.report = {
            "articles": 0,
            "new_stories": 0,
            "merges": 0,
            "splits": 0,
            "removed": 0,
            "edited_in_place": 0,
            "threads_changed": 0,
        }

    def load_live(self, min_day: int | None) -> None:
        """Add the stored stories still open to new members (not yet in memory) to the clusterer.

        Read once per run, and again only when a batch reaches further back in time than any before.
        """
        window = None if min_day is None else min_day - self.clusterer.params.window_days
        if self._loaded and (window is None or (self._loaded_from is not None and window >= self._loaded_from)):
            return
        for story in repo.active_stories(self.store, window, self.seq - SEQ_WINDOW):
            if story.story_id not in self.clusterer.stories:
                self.clusterer.add_story(story)
        self._loaded = True
        self._loaded_from = window if self._loaded_from is None or window is None else min(window, self._loaded_from)

    @cached_property
    def background(self) -> Background:
        """Read when first needed, not when the builder is made: a store clustered before the background
        was kept draws its sample of members then (a scan), once, for `regate_threads`, which saves it."""
        return Background(self.store)

    def regate_threads(self) -> None:
        """Check the threads formed before the corpus had a background against it (`ThreadLinker.regate`),
        once: on the first run of a store clustered by an earlier version, or on the batch that brings a
        feed past MIN_ARTICLES articles. Call inside a transaction."""
        if self.store.get_meta(REGATED_KEY) == "1" or (mean := self.background.mean()) is None:
            return
        self.threads.background = mean
        self.report["threads_changed"] += self.threads.regate()
        self.threads.retitle()
        self.background.save()
        self.store.set_meta(REGATED_KEY, "1")

    def run_batch(self, articles: list[Article]) -> None:
        background = self.background  # read, or seeded from the members, before changed members leave
        ordered = publication_order(articles)
        days = [d for a in ordered if (d := day_number(a.published_at)) is not None]
        self.load_live(min(days) if days else None)
        ids = [a.id for a in ordered]
        entities = article_names(self.store, ordered)
        features = _features(self.store, ordered, entities)
        vectors = {f.article_id: f.vector for f in features}
        links = repo.reuse_neighbours(self.store, ids)
        neighbours = {b for bs in links.values() for b in bs}
        places = repo.member_places(self.store, sorted(neighbours.union(ids)))  # the batch's and its neighbours'
        known = {a: story for a, (story, _, _) in places.items() if a in neighbours}
        current = {a: places[a] for a in ids if a in places}
        clustered = self._clustered_versions(ordered, current, vectors)
        counted_as = self._counted_features(clustered, entities)
        clusterer = self.clusterer
        keys = {t for f in [*features, *counted_as.values()] for t in df_keys(f)}
        clusterer.df.update(repo.load_df(self.store, keys))
        before = dict(clusterer.df)
        with self.store.transaction():
            leavers = self._remove_changed(ordered, current, clustered, vectors)
            # An edited article is still one article: its new text replaces the version counted, in both tallies.
            for article_id in clustered:
                clusterer.uncount(counted_as[article_id])
            background.remove(c.vector for c in clustered.values())
            background.add(f.vector for f in features if f.article_id not in leavers.unchanged)
            self.threads.background = background.mean()
            self.regate_threads()
            members = []
            for f in features:
                if f.article_id in leavers.unchanged:  # counted as it is when it was clustered
                    weigh(f, clusterer.df, max(clusterer.n_docs, 1))
                else:
                    clusterer.weigh_terms(f)
                if f.article_id in leavers.kept:  # a minor edit: its story was rebuilt with it
                    known[f.article_id] = leavers.kept[f.article_id]
                    continue
                self.seq += 1
                result = clusterer.assign(f, self.seq, _linked(links.get(f.article_id, {}), known, clusterer.resolve))
                known[f.article_id] = result.story_id
                members.append((f.article_id, result.story_id, f.content_hash, self.seq, round(result.score, 4)))
                self.report["new_stories"] += result.created
                for absorbed in result.merged:
                    self._record_merge(absorbed, result.story_id, f.article_id)
            # A bridging merge later in the batch may have absorbed the story an earlier member joined.
            repo.save_members(self.store, [(a, clusterer.resolve(s), h, q, sc) for a, s, h, q, sc in members])
            for absorbed, survivor in clusterer.consolidate():
                self._record_merge(absorbed, survivor, None)
            self._settle(leavers, known)
            previous = repo.get_stories(self.store, sorted(clusterer.touched))
            known.update(self._split_touched(previous, {f.article_id: f for f in features}))
            touched = [clusterer.stories[s] for s in sorted(clusterer.touched) if s in clusterer.stories]
            arrived: dict[str, list[dict[str, float]]] = {}
            for f in features:
                arrived.setdefault(clusterer.resolve(known[f.article_id]), []).append(f.term_counts)
            self.report["threads_changed"] += self.threads.update(touched, previous, arrived, clusterer.quiet)
            repo.save_stories(self.store, touched)
            self.threads.retitle()
            repo.add_df(self.store, {t: n - before.get(t, 0) for t, n in clusterer.df.items() if n != before.get(t, 0)})
            self.store.set_meta(N_DOCS_KEY, str(clusterer.n_docs))
            background.save()
            self.store.mark_done("stories", [(a.id, a.content_hash) for a in ordered])
        clusterer.touched.clear()
        clusterer.quiet.clear()
        clusterer.df.clear()
        self.report["articles"] += len(ordered)

    def _record_merge(self, absorbed: str, survivor: str, article_id: str | None) -> None:
        """Members of the absorbed story move to the survivor; the stored absorbed story leaves its thread."""
        repo.move_members(self.store, absorbed, survivor)
        old = repo.get_stories(self.store, [absorbed]).get(absorbed)
        if old is not None:
            self.threads.detach(old)
        repo.delete_story(self.store, absorbed)
        repo.log_event(self.store, "merge", absorbed, survivor, article_id)
        self.report["merges"] += 1

    def _split_touched(self, previous: dict[str, StoryRow], batch: dict[str, ArticleFeatures]) -> dict[str, str]:
        """Check the touched stories that grew past a checkpoint (`split_due`) for a split; a split
        moves the members of the new story and is logged. `previous` holds the stored (pre-batch) rows;
        members from this `batch` are taken as they are, only older ones are read back. A story larger
        than SPLIT_SAMPLE is checked on an evenly spread sample; all its members are read, page by
        page, only when the sample shows a split. Returns the new story of each moved article, so that
        the thread check reads a moved member's text under the story it now belongs to."""
        clusterer = self.clusterer
        moved: dict[str, str] = {}
        for story_id in sorted(clusterer.touched):
            story = clusterer.stories.get(story_id)
            before = previous[story_id].size if story_id in previous else 0
            if story is None or not clusterer.split_due(before, story.size):
                continue
            step = spread_step(story.size, clusterer.params.split_sample)
            sample = self._members(repo.spread_members(self.store, story_id, step), batch)
            if sample is None:
                continue
            # Only a sampled story needs every member; the sample's features are already built.
            everyone = None
            if step > 1:
                everyone = partial(self._every_member, story_id, batch | {f.article_id: f for _, f in sample})
            size = story.size
            result = clusterer.split(story_id, sample, everyone)
            if result is not None:
                repo.move_member_ids(self.store, result.moved, result.new_story_id)
                detail = f"{len(result.moved)} of {size} members moved"
                repo.log_event(self.store, "split", story_id, result.new_story_id, None, detail)
                self.report["splits"] += 1
                moved.update(dict.fromkeys(result.moved, result.new_story_id))
        return moved

    def _every_member(self, story_id: str, known: dict[str, ArticleFeatures]) -> Iterator[tuple[int, ArticleFeatures]]:
        """All (seq, features) of a story, oldest first, read page by page (see `_members`)."""
        for page in repo.member_pages(self.store, story_id, MEMBER_PAGE):
            yield from self._members(page, known) or []

    def _members(
        self, rows: list[tuple[str, int]], known: dict[str, ArticleFeatures]
    ) -> list[tuple[int, ArticleFeatures]] | None:
        """(seq, features) of stored members, oldest first (features in `known` are taken as they are, the
        others built from the store); None when an article is missing."""
        stored = get_articles(self.store, [a for a, _ in rows if a not in known])
        older = {f.article_id: f for f in self._weighed(stored)}
        members = []
        for article_id, seq in rows:
            features = known.get(article_id) or older.get(article_id)
            if features is None:
                return None
            members.append((seq, features))
        return members

    def _remove_changed(
        self,
        articles: list[Article],
        current: Mapping[str, tuple[str, int, str]],
        clustered: Mapping[str, Clustered],
        vectors: Mapping[str, np.ndarray],
    ) -> Leavers:
        """Articles clustered before (`current`: article -> story, seq, clustered hash) leave their stories
        (each rebuilt once from its remaining members) to be assigned again: their text changed, or the
        reuse stage weakened a link they joined on (`relink`, which sends back a story's members in a run).
        A changed article whose edit is minor (`edits.minor_edit`, against its `clustered` version) and which
        was not sent back stays, its story rebuilt with its new text. Each leave is logged now, so that the
        change log keeps its order, and dropped by `_settle` if the article lands where it was. A story left
        empty is kept for its first member, which takes it back if it opens a story again. `vectors`: the
        articles' document vectors, as the batch's features hold."""
        hashes = {a.id: a.content_hash for a in articles}
        leavers = Leavers(repo.last_event_id(self.store))
        leavers.unchanged = {a for a, (_, _, digest) in current.items() if digest == hashes[a]}
        # A requeued article (`relink`: a reuse link it joined on weakened) is assigned again, edited or not.
        requeued = self.store.requeued("stories", sorted(clustered))
        n_docs = max(self.clusterer.n_docs, 1)
        leavers.kept = {
            a.id: current[a.id][0]
            for a in articles
            if a.id in clustered
            and a.id not in requeued
            and minor_edit(clustered[a.id].article, a, clustered[a.id].vector, vectors[a.id], self.clusterer.df, n_docs)
        }
        repo.set_member_hashes(self.store, [(hashes[a], a) for a in leavers.kept])
        self.report["edited_in_place"] += len(leavers.kept)
        by_story: dict[str, list[str]] = {}  # story -> its members in the batch, by seq
        for article_id, (story_id, _, _) in sorted(current.items(), key=lambda item: item[1][1]):
            by_story.setdefault(story_id, []).append(article_id)
        for story_id, article_ids in sorted(by_story.items()):
            story = repo.get_stories(self.store, [story_id]).get(story_id)
            leaving = [a for a in article_ids if a not in leavers.kept]
            for article_id in leaving:
                repo.delete_member(self.store, article_id)
            self.clusterer.forget(story_id)
            if story is None:
                continue
            rest = get_articles(self.store, repo.story_member_ids(self.store, story_id))
            rebuilt = self.clusterer.rebuild(story, self._weighed(rest), quiet=not leaving)
            for article_id in leaving:
                reason = "reuse link weakened" if article_id in leavers.unchanged else "article text changed"
                repo.log_event(self.store, "remove", story_id, None, article_id, reason)
                leavers.left[article_id] = story_id
            if rebuilt is None:
                self.clusterer.vacated[leaving[0]] = story
                leavers.emptied[story_id] = leaving[-1]
        return leavers

    def _clustered_versions(
        self, articles: list[Article], current: Mapping[str, tuple[str, int, str]], vectors: Mapping[str, np.ndarray]
    ) -> dict[str, Clustered]:
        """The version each changed article was clustered with (`current`: article -> story, seq, clustered
        hash), where `article_versions` keeps it. Its document vector is no longer stored: it is the new one
        (`vectors`) when the headline and lead are unchanged, else embedded again (the encoder is loaded only
        for an edit of a headline or lead)."""
        changed = {a.id: a for a in articles if a.id in current and current[a.id][2] != a.content_hash}
        old = earlier_versions(self.store, {a: current[a][2] for a in changed})
        found = {a: Clustered(version, vectors[a]) for a, version in old.items()}
        relead = [a for a, version in old.items() if doc_text(version) != doc_text(changed[a])]
        if relead:
            encoded = get_encoder().encode([doc_text(old[a]) for a in relead])
            found.update((a, Clustered(old[a], vector)) for a, vector in zip(relead, encoded, strict=True))
        return found

    @staticmethod
    def _counted_features(
        clustered: Mapping[str, Clustered], entities: Mapping[str, frozenset[str]]
    ) -> dict[str, ArticleFeatures]:
        """The features each clustered version was counted with in the document frequencies. Its terms are
        its own; its entity ids are no longer stored (the extract stage keeps the current version's), so
        those of the article now (`entities`) stand in for them: an edited article's names stay counted as
        they were."""
        return {a: build_features(c.article, c.vector, entities.get(a)) for a, c in clustered.items()}

    def _settle(self, leavers: Leavers, known: dict[str, str]) -> None:
        """After the batch's assignments: an article that landed in the story it left (its story is what it
        was) leaves no `remove` in the change log; a story left empty that no member took back is
        dissolved."""
        clusterer = self.clusterer
        stayed = [(s, a) for a, s in leavers.left.items() if clusterer.resolve(known[a]) == clusterer.resolve(s)]
        repo.drop_removals(self.store, stayed, leavers.since)
        self.report["removed"] += len(leavers.left) - len(stayed)
        for story_id, last in sorted(leavers.emptied.items()):
            if story_id in clusterer.stories or story_id in clusterer.aliases:  # taken back
                continue
            story = repo.get_stories(self.store, [story_id])[story_id]  # as stored: `regate` may have moved it
            self.threads.detach(story)
            repo.delete_story(self.store, story_id)
            repo.log_event(self.store, "dissolve", story_id, None, last, "no member left")
        clusterer.vacated.clear()

    def _weighed(self, articles: list[Article]) -> list[ArticleFeatures]:
        """Features of existing members, weighed with the current document frequencies (not counted again)."""
        features = _features(self.store, articles)
        df = repo.load_df(self.store, {t for f in features for t in df_keys(f)})
        for f in features:
            weigh(f, df, max(self.clusterer.n_docs, 1))
        return features


@stage("stories", after=("reuse", "extract"))
def run_stories(store: SQLiteStore, progress: Progress) -> dict[str, Any]:
    """Cluster new articles into stories (online, stable ids) and stories into threads."""
    rekey_threads(store)
    rename_stories(store)
    builder = StoryBuilder(store)
    with store.transaction():
        builder.regate_threads()
    with progress.task("stories", total=store.pending_count("stories")) as task:
        for ids in store.pending_pages("stories", BATCH):
            builder.run_batch(get_articles(store, ids))
            task.advance(len(ids))
    return builder.report


def article_timeline(article: Article) -> list[TimelineEvent]:
    """The article's publication (when dated) and every date its text states, resolved where possible,
    with the sentence that states it: "in 2019" alone does not say what happened then."""
    published = date.fromordinal(d) if (d := day_number(article.published_at)) else None
    events = []
    if published is not None:
        events.append(TimelineEvent(article.id, published.isoformat(), article.title or "", "published", "day"))
    spans = sentences(article.text)
    starts = [s.start for s in spans]
    for mention in date_mentions(article.text, published):
        events.append(
            TimelineEvent(
                article.id,
                mention.when,
                mention.text,
                "mentioned",
                mention.granularity,
                mention.start,
                mention.end,
                _stated_in(spans, starts, mention.start, mention.end),
                mention.until,
            )
        )
    return events


def _stated_in(spans: list[Span], starts: list[int], start: int, end: int) -> str | None:
    """The sentence holding [start, end), clipped to CONTEXT_CHARS around it, whitespace collapsed."""
    index = bisect_right(starts, start) - 1
    if index < 0 or spans[index].end < end:
        return None
    sentence = spans[index]
    clipped = clip_around(sentence.text, start - sentence.start, end - sentence.start, CONTEXT_CHARS)
    return " ".join(clipped.split())


@stage("timeline", redo=True)
def run_timeline(store: SQLiteStore, progress: Progress) -> dict[str, Any]:
    """Find and resolve the dates stated in new or changed articles, read in worker processes from
    `workers.MIN_PARALLEL` pending articles on (PolNeAR's 927 on 2 cores: 3.9-4.0 s in one process,
    1.9-2.2 s in two, the same rows)."""
    done = resolved = unresolved = 0
    pending = store.pending_count("timeline")
    with progress.task("timeline", total=pending) as task, mapped(article_timeline, process_count(pending)) as read:
        for ids in store.pending_pages("timeline", BATCH):
            articles = get_articles(store, ids)
            timelines = read(articles)
            with store.transaction():
                for article, events in zip(articles, timelines, strict=True):
                    rows = [
                        (
                            article.id,
                            i,
                            article.content_hash,
                            e.kind,
                            e.start,
                            e.end,
                            e.text,
                            e.when,
                            e.granularity,
                            period_start(e.when, e.granularity),
                            e.context,
                            e.until,
                        )
                        for i, e in enumerate(events)
                    ]
                    repo.replace_timeline(store, article.id, rows)
                    resolved += sum(e.when is not None for e in events if e.kind == "mentioned")
                    unresolved += sum(e.when is None for e in events)
                store.mark_done("timeline", [(a.id, a.content_hash) for a in articles])
            done += len(ids)
            task.advance(len(ids))
    return {"articles": done, "resolved_dates": resolved, "unresolved_dates": unresolved}


@exporter("stories")
def export_stories(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for story, members in repo.iter_story_rows(store):
        yield _story_record(store, story, members)


@top_rows("stories")
def top_stories(store: SQLiteStore, limit: int) -> Iterator[dict[str, Any]]:
    """The largest stories."""
    for story, members in repo.story_rows(store, repo.largest_story_ids(store, limit)):
        yield _story_record(store, story, members)


def _story_record(store: SQLiteStore, story: StoryRow, members: list[str]) -> dict[str, Any]:
    return {
        "story_id": story.story_id,
        "title": story.title,
        "articles": members,
        "start": story.start,
        "end": story.end,
        "thread_id": story.thread_id,
        "sources": story.sources,
        "entities": _display_names(store, story.names, members),
    }


def _display_names(store: SQLiteStore, counts: dict[str, int], articles: Sequence[str], k: int = 10) -> list[str]:
    """The k names most members carry among their own top names (`counts`), with canonical entity names
    where the extract stage named them. Ties, which every name of a one-article story is in, go to the name
    the `articles` mention most: a report mentions its subject again and again, and a word of a Title Case
    headline taken for a name ("NATO Protection") once. An entity the `articles` no longer mention is left
    out: the counts are those of the articles as they were clustered, and `analyze --redo extract` under
    newer rules drops names ("Global Financial Capital of" became "Global Financial Capital")."""
    mentions = repo.entity_mention_counts(store, articles) if articles else {}
    current = [key for key in counts if not (articles and repo.is_entity_key(key) and not mentions.get(key))]
    keys = sorted(current, key=lambda key: (-counts[key], -mentions.get(key, 0), key))[:k]
    names = repo.entity_names(store, keys)
    return [names.get(key, key) for key in keys]


@exporter("threads")
def export_threads(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for thread, stories in repo.iter_threads(store):
        yield _thread_record(store, thread, stories)


@top_rows("threads")
def top_threads(store: SQLiteStore, limit: int) -> Iterator[dict[str, Any]]:
    """The threads of the most stories."""
    for thread, stories in repo.thread_rows(store, repo.largest_thread_ids(store, limit, by="stories")):
        yield _thread_record(store, thread, stories)


def _thread_record(store: SQLiteStore, thread: ThreadRow, stories: ThreadStories) -> dict[str, Any]:
    return {
        "thread_id": thread.thread_id,
        "title": thread.title,
        "label": thread_label(thread),
        "stories": stories.story_ids,
        "start": stories.start,
        "end": stories.end,
        "article_count": stories.article_count,
        "entities": _display_names(store, thread.names, repo.stories_member_ids(store, stories.story_ids)),
    }


# (the merge that moves an id on, the event that ends it) for threads and for stories: what IdFates follows.
_THREAD_KINDS = ("thread_merge", "thread_dissolve")
_STORY_KINDS = ("merge", "dissolve")


@exporter("changes")
def export_changes(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    """Every logged change of a story or thread id, oldest first, so an id from an earlier export can be
    traced: `merge` (story `id` merged into `into`; `article_id` bridged them, none for consolidation),
    `split` (members of `id` moved into the new story `into`), `remove` (a changed article left `id`),
    `dissolve` (`id` lost its last member), `thread_merge` (thread `id` folded into `into`), `thread_move`
    (thread `id` gave the story named in `detail` to thread `into`: it lacked a word of the thread's core)
    and `thread_dissolve` (thread `id` lost its last story, named in `detail`). `now` is the id that holds
    today what `into` received (or, with no `into`, what stayed in `id`), following later merges; null
    once that is dissolved."""
    fates = repo.IdFates(store, (_STORY_KINDS, _THREAD_KINDS))
    for event in repo.iter_story_events(store):
        merge, end = _THREAD_KINDS if event["kind"].startswith("thread_") else _STORY_KINDS
        target = event["other_id"] or event["story_id"]
        now = None if event["kind"] == end else fates.live_id(target, event["id"], merge)
        yield {
            "event": event["id"],
            "at": event["at"],
            "kind": event["kind"],
            "id": event["story_id"],
            "into": event["other_id"],
            "article_id": event["article_id"],
            "detail": event["detail"],
            "now": now,
        }


@exporter("timeline")
def export_timeline(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    """One row per story: its events in time order (dated first), with the thread it belongs to."""
    for story in repo.iter_stories(store):
        yield _story_timeline(store, story)


@top_rows("timeline")
def top_timelines(store: SQLiteStore, limit: int) -> Iterator[dict[str, Any]]:
    """The stories whose events come from the most articles."""
    ids = repo.most_dated_story_ids(store, limit)
    stories = repo.get_stories(store, ids)
    for story_id in ids:
        yield _story_timeline(store, stories[story_id])


def _story_timeline(store: SQLiteStore, story: StoryRow) -> dict[str, Any]:
    return {
        "story_id": story.story_id,
        "thread_id": story.thread_id,
        "title": story.title,
        "events": merged_events(repo.story_timeline(store, story.story_id)),
    }


@exporter("thread_timeline")
def export_thread_timeline(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    """One row per thread (as `threads` exports it): the events of all its stories in time order, each
    naming its stories."""
    for row in export_threads(store):
        yield _with_thread_events(store, row)


@top_rows("thread_timeline")
def top_thread_timelines(store: SQLiteStore, limit: int) -> Iterator[dict[str, Any]]:
    """The threads of the most articles."""
    for thread, stories in repo.thread_rows(store, repo.largest_thread_ids(store, limit, by="articles")):
        yield _with_thread_events(store, _thread_record(store, thread, stories))


def _with_thread_events(store: SQLiteStore, thread: dict[str, Any]) -> dict[str, Any]:
    return {**thread, "events": merged_events(repo.thread_timeline(store, thread["thread_id"]), with_stories=True)}


def merged_events(rows: Iterable[sqlite3.Row], with_stories: bool = False) -> list[dict[str, Any]]:
    """Timeline rows (in time order) as events, one per thing that happened: the same date stated in
    the same words by several articles (wire copies, rewrites), or the same headline published the
    same day, is one event listing every article that has it, in story order. Wording is compared
    folded (Kiev/Kyiv alike); different figures in the sentence stay different events. The rows are
    read once, as they stream, so only the events are held."""
    events: dict[tuple[Any, ...], dict[str, Any]] = {}
    wordings: dict[str, str] = {}  # wire copies state one sentence many times: fold it once
    for row in rows:
        said = row["context"] or row["text"]
        wording = wordings.get(said)
        if wording is None:
            wording = wordings[said] = " ".join(map(fold, WORD_RE.findall(said)))
        key = (row["kind"], row["time_when"], row["time_until"], row["granularity"], wording)
        event = events.get(key)
        if event is None:
            event = events[key] = {
                "when": row["time_when"],
                "until": row["time_until"],
                "granularity": row["granularity"],
                "kind": row["kind"],
                "text": row["text"],
                "context": row["context"],
                "articles": {},
                **({"stories": {}} if with_stories else {}),
            }
        event["articles"][row["article_id"]] = None  # an ordered set: wire events list thousands
        if with_stories:
            event["stories"][row["story_id"]] = None
    for event in events.values():
        event["articles"] = list(event["articles"])
        if with_stories:
            event["stories"] = list(event["stories"])
    return list(events.values())
