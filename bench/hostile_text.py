"""Hostile text: how the cost of the text steps grows with the size of adversarial articles.

Article text is untrusted. A step whose cost grows with the square of an article's length lets one
record stall `analyze` for hours. Ingest accepts records of up to 5 MB. Each case is a pattern repeated
n and 2n times: many dots that end nothing, quotes with no sentence end, dates, names, numbers. The
figures are the seconds each step takes and the ratio between the two sizes. A ratio near 2 is linear.
A ratio near 4 is quadratic, and a regression fails the eye here, not a unit test (no timings in tests).

Steps: sentence splitting, the stories stage's names and terms, date resolution (the timeline), and
the extract stage (spaCy parse, then entities, quotes, speakers and claims, timed apart).

Run: .venv/bin/python -m bench.hostile_text [--n 1000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from storytrace.extract.aliases import load_aliases
from storytrace.extract.article import extract_article
from storytrace.extract.nlp import load_nlp
from storytrace.model import Article
from storytrace.stories.features import name_keys, term_counts
from storytrace.stories.stage import article_timeline
from storytrace.text import sentences

RESULTS = Path(__file__).with_name("results") / "hostile_text.md"

CASES: dict[str, Callable[[int], str]] = {
    "dots that end nothing ('a. A')": lambda n: "a. A" * n,
    "initials ('Mr. A. B. C.')": lambda n: "Mr. A. B. C. " * n,
    "quotes, no sentence end ('\"A\" said B.')": lambda n: '"A" said B. ' * n,
    "quotes with pronouns ('He said, “x.”')": lambda n: "He said, “x.” " * n,
    "one-line paragraphs of quotes": lambda n: "\n\n".join(f"“Quote {i},” she said." for i in range(n)),
    "dates ('March 1')": lambda n: "March 1 " * n,
    "numbers and money": lambda n: "$1,000,000 and 50% of 3 people. " * n,
    "distinct names": lambda n: " ".join(f"Name{i} Surname{i} said." for i in range(n)),
}


def _seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def measure(text: str) -> dict[str, float]:
    """Seconds per step for one article text."""
    nlp, aliases = load_nlp(), load_aliases()
    article = Article(id="hostile", text=text, title=text[:200], published_at="2024-01-01")
    figures = {
        "sentences": _seconds(lambda: sentences(text)),
        "names + terms": _seconds(lambda: (name_keys(article), term_counts(article))),
        "timeline": _seconds(lambda: article_timeline(article)),
    }
    start = time.perf_counter()
    doc = nlp(text)
    figures["parse"] = time.perf_counter() - start
    figures["extract"] = _seconds(lambda: extract_article(article.id, doc, aliases, article.published_at))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="repetitions of each pattern (and twice that)")
    n = parser.parse_args().n
    load_nlp()
    steps = ("sentences", "names + terms", "timeline", "parse", "extract")
    lines = [
        "# Hostile text: cost against article size",
        "",
        f"Each pattern repeated {n:,} and {2 * n:,} times. Cells: seconds at {2 * n:,} (ratio to {n:,}; 2 is",
        "linear, 4 quadratic). Ratios of steps under 0.05 s are timer noise.",
        "",
        "| case | characters | " + " | ".join(steps) + " |",
        "|---|---|" + "---|" * len(steps),
    ]
    for name, make in CASES.items():
        small, large = measure(make(n)), measure(make(2 * n))
        cells = [f"{large[s]:.2f} ({large[s] / max(small[s], 1e-6):.1f}x)" for s in steps]
        lines.append(f"| {name} | {len(make(2 * n)):,} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
