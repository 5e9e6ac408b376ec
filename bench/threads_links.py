"""Are the thread links that mix WikiRef topics weaker than the right ones? A diagnostic, not a method.

Run: .venv/bin/python -m bench.threads_links   (writes bench/results/threads_links.md)

On the 12 samples with the held-out part's topic counts (stories_quality.holdout_like), the `stories`
stage runs with a thread linker that records every link it makes: a story joining a thread, with the
features the link rule sees (the link score, its dense and term cosines, the shared key names and
their overlap, the thread's size and cohesion |sum of unit centroids| / size), and every fold of one
thread into another. A link is wrong when the story's majority topic is not the majority topic of the
thread at that moment (stories are single-topic on WikiRef, so every mix comes from these links).

For each feature: its AUC as a detector of wrong links (oriented, so 0.5 is chance and 1 perfect),
and the best single cut on it, counted as wrong links removed minus right links removed (what a
stricter rule on that feature would gain before the fragments it creates are counted). Last, a
logistic model on all the features, its AUC out of fold (5 folds): how far their combination goes.
Each link decision is also taken again over every stored thread, which shows what the candidate index
(`thread_keys`) misses. And what the wrong links cost: the threads' B-cubed F1 as made, and with the
documents of each mixed group of topics put in threads of their own topic by hand (ORACLE_FIXES, cumulative):
the figure a rule that separated them, and changed nothing else, would reach.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bench.stories_quality import HOLDOUT_SAMPLES, holdout_like, load_corpus, stage_clusters
from storytrace.store.stories import StoryRow, ThreadRow, story_member_ids
from storytrace.stories import stage, threads
from storytrace.stories.metrics import bcubed
from storytrace.stories.similarity import dense_cos, sparse_cos
from storytrace.stories.threads import ThreadLinker, key_names, link_score

RESULTS = Path(__file__).parent / "results" / "threads_links.md"
FEATURES = ("link score", "dense cosine", "term cosine", "shared names", "name overlap", "thread size", "cohesion")
FOLDS = 5
# Topics given their own threads by hand, one step after another (each step keeps the ones before).
ORACLE_FIXES = (
    ("Cyprus apart from the Greek debt and elections", ("cypriot.financial.crisis",)),
    ("the Greek debt apart from the elections too", ("debt.crisis.greece", "greek.elections")),
    ("the smartphone pieces apart from the Galaxy S5", ("smartphone",)),
    ("the Barack Obama pair in one thread", ("barack.obama",)),
)


@dataclass(slots=True)
class LinkLog:
    """What a recording linker saw in one run: per link its features and whether it mixed topics."""

    label_of: dict[str, str]
    features: list[list[float]] = field(default_factory=list)
    wrong: list[bool] = field(default_factory=list)
    folds: Counter[str] = field(default_factory=Counter)
    topics: dict[str, Counter[str]] = field(default_factory=dict)  # thread id -> its stories' topics
    index: Counter[str] = field(default_factory=Counter)  # "needed": a scan over all threads finds a link; "found"


def recording_linker(log: LinkLog) -> type[ThreadLinker]:
    """A ThreadLinker that logs into `log` (a class, as the stage constructs its own linker)."""

    class RecordingLinker(ThreadLinker):
        def _story_topics(self, story: StoryRow) -> Counter[str]:
            return Counter(log.label_of[a] for a in story_member_ids(self.store, story.story_id))

        def _best_thread(self, story: StoryRow, exclude: str | None) -> ThreadRow | None:
            chosen = super()._best_thread(story, exclude)
            every = {row[0] for row in self.store.query("SELECT thread_id FROM threads")}
            with patch.object(threads, "candidate_threads", lambda *_: every):
                scanned = super()._best_thread(story, exclude)
            if scanned is not None:
                log.index["needed"] += 1
                log.index["found"] += chosen is not None and chosen.thread_id == scanned.thread_id
            if chosen is not None:
                topics = +log.topics.get(chosen.thread_id, Counter())  # + drops the topics of stories gone
                mine = self._story_topics(story).most_common(1)[0][0]
                shared = set(key_names(story)) & set(chosen.names)
                small = min(len(key_names(story)), len(chosen.names)) or 1
                log.features.append(
                    [
                        link_score(story, chosen)[0],
                        dense_cos(story.vector_sum, chosen.vector_sum),
                        sparse_cos(story.terms, chosen.terms),
                        len(shared),
                        len(shared) / small,
                        chosen.size,
                        float(np.linalg.norm(chosen.vector_sum)) / max(chosen.size, 1),
                    ]
                )
                log.wrong.append(bool(topics) and topics.most_common(1)[0][0] != mine)
            return chosen

        def _attach(self, story: StoryRow, thread: ThreadRow | None) -> None:
            for topics in log.topics.values():  # a story re-placed leaves its old thread's count
                topics.subtract(self._story_topics(story))
            super()._attach(story, thread)
            log.topics.setdefault(story.thread_id or "", Counter()).update(self._story_topics(story))

        def _fold(self, keep: ThreadRow, gone: ThreadRow) -> None:
            kept, folded = log.topics.get(keep.thread_id, Counter()), log.topics.pop(gone.thread_id, Counter())
            if +kept and +folded:
                same = kept.most_common(1)[0][0] == folded.most_common(1)[0][0]
                log.folds["right" if same else "wrong"] += 1
            super()._fold(keep, gone)
            log.topics[keep.thread_id] = kept + folded

    return RecordingLinker


def best_net_cut(values: np.ndarray, wrong: np.ndarray) -> tuple[int, int, int]:
    """(net, wrong removed, right removed) of the best cut removing links below (or above) a value."""
    best = (0, 0, 0)
    for cut in np.unique(values):
        for removed in (values < cut, values > cut):
            bad, good = int((removed & wrong).sum()), int((removed & ~wrong).sum())
            best = max(best, (bad - good, bad, good))
    return best


def oracle_lines(runs: list[tuple[list[str], list[str]]]) -> list[str]:
    """Mean thread F1 over the samples `runs` (predicted threads, gold topics) as made and with each step of
    ORACLE_FIXES applied on top of the ones before."""
    fixed = [list(predicted) for predicted, _ in runs]

    def row(step: str) -> str:
        mean = np.mean([bcubed(p, gold)[2] for p, (_, gold) in zip(fixed, runs, strict=True)])
        return f"| {step} | {100 * mean:.1f} |"

    lines = ["", "| threads | B-cubed F1, mean of the samples |", "|---|---|", row("as made")]
    for step, topics in ORACLE_FIXES:
        for predicted, (_, gold) in zip(fixed, runs, strict=True):
            for i, topic in enumerate(gold):
                if topic in topics:
                    predicted[i] = f"oracle:{topic}"
        lines.append(row(f"+ {step}"))
    return lines


def main() -> None:
    corpus = load_corpus("wikiref")
    features: list[list[float]] = []
    wrong: list[bool] = []
    folds: Counter[str] = Counter()
    index: Counter[str] = Counter()
    runs: list[tuple[list[str], list[str]]] = []
    for seed in range(HOLDOUT_SAMPLES):
        sample = holdout_like(corpus, seed)
        part = corpus.subset(sample)
        log = LinkLog({a.id: label for a, label in zip(part.articles, part.labels, strict=True)})
        with patch.object(stage, "ThreadLinker", recording_linker(log)):
            runs.append((stage_clusters(part, list(range(len(sample))))[1], part.labels))
        features += log.features
        wrong += log.wrong
        folds += log.folds
        index += log.index
    matrix, bad = np.array(features), np.array(wrong)
    lines = [
        "# WikiRef thread links: are the wrong ones weaker?",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {HOLDOUT_SAMPLES} samples with the held-out part's topic "
        f"counts; {len(bad)} story-to-thread links, {int(bad.sum())} of them wrong (the story's topic is not the "
        f"thread's); thread folds: {folds['right']} right, {folds['wrong']} wrong.",
        "",
        f"Candidate index: of the {index['needed']} stories that a scan over every thread would link, the "
        f"index (index.STORED_TERMS terms, all names and LSH bands per thread) found the same thread for "
        f"{index['found']}.",
        "",
        "| feature | AUC as a wrong-link detector | best single cut: net (wrong removed, right removed) |",
        "|---|---|---|",
    ]
    for i, name in enumerate(FEATURES):
        auc = roc_auc_score(bad, matrix[:, i])
        net, removed_bad, removed_good = best_net_cut(matrix[:, i], bad)
        lines.append(f"| {name} | {max(auc, 1 - auc):.2f} | {net} ({removed_bad}, {removed_good}) |")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    splits = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    scores = cross_val_predict(model, matrix, bad, cv=splits, method="decision_function")
    lines += [
        "",
        f"Logistic model on all {len(FEATURES)} features, AUC out of fold ({FOLDS} folds): "
        f"{roc_auc_score(bad, scores):.2f}.",
        "",
        "What the mixes cost: the same runs' threads, with the documents of mixed topics given threads of their",
        "own by hand, step after step.",
        *oracle_lines(runs),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
