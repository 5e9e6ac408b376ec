"""The demo corpus parses into the articles its gold labels name, and `storytrace demo` runs end to end."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.demo import corpus_paths, load_gold
from storytrace.ingest import ingest_paths
from storytrace.model import Article
from storytrace.store import open_store
from storytrace.store.articles import iter_articles


@pytest.fixture(scope="module")
def gold() -> dict:
    return load_gold()


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Article]:
    with open_store(tmp_path_factory.mktemp("demo") / "demo.db") as store:
        report = ingest_paths(store, corpus_paths())
        assert report.rejected == 0, [str(r) for r in report.rejections]
        return {a.id: a for a in iter_articles(store)}


def test_every_article_is_in_exactly_one_gold_story(gold: dict, articles: dict[str, Article]) -> None:
    placed = Counter(a for story in gold["stories"] for a in story)
    assert set(placed) == set(articles)
    assert set(placed.values()) == {1}
    assert all(0 <= i < len(gold["stories"]) for thread in gold["threads"] for i in thread)


def test_articles_have_dates_outlets_titles_and_news_length(gold: dict, articles: dict[str, Article]) -> None:
    undated = {a.id for a in articles.values() if not a.published_at}
    assert undated == set(gold["undated"]) and len(undated) <= 1
    assert all(a.source and a.title for a in articles.values())
    assert 5 <= len({a.source for a in articles.values()}) <= 6
    assert all(150 <= len(a.text.split()) <= 450 for a in articles.values())
    origins = [a.origin or "" for a in articles.values()]
    assert any(o.endswith(".txt") for o in origins) and any(".jsonl" in o for o in origins)  # both readers


def test_gold_quotes_and_claims_occur_in_their_articles(gold: dict, articles: dict[str, Article]) -> None:
    for item in gold["quotes"] + gold["claims"]:
        assert item["text"] in articles[item["article"]].text, item
    for group in gold["disagreements"]:
        assert len({c["value"] for c in group["claims"]}) > 1, group["subject"]
        for claim in group["claims"]:
            assert claim["text"] in articles[claim["article"]].text


def test_gold_reuse_pairs_and_planted_phenomena_are_real(gold: dict, articles: dict[str, Article]) -> None:
    relations = {(r["a"], r["b"]): r["relation"] for r in gold["reuse"]}
    assert set(relations.values()) == {"duplicate", "version", "partial", "rewrite"}
    assert all(a in articles and b in articles for a, b in relations)
    wire, copy = articles["mpa_port_strike_wire"], articles["pulse_port_strike_copy"]
    assert wire.content_hash == copy.content_hash  # the verbatim republication
    updated = articles["northgate_port_strike_updated"].text
    assert "Kiev" in wire.text and "Kyiv" in updated and "Kiev" not in updated
    assert "Dmitri Volkov" in wire.text and "Dmitry Volkov" in updated
    for phenomenon in gold["phenomena"]:
        assert all(a in articles for a in phenomenon["articles"]), phenomenon["what"]
    names = {alias for e in gold["entities"] for alias in [e["name"], *e["aliases"]]}
    assert {"Aleksandra Nowicka", "Alexandra Nowicka", "Kiev", "Kyiv"} <= names


@pytest.mark.slow
def test_demo_command_writes_an_escaped_report_and_is_idempotent(tmp_path: Path, articles: dict[str, Article]) -> None:
    report = tmp_path / "demo.html"
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--report", str(report), "--keep", "--quiet"])
    assert first.exit_code == 0, first.output
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()
    for article in articles.values():
        assert escape(article.title or "") in html
    assert "Articles per outlet" in first.output and "19 new" in first.output
    kept = Path(re.search(r"^store: (.+)$", first.output, re.MULTILINE)[1])
    try:
        again = runner.invoke(app, ["demo", "--report", str(report), "--db", str(kept), "--quiet"])
        assert again.exit_code == 0, again.output
        assert "0 new, 0 updated, 19 unchanged" in again.output
    finally:
        shutil.rmtree(kept.parent)
