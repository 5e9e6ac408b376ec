"""Threads: stories about the same ongoing matter, linked across any time gap.

A thread is summarised by the sum of its stories' unit centroids, the sum of their unit TF-IDF term
vectors (top THREAD_TERMS terms) and the counts of their key names. A story S joins the thread Th that
maximises

    link(S, Th) = cos(c_S, c_Th) + TERM_WEIGHT * cos(T_S, T_Th)
                  + NAME_WEIGHT * |names(S) ∩ names(Th)| / max(min(|names(S)|, |names(Th)|), NAME_FLOOR)

The floor keeps a story that carries few names from a full overlap on one common one: with entity ids
(after the extract stage) a feature on smartphone batteries named only "United States", which the
Malaysia Airlines thread also names, and that alone gave it the 0.5 bonus that took it into the
thread. On WikiRef through `analyze` (entity ids; the stage alone sees about ten capitalised words per
article and is unchanged) the threads go from 95.6 to 96.3 (developer part) and 93.2 to 94.0
(held-out-shaped samples, bench/results/stories_quality.md); floors of 2 to 5 read the same in file
order (10 gains 0.1 on the samples), and UCI threads are unchanged.

The story joins its best-linked thread if link >= LINK_THRESHOLD and at least one key name is shared,
or, for stories that are not concurrent (below), if link >= UNNAMED_LINK: a shared name guards the weak
links, but the names a story gets are its most frequent capitalised words (or entities), which a live
page or a round-up can lack (a Paris attacks live page whose lead names no one scores 0.81 with its
topic's thread and shares none of its names; on the held-out-shaped WikiRef samples 91.5 -> 91.7,
developer part unchanged, 0.6 or 0.8 in its place do worse). Between concurrent stories (dated, day
spans at most WINDOW_DAYS apart) it takes more: at least CONCURRENT_SHARED_NAMES shared key names, or
a term cosine cos(T_S, T_Th) >= CONCURRENT_TERM_COS. The story clusterer has already compared such
stories and kept them apart as different events, so one or two shared names (a port strike and a
corruption trial in the same port share the port authority and the wire agency) make a thread of
"everything about one place this week", not of one matter. Stories further apart could never have
joined one story, and for them the thread link is the only evidence. A thread's span only grows (a
story that leaves does not shrink it), which errs towards the stricter rule. The link is looser than the
story match (no time decay), because a 2022 ministers' meeting and a 2024 summit share actors and
subject but not the words of one event. The term cosine separates subjects that embed alike (MiniLM
puts most politics or most sport close together) by their own vocabulary (a club, an aircraft, a phone
model); see bench/results/stories_quality.md for its effect on the WikiRef topics.

Against the corpus's own direction (`background.Background`, the mean of its articles' vectors, from 50
articles on): when a story or the thread reads like the corpus at large (cosine with its mean at least
GENERIC_COS), the story links only if it is closer to the thread than to that mean (`closer_to_corpus`).
In a corpus about one matter a growing thread's centroid becomes the corpus's mean, which every report
resembles and whose names (Trump, Clinton) nearly every report shares: on PolNeAR (927 articles of 2016
campaign coverage) 818 articles shared one thread; now the largest holds 136 after a full `analyze` in
publication order, and on the 274 headlines naming exactly one of 16 recurring matters (the emails,
Benghazi, the Iowa caucuses, the wall, ...) the threads' B-cubed F1 against those matters is 51.7 over
three orders of each day's articles (30.6 without it, when it was added; README, "Threads are cut").
WikiRef (developer part and held-out-shaped samples) and UCI threads are unchanged in every figure, for
any GENERIC_COS from 0.6 to 0.9: their topic threads never come that close to their corpus's mean.
Centring every vector on the mean instead split PolNeAR too but cost WikiRef 1.5 points.

A thread's core: the words in at least CORE_SHARE of its story titles, and in at least CORE_MIN_TITLES of them
(`heads` counts the title words). Headlines name what a report is about, so a thread whose headlines nearly
all name one thing ("Michelle Obama", "Galaxy S5", "Paris") is about that thing, and a story that never
mentions it is not part of it however alike the two read: a profile of Barack Obama's youth embeds and shares
names like the Michelle Obama thread, and a piece on smartphone batteries like the Galaxy S5 one. A story may
link only if it holds every core word (`holds`: in its kept terms and names, its title, the words of the
entities it names, or the full text of its members that arrived in this batch), and two threads fold only if
each holds the other's core (`thread_holds`, which reads the full text of their members that arrived in this
batch too: fed topic by topic, "Man City beat Chelsea to Robinho" met the Premier League thread when it held
one story, linked too weakly and opened its own; by the batch's end the two linked, but the fold was checked
on summaries, and the piece's kept terms had lost "premier", a word of its text. On the WikiRef
held-out-shaped samples in label order 94.0 -> 94.3 (one sample's league, split in four threads, is whole),
shuffled 94.6 -> 94.7, the developer part and UCI unchanged). The entities' words matter after the extract
stage, whose entity ids replace the capitalised words as names: a first-lady story whose top terms had lost
"obama" (a word of most of the corpus's reports) was kept out of the Michelle Obama thread though it names her
(the fold of the thread it opened is checked on summaries, which carry no text; `analyze`-path WikiRef samples
94.0 -> 94.1 fed topic by topic, 93.2 -> 93.7 shuffled in batches of 10; the `stories` stage alone, whose
names are words, is unchanged). A thread whose titles vary (a football league: clubs, deals, rights) has no
core and no such test. Stories that joined before the core formed are moved out when it gains a word
(`_evict`, logged as "thread_move"). On WikiRef the threads go from 94.4 to 96.3 (developer part) and 91.7 to
94.6 (held-out-shaped samples); UCI threads are unchanged (bench/results/stories_quality.md). A fold of two
threads (below) can form a core too, so the check runs again after the folds: fed in label order (a file
sorted by topic, as WikiRef's is), a profile of Barack Obama's youth opened a thread that first-lady stories
joined while others formed their own, and stayed in the folded Michelle Obama thread; the held-out-shaped
samples in that order go from 93.1 to 94.0, shuffled ones and the developer part are unchanged.

Candidate threads come from the persistent SQLite key index (`thread_keys`: top terms, names and LSH
bands, as for stories), bounded as the story index is (`candidate_threads`): a key held by more than
MAX_POSTING threads is not read, and only the MAX_CANDIDATES threads sharing the most keys are scored, so
no scan over all threads is made. Thread ids are "t_" + hash of the first
story (and of the thread's seq for a thread opened by a story moved out of another) and never change; a
thread that lost its last story is deleted (logged in `story_events` as "thread_dissolve", naming that
story), a one-story thread whose story later matches another thread is folded into it, and after each
batch a touched thread that now links to another thread is folded into the older one: both logged as
"thread_merge". That check is the story rule with the touched thread in the story's place (its KEY_NAMES
top names against all THREAD_NAMES of the other), so a story that opened its own thread before its
topic's thread existed (a shuffled stream) is folded in on the same evidence that would have linked it
had it come later: on WikiRef this makes the threads the same for every arrival order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Container, Iterable, Mapping, Sequence

import numpy as np

from storytrace.store import SQLiteStore
from storytrace.store.stories import (
    StoryRow,
    ThreadRow,
    delete_thread,
    entity_names,
    get_threads,
    log_event,
    max_thread_seq,
    move_thread_stories,
    save_thread,
    set_story_thread,
    set_thread_titles,
    thread_id_pages,
    thread_postings,
    thread_story_rows,
    thread_titles,
    title_candidates,
)
from storytrace.stories.cluster import DEFAULT_PARAMS
from storytrace.stories.features import keyed_words, title_words
from storytrace.stories.index import MAX_POSTING, STORED_TERMS, index_keys, most_shared
from storytrace.stories.ranking import heaviest, summed
from storytrace.stories.similarity import dense_cos, sparse_cos, unit, unit_terms

LINK_THRESHOLD = 0.5
TERM_WEIGHT = 1.0
NAME_WEIGHT = 0.5
THREAD_TERMS = 200
MIN_SHARED_NAMES = 1
NAME_FLOOR = 3  # a story's name overlap counts its names as at least three (see `_link`)
UNNAMED_LINK = 0.7  # a link score (then cosine plus term cosine alone) at which no shared name is needed
GENERIC_COS = 0.7  # a story or thread this close to the corpus's mean reads like the corpus at large
CONCURRENT_SHARED_NAMES = 3
CONCURRENT_TERM_COS = 0.25
WINDOW_DAYS = DEFAULT_PARAMS.window_days
KEY_NAMES = 10  # names of a story that count towards its thread
THREAD_NAMES = 40
CORE_SHARE = 0.8  # 0.7 to 0.9, and 4 to 6 titles: WikiRef held-out-shaped 94.2 to 94.7 (this pair 94.6)
CORE_MIN_TITLES = 5
THREAD_HEADS = 50  # title words counted per thread: a core word is among the most frequent by definition
TITLE_CANDIDATES = 10  # the largest stories a thread's title is chosen from (`representative_title`)
CORE_CHECK_MAX = 200  # threads re-read when their core grows; a larger one only holds new members to it


# What the stored thread keys, title word counts and titles were derived with: the STORED_TERMS of the keys,
# "heads" since threads count their stories' title words, "titles" since `representative_title` titles them.
KEYS_META = "threads.stored_terms"
KEYS_VERSION = f"{STORED_TERMS};heads;titles"
REKEY_PAGE = 1000
REGATE_ROUNDS = 10  # PolNeAR upgrade: 7 rounds moved stories (510, 67, 29, 18, 9, 2, 2)


def rekey_threads(store: SQLiteStore) -> int:
    """Index every stored thread again, recount its stories' title words and title it again when what they
    are derived from changed (STORED_TERMS, or a store from before title words were counted or threads were
    titled by `representative_title`): a thread saved by an older version would otherwise be found less
    often, be held to no core and keep its old title until it is next touched. Runs once per change, a page
    of threads at a time; returns the number of threads re-indexed."""
    if store.get_meta(KEYS_META) == KEYS_VERSION:
        return 0
    count = 0
    with store.transaction():
        for page in thread_id_pages(store, REKEY_PAGE):
            titles = thread_titles(store, page)
            for thread in get_threads(store, page).values():
                words = Counter(
                    w for title, sources in titles.get(thread.thread_id, []) for w in head_words(title, sources)
                )
                thread.heads = heaviest(words, THREAD_HEADS)
                save_thread(store, thread, thread_keys(thread))
            retitle_threads(store, page)
            count += len(page)
        store.set_meta(KEYS_META, KEYS_VERSION)
    return count


def recount_thread_names(store: SQLiteStore) -> None:
    """Count every thread's names again from its stories' key names, as `_replace_contribution` sums them:
    once the stories' own names were read again (`names.rename_stories`). Call inside a transaction."""
    for page in thread_id_pages(store, REKEY_PAGE):
        for thread in get_threads(store, page).values():
            names = Counter(n for story in thread_story_rows(store, thread.thread_id) for n in key_names(story))
            thread.names = heaviest(names, THREAD_NAMES)
            save_thread(store, thread, thread_keys(thread))


def retitle_threads(store: SQLiteStore, thread_ids: Sequence[str]) -> None:
    """Title each thread by `representative_title` of its TITLE_CANDIDATES largest stories."""
    found = title_candidates(store, thread_ids, TITLE_CANDIDATES)
    set_thread_titles(
        store,
        (
            (thread_id, title)
            for thread_id, (direction, stories) in found.items()
            if (title := representative_title(direction, stories))
        ),
    )


def representative_title(direction: np.ndarray, stories: Sequence[tuple[str, np.ndarray | None]]) -> str | None:
    """Of `stories` (title, titled article's vector; largest first), the title whose article reads closest to
    the thread's direction, the larger story on a tie; None without stories.

    A large story is an event the matter is known by, but the largest alone may be a one-off that grew (on
    PolNeAR, a thread on Mexico and the border wall was titled "Golf Courses Forced to Reach Into Bag of
    Tricks", one on the economy "The Latest: Cruz to give away engraved shotgun"). Of the largest few, the one
    nearest the thread as a whole says what it follows: of the 14 PolNeAR threads where one campaign matter
    (bench/threads_one_topic.py) names most of the headlines, 7 titles name it, against 4 for the largest story
    alone and 6 for the nearest of all stories; WikiRef's and UCI's topic threads keep their titles or get one
    as close ("Michelle Obama Finds Her Role on the World Stage" for "Michelle Obama makes Vogue cover")."""
    if not stories:
        return None
    unit_direction = unit(direction)
    scored = [
        (float(unit(vector) @ unit_direction) if vector is not None else -2.0, -rank, title)
        for rank, (title, vector) in enumerate(stories)
    ]
    return max(scored)[2]


def candidate_threads(store: SQLiteStore, keys: Sequence[str]) -> set[str]:
    """The threads sharing the most index keys with a query, bounded as the story index bounds its
    candidates (`most_shared`): reading every thread under a common key made each story cost O(threads)."""
    return most_shared(thread_postings(store, keys, MAX_POSTING))


def thread_keys(thread: ThreadRow) -> list[str]:
    """The keys a thread is indexed under (`thread_keys`)."""
    return index_keys(thread.vector_sum, thread.terms, thread.names, stored=True)


def thread_id_for(story_id: str) -> str:
    return "t_" + hashlib.sha1(story_id.encode()).hexdigest()[:16]


def top_names(counts: dict[str, int]) -> list[str]:
    return list(heaviest(counts, KEY_NAMES))


def key_names(story: StoryRow) -> list[str]:
    return top_names(story.names)


def core_words(thread: ThreadRow) -> frozenset[str]:
    """Words in at least CORE_SHARE of the thread's story titles and in at least CORE_MIN_TITLES of them.

    The floor is a count of titles, not of stories: moving out the stories that lack a core word leaves
    its count as it was and the share higher, so the core outlives the move (with a floor on the thread's
    size, a five-story thread that moved one out would lose its core and take that story back)."""
    need = max(CORE_MIN_TITLES, CORE_SHARE * thread.size)
    return frozenset(w for w, count in thread.heads.items() if count >= need)


_POSSESSIVE = re.compile(r"['\u2019]s$")  # "Obama's" is labelled "Obama"


def thread_label(thread: ThreadRow) -> str | None:
    """What the thread follows, in the words its headlines share: its core words as its title writes
    them, in the title's order (a core word the title lacks follows, as keyed); None without a core.

    A thread's title is one of its story's headlines, which says what that story reported ("Samsung
    Galaxy S5 review: a solid improvement"); the label says what the whole thread is about ("Samsung
    Galaxy S5"), and a thread whose headlines share nothing has no label rather than an invented one."""
    core = core_words(thread)
    if not core:
        return None
    written: dict[str, str] = {}
    for key, word in keyed_words(thread.title):
        if key in core:
            written.setdefault(key, _POSSESSIVE.sub("", word))
    rest = sorted(core - written.keys(), key=lambda w: (-thread.heads[w], w))
    return " ".join([*written.values(), *rest])


def head_words(title: str, sources: Iterable[str]) -> frozenset[str]:
    """The words a story's title gives its thread's core: its title words, less its outlets' names, which
    many sites append to every headline ("... - BBC News") and which other outlets' reports never carry."""
    return title_words(title) - frozenset().union(*(title_words(source) for source in sources))


def holds(
    story: StoryRow,
    words: frozenset[str],
    arrived: Sequence[Mapping[str, float]] = (),
    named: frozenset[str] = frozenset(),
) -> bool:
    """Whether the story is known to contain every one of `words`: in its kept terms, names or title, in
    the words of the names it counts (`named`, see `ThreadLinker.named`), or in the full text of a member
    that arrived in this batch (`arrived`: their term counts, at hand only while the batch runs; older
    members count through the story's kept terms)."""
    return not words or _in_any(words, (story.terms, story.names, title_words(story.title), named, *arrived))


def thread_holds(
    thread: ThreadRow,
    words: frozenset[str],
    named: frozenset[str] = frozenset(),
    arrived: Sequence[Mapping[str, float]] = (),
) -> bool:
    """Whether a thread is known to contain every one of `words`: in its kept terms, names (or their
    words, `named`) or title words, or in the full text of a member that arrived in this batch (`arrived`,
    as for `holds`)."""
    return not words or _in_any(words, (thread.terms, thread.names, named, thread.heads, *arrived))


def _in_any(words: frozenset[str], places: Sequence[Container[str]]) -> bool:
    """Whether every one of `words` is in at least one of `places`."""
    return all(any(w in place for place in places) for w in words)


def link_score(
    story: StoryRow,
    thread: ThreadRow,
    arrived: Sequence[Mapping[str, float]] = (),
    background: np.ndarray | None = None,
    named: frozenset[str] = frozenset(),
) -> tuple[float, bool]:
    """(link score, whether the pair may link at all) between a story and a thread; `background` is the
    corpus's mean direction (`background.Background`), None while the corpus is too small to have one;
    `named` the words of the story's names (`holds`)."""
    concurrent = _concurrent(story.first_day, story.last_day, thread.first_day, thread.last_day)
    score, allowed = _link(
        story.vector_sum,
        story.terms,
        key_names(story),
        thread.vector_sum,
        thread.terms,
        thread.names,
        concurrent,
        background,
    )
    return score, allowed and holds(story, core_words(thread), arrived, named)


def _concurrent(first_a: int | None, last_a: int | None, first_b: int | None, last_b: int | None) -> bool:
    """Both dated and at most WINDOW_DAYS apart: the story clusterer could have joined them."""
    if first_a is None or last_a is None or first_b is None or last_b is None:
        return False
    return max(0, first_a - last_b, first_b - last_a) <= WINDOW_DAYS


def _link(
    vector_a: np.ndarray,
    terms_a: dict[str, float],
    names_a: Iterable[str],
    vector_b: np.ndarray,
    terms_b: dict[str, float],
    names_b: Iterable[str],
    concurrent: bool,
    background: np.ndarray | None = None,
) -> tuple[float, bool]:
    """The link score and whether the shared names (and, for concurrent stories, terms) and the corpus
    background (`closer_to_corpus`) allow a link."""
    a, b = set(names_a), set(names_b)
    shared = len(a & b)
    overlap = shared / max(min(len(a), len(b)), NAME_FLOOR) if a and b else 0.0
    cosine = dense_cos(vector_a, vector_b)
    term_cosine = sparse_cos(terms_a, terms_b)
    score = cosine + TERM_WEIGHT * term_cosine + NAME_WEIGHT * overlap
    if concurrent:
        allowed = shared >= MIN_SHARED_NAMES and (
            shared >= CONCURRENT_SHARED_NAMES or term_cosine >= CONCURRENT_TERM_COS
        )
    else:
        allowed = shared >= MIN_SHARED_NAMES or score >= UNNAMED_LINK
    if allowed and background is not None:
        allowed = not closer_to_corpus(vector_a, vector_b, cosine, background)
    return score, allowed


def closer_to_corpus(vector_a: np.ndarray, vector_b: np.ndarray, cosine: float, background: np.ndarray) -> bool:
    """Whether `a` (a story, or a thread to fold) is no closer to `b` (a thread) than to the corpus at large,
    when either reads like the corpus at large (cosine with its mean direction at least GENERIC_COS).

    A thread that grew over most of a corpus about one matter is that corpus's mean; every report of the
    matter resembles it and shares its names, so it took them all. Against the corpus's own direction,
    only reports closer to the thread than to the corpus join it."""
    to_corpus = dense_cos(vector_a, background)
    return max(to_corpus, dense_cos(vector_b, background)) >= GENERIC_COS and cosine < to_corpus


def _widen(thread: ThreadRow, first_day: int | None, last_day: int | None) -> None:
    """Grow the thread's day span to cover [first_day, last_day]."""
    days = [d for d in (thread.first_day, thread.last_day, first_day, last_day) if d is not None]
    thread.first_day, thread.last_day = (min(days), max(days)) if days else (None, None)


class ThreadLinker:
    """Keeps threads up to date as stories change, one batch of touched stories at a time."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.next_seq = max_thread_seq(store) + 1
        self.aliases: dict[str, str] = {}  # thread folded into another during this run -> its survivor
        # Threads decoded during the current batch. A thread is a candidate for many of a batch's stories,
        # and decoding its terms and names took a third of the stage's time; every write goes through
        # _save or _delete, which keep this current, and it is emptied after each batch to bound memory.
        self._read: dict[str, ThreadRow] = {}
        self._changed: set[str] = set()  # threads saved since the last retitle
        self._arrived: Mapping[str, Sequence[Mapping[str, float]]] = {}
        self._cores_read: dict[str, frozenset[str]] = {}  # the core of each thread as stored before this batch
        self._name_words: dict[str, frozenset[str]] = {}  # a name's words (`named`), read once per batch
        self.background: np.ndarray | None = None  # the corpus's mean direction, set by the stage per batch

    def resolve(self, thread_id: str) -> str:
        """The live id of a thread, following this run's merges (stories held in memory may lag)."""
        while thread_id in self.aliases:
            thread_id = self.aliases[thread_id]
        return thread_id

    def update(
        self,
        stories: list[StoryRow],
        previous: dict[str, StoryRow],
        arrived: Mapping[str, Sequence[Mapping[str, float]]] | None = None,
        quiet: Collection[str] = (),
    ) -> int:
        """Place touched `stories` in threads; `previous` holds their stored state before this batch,
        `arrived` the term counts of each story's members that arrived in it (see `holds`). A `quiet` story
        (rebuilt only for a member's minor edit, `StoryClusterer.quiet`) updates its thread's sums but sets
        off no fold: a fold its thread now matches waits for a real arrival."""
        self._arrived = arrived or {}
        self._read_name_words([n for s in stories for n in s.names])
        changed = 0
        for story in sorted(stories, key=lambda s: s.seq):
            old = previous.get(story.story_id)
            if old is not None:  # the stored thread: the linker may have moved the story since the clusterer
                story.thread_id = old.thread_id  # read it (`regate`, or `_evict` of a stored member)
            if story.thread_id is not None:
                story.thread_id = self.resolve(story.thread_id)
            if story.thread_id is None:
                self._attach(story, self._best_thread(story, exclude=None))
                changed += 1
                continue
            thread = self._threads([story.thread_id]).get(story.thread_id)
            if thread is None:
                story.thread_id = None
                self._attach(story, self._best_thread(story, exclude=None))
                changed += 1
                continue
            self._replace_contribution(thread, old, story)
            if (
                thread.size == 1
                and story.story_id not in quiet
                and (better := self._best_thread(story, exclude=thread.thread_id)) is not None
            ):
                self._delete(thread.thread_id)
                log_event(self.store, "thread_merge", thread.thread_id, better.thread_id, None, story.story_id)
                story.thread_id = None
                self._attach(story, better)
                changed += 1
            else:
                self._save(thread)
        changed += self._evict(stories)
        texts: dict[str, list[Mapping[str, float]]] = {}
        for story in stories:
            if story.thread_id is not None:
                texts.setdefault(self.resolve(story.thread_id), []).extend(self._arrived.get(story.story_id, ()))
        folded = self._consolidate(
            {s.thread_id for s in stories if s.thread_id is not None and s.story_id not in quiet}, texts
        )
        for story in stories:
            if story.thread_id is not None:
                story.thread_id = self.resolve(story.thread_id)
        if folded:  # a fold can give the surviving thread a core that the stories it held before lack
            changed += self._evict(stories, {self.resolve(t) for t in folded})
        self._read.clear()
        self._cores_read.clear()
        self._name_words.clear()
        return changed + len(folded)

    def named(self, names: Iterable[str]) -> frozenset[str]:
        """The words of the names a story or thread counts, as `holds` reads them. After the extract stage a
        name is an entity id standing for its canonical name ("Michelle Obama"), or type:key for a mention
        it did not link: a story naming the entity holds the core word "obama" even when its kept terms
        lost it (a word in most of a corpus's reports falls out of an article's MAX_TERMS, and only the
        batch's own members are read in full). Without that stage a name is a word, held as itself."""
        names = list(names)
        self._read_name_words(names)
        return frozenset().union(*(self._name_words[n] for n in names))

    def _read_name_words(self, names: Sequence[str]) -> None:
        unknown = sorted({n for n in names if n not in self._name_words})
        if unknown:
            found = entity_names(self.store, unknown)
            for name in unknown:
                self._name_words[name] = title_words(found.get(name) or name.partition(":")[2])

    def _evict(self, stories: list[StoryRow], only: Collection[str] | None = None) -> int:
        """Move out of each touched thread whose core gained a word in this batch the stories that lack
        it: they joined before the core existed (a thread's first stories are linked on similarity
        alone), which is how a few reports on a neighbouring subject end up inside a large thread. A
        moved story goes to its best other thread or opens one. Threads beyond CORE_CHECK_MAX stories
        are not re-read (bounded cost); their new members are held to the core as they arrive. With `only`,
        just those of the touched threads are checked (the threads a fold just formed)."""
        moved = 0
        batch = {s.story_id for s in stories}
        touched = {s.thread_id for s in stories if s.thread_id is not None}
        for thread_id in sorted(touched if only is None else touched & only):
            thread = self._threads([thread_id]).get(thread_id)
            if thread is None or thread.size > CORE_CHECK_MAX:
                continue
            core = core_words(thread)
            if not core - self._cores_read.get(thread_id, frozenset()):
                continue
            stored = [m for m in thread_story_rows(self.store, thread_id) if m.story_id not in batch]
            self._read_name_words([n for m in stored for n in m.names])
            leaving = [
                m
                for m in stored + [s for s in stories if s.thread_id == thread_id]
                if not holds(m, core, self._arrived.get(m.story_id, ()), self.named(m.names))
            ]
            moved += self._move_out(thread, leaving, batch)
        return moved

    def regate(self) -> int:
        """Move out of every thread the stories that the corpus background (`closer_to_corpus`) would keep
        out of it now, each judged against the thread without itself; returns the number moved.

        The gate holds links made once the corpus has a background; threads formed before it (a store
        clustered by an earlier version, or a feed's first days, under MIN_ARTICLES articles) keep what
        they took, so the one thread that took a one-topic corpus stayed whole on upgrade. The stage runs
        this once, when the background first exists. Every thread is read (a page at a time), then again
        each thread that lost stories, whose direction moved away from the corpus's with them, until none
        loses any (at most REGATE_ROUNDS rounds); then the changed threads are consolidated.

        PolNeAR clustered without the background (its largest thread 832 of 927 articles, matters B-cubed
        F1 29.6, bench/threads_one_topic.py) and then regated: largest thread 161, F1 49.2, about a fresh
        build's (134, 49.3); one round alone left 250, with no consolidation the F1 was 45.3. (Since dateline
        credits are no names, 134 and 47.3 against a fresh build's 97 and 47.2, within the 47.2 to 54.3 that
        the fresh build's F1 spans over orders of each day's articles.)"""
        if self.background is None:
            return 0
        moved = 0
        pages: Iterable[Sequence[str]] = thread_id_pages(self.store, REKEY_PAGE)
        for _ in range(REGATE_ROUNDS):
            shrunk: list[str] = []
            for page in pages:
                for thread in self._threads(page).values():
                    if count := self._move_out(thread, self._off_background(thread), frozenset()):
                        moved += count
                        shrunk.append(thread.thread_id)
                self._read.clear()
                self._cores_read.clear()
                self._name_words.clear()
            if not shrunk:
                break
            pages = [shrunk[i : i + REKEY_PAGE] for i in range(0, len(shrunk), REKEY_PAGE)]
        # As after each batch: a thread that a moved story opened or joined, or that lost stories, and now
        # links to another thread is folded into it (the fold is gated by the same background).
        self._consolidate(set(self._changed))
        return moved

    def _off_background(self, thread: ThreadRow) -> list[StoryRow]:
        """The stories of a thread that are no closer to the rest of it than to the corpus at large."""
        if thread.size < 2 or self.background is None:
            return []
        leaving = []
        for member in thread_story_rows(self.store, thread.thread_id):
            rest = thread.vector_sum - unit(member.vector_sum)
            if closer_to_corpus(member.vector_sum, rest, dense_cos(member.vector_sum, rest), self.background):
                leaving.append(member)
        return leaving

    def _move_out(self, thread: ThreadRow, leaving: Sequence[StoryRow], batch: Collection[str]) -> int:
        """Move each of `leaving` out of `thread` to its best other thread, or a thread of its own, logged as
        "thread_move"; stories not in `batch` (the touched stories, saved by the stage) are re-pointed here."""
        for member in leaving:
            self._replace_contribution(thread, member, None)
            thread.size -= 1
            member.thread_id = None
            # The story may have opened the thread it leaves, whose id its own first thread would take:
            # a thread opened by a move is named after the story and the move's seq.
            target = self._best_thread(member, exclude=thread.thread_id)
            self._attach(member, target or self._open(member, thread_id_for(f"{member.story_id}#{self.next_seq}")))
            log_event(self.store, "thread_move", thread.thread_id, member.thread_id, None, member.story_id)
            if member.story_id not in batch:
                set_story_thread(self.store, member.story_id, member.thread_id)
        if leaving:  # saved once, not per story moved (the search for each new thread leaves it out)
            self._save(thread)
        return len(leaving)

    def _threads(self, thread_ids: Iterable[str]) -> dict[str, ThreadRow]:
        """The stored threads among `thread_ids`, by seq (so ties are broken the same way every run)."""
        missing = [t for t in thread_ids if t not in self._read]
        if missing:
            read = get_threads(self.store, missing)
            self._read.update(read)
            self._cores_read.update({t: core_words(thread) for t, thread in read.items()})
        found = [self._read[t] for t in set(thread_ids) if t in self._read]
        return {t.thread_id: t for t in sorted(found, key=lambda t: t.seq)}

    def _consolidate(
        self, thread_ids: set[str], texts: dict[str, list[Mapping[str, float]]] | None = None
    ) -> list[str]:
        """Merge each touched thread into its best-linked other thread when the two match at
        LINK_THRESHOLD (the story-to-thread rule applied to thread summaries: the touched thread's top
        KEY_NAMES names against all names kept by the other, as for a story). `texts`: per live thread,
        the term counts of its members that arrived in this batch, which the core check reads as `holds`
        does for a story (a fold is checked on summaries, whose kept terms can lack a core word that the
        full text of a member has).

        Threads are formed online, so a topic whose first stories disagreed starts in several threads;
        once those have grown, their summaries match. The younger thread (higher seq) is folded into
        the older, its stories re-pointed and the merge logged. Returns the threads kept, one per merge."""
        texts = {} if texts is None else texts
        kept: list[str] = []
        for thread_id in sorted(thread_ids):
            live = self.resolve(thread_id)
            thread = self._threads([live]).get(live)
            if thread is None:
                continue
            names = top_names(thread.names)
            keys = index_keys(thread.vector_sum, thread.terms, names)
            best: tuple[float, ThreadRow] | None = None
            for other in self._threads(candidate_threads(self.store, keys) - {thread.thread_id}).values():
                concurrent = _concurrent(thread.first_day, thread.last_day, other.first_day, other.last_day)
                score, allowed = _link(
                    thread.vector_sum,
                    thread.terms,
                    names,
                    other.vector_sum,
                    other.terms,
                    other.names,
                    concurrent,
                    self.background,
                )
                if (
                    score >= LINK_THRESHOLD
                    and allowed
                    and (best is None or score > best[0])
                    and self._holds_core(thread, core_words(other), texts)
                    and self._holds_core(other, core_words(thread), texts)
                ):
                    best = (score, other)
            if best is None:
                continue
            keep, gone = sorted((thread, best[1]), key=lambda t: t.seq)
            self._fold(keep, gone)
            texts.setdefault(keep.thread_id, []).extend(texts.pop(gone.thread_id, ()))
            self.aliases[gone.thread_id] = keep.thread_id
            kept.append(keep.thread_id)
        return kept

    def _holds_core(
        self, thread: ThreadRow, core: frozenset[str], texts: Mapping[str, Sequence[Mapping[str, float]]]
    ) -> bool:
        """`thread_holds` for a fold, its names' words read only when there is a core to hold."""
        return not core or thread_holds(thread, core, self.named(thread.names), texts.get(thread.thread_id, ()))

    def _fold(self, keep: ThreadRow, gone: ThreadRow) -> None:
        """Fold thread `gone` into `keep`: sums add, its stories move, the merge is logged."""
        keep.vector_sum = keep.vector_sum + gone.vector_sum
        keep.size += gone.size
        keep.names = summed(keep.names, gone.names, THREAD_NAMES)
        keep.terms = summed(keep.terms, gone.terms, THREAD_TERMS)
        keep.heads = summed(keep.heads, gone.heads, THREAD_HEADS)
        _widen(keep, gone.first_day, gone.last_day)
        move_thread_stories(self.store, gone.thread_id, keep.thread_id)
        self._delete(gone.thread_id)
        log_event(self.store, "thread_merge", gone.thread_id, keep.thread_id, None, "threads matched")
        self._save(keep)

    def detach(self, story: StoryRow) -> None:
        """Remove a (deleted or merged-away) story's contribution from its thread."""
        if story.thread_id is None:
            return
        thread = self._threads([story.thread_id]).get(story.thread_id)
        if thread is None:
            return
        self._replace_contribution(thread, story, None)
        thread.size -= 1
        if thread.size <= 0:
            self._delete(thread.thread_id)
            log_event(self.store, "thread_dissolve", thread.thread_id, None, None, story.story_id)
        else:
            self._save(thread)

    def _best_thread(self, story: StoryRow, exclude: str | None) -> ThreadRow | None:
        keys = index_keys(story.vector_sum, story.terms, key_names(story))
        ids = candidate_threads(self.store, keys) - {exclude}
        best: tuple[float, ThreadRow] | None = None
        arrived, named = self._arrived.get(story.story_id, ()), self.named(story.names)
        for thread in self._threads(ids).values():
            score, allowed = link_score(story, thread, arrived, self.background, named)
            if score >= LINK_THRESHOLD and allowed and (best is None or (score, -thread.seq) > (best[0], -best[1].seq)):
                best = (score, thread)
        return best[1] if best else None

    def _attach(self, story: StoryRow, thread: ThreadRow | None) -> None:
        if thread is None:
            thread = self._open(story, thread_id_for(story.story_id))
        self._replace_contribution(thread, None, story)
        thread.size += 1
        story.thread_id = thread.thread_id
        self._save(thread)

    def _open(self, story: StoryRow, thread_id: str) -> ThreadRow:
        """A new, empty thread titled by the story that opens it."""
        self.next_seq += 1
        return ThreadRow(thread_id, self.next_seq - 1, story.title, 0, np.zeros_like(story.vector_sum), {})

    @staticmethod
    def _replace_contribution(thread: ThreadRow, old: StoryRow | None, new: StoryRow | None) -> None:
        """Swap a story's old unit centroid and key names for its new ones in the thread sums."""
        names = Counter(thread.names)
        heads = Counter(thread.heads)
        terms = dict(thread.terms)
        for story, sign in ((old, -1.0), (new, 1.0)):
            if story is None:
                continue
            thread.vector_sum = thread.vector_sum + sign * unit(story.vector_sum)
            names.update({n: int(sign) for n in key_names(story)})
            heads.update({w: int(sign) for w in head_words(story.title, story.sources)})
            for term, weight in unit_terms(story.terms).items():
                terms[term] = terms.get(term, 0.0) + sign * weight
        if new is not None:
            _widen(thread, new.first_day, new.last_day)
        thread.names = heaviest({n: c for n, c in names.items() if c > 0}, THREAD_NAMES)
        thread.heads = heaviest({w: c for w, c in heads.items() if c > 0}, THREAD_HEADS)
        # Truncation makes the subtraction approximate; a term driven to ~0 is dropped.
        thread.terms = heaviest({t: w for t, w in terms.items() if w > 1e-6}, THREAD_TERMS)

    def retitle(self) -> None:
        """Title every thread changed since the last call (`retitle_threads`); call once the batch's stories
        are saved. A thread opens with its first story's title, which may be a one-off report."""
        retitle_threads(self.store, sorted(self._changed))
        self._changed.clear()

    def _save(self, thread: ThreadRow) -> None:
        save_thread(self.store, thread, thread_keys(thread))
        self._read[thread.thread_id] = thread
        self._changed.add(thread.thread_id)

    def _delete(self, thread_id: str) -> None:
        delete_thread(self.store, thread_id)
        self._read.pop(thread_id, None)
