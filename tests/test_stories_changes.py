"""The change log of story and thread ids, and its export: every id from an earlier export can be traced."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from storytrace.store import open_store
from storytrace.store.stories import StoryRow, log_event, story_events
from storytrace.stories.stage import export_changes
from storytrace.stories.threads import ThreadLinker


def test_now_follows_later_merges_and_ends_at_a_dissolution(tmp_path: Path) -> None:
    with open_store(tmp_path / "c.db") as store, store.transaction():
        log_event(store, "merge", "s1", "s2", "a1")
        log_event(store, "merge", "s2", "s3", None)
        log_event(store, "split", "s3", "s4", None, "5 of 12 members moved")
        log_event(store, "remove", "s4", None, "a9", "article text changed")
        log_event(store, "merge", "s4", "s6", "a7")
        log_event(store, "merge", "s8", "s7", None)
        log_event(store, "dissolve", "s7", None, "a5", "no member left")
        log_event(store, "thread_merge", "t1", "t2", None, "threads matched")
        log_event(store, "thread_dissolve", "t2", None, None, "s9")
        log_event(store, "merge", "t2", "s1", None)  # a story id equal to a thread id is another id
        rows = list(export_changes(store))
    assert [r["event"] for r in rows] == sorted(r["event"] for r in rows)
    assert [(r["kind"], r["id"], r["into"], r["now"]) for r in rows] == [
        ("merge", "s1", "s2", "s3"),  # s2 went into s3 later; a split does not move the id
        ("merge", "s2", "s3", "s3"),
        ("split", "s3", "s4", "s6"),  # the moved part, later merged into s6
        ("remove", "s4", None, "s6"),  # what stayed in s4
        ("merge", "s4", "s6", "s6"),
        ("merge", "s8", "s7", None),  # s7 was dissolved afterwards
        ("dissolve", "s7", None, None),
        ("thread_merge", "t1", "t2", None),  # thread t2 lost its last story afterwards
        ("thread_dissolve", "t2", None, None),
        ("merge", "t2", "s1", "s1"),
    ]
    assert rows[3]["article_id"] == "a9" and rows[8]["detail"] == "s9"


def test_a_thread_that_loses_its_last_story_is_logged(tmp_path: Path) -> None:
    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    story = StoryRow("s1", 1, "Dockers walk out", None, None, 1, None, None, None, None, 1, None, vector, {}, {})
    with open_store(tmp_path / "t.db") as store, store.transaction():
        linker = ThreadLinker(store)
        linker.update([story], {})
        thread_id = story.thread_id
        linker.detach(story)
        (event,) = story_events(store)
    assert event["kind"] == "thread_dissolve" and event["story_id"] == thread_id and event["detail"] == "s1"
