"""Articles that joined a story on a reuse link the reuse stage has since weakened go back to the stories
stage.

A link can weaken after the articles it joined were clustered: a line becomes an outlet's boilerplate
only with its fourth article, so its first three were related by it (and one story held them) until the
reuse stage checks them again; an upgrade re-verifies stored rewrites. Without this, a daily feed kept
what the link had joined while the same articles analysed together stay apart: six unrelated reports of
one outlet, fed one a day, ended in one story on their shared editor's note.

What goes back is, in each story holding both articles of a weakened pair, every member clustered since
the later of the two: that one joined on the link, and those after it may have come through it (the
members a link brings in draw their own neighbours). The earlier members were placed before the link
existed, so their places never rested on it, and they keep the story's id. On a PolNeAR store built
before boilerplate and function words left the rewrite evidence, sending back only the later articles
of the pairs left a 20-day story whose members had joined through them; with the members since (and
the store migration that does the same for partial links, store/stories.py), the upgraded store's
stories are exactly those of a fresh build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storytrace.store import SQLiteStore
from storytrace.store.stories import member_places, members_since, reuse_neighbours
from storytrace.stories.cluster import link_strength

STAGE = "stories"


def link_strengths(store: SQLiteStore, ids: Sequence[str]) -> dict[tuple[str, str], float]:
    """The strength (`link_strength`) of each stored reuse link touching `ids`, by sorted pair."""
    return {
        (min(a, b), max(a, b)): link_strength(*kind)
        for a, others in reuse_neighbours(store, ids).items()
        for b, kind in others.items()
    }


def recluster_weakened(store: SQLiteStore, before: Mapping[tuple[str, str], float]) -> list[str]:
    """Requeue for the stories stage the members of each story clustered since the later article of a pair
    in it whose link is now weaker than `before` (`link_strengths` read before the links were
    re-verified); returns those requeued."""
    if not before:
        return []
    now = link_strengths(store, sorted({x for pair in before for x in pair}))
    weakened = [pair for pair, strength in before.items() if now.get(pair, 0.0) < strength]
    places = member_places(store, sorted({x for pair in weakened for x in pair}))
    first: dict[str, int] = {}  # story -> seq of its earliest member that joined on a weakened link
    for pair in weakened:
        if all(x in places for x in pair) and places[pair[0]][0] == places[pair[1]][0]:
            story, seq = places[pair[0]][0], max(places[pair[0]][1], places[pair[1]][1])
            first[story] = min(seq, first.get(story, seq))
    later = sorted({a for story, seq in first.items() for a in members_since(store, story, seq)})
    store.requeue(STAGE, later)
    return later
