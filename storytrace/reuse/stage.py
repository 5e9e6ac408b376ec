"""The incremental reuse stage: new or changed articles are matched against the whole store.

Per batch of pending articles: sketch them (MinHash, fingerprints, document-vector hyperplanes),
store the sketches, look their bucket keys up in the store to get candidate pairs (plus exact
duplicates by content hash), then verify each candidate by passage alignment and, short of a
version, by sentence alignment; finally relate, direct and cluster. A changed article has its old
sketches and relations replaced. Also registers `storytrace export --what reuse`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from storytrace.model import AlignedSentence, Article, ReuseRelation
from storytrace.nlp.vectors import doc_vectors, sentence_vectors
from storytrace.pipeline import exporter, stage
from storytrace.progress import Progress
from storytrace.reuse.align import Prepared, align_prepared, prepare
from storytrace.reuse.boilerplate import MIN_ARTICLES, boilerplate_spans, clear_of
from storytrace.reuse.fingerprints import fingerprints
from storytrace.reuse.lsh import as_signed
from storytrace.reuse.minhash import jaccard
from storytrace.reuse.quotes import matched_quotes
from storytrace.reuse.relate import (
    Evidence,
    UnionFind,
    classify,
    demote_siblings,
    direction,
    needs_sentences,
    rewrite_possible,
)
from storytrace.reuse.rewrite import SentencePair, align_sentences, is_reworded, judged_count
from storytrace.reuse.sketch import sketch_articles
from storytrace.reuse.tokens import shingle_hashes, word_hashes
from storytrace.store import SQLiteStore
from storytrace.store import reuse as repo
from storytrace.store.articles import get_articles
from storytrace.stories.relink import link_strengths, recluster_weakened

BATCH = 256
MAX_BUCKET = 500
MIN_FINGERPRINTS = 2
DOC_COSINE = 0.6
WINDOW_DAYS = 14
PREPARED_WORDS = 1_000_000  # words of prepared texts held while a batch is verified: about 50 MB


@stage("reuse", after=("extract",), redo=True)
def run_reuse(store: SQLiteStore, progress: Progress) -> dict[str, Any]:
    """Find duplicates, versions, partial reuse and rewrites of new or changed articles."""
    counts: Counter[str] = Counter(articles=0)
    with progress.task("reuse", total=store.pending_count("reuse")) as task:
        for ids in store.pending_pages("reuse", BATCH):
            counts.update(_process(store, get_articles(store, ids)))
            counts["articles"] += len(ids)
            task.advance(len(ids))
    return dict(counts)


def _process(store: SQLiteStore, articles: list[Article], recheck: bool = True) -> Counter[str]:
    """Sketch, match and relate a batch; then, once, the earlier articles holding a line that this batch
    made boilerplate (`_holders_of_new_boilerplate`)."""
    ids = [a.id for a in articles]
    vectors = doc_vectors(store, articles)
    sketches = sketch_articles(articles, vectors)
    with store.transaction():
        before = _line_counts(store, sketches)
        repo.replace_sketches(store, sketches)
        became = {line for line, count in _line_counts(store, sketches).items() if before[line] < MIN_ARTICLES <= count}
        strengths = link_strengths(store, ids)
        unlinked = repo.delete_relations(store, ids)
        pairs = _candidates(store, ids, sketches)
    known = {a.id: a for a in articles}
    known.update({a.id: a for a in get_articles(store, sorted({x for p in pairs for x in p} - set(known)))})
    pairs = _screen(store, pairs, known)
    relations = _verify(store, pairs, known)
    with store.transaction():
        repo.save_relations(store, relations)
        _redirect_siblings(store, ids)
        _update_clusters(store, [*ids, *unlinked])
        reclustered = recluster_weakened(store, strengths)
        store.mark_done("reuse", ((a.id, a.content_hash) for a in articles))
    counts = Counter(r.relation for r in relations)
    if reclustered:
        counts["reclustered"] = len(reclustered)
    again = _holders_of_new_boilerplate(store, articles, sketches, became) if recheck and became else []
    if again:
        _process(store, get_articles(store, again), recheck=False)
        counts["rechecked"] = len(again)
    return counts


def _line_counts(store: SQLiteStore, sketches: Sequence[repo.Sketch]) -> dict[tuple[str, int], int]:
    """How many articles of its source hold each (source, sentence key) of the batch (0 for none)."""
    keys: dict[str, set[int]] = defaultdict(set)
    for sketch in sketches:
        keys[sketch.source or ""].update(key for _, _, key in sketch.lines)
    counts = {}
    for source, found in keys.items():
        stored = repo.line_counts(store, source, sorted(found))
        counts.update({(source, key): stored.get(key, 0) for key in found})
    return counts


def _holders_of_new_boilerplate(
    store: SQLiteStore, articles: list[Article], sketches: Sequence[repo.Sketch], became: set[tuple[str, int]]
) -> list[str]:
    """Earlier articles of the same source that hold a line which reached MIN_ARTICLES in this batch and
    that have relations: those were found while the line still counted as reuse, so they are checked
    again, or a line's first articles would stay linked by it while later ones are not (the result
    would depend on the order articles arrive in). They are found through the line's sampled
    fingerprints in the candidate index, then confirmed by their stored sentence keys."""
    text = {a.id: a.text for a in articles}
    probes = [
        (repo.FINGERPRINT_BAND, int(key), sketch.article_id)
        for sketch in sketches
        for start, end, line in sketch.lines
        if (sketch.source or "", line) in became
        for key in as_signed(fingerprints(shingle_hashes(word_hashes(text[sketch.article_id][start:end]))))
    ]
    batch = set(text)
    with store.transaction():  # the lookup fills a temporary table
        found = sorted({other for _, other, _, _ in repo.bucket_matches(store, probes, MAX_BUCKET)} - batch)
    holders = [
        article_id
        for article_id, (_, source, lines) in repo.load_sketch_rows(store, found).items()
        if any((source or "", key) in became for _, _, key in lines)
    ]
    linked = {x for r in repo.relations_touching(store, holders) for x in (r.a, r.b)}
    return sorted(set(holders) & linked)


def _candidates(store: SQLiteStore, ids: Sequence[str], sketches: Sequence[repo.Sketch]) -> dict[tuple[str, str], set]:
    """Pairs (a < b) sharing a bucket or a text hash, with which sources proposed them."""
    probes = ((band, key, s.article_id) for s in sketches for band, key in [*s.buckets, *s.probes])
    shared: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for probe, other, band, key in repo.bucket_matches(store, probes, MAX_BUCKET):
        kind = "fingerprint" if band == repo.FINGERPRINT_BAND else "vector" if band >= repo.SIMHASH_BAND else "minhash"
        shared[min(probe, other), max(probe, other)][kind].add(key)
    for x, y in repo.same_text(store, ids):
        shared[min(x, y), max(x, y)]["same_text"].add(0)
    return {
        pair: {kind for kind, keys in found.items() if kind != "fingerprint" or len(keys) >= MIN_FINGERPRINTS}
        for pair, found in shared.items()
    }


def _screen(
    store: SQLiteStore, pairs: dict[tuple[str, str], set], known: dict[str, Article]
) -> dict[tuple[str, str], set]:
    """Keep text-overlap candidates; keep vector-only candidates when close in meaning and in time."""
    vector_only = [p for p, kinds in pairs.items() if kinds == {"vector"}]
    kept = {p: kinds for p, kinds in pairs.items() if kinds and kinds != {"vector"}}
    if vector_only:
        involved = sorted({x for p in vector_only for x in p})
        matrix = doc_vectors(store, [known[i] for i in involved])
        row = {article_id: i for i, article_id in enumerate(involved)}
        for x, y in vector_only:
            if float(matrix[row[x]] @ matrix[row[y]]) >= DOC_COSINE and _within_window(known[x], known[y]):
                kept[x, y] = {"vector"}
    return kept


def _within_window(a: Article, b: Article) -> bool:
    if not (a.published_at and b.published_at):
        return True
    try:
        delta = datetime.fromisoformat(a.published_at[:10]) - datetime.fromisoformat(b.published_at[:10])
    except ValueError:
        return True
    return abs(delta.days) <= WINDOW_DAYS


def _verify(store: SQLiteStore, pairs: dict[tuple[str, str], set], known: dict[str, Article]) -> list[ReuseRelation]:
    """Align every candidate pair and keep those whose evidence makes a relation."""
    involved = sorted({x for p in pairs for x in p})
    sketches = repo.load_sketch_rows(store, involved)
    boiler = {i: _boilerplate(store, sketches[i][1], sketches[i][2]) for i in involved}
    prepared = _prepared_texts(known, boiler)
    evidences: dict[tuple[str, str], Evidence] = {}
    for x, y in sorted(pairs):
        a, b = known[x], known[y]
        same = "same_text" in pairs[x, y] or a.content_hash == b.content_hash
        estimate = jaccard(sketches[x][0], sketches[y][0])
        evidences[x, y] = Evidence(align_prepared(prepared(x), prepared(y)), same_text=same, jaccard=estimate)
    sentences = _add_sentence_evidence(store, {p: e for p, e in evidences.items() if needs_sentences(e)}, known, boiler)
    relations = []
    for (x, y), evidence in evidences.items():
        decision = classify(evidence)
        if decision is None:
            continue
        kind, score = decision
        towards, reason = direction(known[x], known[y], kind, evidence)
        relations.append(
            ReuseRelation(
                a=x,
                b=y,
                relation=kind,
                score=score,
                direction=towards,
                passages=evidence.alignment.passages,
                sentences=sentences.get((x, y), []) if kind == "rewrite" else [],
                evidence={
                    "candidates": sorted(pairs[x, y]),
                    "jaccard": round(evidence.jaccard, 4),
                    "a_aligned": round(evidence.alignment.a_fraction, 4),
                    "b_aligned": round(evidence.alignment.b_fraction, 4),
                    "n_passages": len(evidence.alignment.passages),
                    "n_sentences": evidence.n_sentences,
                    "matched_quotes": evidence.matched_quotes,
                    "direction_reason": reason,
                    "evidence_direction": towards,
                    "evidence_reason": reason,
                },
            )
        )
    return relations


def _prepared_texts(known: dict[str, Article], boiler: dict[str, list[tuple[int, int]]]) -> Callable[[str], Prepared]:
    """The aligner's form of each article (`align.prepare`), made once for all of its pairs in a batch (27 on
    average among 4,783 UCI headlines) and held up to PREPARED_WORDS words, beyond which the held ones
    are dropped. On those headlines (document vectors cached) the stage takes 22 to 23 s instead of 28 to
    33, with the same relations; on 924 PolNeAR articles, where the cross-encoder takes most of it, 30 s
    instead of 31 to 34."""
    held: dict[str, Prepared] = {}
    words = 0

    def get(article_id: str) -> Prepared:
        nonlocal words
        found = held.get(article_id)
        if found is None:
            if words > PREPARED_WORDS:
                held.clear()
                words = 0
            found = held[article_id] = prepare(known[article_id].text, boiler[article_id])
            words += found.n_words
        return found

    return get


def _boilerplate(store: SQLiteStore, source: str | None, lines: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    return boilerplate_spans(lines, repo.line_counts(store, source, (key for _, _, key in lines)))


def _add_sentence_evidence(
    store: SQLiteStore,
    evidences: dict[tuple[str, str], Evidence],
    known: dict[str, Article],
    boiler: dict[str, list[tuple[int, int]]],
) -> dict[tuple[str, str], list[AlignedSentence]]:
    """Align sentences of each pair that could be a rewrite (`rewrite_possible`), filling the evidence's
    sentence and quote counts; returns the alignments. The other pairs keep counts of 0: no sentence
    evidence was gathered, and none could have made them a rewrite. Sentences and quotes lying in an
    article's `boiler` spans take no part (see boilerplate.py)."""
    paired = sorted({x for p in evidences for x in p})
    quotes = {x: _clear(found, boiler[x]) for x, found in repo.quotes_of(store, paired).items()}
    counts = {x: judged_count(known[x].text, boiler[x]) for x in paired}
    evidences = {
        (x, y): e
        for (x, y), e in evidences.items()
        if rewrite_possible(counts[x], counts[y], len(quotes.get(x, [])), len(quotes.get(y, [])))
    }
    if not evidences:
        return {}
    involved = sorted({x for p in evidences for x in p})
    vectors = {
        x: _clear_rows(*found, boiler[x]) for x, found in sentence_vectors(store, [known[i] for i in involved]).items()
    }
    jobs = [SentencePair(known[x].text, known[y].text, *vectors[x], *vectors[y]) for x, y in evidences]
    found = {}
    for ((x, y), evidence), aligned in zip(evidences.items(), align_sentences(jobs), strict=True):
        spans_a, spans_b = vectors[x][0], vectors[y][0]
        reworded = [s for s in aligned if is_reworded(s.a_text, s.b_text)]
        covered = [(p.a_start, p.a_end) for p in evidence.alignment.passages] + [(s.a_start, s.a_end) for s in aligned]
        evidence.n_sentences, evidence.a_sentences, evidence.b_sentences = len(reworded), len(spans_a), len(spans_b)
        evidence.matched_quotes = matched_quotes(quotes.get(x, []), quotes.get(y, []), covered)
        found[x, y] = aligned
    return found


def _clear(quotes: list[tuple[int, int, str]], boiler: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    return [quotes[i] for i in clear_of([(start, end) for start, end, _ in quotes], boiler)]


def _clear_rows(
    spans: list[tuple[int, int]], matrix: np.ndarray, boiler: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The sentence spans and vector rows outside boilerplate."""
    kept = clear_of(spans, boiler)
    return [spans[i] for i in kept], matrix[kept]


def _redirect_siblings(store: SQLiteStore, ids: Sequence[str]) -> None:
    """Re-apply the common-origin rule around the batch: its new links may give two older articles a shared source."""
    near = set(ids) | {x for r in repo.relations_touching(store, ids) for x in (r.a, r.b)}
    around = [r for r in repo.relations_touching(store, sorted(near)) if r.a in near and r.b in near]
    repo.save_relations(store, demote_siblings(around))


def _update_clusters(store: SQLiteStore, ids: Sequence[str]) -> None:
    """Recompute the connected components (duplicate/version links) around `ids`, keeping cluster ids stable.

    A component keeps the oldest cluster id among its members; clusters it absorbed point to it; a
    component with no id yet gets one derived from its first member; lone articles leave their cluster.
    """
    union = UnionFind()
    frontier, seen = set(ids), set(ids)
    while frontier:
        edges = repo.cluster_edges(store, sorted(frontier))
        frontier = set()
        for x, y in edges:
            union.union(x, y)
            frontier |= {x, y} - seen
        seen |= frontier
    grouped = {x for group in union.groups() for x in group}
    repo.leave_clusters(store, sorted(set(ids) - grouped))
    taken: set[str] = set()
    for group in sorted(union.groups(), key=len, reverse=True):
        current = repo.cluster_of(store, group)
        existing = sorted(set(current.values()) - taken)
        ages = repo.cluster_ages(store, existing)
        keep = min(existing, key=lambda c: ages.get(c, 0)) if existing else _new_cluster_id(group)
        taken.add(keep)
        repo.write_cluster(store, keep, group, [c for c in existing if c != keep])


def _new_cluster_id(members: Sequence[str]) -> str:
    digest = hashlib.sha1("\n".join(members).encode("utf-8")).hexdigest()
    return f"rc-{digest[:12]}"


@exporter("reuse")
def export_reuse(store: SQLiteStore) -> Iterator[dict[str, Any]]:
    """One row per linked pair: relation, score, direction, passages, rewrite sentences, evidence, cluster."""
    for relation in repo.iter_relations(store):
        yield relation.to_dict()
