"""The reuse stage end to end: seeds, demo gold, incremental runs, changed articles, clusters, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from old_schema import rewind_schema
from outlet_reports import planet_reports

from storytrace.model import Article
from storytrace.pipeline import analyze, export_rows
from storytrace.progress import SILENT
from storytrace.reuse import stage
from storytrace.reuse.stage import run_reuse
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles

pytestmark = pytest.mark.slow
DEMO = Path(__file__).resolve().parents[1] / "storytrace" / "demo"


def _relations(store: SQLiteStore) -> dict[frozenset[str], dict]:
    return {frozenset((r["a"], r["b"])): r for r in export_rows(store, "reuse")}


@pytest.fixture(scope="module")
def seed_store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    with open_store(tmp_path_factory.mktemp("seeds") / "store.db") as store:
        upsert_articles(store, [Article(id=p.stem, text=p.read_text()) for p in sorted(seeds_dir.glob("*.txt"))])
        # as `storytrace analyze` runs it: quotes from the extract stage are part of the rewrite evidence
        analyze(store, ["extract", "reuse"])
        yield store


def _seed(store: SQLiteStore, prefix: str) -> str:
    return next(row["id"] for row in store.query("SELECT id FROM articles") if row["id"].startswith(prefix))


def test_seed_versions_002_003(seed_store: SQLiteStore) -> None:
    a, b = _seed(seed_store, "002"), _seed(seed_store, "003")
    relation = _relations(seed_store)[frozenset((a, b))]
    assert relation["relation"] == "version"
    assert len(relation["passages"]) >= 8
    texts = {row["id"]: row["text"] for row in seed_store.query("SELECT id, text FROM articles")}
    first, second = texts[relation["a"]], texts[relation["b"]]
    reused = [(first[p["a_start"] : p["a_end"]], second[p["b_start"] : p["b_end"]]) for p in relation["passages"]]
    donbas = [x for x in reused if "two and a half years" in x[0] and "Donbas" in x[0]]
    assert donbas and "Donbas" in donbas[0][1] and {"Kiev", "Kyiv"} <= set(" ".join(donbas[0]).split())
    assert any('"irreversible path"' in x and '"irreversible path"' in y for x, y in reused)
    assert relation["direction"] == "unknown"  # the seeds carry no dates and no credit lines
    assert relation["cluster_id"]


def test_seed_rewrite_000_001_aligns_the_quote(seed_store: SQLiteStore) -> None:
    a, b = _seed(seed_store, "000"), _seed(seed_store, "001")
    relation = _relations(seed_store)[frozenset((a, b))]
    assert relation["relation"] == "rewrite"
    pairs = [(s["a_text"], s["b_text"]) for s in relation["sentences"]]
    assert any("hot stage" in x and "hot phase" in y for x, y in pairs)
    for s in relation["sentences"]:
        assert {"a_start", "a_end", "b_start", "b_end", "similarity"} <= set(s)


def test_seed_004_is_unrelated(seed_store: SQLiteStore) -> None:
    other = _seed(seed_store, "004")
    assert not [pair for pair in _relations(seed_store) if other in pair]
    assert len(_relations(seed_store)) == 2


def test_rerun_changes_nothing(seed_store: SQLiteStore) -> None:
    before = list(export_rows(seed_store, "reuse"))
    assert run_reuse(seed_store, SILENT) == {"articles": 0}
    assert list(export_rows(seed_store, "reuse")) == before


def test_export_rows_have_the_documented_fields(seed_store: SQLiteStore) -> None:
    for row in export_rows(seed_store, "reuse"):
        assert {"a", "b", "relation", "score", "direction", "passages", "sentences", "evidence"} <= set(row)
        for passage in row["passages"]:
            assert {"a_start", "a_end", "b_start", "b_end"} <= set(passage)
        assert {"jaccard", "a_aligned", "b_aligned", "n_sentences", "direction_reason"} <= set(row["evidence"])


def test_incremental_changed_article_and_stable_clusters(seeds_dir: Path, tmp_store: SQLiteStore) -> None:
    texts = {p.stem[:3]: p.read_text() for p in seeds_dir.glob("*.txt")}
    upsert_articles(tmp_store, [Article(id="v1", text=texts["002"], source="AFP")])
    assert run_reuse(tmp_store, SILENT)["articles"] == 1
    upsert_articles(tmp_store, [Article(id="v2", text=texts["002"], source="Herald")])
    run_reuse(tmp_store, SILENT)
    rel = _relations(tmp_store)[frozenset(("v1", "v2"))]
    assert rel["relation"] == "duplicate" and rel["direction"] == "a->b"
    cluster = rel["cluster_id"]
    trimmed = texts["002"][: len(texts["002"]) * 2 // 3]
    upsert_articles(tmp_store, [Article(id="v3", text=trimmed)])
    assert run_reuse(tmp_store, SILENT)["articles"] == 1  # only the new article is processed
    relations = _relations(tmp_store)
    assert relations[frozenset(("v1", "v3"))]["relation"] == "version"
    assert {r["cluster_id"] for r in relations.values()} == {cluster}
    upsert_articles(tmp_store, [Article(id="v2", text=texts["004"], source="Herald")])  # v2 changes text
    run_reuse(tmp_store, SILENT)
    relations = _relations(tmp_store)
    assert not [pair for pair in relations if "v2" in pair]
    assert relations[frozenset(("v1", "v3"))]["cluster_id"] == cluster


def test_small_batches_give_the_same_relations(
    seeds_dir: Path, tmp_store: SQLiteStore, seed_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storytrace.reuse.stage.BATCH", 2)
    articles = [Article(id=p.stem, text=p.read_text()) for p in sorted(seeds_dir.glob("*.txt"))]
    upsert_articles(tmp_store, [*articles, Article(id="zz-copy", text=articles[0].text)])
    analyze(tmp_store, ["extract", "reuse"])
    relations = _relations(tmp_store)
    assert relations[frozenset((articles[0].id, "zz-copy"))]["relation"] == "duplicate"
    expected = {pair: r["relation"] for pair, r in _relations(seed_store).items()}
    assert {pair: r["relation"] for pair, r in relations.items() if "zz-copy" not in pair} == expected


def test_prepared_texts_dropped_after_each_use_give_the_same_relations(
    seeds_dir: Path, tmp_store: SQLiteStore, seed_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aligner's prepared texts are held for a batch's pairs only to save time: remade for every
    pair (one held at a time), every relation and passage is the same."""
    monkeypatch.setattr("storytrace.reuse.stage.PREPARED_WORDS", 0)
    upsert_articles(tmp_store, [Article(id=p.stem, text=p.read_text()) for p in sorted(seeds_dir.glob("*.txt"))])
    analyze(tmp_store, ["extract", "reuse"])
    assert _relations(tmp_store) == _relations(seed_store)
    assert any(r["passages"] for r in _relations(seed_store).values())


def test_headline_pairs_skip_sentence_alignment(tmp_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """One-sentence articles can never be rewrites, so the cross-encoder never sees them; a copied
    headline is still a duplicate."""
    aligned: list[int] = []
    real = stage.align_sentences
    monkeypatch.setattr(stage, "align_sentences", lambda jobs: aligned.append(len(jobs)) or real(jobs))
    headlines = [
        "Miley Cyrus fan arrested after sneaking into dressing room",
        "Teen arrested for sneaking into Miley Cyrus' dressing room",
        "Fan arrested after breaking into Miley Cyrus dressing room",
    ]
    upsert_articles(
        tmp_store,
        [Article(id=f"h{i}", text=t) for i, t in enumerate(headlines)] + [Article(id="copy", text=headlines[0])],
    )
    run_reuse(tmp_store, SILENT)
    assert sum(aligned) == 0
    assert {frozenset((r["a"], r["b"])): r["relation"] for r in export_rows(tmp_store, "reuse")} == {
        frozenset(("h0", "copy")): "duplicate"
    }


def test_reworded_boilerplate_is_no_rewrite(tmp_store: SQLiteStore) -> None:
    """Eight unrelated reports of one outlet end in its standing note, in two wordings: the note is
    boilerplate (in MIN_ARTICLES or more of the outlet's articles), so its reworded sentences are no
    rewrite evidence. Counting them made every pair of reports with different wordings a rewrite."""
    upsert_articles(tmp_store, [replace(a, published_at=f"2024-0{i + 1}-10") for i, a in enumerate(planet_reports())])
    analyze(tmp_store, ["extract", "reuse"])
    assert _relations(tmp_store) == {}


def test_boilerplate_found_later_unlinks_the_articles_that_came_before(tmp_store: SQLiteStore) -> None:
    """Reports analysed one at a time, as a daily feed is: a line becomes boilerplate only with its
    fourth article, so the first three were linked by it; they are checked again then, and the relations
    end as when all eight are analysed together (none)."""
    report = {}
    for article in planet_reports():
        upsert_articles(tmp_store, [article])
        report[article.id] = analyze(tmp_store, ["extract", "reuse"])["reuse"]
    assert report["dp3"].get("rechecked") == 3  # the shared sentence reached its fourth article
    assert _relations(tmp_store) == {}


def test_many_versions_of_one_dispatch_stay_versions(tmp_store: SQLiteStore) -> None:
    """An agency's six updates of one developing story: their sentences recur in more than MIN_ARTICLES
    of its articles, but they are the articles' content, not boilerplate, so every pair stays a version,
    analysed one at a time or together."""
    dispatch = (
        "Dockworkers at the port of Harbourton walked out on Friday over pay, halting cargo traffic for the first "
        "time in a decade. The union said the strike would last until the port authority raised wages by eight "
        "percent. Ships queued outside the harbour as cranes stood idle and trucks were turned away at the gates. "
        "The port authority said it had offered four percent and called the walkout irresponsible. Talks are due "
        "to resume on Monday under a mediator appointed by the regional government."
    )
    for i in range(6):
        update = f"{dispatch} Update {i}: the mediator met both sides at hour {i} of the talks in the harbour office."
        upsert_articles(tmp_store, [Article(id=f"v{i}", text=update, source="MPA")])
        analyze(tmp_store, ["reuse"])
    relations = _relations(tmp_store)
    assert len(relations) == 15 and {r["relation"] for r in relations.values()} == {"version"}


def test_upgrade_checks_stored_rewrites_again(tmp_path: Path) -> None:
    """A store from before the rewrite evidence changed sends the articles of its rewrites, and only
    those, back to the reuse stage, which drops a rewrite the current evidence does not support."""
    path = tmp_path / "old.db"
    with open_store(path) as store:
        upsert_articles(store, planet_reports())
        analyze(store, ["extract", "reuse"])
        with store.transaction():
            store.execute(
                "INSERT INTO reuse_relations (a, b, relation, score, direction, passages, sentences, evidence) "
                "VALUES ('dp0', 'dp1', 'rewrite', 0.5, 'unknown', '[]', '[]', '{}')"
            )
            rewind_schema(store, "reuse", "no rewrite evidence")
    with open_store(path) as store:
        assert [a for page in store.pending_pages("reuse", 10) for a in page] == ["dp0", "dp1"]
        run_reuse(store, SILENT)
        assert _relations(store) == {}


@pytest.mark.skipif(not (DEMO / "gold.json").exists(), reason="demo corpus not available")
def test_demo_gold_relations(tmp_store: SQLiteStore) -> None:
    from storytrace.demo import corpus_paths
    from storytrace.ingest import IngestOptions, ingest_paths

    ingest_paths(tmp_store, corpus_paths(), options=IngestOptions())
    run_reuse(tmp_store, SILENT)
    found = {(r["a"], r["b"]): r for r in export_rows(tmp_store, "reuse")}
    gold = json.loads((DEMO / "gold.json").read_text())["reuse"]
    flip = {"a->b": "b->a", "b->a": "a->b", "unknown": "unknown"}
    for planted in gold:
        key = (planted["a"], planted["b"])
        row = found.get(key) or found.get(key[::-1])
        assert row is not None, f"missed {key}"
        assert row["relation"] == planted["relation"], key
        direction = row["direction"] if (row["a"], row["b"]) == key else flip[row["direction"]]
        assert direction == planted["direction"], key
    assert len(found) == len(gold)  # no pair outside the gold
