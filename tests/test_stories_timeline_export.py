"""Timeline exports: events in time order with the sentence stating them, one event per thing that
happened however many articles state it, per story and per thread, and the upgrade of older stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from old_schema import rewind_schema

from storytrace.model import Article
from storytrace.progress import SILENT
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles
from storytrace.stories.stage import export_thread_timeline, export_timeline, run_timeline


def _story(store: SQLiteStore, story_id: str, thread_id: str, members: list[Article], first_seq: int) -> None:
    """A stored story with these members, as the stories stage would leave it."""
    with store.transaction():
        for seq, article in enumerate(members, start=first_seq):
            store.execute(
                "INSERT INTO story_members (article_id, story_id, content_hash, seq, score) VALUES (?, ?, ?, ?, ?)",
                (article.id, story_id, article.content_hash, seq, 1.0),
            )
        store.execute(
            "INSERT INTO stories (story_id, seq, title, size, last_seq, vector_sum, terms, names, sources, thread_id) "
            "VALUES (?, ?, ?, ?, ?, x'', '{}', '{}', '[]', ?)",
            (story_id, first_seq, story_id, len(members), first_seq + len(members), thread_id),
        )
        store.execute(
            "INSERT OR IGNORE INTO threads (thread_id, seq, title, size, vector_sum, names) "
            "VALUES (?, 1, ?, 0, x'', '{}')",
            (thread_id, thread_id),
        )


def test_timeline_export_orders_dated_events(tmp_path: Path) -> None:
    articles = [
        Article(id="x1", text="Ministers met on Thursday. The plan dates from 2008.", published_at="2024-11-08"),
        Article(id="x2", text="Talks resumed yesterday after a pause in April.", published_at="2024-11-09"),
    ]
    with open_store(tmp_path / "t.db") as store:
        upsert_articles(store, articles)
        run_timeline(store, SILENT)
        assert run_timeline(store, SILENT)["articles"] == 0
        _story(store, "s_1", "t_1", articles, 1)
        (row,) = list(export_timeline(store))
        assert [e["when"] for e in row["events"]] == [
            "2008",
            "2024-04",
            "2024-11-07",
            "2024-11-08",
            "2024-11-08",
            "2024-11-09",
        ]
        plan = row["events"][0]
        assert (plan["text"], plan["context"], plan["articles"]) == ("from 2008", "The plan dates from 2008.", ["x1"])


WIRE = (
    "HARBOURTON (MPA) — Dockworkers walked out on Monday. The last major strike at Harbourton, in 2019, lasted "
    "six days and delayed cargo for {city}."
)


def test_the_same_dated_sentence_in_several_articles_is_one_event(tmp_path: Path) -> None:
    """Wire copies state "in 2019" in the same sentence (one spells Kiev, one Kyiv): one event listing
    both; a copy that changed the figure in the sentence states a different event."""
    articles = [
        Article(id="wire", text=WIRE.format(city="Kiev"), published_at="2026-11-16", title="Dockworkers walk out"),
        Article(id="copy", text=WIRE.format(city="Kyiv"), published_at="2026-11-16", title="Dockworkers walk out"),
        Article(id="edit", text=WIRE.format(city="Kyiv").replace("six", "seven"), published_at="2026-11-17"),
    ]
    with open_store(tmp_path / "t.db") as store:
        upsert_articles(store, articles)
        run_timeline(store, SILENT)
        _story(store, "s_1", "t_1", articles, 1)
        (row,) = list(export_timeline(store))
    in_2019 = [e for e in row["events"] if e["text"] == "in 2019"]
    assert [e["articles"] for e in in_2019] == [["wire", "copy"], ["edit"]]
    assert (
        in_2019[0]["context"]
        == "The last major strike at Harbourton, in 2019, lasted six days and delayed cargo for Kiev."
    )
    published = [e for e in row["events"] if e["kind"] == "published"]
    assert [(e["when"], e["articles"]) for e in published] == [
        ("2026-11-16", ["wire", "copy"]),
        ("2026-11-17", ["edit"]),
    ]


def test_thread_timeline_joins_its_stories_in_time_order(tmp_path: Path) -> None:
    older = Article(id="bucharest", text="Allies met in Bucharest in April 2022.", published_at="2022-11-30")
    newer = Article(id="brussels", text="The summit opened on Thursday.", published_at="2024-10-18")
    other = Article(id="flood", text="The river rose in 2011.", published_at="2026-11-17")
    with open_store(tmp_path / "t.db") as store:
        upsert_articles(store, [older, newer, other])
        run_timeline(store, SILENT)
        _story(store, "s_2024", "t_nato", [newer], 1)
        _story(store, "s_2022", "t_nato", [older], 2)
        _story(store, "s_flood", "t_flood", [other], 3)
        rows = {r["thread_id"]: r for r in export_thread_timeline(store)}
    nato = rows["t_nato"]
    assert [(e["when"], e["stories"]) for e in nato["events"]] == [
        ("2022-04", ["s_2022"]),
        ("2022-11-30", ["s_2022"]),
        ("2024-10-17", ["s_2024"]),
        ("2024-10-18", ["s_2024"]),
    ]
    assert [e["articles"] for e in rows["t_flood"]["events"]] == [["flood"], ["flood"]]


def test_a_range_is_one_event_with_its_end(tmp_path: Path) -> None:
    article = Article(id="x1", text="Talks ran March 19-26. They resumed on Friday.", published_at="2024-03-30")
    with open_store(tmp_path / "t.db") as store:
        upsert_articles(store, [article])
        run_timeline(store, SILENT)
        _story(store, "s_1", "t_1", [article], 1)
        (row,) = list(export_timeline(store))
    assert [(e["when"], e["until"], e["text"]) for e in row["events"]] == [
        ("2024-03-19", "2024-03-26", "March 19-26"),
        ("2024-03-29", None, "Friday"),
        ("2024-03-30", None, ""),
    ]


@pytest.mark.parametrize(
    ("script", "column", "stored"),
    [
        ("ADD COLUMN context", "context", "The plan ran from 2008 to 2010."),  # before event sentences
        ("ADD COLUMN time_until", "time_until", "2010"),  # before ranges
        ("dates read with their tense", "time_when", "2008"),  # before tenses: no column, a redo
        ("dates counted from another date", "time_when", "2008"),  # before anaphors: a redo
        ("modals look ahead", "time_when", "2008"),  # before modals read as future: a redo
        ("months and weekdays nearest publication", "time_when", "2008"),  # before nearest months: a redo
        ("the time up to publication", "time_when", "2008"),  # before "the past week" was a range: a redo
        ("the time from publication on", "time_when", "2008"),  # before "the next two months" was read: a redo
        ("years of any century, and the 2012 election", "time_when", "2008"),  # before "since 1888": a redo
        ("parts of the year", "time_when", "2008"),  # before "the first half of the year": a redo
        ("quarters and fiscal years", "time_when", "2008"),  # before "Q4" was read: a redo
        ("dates that recur", "time_when", "2008"),  # before "every Friday" was kept as text: a redo
    ],
)
def test_an_older_store_rebuilds_its_timelines(tmp_path: Path, script: str, column: str, stored: str) -> None:
    """An older store lacks the column or the rules: the upgrade adds it and marks the timelines to redo."""
    article = Article(id="x1", text="The plan ran from 2008 to 2010.", published_at="2024-11-08")
    path = tmp_path / "old.db"
    with open_store(path) as store:
        upsert_articles(store, [article])
        run_timeline(store, SILENT)
        with store.transaction():
            rewind_schema(store, "stories", script)
    with open_store(path) as store:
        assert store.pending_count("timeline") == 1
        run_timeline(store, SILENT)
        (value,) = {r[0] for r in store.query(f"SELECT {column} FROM timeline WHERE kind = 'mentioned'")}
    assert value == stored


def test_dates_read_in_worker_processes_are_those_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        Article(id=f"x{i}", text=f"Talks began on Monday and end in the first half of {2000 + i}.", published_at=day)
        for i, day in enumerate(["2024-11-08", None, "2016-01-29", "2024-03-01"] * 5)
    ]
    tables = []
    for processes in ("1", "2"):
        monkeypatch.setenv("STORYTRACE_NLP_PROCESSES", processes)
        with open_store(tmp_path / f"t{processes}.db") as store:
            upsert_articles(store, articles)
            assert run_timeline(store, SILENT)["articles"] == len(articles)
            tables.append(store.query("SELECT * FROM timeline ORDER BY article_id, position"))
    assert [tuple(r) for r in tables[0]] == [tuple(r) for r in tables[1]] and len(tables[0]) > len(articles)
