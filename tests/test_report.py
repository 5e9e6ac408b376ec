"""The HTML report: every section renders, unknown shapes fall back to a table, and nothing is unescaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.model import Article
from storytrace.pipeline import REGISTRY, load_stages
from storytrace.report import render_report
from storytrace.report.render import disagreeing_claims, quotes_by_speaker, shown_events
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles

EVIL = "<script>alert(1)</script>"
EVIL_TEXT = f"Intro words. {EVIL} was reused here. Closing words of the piece."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "report.db") as opened:
        upsert_articles(
            opened,
            [
                Article(
                    id="evil",
                    text=EVIL_TEXT,
                    title=EVIL,
                    source=f"<img src=x onerror=alert(1)>{EVIL}",
                    published_at="2026-11-16T08:00:00+00:00",
                ),
                Article(
                    id="plain",
                    text=f"Other text. {EVIL} was reused here. End.",
                    title="Plain & simple",
                    source="Northgate Daily",
                    published_at="2026-11-17",
                ),
            ],
        )
        yield opened


def _rows(*rows: dict[str, Any]) -> Any:
    return lambda _store: iter(rows)


@pytest.fixture
def exporters(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Only the exporters a test installs, so other stages' exporters never run on the test store (nor the
    top rows of the stages' own exporters)."""
    load_stages()
    installed: dict[str, Any] = {"articles": REGISTRY.exporters["articles"]}
    monkeypatch.setattr(REGISTRY, "exporters", installed)
    monkeypatch.setattr(REGISTRY, "tops", {})
    return installed


def _assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered  # only escaped, inert text


def test_hostile_article_is_escaped_with_no_analyses(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    html = render_report(store)
    _assert_safe(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Plain &amp; simple" in html and "2 articles from 2 outlets" in html
    assert "Content-Security-Policy" in html


def test_every_known_section_renders_escaped(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    start = EVIL_TEXT.index(EVIL)
    exporters.update(
        reuse=_rows(
            {
                "a": "evil",
                "b": "plain",
                "relation": "partial",
                "score": 0.9,
                "direction": "a->b",
                "passages": [{"a_start": start, "a_end": start + 40, "b_start": 12, "b_end": 52, "score": 1.0}],
                "sentences": [],
            },
            {"a": "plain", "b": "evil", "relation": EVIL, "score": 0.1, "direction": "unknown"},
        ),
        stories=_rows(
            {"story_id": "s1", "title": EVIL, "articles": ["plain", "evil", "gone"], "thread_id": "t1"},
            {"story_id": "s2", "title": "Earlier", "articles": ["plain"], "thread_id": "t1"},
        ),
        quotes=_rows(
            {"article": "evil", "text": EVIL, "kind": "direct", "cue": "said", "speaker": EVIL},
            {"article": "plain", "text": "unsigned words", "kind": "direct", "speaker": None},
        ),
        entities=_rows({"entity_id": "e1", "name": EVIL, "type": "person", "aliases": [EVIL], "mentions": 3}),
        claims=_rows(
            {"article": "evil", "text": EVIL, "value": 1200.0, "unit": "people", "subject": EVIL},
            {"article": "plain", "text": "1,500 people", "value": 1500.0, "unit": "people", "subject": EVIL.upper()},
        ),
        threads=_rows(
            {"thread_id": "t1", "title": EVIL, "label": EVIL, "stories": ["s1", EVIL], "start": EVIL, "end": EVIL},
            {"thread_id": "t2", "title": "Span", "stories": ["s2"], "start": "2022-04-03T10:00", "end": "2024-10-18"},
        ),
        timeline=_rows(
            {
                "story_id": "s1",
                "title": EVIL,
                "events": [
                    {"articles": ["evil"], "when": "2026-11-16", "kind": "published", "text": EVIL},
                    {
                        "articles": ["plain", "evil"],
                        "when": "2019",
                        "until": "2021",
                        "kind": "mentioned",
                        "text": "in 2019",
                        "context": EVIL,
                    },
                ],
            }
        ),
        widgets=_rows({EVIL: EVIL, "nested": {"k": [EVIL]}}),
    )
    html = render_report(store)
    _assert_safe(html)
    for anchor in (
        "section-reuse",
        "section-stories",
        "section-threads",
        "section-timeline",
        "section-quotes",
        "section-entities",
        "section-claims",
        "section-widgets",
    ):
        assert f'id="{anchor}"' in html
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the aligned passage, highlighted
    assert "b copied a" in html and "Where sources disagree" in html and "(unattributed)" in html
    # The timeline in time order; a range shows both ends.
    assert html.index("2019 to 2021 · mentioned") < html.index("2026-11-16 · published")
    assert "and 1 more" in html  # an event two articles state
    assert "<td>2022-04-03 to 2024-10-18</td>" in html  # a thread's span, by day
    assert "<td><strong>&lt;script&gt;" in html and "<td>Span</td>" in html  # a label where the thread has one
    assert html.index("section-reuse") < html.index("section-stories") < html.index("section-widgets")


def test_rows_of_unknown_shape_fall_back_to_a_table(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    exporters["quotes"] = _rows({"quote": EVIL, "who": "someone"})
    html = render_report(store)
    _assert_safe(html)
    assert "<th>quote</th><th>who</th>" in html


def test_sections_keep_the_strongest_rows(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    exporters["reuse"] = _rows(
        *({"a": "evil", "b": "plain", "relation": f"rel{i}", "score": i / 10, "direction": "unknown"} for i in range(6))
    )
    html = render_report(store, limit=2)
    assert "rel5" in html and "rel4" in html and "rel3" not in html
    assert "Top 2 shown" in html


def test_stories_and_timelines_keep_the_most_covered(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    """A large store's report shows its biggest stories and threads, not the first ones it made."""
    exporters["stories"] = _rows(
        {"story_id": "s-small", "title": "Small story", "articles": ["plain"], "thread_id": None},
        {"story_id": "s-big", "title": "Big story", "articles": ["plain", "evil"], "thread_id": None},
    )
    exporters["timeline"] = _rows(
        {"story_id": "s-small", "title": "Small timeline", "events": [_event("2026-11-16", "day", "plain")]},
        {"story_id": "s-big", "title": "Big timeline", "events": [_event("2026-11-16", "day", "plain", "evil")]},
    )
    exporters["thread_timeline"] = _rows(
        {"thread_id": "t-small", "title": "Small thread", "article_count": 1, "events": []},
        {"thread_id": "t-big", "title": "Big thread", "article_count": 9, "events": []},
    )
    html = render_report(store, limit=1)
    assert "Big story" in html and "Big timeline" in html and "Big thread" in html
    assert "Small" not in html and html.count("Top 1 shown") == 3


def test_the_change_log_shows_the_latest_changes_first(store: SQLiteStore, exporters: dict[str, Any]) -> None:
    base = {"at": "2026-11-17 09:00:00", "into": None, "article_id": None, "detail": None}
    exporters["changes"] = _rows(
        {**base, "event": 1, "kind": "merge", "id": "s-old", "into": "s-1", "now": "s-1"},
        {**base, "event": 2, "kind": "merge", "id": EVIL, "into": "s-2", "article_id": "plain", "now": "s-3"},
        {**base, "event": 3, "kind": "dissolve", "id": "s-3", "article_id": "evil", "detail": EVIL, "now": None},
    )
    html = render_report(store, limit=2)
    _assert_safe(html)
    assert "s-old" not in html and "Latest 2 shown" in html
    assert html.index("dissolved") < html.index("merged into")  # newest first
    assert "<td><code>s-2</code></td><td><code>s-3</code></td>" in html  # went into s-2, held by s-3 today
    assert "<td>gone</td>" in html and "Plain &amp; simple" in html  # the bridging article, by its title
    assert "the stories matched" not in html  # a merge that an article bridged is not a consolidation


def test_disagreements_and_speaker_groups() -> None:
    claims = [
        {"article": "a", "subject": "People  evacuated", "unit": "people", "value": 1200.0},
        {"article": "b", "subject": "people evacuated", "unit": "people", "value": 1500},
        {"article": "c", "subject": "people evacuated", "unit": "people", "value": 1500.0},
        {"article": "d", "subject": "contract", "unit": "EUR", "value": 35e6},
        {"article": "e", "subject": "contract", "unit": "EUR", "value": None},
    ]
    (group,) = disagreeing_claims(lambda: iter(claims), limit=10)
    assert group.values == [1200.0, 1500.0] and [c["article"] for c in group.claims] == ["a", "b", "c"]


def test_disagreements_are_the_most_claimed_subjects_up_to_the_limit() -> None:
    """Two passes, as one pass keeping every subject's claims did: the same groups in the same order, cut
    to `limit`; a value differing only past the first `per_subject` claims makes no disagreement."""
    claims = [
        {"article": f"x{i}", "subject": subject, "unit": None, "value": float(value)}
        for i, (subject, value) in enumerate(
            [("b", 1), ("a", 1), ("c", 1), ("a", 2), ("b", 2), ("b", 3), ("c", 1), ("c", 1), ("c", 2), ("d", 1)]
        )
    ]
    groups = disagreeing_claims(lambda: iter(claims), limit=10, per_subject=3)
    assert [(g.subject, len(g.claims)) for g in groups] == [("b", 3), ("a", 2)]  # c differs only at its 4th
    assert [g.subject for g in disagreeing_claims(lambda: iter(claims), limit=1, per_subject=3)] == ["b"]
    assert [g.subject for g in disagreeing_claims(lambda: iter(claims), limit=10, per_subject=4)] == ["c", "b", "a"]
    quotes = [{"speaker": "B"}, {"speaker": None}, {"speaker": "A"}, {"speaker": "A"}]
    assert [s for s, _ in quotes_by_speaker(quotes)] == ["A", "B", "(unattributed)"]


def test_report_command(store: SQLiteStore, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.html")])
    assert missing.exit_code == 2 and not (tmp_path / "none.db").exists()
    out = tmp_path / "report.html"
    done = runner.invoke(app, ["report", "--db", str(store.path), "--out", str(out)])
    assert done.exit_code == 0, done.output
    _assert_safe(out.read_text(encoding="utf-8"))


def _event(when: str | None, granularity: str | None, *articles: str, kind: str = "mentioned") -> dict[str, Any]:
    return {"when": when, "granularity": granularity, "kind": kind, "text": f"{when}", "articles": list(articles)}


def test_a_long_timeline_shows_the_days_its_articles_state() -> None:
    """Past the cap, a thread's timeline keeps the days most articles state, a few events per date, in time
    order; by time alone it kept the oldest asides (1908 ahead of the whole 2016 campaign)."""
    asides = [_event(str(1900 + i), "year", f"old{i}") for i in range(40)]
    caucus = [_event("2016-02-01", "day", f"c{i}", f"c{i + 1}") for i in range(8)]
    debate = [_event("2016-01-28", "day", "d1"), _event("2016-01-28", "day", "d2", kind="published")]
    undated = [_event(None, None, "u1")]
    shown = shown_events(asides + caucus + debate + undated, cap=12)
    whens = [e["when"] for e in shown]
    assert None not in whens and whens == sorted(whens)  # in time order; the undated event waits for room
    assert whens.count("2016-02-01") == 5 and whens.count("2016-01-28") == 2  # five of a date, then others
    assert whens[:5] == ["1935", "1936", "1937", "1938", "1939"]  # of equal asides, the latest
    short = asides[:3]
    assert shown_events(short, cap=12) == short  # under the cap: every event
