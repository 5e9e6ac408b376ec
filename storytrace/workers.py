"""Worker processes for the per-article stages: how many, and a batch mapped over them.

Parsing (extract) and date reading (timeline) work on one article at a time and share nothing, so each
spreads over the machine's cores once a run is large enough to pay for starting the workers.
$STORYTRACE_NLP_PROCESSES sets the count for both.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

PROCESSES_ENV = "STORYTRACE_NLP_PROCESSES"
MAX_AUTO_PROCESSES = 4  # measured on 2 cores only; beyond a few workers the main process is the bottleneck
MIN_PARALLEL = 100  # fewer pending articles are read in-process: starting spaCy workers takes seconds

Item = TypeVar("Item")
Result = TypeVar("Result")


def configured_processes() -> int | None:
    """The process count $STORYTRACE_NLP_PROCESSES asks for (None when unset); ValueError when it is not
    a count, which the CLI reports before any stage runs."""
    value = os.environ.get(PROCESSES_ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"${PROCESSES_ENV} must be a whole number of processes (1 or more), not {value!r}")
    return int(value)


def process_count(pending: int) -> int:
    """Worker processes for a run of `pending` articles: $STORYTRACE_NLP_PROCESSES when set, else one per
    usable core (at most MAX_AUTO_PROCESSES) from MIN_PARALLEL articles on. On 2 cores, 300 PolNeAR
    articles: extraction 326 -> 584-640 articles/min with two workers, the same rows written
    (bench/results/extract.md)."""
    if configured := configured_processes():
        return configured
    if pending < MIN_PARALLEL:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_PROCESSES))


@contextmanager
def mapped(fn: Callable[[Item], Result], processes: int) -> Iterator[Callable[[Sequence[Item]], Iterator[Result]]]:
    """A function giving `fn` of each item of a batch, in order, as they come: in this process when
    `processes` is 1, else over that many worker processes, kept for the whole `with` block (the caller
    writes the first results while the workers compute the rest). `fn` must be a module-level function of
    picklable items. Workers are forked where the platform can (no imports to repeat: a spawned worker
    takes about a second to start); they only run `fn`, never touching the store."""
    if processes <= 1:
        yield lambda items: map(fn, items)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method)) as pool:
        yield lambda items: pool.map(fn, items, chunksize=max(1, len(items) // (4 * processes)))
