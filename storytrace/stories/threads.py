"""Threads: stories about the same ongoing matter, linked across any time gap.

A thread is summarised by the sum of its stories' unit centroids and the counts of their key names.
A story S joins the thread Th that maximises

    link(S, Th) = cos(c_S, c_Th) + NAME_WEIGHT * |names(S) ∩ names(Th)| / min(|names(S)|, |names(Th)|)

if link >= LINK_THRESHOLD and at least MIN_SHARED_NAMES key names are shared; this is looser than the
story match (no time decay, no TF-IDF on event vocabulary), because a 2022 ministers' meeting and a 2024
summit share actors and subject but not the words of one event. Candidate threads come from the
persistent SQLite key index (`thread_keys`: top terms, names and LSH bands, as for stories), so no scan
over all threads is made. Thread ids are "t_" + hash of the first story and never change; a thread
that lost its last story is deleted, and a one-story thread whose story later matches another thread
is folded into it, both logged in `story_events`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

import numpy as np

from storytrace.store import SQLiteStore
from storytrace.store.stories import (
    StoryRow,
    ThreadRow,
    delete_thread,
    get_threads,
    log_event,
    max_thread_seq,
    save_thread,
    threads_with_keys,
)
from storytrace.stories.index import index_keys

LINK_THRESHOLD = 0.6
NAME_WEIGHT = 0.5
MIN_SHARED_NAMES = 2
KEY_NAMES = 10  # names of a story that count towards its thread
THREAD_NAMES = 40


def thread_id_for(story_id: str) -> str:
    return "t_" + hashlib.sha1(story_id.encode()).hexdigest()[:16]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def key_names(story: StoryRow) -> list[str]:
    return [n for n, _ in sorted(story.names.items(), key=lambda kv: (-kv[1], kv[0]))[:KEY_NAMES]]


def link_score(story: StoryRow, thread: ThreadRow) -> tuple[float, int]:
    """(link score, number of shared names) between a story and a thread."""
    names = set(key_names(story))
    shared = len(names & set(thread.names))
    overlap = shared / min(len(names), len(thread.names)) if names and thread.names else 0.0
    cosine = float(_unit(story.vector_sum) @ _unit(thread.vector_sum))
    return cosine + NAME_WEIGHT * overlap, shared


class ThreadLinker:
    """Keeps threads up to date as stories change, one batch of touched stories at a time."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.next_seq = max_thread_seq(store) + 1

    def update(self, stories: Iterable[StoryRow], previous: dict[str, StoryRow]) -> int:
        """Place touched `stories` in threads; `previous` holds their stored state before this batch."""
        changed = 0
        for story in sorted(stories, key=lambda s: s.seq):
            old = previous.get(story.story_id)
            if story.thread_id is None:
                self._attach(story, self._best_thread(story, exclude=None))
                changed += 1
                continue
            thread = get_threads(self.store, [story.thread_id]).get(story.thread_id)
            if thread is None:
                story.thread_id = None
                self._attach(story, self._best_thread(story, exclude=None))
                changed += 1
                continue
            self._replace_contribution(thread, old, story)
            if thread.size == 1 and (better := self._best_thread(story, exclude=thread.thread_id)) is not None:
                delete_thread(self.store, thread.thread_id)
                log_event(self.store, "thread_merge", thread.thread_id, better.thread_id, None, story.story_id)
                story.thread_id = None
                self._attach(story, better)
                changed += 1
            else:
                self._save(thread)
        return changed

    def detach(self, story: StoryRow) -> None:
        """Remove a (deleted or merged-away) story's contribution from its thread."""
        if story.thread_id is None:
            return
        thread = get_threads(self.store, [story.thread_id]).get(story.thread_id)
        if thread is None:
            return
        self._replace_contribution(thread, story, None)
        thread.size -= 1
        if thread.size <= 0:
            delete_thread(self.store, thread.thread_id)
        else:
            self._save(thread)

    def _best_thread(self, story: StoryRow, exclude: str | None) -> ThreadRow | None:
        keys = index_keys(_unit(story.vector_sum), story.terms, key_names(story))
        ids = threads_with_keys(self.store, keys) - {exclude}
        best: tuple[float, ThreadRow] | None = None
        for thread in get_threads(self.store, ids).values():
            score, shared = link_score(story, thread)
            if (
                score >= LINK_THRESHOLD
                and shared >= MIN_SHARED_NAMES
                and (best is None or (score, -thread.seq) > (best[0], -best[1].seq))
            ):
                best = (score, thread)
        return best[1] if best else None

    def _attach(self, story: StoryRow, thread: ThreadRow | None) -> None:
        if thread is None:
            thread = ThreadRow(
                thread_id_for(story.story_id), self.next_seq, story.title, 0, np.zeros_like(story.vector_sum), {}
            )
            self.next_seq += 1
        self._replace_contribution(thread, None, story)
        thread.size += 1
        story.thread_id = thread.thread_id
        self._save(thread)

    @staticmethod
    def _replace_contribution(thread: ThreadRow, old: StoryRow | None, new: StoryRow | None) -> None:
        """Swap a story's old unit centroid and key names for its new ones in the thread sums."""
        names = Counter(thread.names)
        if old is not None:
            thread.vector_sum = thread.vector_sum - _unit(old.vector_sum)
            names.subtract(key_names(old))
        if new is not None:
            thread.vector_sum = thread.vector_sum + _unit(new.vector_sum)
            names.update(key_names(new))
        kept = sorted(((n, c) for n, c in names.items() if c > 0), key=lambda kv: (-kv[1], kv[0]))
        thread.names = dict(kept[:THREAD_NAMES])

    def _save(self, thread: ThreadRow) -> None:
        terms: dict[str, float] = {}
        save_thread(self.store, thread, index_keys(_unit(thread.vector_sum), terms, thread.names))
