"""The demo's terminal summary: what was ingested, then a few lines per analysis the store holds.

It reads the same exporter rows as the HTML report (storytrace.report.render), so the terminal and
the page always agree; this module only decides what fits on a screen.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from storytrace.demo.run import DemoRun
from storytrace.demo.score import Figure
from storytrace.pipeline import load_stages
from storytrace.report.render import (
    Row,
    disagreeing_claims,
    exporter_names,
    fits,
    quotes_by_speaker,
    section_rows,
)
from storytrace.store import SQLiteStore
from storytrace.store.overview import articles_per_source

TOP = 8
_QUOTE_SAMPLE = 500  # quotes read to rank speakers by how often they are quoted
_GENERIC_ROWS = 3  # rows of a kind the summary knows nothing about: a taste, the report has them all


def print_gold_scores(console: Console, scores: dict[str, list[Figure]]) -> None:
    """How the installed stages did against the corpus's gold labels."""
    if not scores:
        return
    table = Table("analysis", "against gold.json", title="Against the gold labels", title_justify="left")
    for name, figures in scores.items():
        table.add_row(name, ", ".join(f"{f}" + ("" if math.isnan(f.ratio) else f" ({f.ratio:.0%})") for f in figures))
    console.print(table)


def print_summary(console: Console, store: SQLiteStore, run: DemoRun, top: int = TOP) -> None:
    counts = run.ingest.counts
    console.print(
        f"[bold]Ingested[/] {counts.added} new, {counts.updated} updated, {counts.unchanged} unchanged "
        f"articles from {run.ingest.files} files; {run.ingest.rejected} rejected."
    )
    for rejection in run.ingest.rejections:
        console.print(Text.assemble(("rejected ", "red"), str(rejection)))
    for name, report in run.stages.items():
        details = ", ".join(f"{k}={v}" for k, v in report.items())
        console.print(f"[bold]{escape(name)}[/]: {escape(details)}", highlight=False)
    if not run.stages:
        console.print("No analysis stages are installed yet: the report shows the articles only.")

    outlets = Table(title="Articles per outlet", title_justify="left")
    outlets.add_column("outlet")
    outlets.add_column("articles", justify="right")
    for source, count in articles_per_source(store):
        outlets.add_row(Text(source or "(no outlet)"), str(count))
    console.print(outlets)

    # The terminal shows the readable sections; raw record kinds (mentions, timeline events) are in
    # the HTML report and `storytrace export`.
    for name in exporter_names():
        printer = _PRINTERS.get(name)
        if printer is None:
            continue
        rows = section_rows(store, name, _QUOTE_SAMPLE if name == "quotes" else top)
        console.rule(f"[bold]{name}")
        if not rows:
            console.print("nothing yet")
        elif fits(name, rows):
            printer(console, store, rows, top)
        else:
            _generic(console, rows)


def _reuse(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    table = Table("link (→ copied into, — direction unknown)", "relation", "score")
    for row in rows:
        a, b, direction = str(row["a"]), str(row["b"]), row.get("direction")
        link = f"{b} → {a}" if direction == "b->a" else f"{a} → {b}" if direction == "a->b" else f"{a} — {b}"
        score = row.get("score")
        table.add_row(Text(link), Text(str(row["relation"])), f"{score:.2f}" if isinstance(score, int | float) else "")
    console.print(table)


def _stories(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    for row in rows:
        articles = [str(a) for a in row["articles"]]
        thread = f" [dim](thread {escape(str(row['thread_id']))})[/]" if row.get("thread_id") else ""
        title = escape(str(row.get("title") or row.get("story_id")))
        console.print(f"[bold]{title}[/]{thread}", highlight=False)
        shown = ", ".join(articles[:top]) + (f" and {len(articles) - top} more" if len(articles) > top else "")
        console.print(f"  {len(articles)} articles: {shown}", highlight=False, markup=False)


def _threads(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    linked = [r for r in rows if len(r["stories"] or []) > 1]
    if not linked:
        console.print("no thread links two stories yet")
    for row in linked:
        title = escape(str(row.get("title") or row["thread_id"]))
        console.print(f"[bold]{title}[/]: {len(row['stories'])} stories", highlight=False)


def _quotes(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    for speaker, quotes in quotes_by_speaker(rows)[:top]:
        sample = " ".join(str(quotes[0]["text"]).split())
        sample = sample if len(sample) <= 90 else sample[:89] + "…"
        console.print(f"[bold]{escape(speaker)}[/] ({len(quotes)}): {escape(sample)}", highlight=False)


def _claims(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    groups = disagreeing_claims(partial(load_stages().exporters["claims"], store), top)
    if not groups:
        console.print("no subject with differing values")
    for group in groups:
        by_value: dict[float, list[str]] = defaultdict(list)
        for claim in group.claims:
            by_value[float(claim["value"])].append(str(claim["article"]))
        values = "; ".join(f"{value:g} in {', '.join(ids)}" for value, ids in sorted(by_value.items()))
        console.print(f"[bold]{escape(group.label)}[/]: {escape(values)}", highlight=False)


def _entities(console: Console, store: SQLiteStore, rows: list[Row], top: int) -> None:
    for row in rows:
        aliases = ", ".join(str(a) for a in row.get("aliases") or [])
        also = f" — also {aliases}" if aliases else ""
        name, kind = escape(str(row["name"])), escape(str(row.get("type") or ""))
        console.print(f"[bold]{name}[/] [dim]{kind}[/]{escape(also)}", highlight=False)


def _generic(console: Console, rows: list[Row]) -> None:
    for row in rows[:_GENERIC_ROWS]:
        console.print(", ".join(f"{k}={v}" for k, v in row.items())[:200], markup=False, highlight=False)


_PRINTERS = {
    "reuse": _reuse,
    "stories": _stories,
    "threads": _threads,
    "quotes": _quotes,
    "claims": _claims,
    "entities": _entities,
}
