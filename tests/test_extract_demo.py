"""Quality floor of extraction on the bundled demo corpus, scored against its gold labels.

Measured (extract stage alone): quotes found 84/84, speaker right 84/84, claims with the right value
62/62, entities found 43/43, spelling variants merged 4/4. The floors sit at those figures.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from storytrace.demo import corpus_paths, load_gold
from storytrace.demo.score import _aliases, _texts, score_claims, score_entities, score_quotes
from storytrace.extract.stage import TASK
from storytrace.ingest import IngestOptions, ingest_paths
from storytrace.pipeline import analyze, export_rows
from storytrace.store import open_store
from storytrace.store.articles import iter_articles, upsert_articles

pytestmark = pytest.mark.slow


def test_demo_extraction_quality_floor(tmp_path: Path) -> None:
    gold = load_gold()
    with open_store(tmp_path / "demo.db") as store:
        ingest_paths(store, corpus_paths(), options=IngestOptions())
        analyze(store, ["extract"])
        quotes = score_quotes(
            export_rows(store, "quotes"), gold["quotes"], _texts(store, gold["quotes"]), _aliases(gold)
        )
        claims = score_claims(export_rows(store, "claims"), gold["claims"], _texts(store, gold["claims"]))
        corpus = "\n".join(a.text for a in iter_articles(store))
        entities = score_entities(export_rows(store, "entities"), gold["entities"], corpus)
    figures = {
        f"{kind} {f.name}": f.hits
        for kind, fs in [("quotes", quotes), ("claims", claims), ("entities", entities)]
        for f in fs
    }
    assert figures["quotes found"] >= 84, figures
    assert figures["quotes speaker right"] >= 84, figures
    assert figures["claims found with the right value"] >= 62, figures
    assert figures["entities found"] >= 43, figures
    assert figures["entities variants merged"] >= 4, figures


def test_rows_extracted_in_worker_processes_are_those_extracted_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers parse and extract tasks of `TASK` articles each and hand back rows; the stage writes them
    in the articles' order, so the store holds what one process would have written."""
    with open_store(tmp_path / "demo.db") as store:
        ingest_paths(store, corpus_paths(), options=IngestOptions())
        demo = list(iter_articles(store))
    articles = [replace(a, id=f"{a.id}-{copy}") for copy in range(2) for a in demo]
    assert len(articles) > 2 * TASK
    tables = []
    for processes in ("1", "2"):
        monkeypatch.setenv("STORYTRACE_NLP_PROCESSES", processes)
        with open_store(tmp_path / f"x{processes}.db") as store:
            upsert_articles(store, articles)
            analyze(store, ["extract"])
            kinds = ("quotes", "claims", "mentions")
            tables.append({kind: sorted(map(str, export_rows(store, kind))) for kind in kinds})
    assert tables[0] == tables[1] and all(tables[0].values())
