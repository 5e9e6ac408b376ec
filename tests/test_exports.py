"""Export writers and the exporter registry."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from storytrace.exports import write_rows
from storytrace.model import Article
from storytrace.pipeline import export_rows, ordered_stages
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles

ROWS = [{"a": "x", "n": 1, "items": [1, 2]}, {"a": 'y, "quoted"', "n": 2, "items": []}]


def test_jsonl_round_trip(tmp_path):
    out = tmp_path / "rows.jsonl"
    assert write_rows(iter(ROWS), "jsonl", out) == 2
    assert [json.loads(line) for line in out.read_text().splitlines()] == ROWS


def test_csv_keeps_nested_values_as_json(tmp_path):
    out = tmp_path / "rows.csv"
    write_rows(iter(ROWS), "csv", out)
    rows = list(csv.DictReader(out.open()))
    assert rows[1]["a"] == 'y, "quoted"' and json.loads(rows[0]["items"]) == [1, 2]


def test_csv_cells_a_spreadsheet_would_run_are_marked_as_text(tmp_path):
    hostile = [{"id": '=HYPERLINK("http://x.example")', "title": "@SUM(A1)", "n": -3, "text": "-2+3", "ok": "a=b"}]
    out = tmp_path / "rows.csv"
    write_rows(iter(hostile), "csv", out)
    (row,) = csv.DictReader(out.open())
    marked = {"id": '\'=HYPERLINK("http://x.example")', "title": "'@SUM(A1)", "text": "'-2+3"}
    assert row == {**marked, "n": "-3", "ok": "a=b"}  # a number is no formula
    jsonl = tmp_path / "rows.jsonl"
    write_rows(iter(hostile), "jsonl", jsonl)
    assert json.loads(jsonl.read_text()) == hostile[0]


def test_parquet_streams_in_batches(tmp_path):
    from storytrace.exports import _write_parquet

    out = tmp_path / "rows.parquet"
    rows = [{"id": str(i), "v": i} for i in range(25)]
    assert _write_parquet(iter(rows), out, batch_size=10) == 25
    assert pq.read_table(out).to_pylist() == rows


def test_parquet_needs_a_file():
    with pytest.raises(ValueError, match="--out"):
        write_rows(iter(ROWS), "parquet", None)


def test_unknown_format_and_kind_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        write_rows(iter(ROWS), "xml", None)
    store = open_store(tmp_path / "a.db")
    with pytest.raises(ValueError, match="available"):
        list(export_rows(store, "nonsense"))


def test_articles_exporter(tmp_path):
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id="a", text="body", title="Head", source="Outlet")])
    [row] = list(export_rows(store, "articles"))
    assert row["id"] == "a" and row["title"] == "Head" and row["source"] == "Outlet" and row["version"] == 1


def test_stage_order_respects_dependencies():
    stages = ordered_stages()
    names = [s.name for s in stages]
    for position, item in enumerate(stages):
        for dependency in item.after:
            if dependency in names:
                assert names.index(dependency) < position
