"""Corpus-level description resolution: "the Ukrainian president" in one article, resolved from what
other articles say about who holds that role.

Within an article, `entities.resolve_description` uses the roles the article itself states. A
description it cannot resolve is stored (`described`) with its role and the people named just before
it; every role the text gives a person anywhere ("Ukrainian President Volodymyr Zelenskyy", "NATO
chief Mark Rutte", "Keir Starmer, the prime minister,") is stored too (`roles`). A description then
resolves, in order, to:

1. a holder of a matching role (same head noun, the description's words a subset of the role's) who
   is *also mentioned in the described article*: the gate that keeps this from guessing. Roles change
   holders (the NATO secretary-general was Stoltenberg in 2022, Rutte in 2024), so among several
   holders the one whose role statement is closest in publication time wins, then the most stated;
2. salience: the most recent person named before it (its paragraph and the two before) who is not
   known to hold a different role (unless the description says "former") and is not in its own
   sentence (the other participant);
3. otherwise its own words, unresolved.

Incremental and bounded: a batch resolves its own articles' descriptions, and a (person, role head)
pair seen for the first time re-resolves only the descriptions with that head in articles mentioning
that person, found through indices (entity keys, mentions by key, described by article and head).
"""

from __future__ import annotations

from collections import Counter

from storytrace.extract.entities import Role
from storytrace.store import SQLiteStore
from storytrace.store import extract as repo

_PAST = frozenset({"former", "ex", "then"})
_NO_DATE = 10**6  # days: an undated statement is the least close in time


def role_rows(article: str, published: str | None, roles: list[tuple[int, str, Role]]) -> list[repo.RoleRow]:
    """One row per distinct (person, role) an article states."""
    rows = {repo.RoleRow(article, key, r.head, " ".join(sorted(r.words)), published) for _, key, r in roles}
    return sorted(rows, key=lambda r: (r.key, r.head, r.words))


def new_role_pairs(store: SQLiteStore, rows: list[repo.RoleRow]) -> set[tuple[str, str]]:
    """The (person key, role head) pairs of `rows` no stored article states yet. Call before storing them."""
    return {(r.key, r.head) for r in rows if not repo.role_known(store, r.key, r.head)}


def resolve_described(store: SQLiteStore, articles: list[str], new_pairs: set[tuple[str, str]]) -> int:
    """Resolve the stored descriptions of `articles` and of the articles a new role pair concerns;
    returns how many quotes were (re-)attributed. Call inside a transaction, after keys are linked."""
    targets = set(articles)
    for key, head in sorted(new_pairs):
        targets.update(repo.articles_describing(store, key, head))
    changed = 0
    for article in sorted(targets):
        described = repo.described_in(store, article)
        if not described:
            continue
        mentioned = repo.person_keys(store, article)
        facts = repo.role_summaries(store, mentioned, described[0].published)
        for quote in described:
            key = _holder(quote, mentioned, facts) or _salient(quote, mentioned, facts)
            if key is None:
                repo.set_quote_speaker(store, quote, quote.phrase, None, None)
            else:
                name = repo.mention_name(store, article, "person", key) or key
                repo.set_quote_speaker(store, quote, name, "person", key)
                changed += 1
    return changed


def _matches(fact: repo.RoleSummary, quote: repo.DescribedRow) -> bool:
    return fact.head == quote.head and set(quote.words.split()) <= set(fact.words.split())


def _holder(quote: repo.DescribedRow, mentioned: dict[str, str], facts: list[repo.RoleSummary]) -> str | None:
    """The article's own key for the mentioned person whose matching role statement is closest in
    time; the most often stated on ties."""
    closest: dict[str, float] = {}
    counts: Counter[str] = Counter()
    for fact in facts:
        if fact.key in mentioned and _matches(fact, quote):
            person = mentioned[fact.key]
            counts[person] += fact.statements
            distance = _NO_DATE if fact.days_apart is None else fact.days_apart
            closest[person] = min(closest.get(person, _NO_DATE), distance)
    return min(closest, key=lambda person: (closest[person], -counts[person], person)) if closest else None


def _salient(quote: repo.DescribedRow, mentioned: dict[str, str], facts: list[repo.RoleSummary]) -> str | None:
    """The most recent person named before the description who holds no other known role."""
    if _PAST & set(quote.words.split()):  # "the former prime minister" now holds another role
        other_role: set[str] = set()
    else:
        other_role = {mentioned[f.key] for f in facts if f.key in mentioned and f.head != quote.head}
    same_role = {mentioned[f.key] for f in facts if f.key in mentioned and _matches(f, quote)}
    for key in quote.salient:
        if key not in other_role or key in same_role:
            return key
    return None
