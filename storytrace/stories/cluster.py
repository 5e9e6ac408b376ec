"""Online (single-pass) event clustering: each article joins the best-matching live story or opens one.

For an article x and a story S with centroid c_S (sum of member unit vectors), term vector T_S (sum of
member TF-IDF vectors) and name counts N_S, the match score is a weighted mean of three similarities

    score(x, S) = [W_EMB * cos(v_x, c_S) + a_T * W_TERMS * cos(t_x, T_S) + a_N * W_NAMES * names(x, S)]
                  / (W_EMB + a_T * W_TERMS + a_N * W_NAMES)
                  + REUSE_BONUS * e * link(x, S)
                  + EVENT_WEIGHT * e * event(x, S)
                  - w_time(e) * (1 - exp(-gap_days / TAU_DAYS))

where a_T, a_N in [0, 1] grow with the number of distinct terms and names of x (a headline's few
words make a noisy TF-IDF cosine, so it leans on the embedding), names() is the IDF-weighted share of
x's names the story mentions, and gap_days is the distance from x's publication day to S's span
[first_day, last_day] (0 when either is undated). A gap beyond WINDOW_DAYS rules the story out: news
coverage of one event lasts days or weeks, so a report a year later is a new story (threads.py may
still link the two). x joins argmax_S score if it reaches the threshold, else opens a new story.

The day penalty scales with the article's lexical evidence e (below), w_time(e) = TIME_WEIGHT +
e * (TIME_WEIGHT_FULL - TIME_WEIGHT), because a headline tells which day's news it is, not whether an
event continues: on the UCI headlines every gold story lies within one day, while its subject returns
the next day as a new story (Mt. Gox's US bankruptcy filing on 10 and 11 March, the Titanfall launch on
10 and 12 March, markets falling on China data on both days). A headline a day away from a story
therefore joins only with near-identical wording (the penalty for one day is about 0.6; on UCI B-cubed
F1 84.3 -> 87.9, bench/results/stories_quality.md). A full article carries the shared rare words of its
event (event evidence, below), which do mark one event across days (a flood and its aftermath over a
week), so its penalty stays mild.
Comparing with the centroid (not the nearest member) keeps each decision O(candidates) and resists
chaining.

The threshold depends on the evidence e = a_T / W_TERMS in [0, 1] of the article (and, for two
stories, the mean evidence of their members):

    threshold(e) = THRESHOLD + e * (THRESHOLD_FULL - THRESHOLD)

because the signals mean different things for the two kinds of text: two UCI headlines of one story
have a median MiniLM cosine of 0.46 (interquartile 0.33-0.60), so a headline needs a low bar, while
two full articles on the same subject but different events (the seeds' two Zelenskyy/NATO stories)
reach 0.69-0.76, since their lead paragraphs share the whole background, and their TF-IDF and name
overlap, which carry most of a full article's score, are high for any two reports of one subject.
THRESHOLD and MERGE_THRESHOLD are tuned on half of the UCI headline stories and checked on the other
half (see bench/stories_quality.py); THRESHOLD_FULL keeps the seeds' two adjacent stories apart without reuse
evidence. Reuse links add REUSE_BONUS, scaled by the article's lexical evidence e (below), so copies and
rewrites of full articles join whatever their content score. A shared headline says much less: generic
ones ("Business Highlights", "Stocks lower on discouraging news from Asia") recur across stories and
days, and a copied headline already scores near 1 on content. Through the full pipeline on the UCI
headlines, an unscaled bonus cost 8 points of story precision (B-cubed F1 83.7 against 87.8 without reuse).
link(x, S) is the strength of x's strongest reuse link to a member of S (`link_strength`, 0 for none): 1
for a copy, version or rewrite, and for partial reuse the share of text reused, in full from
FULL_PARTIAL_SHARE, since one shared sentence says little about the event.
That bar is too high for the follow-ups of one event (a flood's aftermath, a trial's next witness):
their leads differ, but they share the event's rare words (a town, a river, a defendant) and are
published within days. event(x, S) in [0, 1] (see `event_evidence`) measures that, for dated articles
only, and weighs by the article's evidence e (headlines share too few words for it to mean much).

When an article also scores at least MERGE_SCORE with a second story and the two stories' centroids
match at its threshold(e), it bridges them: the younger story is merged into the older one.
`consolidate` (run after each batch) merges touched stories whose centroids match at the merge level,
interpolated the same way between MERGE_THRESHOLD and MERGE_THRESHOLD_FULL by the two stories' mean
member evidence. Merges are returned so the caller logs them: ids are never silently reassigned.

A story can also chain two events: a bridging article joins the first event's story, drags its
centroid, and the second event's reports follow. `split` (run after consolidation, see split.py for the
bisection) undoes that when the members fall into two parts that consolidation would not merge:

    split iff min(|P|, |Q|) >= SPLIT_MIN_PART and story_similarity(P, Q) < merge_level(P, Q) - SPLIT_MARGIN

with P and Q aggregated exactly as `rebuild` would store them, so a split never yields two stories
that the next consolidation merges back. The part with the oldest member keeps the id, the other part
becomes a new story named like any new story (after its oldest member), and the caller logs the split.

Only stories in the candidate index are scored (see index.py); stories whose last day is more than
WINDOW_DAYS before the current article leave the index, which bounds memory on a stream.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from storytrace.store.stories import StoryRow
from storytrace.stories.features import ArticleFeatures, df_keys, weigh
from storytrace.stories.index import CandidateIndex, index_keys
from storytrace.stories.ranking import summed
from storytrace.stories.similarity import dense_cos, sparse_cos, sparse_norm
from storytrace.stories.split import Parts, bisect


@dataclass(frozen=True, slots=True)
class Params:
    w_emb: float = 0.6
    w_terms: float = 0.8
    w_names: float = 0.4
    threshold: float = 0.25  # join threshold for a headline-only article (no lexical evidence)
    threshold_full: float = 0.4  # join threshold for a full article (full lexical evidence)
    merge_score: float = 0.9
    merge_threshold: float = 0.30  # story-to-story match at which consolidation merges two headline stories
    merge_threshold_full: float = 0.5  # the same for stories of full articles
    reuse_bonus: float = 1.0
    time_weight: float = 1.6  # day-gap penalty scale for a headline-only article (no lexical evidence)
    time_weight_full: float = 0.3  # the same for a full article, whose shared rare words can bridge days
    tau_days: float = 2.0
    window_days: int = 30
    full_evidence_terms: int = 60  # distinct terms at which TF-IDF gets its full weight
    full_evidence_names: int = 10
    story_terms: int = 100  # terms kept in a story's term vector
    story_names: int = 50
    event_weight: float = 0.3  # score added by full same-event evidence (see event_evidence)
    event_days: int = 3
    event_mass_min: float = 1.0
    event_mass_full: float = 1.5
    split_min_size: int = 10  # stories smaller than this are never checked for a split
    split_min_part: int = 5  # members each part of a split needs
    split_margin: float = 0.05  # how far below the merge level the two parts must match
    split_sample: int = 200  # members bisected per check; a larger story is sampled evenly (split.py)
    split_growth: float = 1.25  # a story is checked again each time it grows by this factor


DEFAULT_PARAMS = Params()
MAX_SOURCES = 200
FULL_PARTIAL_SHARE = 0.2  # a partial reuse link over this share of the shorter article counts as fully as a copy


@dataclass(slots=True)
class Assignment:
    article_id: str
    story_id: str
    score: float
    created: bool
    merged: list[str] = field(default_factory=list)  # stories merged into story_id by this article


@dataclass(slots=True)
class Split:
    story_id: str  # keeps its id: the part holding the story's oldest member
    new_story_id: str
    moved: list[str]  # ids of the members that moved to the new story


def story_id_for(article_id: str, content_hash: str) -> str:
    """A story is named after the article that opened it (and that article's text), so ids are stable."""
    return "s_" + hashlib.sha1(f"{article_id}\0{content_hash}".encode()).hexdigest()[:16]


def names_similarity(features: ArticleFeatures, story: StoryRow) -> float:
    """Share of the article's name information found in the story:

        sum_{n in names(x)} idf(n) * min(1, 2 * count_S(n) / |S|)  /  sum_{n in names(x)} idf(n)

    A rare shared name (a town, a defendant) says far more than "NATO" or "Ukraine"; a name only a
    few members of a large story mention counts proportionally less.
    """
    total = sum(features.name_weights.values())
    if not total or not story.names:
        return 0.0
    shared = sum(w * min(1.0, 2.0 * story.names.get(n, 0) / story.size) for n, w in features.name_weights.items())
    return shared / total


def time_gap(day: int | None, story: StoryRow) -> int:
    if day is None or story.first_day is None or story.last_day is None:
        return 0
    if day < story.first_day:
        return story.first_day - day
    return max(0, day - story.last_day)


def span_gap(a: StoryRow, b: StoryRow) -> int:
    """Days between two stories' spans (0 when they overlap or either is undated)."""
    if a.first_day is None or a.last_day is None or b.first_day is None or b.last_day is None:
        return 0
    return max(0, a.first_day - b.last_day, b.first_day - a.last_day)


def link_strength(relation: str, score: float) -> float:
    """How much a reuse link says that two articles report one story, in [0, 1]: fully for a copy, a
    version or a rewrite, and for partial reuse in proportion to the share of the shorter article it
    covers, up to FULL_PARTIAL_SHARE. With every link counted in full, a reused sentence or two (a
    standing list of candidates, an expert's job description) pulled an article into a story as firmly
    as a copied dispatch, and chained unrelated reports (PolNeAR: a tax plan and a tax-returns editorial
    14 days apart, on one 25-word description of an economist)."""
    if relation != "partial":
        return 1.0
    return min(1.0, score / FULL_PARTIAL_SHARE)


def by_evidence(headline: float, full: float, evidence: float) -> float:
    """A setting interpolated between its value for a bare headline (evidence 0) and for a full article
    (evidence 1): the join and merge thresholds and the day penalty all follow how much text there is."""
    return headline + evidence * (full - headline)


def _mean_evidence(a: StoryRow, b: StoryRow) -> float:
    """The mean lexical evidence of two stories' members."""
    return (a.evidence_sum + b.evidence_sum) / max(a.size + b.size, 1)


def label_from_terms(story: StoryRow, k: int = 4) -> str:
    """A generated title when no member has a headline or a lead sentence (ingest rejects empty texts,
    so only text without a sentence gets here): the heaviest terms that are also key names (the
    actors and places of the event), then the heaviest other terms."""
    ranked = sorted(story.terms.items(), key=lambda kv: (kv[0] not in story.names, -kv[1], kv[0]))
    return " · ".join(t.title() for t, _ in ranked[:k]) or "(untitled)"


def _better_title(is_lead: bool, vector: np.ndarray, story: StoryRow) -> bool:
    """Whether a candidate title (a headline, or a lead sentence when `is_lead`) with the embedding
    `vector` of its article should replace the story's: a headline beats a lead, and between two of a
    kind the one closer to the story's centroid wins (the most representative report)."""
    if story.title_vector is None:
        return True
    if is_lead != story.title_is_lead:
        return story.title_is_lead
    return float(vector @ story.vector_sum) > float(story.title_vector @ story.vector_sum)


class StoryClusterer:
    """Holds the live stories and their candidate index; `assign` is the online step."""

    def __init__(self, stories: Iterable[StoryRow] = (), params: Params = DEFAULT_PARAMS) -> None:
        self.params = params
        self.stories: dict[str, StoryRow] = {}
        self.index = CandidateIndex()
        self.df: dict[str, int] = {}
        self.n_docs = 0
        self.touched: set[str] = set()
        # Touched stories rebuilt only because a member's edit was minor (`rebuild(quiet=True)`): saved with the
        # new text, but no reason to merge. A story that drifted since its last arrival may now match another;
        # that merge, left for its next arrival, would otherwise be set off, and logged, by a typo's correction.
        self.quiet: set[str] = set()
        self._norms: dict[str, tuple[float, float]] = {}  # story id -> (|vector_sum|, |terms|)
        self.aliases: dict[str, str] = {}  # merged-away story id -> the story that absorbed it
        # article id -> the stored story it was the only member of, left because its text changed: a story
        # the article opens again takes that story's id, seq and thread (`_open`)
        self.vacated: dict[str, StoryRow] = {}
        self.candidates_scored = 0
        self._horizon: int | None = None  # the latest expiry horizon applied
        for story in stories:
            self.add_story(story)

    def forget(self, story_id: str) -> None:
        """Drop a story from memory and from the index (it stays in the store)."""
        self.index.remove(story_id)
        self.stories.pop(story_id, None)
        self._norms.pop(story_id, None)

    def add_story(self, story: StoryRow) -> None:
        """Make a stored story live again (indexed, open to new members)."""
        self.stories[story.story_id] = story
        self._reindex(story)

    # -- features -------------------------------------------------------------------------------
    def weigh_terms(self, features: ArticleFeatures) -> None:
        """Count the article into the document frequencies, then give it its TF-IDF vector."""
        self.n_docs += 1
        for term in df_keys(features):
            self.df[term] = self.df.get(term, 0) + 1
        weigh(features, self.df, self.n_docs)

    def uncount(self, features: ArticleFeatures) -> None:
        """Take an article out of the document frequencies: the version of an edited article that was
        counted, so that the edit replaces it (`weigh_terms` counts the new text) rather than counting as
        one more article. Its keys must have been loaded into `df`; none falls below zero."""
        self.n_docs = max(self.n_docs - 1, 0)
        for term in df_keys(features):
            self.df[term] = max(self.df.get(term, 0) - 1, 0)

    # -- scoring --------------------------------------------------------------------------------
    def score(self, features: ArticleFeatures, story: StoryRow, linked: float = 0.0) -> float:
        """The match score of the article with the story; `linked` is the strength of the article's strongest
        reuse link to a member (`link_strength`, 0 for none)."""
        p = self.params
        norm, term_norm = self._norms[story.story_id]
        emb = float(features.vector @ story.vector_sum) / norm if norm else 0.0
        # Article term vectors are unit length, so the cosine only needs the story's norm (cached).
        dot = sum(w * story.terms.get(t, 0.0) for t, w in features.terms.items())
        w_terms, w_names = self._evidence_weights(features)
        value = p.w_emb * emb + w_terms * (dot / term_norm if term_norm else 0.0)
        if w_names:
            value += w_names * names_similarity(features, story)
        value /= p.w_emb + w_terms + w_names
        evidence = self.evidence(features)
        value += p.reuse_bonus * evidence * linked
        value += p.event_weight * evidence * self.event_evidence(features, story)
        return value - self.time_penalty(time_gap(features.day, story), evidence)

    def event_evidence(self, features: ArticleFeatures, story: StoryRow) -> float:
        """Evidence in [0, 1] that the article reports the same event as the story, from the rare words
        they share, for dated articles published within EVENT_DAYS of the story only:

            R(x, S) = sum_{t in top terms(x) ∩ terms(S)} ln((N + 1) / (df(t) + 1)) / ln(N + 1)
            event(x, S) = clip((R - EVENT_MASS_MIN) / (EVENT_MASS_FULL - EVENT_MASS_MIN), 0, 1)

        Each shared word counts by its normalised IDF, the share of the log corpus size it carries:
        a town or defendant named in few articles counts nearly 1, a word every report of the region
        or subject carries (the NATO of the seeds) nearly 0. Undated articles get none: without the
        time bound, two events of one subject (two summits a year apart) share their rare words too.
        """
        p = self.params
        if features.day is None or story.first_day is None or time_gap(features.day, story) > p.event_days:
            return 0.0
        log_n = math.log(self.n_docs + 1)
        if log_n <= 0:
            return 0.0
        mass = sum(
            max(0.0, math.log((self.n_docs + 1) / (self.df.get(term, 0) + 1))) / log_n
            for term in features.terms
            if term in story.terms
        )
        return min(1.0, max(0.0, (mass - p.event_mass_min) / (p.event_mass_full - p.event_mass_min)))

    def time_penalty(self, gap: int, evidence: float) -> float:
        """Decay with the day gap, scaled by the evidence of the text, and no match at all beyond the
        window (a different event)."""
        p = self.params
        if gap > p.window_days:
            return math.inf
        weight = by_evidence(p.time_weight, p.time_weight_full, evidence)
        return weight * (1.0 - math.exp(-gap / p.tau_days)) if gap else 0.0

    def evidence(self, features: ArticleFeatures) -> float:
        """How much lexical evidence the article carries, in [0, 1] (0 for a bare headline)."""
        return min(1.0, len(features.term_counts) / self.params.full_evidence_terms)

    def join_threshold(self, evidence: float) -> float:
        return by_evidence(self.params.threshold, self.params.threshold_full, evidence)

    def merge_level(self, a: StoryRow, b: StoryRow) -> float:
        """The consolidation threshold at the two stories' mean member evidence."""
        return self._merge_level_at(_mean_evidence(a, b))

    def _merge_level_at(self, evidence: float) -> float:
        return by_evidence(self.params.merge_threshold, self.params.merge_threshold_full, evidence)

    def _evidence_weights(self, features: ArticleFeatures) -> tuple[float, float]:
        """Lexical signals weigh in proportion to the evidence they rest on: a headline's handful of
        terms gives a noisy TF-IDF cosine, so its weight shrinks towards the embedding's."""
        p = self.params
        terms = p.w_terms * self.evidence(features)
        names = p.w_names * min(1.0, len(features.names) / p.full_evidence_names)
        return terms, names

    def story_similarity(self, a: StoryRow, b: StoryRow) -> float:
        """Centroid-to-centroid match, with the same weights as the article score."""
        p = self.params
        emb = dense_cos(a.vector_sum, b.vector_sum)
        value = (p.w_emb * emb + p.w_terms * sparse_cos(a.terms, b.terms)) / (p.w_emb + p.w_terms)
        return value - self.time_penalty(span_gap(a, b), _mean_evidence(a, b))

    # -- the online step ------------------------------------------------------------------------
    def assign(
        self, features: ArticleFeatures, seq: int, linked_stories: Mapping[str, float] | None = None
    ) -> Assignment:
        """Put one article (with `terms` weighed) into a story; `linked_stories` maps the stories holding
        articles it reuses to the strength of its strongest link into each (`link_strength`)."""
        if features.day is not None:
            self.expire(features.day)
        linked = {s: w for s, w in (linked_stories or {}).items() if s in self.stories}
        keys = index_keys(features.vector, features.terms, features.names)
        evidence = self.evidence(features)
        threshold = self.join_threshold(evidence)
        # The weighted mean of similarities is at most 1, so a story whose day gap alone keeps the score
        # below the threshold cannot be joined (nor bridged, MERGE_SCORE being higher): not scored.
        ceiling = 1.0 + self.params.event_weight * evidence
        candidates = {
            s
            for s in self.index.candidates(keys)
            if ceiling - self.time_penalty(time_gap(features.day, self.stories[s]), evidence) >= threshold
        } | linked.keys()
        self.candidates_scored += len(candidates)
        ranked = sorted(
            ((self.score(features, self.stories[s], linked.get(s, 0.0)), s) for s in candidates),
            key=lambda pair: (-pair[0], self.stories[pair[1]].seq),
        )
        if not ranked or ranked[0][0] < threshold:
            reopened = features.article_id in self.vacated
            story = self._open(features, seq)
            return Assignment(features.article_id, story.story_id, 1.0, created=not reopened)
        best_score, best_id = ranked[0]
        story = self.stories[best_id]
        self._add(story, features, seq)
        merged = [
            other_id
            for other_score, other_id in ranked[1:]
            if other_score >= self.params.merge_score
            and self.story_similarity(story, self.stories[other_id]) >= threshold
        ]
        survivor = story
        for other_id in merged:
            survivor = self._merge(survivor, self.stories[other_id])
        absorbed = [s for s in [best_id, *merged] if s != survivor.story_id]
        return Assignment(features.article_id, survivor.story_id, best_score, created=False, merged=absorbed)

    def consolidate(self) -> list[tuple[str, str]]:
        """Merge stories touched since the last call into a matching older live story.

        A single pass splits a story whenever its first articles disagree (a headline about a side
        detail opens its own story); once both fragments have grown, their centroids match far better
        than any single article did. Each touched story looks up its own candidates in the index, so
        this costs O(touched x candidates). Returns (absorbed, survivor) pairs.
        """
        merges: list[tuple[str, str]] = []
        for story_id in sorted(
            self.touched - self.quiet, key=lambda s: self.stories[s].seq if s in self.stories else -1
        ):
            story = self.stories.get(story_id)
            if story is None:
                continue
            keys = index_keys(story.vector_sum, story.terms, story.names)
            scored = [
                (self.story_similarity(story, self.stories[o]) - self.merge_level(story, self.stories[o]), o)
                for o in self.index.candidates(keys)
                if o != story_id
            ]
            if not scored:
                continue
            best_margin, best_id = max(scored, key=lambda pair: (pair[0], -self.stories[pair[1]].seq))
            if best_margin >= 0.0:
                survivor = self._merge(story, self.stories[best_id])
                absorbed = best_id if survivor.story_id == story_id else story_id
                merges.append((absorbed, survivor.story_id))
        return merges

    def rebuild(self, story: StoryRow, members: list[ArticleFeatures], quiet: bool = False) -> StoryRow | None:
        """Recompute a story's aggregates from its (remaining) members, keeping its id and seq.

        Used when a member's text changed and it must leave or was edited in place (`quiet`: only that, so
        the story is not a reason to merge, see `quiet`), or when a story splits: sums are not reversible
        once truncated, so the story is replayed from its members. Returns None when no member is left."""
        if not members:
            self.forget(story.story_id)
            return None
        fresh = self.replay((story.seq, m) for m in members)
        self._take_over(story, fresh)
        if quiet:
            self.quiet.add(story.story_id)
        return fresh

    def split_due(self, size_before: int, size_after: int) -> bool:
        """Whether a story that grew from `size_before` to `size_after` members in this batch is checked.

        Checked when it first reaches SPLIT_MIN_SIZE and then each time its size crosses a power of
        SPLIT_GROWTH: the sizes checked form a geometric series, so the members loaded over a story's
        life add up to at most n / (1 - 1/SPLIT_GROWTH) = 5n for a final size n, about five loads per
        article, and never more than SPLIT_SAMPLE at a time (a larger story is checked on a sample; all
        its members are read, in pages, only when the sample shows a split)."""
        p = self.params
        if size_after < p.split_min_size:
            return False
        if size_before < p.split_min_size:
            return True
        step = math.log(p.split_growth)
        return math.floor(math.log(size_before) / step) < math.floor(math.log(size_after) / step)

    def split(
        self,
        story_id: str,
        members: list[tuple[int, ArticleFeatures]],
        everyone: Callable[[], Iterable[tuple[int, ArticleFeatures]]] | None = None,
    ) -> Split | None:
        """Split a story whose members, (seq, features) oldest first, form two parts that no longer
        belong together (see the module docstring). Returns None, changing nothing, when they do.

        `members` are all the story's members, or, for a story larger than SPLIT_SAMPLE, an evenly
        spread sample of them; then `everyone` yields all of them, oldest first, and is read only when
        the sample's two parts are apart: every member goes to the part it matches best (split.Parts),
        and the full parts are checked again."""
        p = self.params
        story = self.stories.get(story_id)
        if story is None or len(members) < 2 * p.split_min_part or (everyone is None and len(members) != story.size):
            return None
        side = bisect([f for _, f in members], p.w_emb, p.w_terms)
        keep = [m for m, s in zip(members, side, strict=True) if s == side[0]]
        move = [m for m, s in zip(members, side, strict=True) if s != side[0]]
        if min(len(keep), len(move)) < p.split_min_part or self._too_alike([f for _, f in keep], [f for _, f in move]):
            return None
        kept, fresh = self.replay(keep), self.replay(move)
        moved = [f.article_id for _, f in move]
        if self._parts_match(kept, fresh):
            return None
        if everyone is not None:
            parts = Parts(([f for _, f in keep], [f for _, f in move]), p.w_emb, p.w_terms)
            placed = self._place(everyone(), parts)
            if placed is None or placed[0].size + placed[1].size != story.size:
                return None
            kept, fresh, moved = placed
            if min(kept.size, fresh.size) < p.split_min_part or self._parts_match(kept, fresh):
                return None
        if fresh.story_id in self.stories:
            return None
        self._take_over(story, kept)
        self.aliases.pop(fresh.story_id, None)  # the id may name a story merged away earlier: it is live again
        self._register(fresh)
        return Split(story_id, fresh.story_id, moved)

    def _parts_match(self, a: StoryRow, b: StoryRow) -> bool:
        """Whether two parts still match at the split bar: then consolidation would merge them back."""
        return self.story_similarity(a, b) >= self.merge_level(a, b) - self.params.split_margin

    def _place(
        self, members: Iterable[tuple[int, ArticleFeatures]], parts: Parts
    ) -> tuple[StoryRow, StoryRow, list[str]] | None:
        """Stream the members (oldest first) into the two parts: (the part of the oldest member, which
        keeps the story's id, the other part, the ids of its members). None when a part stays empty."""
        groups: list[StoryRow | None] = [None, None]
        ids: list[list[str]] = [[], []]
        first_part: int | None = None
        for seq, member in members:
            k = parts.nearest(member)
            first_part = k if first_part is None else first_part
            groups[k] = self._fold(groups[k], seq, member)
            ids[k].append(member.article_id)
        if first_part is None:
            return None
        kept, fresh = groups[first_part], groups[1 - first_part]
        if kept is None or fresh is None:
            return None
        return kept, fresh, ids[1 - first_part]

    def resolve(self, story_id: str) -> str:
        """The live id of a story, following merges."""
        while story_id in self.aliases:
            story_id = self.aliases[story_id]
        return story_id

    def expire(self, day: int) -> None:
        """Drop from the index the stories that ended more than WINDOW_DAYS before `day`."""
        horizon = day - self.params.window_days
        if self._horizon is not None and horizon <= self._horizon:
            return  # nothing new can have aged out: the scan runs once per day of the stream, not per article
        self._horizon = horizon
        stale = [
            s.story_id
            for s in self.stories.values()
            if s.last_day is not None and s.last_day < horizon and s.story_id not in self.touched
        ]
        for story_id in stale:
            self.forget(story_id)

    # -- story aggregates -----------------------------------------------------------------------
    def _too_alike(self, a: list[ArticleFeatures], b: list[ArticleFeatures]) -> bool:
        """Whether two member groups surely match at the split bar, without aggregating them: the term
        cosine of story_similarity is >= 0 (TF-IDF weights are positive), so

            W_EMB * cos(sum v_a, sum v_b) / (W_EMB + W_TERMS) - time_penalty(gap)

        is a lower bound of their story similarity; most coherent stories stop here, cheaply."""
        p = self.params
        sum_a, sum_b = np.sum([f.vector for f in a], axis=0), np.sum([f.vector for f in b], axis=0)
        emb = dense_cos(sum_a, sum_b)
        days_a, days_b = [f.day for f in a if f.day is not None], [f.day for f in b if f.day is not None]
        gap = max(0, min(days_a) - max(days_b), min(days_b) - max(days_a)) if days_a and days_b else 0
        evidence = sum(self.evidence(f) for f in (*a, *b)) / (len(a) + len(b))
        floor = p.w_emb * emb / (p.w_emb + p.w_terms) - self.time_penalty(gap, evidence)
        return floor >= self._merge_level_at(evidence) - p.split_margin

    def _open(self, features: ArticleFeatures, seq: int) -> StoryRow:
        story = self.replay([(seq, features)])
        vacated = self.vacated.pop(features.article_id, None)
        if vacated is not None:  # a corrected report that still stands alone is the story it was
            story.story_id, story.seq, story.thread_id = vacated.story_id, vacated.seq, vacated.thread_id
        self._register(story)
        return story

    def replay(self, members: Iterable[tuple[int, ArticleFeatures]]) -> StoryRow:
        """A story aggregated from (seq, features) `members` in order (named after the first), not yet live
        (`add_story` makes it live)."""
        story: StoryRow | None = None
        for seq, member in members:
            story = self._fold(story, seq, member)
        if story is None:
            raise ValueError("a story needs at least one member")
        return story

    def _fold(self, story: StoryRow | None, seq: int, member: ArticleFeatures) -> StoryRow:
        """Add one member to a story being replayed (opened, named after it, when `story` is None)."""
        if story is None:
            story = StoryRow(
                story_id=story_id_for(member.article_id, member.content_hash),
                seq=seq,
                title="",
                title_article=None,
                title_vector=None,
                size=0,
                start=None,
                end=None,
                first_day=None,
                last_day=None,
                last_seq=seq,
                thread_id=None,
                vector_sum=np.zeros_like(member.vector),
                terms={},
                names={},
            )
        self._accumulate(story, member, seq)
        return story

    def _take_over(self, old: StoryRow, fresh: StoryRow) -> None:
        """Make `fresh` (aggregated from some of `old`'s members) the live story under `old`'s id, seq,
        thread and last assignment."""
        self.forget(old.story_id)
        fresh.story_id, fresh.seq, fresh.thread_id, fresh.last_seq = old.story_id, old.seq, old.thread_id, old.last_seq
        self._register(fresh)

    def _register(self, story: StoryRow) -> None:
        """Make a story live: held, indexed and touched (so the caller saves it)."""
        self.stories[story.story_id] = story
        self._touch(story.story_id)
        self._reindex(story)

    def _add(self, story: StoryRow, features: ArticleFeatures, seq: int) -> None:
        self._accumulate(story, features, seq)
        self._touch(story.story_id)
        self._reindex(story)

    def _accumulate(self, story: StoryRow, features: ArticleFeatures, seq: int) -> None:
        """Fold one member into the story's running sums, title, span and sources."""
        p = self.params
        story.size += 1
        story.evidence_sum += self.evidence(features)
        story.last_seq = max(story.last_seq, seq)
        story.vector_sum = story.vector_sum + features.vector
        story.terms = summed(story.terms, features.terms, p.story_terms)
        story.names = summed(story.names, dict.fromkeys(features.names, 1), p.story_names)
        if features.day is not None:
            story.first_day = features.day if story.first_day is None else min(story.first_day, features.day)
            story.last_day = features.day if story.last_day is None else max(story.last_day, features.day)
        if features.published_at:
            story.start = min(filter(None, (story.start, features.published_at)))
            story.end = max(filter(None, (story.end, features.published_at)))
        if features.source and features.source not in story.sources and len(story.sources) < MAX_SOURCES:
            story.sources = sorted([*story.sources, features.source])
        self._retitle(story, features)

    def _retitle(self, story: StoryRow, features: ArticleFeatures) -> None:
        """Keep as title the member headline closest to the current centroid; a member's lead sentence
        stands in for a headline only while no member has one."""
        label, is_lead = (features.title, False) if features.title else (features.lead, True)
        if label and _better_title(is_lead, features.vector, story):
            story.title, story.title_article, story.title_vector = label, features.article_id, features.vector
            story.title_is_lead = is_lead
        elif story.title_article is None:
            story.title = label_from_terms(story)

    def _merge(self, keep: StoryRow, other: StoryRow) -> StoryRow:
        """Fold the younger story into the older one (lower seq keeps its id)."""
        if other.seq < keep.seq:
            keep, other = other, keep
        keep.size += other.size
        keep.evidence_sum += other.evidence_sum
        keep.last_seq = max(keep.last_seq, other.last_seq)
        keep.vector_sum = keep.vector_sum + other.vector_sum
        keep.terms = summed(keep.terms, other.terms, self.params.story_terms)
        keep.names = summed(keep.names, other.names, self.params.story_names)
        days = [d for d in (keep.first_day, keep.last_day, other.first_day, other.last_day) if d is not None]
        keep.first_day, keep.last_day = (min(days), max(days)) if days else (None, None)
        stamps = [s for s in (keep.start, keep.end, other.start, other.end) if s]
        keep.start, keep.end = (min(stamps), max(stamps)) if stamps else (None, None)
        keep.sources = sorted(set(keep.sources) | set(other.sources))[:MAX_SOURCES]
        if other.title_vector is not None and _better_title(other.title_is_lead, other.title_vector, keep):
            keep.title, keep.title_article, keep.title_vector = other.title, other.title_article, other.title_vector
            keep.title_is_lead = other.title_is_lead
        elif keep.title_article is None:
            keep.title = label_from_terms(keep)
        self.forget(other.story_id)
        self.touched.discard(other.story_id)
        self.aliases[other.story_id] = keep.story_id
        self._touch(keep.story_id)
        self._reindex(keep)
        return keep

    def _touch(self, story_id: str) -> None:
        """Mark a story changed by an arrival, a merge or a split: saved, and checked for a merge."""
        self.touched.add(story_id)
        self.quiet.discard(story_id)

    def _reindex(self, story: StoryRow) -> None:
        self._norms[story.story_id] = (
            float(np.linalg.norm(story.vector_sum)),
            sparse_norm(story.terms),
        )
        self.index.put(story.story_id, index_keys(story.vector_sum, story.terms, story.names, stored=True))
