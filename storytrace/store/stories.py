"""Persistence of stories, their members, threads, the merge/split log, document frequencies and timelines.

A story row keeps the running aggregates the online clusterer needs (sum of member vectors, top term
weights, entity counts), so a later run rebuilds its in-memory index from the store without reading
any member article. Story and thread ids never change once issued: a merge, split or removal is written
to `story_events` instead of renumbering.
"""

from __future__ import annotations

import json
import re
import sqlite3
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from storytrace.store.core import SQLiteStore, register_migrations
from storytrace.store.extract import ENTITY_ID_PREFIX
from storytrace.text import starts_within

register_migrations(
    "stories",
    [
        """
        CREATE TABLE stories (
            story_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, title TEXT NOT NULL, title_article TEXT,
            title_vector BLOB, size INTEGER NOT NULL, start TEXT, end TEXT, first_day INTEGER, last_day INTEGER,
            last_seq INTEGER NOT NULL, thread_id TEXT, vector_sum BLOB NOT NULL, terms TEXT NOT NULL,
            names TEXT NOT NULL, sources TEXT NOT NULL
        );
        CREATE INDEX stories_last_day ON stories(last_day);
        CREATE INDEX stories_last_seq ON stories(last_seq);
        CREATE INDEX stories_thread ON stories(thread_id);
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, content_hash TEXT NOT NULL,
            seq INTEGER NOT NULL, score REAL NOT NULL
        );
        CREATE INDEX story_members_story ON story_members(story_id, seq);
        CREATE TABLE story_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, story_id TEXT NOT NULL,
            other_id TEXT, article_id TEXT, detail TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE story_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
        CREATE TABLE threads (
            thread_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, title TEXT NOT NULL, size INTEGER NOT NULL,
            vector_sum BLOB NOT NULL, names TEXT NOT NULL
        );
        CREATE TABLE thread_keys (key TEXT NOT NULL, thread_id TEXT NOT NULL, PRIMARY KEY (key, thread_id));
        CREATE INDEX thread_keys_thread ON thread_keys(thread_id);
        CREATE TABLE timeline (
            article_id TEXT NOT NULL, position INTEGER NOT NULL, content_hash TEXT NOT NULL, kind TEXT NOT NULL,
            start INTEGER, end INTEGER, text TEXT NOT NULL, time_when TEXT, granularity TEXT, sort_day TEXT,
            PRIMARY KEY (article_id, position)
        );
        CREATE INDEX timeline_sort ON timeline(sort_day);
        """,
        # Stories stored before evidence was tracked count as full articles: the stricter merge level.
        "ALTER TABLE stories ADD COLUMN evidence_sum REAL NOT NULL DEFAULT 0; UPDATE stories SET evidence_sum = size;",
        "ALTER TABLE threads ADD COLUMN terms TEXT NOT NULL DEFAULT '{}';",
        # Threads stored before spans were tracked stay undated (the looser, undated link rule).
        "ALTER TABLE threads ADD COLUMN first_day INTEGER; ALTER TABLE threads ADD COLUMN last_day INTEGER;",
        # Stories stored before leads were used are titled by a headline or a generated label.
        "ALTER TABLE stories ADD COLUMN title_is_lead INTEGER NOT NULL DEFAULT 0;",
        # Timelines stored before events kept their sentence are rebuilt on the next run (dates only, fast).
        "ALTER TABLE timeline ADD COLUMN context TEXT; DELETE FROM stage_done WHERE stage = 'timeline';",
        # A thread was titled by its largest story, found through this index (now chosen among its largest few,
        # threads.retitle_threads).
        """
        DROP INDEX IF EXISTS stories_thread;
        CREATE INDEX IF NOT EXISTS stories_thread_size ON stories(thread_id, size DESC, seq);
        UPDATE threads SET title = COALESCE((SELECT title FROM stories s WHERE s.thread_id = threads.thread_id
            ORDER BY s.size DESC, s.seq LIMIT 1), title);
        """,
        # An exported change names the id that holds its articles now, found by following later events: first
        # one indexed query per hop, then (next step) IdFates, one pass over the log, which needs no index.
        "CREATE INDEX IF NOT EXISTS story_events_story ON story_events(story_id, id);",
        "DROP INDEX IF EXISTS story_events_story;",
        # A thread counts its stories' title words (its core, threads.py); older threads are counted once
        # by threads.rekey_threads.
        "ALTER TABLE threads ADD COLUMN heads TEXT NOT NULL DEFAULT '{}';",
        # Timelines stored before ranges were read ("March 19-26" is one event) are rebuilt on the next run.
        "ALTER TABLE timeline ADD COLUMN time_until TEXT; DELETE FROM stage_done WHERE stage = 'timeline';",
        # Threads are read a page at a time in creation order (thread_id_pages: re-keying, exports); without
        # this index each page scanned and sorted the whole table.
        "CREATE INDEX IF NOT EXISTS threads_seq ON threads(seq);",
        # Timelines stored before dates were placed by their clause's tense ("will meet on Thursday" is the
        # coming Thursday, stories/tense.py) are rebuilt on the next run.
        "-- dates read with their tense\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # ... and again once dates counted from another date of the text ("the next day", stories/anaphora.py)
        # were read.
        "-- dates counted from another date\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # ... and once modals were read as looking ahead ("Clinton must win in November").
        "-- modals look ahead\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Stories formed while any partial reuse link counted in full (cluster.link_strength now scales a link
        # below FULL_PARTIAL_SHARE = 0.2 of the shorter article by its share): the members clustered since the
        # later article of such a pair in one story are clustered again (stories/relink.py does the same when
        # the reuse stage weakens a link).
        """
        -- partial reuse counts by its share
        DELETE FROM stage_done WHERE stage = 'stories' AND article_id IN (
            SELECT m.article_id FROM reuse_relations r
            JOIN story_members ma ON ma.article_id = r.a
            JOIN story_members mb ON mb.article_id = r.b AND mb.story_id = ma.story_id
            JOIN story_members m ON m.story_id = ma.story_id AND m.seq >= MAX(ma.seq, mb.seq)
            WHERE r.relation = 'partial' AND r.score < 0.2);
        """,
        # Timelines stored while a month or weekday alone was the latest on or before publication are rebuilt:
        # with nothing past in its clause, a month is now the nearest and a weekday up to two days ahead the
        # coming one (stories/tense.py, told_in_past); "Thursday through Monday" is one range.
        "-- months and weekdays nearest publication\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while "the past week" was the calendar week before publication (and "the last 30
        # days" no date), "ABC's This Week" and "Saturday Night Live" dates, "will be held in February" a past,
        # and "the end of June" no date are rebuilt.
        "-- the time up to publication\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while "the next two months" and "six weeks from now" were no date, "six to eight weeks
        # ago" the eighth week alone, "over the last year" the calendar year before, "Twenty-two years ago"
        # two years ago and "earlier in the day" and "the end of the year" no date are rebuilt.
        "-- the time from publication on\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while only the years 1900 to 2099 were read ("since 1888" no date, "July 14, 1789"
        # this July 14), a year that dates what follows it ("the 2012 election"), a holiday ("Labor Day") and
        # "25/11/2023", "the '80s" and "the 19th century" no date, "the first half of 2015" the whole year and
        # "Monday 4 November" two mentions, are rebuilt.
        "-- years of any century, and the 2012 election\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while "the first half of the year", "the last week of this month" and "the last 24
        # hours" were no date are rebuilt.
        "-- parts of the year\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while quarters ("Q4", "the fourth quarter", "Q3 2016") were no date, and "fiscal year
        # 2014" and "the 2015 fiscal year" were calendar years, are rebuilt.
        "-- quarters and fiscal years\nDELETE FROM stage_done WHERE stage = 'timeline';",
        # Timelines stored while a date that recurs ("every Friday", "by the start of November each year") was
        # read as one day are rebuilt.
        "-- dates that recur\nDELETE FROM stage_done WHERE stage = 'timeline';",
    ],
)


@dataclass(slots=True)
class StoryRow:
    """The stored aggregate of one story (what the clusterer keeps per story)."""

    story_id: str
    seq: int
    title: str
    title_article: str | None
    title_vector: np.ndarray | None
    size: int
    start: str | None
    end: str | None
    first_day: int | None
    last_day: int | None
    last_seq: int
    thread_id: str | None
    vector_sum: np.ndarray
    terms: dict[str, float]
    names: dict[str, int]
    sources: list[str] = field(default_factory=list)
    evidence_sum: float = 0.0  # sum over members of their lexical evidence in [0, 1] (cluster.Params)
    title_is_lead: bool = False  # the title is a member's lead sentence: no member had a headline


@dataclass(slots=True)
class ThreadRow:
    thread_id: str
    seq: int
    title: str
    size: int
    vector_sum: np.ndarray
    names: dict[str, int]
    terms: dict[str, float] = field(default_factory=dict)  # sum of its stories' unit term vectors (top terms)
    first_day: int | None = None  # day span of its dated stories; it only grows (see threads.py)
    last_day: int | None = None
    heads: dict[str, int] = field(default_factory=dict)  # title word -> stories whose title has it


def _blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def _vector(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()


_STORY_COLUMNS = (
    "story_id, seq, title, title_article, title_vector, size, start, end, first_day, last_day, last_seq, "
    "thread_id, vector_sum, terms, names, sources, evidence_sum, title_is_lead"
)


def _story(row: Any) -> StoryRow:
    vector = _vector(row["vector_sum"])
    assert vector is not None
    return StoryRow(
        story_id=row["story_id"],
        seq=row["seq"],
        title=row["title"],
        title_article=row["title_article"],
        title_vector=_vector(row["title_vector"]),
        size=row["size"],
        start=row["start"],
        end=row["end"],
        first_day=row["first_day"],
        last_day=row["last_day"],
        last_seq=row["last_seq"],
        thread_id=row["thread_id"],
        vector_sum=vector,
        terms=json.loads(row["terms"]),
        names=json.loads(row["names"]),
        sources=json.loads(row["sources"]),
        evidence_sum=row["evidence_sum"],
        title_is_lead=bool(row["title_is_lead"]),
    )


def active_stories(store: SQLiteStore, min_day: int | None, min_seq: int) -> Iterator[StoryRow]:
    """Stories still open to new members: seen on or after `min_day` (or undated) and since `min_seq`."""
    sql = f"SELECT {_STORY_COLUMNS} FROM stories WHERE last_seq >= ?"
    params: list[Any] = [min_seq]
    if min_day is not None:
        sql += " AND (last_day IS NULL OR last_day >= ?)"
        params.append(min_day)
    for row in store.iterate(sql, params):
        yield _story(row)


def get_stories(store: SQLiteStore, story_ids: Iterable[str]) -> dict[str, StoryRow]:
    rows = store.select_in(f"SELECT {_STORY_COLUMNS} FROM stories WHERE story_id IN ({{marks}})", story_ids)
    return {row["story_id"]: _story(row) for row in rows}


def save_stories(store: SQLiteStore, stories: Iterable[StoryRow]) -> None:
    """Insert or replace story aggregates; call inside a transaction."""
    store.executemany(
        f"INSERT OR REPLACE INTO stories ({_STORY_COLUMNS}) VALUES ({', '.join('?' * 18)})",
        (
            (
                s.story_id,
                s.seq,
                s.title,
                s.title_article,
                _blob(s.title_vector),
                s.size,
                s.start,
                s.end,
                s.first_day,
                s.last_day,
                s.last_seq,
                s.thread_id,
                _blob(s.vector_sum),
                json.dumps(s.terms, sort_keys=True),
                json.dumps(s.names, sort_keys=True),
                json.dumps(s.sources),
                s.evidence_sum,
                int(s.title_is_lead),
            )
            for s in stories
        ),
    )


def delete_story(store: SQLiteStore, story_id: str) -> None:
    store.execute("DELETE FROM stories WHERE story_id = ?", (story_id,))


def max_seq(store: SQLiteStore) -> int:
    row = store.query("SELECT MAX(seq) FROM story_members")[0]
    return int(row[0]) if row[0] is not None else 0


def member_places(store: SQLiteStore, article_ids: Sequence[str]) -> dict[str, tuple[str, int, str]]:
    """article id -> (story id, seq, content hash it was clustered with) for those already clustered."""
    rows = store.select_in(
        "SELECT article_id, story_id, seq, content_hash FROM story_members WHERE article_id IN ({marks})", article_ids
    )
    return {row["article_id"]: (row["story_id"], row["seq"], row["content_hash"]) for row in rows}


def clustered_count(store: SQLiteStore) -> int:
    """How many articles the stories stage holds in stories."""
    return int(store.query("SELECT COUNT(*) FROM story_members")[0][0])


def sample_member_vectors(store: SQLiteStore, k: int) -> list[bytes]:
    """The stored document vectors (blobs) of up to k clustered articles drawn at random."""
    rows = store.query(
        "SELECT v.vector FROM story_members m JOIN vectors v ON v.article_id = m.article_id "
        "AND v.content_hash = m.content_hash AND v.kind = 'doc' AND v.position = 0 ORDER BY random() LIMIT ?",
        (k,),
    )
    return [r[0] for r in rows]


def members_since(store: SQLiteStore, story_id: str, seq: int) -> list[str]:
    """The members of a story clustered at or after `seq`."""
    rows = store.query("SELECT article_id FROM story_members WHERE story_id = ? AND seq >= ?", (story_id, seq))
    return [r["article_id"] for r in rows]


def story_member_ids(store: SQLiteStore, story_id: str) -> list[str]:
    rows = store.query("SELECT article_id FROM story_members WHERE story_id = ? ORDER BY seq", (story_id,))
    return [r["article_id"] for r in rows]


def spread_members(store: SQLiteStore, story_id: str, step: int) -> list[tuple[str, int]]:
    """(article id, seq) of every `step`-th member of a story by arrival, from the first; oldest first."""
    rows = store.query(
        "SELECT article_id, seq FROM (SELECT article_id, seq, ROW_NUMBER() OVER (ORDER BY seq, article_id) AS r "
        "FROM story_members WHERE story_id = ?) WHERE (r - 1) % ? = 0 ORDER BY seq, article_id",
        (story_id, step),
    )
    return [(r["article_id"], int(r["seq"])) for r in rows]


def member_pages(store: SQLiteStore, story_id: str, page: int) -> Iterator[list[tuple[str, int]]]:
    """All (article id, seq) of a story, oldest first, `page` at a time (keyset pages: memory stays flat)."""
    after: tuple[int, str] = (-1, "")
    while rows := store.query(
        "SELECT article_id, seq FROM story_members WHERE story_id = ? AND (seq, article_id) > (?, ?) "
        "ORDER BY seq, article_id LIMIT ?",
        (story_id, *after, page),
    ):
        yield [(r["article_id"], int(r["seq"])) for r in rows]
        after = (int(rows[-1]["seq"]), rows[-1]["article_id"])


def save_members(store: SQLiteStore, members: Iterable[tuple[str, str, str, int, float]]) -> None:
    """(article_id, story_id, content_hash, seq, score) rows; call inside a transaction."""
    store.executemany(
        "INSERT OR REPLACE INTO story_members (article_id, story_id, content_hash, seq, score) VALUES (?, ?, ?, ?, ?)",
        members,
    )


def move_member_ids(store: SQLiteStore, article_ids: Sequence[str], to_story: str) -> None:
    """Re-point some members (the part that split off) to another story."""
    rows = ((to_story, article_id) for article_id in article_ids)
    store.executemany("UPDATE story_members SET story_id = ? WHERE article_id = ?", rows)


def set_member_hashes(store: SQLiteStore, rows: Iterable[tuple[str, str]]) -> None:
    """(content_hash, article_id): members that stay in their story under a new text (a minor edit)."""
    store.executemany("UPDATE story_members SET content_hash = ? WHERE article_id = ?", rows)


def delete_member(store: SQLiteStore, article_id: str) -> None:
    store.execute("DELETE FROM story_members WHERE article_id = ?", (article_id,))


def move_members(store: SQLiteStore, from_story: str, to_story: str) -> None:
    store.execute("UPDATE story_members SET story_id = ? WHERE story_id = ?", (to_story, from_story))


def log_event(
    store: SQLiteStore, kind: str, story_id: str, other_id: str | None, article_id: str | None, detail: str = ""
) -> None:
    """Record a merge, split, removal or thread change so a changed id is always explained."""
    store.execute(
        "INSERT INTO story_events (kind, story_id, other_id, article_id, detail) VALUES (?, ?, ?, ?, ?)",
        (kind, story_id, other_id, article_id, detail),
    )


def last_event_id(store: SQLiteStore) -> int:
    """The number of the latest change-log event (0 for none)."""
    return int(store.query("SELECT COALESCE(MAX(id), 0) FROM story_events")[0][0])


def drop_removals(store: SQLiteStore, pairs: Sequence[tuple[str, str]], since: int) -> None:
    """Take back the `remove` events logged after event `since` for these (story, article) pairs: the
    article left the story and landed in it again in the same transaction, so nothing changed."""
    store.executemany(
        "DELETE FROM story_events WHERE id > ? AND kind = 'remove' AND story_id = ? AND article_id = ?",
        [(since, story_id, article_id) for story_id, article_id in pairs],
    )


def iter_story_events(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    """The change log, oldest first: kind, story_id (or thread id), other_id, article_id, detail, at, and
    the event's number `id`."""
    columns = "id, kind, story_id, other_id, article_id, detail, at"
    for row in store.iterate(f"SELECT {columns} FROM story_events ORDER BY id"):
        yield dict(row)


def story_events(store: SQLiteStore) -> list[dict[str, Any]]:
    return list(iter_story_events(store))


class IdFates:
    """Every merge and dissolution of the change log, by id, held in memory so that an export can name, for
    each of millions of events, the id that holds its articles now with lookups instead of one query per hop
    (300k events: 3.9 s against 26 s, about 300 bytes per merge or dissolution held). Only the events that
    move or end an id are held: a merge names the id it went into, and an id keeps its articles through
    splits and removals."""

    def __init__(self, store: SQLiteStore, kinds: Sequence[tuple[str, str]]) -> None:
        """`kinds`: each family's (merge, end) pair of event kinds, such as stories' and threads'."""
        self._family = {kind: merge for merge, end in kinds for kind in (merge, end)}
        ends = {end for _, end in kinds}
        # per family, id -> (event number, the id it went into, or None where the event ended it), ascending
        self._moves: dict[str, dict[str, list[tuple[int, str | None]]]] = {merge: {} for merge, _ in kinds}
        placeholders = ", ".join("?" * len(self._family))
        rows = store.iterate(
            f"SELECT id, kind, story_id, other_id FROM story_events WHERE kind IN ({placeholders}) ORDER BY id",
            list(self._family),
        )
        for row in rows:
            moves = self._moves[self._family[row["kind"]]].setdefault(row["story_id"], [])
            moves.append((row["id"], None if row["kind"] in ends else row["other_id"]))

    def live_id(self, item_id: str, after: int, kind: str) -> str | None:
        """The id of `kind`'s family that holds `item_id`'s articles now, following the merges logged after
        event `after`; None once an end event dissolved it. Ids only grow, so this ends."""
        family = self._moves[self._family[kind]]
        while True:
            moves = family.get(item_id, [])
            i = bisect_right(moves, after, key=lambda move: move[0])
            if i == len(moves):
                return item_id
            after, into = moves[i]
            if into is None:
                return None
            item_id = into


# -- evidence from other stages: their rows when those stages have run (every table exists, since opening a
# store migrates every component), nothing otherwise ----------------------------------------------------
# An entity as the stories count it: the extract stage's entity id, or type:key for a mention it did not link.
_ENTITY_KEY = "COALESCE(k.entity_id, m.type || ':' || m.key)"


_ENTITY_ID = re.compile(re.escape(ENTITY_ID_PREFIX) + "[0-9a-f]{16}")


def is_entity_key(name: str) -> bool:
    """Whether a story's name is keyed as `article_entities` keys it (an entity id, or type:key for a
    mention the extract stage did not link), not a capitalised word of the stories stage run alone."""
    return _ENTITY_ID.fullmatch(name) is not None or ":" in name


def article_entities(
    store: SQLiteStore, ids: Sequence[str], k: int, skip: Mapping[str, Sequence[tuple[int, int]]] | None = None
) -> dict[str, frozenset[str]]:
    """The k most mentioned entity ids of each article (extract stage); unlinked mentions use type:key. The
    mentions starting inside an article's `skip` spans (character offsets) are not counted."""
    skip = skip or {}
    found: dict[str, Counter[str]] = defaultdict(Counter)
    rows = store.select_in(
        f"SELECT m.article, m.start_char, {_ENTITY_KEY} AS entity FROM mentions m "
        "LEFT JOIN entity_keys k ON k.type = m.type AND k.key = m.key WHERE m.article IN ({marks}) "
        "ORDER BY m.article, m.start_char",
        ids,
    )
    for row in rows:
        if not starts_within(row["start_char"], skip.get(row["article"], ())):
            found[row["article"]][row["entity"]] += 1
    return {a: frozenset(e for e, _ in counts.most_common(k)) for a, counts in found.items()}


def entity_mention_counts(store: SQLiteStore, ids: Sequence[str]) -> Counter[str]:
    """How often the articles `ids` mention each entity, keyed as `article_entities` keys them."""
    counts: Counter[str] = Counter()
    for row in store.select_in(
        f"SELECT {_ENTITY_KEY} AS entity, count(*) AS n FROM mentions m "
        "LEFT JOIN entity_keys k ON k.type = m.type AND k.key = m.key WHERE m.article IN ({marks}) GROUP BY entity",
        ids,
    ):
        counts[row["entity"]] += row["n"]
    return counts


def stories_member_ids(store: SQLiteStore, story_ids: Sequence[str]) -> list[str]:
    """The member article ids of all of `story_ids`."""
    return [
        row[0] for row in store.select_in("SELECT article_id FROM story_members WHERE story_id IN ({marks})", story_ids)
    ]


def reuse_neighbours(store: SQLiteStore, ids: Sequence[str]) -> dict[str, dict[str, tuple[str, float]]]:
    """Articles each of `ids` shares text with, from the reuse stage's relations (either direction), with
    the relation's kind and score."""
    links: dict[str, dict[str, tuple[str, float]]] = defaultdict(dict)
    rows = store.select_in(
        "SELECT a, b, relation, score FROM reuse_relations WHERE a IN ({marks}) OR b IN ({marks})", ids
    )
    for row in rows:
        links[row["a"]][row["b"]] = links[row["b"]][row["a"]] = (row["relation"], row["score"])
    return links


def entity_names(store: SQLiteStore, entity_ids: Sequence[str]) -> dict[str, str]:
    if not entity_ids:
        return {}
    rows = store.select_in("SELECT entity_id, name FROM entities WHERE entity_id IN ({marks})", entity_ids)
    return {r[0]: r[1] for r in rows}


# -- document frequencies -------------------------------------------------------------------------
def load_df(store: SQLiteStore, terms: Iterable[str]) -> dict[str, int]:
    rows = store.select_in("SELECT term, df FROM story_df WHERE term IN ({marks})", terms)
    return {row["term"]: int(row["df"]) for row in rows}


def add_df(store: SQLiteStore, increments: dict[str, int]) -> None:
    store.executemany(
        "INSERT INTO story_df (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        increments.items(),
    )


# -- threads --------------------------------------------------------------------------------------
def get_threads(store: SQLiteStore, thread_ids: Iterable[str]) -> dict[str, ThreadRow]:
    found: dict[str, ThreadRow] = {}
    rows = store.select_in(
        "SELECT thread_id, seq, title, size, vector_sum, names, terms, first_day, last_day, heads FROM threads "
        "WHERE thread_id IN ({marks})",
        thread_ids,
    )
    for row in rows:
        vector = _vector(row["vector_sum"])
        assert vector is not None
        found[row["thread_id"]] = ThreadRow(
            row["thread_id"],
            row["seq"],
            row["title"],
            row["size"],
            vector,
            json.loads(row["names"]),
            json.loads(row["terms"]),
            row["first_day"],
            row["last_day"],
            json.loads(row["heads"]),
        )
    return found


def story_id_pages(store: SQLiteStore, size: int) -> Iterator[list[str]]:
    """Every story id in creation order, `size` at a time (`_id_pages`)."""
    return _id_pages(store, "SELECT story_id AS id, seq FROM stories WHERE seq > ? ORDER BY seq LIMIT ?", size)


def thread_id_pages(store: SQLiteStore, size: int) -> Iterator[list[str]]:
    """Every thread id in creation order, `size` at a time (`_id_pages`)."""
    return _id_pages(store, "SELECT thread_id AS id, seq FROM threads WHERE seq > ? ORDER BY seq LIMIT ?", size)


def _id_pages(store: SQLiteStore, sql: str, size: int) -> Iterator[list[str]]:
    """The ids `sql` pages through by seq: each page is read afresh, so the caller may rewrite the rows of a
    page before asking for the next."""
    last = -1
    while page := store.query(sql, (last, size)):
        last = page[-1]["seq"]
        yield [row["id"] for row in page]


def thread_story_rows(store: SQLiteStore, thread_id: str) -> list[StoryRow]:
    """The stored stories of a thread, in creation order."""
    rows = store.query(f"SELECT {_STORY_COLUMNS} FROM stories WHERE thread_id = ? ORDER BY seq", (thread_id,))
    return [_story(r) for r in rows]


def set_story_thread(store: SQLiteStore, story_id: str, thread_id: str) -> None:
    store.execute("UPDATE stories SET thread_id = ? WHERE story_id = ?", (thread_id, story_id))


def thread_titles(store: SQLiteStore, thread_ids: Sequence[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """The title and sources of each story of each thread."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    rows = store.select_in("SELECT thread_id, title, sources FROM stories WHERE thread_id IN ({marks})", thread_ids)
    for row in rows:
        found.setdefault(row["thread_id"], []).append((row["title"], json.loads(row["sources"])))
    return found


def thread_postings(store: SQLiteStore, keys: Iterable[str], longest: int) -> Iterator[list[str]]:
    """The threads indexed under each key (a term, entity or LSH band) held by at most `longest` threads.
    A longer posting yields nothing, and costs a count of `longest` + 1 index entries inside SQLite, not
    its rows: fetching them to find it too long cost more than all the scoring (bench/stories_scaling.py)."""
    for key in keys:
        rows = store.query(
            "SELECT thread_id FROM thread_keys WHERE key = ?1 "
            "AND (SELECT count(*) FROM (SELECT 1 FROM thread_keys WHERE key = ?1 LIMIT ?2 + 1)) <= ?2",
            (key, longest),
        )
        yield [row[0] for row in rows]


def save_thread(store: SQLiteStore, thread: ThreadRow, keys: Iterable[str]) -> None:
    store.execute(
        "INSERT OR REPLACE INTO threads (thread_id, seq, title, size, vector_sum, names, terms, first_day, last_day, "
        "heads) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            thread.thread_id,
            thread.seq,
            thread.title,
            thread.size,
            _blob(thread.vector_sum),
            json.dumps(thread.names, sort_keys=True),
            json.dumps(thread.terms, sort_keys=True),
            thread.first_day,
            thread.last_day,
            json.dumps(thread.heads, sort_keys=True),
        ),
    )
    store.execute("DELETE FROM thread_keys WHERE thread_id = ?", (thread.thread_id,))
    store.executemany(
        "INSERT OR IGNORE INTO thread_keys (key, thread_id) VALUES (?, ?)", ((k, thread.thread_id) for k in keys)
    )


def delete_thread(store: SQLiteStore, thread_id: str) -> None:
    store.execute("DELETE FROM thread_keys WHERE thread_id = ?", (thread_id,))
    store.execute("DELETE FROM threads WHERE thread_id = ?", (thread_id,))


def move_thread_stories(store: SQLiteStore, from_thread: str, to_thread: str) -> None:
    store.execute("UPDATE stories SET thread_id = ? WHERE thread_id = ?", (to_thread, from_thread))


def title_candidates(
    store: SQLiteStore, thread_ids: Iterable[str], limit: int
) -> dict[str, tuple[np.ndarray, list[tuple[str, np.ndarray | None]]]]:
    """Per stored thread: its summed direction, and the title and titled article's vector of each of its
    `limit` largest stories, largest first (the oldest among equals; read through stories_thread_size)."""
    found = {}
    for thread_id in thread_ids:
        row = store.query("SELECT vector_sum FROM threads WHERE thread_id = ?", (thread_id,))
        if row:
            stories = store.query(
                "SELECT title, title_vector FROM stories WHERE thread_id = ? ORDER BY size DESC, seq LIMIT ?",
                (thread_id, limit),
            )
            found[thread_id] = (_vector(row[0][0]), [(r[0], _vector(r[1])) for r in stories])
    return found


def set_thread_titles(store: SQLiteStore, titles: Iterable[tuple[str, str]]) -> None:
    """Set each (thread id, title)."""
    store.executemany("UPDATE threads SET title = ? WHERE thread_id = ?", ((t, i) for i, t in titles))


@dataclass(slots=True)
class ThreadStories:
    """A thread's stories (ids in creation order) and what they span: first start, last end, articles."""

    story_ids: list[str]
    start: str | None
    end: str | None
    article_count: int


def threads_stories(store: SQLiteStore, thread_ids: Sequence[str]) -> dict[str, ThreadStories]:
    """The stories of each of `thread_ids` and what they span, read in one query per chunk of threads."""
    rows: dict[str, list[Any]] = defaultdict(list)
    for row in store.select_in(
        "SELECT thread_id, story_id, start, end, size FROM stories WHERE thread_id IN ({marks}) ORDER BY seq",
        thread_ids,
    ):
        rows[row["thread_id"]].append(row)
    return {
        thread_id: ThreadStories(
            [r["story_id"] for r in found],
            min((r["start"] for r in found if r["start"] is not None), default=None),
            max((r["end"] for r in found if r["end"] is not None), default=None),
            sum(r["size"] for r in found),
        )
        for thread_id, found in rows.items()
    }


def max_thread_seq(store: SQLiteStore) -> int:
    row = store.query("SELECT MAX(seq) FROM threads")[0]
    return int(row[0]) if row[0] is not None else 0


# -- exports --------------------------------------------------------------------------------------
def iter_stories(store: SQLiteStore) -> Iterator[StoryRow]:
    """Every story in creation order."""
    for row in store.iterate(f"SELECT {_STORY_COLUMNS} FROM stories ORDER BY seq"):
        yield _story(row)


def iter_story_rows(store: SQLiteStore) -> Iterator[tuple[StoryRow, list[str]]]:
    """Every story in creation order with its member ids (in assignment order)."""
    for story in iter_stories(store):
        yield story, story_member_ids(store, story.story_id)


def story_rows(store: SQLiteStore, story_ids: Sequence[str]) -> Iterator[tuple[StoryRow, list[str]]]:
    """The stories of `story_ids`, in that order, with their member ids."""
    stories = get_stories(store, story_ids)
    for story_id in story_ids:
        yield stories[story_id], story_member_ids(store, story_id)


def iter_threads(store: SQLiteStore, page: int = 500) -> Iterator[tuple[ThreadRow, ThreadStories]]:
    """Every thread in creation order with its stories, a page of threads per pair of queries."""
    for ids in thread_id_pages(store, page):
        yield from thread_rows(store, ids)


def thread_rows(store: SQLiteStore, thread_ids: Sequence[str]) -> Iterator[tuple[ThreadRow, ThreadStories]]:
    """The threads of `thread_ids`, in that order, with their stories."""
    threads, stories = get_threads(store, thread_ids), threads_stories(store, thread_ids)
    for thread_id in thread_ids:
        yield threads[thread_id], stories.get(thread_id, ThreadStories([], None, None, 0))


# -- the largest, for summaries (`pipeline.top_rows`): each rank as the report computes it from the exported
# rows, ties in creation order (the export's), in one query over the story table instead of every row built.
def largest_story_ids(store: SQLiteStore, limit: int) -> list[str]:
    """The `limit` stories with the most articles."""
    rows = store.query("SELECT story_id FROM stories ORDER BY size DESC, seq LIMIT ?", (limit,))
    return [r["story_id"] for r in rows]


def most_dated_story_ids(store: SQLiteStore, limit: int) -> list[str]:
    """The `limit` stories with the most articles that have a timeline entry (a publication day or a date
    in the text): the stories whose timelines the most articles make."""
    rows = store.query(
        "SELECT s.story_id FROM stories s LEFT JOIN (SELECT m.story_id, COUNT(*) AS n FROM story_members m "
        "WHERE EXISTS (SELECT 1 FROM timeline t WHERE t.article_id = m.article_id) GROUP BY m.story_id) d "
        "ON d.story_id = s.story_id ORDER BY COALESCE(d.n, 0) DESC, s.seq LIMIT ?",
        (limit,),
    )
    return [r["story_id"] for r in rows]


_THREAD_SIZES = {"stories": "COUNT(s.story_id)", "articles": "COALESCE(SUM(s.size), 0)"}


def largest_thread_ids(store: SQLiteStore, limit: int, by: Literal["stories", "articles"]) -> list[str]:
    """The `limit` threads with the most stories, or the most articles."""
    rows = store.query(
        "SELECT t.thread_id FROM threads t LEFT JOIN stories s ON s.thread_id = t.thread_id GROUP BY t.thread_id "
        f"ORDER BY {_THREAD_SIZES[by]} DESC, t.seq LIMIT ?",
        (limit,),
    )
    return [r["thread_id"] for r in rows]


# -- timeline -------------------------------------------------------------------------------------
TimelineRow = tuple[
    str, int, str, str, int | None, int | None, str, str | None, str | None, str | None, str | None, str | None
]


def replace_timeline(store: SQLiteStore, article_id: str, rows: Iterable[TimelineRow]) -> None:
    """Replace an article's timeline entries: (article_id, position, content_hash, kind, start, end, text,
    when, granularity, sort_day, context, until). Call inside a transaction."""
    store.execute("DELETE FROM timeline WHERE article_id = ?", (article_id,))
    store.executemany(
        "INSERT INTO timeline (article_id, position, content_hash, kind, start, end, text, time_when, granularity, "
        "sort_day, context, time_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


_TIMELINE_SELECT = (
    "SELECT m.story_id, t.article_id, t.kind, t.start, t.end, t.text, t.time_when, t.granularity, t.sort_day, "
    "t.context, t.time_until FROM timeline t JOIN story_members m ON m.article_id = t.article_id "
)
_TIMELINE_ORDER = " ORDER BY t.sort_day IS NULL, t.sort_day, t.granularity = 'day' DESC, m.seq, t.position"


def story_timeline(store: SQLiteStore, story_id: str) -> Iterator[sqlite3.Row]:
    """Timeline entries of the story's members, dated ones in time order, then undated ones, streamed."""
    return store.iterate(f"{_TIMELINE_SELECT}WHERE m.story_id = ?{_TIMELINE_ORDER}", [story_id])


def thread_timeline(store: SQLiteStore, thread_id: str) -> Iterator[sqlite3.Row]:
    """Timeline entries of every member of the thread's stories, in the order of `story_timeline` (a
    join on the thread, so a thread of any number of stories is one query), streamed: a thread's rows
    are folded into its events as they come, so only the events are held."""
    return store.iterate(
        f"{_TIMELINE_SELECT}JOIN stories s ON s.story_id = m.story_id WHERE s.thread_id = ?{_TIMELINE_ORDER}",
        [thread_id],
    )
