"""Factiva HTML exports: one page, many articles, each a table of field codes (a synthetic page laid out
as Factiva saves a search: article divs, a code cell in bold, paragraphs in the LP and TD cells)."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest import IngestOptions, ingest_paths, read_path
from storytrace.ingest.factiva import factiva_articles, looks_like_factiva
from storytrace.model import Article
from storytrace.store import SQLiteStore


def _row(code: str, value: str) -> str:
    return f'<tr><td align="right" valign="top" class="index"><b>{code}</b>&nbsp;</td><td>{value}</td></tr>\n'


def _paragraphs(*texts: str) -> str:
    return "".join(f'<p class="articleParagraph enarticleParagraph">{t}</p>\n' for t in texts)


def _article(rows: str, language: str = "en") -> str:
    return (
        f'<div class="article {language}Article"><table cellpadding="1" cellspacing="1" border="0">{rows}</table></div>'
    )


PAGE = f"""<!DOCTYPE html><html><head><title>Factiva</title><style>.article {{page-break-after:always;}}</style></head>
<body><div id="navcontainer"><h1>Factiva</h1></div><div id="contentWrapper"><div id="contentLeft">
{
    _article(
        _row("HD", "<b class='enHeadline'>Dockworkers walk out over pay</b>")
        + _row("BY", "By Ada Brandt")
        + _row("WC", "412 words")
        + _row("PD", "2 March 2024")
        + _row("SN", "The Harbour Herald")
        + _row("SC", "HRBHER")
        + _row("LA", "English")
        + _row("CY", "(c) 2024 The Harbour Herald. All rights reserved.")
        + _row(
            "LP",
            _paragraphs("Dockworkers at the port of Harbourton walked out on Friday.", "The union wants 8 percent."),
        )
        + _row(
            "TD",
            _paragraphs("Talks broke down on Thursday night, the union said.", "The port authority had no comment."),
        )
        + _row("NS", "<br/>glabor : Labor/Personnel | gcat : Political/General News")
        + _row("AN", "<br/>Document HRBHER0020240302ek320001x")
    )
}<br/>
{
    _article(
        _row("SE", "Économie")
        + _row("HD", "<b class='frHeadline'>Le port à l'arrêt</b>")
        + _row("PD", "4 mars 2024")
        + _row("SN", "Le Courrier du Port")
        + _row("LA", "Français")
        + _row("LP", _paragraphs("Le port de Harbourton est à l'arrêt depuis vendredi."))
        + _row("AN", "<br/>Document COURPO0020240304ek340002y"),
        "fr",
    )
}<br/>
{_article(_row("HD", "<b>Briefs</b>") + _row("PD", "5 March 2024") + _row("AN", "Document HRBHER0020240305ek350003z"))}
</div></div><div id="pageFooter"><span class="copyright">&copy; 2024 Factiva, Inc. All rights reserved.</span></div>
</body></html>"""


def test_every_article_of_a_factiva_page_is_read_with_its_fields() -> None:
    articles = factiva_articles(PAGE)
    assert articles is not None and [a.number for a in articles] == [1, 2, 3]
    first, second, third = articles
    assert (first.title, first.source, first.byline, first.published_at, first.language) == (
        "Dockworkers walk out over pay",
        "The Harbour Herald",
        "Ada Brandt",
        "2024-03-02",
        "en",
    )
    assert first.accession == "HRBHER0020240302ek320001x"
    assert first.text.split("\n\n") == [
        "Dockworkers at the port of Harbourton walked out on Friday.",
        "The union wants 8 percent.",
        "Talks broke down on Thursday night, the union said.",
        "The port authority had no comment.",
    ]
    assert (second.title, second.published_at, second.language) == ("Le port à l'arrêt", "2024-03-04", "fr")
    assert third.text == ""


def test_an_ordinary_page_is_no_factiva_export() -> None:
    page = "<html><body><div class='article'><h1>Strike</h1><p>The port strike went on.</p></div></body></html>"
    assert not looks_like_factiva(page.encode())
    assert factiva_articles(page) is None


def test_a_factiva_page_ingests_one_article_each_by_accession_number(tmp_store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "factiva-search.html"
    path.write_text(PAGE, "utf-8")
    items = list(read_path(path, IngestOptions()))
    articles = [item for item in items if isinstance(item, Article)]
    assert [a.id for a in articles] == ["HRBHER0020240302ek320001x", "COURPO0020240304ek340002y"]
    assert [r.reason for r in items if not isinstance(r, Article)] == ["no body text in this article"]
    assert articles[0].origin == f"{path}:article 1"
    first = ingest_paths(tmp_store, [path])
    again = ingest_paths(tmp_store, [path])
    assert (first.counts.added, again.counts.added, again.counts.unchanged) == (2, 0, 2)


XML = """<?xml version="1.0" encoding="utf-8"?>
<PPSResponse><ppsArticleResponse xmlns="http://global.factiva.com/pps/2.0"><ppsarticleResultSet count="3">
<ppsarticle><article>
  <accessionNo>HRBHER0020240302ek320001x</accessionNo>
  <baseLanguage>EN</baseLanguage>
  <headline><paragraph lang="EN"><hlt>Dockworkers</hlt> walk out over pay</paragraph></headline>
  <byline>By Ada Brandt</byline>
  <leadParagraph><paragraph>Dockworkers at the port of Harbourton walked out on Friday.</paragraph></leadParagraph>
  <publicationDate><dateTime>2024-03-02T06:15:00Z</dateTime></publicationDate>
  <sourceName>The Harbour Herald</sourceName>
  <newsSubject code="glabor"><name>Labor/Personnel</name></newsSubject>
  <tailParagraphs><paragraph>Talks broke down on Thursday night.</paragraph>
  <paragraph>The port authority had no comment.</paragraph></tailParagraphs>
</article></ppsarticle>
<ppsarticle><article>
  <accessionNo>COURPO0020240304ek340002y</accessionNo>
  <baseLanguage>FR</baseLanguage>
  <headline><paragraph>Le port à l'arrêt</paragraph></headline>
  <leadParagraph><paragraph>Le port est à l'arrêt depuis vendredi.</paragraph></leadParagraph>
  <publicationDate><dateTime>2024-03-04T08:00:00Z</dateTime></publicationDate>
  <sourceName>Le Courrier du Port</sourceName>
</article></ppsarticle>
<ppsarticle><article><accessionNo>HRBHER0020240305ek350003z</accessionNo><headline><paragraph>Briefs</paragraph></headline>
</article></ppsarticle>
</ppsarticleResultSet></ppsArticleResponse></PPSResponse>"""


def test_a_factiva_xml_export_gives_one_article_each(tmp_path: Path) -> None:
    path = tmp_path / "factiva.xml"
    path.write_text(XML, "utf-8")
    items = list(read_path(path, IngestOptions()))
    articles = [item for item in items if isinstance(item, Article)]
    assert [a.id for a in articles] == ["HRBHER0020240302ek320001x", "COURPO0020240304ek340002y"]
    first = articles[0]
    assert (first.title, first.byline, first.source, first.language) == (
        "Dockworkers walk out over pay",
        "Ada Brandt",
        "The Harbour Herald",
        "en",
    )
    assert first.published_at is not None and first.published_at.startswith("2024-03-02")
    assert first.text.split("\n\n") == [
        "Dockworkers at the port of Harbourton walked out on Friday.",
        "Talks broke down on Thursday night.",
        "The port authority had no comment.",
    ]
    assert articles[1].language == "fr"
    assert [(r.location, r.reason) for r in items if not isinstance(r, Article)] == [
        ("article 3", "no body text in this article")
    ]


def test_a_factiva_xml_export_expands_no_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", "utf-8")
    hostile = XML.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE PPSResponse [<!ENTITY leak SYSTEM "file://{secret}">]>',
    ).replace("walk out over pay", "walk out &leak;")
    path = tmp_path / "hostile.xml"
    path.write_text(hostile, "utf-8")
    articles = [item for item in read_path(path, IngestOptions()) if isinstance(item, Article)]
    assert articles and all("TOP SECRET" not in (a.title or "") + a.text for a in articles)
