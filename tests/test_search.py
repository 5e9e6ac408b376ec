"""Search by words (FTS5) and by meaning (document vectors): ranking, spellings, hostile queries, paging."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import search
from storytrace.cli import app
from storytrace.model import Article
from storytrace.nlp.vectors import doc_vectors
from storytrace.search import fts_query, search_meaning, search_words
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import get_articles, upsert_articles
from storytrace.store.search import unembedded_count

ARTICLES = [
    Article(
        id="flood",
        title="River floods the lower town",
        text=(
            "The river burst its banks on Monday. Firefighters rescued forty residents from their roofs. "
            "The mayor visited the shelters."
        ),
    ),
    Article(
        id="mayor",
        title="Mayor asks for help",
        text="The mayor asked the army for pumps after the flood reached the railway station.",
    ),
    Article(
        id="kiev",
        title="Talks in Kiev",
        text="Ministers met in Kiev to organise the reconstruction of the power grid before winter.",
    ),
    Article(
        id="bakery",
        title="A new bakery opens",
        text="Queues formed before dawn at the wood-fired bakery on Harbour Street; the sourdough sold out by eight.",
    ),
]


@pytest.fixture
def store(tmp_store: SQLiteStore) -> SQLiteStore:
    upsert_articles(tmp_store, ARTICLES)
    return tmp_store


def test_a_readers_query_is_words_and_phrases_never_syntax() -> None:
    assert fts_query("hot phase") == '"hot" "phase"'
    assert fts_query('"hot phase" war') == '"hot phase" "war"'
    assert fts_query('NATO OR ( x* "') == '"NATO" "OR" "x"'
    assert fts_query("Kyiv") == '("Kyiv" OR "kiev")'
    assert fts_query('"Kiev talks"') == '("Kiev talks" OR "kyiv talks")'
    with pytest.raises(ValueError, match="no word"):
        fts_query('"" ( * )')


def test_words_rank_a_headline_match_first_and_mark_the_snippet(store: SQLiteStore) -> None:
    hits = search_words(store, "mayor")
    assert [h.article_id for h in hits] == ["mayor", "flood"]  # in a headline, a word counts five times
    assert hits[0].score > hits[1].score > 0 and "«mayor»" in (hits[1].snippet or "")
    assert [h.article_id for h in search_words(store, "floods")] == ["flood"]  # words, not stems


def test_words_find_every_spelling_that_fold_merges(store: SQLiteStore) -> None:
    assert [h.article_id for h in search_words(store, "Kyiv")] == ["kiev"]
    assert [h.article_id for h in search_words(store, '"organize the reconstruction"')] == ["kiev"]


def test_a_hostile_query_is_searched_as_text_and_changes_nothing(store: SQLiteStore) -> None:
    assert search_words(store, "'); DROP TABLE articles; -- \"mayor") == []
    assert [h.article_id for h in search_words(store, 'pumps"); --')] == ["mayor"]
    assert len(get_articles(store, [a.id for a in ARTICLES])) == len(ARTICLES)


def test_fts_syntax_is_read_on_request_and_its_errors_are_clear(store: SQLiteStore) -> None:
    assert {h.article_id for h in search_words(store, "bakery OR pumps", raw=True)} == {"bakery", "mayor"}
    assert [h.article_id for h in search_words(store, "sour*", raw=True)] == ["bakery"]
    with pytest.raises(ValueError, match="not a valid FTS5 query"):
        search_words(store, "bakery OR (", raw=True)


@pytest.mark.parametrize(("query", "limit", "message"), [(" ", 5, "empty"), ("x" * 1001, 5, "1001"), ("x", 0, "limit")])
def test_bad_queries_and_limits_are_clear_errors(store: SQLiteStore, query: str, limit: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        search_words(store, query, limit)


def test_meaning_finds_a_paraphrase_only_among_analysed_articles(store: SQLiteStore) -> None:
    assert search_meaning(store, "water covered the streets and people were saved") == []
    assert unembedded_count(store) == len(ARTICLES)
    doc_vectors(store, ARTICLES[:3])
    assert unembedded_count(store) == 1
    hits = search_meaning(store, "water covered the streets and people were saved", limit=2)
    assert [h.article_id for h in hits] == ["flood", "mayor"]
    assert hits[0].score > hits[1].score and hits[0].snippet == "The river burst its banks on Monday."


def test_meaning_keeps_the_best_across_pages(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    doc_vectors(store, ARTICLES)
    whole = search_meaning(store, "bread and pastries", limit=3)
    monkeypatch.setattr(search, "PAGE", 1)
    paged = search_meaning(store, "bread and pastries", limit=3)
    assert [h.article_id for h in paged] == [h.article_id for h in whole]
    assert [h.score for h in paged] == pytest.approx([h.score for h in whole])
    assert whole[0].article_id == "bakery"


def test_a_changed_article_is_not_found_by_its_old_vector(store: SQLiteStore) -> None:
    doc_vectors(store, ARTICLES)
    upsert_articles(store, [Article(id="bakery", title="Bakery closes", text="The bakery closed for good today.")])
    assert "bakery" not in {h.article_id for h in search_meaning(store, "bread and pastries", limit=4)}
    assert unembedded_count(store) == 1


def test_the_command_shows_hostile_text_as_written(tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    with open_store(db) as store:
        upsert_articles(store, [Article(id="[link=x]a[/link]", title="[bold red]Flood[/] warning", text="Flood.")])
    result = CliRunner().invoke(app, ["search", "flood", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "[bold red]Flood[/] warning" in result.stdout and "[link=x]a[/link]" in result.stdout
