"""The demo's terminal summary prints hostile text literally (Rich markup in data must not be parsed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from storytrace.demo.run import DemoRun
from storytrace.demo.score import Figure
from storytrace.demo.summary import print_gold_scores, print_summary
from storytrace.ingest import IngestReport, Rejection
from storytrace.model import Article
from storytrace.pipeline import REGISTRY, load_stages
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles

MARKUP = "[/][bold red]boom[/bold red]"


def test_summary_prints_markup_in_data_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_stages()
    rows: dict[str, list[dict[str, Any]]] = {
        "reuse": [{"a": "x", "b": "y", "relation": MARKUP, "score": 0.5, "direction": "a->b"}],
        "stories": [{"story_id": "s", "title": MARKUP, "articles": ["x", "y"], "thread_id": MARKUP}],
        "threads": [{"thread_id": "t", "title": MARKUP, "stories": ["s", "s2"]}],
        "quotes": [{"article": "x", "text": MARKUP, "speaker": MARKUP}],
        "claims": [
            {"article": "x", "text": "1", "value": 1.0, "unit": "u", "subject": MARKUP},
            {"article": "y", "text": "2", "value": 2.0, "unit": "u", "subject": MARKUP},
        ],
        "entities": [{"name": MARKUP, "type": MARKUP, "aliases": [MARKUP]}],
        "widgets": [{"k": MARKUP}],
    }
    exporters = {name: (lambda _store, r=r: iter(r)) for name, r in rows.items()}
    monkeypatch.setattr(REGISTRY, "exporters", {"articles": REGISTRY.exporters["articles"], **exporters})
    monkeypatch.setattr(REGISTRY, "tops", {})
    console = Console(record=True, width=200)
    report = IngestReport()
    report.reject(Rejection("bad.txt", None, MARKUP))
    with open_store(tmp_path / "s.db") as store:
        upsert_articles(store, [Article(id="x", text="t", source=MARKUP), Article(id="y", text="u")])
        print_summary(console, store, DemoRun(ingest=report, stages={MARKUP: {"n": MARKUP}}))
    print_gold_scores(console, {"reuse": [Figure("pairs recall", 1, 2), Figure("none", 0, 0)]})
    text = console.export_text()
    assert text.count("boom[/bold red]") >= 10  # every section printed the data as text
    assert "x → y" in text and "pairs recall 1/2 (50%)" in text
