"""What every reader yields and takes: an Article or a Rejection, driven by IngestOptions.

Readers never raise on bad input: a problem with one record becomes a Rejection naming the file and
the place in it, so one broken line never costs the rest of the file or the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from storytrace.model import Article

FORMATS = ("text", "jsonl", "csv", "html", "warc", "rss")
MAPPABLE_FIELDS = frozenset(f.name for f in fields(Article)) - {"version", "content_hash", "origin"}


@dataclass(slots=True, frozen=True)
class Rejection:
    """One input that was not ingested: where it is (`location` like "line 12") and why."""

    path: str
    location: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.location}" if self.location else self.path
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class IngestOptions:
    """How to read the inputs. `column_map` maps an Article field to the input's column/key name."""

    input_format: str | None = None
    source: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    max_record_bytes: int = 5_000_000
    batch_size: int = 500

    def __post_init__(self) -> None:
        if self.input_format is not None and self.input_format not in FORMATS:
            raise ValueError(f"unknown format {self.input_format!r}; choose one of {', '.join(FORMATS)}")
        unknown = set(self.column_map) - MAPPABLE_FIELDS
        if unknown:
            raise ValueError(
                f"unknown field(s) in column mapping: {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(MAPPABLE_FIELDS))}"
            )
        if self.max_record_bytes < 1 or self.batch_size < 1:
            raise ValueError("max_record_bytes and batch_size must be positive")


Item = Article | Rejection
Reader = Callable[[Path, IngestOptions], Iterator[Item]]


def too_large(size: int, options: IngestOptions) -> str:
    """The one wording of the size rejection, so every reader reports it alike."""
    return f"record too large ({size:,} bytes > limit {options.max_record_bytes:,})"
