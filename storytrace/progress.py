"""Progress reporting that the library can call without depending on a terminal.

Library functions take a `Progress`; the CLI passes a Rich-backed one, tests and the API the
silent default. This keeps Rich out of the pipeline and lets every stage report the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    def task(self, description: str, total: int | None = None) -> Iterator[Task]: ...


class _SilentTask:
    def advance(self, n: int = 1) -> None:
        return None


class SilentProgress:
    """Reports nothing; the default for library callers."""

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        yield _SilentTask()


SILENT = SilentProgress()
