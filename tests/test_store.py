"""The embedded store: schema migrations, atomic batches, versions, stage bookkeeping."""

from __future__ import annotations

import sqlite3

import pytest

from storytrace.model import Article
from storytrace.store import open_store
from storytrace.store.articles import article_versions, get_article, get_articles, upsert_articles
from storytrace.store.core import SQLiteStore, _split_statements, register_migrations


def test_wal_mode_and_schema_versions(tmp_path):
    store = open_store(tmp_path / "a.db")
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.schema_version("articles") >= 1
    assert store.schema_version("core") >= 1


def test_reopening_does_not_rerun_migrations(tmp_path):
    path = tmp_path / "a.db"
    with open_store(path) as store:
        upsert_articles(store, [Article(id="x", text="some text")])
    with open_store(path) as store:
        assert get_article(store, "x").text == "some text"


def test_new_migration_upgrades_an_old_database(tmp_path):
    path = tmp_path / "a.db"
    open_store(path).close()
    register_migrations("zz_test_component", ["CREATE TABLE zz_test (x INTEGER)", "ALTER TABLE zz_test ADD y TEXT"])
    try:
        with open_store(path) as store:
            assert store.schema_version("zz_test_component") == 2
            store.execute("INSERT INTO zz_test (x, y) VALUES (1, 'a')")
    finally:
        from storytrace.store import core

        core._MIGRATIONS.pop("zz_test_component")


def test_transaction_rolls_back_on_error(tmp_path):
    store = open_store(tmp_path / "a.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        raise RuntimeError("boom")
    assert store.get_meta("k") is None


def test_upsert_is_idempotent_and_keeps_versions(tmp_path):
    store = open_store(tmp_path / "a.db")
    first = upsert_articles(store, [Article(id="a", text="Hello world.", title="T")])
    again = upsert_articles(store, [Article(id="a", text="Hello   world.", title="T")])
    changed = upsert_articles(store, [Article(id="a", text="Hello world, updated.", title="T")])
    assert (first.added, again.unchanged, changed.updated) == (1, 1, 1)
    current = get_article(store, "a")
    assert current.version == 2 and current.text == "Hello world, updated."
    old = article_versions(store, "a")
    assert [a.version for a in old] == [1] and old[0].text == "Hello world."


def test_fts_index_follows_updates(tmp_path):
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id="a", text="The harbour strike continues.")])
    upsert_articles(store, [Article(id="a", text="The flood recedes.")])
    match = "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert store.query(match, ["harbour"])[0][0] == 0
    assert store.query(match, ["flood"])[0][0] == 1


def _pending(store, stage="demo", size=2):
    return [i for page in store.pending_pages(stage, size) for i in page]


def test_pending_tracks_new_and_changed_articles(tmp_path):
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id="a", text="one"), Article(id="b", text="two")])
    assert _pending(store) == ["a", "b"]
    assert store.pending_count("demo") == 2
    with store.transaction():
        store.mark_done("demo", [(a.id, a.content_hash) for a in get_articles(store, _pending(store))])
    assert _pending(store) == []
    upsert_articles(store, [Article(id="b", text="two, changed")])
    assert _pending(store) == ["b"]


def test_pending_pages_are_bounded_and_never_repeat(tmp_path):
    """Keyset paging: pages of the asked size, each article once, even when no page is marked done."""
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id=f"a{i}", text=f"text {i}") for i in range(7)])
    pages = list(store.pending_pages("demo", 3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == [f"a{i}" for i in range(7)]


def test_get_articles_keeps_requested_order(tmp_path):
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id=str(i), text=f"text {i}") for i in range(5)])
    assert [a.id for a in get_articles(store, ["3", "missing", "1"])] == ["3", "1"]


def test_hostile_ids_are_data_not_sql(tmp_path):
    store = open_store(tmp_path / "a.db")
    hostile = "x'); DROP TABLE articles; --"
    upsert_articles(store, [Article(id=hostile, text="text")])
    assert get_article(store, hostile).id == hostile


def test_readonly_store_refuses_writes(tmp_path):
    path = tmp_path / "a.db"
    open_store(path).close()
    reader = SQLiteStore(path, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")


def test_trigger_bodies_stay_whole():
    script = "CREATE TABLE t (x); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END; SELECT 3"
    assert len(_split_statements(script)) == 3


def test_select_in_chunks_long_lists_and_binds_every_value(tmp_path):
    store = open_store(tmp_path / "a.db")
    upsert_articles(store, [Article(id=f"id{i}", text=f"text {i}", source="s" if i % 2 else "t") for i in range(1200)])
    wanted = [f"id{i}" for i in range(0, 1200, 3)] + ["x' OR '1'='1"]
    rows = list(
        store.select_in(
            "SELECT id FROM articles WHERE source = ? AND (id IN ({marks}) OR title IN ({marks}))",
            wanted,
            before=["s"],
            chunk_size=100,
        )
    )
    assert sorted(r["id"] for r in rows) == sorted(f"id{i}" for i in range(0, 1200, 3) if i % 2)
