"""The `storytrace` command line: a thin layer over the library functions the API and Spark use too."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from storytrace.store import DEFAULT_DB, SQLiteStore, open_store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Who reported what, who copied whom, who said what, and where news sources disagree.",
)
console = Console(stderr=True)

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="STORYTRACE_DB", help="SQLite database file.", show_default=True),
]


class RichTask:
    def __init__(self, progress: RichProgress, task_id: int) -> None:
        self._progress, self._task_id = progress, task_id

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task_id, n)


class RichProgressReporter:
    """Progress bars on stderr; transient bars disappear once done, leaving a clean terminal."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[RichTask]:
        with RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not self.enabled,
            transient=True,
        ) as progress:
            yield RichTask(progress, progress.add_task(description, total=total))


def _progress(quiet: bool) -> RichProgressReporter:
    return RichProgressReporter(enabled=not quiet and console.is_terminal)


def _open(db: Path) -> SQLiteStore:
    """Open the store, turning a file that is not a storytrace database into a clear error (exit 2)."""
    try:
        return open_store(db)
    except sqlite3.DatabaseError as error:
        console.print(f"[red]error:[/] cannot open database {escape(str(db))}: {escape(str(error))}")
        raise typer.Exit(code=2) from error


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.", exists=True)],
    db: DbOption = Path(DEFAULT_DB),
    input_format: Annotated[
        str | None,
        typer.Option("--format", help="Force a reader: text, jsonl, csv, html, warc, rss (default: by extension)."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for records that carry none.")] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", "-c", help="CSV/JSONL field mapping FIELD=COLUMN, e.g. text=body, title=headline."),
    ] = None,
    max_record_bytes: Annotated[int, typer.Option(help="Reject records larger than this.")] = 5_000_000,
    quiet: QuietOption = False,
) -> None:
    """Read articles from files and folders into the store (idempotent; changed text becomes a new version)."""
    from storytrace.ingest import IngestOptions, ingest_paths

    mapping = dict(_parse_mapping(item) for item in column or [])
    try:
        options = IngestOptions(
            input_format=input_format, source=source, column_map=mapping, max_record_bytes=max_record_bytes
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    with _open(db) as store:
        report = ingest_paths(store, paths, options=options, progress=_progress(quiet))
    counts = report.counts
    console.print(
        f"[green]{counts.added} added[/], {counts.updated} updated (new version), "
        f"{counts.unchanged} unchanged, [red]{report.rejected} rejected[/]"
    )
    for rejection in report.rejections:
        console.print(Text.assemble(("rejected ", "red"), str(rejection)), highlight=False, soft_wrap=True)
    if report.rejected > len(report.rejections):
        console.print(f"... and {report.rejected - len(report.rejections)} more rejections not shown")
    if report.rejected:
        raise typer.Exit(code=2)


def _parse_mapping(item: str) -> tuple[str, str]:
    field, sep, column_name = item.partition("=")
    if not sep or not field or not column_name:
        raise typer.BadParameter(f"expected FIELD=COLUMN, got {item!r}")
    return field.strip(), column_name.strip()


@app.command()
def analyze(
    db: DbOption = Path(DEFAULT_DB),
    stage: Annotated[list[str] | None, typer.Option(help="Run only these stages (and what they need).")] = None,
    redo: Annotated[
        list[str] | None,
        typer.Option(
            help="Run this stage again over every article, not only the new ones: after an upgrade, to apply its "
            "new rules to what an older version made (extract, reuse or timeline)."
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Run every analysis stage on what is new since the last run."""
    from storytrace.pipeline import analysis_plan
    from storytrace.pipeline import analyze as run_analysis
    from storytrace.workers import configured_processes

    try:
        configured_processes()
        analysis_plan(stage, redo or ())
    except ValueError as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        raise typer.Exit(code=2) from error
    with _open(db) as store:
        reports = run_analysis(store, stage, progress=_progress(quiet), redo=redo or ())
    for name, report in reports.items():
        details = ", ".join(f"{k}={v}" for k, v in report.items())
        console.print(f"[bold]{name}[/]: {details}", highlight=False)


@app.command()
def export(
    what: Annotated[
        str,
        typer.Option(
            "--what",
            help=(
                "articles, reuse, stories, threads, timeline, thread_timeline, changes, quotes, entities, "
                "claims or mentions."
            ),
        ),
    ],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default: stdout).")] = None,
) -> None:
    """Write one record kind as JSON Lines (default, to stdout), CSV or Parquet."""
    from storytrace.exports import write_rows
    from storytrace.pipeline import export_rows

    with _open(db) as store:
        try:
            count = write_rows(export_rows(store, what), fmt, out)
        except ValueError as error:
            console.print(f"[red]error:[/] {error}")
            raise typer.Exit(code=2) from error
    if out is not None:
        console.print(f"wrote {count} {what} to {out}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words and "quoted phrases", all required (or FTS5 syntax with --fts).')],
    db: DbOption = Path(DEFAULT_DB),
    meaning: Annotated[
        bool, typer.Option("--meaning", help="Rank analysed articles by closeness of meaning instead of by words.")
    ] = False,
    fts: Annotated[bool, typer.Option("--fts", help="Read the query as FTS5 syntax (OR, NEAR, prefix*).")] = False,
    limit: Annotated[int, typer.Option(help="Articles to show, best first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per hit instead of a table.")] = False,
) -> None:
    """Find articles by words or by meaning, each with the story and thread it belongs to."""
    from storytrace.search import search_meaning, search_words
    from storytrace.store.search import unembedded_count

    if meaning and fts:
        console.print("[red]error:[/] --meaning and --fts cannot be combined: FTS5 syntax is for word search")
        raise typer.Exit(code=2)
    with _open(db) as store:
        try:
            hits = search_meaning(store, query, limit) if meaning else search_words(store, query, limit, raw=fts)
        except ValueError as error:
            console.print(f"[red]error:[/] {escape(str(error))}")
            raise typer.Exit(code=2) from error
        missing = unembedded_count(store) if meaning else 0
    if missing:
        console.print(f"note: {missing} articles are not analysed yet and were not searched; run storytrace analyze")
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    if not hits:
        console.print("no article matches")
        return
    out = Console(soft_wrap=True)
    for hit in hits:  # a block per hit, its ids whole, as the exports and the report give them
        head = Text(f"{hit.score:7.3g}  ", style="bold")
        head.append(hit.article_id, style="cyan")
        for detail in ((hit.published_at or "")[:10], hit.source):
            if detail:
                head.append("  " + detail)
        out.print(head)
        for line in (hit.title, hit.snippet):
            if line:
                out.print(Text("         " + " ".join(line.split())))
        out.print(Text(f"         story {hit.story_id or '-'}  thread {hit.thread_id or '-'}", style="dim"))


@app.command()
def stats(db: DbOption = Path(DEFAULT_DB), as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of what the store holds."""
    from storytrace.stats import store_stats

    with _open(db) as store:
        figures = store_stats(store)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    table = Table(title=f"storytrace: {db}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in figures.items():
        table.add_row(key, str(value))
    Console().print(table)


@app.command()
def demo(
    report: Annotated[Path, typer.Option("--report", help="Write the HTML report here.")] = Path(
        "storytrace-demo.html"
    ),
    db: Annotated[Path | None, typer.Option("--db", help="Store to use (default: a temporary one).")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the temporary store and print where it is.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Ingest the bundled demo corpus, analyse it, print a summary and write an HTML report (offline)."""
    import shutil
    import tempfile

    from storytrace.demo import load_gold
    from storytrace.demo.run import run_demo
    from storytrace.demo.score import score_demo
    from storytrace.demo.summary import print_gold_scores, print_summary
    from storytrace.report import render_report

    workdir = Path(tempfile.mkdtemp(prefix="storytrace-demo-")) if db is None else None
    path = db or Path(str(workdir)) / "demo.db"
    try:
        with _open(path) as store:
            run = run_demo(store, progress=_progress(quiet))
            print_summary(Console(), store, run)
            print_gold_scores(Console(), score_demo(store, load_gold()))
            report.write_text(render_report(store, title="storytrace demo"), encoding="utf-8")
    finally:
        if workdir is not None and not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    console.print(f"report written to {report}", markup=False, highlight=False, soft_wrap=True)
    if db is not None or keep:
        console.print(f"store: {path}", markup=False, highlight=False, soft_wrap=True)
    if run.ingest.rejected:
        raise typer.Exit(code=2)


@app.command()
def report(
    db: DbOption = Path(DEFAULT_DB),
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("storytrace-report.html"),
    limit: Annotated[int, typer.Option(help="Rows shown per section.", min=1)] = 200,
) -> None:
    """Write a self-contained HTML report (no scripts, no network) of what the store holds."""
    from storytrace.report import render_report

    if not db.exists():
        console.print(f"error: no store at {db}", style="red", markup=False, highlight=False)
        raise typer.Exit(code=2)
    with _open(db) as store:
        out.write_text(render_report(store, limit=limit), encoding="utf-8")
    console.print(f"report written to {out}", markup=False, highlight=False)


if __name__ == "__main__":
    app()
