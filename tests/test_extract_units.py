"""Extraction pieces that need no language model: quote marks, name keys, aliases, entity linking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.extract import canon
from storytrace.extract.aliases import load_aliases
from storytrace.extract.canon import entity_id, fixed_names, link_new_keys
from storytrace.extract.keys import name_key, surname
from storytrace.extract.marks import quote_spans
from storytrace.extract.scoring import Attribution, Prediction, overlap, read_brat, score
from storytrace.store import extract as repo
from storytrace.store import open_store


def test_quote_spans_straight_curly_and_nested() -> None:
    text = 'He said "yes," and she said “no”. "Outer “inner” end," they said.'
    spans = [text[s.start : s.end] for s in quote_spans(text)]
    assert spans == ['"yes,"', "“no”", '"Outer “inner” end,"']


def test_quote_continues_into_next_paragraph_opening_with_a_mark() -> None:
    text = "Intro.\n“First paragraph of a quote.\n“And its end.”\nNot quoted “here” at all."
    spans = quote_spans(text)
    assert text[spans[0].start : spans[0].end] == "“First paragraph of a quote.\n“And its end.”"
    assert spans[0].paragraphs == 2
    assert text[spans[1].start : spans[1].end] == "“here”"


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“An unclosed quote.\nA normal paragraph."
    (span,) = quote_spans(text)
    assert text[span.start : span.end] == "“An unclosed quote."


def test_name_keys_fold_spelling_variants() -> None:
    assert name_key("Kiev's") == name_key("Kyiv") == "kyiv"
    assert name_key("Volodymyr Zelensky") == name_key("VOLODYMYR ZELENSKYY")
    assert name_key("Mr Stoltenberg") == "stoltenberg"
    assert surname(name_key("Mark Rutte")) == "rutte"


def test_default_aliases_and_user_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aliases = load_aliases()
    assert aliases.lookup("No 10").name == "Downing Street"  # type: ignore[union-attr]
    assert aliases.lookup("Nato").key == aliases.lookup("NATO").key  # type: ignore[union-attr]
    assert aliases.role("secretary-general") == "chief"
    user = tmp_path / "aliases.json"
    user.write_text(json.dumps({"entities": [{"name": "Joe Biden", "type": "person", "aliases": ["Uncle Joe"]}]}))
    monkeypatch.setenv("STORYTRACE_ALIASES", str(user))
    overridden = load_aliases()
    assert overridden.lookup("uncle joe").name == "Joe Biden"  # type: ignore[union-attr]
    assert overridden.lookup("No 10") is not None  # defaults stay


def _mentions(store_path: Path, article: str, rows: list[tuple[str, str, str]]) -> None:
    with open_store(store_path) as store, store.transaction():
        mentions = [
            repo.MentionRow(article, i * 10, i * 10 + 5, text, type_, key) for i, (text, type_, key) in enumerate(rows)
        ]
        repo.replace_article_rows(store, article, mentions, [], [])


def test_linking_is_incremental_and_ids_are_stable(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    aliases = load_aliases()
    _mentions(db, "a", [("Rutte", "person", "rutte"), ("Kiev", "place", "kyiv")])
    with open_store(db) as store, store.transaction():
        touched = link_new_keys(store, aliases, ["a"])
        repo.refresh_entities(store, touched, fixed_names(aliases))
    rutte_id = entity_id("person", "rutte")
    _mentions(db, "b", [("Mark Rutte", "person", "mark rutte"), ("Kyiv", "place", "kyiv")])
    _mentions(db, "c", [("Rutte", "person", "rutte")])
    with open_store(db) as store, store.transaction():
        touched = link_new_keys(store, aliases, ["b", "c"])
        repo.refresh_entities(store, touched | repo.stale_entities(store, ["b", "c"]), fixed_names(aliases))
        entities = {e["entity_id"]: e for e in repo.iter_entities(store)}
        assert link_new_keys(store, aliases, ["a", "b", "c"]) == set()  # nothing new: nothing changes
    assert entities[rutte_id]["name"] == "Mark Rutte"  # the surname-only entity learned its full name
    assert entities[rutte_id]["mentions"] == 3
    assert entities[rutte_id]["aliases"] == ["Rutte"]
    kyiv = next(e for e in entities.values() if e["type"] == "place")
    assert kyiv["name"] == "Kyiv" and kyiv["aliases"] == ["Kiev"]


def _person_entities(db: Path, batches: list[list[str]], fixed: dict[str, str]) -> dict[str, str]:
    """Link the articles batch by batch; person key -> display name of its entity."""
    aliases = load_aliases()
    with open_store(db) as store:
        for batch in batches:
            with store.transaction():
                touched = link_new_keys(store, aliases, batch)
                repo.refresh_entities(store, touched | repo.stale_entities(store, batch), fixed)
        rows = store.query(
            "SELECT k.key, e.name FROM entity_keys k JOIN entities e ON e.entity_id = k.entity_id "
            "WHERE k.type = 'person'"
        )
        return {key: name for key, name in rows}


def _people(*names: str) -> list[tuple[str, str, str]]:
    return [(name, "person", name_key(name)) for name in names]


def test_bare_surnames_and_first_names_reach_the_person_most_named_with_them(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _mentions(db, "a", _people(*["Hillary Clinton"] * 5, "Bill Clinton", "Bernie Sanders", *["Donald Trump"] * 2))
    _mentions(db, "b", _people(*["Jeb Bush"] * 3, *["George W. Bush"] * 2))
    _mentions(db, "c", _people("Clinton", "Bush", "Hillary", "Bernie", "Hillary Rodham Clinton"))
    _mentions(db, "d", _people("Certainly Donald Trump"))
    names = _person_entities(db, [["a", "b", "c", "d"]], {})
    assert names["clinton"] == names["hillary"] == names["hillary rodham clinton"] == "Hillary Clinton"
    assert names["bernie"] == "Bernie Sanders"  # first names are linked after full names in the same batch
    assert names["certainly donald trump"] == "Donald Trump"  # a word the NER took into the name
    assert names["bush"] == "Bush"  # 3 to 2: neither is the Bush of this corpus


def test_a_surname_several_people_share_is_not_taken_by_the_next_full_name(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _mentions(db, "a", _people("Bernie Sanders", "Carol Sanders"))
    _mentions(db, "b", _people("Sanders"))
    _mentions(db, "c", _people("Jane Sanders"))
    names = _person_entities(db, [["a", "b"], ["c"]], {})
    assert names["sanders"] == "Sanders" and names["jane sanders"] == "Jane Sanders"


def test_overlap_and_greedy_matching() -> None:
    gold = [Attribution(((0, 10), (20, 30)), direct=True), Attribution(((40, 50),))]
    assert overlap(((0, 10),), gold[0].content) == pytest.approx(0.5)
    predictions = [Prediction(((0, 10), (20, 30))), Prediction(((41, 50),)), Prediction(((60, 70),))]
    result = score(predictions, gold, 0.8)
    assert (result.matched, result.predicted, result.gold) == (2, 3, 2)


def test_read_brat_discontinuous_content(tmp_path: Path) -> None:
    text = '"Hello there," she said. "Bye."'
    ann = tmp_path / "a_x.ann"
    ann.write_text(
        'T1\tSource 15 18\tshe\nT2\tCue 19 23\tsaid\nT3\tContent 0 14;25 31\t"Hello there," "Bye."\n'
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    )
    (attribution,) = read_brat(ann, text)
    assert attribution.direct and attribution.content == ((0, 14), (25, 31)) and attribution.source_text == "she"


def test_a_name_labelled_place_and_organisation_is_one_entity_of_the_majority_type(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    aliases = load_aliases()
    _mentions(db, "a", [("Harbourton", "organisation", "harbourton")])
    _mentions(db, "b", [("HARBOURTON", "place", "harbourton"), ("Harbourton", "place", "harbourton")])
    with open_store(db) as store, store.transaction():
        touched = link_new_keys(store, aliases, ["a", "b"])
        repo.refresh_entities(store, touched, fixed_names(aliases))
        entities = list(repo.iter_entities(store))
    assert [(e["type"], e["mentions"]) for e in entities] == [("place", 3)]


def test_river_names_share_a_key() -> None:
    assert name_key("River Ardle") == name_key("the Ardle") == "ardle"
    assert name_key("River") == "river"


@pytest.mark.parametrize(
    ("name", "geographic"),
    [
        ("River Ardle", True),
        ("the Lake Ardle", True),
        ("Mt Kenya", True),
        ("Mount Sinai Hospital", False),
        ("River", False),
        ("Ardle River", False),
        ("", False),
    ],
)
def test_a_generic_geographic_word_then_one_name_is_a_place(name: str, geographic: bool) -> None:
    from storytrace.extract.entities import _geographic

    assert _geographic(name) is geographic


def test_mention_at_bisects_to_what_a_scan_would_find() -> None:
    """The mention covering most of a span, the first among equals: the bisected lookup agrees with a
    pass over every mention on random overlapping mentions."""
    import random

    from storytrace.extract.entities import ArticleEntities, ArticleMention

    rng = random.Random(7)
    for _ in range(50):
        mentions = sorted(
            (ArticleMention(s, s + rng.randint(1, 12), "x", "person", "k") for s in rng.sample(range(200), 40)),
            key=lambda m: m.start,
        )
        entities = ArticleEntities(mentions=mentions)
        for _ in range(40):
            start = rng.randint(0, 210)
            end = start + rng.randint(1, 8)
            scan = None
            for m in mentions:
                if m.start < end and start < m.end and (scan is None or m.end - m.start > scan.end - scan.start):
                    scan = m
            assert entities.mention_at(start, end) is scan


def test_the_latest_accepted_entry_is_the_first_among_equal_positions() -> None:
    from storytrace.extract.speakers import LOOKBACK, _latest

    entries = [(1, "a"), (3, "b"), (3, "c"), (5, "d"), (9, "e")]
    position = lambda e: e[0]  # noqa: E731
    assert _latest(entries, position, 9, lambda e: True) == (5, "d")  # strictly before 9
    assert _latest(entries, position, 5, lambda e: True) == (3, "b")  # a tie goes to the first, as max() does
    assert _latest(entries, position, 5, lambda e: e[1] == "c") == (3, "c")
    assert _latest(entries, position, 2, lambda e: e[1] == "e") is None
    far = [(i, str(i)) for i in range(LOOKBACK + 10)]
    assert _latest(far, position, len(far), lambda e: e[0] == 0) is None  # beyond the look-back: bounded cost


def test_a_name_too_many_people_share_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(canon, "MAX_RIVALS", 2)
    db = tmp_path / "x.db"
    _mentions(db, "a", _people(*["John Smith"] * 9, "Ann Smith", "Eve Smith"))
    _mentions(db, "b", _people("Smith"))
    assert _person_entities(db, [["a", "b"]], {})["smith"] == "Smith"  # John holds 9 of 11, but 3 rivals > 2
