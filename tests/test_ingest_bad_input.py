"""Bad input: each problem becomes a Rejection naming the file and place; good records still land."""

from __future__ import annotations

import json
from pathlib import Path

from ingest_samples import PARAGRAPHS, page, write_warc

from storytrace.ingest import IngestOptions, ingest_paths
from storytrace.store.articles import count_articles, get_article

GOOD = "A perfectly ordinary body paragraph that ends with a period."


def run(store, *paths: Path, **options: object):
    return ingest_paths(store, list(paths), options=IngestOptions(**options))  # type: ignore[arg-type]


def reasons(report) -> list[str]:
    return [str(r) for r in report.rejections]


def test_binary_files_are_rejected_with_their_kind(tmp_store, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, "utf-8")
    (tmp_path / "nul.txt").write_bytes(b"text\x00with\x00nul bytes")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    report = run(tmp_store, tmp_path)
    assert reasons(report) == [
        f"{tmp_path / 'nul.txt'}: binary file (NUL bytes)",
        f"{tmp_path / 'photo.png'}: binary file (PNG image); use --format to choose a reader",
    ]
    assert report.counts.added == 1 and get_article(tmp_store, "good").text == GOOD


def test_encodings_are_detected(tmp_store, tmp_path):
    western = "Café owners in Köln said the “new rules” cost them €500 — too much, naïvely set."
    (tmp_path / "cp1252.txt").write_bytes(western.encode("cp1252"))
    (tmp_path / "utf16.txt").write_text(western, "utf-16")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + western.encode("utf-8"))
    cyrillic = "Президент заявил, что переговоры начнутся в четверг в Брюсселе."
    (tmp_path / "cp1251.txt").write_bytes(cyrillic.encode("cp1251"))
    (tmp_path / "crlf.txt").write_bytes(b"First line of the body.\r\nSecond line.\r\n")
    report = run(tmp_store, tmp_path)
    assert not report.rejections
    for name in ("cp1252", "utf16", "bom"):
        assert get_article(tmp_store, name).text == western
    assert get_article(tmp_store, "cp1251").text == cyrillic
    assert get_article(tmp_store, "crlf").text == "First line of the body.\nSecond line."


def test_undecodable_csv_rest_reported(tmp_store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,text\n1,caf\xc3\xa9 ok\n" + b"2," + b"x" * 70_000 + b"\n3,bad \xff\xfe byte\n")
    report = run(tmp_store, path)
    assert count_articles(tmp_store) == 2
    assert reasons(report) == [f"{path}:row 4: undecodable text as utf-8 (invalid start byte); rest skipped"]


def test_empty_and_whitespace_files(tmp_store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n", "utf-8")
    (tmp_path / "blank16.txt").write_text("  \n", "utf-16")
    (tmp_path / "good.txt").write_text(GOOD, "utf-8")
    report = run(tmp_store, tmp_path)
    assert sorted(reasons(report)) == sorted(
        f"{tmp_path / n}: empty file" for n in ("empty.txt", "blank.txt", "blank16.txt")
    )
    assert report.counts.added == 1


def test_malformed_json_line(tmp_store, tmp_path):
    path = tmp_path / "records.jsonl"
    lines = [
        json.dumps({"id": "a", "text": GOOD}),
        '{"id": "b", "text": "broken"',
        "[1, 2]",
        "",
        '{"id": "c", "text": "  "}',
    ]
    lines.append(json.dumps({"id": "d", "text": GOOD}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = run(tmp_store, path)
    assert reasons(report) == [
        f"{path}:line 2: malformed JSON (Expecting ',' delimiter: line 1 column 29 (char 28))",
        f"{path}:line 3: expected a JSON object, got list",
        f"{path}:line 5: empty text",
    ]
    assert report.counts.added == 2 and get_article(tmp_store, "d") is not None


def test_bad_csv_rows(tmp_store, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(
        f'id,title,text\n1,One,"{GOOD}"\n2,Two\n3,Three,\n4,Four,"{GOOD}",extra\n5,Five,"{GOOD}"\n', "utf-8"
    )
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("id,words\n1,hello\n", "utf-8")
    report = run(tmp_store, path, nocol)
    assert reasons(report) == [
        f"{path}:row 3: expected 3 fields, got 2",
        f"{path}:row 4: empty text",
        f"{path}:row 5: expected 3 fields, got 4",
        f"{nocol}:row 1: no text column (header: id, words); map one with --column text=NAME",
    ]
    assert sorted(a.id for a in [get_article(tmp_store, "1"), get_article(tmp_store, "5")]) == ["1", "5"]


def test_truncated_gzip_warc_keeps_records_before_the_break(tmp_store, tmp_path):
    path = tmp_path / "crawl.warc.gz"
    pages = [(f"https://news.example/{i}", page(f"Story {i}", PARAGRAPHS)) for i in range(4)]
    data = write_warc(path, pages, compress=True)
    path.write_bytes(data[: len(data) * 5 // 8])  # cut inside the third record's gzip member
    report = run(tmp_store, path)
    assert reasons(report) == [
        f"{path}:record 3: truncated or corrupt WARC (gzip data ends before its end-of-stream marker); rest skipped"
    ]
    assert report.counts.added == 2


def test_truncated_plain_warc_record(tmp_store, tmp_path):
    path = tmp_path / "crawl.warc"
    data = write_warc(
        path, [(f"https://news.example/{i}", page(f"Story {i}", PARAGRAPHS)) for i in range(2)], compress=False
    )
    path.write_bytes(data[:-100])
    report = run(tmp_store, path)
    [rejection] = report.rejections
    assert rejection.location == "record 2" and "record cut short" in rejection.reason
    assert report.counts.added == 1


def test_oversize_records_are_rejected_with_their_size(tmp_store, tmp_path):
    big = "word " * 400
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_text(json.dumps({"id": "big", "text": big}) + "\n" + json.dumps({"id": "small", "text": GOOD}) + "\n")
    text = tmp_path / "long.txt"
    text.write_text(big, "utf-8")
    report = run(tmp_store, jsonl, text, max_record_bytes=1000)
    assert reasons(report) == [
        f"{jsonl}:line 1: record too large (2,026 bytes > limit 1,000)",
        f"{text}: record too large (2,000 bytes > limit 1,000)",
    ]
    assert get_article(tmp_store, "small") is not None and report.counts.added == 1


def test_control_characters_never_reach_the_store(tmp_store, tmp_path):
    """Terminal commands in a hostile record (clear the screen, retitle the window, colour) are dropped from
    every field before the content hash; tabs and line breaks stay, a form feed breaks the line."""
    record = {
        "id": "evil\x1b[2J",
        "title": "Flood \x1b]0;pwned\x07warning\x9b",
        "text": "The river rose.\x0cFirefighters \x1b[31mrescued\x1b[0m forty\tresidents.\nThe mayor came.",
        "source": "Daily\x00 Planet",
    }
    (tmp_path / "evil.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    assert run(tmp_store, tmp_path).counts.added == 1
    ((article_id,),) = tmp_store.query("SELECT id FROM articles")
    article = get_article(tmp_store, article_id)
    assert article.title == "Flood ]0;pwnedwarning" and article.source == "Daily Planet"
    assert article.text == "The river rose.\nFirefighters [31mrescued[0m forty\tresidents.\nThe mayor came."
    clean = {**record, "title": article.title, "text": article.text, "source": article.source}
    (tmp_path / "evil.jsonl").write_text(json.dumps(clean) + "\n", "utf-8")
    assert run(tmp_store, tmp_path).counts.unchanged == 1
