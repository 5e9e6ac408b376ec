"""The ingest run: stream every input's articles into the store in batched transactions.

Each batch of `batch_size` articles is one transaction (`upsert_articles`), so a crash loses at
most the batch in flight, and re-running resumes: committed articles come back "unchanged".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storytrace.ingest.controls import clean_article
from storytrace.ingest.dispatch import iter_input_files, read_path
from storytrace.ingest.ids import legacy_ids
from storytrace.ingest.types import IngestOptions, Rejection
from storytrace.model import Article
from storytrace.progress import SILENT, Progress
from storytrace.store import SQLiteStore
from storytrace.store.articles import UpsertCounts, upsert_articles

MAX_KEPT_REJECTIONS = 10_000  # beyond this only the count grows, so memory stays bounded


@dataclass(slots=True)
class IngestReport:
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    rejections: list[Rejection] = field(default_factory=list)
    rejected: int = 0  # every rejection, including those past MAX_KEPT_REJECTIONS
    files: int = 0

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_KEPT_REJECTIONS:
            self.rejections.append(rejection)

    def add(self, counts: UpsertCounts) -> None:
        self.counts.added += counts.added
        self.counts.updated += counts.updated
        self.counts.unchanged += counts.unchanged


def ingest_paths(
    store: SQLiteStore,
    paths: Iterable[Path],
    *,
    options: IngestOptions | None = None,
    progress: Progress = SILENT,
) -> IngestReport:
    """Read every file under `paths` into `store`; bad records are reported, never fatal.

    The store's own files are skipped, so ingesting a folder that holds the database is safe.
    """
    options = options or IngestOptions()
    paths = list(paths)
    report = IngestReport()
    batch: list[Article] = []
    own_files = {Path(f"{store.path}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}
    inputs = [p for p in iter_input_files(paths) if p.resolve() not in own_files]
    with progress.task("ingest (files)", total=len(inputs)) as task:
        for path in inputs:
            for item in read_path(path, options):
                if isinstance(item, Rejection):
                    report.reject(item)
                    continue
                batch.append(clean_article(item))
                if len(batch) >= options.batch_size:
                    report.add(upsert_articles(store, batch, legacy_ids))
                    batch = []
            report.files += 1
            task.advance()
        if batch:
            report.add(upsert_articles(store, batch, legacy_ids))
    return report
