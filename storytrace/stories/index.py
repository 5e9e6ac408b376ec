"""Candidate retrieval for online clustering: which stories could a new article belong to?

Scoring an article against every story is O(stories) per article, hopeless at millions of articles.
Instead every story is indexed under a few keys, and an article is scored only against the stories
that share a key with it:
- its top-weighted centroid terms ("t:") and key entities ("n:"): an inverted index, the lexical route
  (a story is stored under more of them than an article looks up, see STORED_TERMS);
- random-hyperplane LSH bands of its centroid ("h:"): bit j of a vector v is sign(r_j . v) for fixed
  Gaussian r_j, and two vectors at angle theta agree on a bit with probability 1 - theta/pi
  (Charikar 2002). With BANDS bands of BITS bits each, the chance that two vectors share at least one
  band is 1 - (1 - (1 - theta/pi)^BITS)^BANDS: about 0.9 at cosine 0.7, under 0.05 at cosine 0.1.
Posting lists longer than MAX_POSTING are not read (a term in a thousand live stories does not
discriminate), and only the MAX_CANDIDATES stories sharing the most keys are scored, so a query costs
O(keys x MAX_POSTING) whatever the number of stories.
The same keys index threads, stored in SQLite (`thread_keys`) because threads span any time gap, and
bounded the same way (`most_shared`): a thread query counts at most MAX_POSTING + 1 index entries per
key inside SQLite and reads the rows of the shorter postings only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping

import numpy as np

from storytrace.nlp.embed import DIM
from storytrace.stories.ranking import heaviest

BITS = 10
BANDS = 24
TOP_TERMS = 12  # terms looked up per article (or per story, for story-to-story and story-to-thread matches)
TOP_NAMES = 8
# A story or thread is indexed under more terms than a query looks up, and under all its kept names: an
# article on one side of an event shares few of its story's very top words but many of the next ones
# (the Heysel ban in a Premier League thread). Candidate recall when this was set: UCI stories 98.2% ->
# 98.6%, WikiRef thread links 450 -> 455 of 455 (bench/results/stories_quality.md, threads_links.md).
STORED_TERMS = 24
MAX_POSTING = 1000
MAX_CANDIDATES = 64
_PLANES = np.random.default_rng(20240521).standard_normal((BANDS * BITS, DIM)).astype(np.float32)
_POWERS = (1 << np.arange(BITS, dtype=np.int64)).astype(np.int64)


def lsh_keys(vector: np.ndarray) -> list[str]:
    """One key per band: the band number and its BITS sign bits packed in an integer."""
    bits = (_PLANES @ vector > 0).reshape(BANDS, BITS).astype(np.int64)
    codes = bits @ _POWERS
    return [f"h:{band}:{int(code)}" for band, code in enumerate(codes)]


def lexical_keys(
    terms: Mapping[str, float], names: Mapping[str, float] | Iterable[str], stored: bool = False
) -> list[str]:
    """Keys of the heaviest terms and most frequent names (ties broken by the key, for determinism):
    TOP_TERMS and TOP_NAMES for a query, STORED_TERMS and every name for an indexed story or thread."""
    top_terms, top_names = (STORED_TERMS, None) if stored else (TOP_TERMS, TOP_NAMES)
    kept = list(heaviest(names, top_names)) if isinstance(names, Mapping) else sorted(names)
    return [f"t:{t}" for t in heaviest(terms, top_terms)] + [f"n:{n}" for n in kept]


def index_keys(
    vector: np.ndarray, terms: Mapping[str, float], names: Mapping[str, float] | Iterable[str], stored: bool = False
) -> list[str]:
    """The keys of a query, or with `stored` those a story or thread is indexed under (see lexical_keys)."""
    norm = float(np.linalg.norm(vector))
    semantic = lsh_keys(vector / norm) if norm > 0 else []
    return lexical_keys(terms, names, stored) + semantic


class CandidateIndex:
    """An in-memory inverted index from keys to story ids, updated as stories change."""

    def __init__(self) -> None:
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._keys: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, story_id: str) -> bool:
        return story_id in self._keys

    def put(self, story_id: str, keys: list[str]) -> None:
        """(Re)index a story under `keys`, dropping its previous keys."""
        self.remove(story_id)
        self._keys[story_id] = keys
        for key in keys:
            self._postings[key].add(story_id)

    def remove(self, story_id: str) -> None:
        for key in self._keys.pop(story_id, []):
            posting = self._postings.get(key)
            if posting is not None:
                posting.discard(story_id)
                if not posting:
                    del self._postings[key]

    def candidates(self, keys: Iterable[str]) -> set[str]:
        """The stories sharing the most keys with the query (`most_shared`)."""
        return most_shared(self._postings[key] for key in keys if key in self._postings)


def most_shared(postings: Iterable[Collection[str]]) -> set[str]:
    """Of the ids in the postings of a query's keys, the MAX_CANDIDATES found under the most keys, skipping
    postings longer than MAX_POSTING (keys too common to discriminate). The story or thread that scores
    best shares many keys (terms, names and LSH bands all agree), so ranking by shared keys keeps it while
    bounding the scoring work."""
    hits: Counter[str] = Counter()
    for posting in postings:
        if len(posting) <= MAX_POSTING:
            hits.update(posting)
    if len(hits) <= MAX_CANDIDATES:
        return set(hits)
    return set(heaviest(hits, MAX_CANDIDATES))
