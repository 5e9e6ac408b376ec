"""Extraction tables: mentions, entities (with the keys linked to them), quotes and numeric claims.

Mentions and quotes store the article-level matching key of what they name, not an entity id; the
`entity_keys` table maps (type, key) to an entity. Linking a new key is one insert, and merging
spellings never rewrites mention rows, so canonicalisation stays incremental: entity names, aliases
and mention counts are recomputed only for the entities whose keys gained mentions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.model import Claim
from storytrace.store.core import SQLiteStore, register_migrations

register_migrations(
    "extract",
    [
        """
        CREATE TABLE mentions (
            article TEXT NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
            type TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (article, start_char, end_char)
        );
        CREATE INDEX mentions_key ON mentions(type, key);
        CREATE TABLE entities (
            entity_id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL,
            surname TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]', mentions INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX entities_key ON entities(type, key);
        CREATE INDEX entities_surname ON entities(type, surname);
        CREATE TABLE entity_keys (
            type TEXT NOT NULL, key TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (type, key)
        );
        CREATE INDEX entity_keys_entity ON entity_keys(entity_id);
        CREATE TABLE quotes (
            article TEXT NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
            kind TEXT NOT NULL, cue TEXT, speaker TEXT, speaker_type TEXT, speaker_key TEXT,
            PRIMARY KEY (article, start_char, end_char, kind)
        );
        CREATE INDEX quotes_speaker ON quotes(speaker_type, speaker_key);
        CREATE TABLE claims (
            article TEXT NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
            value REAL, unit TEXT, subject TEXT, qualifier TEXT, speaker TEXT,
            PRIMARY KEY (article, start_char, end_char)
        );
        """,
        """
        CREATE TABLE roles (
            article TEXT NOT NULL, key TEXT NOT NULL, head TEXT NOT NULL, words TEXT NOT NULL, published TEXT,
            PRIMARY KEY (article, key, head, words)
        );
        CREATE INDEX roles_key ON roles(key, head);
        CREATE TABLE described (
            article TEXT NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, kind TEXT NOT NULL,
            phrase TEXT NOT NULL, head TEXT NOT NULL, words TEXT NOT NULL, salient TEXT NOT NULL, published TEXT,
            PRIMARY KEY (article, start_char, end_char, kind)
        );
        CREATE INDEX described_head ON described(article, head);
        """,
    ],
)


ENTITY_ID_PREFIX = "ent_"  # an entity's id is this and a hash of its type and key (`canon.entity_id`)
_DETERMINERS = frozenset({"the", "a", "an"})  # descriptions ("the secretary-general") are aliases, not names


@dataclass(slots=True, frozen=True)
class MentionRow:
    article: str
    start: int
    end: int
    text: str
    type: str
    key: str


@dataclass(slots=True, frozen=True)
class QuoteRow:
    article: str
    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    speaker: str | None
    speaker_type: str | None
    speaker_key: str | None


@dataclass(slots=True, frozen=True)
class RoleRow:
    """A role the text gives a person ("Ukrainian President Volodymyr Zelenskyy"): head noun, qualifying words."""

    article: str
    key: str
    head: str
    words: str  # sorted, space-separated
    published: str | None


@dataclass(slots=True, frozen=True)
class DescribedRow:
    """A quote whose speaker is a description the article itself does not resolve ("the prime minister")."""

    article: str
    start: int
    end: int
    kind: str
    phrase: str
    head: str
    words: str
    salient: tuple[str, ...]  # person keys named just before it, most recent first
    published: str | None


@dataclass(slots=True)
class EntityRow:
    entity_id: str
    name: str
    type: str
    key: str
    surname: str


def replace_article_rows(
    store: SQLiteStore,
    article: str,
    mentions: Iterable[MentionRow],
    quotes: Iterable[QuoteRow],
    claims: Iterable[Claim],
) -> None:
    """Swap an article's derived rows for new ones; call inside a transaction."""
    for table in ("mentions", "quotes", "claims"):
        store.execute(f"DELETE FROM {table} WHERE article = ?", (article,))  # table names are literals
    store.executemany(
        "INSERT OR IGNORE INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
        ((m.article, m.start, m.end, m.text, m.type, m.key) for m in mentions),
    )
    store.executemany(
        "INSERT OR IGNORE INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((q.article, q.start, q.end, q.text, q.kind, q.cue, q.speaker, q.speaker_type, q.speaker_key) for q in quotes),
    )
    store.executemany(
        "INSERT OR IGNORE INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((c.article, c.start, c.end, c.text, c.value, c.unit, c.subject, c.qualifier, c.speaker) for c in claims),
    )


def replace_article_roles(
    store: SQLiteStore, article: str, roles: Iterable[RoleRow], described: Iterable[DescribedRow]
) -> None:
    """Swap an article's role facts and unresolved descriptions; call inside a transaction."""
    store.execute("DELETE FROM roles WHERE article = ?", (article,))
    store.execute("DELETE FROM described WHERE article = ?", (article,))
    store.executemany(
        "INSERT OR IGNORE INTO roles VALUES (?, ?, ?, ?, ?)",
        ((r.article, r.key, r.head, r.words, r.published) for r in roles),
    )
    store.executemany(
        "INSERT OR IGNORE INTO described VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (d.article, d.start, d.end, d.kind, d.phrase, d.head, d.words, json.dumps(d.salient), d.published)
            for d in described
        ),
    )


def role_known(store: SQLiteStore, key: str, head: str) -> bool:
    """Whether any article already gives this person key this role head."""
    return (
        store.conn.execute("SELECT 1 FROM roles WHERE key = ? AND head = ? LIMIT 1", (key, head)).fetchone() is not None
    )


def articles_describing(store: SQLiteStore, key: str, head: str) -> list[str]:
    """Articles that mention the person of `key` (any key of its entity) and hold an unresolved
    description with role head `head`: the ones a newly learned role can resolve."""
    rows = store.query(
        "SELECT DISTINCT d.article FROM entity_keys k JOIN entity_keys k2 ON k2.entity_id = k.entity_id "
        "JOIN mentions m ON m.type = k2.type AND m.key = k2.key "
        "JOIN described d ON d.article = m.article AND d.head = ? WHERE k.type = 'person' AND k.key = ?",
        (head, key),
    )
    return [row[0] for row in rows]


def described_in(store: SQLiteStore, article: str) -> list[DescribedRow]:
    rows = store.query(
        "SELECT article, start_char, end_char, kind, phrase, head, words, salient, published FROM described "
        "WHERE article = ? ORDER BY start_char",
        (article,),
    )
    return [DescribedRow(*row[:7], tuple(json.loads(row[7])), row[8]) for row in rows]


def person_keys(store: SQLiteStore, article: str) -> dict[str, str]:
    """Every key of every person entity the article mentions -> the key the article uses for it."""
    rows = store.query(
        "SELECT DISTINCT k2.key, m.key FROM mentions m JOIN entity_keys k ON k.type = m.type AND k.key = m.key "
        "JOIN entity_keys k2 ON k2.entity_id = k.entity_id WHERE m.article = ? AND m.type = 'person'",
        (article,),
    )
    return {row[0]: row[1] for row in rows}


@dataclass(slots=True, frozen=True)
class RoleSummary:
    """What the corpus says about one person holding one role: how often, and how close in time."""

    key: str
    head: str
    words: str
    days_apart: float | None  # fewest days between a statement of it and the reference date; None: undated
    statements: int


def role_summaries(store: SQLiteStore, keys: Iterable[str], published: str | None) -> list[RoleSummary]:
    """Roles stated anywhere about these person keys, one row per distinct role, aggregated in SQL so a
    much-described person costs one grouped index scan, not a row per article."""
    rows = store.select_in(
        "SELECT key, head, words, MIN(ABS(julianday(substr(published, 1, 10)) - julianday(substr(?, 1, 10)))), "
        "COUNT(*) FROM roles WHERE key IN ({marks}) GROUP BY key, head, words",
        keys,
        before=[published],
    )
    return [RoleSummary(*row) for row in rows]


def set_quote_speaker(
    store: SQLiteStore, quote: DescribedRow, speaker: str, speaker_type: str | None, speaker_key: str | None
) -> None:
    """Re-attribute a described quote (to the person it resolved to, or back to its own words), and
    the claims inside it, which carry the speaker of the quote they were made in."""
    store.execute(
        "UPDATE quotes SET speaker = ?, speaker_type = ?, speaker_key = ? "
        "WHERE article = ? AND start_char = ? AND end_char = ? AND kind = ?",
        (speaker, speaker_type, speaker_key, quote.article, quote.start, quote.end, quote.kind),
    )
    store.execute(
        "UPDATE claims SET speaker = ? WHERE article = ? AND start_char >= ? AND end_char <= ?",
        (speaker, quote.article, quote.start, quote.end),
    )


def mention_name(store: SQLiteStore, article: str, type_: str, key: str) -> str | None:
    """The longest spelling an article uses for a (type, key): how the article itself names it."""
    row = store.conn.execute(
        "SELECT text FROM mentions WHERE article = ? AND type = ? AND key = ? ORDER BY length(text) DESC LIMIT 1",
        (article, type_, key),
    ).fetchone()
    return row[0] if row else None


def unlinked_keys(store: SQLiteStore, articles: list[str]) -> list[tuple[str, str]]:
    """(type, key) pairs named by these articles' mentions or speakers that no entity holds yet."""
    rows = store.select_in(
        "SELECT m.type, m.key FROM mentions m LEFT JOIN entity_keys k ON k.type = m.type AND k.key = m.key "
        "WHERE m.article IN ({marks}) AND k.entity_id IS NULL "
        "UNION SELECT q.speaker_type, q.speaker_key FROM quotes q LEFT JOIN entity_keys k "
        "ON k.type = q.speaker_type AND k.key = q.speaker_key "
        "WHERE q.article IN ({marks}) AND q.speaker_key IS NOT NULL AND k.entity_id IS NULL",
        articles,
    )
    return sorted({(row[0], row[1]) for row in rows})


def entity_by_key(store: SQLiteStore, type_: str, key: str) -> EntityRow | None:
    row = store.conn.execute(
        "SELECT entity_id, name, type, key, surname FROM entities WHERE type = ? AND key = ?", (type_, key)
    ).fetchone()
    return EntityRow(*row) if row else None


def entities_by_surname(store: SQLiteStore, type_: str, surname: str) -> list[EntityRow]:
    rows = store.query(
        "SELECT entity_id, name, type, key, surname FROM entities WHERE type = ? AND surname = ?", (type_, surname)
    )
    return [EntityRow(*row) for row in rows]


def entities_by_surname_prefix(store: SQLiteStore, type_: str, prefix: str) -> list[EntityRow]:
    """Person entities whose surname starts with `prefix`: the blocking step of fuzzy name matching."""
    rows = store.query(
        "SELECT entity_id, name, type, key, surname FROM entities WHERE type = ? AND surname >= ? AND surname < ?",
        (type_, prefix, prefix + "\uffff"),
    )
    return [EntityRow(*row) for row in rows]


def entities_by_first_name(store: SQLiteStore, type_: str, first: str) -> list[EntityRow]:
    """Entities whose key is `first` followed by more words (a range on the (type, key) index)."""
    rows = store.query(
        "SELECT entity_id, name, type, key, surname FROM entities WHERE type = ? AND key > ? AND key < ?",
        (type_, first + " ", first + " \uffff"),
    )
    return [EntityRow(*row) for row in rows]


def entity_mention_totals(store: SQLiteStore, entity_ids: Sequence[str]) -> Counter[str]:
    """Mentions stored for each entity, over all its keys."""
    rows = store.select_in(
        "SELECT k.entity_id, COUNT(*) FROM entity_keys k JOIN mentions m ON m.type = k.type AND m.key = k.key "
        "WHERE k.entity_id IN ({marks}) GROUP BY k.entity_id",
        entity_ids,
    )
    return Counter({row[0]: row[1] for row in rows})


def add_entity(store: SQLiteStore, entity: EntityRow) -> None:
    store.execute(
        "INSERT OR IGNORE INTO entities (entity_id, name, type, key, surname) VALUES (?, ?, ?, ?, ?)",
        (entity.entity_id, entity.name, entity.type, entity.key, entity.surname),
    )


def rekey_entity(store: SQLiteStore, entity_id: str, key: str, surname: str) -> None:
    """A surname-only entity learns its full name; its id (and every link to it) stays."""
    store.execute("UPDATE entities SET key = ?, surname = ? WHERE entity_id = ?", (key, surname, entity_id))


def link_key(store: SQLiteStore, type_: str, key: str, entity_id: str) -> None:
    store.execute(
        "INSERT INTO entity_keys (type, key, entity_id) VALUES (?, ?, ?) "
        "ON CONFLICT(type, key) DO UPDATE SET entity_id = excluded.entity_id",
        (type_, key, entity_id),
    )


def stale_entities(store: SQLiteStore, articles: Iterable[str]) -> set[str]:
    """Entities named in these articles: their counts and aliases need recomputing."""
    rows = store.select_in(
        "SELECT DISTINCT k.entity_id FROM mentions m JOIN entity_keys k ON k.type = m.type AND k.key = m.key "
        "WHERE m.article IN ({marks})",
        articles,
    )
    return {row[0] for row in rows}


def refresh_entities(store: SQLiteStore, entity_ids: Iterable[str], fixed_names: dict[str, str]) -> None:
    """Recompute name, aliases and mention count of entities from their mentions.

    The name is the alias file's canonical name when it has one, else the most frequent full name
    (several words, no description), longest on ties. A place-or-organisation entity takes the type
    most of its mentions have (place on ties: a name used as both is usually a town's).
    """
    for entity_id in entity_ids:
        spellings: Counter[str] = Counter()
        types: Counter[str] = Counter()
        for row in store.iterate(
            "SELECT m.text, m.type, COUNT(*) FROM entity_keys k JOIN mentions m ON m.type = k.type AND m.key = k.key "
            "WHERE k.entity_id = ? GROUP BY m.text, m.type",
            (entity_id,),
        ):
            spellings[" ".join(row[0].split())] += int(row[2])
            types[row[1]] += int(row[2])
        if types.keys() <= {"place", "organisation"} and types:
            majority = max(types, key=lambda t: (types[t], t == "place"))
            store.execute("UPDATE entities SET type = ? WHERE entity_id = ?", (majority, entity_id))
        if not spellings:  # its last mentions went with a changed article: hidden from exports
            store.execute("UPDATE entities SET mentions = 0 WHERE entity_id = ?", (entity_id,))
            continue
        key_row = store.conn.execute("SELECT key FROM entities WHERE entity_id = ?", (entity_id,)).fetchone()
        names = [s for s in spellings if s.split()[0].lower() not in _DETERMINERS] or list(spellings)
        full = [s for s in names if len(s.split()) > 1] or names
        name = fixed_names.get(key_row[0]) or max(full, key=lambda s: (spellings[s], len(s)))
        aliases = sorted(s for s in spellings if s != name)
        store.execute(
            "UPDATE entities SET name = ?, aliases = ?, mentions = ? WHERE entity_id = ?",
            (name, json.dumps(aliases, ensure_ascii=False), sum(spellings.values()), entity_id),
        )


def iter_entities(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for row in store.iterate(
        "SELECT entity_id, name, type, aliases, mentions FROM entities WHERE mentions > 0 ORDER BY mentions DESC, name"
    ):
        yield {
            "entity_id": row[0],
            "name": row[1],
            "type": row[2],
            "aliases": json.loads(row[3]),
            "mentions": row[4],
        }


def iter_mentions(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for row in store.iterate(
        "SELECT m.article, m.start_char, m.end_char, m.text, k.entity_id FROM mentions m "
        "LEFT JOIN entity_keys k ON k.type = m.type AND k.key = m.key ORDER BY m.article, m.start_char"
    ):
        yield {"article": row[0], "start": row[1], "end": row[2], "text": row[3], "entity_id": row[4]}


def iter_quotes(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for row in store.iterate(
        "SELECT q.article, q.start_char, q.end_char, q.text, q.kind, q.cue, COALESCE(e.name, q.speaker), k.entity_id "
        "FROM quotes q LEFT JOIN entity_keys k ON k.type = q.speaker_type AND k.key = q.speaker_key "
        "LEFT JOIN entities e ON e.entity_id = k.entity_id ORDER BY q.article, q.start_char"
    ):
        yield {
            "article": row[0],
            "start": row[1],
            "end": row[2],
            "text": row[3],
            "kind": row[4],
            "cue": row[5],
            "speaker": row[6],
            "speaker_entity_id": row[7],
        }


def iter_claims(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    for row in store.iterate(
        "SELECT article, start_char, end_char, text, value, unit, subject, qualifier, speaker FROM claims "
        "ORDER BY article, start_char"
    ):
        yield {
            "article": row[0],
            "start": row[1],
            "end": row[2],
            "text": row[3],
            "value": row[4],
            "unit": row[5],
            "subject": row[6],
            "qualifier": row[7],
            "speaker": row[8],
        }
