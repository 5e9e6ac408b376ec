"""Ingest against the store and the CLI: idempotency, versions, crash safety, the seeds end to end."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from seeds import SEED_IDS
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.ingest import IngestOptions, ingest_paths
from storytrace.model import content_hash
from storytrace.store import open_store
from storytrace.store.articles import article_versions, count_articles, get_article

ROOT = Path(__file__).resolve().parents[1]
BATCH = 500


def write_jsonl(path: Path, count: int, *, start: int = 0) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            record = {"id": f"r{i:06d}", "title": f"Item {i}", "text": f"Record {i} reports on topic {i % 97}. " * 3}
            handle.write(json.dumps(record) + "\n")


def test_second_ingest_adds_nothing(tmp_store, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", 1200)
    (tmp_path / "b.txt").write_text("Headline Of The Story\nThe body of the story, told in one sentence.", "utf-8")
    first = ingest_paths(tmp_store, [tmp_path])
    second = ingest_paths(tmp_store, [tmp_path])
    assert (first.counts.added, first.counts.unchanged) == (1201, 0)
    assert (second.counts.added, second.counts.updated, second.counts.unchanged) == (0, 0, 1201)
    assert count_articles(tmp_store) == 1201


def test_changed_text_becomes_a_new_version(tmp_store, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("The first wording of the story, as published in the morning.", "utf-8")
    ingest_paths(tmp_store, [path])
    path.write_text("The corrected wording of the story, as updated in the afternoon.", "utf-8")
    report = ingest_paths(tmp_store, [path])
    assert report.counts.updated == 1
    current = get_article(tmp_store, "story")
    assert current.version == 2 and current.text.startswith("The corrected")
    [old] = article_versions(tmp_store, "story")
    assert old.version == 1 and old.text.startswith("The first")


def test_batches_are_separate_transactions(tmp_store, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", 7)
    calls: list[int] = []
    original = tmp_store.transaction

    def counting_transaction():
        calls.append(1)
        return original()

    tmp_store.transaction = counting_transaction  # type: ignore[method-assign]
    ingest_paths(tmp_store, [tmp_path], options=IngestOptions(batch_size=3))
    assert len(calls) == 3  # 3 + 3 + 1


def test_kill_during_ingest_loses_nothing_committed_and_rerun_completes(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "crash.db"
    total = 30_000
    write_jsonl(corpus, total)
    command = [sys.executable, "-m", "storytrace.cli", "ingest", str(corpus), "--db", str(db), "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = 0
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline and committed == 0:
            time.sleep(0.02)
            committed = _count(db)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, text, content_hash FROM articles").fetchall()
    assert len(rows) % BATCH == 0 or len(rows) == total  # whole batches only
    assert all(content_hash(text) == digest for _, text, digest in rows)  # no partial article
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{total - len(rows)} added" in done.stderr and f"{len(rows)} unchanged" in done.stderr
    assert _count(db) == total


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


# -- CLI --------------------------------------------------------------------------------------------


def test_cli_ingest_then_export_the_seeds(seeds_dir, tmp_path):
    db = str(tmp_path / "seeds.db")
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(seeds_dir), "--db", db, "--quiet"])
    assert ingested.exit_code == 0, ingested.output
    exported = runner.invoke(app, ["export", "--what", "articles", "--db", db])
    assert exported.exit_code == 0, exported.output
    rows = {row["id"]: row for row in map(json.loads, exported.stdout.splitlines())}
    assert sorted(rows) == SEED_IDS
    for article_id, row in rows.items():
        original = (seeds_dir / f"{article_id}.txt").read_text("utf-8")
        body_paragraphs = [p for p in original.splitlines() if p.strip() and p.strip() != (row["title"] or "")]
        header_lines = {row["source"], row["dateline"]}
        for paragraph in body_paragraphs:
            if paragraph not in header_lines:
                assert paragraph in row["text"], (article_id, paragraph)
    assert [rows[i]["title"] is None for i in SEED_IDS] == [True, False, False, False, True]
    assert rows["001_1faf3d478d7b600d"]["title"].startswith("Zelenskyy Urges NATO Protection")
    assert rows["001_1faf3d478d7b600d"]["source"] == "ICARO Media Group"
    assert rows["002_12087162219adedc"]["title"] == "Zelensky seeks EU, NATO backing for 'victory plan'"
    assert rows["002_12087162219adedc"]["dateline"] == "BRUSSELS"
    assert rows["002_12087162219adedc"]["text"].startswith("President Volodymyr Zelensky told allies Thursday")
    assert rows["003_ce342c1d8288ce55"]["title"] == "Zelensky in Brussels to defend 'victory plan' at EU and NATO"
    for article_id in ("000_59f418e64c1e3aaf", "004_811dcac62ff5ac35"):
        assert rows[article_id]["text"] == (seeds_dir / f"{article_id}.txt").read_text("utf-8").strip()


def test_cli_exit_status(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "a.txt").write_text("A body sentence that is fine.", "utf-8")
    (bad / "a.jsonl").write_text('{"id": "x", "text": "fine"}\n{oops\n', "utf-8")
    runner = CliRunner()
    db = str(tmp_path / "x.db")
    assert runner.invoke(app, ["ingest", str(good), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(bad), "--db", db, "-q"])
    assert result.exit_code == 2
    assert f"{bad / 'a.jsonl'}:line 2: malformed JSON" in result.output
    with open_store(db) as store:
        assert get_article(store, "x") is not None


@pytest.mark.parametrize("arguments", [["--format", "pdf"], ["--column", "nosuchfield=x"]])
def test_cli_rejects_bad_options(tmp_path, arguments):
    (tmp_path / "a.txt").write_text("Body.", "utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), *arguments])
    assert result.exit_code == 2
