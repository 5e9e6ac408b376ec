"""Stories and threads as a user gets them: files through ingest, `analyze` and export, on a fresh store each.

Run: .venv/bin/python -m bench.stories_cli_samples   (writes bench/results/stories_cli_samples.md)
Other files of the same formats (the held-out parts): .venv/bin/python -m bench.stories_cli_samples
--wikiref FILE.jsonl [--uci FILE.csv] [--out FILE.md] runs each file as given and in 3 shuffled orders.

bench/stories_quality.py scores the clusterer and the `stories` stage on the developer files, with cached
document vectors, and approximates the `analyze` path by running the extract and reuse stages once over
the whole developer part. A held-out file is met differently: someone writes it out, runs `storytrace
ingest`, `storytrace analyze` and `storytrace export --what stories`, and compares the ids. This bench
does exactly that, in process, with the functions those commands call (`ingest_paths`, `analyze`,
`export_rows`), on a fresh store per file, so every stage (embedding, extract, reuse, stories) sees only
that file:

- WikiRef: the 12 held-out-shaped samples of stories_quality.py (`holdout_like`: the held-out part's
  exact topic counts, 67 documents), written as JSON Lines records as the developer file holds them,
  shuffled and in label order (the developer file is sorted by label); scored at the thread level.
- UCI: the 12 draws of 26 whole gold stories (`uci_draws`), written as CSV with the developer file's
  columns, timestamps cut to the day and rows shuffled (the leak rule of the issue), read with
  `--column text=TITLE` as the README says; scored at the story level.

Each developer row sits beside the `stories` stage alone on the same samples (cached vectors, names as
capitalised words, no reuse links), the figure stories_quality.py reports for them.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench import publish
from bench.stories_quality import (
    DEV_FILES,
    HOLDOUT_SAMPLES,
    SHUFFLES,
    Corpus,
    corpus_files,
    holdout_like,
    load_corpus,
    shuffled_orders,
    stage_clusters,
    uci_draws,
)
from storytrace.ingest import IngestOptions, ingest_paths
from storytrace.pipeline import analyze, export_rows
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.stories.metrics import bcubed

RESULTS = Path(__file__).parent / "results" / "stories_cli_samples.md"
DAY_MS = 86_400_000
Figures = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Format:
    """How one corpus is written to a file, read back by `storytrace ingest`, labelled and scored."""

    name: str
    suffix: str
    column_map: dict[str, str]
    label: str  # the gold column
    level: int  # 0: scored by story (UCI events), 1: by thread (WikiRef topics)

    @property
    def level_name(self) -> str:
        return ("stories", "threads")[self.level]

    def read(self, path: Path) -> list[dict[str, Any]]:
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle)) if self.suffix == ".csv" else [json.loads(line) for line in handle]

    def write(self, records: Sequence[dict[str, Any]], path: Path) -> Path:
        """The records as the developer file holds them; a UCI timestamp is cut to the start of its UTC day."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            if self.suffix != ".csv":
                handle.writelines(json.dumps(r) + "\n" for r in records)
                return path
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            for record in records:
                stamp = int(record["TIMESTAMP"])
                writer.writerow({**record, "TIMESTAMP": str(stamp - stamp % DAY_MS)})
        return path

    def record_id(self, record: dict[str, Any]) -> str:
        return str(record["ID" if self.suffix == ".csv" else "id"])


FORMATS = {
    "wikiref": Format("wikiref", ".jsonl", {}, "label", level=1),
    "uci": Format("uci", ".csv", {"text": "TITLE"}, "STORY", level=0),
}


def cli_clusters(path: Path, column_map: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Story and thread id per article id, as `ingest`, `analyze` and `export --what stories` give them
    for one file on a fresh store (a story without a thread counts as its own thread)."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "cli.db") as store:
        report = ingest_paths(store, [path], options=IngestOptions(column_map=column_map))
        if report.rejected:
            raise ValueError(f"{path}: {report.rejected} records rejected: {report.rejections[:3]}")
        analyze(store, None, SILENT)
        rows = list(export_rows(store, "stories"))
    story = {a: r["story_id"] for r in rows for a in r["articles"]}
    thread = {a: r["thread_id"] or r["story_id"] for r in rows for a in r["articles"]}
    return story, thread


def run_files(form: Format, runs: Sequence[Sequence[dict[str, Any]]]) -> tuple[list[Figures], float]:
    """B-cubed of each run of records through the CLI path at the format's level, and the seconds taken."""
    figures = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for number, records in enumerate(runs):
            path = form.write(records, Path(folder) / f"run{number}{form.suffix}")
            clusters = cli_clusters(path, form.column_map)[form.level]
            ids = [form.record_id(r) for r in records]
            if missing := [i for i in ids if i not in clusters]:
                raise ValueError(f"{len(missing)} articles missing from the export, e.g. {missing[:3]}")
            figures.append(bcubed([clusters[i] for i in ids], [str(r[form.label]) for r in records]))
            print(f"{form.name} run {number}: F1 {100 * figures[-1][2]:.1f}", flush=True)
    return figures, time.perf_counter() - started


def summary(label: str, figures: Sequence[Figures], seconds: float | None = None) -> str:
    p, r, f = (100 * np.mean([x[k] for x in figures]) for k in range(3))
    worst, best = (100 * g([x[2] for x in figures]) for g in (min, max))
    timing = f"{seconds / len(figures):.0f}" if seconds is not None else ""
    return f"| {label} | {p:.1f} | {r:.1f} | {f:.1f} | {worst:.1f}–{best:.1f} | {timing} |"


def stage_figures(corpus: Corpus, samples: Sequence[Sequence[int]], level: int) -> list[Figures]:
    """The `stories` stage alone on the same samples, in the same order (stories_quality.py's figure)."""
    parts = [corpus.subset(s) for s in samples]
    return [bcubed(stage_clusters(part, list(range(len(part.articles))))[level], part.labels) for part in parts]


def developer_rows() -> list[str]:
    """The held-out-shaped samples of the developer files, through the CLI path and the stage alone."""
    lines = []
    corpora = {name: load_corpus(name) for name in FORMATS}
    wikiref = corpora["wikiref"]
    shuffled = [holdout_like(wikiref, seed) for seed in range(HOLDOUT_SAMPLES)]
    by_label = [wikiref.in_label_order(s) for s in shuffled]
    plans = [
        ("wikiref", "67 documents, shuffled", shuffled),
        ("wikiref", "67 documents, in label order", by_label),
        ("uci", "26 whole stories, shuffled, day dates", uci_draws(corpora["uci"])),
    ]
    for name, shape, samples in plans:
        form = FORMATS[name]
        corpus = corpora[name]
        records = form.read(DEV_FILES[name])
        if [form.record_id(r) for r in records] != [a.id for a in corpus.articles]:
            raise ValueError(f"{DEV_FILES[name]}: records and the loaded corpus disagree")
        level = form.level_name
        figures, seconds = run_files(form, [[records[i] for i in s] for s in samples])
        lines.append(summary(f"{name} {level}, {shape}, CLI path", figures, seconds))
        lines.append(
            summary(f"{name} {level}, same samples, `stories` stage alone", stage_figures(corpus, samples, form.level))
        )
    return lines


def file_rows(name: str, path: Path) -> list[str]:
    """One file of a corpus's format, as given and in the SHUFFLES orders, through the CLI path."""
    form = FORMATS[name]
    records = form.read(path)
    orders = [list(range(len(records))), *shuffled_orders(len(records))]
    figures, seconds = run_files(form, [[records[i] for i in order] for order in orders])
    level = form.level_name
    return [
        summary(f"{name} {level}, {path.name} as given, CLI path", figures[:1], seconds / len(orders)),
        summary(
            f"{name} {level}, {path.name} in {len(SHUFFLES)} shuffled orders, CLI path",
            figures[1:],
            seconds * len(SHUFFLES) / len(orders),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    files, out = corpus_files(argv, __doc__.splitlines()[0])
    lines = [
        "# Stories and threads through ingest, `analyze` and export",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Each sample or order is written to a file and run on a "
        "fresh store as `storytrace ingest`, `storytrace analyze` and `storytrace export --what stories` run it "
        "(every stage sees that file alone). B-cubed, %; UCI by story, WikiRef by thread; the range is over the "
        "samples or orders; seconds per file include embedding and every stage.",
        "",
        "| corpus, level, files, path | P | R | F1 | F1 range | s |",
        "|---|---|---|---|---|---|",
    ]
    lines += [row for name, path in files.items() for row in file_rows(name, path)] if files else developer_rows()
    out = out or (None if files else RESULTS)
    if out is None:
        print("\n".join(lines))
    else:
        publish(lines, out)


if __name__ == "__main__":
    main()
