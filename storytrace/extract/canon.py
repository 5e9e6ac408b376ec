"""Corpus-wide entity identity: every (type, key) a mention or speaker names is linked to one entity.

A new key is linked, in order, to: the entity of its alias-file canonical name; the entity with the
same key (a place and an organisation with the same key are one entity: the small NER model labels
a town "Harbourton" GPE in one sentence and ORG in the next; the entity's type is then the majority
over its mentions, see `refresh_entities`); for a one-word person key, the only person entity with
that surname ("Rutte" -> Mark Rutte), or, when several people share it, the one holding at least
DOMINANT_SHARE of their mentions (a 2016 campaign corpus names Hillary Clinton 4,060 times and Bill
Clinton 333: a bare "Clinton" in an article that gives no full name is hers; "Bush" between Jeb and
George W. stays apart); for a one-word key no one has as a surname, the person whose first name it is,
by the same rule ("Hillary", "Bernie", "Jeb": people in the news are called by first name); for a full
person name, the same name with or without middle names ("Hillary Rodham Clinton"), a full name it
ends with (a word the NER took in: "Certainly Donald Trump", "Billionaire Donald Trump"), an entity
holding only its surname so far (which then takes the full name as its key, unless another person
of that surname is known: the first full name to come along would otherwise take every bare surname)
or one whose key is nearly the same (difflib ratio >= SIMILARITY, same first initial, surnames sharing
their first BLOCK_PREFIX letters: transliterations the fold misses). Otherwise it founds a new entity.
Full names are linked before one-word keys and shorter before longer (`_linking_order`), so a batch
that names "Hillary" and "Hillary Clinton" links the first name to the full one. Candidates come from
indexed look-ups (key, surname, first name), never a scan of all entities.

Entity ids are a hash of type and founding key, so re-running on the same data gives the same ids,
and later articles link to existing entities instead of renumbering them.
"""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher

from storytrace.extract.aliases import AliasTable
from storytrace.extract.entities import US_STATE_ABBREVIATIONS
from storytrace.extract.keys import name_key, surname
from storytrace.store import SQLiteStore
from storytrace.store import extract as repo

_PLACE_OR_ORGANISATION = {"place": "organisation", "organisation": "place"}
SIMILARITY = 0.85
BLOCK_PREFIX = 4
DOMINANT_SHARE = 0.8
MAX_RIVALS = 50  # people sharing a name beyond which none is "the" one: "John" is left alone, uncounted


def entity_id(type_: str, key: str) -> str:
    return repo.ENTITY_ID_PREFIX + hashlib.sha1(f"{type_}:{key}".encode()).hexdigest()[:16]


def link_new_keys(store: SQLiteStore, aliases: AliasTable, articles: list[str]) -> set[str]:
    """Link the unlinked keys these articles name; returns the entities that gained keys.
    Call inside a transaction."""
    touched: set[str] = set()
    for type_, key in sorted(repo.unlinked_keys(store, articles), key=_linking_order):
        target = _find(store, type_, key, aliases)
        repo.link_key(store, type_, key, target)
        touched.add(target)
    return touched


def _linking_order(type_key: tuple[str, str]) -> tuple[bool, int, str, str]:
    """Full names before one-word keys, shorter full names first: "hillary" and "certainly donald trump"
    then find "hillary clinton" and "donald trump" already linked."""
    type_, key = type_key
    size = key.count(" ") + 1
    return size == 1, size, key, type_


def fixed_names(aliases: AliasTable) -> dict[str, str]:
    """Canonical display names by key: the alias file's, and the US states' that AP style abbreviates (an
    article may write only "Calif.")."""
    states = {name_key(state): state for state in US_STATE_ABBREVIATIONS.values()}
    return states | {c.key: c.name for c in aliases.by_key.values()}


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
    full = [e for e in same_surname if " " in e.key]
    if " " not in key:
        return _dominant(store, full or repo.entities_by_first_name(store, "person", key))
    middle = [e for e in full if _same_but_middle(e.key, key)]
    if len(middle) == 1:
        return middle[0].entity_id
    inside = [e for e in full if key.endswith(" " + e.key)]
    if inside:  # a word the NER took into a full name: "Certainly Donald Trump", "Billionaire Donald Trump"
        return max(inside, key=lambda e: (len(e.key), e.entity_id)).entity_id
    for entity in same_surname:
        if entity.key == last and not full:  # a surname-only entity meets its full name
            repo.rekey_entity(store, entity.entity_id, key, last)
            return entity.entity_id
    for entity in repo.entities_by_surname_prefix(store, "person", last[:BLOCK_PREFIX]):
        if entity.key[:1] == key[:1] and SequenceMatcher(None, entity.key, key).ratio() >= SIMILARITY:
            return entity.entity_id
    return None


def _dominant(store: SQLiteStore, candidates: list[repo.EntityRow]) -> str | None:
    """The one candidate, or the one holding at least DOMINANT_SHARE of all the candidates' mentions (none
    among more than MAX_RIVALS: counting them would read most of a large store's mentions of that name)."""
    if len(candidates) <= 1:
        return candidates[0].entity_id if candidates else None
    if len(candidates) > MAX_RIVALS:
        return None
    counts = repo.entity_mention_totals(store, [c.entity_id for c in candidates])
    total = sum(counts.values())
    best = max(candidates, key=lambda c: (counts[c.entity_id], c.entity_id))
    return best.entity_id if total and counts[best.entity_id] >= DOMINANT_SHARE * total else None


def _same_but_middle(a: str, b: str) -> bool:
    """Two full names that differ only by middle names: same first and last word, the shorter's words
    in the longer in order ("hillary clinton", "hillary rodham clinton")."""
    short, long = sorted((a.split(), b.split()), key=len)
    if short == long or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long[1:-1])
    return all(word in rest for word in short[1:-1])
