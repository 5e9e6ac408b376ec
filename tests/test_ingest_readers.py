"""One test per reader: each format yields the Articles its input holds, fields in place."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from ingest_samples import PARAGRAPHS, page, write_warc

from storytrace.ingest import (
    FORMATS,
    READERS,
    IngestOptions,
    Rejection,
    format_of,
    ingest_paths,
    iter_input_files,
    read_path,
)
from storytrace.ingest.dates import normalise_date
from storytrace.ingest.dispatch import EXTENSIONS
from storytrace.ingest.ids import content_id, safe_id
from storytrace.ingest.textheader import parse_header
from storytrace.model import Article
from storytrace.store import open_store
from storytrace.store.articles import iter_articles, upsert_articles

DATA = Path(__file__).parent / "data" / "ingest"
BODY = "The council approved the budget on Monday after a long debate.\n\nIt takes effect in January."


def read(path: Path, **options: object) -> list[Article | Rejection]:
    return list(read_path(path, IngestOptions(**options)))  # type: ignore[arg-type]


def articles(items: list[Article | Rejection]) -> list[Article]:
    assert not [i for i in items if isinstance(i, Rejection)], items
    return [i for i in items if isinstance(i, Article)]


# -- plain text ---------------------------------------------------------------------------------


def test_text_file_reads_header_lines_into_fields(tmp_path):
    path = tmp_path / "story_01.txt"
    path.write_text(
        "Budget passes after long debate\nBy Jane Doe\nOctober 17, 2024\nSPRINGFIELD\n\n" + BODY + "\n", "utf-8"
    )
    [article] = articles(read(path))
    assert article.id == "story_01"
    assert article.title == "Budget passes after long debate"
    assert article.byline == "Jane Doe"
    assert article.published_at == "2024-10-17"
    assert article.dateline == "SPRINGFIELD"
    assert article.text == BODY
    assert article.language is None


def test_text_without_header_keeps_every_character(tmp_path):
    text = "A long first sentence that is plainly body text, ending with a period.\nSecond line.\n"
    path = tmp_path / "plain.txt"
    path.write_text(text, "utf-8")
    [article] = articles(read(path, source="Wire"))
    assert (article.title, article.text, article.source) == (None, text.rstrip(), "Wire")


def test_header_heuristics_never_take_the_only_line_or_an_opening_paragraph():
    assert parse_header("Only A Headline Here").body_start == 0
    opening = "WASHINGTON (AP) — The senate passed the bill late on Tuesday."
    header = parse_header(opening + "\nMore text.")
    assert (header.dateline, header.body_start) == ("WASHINGTON", 0)
    sub = parse_header("Main headline here\nICARO Media Group\n### A sub heading\nBody paragraph.")
    assert (sub.title, sub.source) == ("Main headline here", "ICARO Media Group")
    assert sub.body_start == len("Main headline here\nICARO Media Group\n")


def test_folder_is_walked_sorted_and_hidden_files_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second story body, which is long enough to be a sentence.", "utf-8")
    (tmp_path / "a.md").write_text("First story body, which is long enough to be a sentence.", "utf-8")
    (tmp_path / ".secret.txt").write_text("hidden", "utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", "utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])] == ["a.md", "b/two.txt"]
    with open_store(tmp_path / "db" / "s.db") as store:  # inside the walked folder: its files are skipped
        report = ingest_paths(store, [tmp_path])
        assert report.counts.added == 2 and not report.rejections
        assert [a.id for a in iter_articles(store)] == ["a", "two"]


# -- structured ---------------------------------------------------------------------------------


def test_jsonl_fields_ids_and_dates(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [
        {"id": "a-1", "headline": "One", "body": "First body.", "outlet": "AFP", "published": "2024-10-17T08:00:00Z"},
        {"text": "No id here.", "source": "Reuters", "url": "https://r.example/x", "lang": "en", "author": ["A", "B"]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    first, second = articles(read(path))
    assert (first.id, first.title, first.text, first.source) == ("a-1", "One", "First body.", "AFP")
    assert first.published_at == "2024-10-17T08:00:00+00:00"
    assert second.id == content_id("Reuters", "https://r.example/x", None, "No id here.")
    assert second.id.startswith("h_") and len(second.id) == 18
    assert (second.language, second.byline, second.origin) == ("en", "A, B", f"{path}:line 2")


def test_json_array_file_is_streamed_item_by_item(tmp_path):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": i, "text": f"Body {i}."} for i in range(3)], indent=2), "utf-8")
    assert [a.id for a in articles(read(path))] == ["0", "1", "2"]
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"id": "x", "text": "One object."}, indent=2), "utf-8")
    [rejection] = read(single)
    assert isinstance(rejection, Rejection) and rejection.reason.startswith("not JSON Lines or a JSON array")


def test_csv_with_column_mapping(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        'key,hed,story,paper,when\nk1,Port strike ends,"Dockers returned to work.\n\nShips are moving.",'
        "Harbour Times,17 October 2024\n",
        "utf-8",
    )
    options = {"column_map": {"id": "key", "title": "hed", "text": "story", "source": "paper", "published_at": "when"}}
    [article] = articles(read(path, **options))
    assert (article.id, article.title, article.source) == ("k1", "Port strike ends", "Harbour Times")
    assert article.text == "Dockers returned to work.\n\nShips are moving."
    assert article.published_at == "2024-10-17"
    assert article.origin == f"{path}:row 2"


def test_a_headline_list_needs_its_headlines_named_as_the_text(tmp_path):
    """An aggregator's export (the UCI News Aggregator: ID, TITLE, URL, PUBLISHER, ..., TIMESTAMP) has no
    body column: it is rejected with the mapping that reads it, and read once that is given."""
    path = tmp_path / "headlines.csv"
    path.write_text(
        "ID,TITLE,URL,PUBLISHER,STORY,TIMESTAMP\n"
        "1,Fed official says weak data caused by weather,http://example.com/fed-weak-data,LA Times,d1,1394470370698\n",
        "utf-8",
    )
    [rejection] = read(path)
    assert isinstance(rejection, Rejection) and rejection.reason == (
        "no text column (header: ID, TITLE, URL, PUBLISHER, STORY, TIMESTAMP); "
        "map one with --column text=NAME, or --column text=TITLE for headlines alone"
    )
    [article] = articles(read(path, column_map={"text": "TITLE"}))
    assert article.text == article.title == "Fed official says weak data caused by weather" and article.body == ""
    assert (article.id, article.source, article.published_at) == ("1", "LA Times", "2014-03-10T16:52:50+00:00")
    record = tmp_path / "headlines.jsonl"
    record.write_text(json.dumps({"id": "h1", "headline": "Port strike ends"}) + "\n", "utf-8")
    [rejection] = read(record)
    assert isinstance(rejection, Rejection) and rejection.reason.endswith(
        "map one with --column text=NAME, or --column text=headline for headlines alone"
    )


def test_tsv_uses_default_column_names(tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text("ID\tHeadline\tContent\nt1\tA title\tSome content.\n", "utf-8")
    [article] = articles(read(path))
    assert (article.id, article.title, article.text) == ("t1", "A title", "Some content.")


# -- web ----------------------------------------------------------------------------------------


def test_html_page_main_text_and_metadata():
    [article] = articles(read(DATA / "page.html"))
    assert article.id == "page"
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.source == "The Coastal Herald"
    assert article.byline == "Mara Lindqvist"
    assert article.published_at == "2024-03-05"
    assert article.language == "en-GB"
    assert article.text.startswith("The harbour bridge reopened to traffic on Tuesday")
    assert "Piet Vos" in article.text
    assert "Privacy policy" not in article.text and "Sport" not in article.text


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses(tmp_path, compress):
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    write_warc(
        path,
        [
            ("https://news.example/a", page("Night buses expand", PARAGRAPHS)),
            ("https://news.example/b", page("Second", PARAGRAPHS[::-1])),
        ],
        compress=compress,
    )
    first, second = articles(read(path))
    assert first.url == "https://news.example/a" and first.title == "Night buses expand"
    assert first.text == "\n".join(PARAGRAPHS)
    assert first.id == safe_id(first.id) and first.id.startswith("u_")
    assert first.id != second.id
    assert first.published_at is not None and first.published_at.endswith("+00:00")  # WARC-Date fallback
    assert first.language == "en"


def test_rss_entries_with_html_stripped():
    first, second = articles(read(DATA / "feed.rss")[:2])  # type: ignore[arg-type]
    assert first.source == "Valley Gazette" and first.language == "en-us"
    assert first.title == "Flood barriers tested ahead of storm season"
    assert first.text == "Crews tested the river flood barriers on Monday.\nThe test took four hours & went smoothly."
    assert first.published_at == "2024-10-15T07:45:00+01:00"
    assert first.url == "https://valley.example/news/flood-barriers" and first.id.startswith("u_")
    assert second.text == "The central library will open until 9 pm on weekdays from November."
    rejected = read(DATA / "feed.rss")[2]
    assert isinstance(rejected, Rejection) and str(rejected).endswith("feed.rss:entry 3: empty text")


def test_atom_entry():
    [article] = articles(read(DATA / "feed.atom"))
    assert (article.title, article.source, article.byline) == (
        "Neue Straßenbahnlinie eröffnet",
        "Nordstadt Kurier",
        "Jonas Becker",
    )
    assert article.text == "Die neue Linie verbindet den Bahnhof mit dem Hafen.\nSie fährt alle zehn Minuten."
    assert article.published_at == "2024-10-16T10:15:00+02:00"
    assert article.language == "de"


def test_forced_format_overrides_extension(tmp_path):
    path = tmp_path / "dump.data"
    path.write_text('{"id": "x", "text": "Forced."}\n', "utf-8")
    assert isinstance(read(path)[0], Rejection)
    assert articles(read(path, input_format="jsonl"))[0].id == "x"
    gz = tmp_path / "dump.bin"
    gz.write_bytes(gzip.compress(b"x"))
    assert "gzip data" in str(read(gz)[0])


# -- small helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("October 17, 2024", "2024-10-17"),
        ("2024-10-17T10:00:00Z", "2024-10-17T10:00:00+00:00"),
        ("Thu, 17 Oct 2024 10:30:00 EDT", "2024-10-17T10:30:00-04:00"),
        ("1394470370698", "2014-03-10T16:52:50+00:00"),  # Unix milliseconds (UCI News Aggregator)
        ("1394470370", "2014-03-10T16:52:50+00:00"),  # Unix seconds
        ("9999999999999", None),  # 13 digits but far outside any publication date: an id, not a time
        (1394470370, "2014-03-10T16:52:50+00:00"),  # a JSON number
        ("2014031015", "2014-03-10T15:00:00"),  # yyyymmddhh: as seconds it would be in 2033, the future
        ("20141017", "2014-10-17"),  # compact calendar stamps (GDELT)
        ("20141017153045", "2014-10-17T15:30:45"),
        ("20141399", None),  # no such day
        ("2099123123", None),  # neither reading is a past date
        ("12345678", None),
        ("October 2024", None),  # no day: never guessed
        ("0001-01-01", None),  # placeholders for "no date" in exports, no publication's
        ("9999-12-31T23:59:59Z", None),
        ("2999-01-01", None),  # after tomorrow
        ("1900-01-01", "1900-01-01"),  # an archive's: news was printed then
        (datetime(1, 1, 1), None),
        ("soon", None),
        (None, None),
    ],
)
def test_dates_are_iso_and_never_guessed(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    "given", ["000_59f418e64c1e3aaf", "ParisAttacks2015 (30)", "https://x.example/a b?c=1", "Zeitung/Köln #4"]
)
def test_printable_ids_are_kept_as_given(given):
    assert safe_id(f"  {given} ") == given


@pytest.mark.parametrize("given", ["a\nb", "a\tb", "a\u200bb", "a\x00b", "x" * 129, "\u202eevil"])
def test_ids_that_cannot_be_shown_as_given_are_slugged_apart(given):
    slug = safe_id(given)
    assert slug != given and safe_id(slug) == slug == safe_id(given) and slug.isascii()
    assert safe_id("a\u200bb") != safe_id("a\u2060b")


def test_a_store_from_before_kept_ids_keeps_its_slugged_ids(tmp_path):
    """Versions before kept ids stored "ParisAttacks2015 (30)" as a slug: re-ingesting adds nothing."""
    text = "\n\n".join(PARAGRAPHS)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "ParisAttacks2015 (30)", "text": text}) + "\n", "utf-8")
    slugged = "ParisAttacks2015_30_" + hashlib.sha256(b"ParisAttacks2015 (30)").hexdigest()[:16]
    with open_store(tmp_path / "s.db") as store:
        upsert_articles(store, [Article(id=slugged, text=text, origin=f"{feed}:1")])
        report = ingest_paths(store, [feed])
        assert (report.counts.added, report.counts.unchanged) == (0, 1)
        assert [a.id for a in iter_articles(store)] == [slugged]
    with open_store(tmp_path / "fresh.db") as store:
        ingest_paths(store, [feed])
        assert [a.id for a in iter_articles(store)] == ["ParisAttacks2015 (30)"]


def test_every_format_has_a_reader():
    assert set(READERS) == set(FORMATS)
    assert {format_of(Path(f"x{ext}")) for ext in EXTENSIONS} == set(FORMATS)


@pytest.mark.parametrize("outlet", ["The Harbour Ledger", "Valley Courier", "Evening Standard", "Reuters"])
def test_outlet_line_after_headline(outlet):
    header = parse_header(f"Port strike spreads north\n{outlet}\n\nThe strike went on for a third day.")
    assert (header.title, header.source) == ("Port strike spreads north", outlet)
