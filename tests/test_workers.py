"""Worker processes of the per-article stages: how many a run gets, and a batch mapped over them in order."""

from __future__ import annotations

import pytest

from storytrace import workers
from storytrace.workers import mapped


def test_worker_processes_follow_the_run_size_and_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workers.PROCESSES_ENV, raising=False)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _: set(range(16)), raising=False)
    assert workers.process_count(workers.MIN_PARALLEL - 1) == 1  # a small run is parsed in-process
    assert workers.process_count(workers.MIN_PARALLEL) == workers.MAX_AUTO_PROCESSES
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert workers.process_count(10_000) == 1
    monkeypatch.setenv(workers.PROCESSES_ENV, "3")
    assert workers.process_count(5) == 3
    for bad in ("two", "0", "-1"):
        monkeypatch.setenv(workers.PROCESSES_ENV, bad)
        with pytest.raises(ValueError, match=workers.PROCESSES_ENV):
            workers.process_count(500)


def test_a_batch_mapped_over_workers_keeps_its_order() -> None:
    for processes in (1, 2):
        with mapped(str.upper, processes) as upper:
            assert list(upper(["b", "a", "c"] * 20)) == ["B", "A", "C"] * 20
            assert list(upper([])) == []
