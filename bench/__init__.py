"""Benchmarks and evaluations: each module prints figures and writes bench/results/<name>.md.

Run one with `python -m bench.<name>`; none of them is part of the test suite.
"""

from pathlib import Path


def publish(lines: list[str], path: Path) -> None:
    """Print a bench's result lines and write them to its results file."""
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    print(text, end="")
    print(f"written to {path}")
