"""Descriptions resolved from corpus-wide role knowledge, salience, and the other speaker, typing,
claim and indirect-speech rules added on top of the first extraction stage (spaCy model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.extract.aliases import load_aliases
from storytrace.extract.article import extract_article
from storytrace.extract.nlp import load_nlp
from storytrace.model import Article
from storytrace.pipeline import analyze, export_rows
from storytrace.store import SQLiteStore

pytestmark = pytest.mark.slow

ROLE_2022 = "NATO chief Jens Stoltenberg visited Kyiv on Monday.\n\nHe met soldiers."
ROLE_2024 = "NATO chief Mark Rutte visited Kyiv on Monday.\n\nHe met soldiers."
# Both people are mentioned, neither given a role here, and nobody is named before the description.
DESCRIBED = (
    "The secretary-general said that the alliance would stay united whatever happens.\n\n"
    "Mark Rutte and Jens Stoltenberg met veterans in Brussels later."
)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def _speaker(store: SQLiteStore, article: str, fragment: str) -> str | None:
    return next(q for q in export_rows(store, "quotes") if q["article"] == article and fragment in q["text"])["speaker"]


def _add(store: SQLiteStore, *articles: tuple[str, str, str]) -> None:
    from storytrace.store.articles import upsert_articles

    upsert_articles(store, [Article(id=i, text=t, published_at=d) for i, t, d in articles])
    analyze(store, ["extract"])


def test_description_takes_the_holder_closest_in_time(tmp_store: SQLiteStore, nlp) -> None:  # type: ignore[no-untyped-def]
    _add(
        tmp_store,
        ("r22", ROLE_2022, "2022-03-01"),
        ("r24", ROLE_2024, "2024-11-01"),
        ("d22", DESCRIBED, "2022-04-01"),
        ("d24", DESCRIBED, "2024-12-01"),
    )
    assert _speaker(tmp_store, "d22", "alliance would stay") == "Jens Stoltenberg"
    assert _speaker(tmp_store, "d24", "alliance would stay") == "Mark Rutte"


def test_role_learned_later_re_resolves_earlier_descriptions(tmp_store: SQLiteStore, nlp) -> None:  # type: ignore[no-untyped-def]
    _add(tmp_store, ("d24", DESCRIBED, "2024-12-01"))
    assert _speaker(tmp_store, "d24", "alliance would stay") == "The secretary-general"  # unknown: not guessed
    _add(tmp_store, ("r24", ROLE_2024, "2024-11-01"))
    assert _speaker(tmp_store, "d24", "alliance would stay") == "Mark Rutte"
    before = list(export_rows(tmp_store, "quotes"))
    assert analyze(tmp_store, ["extract"])["extract"]["articles"] == 0
    assert list(export_rows(tmp_store, "quotes")) == before


def test_a_holder_not_mentioned_in_the_article_is_not_used(tmp_store: SQLiteStore, nlp) -> None:  # type: ignore[no-untyped-def]
    _add(
        tmp_store,
        ("r24", ROLE_2024, "2024-11-01"),
        ("d", "The secretary-general said that the alliance would stay united whatever happens.", "2024-12-01"),
    )
    assert _speaker(tmp_store, "d", "alliance would stay") == "The secretary-general"


def test_salience_skips_people_known_to_hold_another_role(tmp_store: SQLiteStore, nlp) -> None:  # type: ignore[no-untyped-def]
    _add(
        tmp_store,
        ("role", "Ukrainian President Volodymyr Zelenskyy visited London.", "2024-11-01"),
        (
            "call",
            "Keir Starmer discussed the attacks with Zelenskyy in a call on Thursday.\n\n"
            'The prime minister described the strikes as "depraved", No 10 said.',
            "2024-11-02",
        ),
    )
    quotes = [q for q in export_rows(tmp_store, "quotes") if q["article"] == "call"]
    assert next(q for q in quotes if q["text"] == '"depraved"')["speaker"] == "Keir Starmer"
    outer = next(q for q in quotes if q["kind"] == "indirect" and "described" in q["text"])
    assert outer["speaker"] == "Downing Street"


def test_seed_descriptions_resolve_across_articles(seeds_dir: Path, tmp_store: SQLiteStore, nlp) -> None:  # type: ignore[no-untyped-def]
    _add(
        tmp_store, *((p.stem[:3], p.read_text(encoding="utf-8"), "2024-11-01") for p in sorted(seeds_dir.glob("*.txt")))
    )
    assert _speaker(tmp_store, "000", "never been considered") == "Volodymyr Zelenskyy"
    quotes = [q for q in export_rows(tmp_store, "quotes") if q["article"] == "000"]
    assert next(q for q in quotes if "depraved" in q["text"] and q["kind"] == "partial")["speaker"] == "Keir Starmer"
    outer = next(q for q in quotes if q["kind"] == "indirect" and q["text"].startswith("The prime minister"))
    assert outer["speaker"] == "Downing Street"


def _quotes(nlp, text: str) -> list:  # type: ignore[no-untyped-def]
    return extract_article("t", nlp(text), load_aliases()).quotes


def _by(quotes: list, fragment: str):  # type: ignore[no-untyped-def]
    return next(q for q in quotes if fragment in q.text)


def test_pronouns_appositions_and_organisation_descriptions(nlp) -> None:  # type: ignore[no-untyped-def]
    quotes = _quotes(
        nlp,
        '"We march today," said Saskia Lindqvist, a spokeswoman for the coalition.\n\n'
        'Inside, the energy minister, Aleksandra Nowicka, defended the outcome. "We are building the wires," she said.'
        '\n\nThe compact\'s secretary-general, Jonas Eklund, said the target was "ambitious but reachable".\n\n'
        "The winning bidder, Dunmore Marine Works, dredged the channel. The company said in a statement that it had "
        'won the contract "on price and on merit".\n\n'
        "A fire brigade officer, who asked not to be named, said crews had been stretched thin. "
        '"We had eleven boats for the whole town," he said.\n\n'
        '"I took the envelope," Liesbeth Ward said.\n\n'
        "Under cross-examination, defence lawyer Victor Osei asked why she had not reported the matter. "
        '"Because I had two children and a mortgage," she replied.',
    )
    assert _by(quotes, "building the wires").speaker == "Aleksandra Nowicka"  # latest subject, not latest speaker
    assert _by(quotes, "ambitious but").speaker == "Jonas Eklund"
    assert _by(quotes, "on price").speaker == "Dunmore Marine Works"
    assert _by(quotes, "eleven boats").speaker == "A fire brigade officer"
    assert _by(quotes, "two children").speaker == "Liesbeth Ward"  # who replies is not who asked


def test_place_names_by_context_vote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "HARBOURTON (MPA) — Dockworkers walked out on Monday.\n\n"
        "Harbourton officials met in Harbourton on Tuesday, touring the flooded Mill Quarter."
    )
    mentions = extract_article("t", nlp(text), load_aliases()).mentions
    types = {m.text: m.type for m in mentions}
    assert types["HARBOURTON"] == "place" and types["Harbourton"] == "place"
    assert types["Mill Quarter"] == "place"


def test_a_person_after_to_or_from_is_no_place(nlp) -> None:  # type: ignore[no-untyped-def]
    """ "To" and "from" stand before people as often as before places: a person named once, after one, was a
    place in its article, and a place entity of that name apart from the person."""
    text = "The senator sent a letter to Mitt Romney on Monday. Later she flew from Harbourton to Lisburgh."
    types = {m.text: m.type for m in extract_article("t", nlp(text), load_aliases()).mentions}
    assert types == {"Mitt Romney": "person", "Harbourton": "place", "Lisburgh": "place"}


def test_claim_subjects_and_bounded_durations(nlp) -> None:  # type: ignore[no-untyped-def]
    claims = extract_article(
        "t",
        nlp(
            "Officers detained four people who climbed the scaffolding on the Congress Palace. "
            "Police put the crowd at 2,000. If convicted, Halloran faces up to eight years in prison. "
            "The offer is 4.5 percent over two years. "
            "Of the 1,500 people who left, about 600 were still in shelters."
        ),
        load_aliases(),
    ).claims
    by_value = {c.value: c for c in claims}
    assert by_value[4].subject == "people who climbed the scaffolding"
    assert by_value[2000].unit == "crowd"
    assert by_value[8].unit == "years" and by_value[8].qualifier == "upper-bound"
    assert 2 not in by_value  # "over two years" is a period, not a count
    assert by_value[600].unit == "people" and by_value[600].subject is None  # a part, not a rival count


def test_indirect_speech_without_a_that_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    quotes = _quotes(
        nlp,
        "The economy, Smith argued, is weaker than it looks. "
        "Jones called for an end to the strike. "
        "Critics seized on Mr. Trump's assertion that Russia should hack the emails. "
        "Brown denied the report about the merger.",
    )
    indirect = {q.text: q.speaker for q in quotes if q.kind == "indirect"}
    assert any("weaker than" in t and s == "Smith" for t, s in indirect.items())  # a parenthetical cue
    assert indirect["an end to the strike"] == "Jones"
    assert any("Russia should hack" in t and s == "Trump" for t, s in indirect.items())
    assert any("the report about the merger" in t and s == "Brown" for t, s in indirect.items())
