"""Press-database text exports: many articles per file, metadata in labelled lines (synthetic samples
laid out as LexisNexis Academic and Nexis Uni write them)."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest import IngestOptions, ingest_paths, read_path
from storytrace.ingest.ids import legacy_ids
from storytrace.ingest.nexis import is_export_article, parse_document, split_documents
from storytrace.ingest.textheader import parse_header
from storytrace.model import Article
from storytrace.store import SQLiteStore

CLASSIC = """Download Request: All Documents: 1-2
Time Of Request: Saturday, March 2, 2024  22:32:52 EST
Source: Newspaper Stories, Combined Papers


                               1 of 2 DOCUMENTS


     Copyright 2024 Harbour Ledger Publishing Company, LLC d/b/a
                            Ledger Digital
                              All Rights Reserved

                              The Harbour Ledger

                             March 1, 2024 Friday
                                 Final Edition

SECTION: NEWS; Pg. A01

LENGTH: 62 words

HEADLINE: Dockworkers walk out over pay

BYLINE: Mara Quinn;Tom Ellery

BODY:

Dockworkers at the port of Harbourton walked off the job on Friday after talks
on pay broke down, the union said.

"We have waited long enough," union leader Ada Brandt said.

LANGUAGE: ENGLISH

SUBJECT: STRIKES (92%); PORTS (90%); LABOUR UNIONS (88%); WAGES & SALARIES
(77%)

LOAD-DATE: March 2, 2024


                               2 of 2 DOCUMENTS


                 Copyright 2024 The Valley Courier
                              All Rights Reserved

                              The Valley Courier

                              March 2, 2024 Saturday

SECTION: LOCAL; Pg. B1

HEADLINE: Strike spreads north

BYLINE: By Lena Ortiz, Courier Staff Writer

DATELINE: NORTHGATE

BODY:

The port strike spread to Northgate on Saturday.

LOAD-DATE: March 3, 2024
"""

UNI = """Strike talks resume
The Harbour Ledger
March 4, 2024 Monday
Copyright 2024 The Harbour Ledger All Rights Reserved

Section: NEWS; Pg. 4
Length: 40 words
Byline: Mara Quinn

Body

Talks between the union and the port authority resumed on Monday.

Update: both sides said progress was made.

Load-Date: March 5, 2024

End of Document
Port reopens
The Valley Courier
March 6, 2024 Wednesday

Section: LOCAL
Byline: Lena Ortiz

Body

The port reopened on Wednesday.

Load-Date: March 6, 2024

End of Document
"""


def _read(path: Path, text: str) -> list[Article]:
    """The articles read from `text` written to `path`; none may be rejected."""
    path.write_text(text, "utf-8")
    items = list(read_path(path, IngestOptions()))
    assert all(isinstance(item, Article) for item in items), items
    return items  # type: ignore[return-value]


def test_a_classic_export_gives_one_article_per_document_with_its_fields(tmp_path: Path) -> None:
    path = tmp_path / "harbour_search.txt"
    first, second = _read(path, CLASSIC)
    assert first.id == "harbour_search-1" and second.id == "harbour_search-2"
    assert (first.title, first.source, first.published_at) == (
        "Dockworkers walk out over pay",
        "The Harbour Ledger",
        "2024-03-01",
    )
    assert first.byline == "Mara Quinn;Tom Ellery"
    assert first.text.startswith("Dockworkers at the port") and first.text.endswith("union leader Ada Brandt said.")
    assert "LANGUAGE" not in first.text and "Copyright" not in first.text
    assert (second.byline, second.dateline, second.source) == (
        "Lena Ortiz, Courier Staff Writer",
        "NORTHGATE",
        "The Valley Courier",
    )
    assert second.text == "The port strike spread to Northgate on Saturday."
    assert first.origin == f"{path}:document 1"


def test_a_nexis_uni_export_takes_title_and_outlet_from_its_first_lines(tmp_path: Path) -> None:
    path = tmp_path / "uni.txt"
    first, second = _read(path, UNI)
    assert (first.id, first.title, first.source, first.published_at, first.byline) == (
        "uni-1",
        "Strike talks resume",
        "The Harbour Ledger",
        "2024-03-04",
        "Mara Quinn",
    )
    # a body line that reads like a field, but under no known label, stays in the body
    assert first.text.endswith("Update: both sides said progress was made.")
    assert (second.title, second.text) == ("Port reopens", "The port reopened on Wednesday.")


UNI_COVER = """User Name: Jane Researcher
Date and Time: Monday, March 11, 2024 10:21:00 AM EST
Job Number: 219412345
Documents (2)
1. Strike talks resume
Client/Matter: -None-
Search Terms: port strike
Search Type: Terms and Connectors
Narrowed by:
Content Type: News
2. Port reopens
Client/Matter: -None-
Search Terms: port strike

"""


def test_a_nexis_uni_cover_page_is_no_part_of_the_first_document() -> None:
    documents = split_documents(UNI_COVER + UNI)
    assert documents is not None and [n for n, _ in documents] == ["1", "2"]
    first = parse_document(documents[0][1])
    assert (first.title, first.source) == ("Strike talks resume", "The Harbour Ledger")
    assert documents[0][1][first.body_start : first.body_end].strip().startswith("Talks between the union")
    # A cover whose first title is not found again leaves the text as it was.
    assert split_documents(UNI_COVER.replace("1. Strike talks resume", "1. Another title") + UNI)[0][1].startswith(
        "User Name"
    )


def test_one_exported_article_without_separators_is_read_as_an_export() -> None:
    single = CLASSIC[CLASSIC.index("     Copyright 2024 Harbour") : CLASSIC.index("2 of 2 DOCUMENTS")]
    assert split_documents(single) is None and is_export_article(single)
    document = parse_document(single)
    assert document.title == "Dockworkers walk out over pay"
    assert single[document.body_start : document.body_end].strip().endswith("Ada Brandt said.")


def test_a_labelled_byline_line_heads_a_plain_text() -> None:
    text = "BYLINE: Amber Lane.\n\nBEST THING THAT HAPPENED THIS WEEK.\n\nThe court sided with them."
    header = parse_header(text)
    assert header.byline == "Amber Lane"
    assert text[header.body_start :].startswith("BEST THING")


def test_reingesting_an_export_adds_nothing(tmp_store: SQLiteStore, tmp_path: Path) -> None:
    (tmp_path / "search.txt").write_text(CLASSIC, "utf-8")
    first = ingest_paths(tmp_store, [tmp_path])
    second = ingest_paths(tmp_store, [tmp_path])
    assert (first.counts.added, second.counts.added, second.counts.unchanged) == (2, 0, 2)
    assert not first.rejections


def test_an_export_named_as_downloads_are_keeps_its_name_and_an_older_stores_ids(
    tmp_store: SQLiteStore, tmp_path: Path
) -> None:
    """Exports download as "Files (1).txt": the ids keep the name; a store that holds the documents under
    the slugged ids earlier versions gave them ("Files_1_<hash>-1") re-ingests nothing."""
    (tmp_path / "Files (1).txt").write_text(CLASSIC, "utf-8")
    ingest_paths(tmp_store, [tmp_path])
    ids = [row[0] for row in tmp_store.execute("SELECT id FROM articles ORDER BY id")]
    assert ids == ["Files (1)-1", "Files (1)-2"]
    with tmp_store.transaction():
        for article_id in ids:
            tmp_store.execute("UPDATE articles SET id = ? WHERE id = ?", (legacy_ids(article_id)[-1], article_id))
    again = ingest_paths(tmp_store, [tmp_path])
    assert (again.counts.added, again.counts.unchanged) == (0, 2)
    assert all(row[0].startswith("Files_1_") for row in tmp_store.execute("SELECT id FROM articles"))


def test_a_document_without_body_text_is_rejected_by_number(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(CLASSIC.replace("The port strike spread to Northgate on Saturday.\n\n", ""), "utf-8")
    items = list(read_path(path, IngestOptions()))
    rejected = [item for item in items if not isinstance(item, Article)]
    assert [str(r) for r in rejected] == [f"{path}:document 2: no body text in this document"]


def test_exports_pasted_together_keep_one_id_per_document() -> None:
    documents = split_documents(CLASSIC + CLASSIC)
    assert documents is not None and [number for number, _ in documents] == ["1", "2", "3", "4"]


def test_an_export_of_one_document_keeps_the_file_name_as_id(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    (article,) = _read(path, UNI[: UNI.index("End of Document") + len("End of Document\n")])
    assert (article.id, article.title, article.origin) == ("one", "Strike talks resume", str(path))


ACADEMIC_TITLE_AFTER_DATE = """Download Request: Selected Items: 1-2
Time Of Request: Friday, March 8, 2024  16:51:31

Source: The Harbour Ledger;Valley Courier



                               1 of 2 DOCUMENTS



                                  Harbour Ledger Online

                            March 7, 2024 Thursday

Ferry crews join the strike

BYLINE: Mara Quinn

LENGTH: 30 words

Ferry crews joined the dockworkers' strike on Thursday.

The ferry company said crossings would resume on Monday.

LOAD-DATE: March 7, 2024

LANGUAGE: ENGLISH

PUBLICATION-TYPE: Newspaper


                       Copyright 2024 Harbour Ledger Publishing
                              All Rights Reserved

                               2 of 2 DOCUMENTS



                               The Valley Courier (Northgate)

                            March 8, 2024 Friday
                                   Edition 1;
                                    North

Talks stall again

BYLINE: Lena Ortiz

SECTION: NEWS; Pg. 6

LENGTH: 12 words


Talks between the union and the port stalled again on Friday.

LOAD-DATE: March 8, 2024

JOURNAL-CODE: VC


                    Copyright 2024 Valley Courier Ltd
                              All Rights Reserved
"""


def test_an_export_with_the_title_after_the_date_and_the_copyright_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "academic.txt"
    first, second = _read(path, ACADEMIC_TITLE_AFTER_DATE)
    assert (first.title, first.source, first.published_at, first.byline) == (
        "Ferry crews join the strike",
        "Harbour Ledger Online",
        "2024-03-07",
        "Mara Quinn",
    )
    assert first.text == (
        "Ferry crews joined the dockworkers' strike on Thursday.\n\n"
        "The ferry company said crossings would resume on Monday."
    )
    assert (second.title, second.source) == ("Talks stall again", "The Valley Courier (Northgate)")
    assert second.text == "Talks between the union and the port stalled again on Friday."


def test_a_german_export_is_split_and_its_labels_read(tmp_path: Path) -> None:
    german = (
        "                               Dokument 1 von 2\n\n                 Hafenbote\n\n"
        "                 7. März 2024 Donnerstag\n\nFähren stehen still\n\nAUTOR: Mara Quinn\n\n"
        "RUBRIK: LOKALES; S. 3\n\nLÄNGE: 9 Wörter\n\nDie Fähren fuhren am Donnerstag nicht.\n\n"
        "SPRACHE: GERMAN\n\n"
        "                               Dokument 2 von 2\n\n                 Hafenbote\n\n"
        "                 8. März 2024 Freitag\n\nGespräche vertagt\n\nLÄNGE: 5 Wörter\n\n"
        "Die Gespräche wurden vertagt.\n\nSPRACHE: GERMAN\n"
    )
    path = tmp_path / "hafen.txt"
    first, second = _read(path, german)
    assert (first.id, first.title, first.source, first.byline) == (
        "hafen-1",
        "Fähren stehen still",
        "Hafenbote",
        "Mara Quinn",
    )
    assert first.text == "Die Fähren fuhren am Donnerstag nicht." and first.published_at == "2024-03-07"
    assert (second.title, second.text) == ("Gespräche vertagt", "Die Gespräche wurden vertagt.")


def test_a_separator_written_in_prose_splits_nothing() -> None:
    assert split_documents("The court sealed part of the file.\n\n3 of 5 documents\n\nwere released on Monday.") is None
