"""Articles that joined a story on a reuse link the reuse stage has since weakened go back to the stories
stage.

A link can weaken after the articles it joined were clustered: a line becomes an outlet's boilerplate
only with its fourth article, so its first three were related by it (and one story held them) until the
reuse stage checks them again; an upgrade re-verifies stored rewrites. Without this, a daily feed kept
what the link had joined while the same articles analysed together stay apart: six unrelated reports of
one outlet, fed one a day, ended in one story on their shared editor's note.

Only the later-clustered article of each weakened pair is sent back, and only when the two share a
story: the earlier one was placed before the link existed, so its place never rested on it, and it
keeps its story's id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storytrace.store import SQLiteStore
from storytrace.store.stories import member_places, reuse_neighbours
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
    """Requeue for the stories stage the later member of each pair of one story whose link is now weaker
    than `before` (`link_strengths` read before the links were re-verified); returns those requeued."""
    if not before:
        return []
    now = link_strengths(store, sorted({x for pair in before for x in pair}))
    weakened = [pair for pair, strength in before.items() if now.get(pair, 0.0) < strength]
    places = member_places(store, sorted({x for pair in weakened for x in pair}))
    later = sorted(
        {
            max(pair, key=lambda x: places[x][1])
            for pair in weakened
            if all(x in places for x in pair) and places[pair[0]][0] == places[pair[1]][0]
        }
    )
    store.requeue(STAGE, later)
    return later
