"""The analysis pipeline: named stages run in dependency order, each doing only new work.

A stage is registered with `@stage(name, after=...)` in its package's `stage` module (for example
`storytrace/reuse/stage.py`); `load_stages` discovers those modules, so adding a stage never edits
this file. Exporters (`storytrace export --what X`) register the same way with `@exporter(X)`, and an
exporter whose rows are costly to build may add `@top_rows(X)`: the few rows a summary shows, read
without building the rest.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import storytrace
from storytrace.progress import SILENT, Progress
from storytrace.store import SQLiteStore

StageFn = Callable[[SQLiteStore, Progress], dict[str, Any]]
ExportFn = Callable[[SQLiteStore], Iterator[dict[str, Any]]]
TopFn = Callable[[SQLiteStore, int], Iterator[dict[str, Any]]]


@dataclass(slots=True)
class Stage:
    name: str
    run: StageFn
    after: tuple[str, ...] = ()
    doc: str = ""
    redo: bool = False  # `analyze --redo` may run it again over every article (see `stage`)


@dataclass(slots=True)
class Registry:
    stages: dict[str, Stage] = field(default_factory=dict)
    exporters: dict[str, ExportFn] = field(default_factory=dict)
    tops: dict[str, TopFn] = field(default_factory=dict)


REGISTRY = Registry()


def stage(name: str, after: tuple[str, ...] = (), redo: bool = False) -> Callable[[StageFn], StageFn]:
    """Register an analysis stage. It must be incremental: re-running on unchanged data is a no-op.

    `redo`: the stage replaces what it made of an article whenever it takes it again, so running it once
    more over every article gives what a fresh store would; `analyze --redo` then applies an upgrade's
    rules to what an older version made. A stage whose results hang on the order articles came in (the
    stories, whose ids must stay) is not redone."""

    def register(fn: StageFn) -> StageFn:
        REGISTRY.stages[name] = Stage(name, fn, after, (fn.__doc__ or "").strip(), redo)
        return fn

    return register


def exporter(what: str) -> Callable[[ExportFn], ExportFn]:
    """Register the JSON-able rows of `storytrace export --what <what>`. An exporter registered in place of
    another drops the other's top rows (`top_rows`), which would no longer be its rows."""

    def register(fn: ExportFn) -> ExportFn:
        REGISTRY.exporters[what] = fn
        REGISTRY.tops.pop(what, None)
        return fn

    return register


def top_rows(what: str) -> Callable[[TopFn], TopFn]:
    """Register `fn(store, limit)`: the `limit` rows of exporter `what` that rank highest by the report's
    rank for it, best first, ties in export order; the same rows, built alike, as ranking the exporter's
    whole stream would keep (tests compare the two). Ranking that stream builds every row: a timeline's
    events for every story of a store, to show 200."""

    def register(fn: TopFn) -> TopFn:
        REGISTRY.tops[what] = fn
        return fn

    return register


def load_stages() -> Registry:
    """Import every `storytrace.<package>.stage` module so its stages and exporters register."""
    importlib.import_module("storytrace.exports")
    for module in pkgutil.iter_modules(storytrace.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"storytrace.{module.name}.stage")
            except ModuleNotFoundError as error:
                if error.name != f"storytrace.{module.name}.stage":
                    raise
    return REGISTRY


def ordered_stages(names: list[str] | None = None) -> list[Stage]:
    """Stages in dependency order (a stage runs after those it names in `after`)."""
    registry = load_stages()
    wanted = set(names) if names else set(registry.stages)
    unknown = wanted - set(registry.stages)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}; known: {', '.join(registry.stages)}")
    ordered: list[Stage] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in (s.name for s in ordered):
            return
        if name in visiting:
            raise ValueError(f"stage dependency cycle through {name!r}")
        visiting.add(name)
        for dependency in registry.stages[name].after:
            if dependency in registry.stages:
                visit(dependency)
        visiting.discard(name)
        ordered.append(registry.stages[name])

    for name in sorted(wanted):
        visit(name)
    return ordered


def analyze(
    store: SQLiteStore, stages: list[str] | None = None, progress: Progress = SILENT, redo: Sequence[str] = ()
) -> dict[str, Any]:
    """Run every (or the named) analysis stage, in order; returns each stage's report. The `redo` stages
    first take every article again (`requeue_all`), and run though `stages` does not name them."""
    ordered = analysis_plan(stages, redo)
    if redo:
        with store.transaction():
            for name in redo:
                store.requeue_all(name)
    return {s.name: s.run(store, progress) for s in ordered}


def analysis_plan(stages: list[str] | None = None, redo: Sequence[str] = ()) -> list[Stage]:
    """The stages `analyze` runs, in order; a ValueError names a stage that is unknown or cannot be redone."""
    ordered = ordered_stages(None if stages is None else [*stages, *redo])
    registry = load_stages()
    refused = sorted(name for name in set(redo) if name not in registry.stages or not registry.stages[name].redo)
    if refused:
        known = ", ".join(name for name, s in registry.stages.items() if s.redo)
        raise ValueError(f"cannot redo {', '.join(refused)}: only {known} can run again over every article")
    return ordered


def export_rows(store: SQLiteStore, what: str) -> Iterator[dict[str, Any]]:
    registry = load_stages()
    if what not in registry.exporters:
        raise ValueError(f"nothing to export as {what!r}; available: {', '.join(sorted(registry.exporters))}")
    return registry.exporters[what](store)
