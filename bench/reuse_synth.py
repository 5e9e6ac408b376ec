"""Planted-reuse benchmark over real article text: pair precision/recall/F1 per relation, passage overlap F1.

Base articles are PolNeAR news texts (source and date from the file name). Planted on top:
- duplicate: a base re-published with re-wrapped whitespace;
- version: trimmed (last paragraphs and one middle paragraph dropped), updated (one or two new
  paragraphs inserted, numbers changed) or respelled (-ize -> -ise, defense -> defence, Kyiv ->
  Kiev, one word in fifty dropped);
- partial: one to three paragraphs of a base inserted into another (unused) article;
- rewrite: an article of MSRP sentence1s and one of the paired sentence2s (paraphrase pairs with
  little verbatim overlap, bigram Jaccard < 0.5), two sentences dropped.
Every derived article is published a day after its source, so direction can be checked.

Scoring: a predicted link counts when it touches a planted article; links between two articles of
one planted family (siblings, e.g. a duplicate and a trim of one base) and links explained by reuse
already present among the base texts are neither right nor wrong. Passage F1 is the character
overlap of predicted and planted passages on both sides of the correctly found verbatim pairs.

Run: .venv/bin/python -m bench.reuse_synth [--bases 300] [--each 40]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from storytrace.model import Article
from storytrace.pipeline import export_rows
from storytrace.progress import SILENT
from storytrace.reuse.stage import run_reuse
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POLNEAR = SHARED / "polnear" / "train" / "text"
MSRP = SHARED / "msrp" / "msr_paraphrase_train.txt"
RESULTS = Path(__file__).with_name("results") / "reuse_synth.md"
KINDS = ("duplicate", "version", "partial", "rewrite")
Span = tuple[int, int, int, int]


@dataclass(slots=True)
class Planted:
    a: str
    b: str
    relation: str
    passages: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Corpus:
    articles: list[Article]
    planted: list[Planted]
    family: dict[str, set[str]]  # article -> the base ids its text comes from


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(p.split()) >= 8]


def _assemble(pieces: list[tuple[str, tuple[int, int] | None]]) -> tuple[str, list[Span]]:
    """Join paragraphs; `origin` is the (start, end) of a paragraph copied from the source text."""
    text, spans = "", []
    for piece, origin in pieces:
        if text:
            text += "\n\n"
        if origin is not None:
            spans.append((origin[0], origin[1], len(text), len(text) + len(piece)))
        text += piece
    return text, spans


def _source_paragraphs(text: str) -> list[tuple[str, tuple[int, int]]]:
    found, cursor = [], 0
    for paragraph in _paragraphs(text):
        start = text.index(paragraph, cursor)
        found.append((paragraph, (start, start + len(paragraph))))
        cursor = start + len(paragraph)
    return found


_RESPELL = [
    (r"\b(\w{3,})ize\b", r"\1ise"),
    (r"\b(\w{3,})izes\b", r"\1ises"),
    (r"\bdefense\b", "defence"),
    (r"\bKyiv\b", "Kiev"),
    (r"\bZelenskyy\b", "Zelensky"),
]


def _respell(paragraph: str, rng: random.Random) -> str:
    for pattern, replacement in _RESPELL:
        paragraph = re.sub(pattern, replacement, paragraph)
    words = paragraph.split(" ")
    return " ".join(w for w in words if rng.random() > 0.02 or w == words[0])


def _msrp_rewrite_pairs(rng: random.Random) -> list[tuple[str, str]]:
    pairs = []
    for line in MSRP.read_text(encoding="utf-8-sig").splitlines()[1:]:
        quality, _, _, first, second = line.split("\t")
        a, b = first.lower().split(), second.lower().split()
        bigrams_a, bigrams_b = set(itertools.pairwise(a)), set(itertools.pairwise(b))
        if quality == "1" and len(bigrams_a & bigrams_b) < 0.5 * len(bigrams_a | bigrams_b):
            pairs.append((first, second))
    rng.shuffle(pairs)
    return pairs


def build(n_bases: int = 300, n_each: int = 40, seed: int = 0) -> Corpus:
    """Base articles plus `n_each` planted pairs of every relation kind (duplicates get n_each // 2)."""
    rng = random.Random(seed)
    files = sorted(POLNEAR.glob("*.txt"))
    rng.shuffle(files)
    usable = [f for f in files if len(_paragraphs(f.read_text())) >= 6]
    bases, spare = usable[:n_bases], usable[n_bases:]
    articles, planted, family = [], [], {}
    texts = {}
    for path in bases:
        publisher, day, _ = path.stem.split("_", 2)
        texts[path.stem] = path.read_text()
        articles.append(Article(id=path.stem, text=texts[path.stem], source=publisher, published_at=day))
        family[path.stem] = {path.stem}

    def derive(kind: str, parent: str, text: str, spans: list[Span], other_family: set[str] = frozenset()) -> None:
        child = f"synth-{kind}-{len(planted):04d}"
        day = date.fromisoformat(next(a.published_at for a in articles if a.id == parent)) + timedelta(days=1)
        articles.append(Article(id=child, text=text, source="synthetic", published_at=day.isoformat()))
        planted.append(Planted(parent, child, "version" if kind.startswith("version") else kind, spans))
        family[child] = family[parent] | set(other_family)

    picks = rng.sample(list(texts), min(len(texts), n_each * 3))
    for parent in picks[: n_each // 2]:
        source = texts[parent]
        derive("duplicate", parent, "  " + source.replace("\n", " \n"), [])
        planted[-1].passages = [(0, len(source), 0, len(planted and articles[-1].text))]
    fillers = [p for f in spare[:200] for p in _paragraphs(f.read_text())]
    for n, parent in enumerate(picks[n_each // 2 : n_each // 2 + n_each]):
        paragraphs = _source_paragraphs(texts[parent])
        if n % 3 == 0:  # trimmed
            keep = paragraphs[: max(4, len(paragraphs) * 2 // 3)]
            del keep[rng.randrange(1, len(keep) - 1)]
            text, spans = _assemble([(p, o) for p, o in keep])
        elif n % 3 == 1:  # updated
            pieces: list[tuple[str, tuple[int, int] | None]] = [(p, o) for p, o in paragraphs]
            for _ in range(rng.choice((1, 2))):
                pieces.insert(rng.randrange(0, len(pieces) + 1), (rng.choice(fillers), None))
            text, spans = _assemble(pieces)
        else:  # respelled
            text, _ = _assemble([(_respell(p, rng), None) for p, _ in paragraphs])
            spans = []
        derive("version", parent, text, spans)
    hosts = iter(spare[200:])
    for parent in picks[n_each // 2 + n_each : n_each // 2 + 2 * n_each]:
        paragraphs = [x for x in _source_paragraphs(texts[parent]) if len(x[0].split()) >= 25] or _source_paragraphs(
            texts[parent]
        )
        start = rng.randrange(0, max(1, len(paragraphs) - 2))
        reused = paragraphs[start : start + rng.choice((1, 2, 3))]
        host = _paragraphs(next(hosts).read_text())
        at = rng.randrange(1, max(2, len(host)))
        text, spans = _assemble([(p, None) for p in host[:at]] + reused + [(p, None) for p in host[at:]])
        derive("partial", parent, text, spans)
    pairs = _msrp_rewrite_pairs(rng)
    for n in range(n_each):
        chunk = pairs[n * 12 : (n + 1) * 12]
        original_id = f"msrp-{n:03d}"
        original = "\n\n".join(" ".join(s for s, _ in chunk[i : i + 3]) for i in range(0, 12, 3))
        articles.append(Article(id=original_id, text=original, source="msrp", published_at="2016-01-01"))
        family[original_id] = {original_id}
        texts[original_id] = original
        kept = [p for i, p in enumerate(chunk) if i not in rng.sample(range(12), 2)]
        rewritten = "\n\n".join(" ".join(s for _, s in kept[i : i + 3]) for i in range(0, len(kept), 3))
        derive("rewrite", original_id, rewritten, [])
    return Corpus(articles, planted, family)


def _char_f1(predicted: list[dict], planted: list[Span]) -> tuple[int, int, int]:
    """(overlap, predicted chars, planted chars) summed over both sides."""
    overlap = total_p = total_g = 0
    for side in ("a", "b"):
        index = 0 if side == "a" else 2
        got = set().union(*(range(p[f"{side}_start"], p[f"{side}_end"]) for p in predicted)) if predicted else set()
        want = set().union(*(range(s[index], s[index + 1]) for s in planted)) if planted else set()
        overlap, total_p, total_g = overlap + len(got & want), total_p + len(got), total_g + len(want)
    return overlap, total_p, total_g


def evaluate(store: SQLiteStore, corpus: Corpus, background: set[frozenset[str]]) -> dict:
    """Per-relation pair P/R/F1, passage character F1, direction accuracy."""
    gold = {frozenset((p.a, p.b)): p for p in corpus.planted}
    base_links = defaultdict(set)
    for pair in background:
        x, y = tuple(pair)
        base_links[x].add(y)
        base_links[y].add(x)
    counts = {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS}
    found: dict[frozenset[str], dict] = {}
    overlap = total_p = total_g = 0
    directions = [0, 0]
    for row in export_rows(store, "reuse"):
        pair = frozenset((row["a"], row["b"]))
        if pair in gold:
            found[pair] = row
            continue
        fam_a, fam_b = corpus.family[row["a"]], corpus.family[row["b"]]
        explained = fam_a & fam_b or any(base_links[x] & fam_b for x in fam_a)
        if not explained and not pair <= set(base_links):
            counts[row["relation"]]["fp"] += 1
    for pair, planted in gold.items():
        row = found.get(pair)
        if row is None:
            counts[planted.relation]["fn"] += 1
            continue
        if row["relation"] == planted.relation:
            counts[planted.relation]["tp"] += 1
        else:
            counts[planted.relation]["fn"] += 1
            counts[row["relation"]]["fp"] += 1
        flipped = row["a"] != planted.a
        passages = [
            {"a_start": p["b_start"], "a_end": p["b_end"], "b_start": p["a_start"], "b_end": p["a_end"]}
            if flipped
            else p
            for p in row["passages"]
        ]
        if planted.passages:
            o, p_, g = _char_f1(passages, planted.passages)
            overlap, total_p, total_g = overlap + o, total_p + p_, total_g + g
        want = "b->a" if flipped else "a->b"
        directions[0] += row["direction"] == want
        directions[1] += 1
    scores = {}
    for kind, c in counts.items():
        precision = c["tp"] / max(c["tp"] + c["fp"], 1)
        recall = c["tp"] / max(c["tp"] + c["fn"], 1)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[kind] = {"precision": precision, "recall": recall, "f1": f1, **c}
    precision, recall = overlap / max(total_p, 1), overlap / max(total_g, 1)
    scores["passages"] = {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
    }
    scores["direction_accuracy"] = directions[0] / max(directions[1], 1)
    return scores


def run(n_bases: int, n_each: int, path: Path) -> tuple[dict, dict]:
    corpus = build(n_bases, n_each)
    planted_ids = {p.b for p in corpus.planted} | {a.id for a in corpus.articles if a.id.startswith("msrp-")}
    with open_store(path) as store:
        started = time.perf_counter()
        upsert_articles(store, [a for a in corpus.articles if a.id not in planted_ids])
        run_reuse(store, SILENT)
        background = {frozenset((r["a"], r["b"])) for r in export_rows(store, "reuse")}
        upsert_articles(store, [a for a in corpus.articles if a.id in planted_ids])
        run_reuse(store, SILENT)  # incremental: planted articles are matched against the stored bases
        seconds = time.perf_counter() - started
        scores = evaluate(store, corpus, background)
    info = {"articles": len(corpus.articles), "planted": len(corpus.planted), "background": len(background)}
    info["seconds"] = seconds
    return scores, info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bases", type=int, default=300)
    parser.add_argument("--each", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scores, info = run(args.bases, args.each, Path(tmp) / "synth.db")
    lines = [
        "# reuse_synth: planted reuse over PolNeAR texts and MSRP paraphrases",
        "",
        f"{info['articles']} articles ({args.bases} PolNeAR bases), {info['planted']} planted pairs; "
        f"{info['background']} links found among the unmodified bases (real reuse, not scored); "
        f"stage run time {info['seconds']:.0f} s on this machine (2 cores, MiniLM on CPU).",
        "",
        "| relation | precision | recall | F1 | TP | FP | FN |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        s = scores[kind]
        lines.append(
            f"| {kind} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} "
            f"| {s['tp']} | {s['fp']} | {s['fn']} |"
        )
    p = scores["passages"]
    lines += [
        "",
        f"Passage character overlap (found verbatim pairs): precision {100 * p['precision']:.1f}, "
        f"recall {100 * p['recall']:.1f}, F1 {100 * p['f1']:.1f}.",
        f"Direction accuracy on found planted pairs (derived copy dated a day later): "
        f"{100 * scores['direction_accuracy']:.1f} %.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
