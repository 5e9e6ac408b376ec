"""Corpus-wide entity identity: every (type, key) a mention or speaker names is linked to one entity.

A new key is linked, in order, to: the entity of its alias-file canonical name; the entity with the
same key (a place and an organisation with the same key are one entity: the small NER model labels
a town "Harbourton" GPE in one sentence and ORG in the next; the entity's type is then the majority
over its mentions, see `refresh_entities`); for a one-word person key, the only person entity with
that surname ("Rutte" -> Mark Rutte; left alone when several people share it); for a full person
name, an entity holding only its surname so far (which then takes the full name as its key) or one
whose key is nearly the same (difflib ratio >= SIMILARITY, same first initial, surnames sharing their
first BLOCK_PREFIX letters: transliterations the fold misses). Otherwise it founds a new entity.
Candidates come from indexed look-ups (key, surname), never a scan of all entities.

Entity ids are a hash of type and founding key, so re-running on the same data gives the same ids,
and later articles link to existing entities instead of renumbering them.
"""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher

from storytrace.extract.aliases import AliasTable
from storytrace.extract.keys import surname
from storytrace.store import SQLiteStore
from storytrace.store import extract as repo

_PLACE_OR_ORGANISATION = {"place": "organisation", "organisation": "place"}
SIMILARITY = 0.85
BLOCK_PREFIX = 4


def entity_id(type_: str, key: str) -> str:
    return "ent_" + hashlib.sha1(f"{type_}:{key}".encode()).hexdigest()[:16]


def link_new_keys(store: SQLiteStore, aliases: AliasTable, articles: list[str]) -> set[str]:
    """Link the unlinked keys these articles name; returns the entities that gained keys.
    Call inside a transaction."""
    touched: set[str] = set()
    for type_, key in repo.unlinked_keys(store, articles):
        target = _find(store, type_, key, aliases)
        repo.link_key(store, type_, key, target)
        touched.add(target)
    return touched


def fixed_names(aliases: AliasTable) -> dict[str, str]:
    """Canonical display names from the alias file, by key."""
    return {c.key: c.name for c in aliases.by_key.values()}


def _find(store: SQLiteStore, type_: str, key: str, aliases: AliasTable) -> str:
    canonical = aliases.by_key.get(key)
    if canonical is not None:
        type_, key = canonical.type, canonical.key
    existing = repo.entity_by_key(store, type_, key)
    if existing is None and type_ in _PLACE_OR_ORGANISATION:  # one name, labelled either way by the NER
        existing = repo.entity_by_key(store, _PLACE_OR_ORGANISATION[type_], key)
    if existing is not None:
        return existing.entity_id
    if type_ == "person":
        linked = _link_person(store, key)
        if linked is not None:
            return linked
    new = repo.EntityRow(entity_id(type_, key), canonical.name if canonical else key, type_, key, surname(key))
    repo.add_entity(store, new)
    return new.entity_id


def _link_person(store: SQLiteStore, key: str) -> str | None:
    last = surname(key)
    same_surname = repo.entities_by_surname(store, "person", last)
    if " " not in key:
        full = [e for e in same_surname if " " in e.key]
        return full[0].entity_id if len(full) == 1 else None
    for entity in same_surname:
        if entity.key == last:  # a surname-only entity meets its full name
            repo.rekey_entity(store, entity.entity_id, key, last)
            return entity.entity_id
    for entity in repo.entities_by_surname_prefix(store, "person", last[:BLOCK_PREFIX]):
        if entity.key[:1] == key[:1] and SequenceMatcher(None, entity.key, key).ratio() >= SIMILARITY:
            return entity.entity_id
    return None
