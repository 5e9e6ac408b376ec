"""How far can the available signals go on UCI? Two upper references for the online clusterer.

Run: .venv/bin/python -m bench.stories_ceiling   (writes bench/results/stories_ceiling.md)

1. Unsupervised, gold-tuned: average-linkage agglomerative clustering over a blend of two cosine
   similarities, the MiniLM headline vectors (E) and a TF-IDF (T, word 1-2-grams or character
   3-5-grams): S = w E + (1 - w) T, the distance threshold picked on the gold labels.
2. Supervised: 5-fold cross-validation (stratified by story) in which a classifier trained on the
   other folds' headlines WITH their gold story ids predicts each held-out headline's story. It knows
   every story in advance and has 80% of its headlines labelled, far more than any clustering gets,
   so the B-cubed F1 of its full labelling bounds what the same signals can separate. "Same day" rows
   let it choose only among the stories seen on the headline's own day (every UCI story lies within one
   day, and the day is the time the clusterer may use): without the day, the same subject on two days
   (the Titanfall launch, Mt. Gox's bankruptcy filing) is the largest confusion. The cosine centroid
   classifier is the online clusterer's story representation; the nearest-member one shows what a
   member-level representation would add.
3. The online clusterer's own score against complete gold stories: each headline goes to the gold
   story (aggregated as the clusterer aggregates its stories, leaving the headline out, document
   frequencies over all headlines) that it scores best with, day penalty included. This is what the
   clusterer's representation gives if the online pass grew every story perfectly; the gold pairs
   whose complete stories still match at the merge level are the ones consolidation would merge
   even then.
4. Where the online pass itself loses, over the same shuffled orders as stories_quality: its errors
   counted by kind (headlines outside their gold story's largest piece, headlines in a story whose
   majority is another gold story, headlines left alone), and the same pass with consolidation,
   bridging and splits turned off ("joins only"): if its precision is far from 100, wrong joins of
   single headlines, not story merges, make most of the impurity.
None of these is a method to ship: they bound what the signals can give, and their most confused gold
pairs show where the remaining loss lies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, hstack
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from bench.stories_quality import RESULTS, Corpus, load_corpus, online_clusters, shuffled_orders
from storytrace.store.stories import StoryRow
from storytrace.stories.cluster import DEFAULT_PARAMS, Params, StoryClusterer
from storytrace.stories.features import ArticleFeatures, build_features, url_words, weigh
from storytrace.stories.metrics import bcubed

WEIGHTS = (0.0, 0.5, 0.7, 1.0)
THRESHOLDS = np.arange(0.3, 1.0, 0.025)
FOLDS = 5
TOP_PAIRS = 12
TARGET_F1 = 0.90  # issue 4's UCI story-level target


def best_cut(similarity: np.ndarray, labels: list[str]) -> tuple[float, float]:
    """Best B-cubed F1 over distance thresholds of the average-linkage dendrogram, and that threshold."""
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return max((bcubed(list(fcluster(tree, t=t, criterion="distance")), labels)[2], float(t)) for t in THRESHOLDS)


def unsupervised(corpus: Corpus, vectors: np.ndarray) -> list[str]:
    texts = [a.text for a in corpus.articles]
    embedding = vectors @ vectors.T
    analyzers = {
        "word 1-2-grams": TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2)),
        "char 3-5-grams": TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5)),
    }
    lines = [
        "## 1. Unsupervised: gold-tuned average linkage over blended similarities (B-cubed F1, %)",
        "",
        "S = w * MiniLM cosine + (1 - w) * TF-IDF cosine; threshold chosen on the gold (optimistic).",
        "",
        "| TF-IDF | w | F1 | threshold |",
        "|---|---|---|---|",
    ]
    for name, vectorizer in analyzers.items():
        matrix = vectorizer.fit_transform(texts)
        tfidf = (matrix @ matrix.T).toarray()
        for weight in WEIGHTS:
            f1, threshold = best_cut(weight * embedding + (1 - weight) * tfidf, corpus.labels)
            lines.append(f"| {name} | {weight:.1f} | {100 * f1:.1f} | {threshold:.3f} |")
            print(lines[-1], flush=True)
    return lines


Features = Callable[[np.ndarray, np.ndarray], tuple[object, object]]


class CosineCentroid:
    """Each story scored by the cosine of a headline with the story's summed unit vectors: what a
    centroid-based online clusterer compares with."""

    def fit(self, x: np.ndarray, y: np.ndarray) -> CosineCentroid:
        self.classes_ = np.array(sorted(set(y)))
        centroids = np.stack([x[y == label].sum(axis=0) for label in self.classes_])
        self.centroids_ = centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
        return self

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return x @ self.centroids_.T


class NearestMember:
    """Each story scored by its most similar training headline (1-nearest neighbour by cosine)."""

    def fit(self, x: np.ndarray, y: np.ndarray) -> NearestMember:
        self.classes_ = np.array(sorted(set(y)))
        self.members_ = [x[y == label] for label in self.classes_]
        return self

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return np.stack([(x @ members.T).max(axis=1) for members in self.members_], axis=1)


def cross_validated(
    labels: np.ndarray, features: Features, make: Callable[[], object], days: np.ndarray | None = None
) -> np.ndarray:
    """Each headline's story as predicted by a classifier fitted on the other folds; with `days`, only
    the stories seen on the headline's own day are candidates (every UCI story lies within one day)."""
    predicted = np.empty_like(labels)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(np.zeros(len(labels)), labels):
        x_train, x_test = features(train, test)
        model = make()
        model.fit(x_train, labels[train])
        scores = model.decision_function(x_test)
        if days is not None:
            story_day = dict(zip(labels[train], days[train], strict=True))
            allowed = np.array([[story_day[c] == days[i] for c in model.classes_] for i in test])
            scores = np.where(allowed, scores, -np.inf)
        predicted[test] = model.classes_[np.argmax(scores, axis=1)]
    return predicted


def supervised(corpus: Corpus, vectors: np.ndarray) -> list[str]:
    texts = [a.text for a in corpus.articles]
    labels = np.array(corpus.labels)

    with_slugs = [" ".join([a.text, *url_words(a.url)]) for a in corpus.articles]
    days = np.array([a.published_at for a in corpus.articles])

    def words(train: np.ndarray, test: np.ndarray, docs: list[str] = texts) -> tuple[object, object]:
        # The vocabulary and IDF are fitted on the training folds only.
        vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit([docs[i] for i in train])
        return vectorizer.transform([docs[i] for i in train]), vectorizer.transform([docs[i] for i in test])

    def both(train: np.ndarray, test: np.ndarray, docs: list[str] = texts) -> tuple[object, object]:
        w_train, w_test = words(train, test, docs)
        return (
            hstack([w_train, csr_matrix(vectors[train])]).tocsr(),
            hstack([w_test, csr_matrix(vectors[test])]).tocsr(),
        )

    minilm: Features = lambda tr, te: (vectors[tr], vectors[te])  # noqa: E731
    setups: dict[str, tuple[Features, Callable[[], object], np.ndarray | None]] = {
        "nearest centroid, MiniLM": (minilm, CosineCentroid, None),
        "linear SVM, MiniLM": (minilm, LinearSVC, None),
        "linear SVM, word 1-2-gram TF-IDF": (words, LinearSVC, None),
        "linear SVM, TF-IDF + MiniLM": (both, LinearSVC, None),
        "linear SVM, TF-IDF with URL slug words + MiniLM": (lambda tr, te: both(tr, te, with_slugs), LinearSVC, None),
        "nearest centroid, MiniLM, same day": (minilm, CosineCentroid, days),
        "nearest member, MiniLM, same day": (minilm, NearestMember, days),
        "linear SVM, TF-IDF with URL slug words + MiniLM, same day": (
            lambda tr, te: both(tr, te, with_slugs),
            LinearSVC,
            days,
        ),
    }
    lines = [
        f"## 2. Supervised: {FOLDS}-fold cross-validation with the gold story ids of the other folds",
        "",
        "Each headline's story is predicted by a classifier trained on the other folds' headlines and their "
        "gold story ids (folds stratified by story, so every story is known in training). Accuracy is the "
        "share of headlines given their own story; B-cubed is that of the full predicted labelling.",
        "",
        "| classifier | accuracy | P | R | F1 |",
        "|---|---|---|---|---|",
    ]
    best: np.ndarray | None = None
    best_f1, best_name = -1.0, ""
    for name, (features, make, same_day) in setups.items():
        predicted = cross_validated(labels, features, make, same_day)
        p, r, f1 = bcubed(list(predicted), list(labels))
        accuracy = float(np.mean(predicted == labels))
        lines.append(f"| {name} | {100 * accuracy:.1f} | {100 * p:.1f} | {100 * r:.1f} | {100 * f1:.1f} |")
        print(lines[-1], flush=True)
        if f1 > best_f1:
            best, best_f1, best_name = predicted, f1, name
    assert best is not None
    verdict = "below" if best_f1 < TARGET_F1 else "at or above"
    lines += [
        "",
        f"Best: {best_name}, B-cubed F1 {100 * best_f1:.1f}, {verdict} the story target of {100 * TARGET_F1:.0f}. "
        "A classifier that is told the stories and 80% of their headlines is an upper bound for any clustering "
        "of the same signals; its remaining confusions are below.",
    ]
    return [*lines, "", *confusions(corpus, vectors, best)]


def central_headlines(texts: list[str], labels: np.ndarray, vectors: np.ndarray) -> dict[str, str]:
    """Each story's headline closest to its MiniLM centroid: what the story is about."""
    central = {}
    for label in sorted(set(labels)):
        members = np.flatnonzero(labels == label)
        centroid = vectors[members].sum(axis=0)
        central[label] = texts[members[int(np.argmax(vectors[members] @ centroid))]]
    return central


def confusions(corpus: Corpus, vectors: np.ndarray, predicted: np.ndarray) -> list[str]:
    """The gold story pairs the best classifier confuses most (both directions), with a headline of each."""
    texts = [a.text for a in corpus.articles]
    labels = np.array(corpus.labels)
    errors = Counter(frozenset((g, p)) for g, p in zip(labels, predicted, strict=True) if g != p)
    sizes = Counter(corpus.labels)
    example = central_headlines(texts, labels, vectors)
    wrong = sum(errors.values())
    top = errors.most_common(TOP_PAIRS)
    lines = [
        f"Most confused gold story pairs of the best classifier ({wrong} misassigned headlines in all; the top "
        f"{TOP_PAIRS} pairs hold {sum(n for _, n in top)}):",
        "",
        "| errors | story A (size) | headline of A | story B (size) | headline of B |",
        "|---|---|---|---|---|",
    ]
    for pair, count in top:
        a, b = sorted(pair)
        lines.append(
            f"| {count} | {a[:9]} ({sizes[a]}) | {example[a][:70]} | {b[:9]} ({sizes[b]}) | {example[b][:70]} |"
        )
    return lines


def without(story: StoryRow, member: ArticleFeatures) -> StoryRow:
    """The story's aggregate with one member taken out (leave-one-out; truncated term sums stay approximate)."""
    return replace(
        story,
        size=story.size - 1,
        vector_sum=story.vector_sum - member.vector,
        terms={t: w - member.terms.get(t, 0.0) for t, w in story.terms.items()},
        names={n: c - (n in member.names) for n, c in story.names.items()},
    )


def own_score(corpus: Corpus, vectors: np.ndarray) -> list[str]:
    """Section 3: the clusterer's score function against the complete gold stories."""
    features = [build_features(a, v) for a, v in zip(corpus.articles, corpus.vectors, strict=True)]
    clusterer = StoryClusterer()
    for f in features:
        clusterer.weigh_terms(f)
    for f in features:
        weigh(f, clusterer.df, clusterer.n_docs)
    members: dict[str, list[int]] = {}
    for i, label in enumerate(corpus.labels):
        members.setdefault(label, []).append(i)
    gold = {}
    for label, idx in sorted(members.items()):
        gold[label] = replace(clusterer.replay((0, features[i]) for i in idx), story_id=label)
        clusterer.add_story(gold[label])
    predicted = []
    for i, f in enumerate(features):
        own = corpus.labels[i]
        clusterer.add_story(without(gold[own], f))
        predicted.append(max(gold, key=lambda label: (clusterer.score(f, clusterer.stories[label]), label)))
        clusterer.add_story(gold[own])
    p, r, f1 = bcubed(predicted, corpus.labels)
    accuracy = float(np.mean(np.array(predicted) == np.array(corpus.labels)))
    pairs = sorted(
        (
            (clusterer.story_similarity(gold[a], gold[b]) - clusterer.merge_level(gold[a], gold[b]), a, b)
            for a in gold
            for b in gold
            if a < b
        ),
        reverse=True,
    )
    over = [(m, a, b) for m, a, b in pairs if m >= 0.0]
    head = central_headlines([a.text for a in corpus.articles], np.array(corpus.labels), vectors)
    lines = [
        "## 3. The online clusterer's score against complete gold stories",
        "",
        "Each headline to the gold story it scores best with (leave-one-out, day penalty included).",
        "",
        "| accuracy | P | R | F1 |",
        "|---|---|---|---|",
        f"| {100 * accuracy:.1f} | {100 * p:.1f} | {100 * r:.1f} | {100 * f1:.1f} |",
        "",
        f"Gold story pairs whose complete stories match at or above the merge level: {len(over)} "
        "(consolidation would merge them even after a perfect online pass).",
        "",
        "| margin over the merge level | story A (size) | headline of A | story B (size) | headline of B |",
        "|---|---|---|---|---|",
    ]
    for margin, a, b in over:
        lines.append(
            f"| {margin:+.2f} | {a[:8]} ({len(members[a])}) | {head[a][:60]} | {b[:8]} ({len(members[b])}) "
            f"| {head[b][:60]} |"
        )
    return lines


JOINS_ONLY = replace(
    DEFAULT_PARAMS, merge_score=10.0, merge_threshold=10.0, merge_threshold_full=10.0, split_min_size=10**9
)  # no article or story ever reaches a merge level of 10, and no story is checked for a split


def error_counts(predicted: list[str], labels: list[str]) -> tuple[int, int, int]:
    """Headlines outside their gold story's largest piece, headlines in a story whose majority is
    another gold story, and headlines alone in their story."""
    pieces: dict[str, Counter[str]] = {}
    mixtures: dict[str, Counter[str]] = {}
    for story, label in zip(predicted, labels, strict=True):
        pieces.setdefault(label, Counter())[story] += 1
        mixtures.setdefault(story, Counter())[label] += 1
    outside = sum(c.total() - c.most_common(1)[0][1] for c in pieces.values())
    foreign = sum(c.total() - c.most_common(1)[0][1] for c in mixtures.values())
    alone = sum(1 for c in mixtures.values() if c.total() == 1)
    return outside, foreign, alone


def online_losses(corpus: Corpus) -> list[str]:
    """Section 4: the online pass's errors by kind, with and without merges and splits."""
    lines = [
        "## 4. Where the online pass loses (mean of the shuffled orders)",
        "",
        "| pass | P | R | F1 | stories | outside their gold story's largest piece | in another gold story's story "
        "| alone |",
        "|---|---|---|---|---|---|---|---|",
    ]
    settings: list[tuple[str, Params]] = [("defaults", DEFAULT_PARAMS), ("joins only", JOINS_ONLY)]
    for name, params in settings:
        rows = []
        for order in shuffled_orders(len(corpus.articles)):
            predicted = online_clusters(corpus, order, params)
            counts = error_counts(predicted, corpus.labels)
            rows.append((*bcubed(predicted, corpus.labels), len(set(predicted)), *counts))
        p, r, f1, stories, outside, foreign, alone = np.mean(np.array(rows), axis=0)
        lines.append(
            f"| {name} | {100 * p:.1f} | {100 * r:.1f} | {100 * f1:.1f} | {stories:.0f} | {outside:.0f} "
            f"| {foreign:.0f} | {alone:.0f} |"
        )
    lines += [
        "",
        "A headline alone in a story of its gold story's n costs about two items of B-cubed recall (its own",
        "recall ~1/n, and 1/n of each of the n - 1 others).",
    ]
    return lines


def main() -> None:
    corpus = load_corpus("uci")
    vectors = corpus.vectors / np.linalg.norm(corpus.vectors, axis=1, keepdims=True)
    lines = [
        "# UCI ceilings: how far headline content can separate the gold stories",
        "",
        f"{len(corpus.articles)} headlines, {len(set(corpus.labels))} gold stories (developer part).",
        "",
        *unsupervised(corpus, vectors),
        "",
        *supervised(corpus, vectors),
        "",
        *own_score(corpus, vectors),
        "",
        *online_losses(corpus),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.with_name("stories_ceiling.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
