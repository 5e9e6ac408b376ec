"""One demo run: ingest the bundled corpus through the ordinary ingest path, then every stage.

The demo uses exactly what a user's data would go through (`ingest_paths`, `pipeline.analyze`), so
it shows the real behaviour of whatever stages are installed, zero or more, and nothing demo-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storytrace.demo import corpus_paths
from storytrace.ingest import IngestOptions, IngestReport, ingest_paths
from storytrace.pipeline import analyze
from storytrace.progress import SILENT, Progress
from storytrace.store import SQLiteStore


@dataclass(slots=True)
class DemoRun:
    ingest: IngestReport
    stages: dict[str, dict[str, Any]]


def run_demo(store: SQLiteStore, progress: Progress = SILENT) -> DemoRun:
    """Ingest the corpus into `store` (idempotent) and run every registered analysis stage."""
    report = ingest_paths(store, corpus_paths(), options=IngestOptions(), progress=progress)
    return DemoRun(ingest=report, stages=analyze(store, progress=progress))
