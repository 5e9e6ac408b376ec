"""Reuse persistence: MinHash signatures, LSH bucket postings, boilerplate line counts, relations, clusters.

Buckets are one posting table for every candidate source, told apart by `band`: MinHash bands
(0..), random-hyperplane bands of document vectors (SIMHASH_BAND + i) and sampled shingle
fingerprints (FINGERPRINT_BAND). A new article's keys are looked up with one indexed join, so it is
compared with the whole archive without recomputing anything. Clusters are never deleted: when two
merge, the younger one records `merged_into`, so a cluster id once published stays resolvable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from storytrace.model import AlignedPassage, AlignedSentence, ReuseRelation
from storytrace.store.core import SQLiteStore, register_migrations

SIMHASH_BAND = 1000
FINGERPRINT_BAND = 2000

register_migrations(
    "reuse",
    [
        """
        CREATE TABLE reuse_signatures (
            article_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, source TEXT,
            signature BLOB NOT NULL, lines TEXT NOT NULL
        );
        CREATE TABLE reuse_buckets (band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
        CREATE INDEX reuse_buckets_key ON reuse_buckets(band, key);
        CREATE INDEX reuse_buckets_article ON reuse_buckets(article_id);
        CREATE TABLE reuse_lines (
            source TEXT NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (source, key)
        );
        CREATE TABLE reuse_relations (
            a TEXT NOT NULL, b TEXT NOT NULL, relation TEXT NOT NULL, score REAL NOT NULL,
            direction TEXT NOT NULL, passages TEXT NOT NULL, sentences TEXT NOT NULL, evidence TEXT NOT NULL,
            PRIMARY KEY (a, b)
        );
        CREATE INDEX reuse_relations_b ON reuse_relations(b);
        CREATE TABLE reuse_clusters (
            cluster_id TEXT PRIMARY KEY, merged_into TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE reuse_members (article_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL);
        CREATE INDEX reuse_members_cluster ON reuse_members(cluster_id);
        """,
        # Rewrites found before boilerplate and function words were left out of the sentence and quote
        # evidence are checked again: their articles go back to the stage's queue (other kinds rest on
        # verbatim passages, which never counted boilerplate).
        "-- boilerplate and function words are no rewrite evidence\n"
        "DELETE FROM stage_done WHERE stage = 'reuse' AND article_id IN "
        "(SELECT a FROM reuse_relations WHERE relation = 'rewrite' "
        "UNION SELECT b FROM reuse_relations WHERE relation = 'rewrite');",
    ],
)


@dataclass(slots=True)
class Sketch:
    """What the reuse stage keeps per article to find its candidates later."""

    article_id: str
    content_hash: str
    source: str | None
    signature: np.ndarray
    buckets: list[tuple[int, int]]  # (band, signed key)
    lines: list[tuple[int, int, int]]  # (start, end, signed key) of each sentence
    probes: list[tuple[int, int]] = field(default_factory=list)  # extra keys looked up, never stored


def replace_sketches(store: SQLiteStore, sketches: Iterable[Sketch]) -> None:
    """Store sketches, replacing an article's previous ones and moving its boilerplate counts. In a transaction."""
    conn = store.conn
    for sketch in sketches:
        old = conn.execute(
            "SELECT source, lines FROM reuse_signatures WHERE article_id = ?", (sketch.article_id,)
        ).fetchone()
        if old is not None:
            _count_lines(store, old["source"], {key for _, _, key in json.loads(old["lines"])}, -1)
        conn.execute("DELETE FROM reuse_buckets WHERE article_id = ?", (sketch.article_id,))
        conn.execute(
            "INSERT INTO reuse_signatures(article_id, content_hash, source, signature, lines) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET content_hash = excluded.content_hash, source = excluded.source, "
            "signature = excluded.signature, lines = excluded.lines",
            (
                sketch.article_id,
                sketch.content_hash,
                sketch.source,
                sketch.signature.astype(np.uint32).tobytes(),
                json.dumps(sketch.lines),
            ),
        )
        conn.executemany(
            "INSERT INTO reuse_buckets(band, key, article_id) VALUES (?, ?, ?)",
            ((band, key, sketch.article_id) for band, key in sketch.buckets),
        )
        _count_lines(store, sketch.source, {key for _, _, key in sketch.lines}, +1)


def _count_lines(store: SQLiteStore, source: str | None, keys: set[int], delta: int) -> None:
    store.conn.executemany(
        "INSERT INTO reuse_lines(source, key, n) VALUES (?, ?, ?) "
        "ON CONFLICT(source, key) DO UPDATE SET n = n + excluded.n",
        ((source or "", key, delta) for key in keys),
    )


def line_counts(store: SQLiteStore, source: str | None, keys: Iterable[int]) -> dict[int, int]:
    """How many articles of `source` contain each sentence key."""
    rows = store.select_in("SELECT key, n FROM reuse_lines WHERE source = ? AND key IN ({marks})", keys, [source or ""])
    return {row["key"]: row["n"] for row in rows}


def load_sketch_rows(store: SQLiteStore, ids: Sequence[str]) -> dict[str, tuple[np.ndarray, str | None, list]]:
    """article id -> (signature, source, sentence lines) for stored articles."""
    found = {}
    for row in store.select_in(
        "SELECT article_id, source, signature, lines FROM reuse_signatures WHERE article_id IN ({marks})", ids
    ):
        signature = np.frombuffer(row["signature"], dtype=np.uint32)
        found[row["article_id"]] = (signature, row["source"], [tuple(x) for x in json.loads(row["lines"])])
    return found


def bucket_matches(
    store: SQLiteStore, probes: Iterable[tuple[int, int, str]], max_bucket: int
) -> Iterator[tuple[str, str, int, int]]:
    """(probe article, stored article, band, key) for every stored posting sharing a probe's bucket.

    Buckets holding more than `max_bucket` articles are skipped: a key shared that widely is a stock
    phrase or boilerplate, and pairing all its articles would be all-pairs work.
    """
    conn = store.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS reuse_probe (band INTEGER, key INTEGER, article_id TEXT)")
    conn.execute("DELETE FROM reuse_probe")
    conn.executemany("INSERT INTO reuse_probe(band, key, article_id) VALUES (?, ?, ?)", probes)
    conn.execute(
        "DELETE FROM reuse_probe WHERE (SELECT COUNT(*) FROM reuse_buckets c "
        "WHERE c.band = reuse_probe.band AND c.key = reuse_probe.key) > ?",
        (max_bucket,),
    )
    sql = (
        "SELECT p.article_id AS probe, b.article_id AS other, p.band AS band, p.key AS key FROM reuse_probe p "
        "JOIN reuse_buckets b ON b.band = p.band AND b.key = p.key WHERE b.article_id != p.article_id"
    )
    for row in store.iterate(sql):
        yield row["probe"], row["other"], row["band"], row["key"]


def same_text(store: SQLiteStore, ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(article, other article) pairs with the same normalised-text hash (exact duplicates).

    Only already-sketched others count: an article still pending finds this pair in its own batch.
    """
    rows = store.select_in(
        "SELECT a.id AS a, o.id AS b FROM articles a JOIN articles o "
        "ON o.content_hash = a.content_hash AND o.id != a.id "
        "JOIN reuse_signatures s ON s.article_id = o.id AND s.content_hash = o.content_hash "
        "WHERE a.id IN ({marks})",
        ids,
    )
    for row in rows:
        yield row["a"], row["b"]


def delete_relations(store: SQLiteStore, ids: Sequence[str]) -> list[str]:
    """Drop the relations touching `ids` (their text changed); returns the other articles they linked."""
    others: set[str] = set()
    for row in list(store.select_in("SELECT a, b FROM reuse_relations WHERE a IN ({marks}) OR b IN ({marks})", ids)):
        others.update((row["a"], row["b"]))
        store.execute("DELETE FROM reuse_relations WHERE a = ? AND b = ?", (row["a"], row["b"]))
    return sorted(others - set(ids))


def save_relations(store: SQLiteStore, relations: Iterable[ReuseRelation]) -> None:
    store.conn.executemany(
        "INSERT OR REPLACE INTO reuse_relations(a, b, relation, score, direction, passages, sentences, evidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                r.a,
                r.b,
                r.relation,
                r.score,
                r.direction,
                json.dumps([p.to_dict() for p in r.passages]),
                json.dumps([s.to_dict() for s in r.sentences], ensure_ascii=False),
                json.dumps(r.evidence, ensure_ascii=False),
            )
            for r in relations
        ),
    )


def _row_to_relation(row: dict) -> ReuseRelation:
    return ReuseRelation(
        a=row["a"],
        b=row["b"],
        relation=row["relation"],
        score=row["score"],
        direction=row["direction"],
        passages=[AlignedPassage(**p) for p in json.loads(row["passages"])],
        sentences=[AlignedSentence(**s) for s in json.loads(row["sentences"])],
        evidence=json.loads(row["evidence"]),
        cluster_id=row["cluster_id"],
    )


_RELATION_SQL = (
    "SELECT r.*, (SELECT cluster_id FROM reuse_members m WHERE m.article_id = r.a "
    "AND r.relation IN ('duplicate', 'version')) AS cluster_id FROM reuse_relations r"
)


def iter_relations(store: SQLiteStore) -> Iterator[ReuseRelation]:
    """Every stored relation, with its cluster id when it links versions or duplicates."""
    for row in store.iterate(_RELATION_SQL + " ORDER BY r.a, r.b"):
        yield _row_to_relation(row)


def relations_touching(store: SQLiteStore, ids: Sequence[str]) -> list[ReuseRelation]:
    """Relations with either side in `ids`."""
    rows = store.select_in(_RELATION_SQL + " WHERE r.a IN ({marks}) OR r.b IN ({marks})", ids)
    found = {(row["a"], row["b"]): _row_to_relation(row) for row in rows}
    return [found[k] for k in sorted(found)]


def cluster_edges(store: SQLiteStore, ids: Sequence[str]) -> list[tuple[str, str]]:
    """Duplicate/version links touching `ids`."""
    rows = store.select_in(
        "SELECT a, b FROM reuse_relations WHERE relation IN ('duplicate', 'version') "
        "AND (a IN ({marks}) OR b IN ({marks}))",
        ids,
    )
    return [(row["a"], row["b"]) for row in rows]


def cluster_of(store: SQLiteStore, ids: Sequence[str]) -> dict[str, str]:
    rows = store.select_in("SELECT article_id, cluster_id FROM reuse_members WHERE article_id IN ({marks})", ids)
    return {row["article_id"]: row["cluster_id"] for row in rows}


def cluster_ages(store: SQLiteStore, cluster_ids: Sequence[str]) -> dict[str, int]:
    """Creation order (rowid) of clusters, to keep the oldest id when clusters merge."""
    rows = store.select_in("SELECT cluster_id, rowid FROM reuse_clusters WHERE cluster_id IN ({marks})", cluster_ids)
    return {row["cluster_id"]: row["rowid"] for row in rows}


def write_cluster(store: SQLiteStore, cluster_id: str, members: Sequence[str], merged: Sequence[str]) -> None:
    """Make `members` the current members of `cluster_id`; clusters in `merged` now point to it."""
    store.execute("INSERT OR IGNORE INTO reuse_clusters(cluster_id) VALUES (?)", (cluster_id,))
    store.executemany(
        "UPDATE reuse_clusters SET merged_into = ? WHERE cluster_id = ?", ((cluster_id, m) for m in merged)
    )
    store.executemany(
        "INSERT INTO reuse_members(article_id, cluster_id) VALUES (?, ?) "
        "ON CONFLICT(article_id) DO UPDATE SET cluster_id = excluded.cluster_id",
        ((m, cluster_id) for m in members),
    )


def leave_clusters(store: SQLiteStore, ids: Sequence[str]) -> None:
    """Articles with no duplicate/version link any more stop being members (their cluster row stays)."""
    store.executemany("DELETE FROM reuse_members WHERE article_id = ?", ((i,) for i in ids))


def quotes_of(store: SQLiteStore, ids: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Quotes found by the extraction stage for these articles (none when it has not run on them)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for row in store.select_in(
        "SELECT article, start_char, end_char, text FROM quotes WHERE article IN ({marks})", ids
    ):
        found.setdefault(row["article"], []).append((row["start_char"], row["end_char"], row["text"]))
    return found
