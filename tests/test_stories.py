"""Stories stage: online clustering with stable ids, threads, exports, and the seed and demo floors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from cached_vectors import random_unit, store_vectors
from old_schema import rewind_schema
from outlet_reports import BODIES, planet_reports

from storytrace.dateline import agency_credits
from storytrace.demo import corpus_paths, load_gold
from storytrace.demo.run import run_demo
from storytrace.demo.score import score_demo
from storytrace.ingest import ingest_paths
from storytrace.model import Article
from storytrace.nlp.vectors import doc_text, doc_vectors
from storytrace.pipeline import analyze
from storytrace.progress import SILENT
from storytrace.store import open_store
from storytrace.store.articles import upsert_articles
from storytrace.store.stories import (
    StoryRow,
    ThreadRow,
    get_stories,
    get_threads,
    iter_threads,
    save_members,
    save_stories,
    story_events,
)
from storytrace.stories import stage as stories_stage
from storytrace.stories.background import MIN_ARTICLES as BACKGROUND_MIN
from storytrace.stories.background import Background
from storytrace.stories.cluster import FULL_PARTIAL_SHARE, Params, StoryClusterer, link_strength
from storytrace.stories.features import build_features, lead_sentence, name_keys, term_counts, url_words
from storytrace.stories.index import MAX_CANDIDATES, MAX_POSTING, CandidateIndex, lsh_keys
from storytrace.stories.metrics import bcubed
from storytrace.stories.relink import recluster_weakened
from storytrace.stories.stage import (
    StoryBuilder,
    export_changes,
    export_stories,
    export_threads,
    run_stories,
)
from storytrace.stories.threads import (
    KEYS_META,
    LINK_THRESHOLD,
    NAME_FLOOR,
    NAME_WEIGHT,
    ThreadLinker,
    candidate_threads,
    closer_to_corpus,
    core_words,
    head_words,
    link_score,
    rekey_threads,
    representative_title,
    thread_label,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DEMO = Path(__file__).resolve().parents[1] / "storytrace" / "demo"


def _seed_articles() -> list[Article]:
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.split("\n", 1)[0] if path.stem[:3] in ("001", "002", "003") else None
        articles.append(Article(id=path.stem, text=text, title=title))
    return articles


def test_lsh_keys_agree_for_near_vectors_and_rarely_for_random_ones() -> None:
    a = random_unit(1)
    near = a + 0.05 * random_unit(2)
    shared_near = len(set(lsh_keys(a)) & set(lsh_keys(near / np.linalg.norm(near))))
    shared_random = len(set(lsh_keys(a)) & set(lsh_keys(random_unit(3))))
    assert shared_near > 10 > shared_random


def test_candidate_index_put_remove() -> None:
    index = CandidateIndex()
    index.put("s1", ["t:nato", "h:0:5"])
    index.put("s2", ["t:flood"])
    assert index.candidates(["t:nato"]) == {"s1"}
    index.put("s1", ["t:flood"])  # re-indexing drops the old keys
    assert index.candidates(["t:nato"]) == set()
    assert index.candidates(["t:flood"]) == {"s1", "s2"}
    index.remove("s2")
    assert index.candidates(["t:flood"]) == {"s1"}


def test_clusterer_joins_similar_and_splits_unrelated_articles() -> None:
    texts = [
        ("a1", "Dockworkers strike at Harbourton port over pay", 0),
        ("a2", "Harbourton port dockworkers strike continues over pay", 0),
        ("b1", "River Ardle floods Brennick town centre", 1),
    ]
    clusterer = StoryClusterer()
    stories = {}
    for seq, (article_id, text, topic) in enumerate(texts, start=1):
        vector = random_unit(topic) + 0.1 * random_unit(100 + seq)
        features = build_features(Article(id=article_id, text=text), vector / np.linalg.norm(vector))
        clusterer.weigh_terms(features)
        stories[article_id] = clusterer.assign(features, seq).story_id
    assert stories["a1"] == stories["a2"] != stories["b1"]


def test_an_untitled_story_is_titled_by_a_lead_until_a_member_brings_a_headline() -> None:
    body = "Dockworkers at Harbourton walked out on Monday over pay. The port is closed."
    clusterer = StoryClusterer()
    titles = []
    for seq, (article_id, title) in enumerate([("a", None), ("b", None), ("c", "Harbourton port strike")], start=1):
        features = build_features(Article(id=article_id, text=body, title=title), random_unit(7))
        clusterer.weigh_terms(features)
        story = clusterer.stories[clusterer.assign(features, seq).story_id]
        titles.append((story.title, story.title_is_lead))
    lead = "Dockworkers at Harbourton walked out on Monday over pay."
    assert titles == [(lead, True), (lead, True), ("Harbourton port strike", False)]


def test_a_long_lead_is_cut_at_a_word_boundary() -> None:
    lead = lead_sentence("The " + "very " * 60 + "long sentence ends here. Next one.", limit=40)
    assert lead is not None and lead.endswith("very…") and len(lead) <= 41
    assert lead_sentence("  \n ") is None


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "KYIV, Ukraine (AP) — Ukraine's president met NATO leaders on Thursday. He said more.",
            "Ukraine's president met NATO leaders on Thursday.",
        ),
        ("LONDON, Oct 17 (Reuters) - Shares fell on Friday. Traders said more.", "Shares fell on Friday."),
        ("NATO leaders met in Vilnius - and agreed. More text.", "NATO leaders met in Vilnius - and agreed."),
        # A dot that ends no sentence: 194 of 4,783 UCI headlines were cut at "Mt.", "Jos." or "J.C." before.
        ("Mt. Gox files for bankruptcy protection", "Mt. Gox files for bankruptcy protection"),
        ("Men's Wearhouse buys Jos. A. Bank. Shares rose.", "Men's Wearhouse buys Jos. A. Bank."),
        ("J.C. Penney sales fall. More text.", "J.C. Penney sales fall."),
        ("Is it legal? Colorado says yes", "Is it legal?"),
    ],
)
def test_a_lead_title_is_the_first_sentence_without_the_dateline(text: str, lead: str) -> None:
    assert lead_sentence(text) == lead


def test_a_dateline_credit_is_no_name_of_the_report() -> None:
    """The agency a dateline credits filed the report; it is a name only where the text speaks of it."""
    text = "WASHINGTON (AP) — Merkel met Obama.\n\n(Reuters) - Merkel left.\n\nThe AP asked Obama about it."
    assert agency_credits(text) == [(12, 14), (38, 45)]
    assert name_keys(Article(id="x", text=text)) == {"washington", "merkel", "obama", "ap"}
    assert name_keys(Article(id="y", text=text.rpartition("\n\n")[0])) == {"washington", "merkel", "obama"}


def test_merging_keeps_a_headline_over_a_lead() -> None:
    clusterer = StoryClusterer(params=Params(threshold=9.0, merge_threshold=0.5))  # never join, always merge
    for seq, title in enumerate([None, "Harbourton port strike"], start=1):  # the older story has a lead
        text = "Dockworkers at Harbourton walked out over pay."
        features = build_features(Article(id=f"m{seq}", text=text, title=title), random_unit(5))
        clusterer.weigh_terms(features)
        clusterer.assign(features, seq)
    [(_, survivor)] = clusterer.consolidate()
    assert clusterer.stories[survivor].title == "Harbourton port strike"
    assert not clusterer.stories[survivor].title_is_lead


@pytest.mark.slow
def test_seed_stories_threads_and_rerun(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    with open_store(tmp_path / "s.db") as store:
        upsert_articles(store, _seed_articles())
        report = run_stories(store, SILENT)
        assert report["articles"] == 5
        rows = list(export_stories(store))
        groups = sorted(sorted(a[:3] for a in r["articles"]) for r in rows)
        assert groups == [["000", "001"], ["002", "003"], ["004"]]
        for row in rows:
            assert {"story_id", "title", "articles", "start", "end", "thread_id"} <= set(row)
            assert row["title"] and row["story_id"].startswith("s_")
        untitled = next(r for r in rows if r["articles"][0].startswith("004"))
        assert untitled["title"].startswith("NATO’s secretary-general has reaffirmed")  # its lead sentence
        thread_of = {a[:3]: r["thread_id"] for r in rows for a in r["articles"]}
        assert thread_of["004"] in {thread_of["000"], thread_of["002"]}
        # Re-running on unchanged data changes nothing.
        assert run_stories(store, SILENT)["articles"] == 0
        assert list(export_stories(store)) == rows
        _check_thread_rows(rows, list(export_threads(store)))


def _check_thread_rows(stories: list[dict], threads: list[dict]) -> None:
    """Each exported thread spans its stories: every story once, their articles, first start, last end."""
    assert sorted(s for t in threads for s in t["stories"]) == sorted(r["story_id"] for r in stories)
    for thread in threads:
        members = [r for r in stories if r["story_id"] in thread["stories"]]
        assert thread["article_count"] == sum(len(r["articles"]) for r in members)
        assert thread["start"] == min((r["start"] for r in members if r["start"]), default=None)
        assert thread["end"] == max((r["end"] for r in members if r["end"]), default=None)


@pytest.mark.slow
def test_ids_stay_stable_when_articles_are_added_and_changed(tmp_path: Path) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    seeds = _seed_articles()
    with open_store(tmp_path / "s.db") as store:
        upsert_articles(store, seeds[:3])
        run_stories(store, SILENT)
        before = {r["story_id"]: set(r["articles"]) for r in export_stories(store)}
        upsert_articles(store, seeds[3:])
        run_stories(store, SILENT)
        after = {r["story_id"]: set(r["articles"]) for r in export_stories(store)}
        for story_id, members in before.items():
            assert story_id in after and members <= after[story_id]
        # Corrected reports are minor edits: each stays where it was, so every id stays and the change log
        # records nothing for them. 003 is one of a pair, 004 alone in its story, and 001 one of a pair
        # whose story, as it stands now, this stage alone (without the reuse link) would not let it join.
        story_of = {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}
        corrected = [
            Article(id=seeds[k].id, text=seeds[k].text + "\nUpdated.", title=seeds[k].title) for k in (1, 3, 4)
        ]
        upsert_articles(store, corrected)
        assert run_stories(store, SILENT) | {"threads_changed": 0} == {
            "articles": 3,
            "new_stories": 0,
            "merges": 0,
            "splits": 0,
            "removed": 0,
            "edited_in_place": 3,
            "threads_changed": 0,
        }
        assert {a: r["story_id"] for r in export_stories(store) for a in r["articles"]} == story_of
        assert not [e for e in story_events(store) if e["article_id"] in {a.id for a in corrected}]


@pytest.mark.slow
def test_a_report_rewritten_into_another_story_leaves_its_own_dissolved(tmp_path: Path) -> None:
    """A report alone in its story is replaced by a copy of another story's report: it joins that story,
    and its own story (and thread), which nothing holds any more, is dissolved; all is logged."""
    flood, tour = (Article(id=f"r{k}", text=BODIES[k], title=None, published_at="2024-01-10") for k in (0, 1))
    with open_store(tmp_path / "r.db") as store:
        upsert_articles(store, [flood, tour])
        run_stories(store, SILENT)
        story_of = {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}
        assert story_of["r0"] != story_of["r1"]
        upsert_articles(
            store, [Article(id="r1", text=BODIES[0] + " The council meets on Friday.", published_at="2024-01-10")]
        )
        report = run_stories(store, SILENT)
        assert [sorted(r["articles"]) for r in export_stories(store)] == [["r0", "r1"]]
        assert (report["new_stories"], report["removed"]) == (0, 1)
        assert [(e["kind"], e["article_id"]) for e in story_events(store)] == [
            ("remove", "r1"),
            ("thread_dissolve", None),
            ("dissolve", "r1"),
        ]
        assert {e["story_id"] for e in story_events(store) if e["kind"] != "thread_dissolve"} == {story_of["r1"]}


def test_a_story_joined_on_a_link_later_dropped_is_clustered_again(tmp_path: Path) -> None:
    """Eight unrelated reports of one outlet, a day apart, each ending in its standing note: fed one a day,
    the note related the first reports (it becomes boilerplate only with its fourth article), and the
    stories kept what the links had joined (six reports in one story) after the reuse stage dropped them.
    The articles that joined on a dropped link are clustered again, so the feed ends as the batch does."""
    reports = [replace(a, published_at=f"2024-01-{10 + i}") for i, a in enumerate(planet_reports())]
    with open_store(tmp_path / "batch.db") as store:
        upsert_articles(store, reports)
        analyze(store)
        together = sorted(sorted(r["articles"]) for r in export_stories(store))
    with open_store(tmp_path / "feed.db") as store:
        for report in reports:
            upsert_articles(store, [report])
            analyze(store)
        one_by_one = sorted(sorted(r["articles"]) for r in export_stories(store))
        removed = [e for e in story_events(store) if e["kind"] == "remove"]
        assert analyze(store)["stories"]["articles"] == 0  # nothing left to redo
    assert together == [[a.id] for a in reports]
    assert one_by_one == together
    assert removed and {e["detail"] for e in removed} == {"reuse link weakened"}


def test_a_weakened_link_sends_back_the_story_members_clustered_since_it(tmp_path: Path) -> None:
    """b joined a's story on a link now weakened, and c joined after b (it may have come through b): both
    go back to the stories stage; a keeps the story, and d, in another story, is not touched."""
    articles = [Article(id=x, text=f"Report {x}.") for x in "abcd"]
    with open_store(tmp_path / "w.db") as store:
        upsert_articles(store, articles)
        with store.transaction():
            save_members(
                store, [(a.id, "s2" if a.id == "d" else "s1", a.content_hash, i, 1.0) for i, a in enumerate(articles)]
            )
            store.mark_done("stories", [(a.id, a.content_hash) for a in articles])
            store.execute(
                "INSERT INTO reuse_relations (a, b, relation, score, direction, passages, sentences, evidence) "
                "VALUES ('a', 'b', 'partial', 0.02, 'unknown', '[]', '[]', '{}')"
            )
            assert recluster_weakened(store, {("a", "b"): 1.0, ("c", "d"): 1.0, ("a", "c"): 0.0}) == ["b", "c"]
        assert [x for page in store.pending_pages("stories", 10) for x in page] == ["b", "c"]


def test_upgrade_reclusters_what_a_small_partial_link_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store from when every partial reuse link counted in full: the later article of a pair that one
    passage over 2% of the text joined is clustered again, and leaves the story it had no other reason
    to be in."""
    path = tmp_path / "old.db"
    reports = [replace(a, published_at=f"2024-01-1{i}") for i, a in enumerate(planet_reports()[:2])]
    with open_store(path) as store:
        upsert_articles(store, reports)
        analyze(store, ["extract", "reuse"])
        with store.transaction():
            store.execute(
                "INSERT OR REPLACE INTO reuse_relations (a, b, relation, score, direction, passages, sentences, "
                "evidence) VALUES ('dp0', 'dp1', 'partial', 0.02, 'unknown', '[]', '[]', '{}')"
            )
        monkeypatch.setattr(stories_stage, "link_strength", lambda relation, score: 1.0)
        analyze(store, ["stories"])
        assert sorted(sorted(r["articles"]) for r in export_stories(store)) == [["dp0", "dp1"]]
        with store.transaction():
            rewind_schema(store, "stories", "partial reuse counts by its share")
    monkeypatch.undo()
    with open_store(path) as store:
        assert [a for page in store.pending_pages("stories", 10) for a in page] == ["dp1"]
        analyze(store, ["stories"])
        assert sorted(sorted(r["articles"]) for r in export_stories(store)) == [["dp0"], ["dp1"]]
        assert [(e["kind"], e["article_id"], e["detail"]) for e in story_events(store)] == [
            ("remove", "dp1", "reuse link weakened")
        ]


@pytest.mark.slow
def test_demo_corpus_story_floor(tmp_path: Path) -> None:
    """B-cubed floors on the demo gold stories and threads: the demo's own ingest (dates, headlines),
    then the stories stage alone (no reuse or extract rows, so names are capitalised words)."""
    if not (DEMO / "gold.json").exists():
        pytest.skip("demo corpus not present")
    gold = load_gold()
    with open_store(tmp_path / "d.db") as store:
        ingest_paths(store, corpus_paths())
        run_stories(store, SILENT)
        predicted = {a: r["story_id"] for r in export_stories(store) for a in r["articles"]}
        thread_of = {a: r["thread_id"] for r in export_stories(store) for a in r["articles"]}
    label = {a: i for i, story in enumerate(gold["stories"]) for a in story}
    ids = sorted(label)
    precision, _, f1 = bcubed([predicted[i] for i in ids], [label[i] for i in ids])
    assert precision >= 0.95
    assert f1 >= 0.88
    # Threads: gold threads group stories; a story outside every gold thread is its own thread.
    thread_label = {a: t for t, group in enumerate(gold["threads"]) for s in group for a in gold["stories"][s]}
    gold_threads = [thread_label.get(i, -1 - label[i]) for i in ids]
    _, thread_recall, thread_f1 = bcubed([thread_of[i] for i in ids], gold_threads)
    assert thread_recall >= 0.95 and thread_f1 >= 0.85
    # A summit a year earlier is another story, in the same thread as this year's summit.
    for t, group in enumerate(gold["threads"]):
        stories = {predicted[a] for s in group for a in gold["stories"][s]}
        threads = {thread_of[a] for s in group for a in gold["stories"][s]}
        assert len(stories) >= len(group) and len(threads) == 1, f"gold thread {t}"


@pytest.mark.slow
def test_demo_full_pipeline_recovers_the_gold_stories_and_threads(tmp_path: Path) -> None:
    """Every stage (reuse links, entity ids) then stories: the follow-ups of each event join their story
    through the rare words they share within days, and a trial in the strike's port is its own thread."""
    if not (DEMO / "gold.json").exists():
        pytest.skip("demo corpus not present")
    with open_store(tmp_path / "d.db") as store:
        run_demo(store)
        figures = {f.name: f.ratio for f in score_demo(store, load_gold())["stories"]}
        threads = list(export_threads(store))
        _check_thread_rows(list(export_stories(store)), threads)
        # Read a page of threads at a time: pages of one and of all give the same threads and stories.
        by_page = [[(t.thread_id, stories) for t, stories in iter_threads(store, page)] for page in (1, 500)]
        assert by_page[0] == by_page[1] and [t for t, _ in by_page[0]] == [t["thread_id"] for t in threads]
        assert all(t["start"] < t["end"] for t in threads if len(t["stories"]) > 1)
    assert figures["pairs precision"] == 1.0 and figures["pairs recall"] == 1.0, figures
    assert figures["thread pairs precision"] == 1.0 and figures["thread pairs recall"] == 1.0, figures


def test_a_bridging_merge_within_a_batch_moves_the_members_assigned_earlier_in_it(tmp_path: Path) -> None:
    """a2 opens its own story, then a3 (about both a1 and a2) joins a1's story and bridges a2's into it, all
    in one batch: a2 must end up in the surviving story, not under the id merged away."""
    v1, v2 = random_unit(1), random_unit(2)
    v2 = v2 - (v2 @ v1) * v1
    v2 = (v2 / np.linalg.norm(v2)).astype(np.float32)
    texts = ["Harbourton dockworkers strike", "Brennick flood waters rise", ""]
    texts[2] = f"{texts[0]} as {texts[1]}"
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts, start=1)]
    vectors = [v1, v2, ((v1 + v2) / np.linalg.norm(v1 + v2)).astype(np.float32)]
    params = Params(threshold=0.35, threshold_full=0.35, merge_score=0.5, merge_threshold=9.0, merge_threshold_full=9.0)
    with open_store(tmp_path / "b.db") as store:
        upsert_articles(store, articles)
        store_vectors(store, articles, vectors)
        builder = StoryBuilder(store, params)
        builder.run_batch(articles)
        assert builder.report["merges"] == 1 and builder.report["new_stories"] == 2
        (row,) = list(export_stories(store))
        assert sorted(row["articles"]) == ["a1", "a2", "a3"]


def test_a_dateline_credit_is_no_key_entity(tmp_path: Path) -> None:
    """The extract stage keeps "AP" of "(AP) —" as a mention (the text names it), but the agency that filed
    a report is no name of its story: every report it files would share it."""
    article = Article(id="a1", text="WASHINGTON (AP) — Merkel met Obama.")
    rows = [("a1", 12, 14, "AP", "organisation", "ap"), ("a1", 18, 24, "Merkel", "person", "merkel")]
    story, _ = _one_story_with_mentions(tmp_path, article, rows)
    assert story["entities"] == ["person:merkel"]


def _one_story_with_mentions(
    tmp_path: Path, article: Article, rows: list[tuple[str, int, int, str, str, str]]
) -> tuple[dict, dict]:
    """The story and thread records of one article clustered alone, with these stored mentions (article,
    start, end, text, type, key) as the extract stage would have left them."""
    with open_store(tmp_path / "e.db") as store:
        upsert_articles(store, [article])
        store_vectors(store, [article], [random_unit(3)])
        with store.transaction():
            store.executemany(
                "INSERT INTO mentions (article, start_char, end_char, text, type, key) VALUES (?, ?, ?, ?, ?, ?)", rows
            )
        StoryBuilder(store).run_batch([article])
        (story,) = list(export_stories(store))
        (thread,) = list(export_threads(store))
    return story, thread


def test_key_entities_tied_on_members_go_to_the_most_mentioned(tmp_path: Path) -> None:
    """Every name of a one-article story is carried by one member: the story lists first the names its
    article mentions most, not a name its Title Case headline seemed to hold once."""
    article = Article(id="a1", text="Harbourton Port Protection: dockworkers strike as Volkov and Renner talk.")
    mentions = [("organisation", "harbourton port protection", 1), ("person", "renner", 2), ("person", "volkov", 4)]
    rows = [
        (article.id, 100 * i + n, 100 * i + n + 1, key, kind, key)
        for i, (kind, key, count) in enumerate(mentions)
        for n in range(count)
    ]
    story, thread = _one_story_with_mentions(tmp_path, article, rows)
    expected = ["person:volkov", "person:renner", "organisation:harbourton port protection"]
    assert story["entities"] == thread["entities"] == expected


def test_thread_candidates_are_bounded_like_story_candidates(tmp_path: Path) -> None:
    """A key held by more than MAX_POSTING threads is not read, and of the threads under the other keys
    only the MAX_CANDIDATES sharing the most are scored: a thread query costs the same at any number of
    threads (reading every thread under a common word made each story cost O(threads))."""
    common = [("t:common", f"t_c{i}") for i in range(MAX_POSTING + 1)]
    rare = [("t:rare", f"t_r{i}") for i in range(2 * MAX_CANDIDATES)] + [("h:1:5", "t_r7")]
    with open_store(tmp_path / "k.db") as store:
        with store.transaction():
            store.executemany("INSERT INTO thread_keys (key, thread_id) VALUES (?, ?)", common + rare)
        found = candidate_threads(store, ["t:common", "t:rare", "h:1:5"])
    assert len(found) == MAX_CANDIDATES and "t_r7" in found and not any(t.startswith("t_c") for t in found)


def test_consolidation_merges_the_younger_story_into_the_older() -> None:
    clusterer = StoryClusterer(params=Params(threshold=9.0, merge_threshold=0.5))  # never join, always merge
    ids = []
    for seq, article_id in enumerate(["first", "second"], start=1):
        features = build_features(Article(id=article_id, text="Harbourton dockworkers strike over pay"), random_unit(5))
        clusterer.weigh_terms(features)
        ids.append(clusterer.assign(features, seq).story_id)
    assert ids[0] != ids[1]
    assert clusterer.consolidate() == [(ids[1], ids[0])]
    assert clusterer.resolve(ids[1]) == ids[0] and clusterer.stories[ids[0]].size == 2


@pytest.mark.slow
def test_stage_logs_merges_and_moves_members(tmp_path: Path) -> None:
    articles = [Article(id=f"a{i}", text="Harbourton dockworkers strike over pay, union says.") for i in range(3)]
    with open_store(tmp_path / "m.db") as store:
        upsert_articles(store, articles)
        StoryBuilder(store, Params(threshold=9.0, merge_threshold=0.5)).run_batch(articles)
        (row,) = list(export_stories(store))
        assert sorted(row["articles"]) == ["a0", "a1", "a2"]
        merges = [e for e in story_events(store) if e["kind"] == "merge"]
        assert len(merges) == 2 and all(e["other_id"] == row["story_id"] for e in merges)
        changes = list(export_changes(store))  # what a user holding an absorbed id from an earlier export sees
        assert [(c["kind"], c["now"]) for c in changes] == [("merge", row["story_id"])] * 2


UCI = Path(__file__).resolve().parents[2] / "shared" / "data" / "uci-news-stories" / "uci_news_stories_dev.csv"


@pytest.mark.slow
def test_uci_sample_bcubed_floor() -> None:
    """Online clustering of a UCI sample (10 stories, <= 40 headlines each, with their URLs), day-only
    dates, shuffled rows."""
    if not UCI.exists():
        pytest.skip(f"UCI dev data not found at {UCI}")
    import csv
    import random
    from datetime import UTC, datetime

    from storytrace.nlp.embed import get_encoder

    with UCI.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stories = sorted({r["STORY"] for r in rows})[::6]
    sample = [r for s in stories for r in [r for r in rows if r["STORY"] == s][:40]]
    random.Random(1).shuffle(sample)
    vectors = get_encoder().encode([r["TITLE"] for r in sample])
    clusterer = StoryClusterer()
    assigned = []
    for seq, (row, vector) in enumerate(zip(sample, vectors, strict=True), start=1):
        day = datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, tz=UTC).date().isoformat()
        article = Article(id=row["ID"], text=row["TITLE"], url=row["URL"], published_at=day)
        features = build_features(article, vector)
        clusterer.weigh_terms(features)
        assigned.append(clusterer.assign(features, seq).story_id)
    clusterer.consolidate()
    precision, recall, f1 = bcubed([clusterer.resolve(s) for s in assigned], [r["STORY"] for r in sample])
    print(f"UCI sample: {len(sample)} rows, P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    assert f1 >= 0.80 and precision >= 0.76


@pytest.mark.slow
def test_bench_online_clusters_are_the_stages(
    stories_quality: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-memory clusterer that bench.stories_quality reports (and tunes) on gives the stories the
    `stories` stage gives, batch cadence and publication order within a batch included. It consolidated
    every 500 articles in arrival order while the stage does so every 2,000 in publication order, and
    reported 88.7 on the UCI developer stories where the stage reads 87.9 in the same three orders."""
    if not UCI.exists():
        pytest.skip(f"UCI dev data not found at {UCI}")
    import random

    quality = stories_quality
    articles, labels = quality.load_uci(UCI)
    kept = set(sorted(set(labels))[::5])
    sample = [i for i, label in enumerate(labels) if label in kept][::2]
    random.Random(0).shuffle(sample)  # fed in arrival order rather than each batch by day, its stories differ
    articles = [articles[i] for i in sample]
    assert quality.BATCH == stories_stage.BATCH
    for module in (stories_stage, quality):
        monkeypatch.setattr(module, "BATCH", 60)
    with open_store(tmp_path / "stage.db") as store:
        upsert_articles(store, articles)
        corpus = quality.Corpus("uci", articles, [labels[i] for i in sample], doc_vectors(store, articles))
        run_stories(store, SILENT)
        staged = {a: row["story_id"] for row in export_stories(store) for a in row["articles"]}
    online = quality.online_clusters(corpus, range(len(articles)))
    assert len(articles) > 3 * 60 and len(set(online)) > 5
    assert online == [staged[a.id] for a in articles]


@pytest.mark.slow
def test_one_topic_corpus_threads_floor() -> None:
    """PolNeAR's campaign coverage: no thread takes the corpus (842 of 927 articles without the corpus
    background), and threads follow its recurring matters (headline pseudo-gold, bench/threads_one_topic.py:
    F1 47.2 measured in publication order, 47.2 to 54.3 over five orders of each day's articles; 30.1
    without the background), also in a store clustered without it and upgraded (largest thread 134, F1
    47.3). Thread titles name their thread's matter in 8 of the 14 threads that have one, against 6 when a
    thread was titled by its largest story (`threads.representative_title`)."""
    from bench.threads_one_topic import polnear_articles, thread_figures
    from bench.timeline_tense import DATA

    if not DATA.is_dir():
        pytest.skip(f"PolNeAR data not found at {DATA}")

    articles = list(polnear_articles())
    for upgrade in (False, True):
        run = thread_figures(articles, upgrade)
        print(f"PolNeAR threads (upgrade {upgrade}): largest {run.largest}, matters F1 {run.f1:.3f}")
        assert run.largest[0] <= 0.25 * len(articles) and run.f1 >= 0.44
        if not upgrade:
            shipped, largest, count = run.titled
            assert shipped >= 0.4 * count and shipped > largest


@pytest.mark.slow
def test_corrected_articles_keep_their_stories_floor(tmp_path: Path) -> None:
    """100 of PolNeAR's clustered articles corrected (a sentence appended, the same dated the next day, a
    typo): every one keeps its story id and nothing is logged for them (bench/stories_corrections.py: 100,
    100 and 100 measured; 89, 85 and 89 when every edit was clustered again, as an update dated the next
    day was before EDIT_DAYS); rewritten into another article's text, none is kept in place."""
    from bench.stories_corrections import EDITS, clustered_store, corrections
    from bench.threads_one_topic import polnear_articles
    from bench.timeline_tense import DATA

    if not DATA.is_dir():
        pytest.skip(f"PolNeAR data not found at {DATA}")

    articles = list(polnear_articles())
    clustered_store(articles, tmp_path / "base.db")
    for name in ("a sentence appended", "a sentence appended, dated the next day", "a typo (first 'the')"):
        run = corrections(tmp_path / "base.db", articles, EDITS[name])
        print(f"PolNeAR, {name}: {run}")
        assert run.kept == 100 and run.in_place == run.changed and run.new_stories == 0
        assert not run.events and run.others_moved == 0  # not even a pending thread fold (thread_merge 1 before)
    rewrite = corrections(tmp_path / "base.db", articles, EDITS["rewritten: another article's text"])
    assert rewrite.in_place == 0 and rewrite.events["remove"] > 0
    assert rewrite.counted == len(articles)  # a rewrite replaces its counted version: no article more


def test_url_slug_words_count_as_terms() -> None:
    """The slug (the path segment of at least three hyphenated words) adds the words a headline lost;
    ids, dates, section names and query strings add nothing."""
    assert url_words("http://business.example.com/2014/03/10/mtgox-files-bankruptcy/?ref=rss") == [
        "mtgox",
        "files",
        "bankruptcy",
    ]
    assert url_words("http://example.com/news/article_3058f520-a7f2-11e3.html") == []
    assert url_words("http://example.com/world/europe/26537071") == []
    assert url_words(None) == []
    article = Article(id="a", text="What's News", url="http://example.com/markets/mt-gox-bankruptcy-filing.html")
    counts = term_counts(article)
    assert counts["gox"] == 1.0 and counts["bankruptcy"] == 1.0 and "markets" not in counts


def test_a_headline_only_record_counts_its_headline_once() -> None:
    """A headline list read with `--column text=TITLE` carries each headline as title and text; the story
    terms and the document vector take it once, as they take a headline given as the text alone."""
    headline = "Fed official says weak data caused by weather,  should not slow taper"
    both = Article(id="a", text=headline.replace("  ", " "), title=headline)
    alone = Article(id="a", text=headline)
    assert both.body == "" and alone.body == headline
    assert term_counts(both) == {term: 2.0 for term in term_counts(alone)}  # a headline word weighs TITLE_WEIGHT
    assert doc_text(both) == headline and doc_text(alone) == headline
    reported = Article(id="b", text="The Fed kept its pace. " + headline, title=headline)
    assert reported.body == reported.text and doc_text(reported) == f"{headline}. {reported.text}"


def test_a_year_apart_is_another_story() -> None:
    """Coverage of one event lasts days: the same text a year later opens a new story."""
    clusterer = StoryClusterer()
    ids = []
    for seq, day in enumerate(["2025-11-20", "2025-11-21", "2026-11-20"], start=1):
        text = "Energy ministers meet at the Northern Energy Council summit."
        features = build_features(Article(id=f"summit{seq}", text=text, published_at=day), random_unit(9))
        clusterer.weigh_terms(features)
        ids.append(clusterer.assign(features, seq).story_id)
    assert ids[0] == ids[1] != ids[2]


def test_a_headline_a_day_later_needs_near_identical_wording_a_full_article_does_not() -> None:
    """Headlines of one subject a day apart are two stories (UCI's gold); full reports sharing their event's
    rare words stay one story across days."""
    clusterer = StoryClusterer()
    near = random_unit(9) + 0.9 * random_unit(10)  # a related headline: cosine about 0.74 with the first

    def headline(i: int, text: str, day: str, vector: np.ndarray) -> str:
        features = build_features(Article(id=f"h{i}", text=text, published_at=day), vector / np.linalg.norm(vector))
        clusterer.weigh_terms(features)
        return clusterer.assign(features, i).story_id

    first = headline(1, "Stocks fall on weak China trade data", "2026-03-10", random_unit(9))
    assert headline(2, "Stocks slide as China exports slump", "2026-03-10", near) == first
    assert headline(3, "Shares drop after Chinese export figures disappoint", "2026-03-11", near) != first
    flood = (
        "The River Ardle burst its banks in Brennick on Monday. Brennick families were evacuated as the Ardle "
        "flooded the town centre, and rescue boats from Kessing and Dunmore searched the streets. "
    )
    ids = []
    for i, day in enumerate(("2026-11-16", "2026-11-17"), start=4):
        text = flood + ("Waters began to recede." if i == 5 else "Schools were closed.")
        features = build_features(
            Article(id=f"f{i}", text=text, published_at=day), random_unit(20 + i) + random_unit(30)
        )
        clusterer.weigh_terms(features)
        ids.append(clusterer.assign(features, i).story_id)
    assert ids[0] == ids[1]


def test_reuse_pulls_a_full_article_into_a_story_but_not_a_bare_headline() -> None:
    """A reuse link is strong evidence between full articles; a shared generic headline is not."""
    clusterer = StoryClusterer()

    def put(i: int, text: str, day: str, linked: dict[str, float] | None = None) -> str:
        features = build_features(Article(id=f"r{i}", text=text, published_at=day), random_unit(40 + i))
        clusterer.weigh_terms(features)
        return clusterer.assign(features, i, linked).story_id

    headline = put(1, "Business Highlights", "2026-03-10")
    assert put(2, "Business Highlights", "2026-03-11", {headline: 1.0}) != headline
    body = " ".join(f"harbourton{i}" for i in range(70))
    article = put(3, body, "2026-03-10")
    assert put(4, " ".join(f"brennick{i}" for i in range(70)), "2026-03-10", {article: 1.0}) == article
    # A partial link over a sliver of the text (a reused sentence) is weak evidence: no join on it alone.
    other = put(5, " ".join(f"lowmarsh{i}" for i in range(70)), "2026-03-10")
    assert (
        put(6, " ".join(f"quillon{i}" for i in range(70)), "2026-03-10", {other: link_strength("partial", 0.02)})
        != other
    )


def test_link_strength_scales_partial_reuse_by_its_share() -> None:
    assert link_strength("rewrite", 0.2) == link_strength("version", 0.8) == link_strength("duplicate", 1.0) == 1.0
    assert link_strength("partial", FULL_PARTIAL_SHARE) == 1.0
    assert link_strength("partial", FULL_PARTIAL_SHARE / 4) == pytest.approx(0.25)


def test_stories_the_day_gap_rules_out_are_not_scored() -> None:
    """A candidate whose day gap alone keeps it under the threshold costs no scoring; the decision is the
    one full scoring would make."""
    clusterer = StoryClusterer()
    text = "Energy ministers meet at the Northern Energy Council summit."
    for seq, day in enumerate(["2026-11-01", "2026-11-06", "2026-11-06"], start=1):
        features = build_features(Article(id=f"m{seq}", text=text, published_at=day), random_unit(9))
        clusterer.weigh_terms(features)
        scored = clusterer.candidates_scored
        story = clusterer.assign(features, seq)
        if seq == 2:  # five days on: the 11-01 story is found by the index but not scored
            assert story.created and clusterer.candidates_scored == scored
        if seq == 3:  # the same day: scored and joined
            assert not story.created and clusterer.candidates_scored == scored + 1


def _story_row(story_id: str, seq: int, vector: np.ndarray, terms: dict[str, float], names: dict[str, int]) -> StoryRow:
    return StoryRow(story_id, seq, story_id, None, None, 1, None, None, None, None, seq, None, vector, terms, names)


def test_one_common_name_is_no_full_name_overlap_for_a_story_that_has_few() -> None:
    """With entity ids a feature on phone batteries named only the United States, which the aircraft
    search thread names too: that one name gave it the whole name bonus and the link. A story's names
    count as at least three, so three shared names still give the whole bonus."""
    search = {"search": 1.0, "plane": 1.0, "ocean": 1.0, "battery": 0.3}
    names = ["malaysia", "boeing", "australia", "china", "beijing", "kuala lumpur", "inmarsat", "ntsb", "perth"]
    thread = ThreadRow("t1", 1, "Search for the missing plane", 9, random_unit(1), dict.fromkeys([*names, "us"], 5))
    thread.terms = search
    battery = _story_row("s1", 2, random_unit(2), {"battery": 1.0, "smartphone": 1.0, "charge": 1.0}, {"us": 3})
    score, allowed = link_score(battery, thread)
    assert allowed and score < LINK_THRESHOLD  # one shared name of one: the whole 0.5 bonus before
    named = replace(battery, names={"us": 3, "malaysia": 2, "boeing": 1})
    assert link_score(named, thread)[0] - score == pytest.approx(NAME_WEIGHT * (1 - 1 / NAME_FLOOR))


def test_threads_that_come_to_match_are_folded_into_the_older(tmp_path: Path) -> None:
    port = ({"harbourton": 1.0, "strike": 1.0}, {"harbourton": 2, "union": 1})
    flood = ({"flood": 1.0, "ardle": 1.0}, {"brennick": 2})
    with open_store(tmp_path / "t.db") as store, store.transaction():
        linker = ThreadLinker(store)
        a1, a2 = (_story_row(f"a{i}", i, random_unit(1), *port) for i in (1, 2))
        b1, b2 = (_story_row(f"b{i}", 2 + i, random_unit(2), *flood) for i in (1, 2))
        linker.update([a1, a2, b1, b2], {})
        assert a1.thread_id == a2.thread_id != b1.thread_id == b2.thread_id
        previous = {s.story_id: replace(s) for s in (b1, b2)}
        for story in (b1, b2):
            story.vector_sum, story.terms, story.names = random_unit(1), *port
        linker.update([b1, b2], previous)
        assert b1.thread_id == b2.thread_id == a1.thread_id
        assert [e["kind"] for e in story_events(store)] == ["thread_merge"]


_FIRST_LADY = ({"michelle": 1.0, "obama": 1.0, "lady": 0.5}, {"michelle": 2, "obama": 2, "washington": 1})
_YOUTH = ({"obama": 1.0, "hawaii": 1.0, "punahou": 0.5}, {"obama": 2, "washington": 1, "hawaii": 1})
_HEADLINES = [
    "Michelle Obama visits China",
    "Michelle Obama on the cover of Vogue",
    "First lady Michelle Obama speaks",
    "Michelle Obama plants a garden",
    "Michelle Obama at the Oscars",
]


def _titled(story_id: str, seq: int, title: str, view: tuple[dict[str, float], dict[str, int]]) -> StoryRow:
    return replace(_story_row(story_id, seq, random_unit(1), *view), title=title)


def test_a_thread_whose_titles_name_one_subject_takes_only_stories_that_mention_it(tmp_path: Path) -> None:
    """Five titles naming Michelle Obama make {michelle, obama} the thread's core: a story about Barack
    Obama's youth that reads alike but never mentions her opens its own thread, while one whose kept
    terms lack her name but whose newly arrived text has it joins."""
    with open_store(tmp_path / "c.db") as store, store.transaction():
        linker = ThreadLinker(store)
        first = [_titled(f"m{i}", i, title, _FIRST_LADY) for i, title in enumerate(_HEADLINES)]
        linker.update(first, {})
        (thread,) = get_threads(store, {s.thread_id for s in first}).values()
        assert core_words(thread) == {"michelle", "obama"}
        assert thread_label(thread) == "Michelle Obama"  # as its title writes them
        assert thread_label(replace(thread, title="First lady Obama's garden")) == "Obama michelle"
        youth = _titled("b1", 10, "Obama grew up in Hawaii", _YOUTH)
        assert link_score(youth, thread)[0] >= LINK_THRESHOLD  # alike enough, but not about her
        mention = _titled("b2", 11, "A school in Hawaii", _YOUTH)
        linker.update([mention], {}, {"b2": [{"hawaii": 2.0}, {"michelle": 1.0, "obama": 3.0, "school": 1.0}]})
        linker.update([youth], {})
        assert youth.thread_id != thread.thread_id and mention.thread_id == thread.thread_id


def test_a_story_holds_a_core_word_through_the_entities_it_names(tmp_path: Path) -> None:
    """After the extract stage a story's names are entity ids: one that names the entity "Michelle Obama"
    holds the core {michelle, obama} though neither its title nor its kept terms carry those words (a word
    in most reports of a corpus falls out of an article's top terms), and one that names only others does
    not; an unlinked mention's key (type:key) gives its words too."""
    first_lady = ({"lady": 1.0, "garden": 1.0}, {"ent_mo": 3, "ent_wh": 1})
    with open_store(tmp_path / "e.db") as store, store.transaction():
        store.conn.executemany(
            "INSERT INTO entities(entity_id, name, type, key, surname) VALUES (?, ?, ?, ?, ?)",
            [
                ("ent_mo", "Michelle Obama", "PERSON", "michelle obama", "obama"),
                ("ent_wh", "White House", "ORG", "", ""),
            ],
        )
        linker = ThreadLinker(store)
        first = [_titled(f"m{i}", i, title, first_lady) for i, title in enumerate(_HEADLINES * 2)]
        linker.update(first, {})
        (thread,) = get_threads(store, {s.thread_id for s in first}).values()
        assert core_words(thread) == {"michelle", "obama"}  # and still with two titles lacking them added
        views = {"ent_mo": {"ent_mo": 2, "ent_cn": 1}, "key": {"PERSON:michelle obama": 1}, "other": {"ent_wh": 2}}
        trip, mention, unnamed = (
            _titled(name, 10 + i, "First lady to visit China", (first_lady[0], names))
            for i, (name, names) in enumerate(views.items())
        )
        for story in (trip, mention, unnamed):
            linker.update([story], {})
        assert trip.thread_id == mention.thread_id == thread.thread_id != unnamed.thread_id
        assert linker.named(["ent_mo", "PERSON:michelle obama", "obama", "ent_cn"]) == {"michelle", "obama"}


def test_an_outlet_name_in_its_headlines_is_not_a_thread_core(tmp_path: Path) -> None:
    """Sites append their name to every headline: a thread of one outlet's reports must not require
    other outlets' reports to carry that name."""
    assert head_words("Dockers walk out in Harbourton - BBC News", ["BBC News"]) == {"dockers", "walk", "harbourton"}
    with open_store(tmp_path / "o.db") as store, store.transaction():
        first = [
            replace(_titled(f"m{i}", i, f"{title} - BBC News", _FIRST_LADY), sources=["BBC News"])
            for i, title in enumerate(_HEADLINES)
        ]
        ThreadLinker(store).update(first, {})
        (thread,) = get_threads(store, {s.thread_id for s in first}).values()
        assert core_words(thread) == {"michelle", "obama"}
        assert thread_label(thread) == "Michelle Obama"
        assert thread_label(replace(thread, heads={})) is None  # titles that share nothing: no label


def test_stories_that_joined_before_the_core_formed_are_moved_out(tmp_path: Path) -> None:
    """A thread's first stories link on similarity alone; once its titles make a core, a member that
    lacks it is moved to another thread, stored row and change log included."""
    with open_store(tmp_path / "c.db") as store, store.transaction():
        linker = ThreadLinker(store)
        early = [_titled("m0", 0, _HEADLINES[0], _FIRST_LADY), _titled("b1", 1, "Obama in Hawaii", _YOUTH)]
        linker.update(early, {})
        save_stories(store, early)
        assert early[0].thread_id == early[1].thread_id
        later = [_titled(f"m{i}", i + 1, _HEADLINES[i], _FIRST_LADY) for i in range(1, 5)]
        linker.update(later, {})
        save_stories(store, later)
        thread_id = early[0].thread_id
        assert {s.thread_id for s in later} == {thread_id}
        (moved,) = store.query("SELECT thread_id FROM stories WHERE story_id = 'b1'")
        assert moved[0] not in (None, thread_id)
        assert get_threads(store, [thread_id])[thread_id].size == 5
        (event,) = [e for e in story_events(store) if e["kind"] == "thread_move"]
        assert (event["story_id"], event["other_id"], event["detail"]) == (thread_id, moved[0], "b1")


def test_a_core_that_a_fold_forms_moves_out_the_stories_lacking_it(tmp_path: Path) -> None:
    """Arriving in order of topic (a file sorted by label), a story on Barack Obama's youth opens a thread
    that two first-lady stories join, while three more form their own; when the two threads are folded,
    the five titles make {michelle, obama} the core, and the youth story leaves in the same batch."""
    flood = ({"flood": 1.0, "ardle": 1.0}, {"brennick": 2})
    with open_store(tmp_path / "f.db") as store, store.transaction():
        linker = ThreadLinker(store)
        founder = _titled("b1", 0, "Obama in Hawaii", _YOUTH)
        joined = [_titled(f"m{i}", i + 1, _HEADLINES[i], _FIRST_LADY) for i in range(2)]
        apart = [replace(_titled(f"m{i}", i + 1, _HEADLINES[i], flood), vector_sum=random_unit(2)) for i in (2, 3, 4)]
        linker.update([founder, *joined, *apart], {})
        save_stories(store, [founder, *joined, *apart])
        opened = founder.thread_id
        assert {s.thread_id for s in joined} == {opened} and {s.thread_id for s in apart} != {opened}
        previous = {s.story_id: replace(s) for s in apart}
        for story in apart:
            story.vector_sum, story.terms, story.names = random_unit(1), *_FIRST_LADY
        linker.update(apart, previous)
        assert {s.thread_id for s in [*joined, *apart]} == {opened}
        assert core_words(get_threads(store, [opened])[opened]) == {"michelle", "obama"}
        (moved,) = store.query("SELECT thread_id FROM stories WHERE story_id = 'b1'")
        assert moved[0] != opened
        assert [e["kind"] for e in story_events(store)] == ["thread_merge", "thread_move"]


def test_a_fold_reads_the_full_text_of_the_members_that_arrived_for_the_core(tmp_path: Path) -> None:
    """A football piece linked too weakly to the league's thread and opened its own; later stories of the
    batch moved the thread towards it, but the fold was checked on the two summaries, and the piece's kept
    terms lack "premier", a word of its text and of the thread's core (fed topic by topic, WikiRef samples
    split the Premier League so). A fold reads the full text of the members that arrived in the batch, as
    a story's own link does."""
    league = ({"premier": 1.0, "league": 1.0, "club": 1.0}, {"premier": 2, "league": 2, "city": 1})
    transfer = ({"robinho": 1.0, "chelsea": 1.0, "league": 0.3}, {"chelsea": 2, "city": 1})
    for text, folds in (({"premier": 1.0, "league": 3.0, "robinho": 2.0}, True), ({"league": 3.0}, False)):
        with open_store(tmp_path / f"{folds}.db") as store, store.transaction():
            linker = ThreadLinker(store)
            first = [_titled(f"p{i}", i, f"Premier League {word}", league) for i, word in enumerate("abcdef")]
            linker.update(first, {})
            save_stories(store, first)
            thread_id = first[0].thread_id
            assert core_words(get_threads(store, [thread_id])[thread_id]) == {"premier", "league"}
            piece = replace(_titled("r", 10, "Man City beat Chelsea to Robinho", transfer), vector_sum=random_unit(5))
            towards = [
                replace(
                    _titled(f"q{i}", 11 + i, f"Premier League {w}", league),
                    vector_sum=random_unit(1) + 2 * random_unit(5),
                )
                for i, w in enumerate("ghi")
            ]
            linker.update([piece, *towards], {}, {"r": [text]})
            assert {s.thread_id for s in towards} == {thread_id}
            assert (piece.thread_id == thread_id) is folds
            assert [e["kind"] for e in story_events(store)] == ["thread_merge"] * folds  # its own thread, folded


def test_a_story_moved_out_of_the_thread_it_opened_gets_a_new_thread_id(tmp_path: Path) -> None:
    """The thread keeps the id its first story gave it; that story, moved out, opens a thread of its own
    under another id, so neither overwrites the other."""
    with open_store(tmp_path / "c.db") as store, store.transaction():
        linker = ThreadLinker(store)
        founder = _titled("b1", 0, "Obama in Hawaii", _YOUTH)
        linker.update([founder], {})
        save_stories(store, [founder])
        opened = founder.thread_id
        later = [_titled(f"m{i}", i + 1, title, _FIRST_LADY) for i, title in enumerate(_HEADLINES)]
        linker.update(later, {})
        assert {s.thread_id for s in later} == {opened} and get_threads(store, [opened])[opened].size == 5
        (moved,) = store.query("SELECT thread_id FROM stories WHERE story_id = 'b1'")
        assert moved[0] != opened and get_threads(store, [moved[0]])[moved[0]].size == 1
        assert core_words(get_threads(store, [opened])[opened]) == {"michelle", "obama"}  # the move keeps it


def test_a_thread_is_titled_by_the_one_of_its_largest_stories_nearest_the_whole(tmp_path: Path) -> None:
    """Of a thread's TITLE_CANDIDATES largest stories, the one whose titled article reads closest to the
    thread titles it (the larger on a tie, the largest where no article vector is kept): the largest story
    alone may be a one-off that grew. Kept current as the thread grows."""
    port = ({"harbourton": 1.0, "strike": 1.0}, {"harbourton": 2, "union": 1})
    path = tmp_path / "t.db"
    with open_store(path) as store, store.transaction():
        linker = ThreadLinker(store)
        first, big, aside = (_story_row(f"s{i}", i, random_unit(1), *port) for i in (1, 2, 3))
        first.title, big.title, big.size = "Dockers walk out", "Port strike enters second week", 3
        aside.title, aside.size = "Golf courses reach into their bag of tricks", 5
        aside.title_vector = random_unit(7)  # the largest story's article reads far from the thread
        first.title_vector, big.title_vector = random_unit(1) + 0.1 * random_unit(8), random_unit(1)
        linker.update([first, big, aside], {})
        save_stories(store, [first, big, aside])
        linker.retitle()
        (thread,) = get_threads(store, [first.thread_id]).values()
        assert thread.title == "Port strike enters second week"
        previous = {big.story_id: replace(big)}
        big.title_vector = random_unit(9)  # a new member retitled it by an article far from the thread
        linker.update([big], previous)
        save_stories(store, [big])
        linker.retitle()
        assert get_threads(store, [first.thread_id])[first.thread_id].title == "Dockers walk out"
        # A store written before threads were titled so is titled again when it is upgraded.
        store.execute("UPDATE threads SET title = 'stale'")
        store.set_meta(KEYS_META, "100;heads")
    with open_store(path) as store:
        assert rekey_threads(store) == 1
        assert [t.title for t in get_threads(store, [first.thread_id]).values()] == ["Dockers walk out"]
    assert representative_title(random_unit(1), [("Larger", None), ("Smaller", None)]) == "Larger"
    assert representative_title(random_unit(1), [("Larger", random_unit(1)), ("Same", random_unit(1))]) == "Larger"
    assert representative_title(random_unit(1), []) is None


def test_threads_saved_with_older_keys_are_indexed_again_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store whose thread keys were made with fewer terms (an older STORED_TERMS) is re-indexed on
    the next run, once: its threads are then found under every key a new thread has."""
    from storytrace.stories import threads

    with open_store(tmp_path / "k.db") as store:
        assert threads.rekey_threads(store) == 0  # a new store: nothing to re-index
        with store.transaction():
            stories = [
                _story_row(f"s{i}", i, random_unit(i), {f"{word}{k:02d}": 1.0 - k / 100 for k in range(30)}, {name: 2})
                for i, word, name in ((1, "term", "ardle"), (2, "word", "brennick"))
            ]
            ThreadLinker(store).update(stories, {})
            save_stories(store, stories)
        assert stories[0].thread_id != stories[1].thread_id
        keys = {r[0] for r in store.query("SELECT key FROM thread_keys WHERE key LIKE 't:%'")}
        assert "t:term20" in keys and threads.rekey_threads(store) == 0  # new threads have every key
        monkeypatch.setattr(threads, "REKEY_PAGE", 1)  # pages of one thread: every page is read
        with store.transaction():
            store.execute("DELETE FROM thread_keys WHERE key IN ('t:term20', 't:word20')")
            store.execute("UPDATE threads SET heads = '{}'")  # a store from before title words were counted
            store.set_meta(threads.KEYS_META, "12")
        assert threads.rekey_threads(store) == 2 and threads.rekey_threads(store) == 0
        heads = [t.heads for t in get_threads(store, [s.thread_id for s in stories]).values()]
        assert sorted(heads, key=str) == [{"s1": 1}, {"s2": 1}]
        assert len(store.query("SELECT * FROM thread_keys WHERE key IN ('t:term20', 't:word20')")) == 2


def test_a_thread_is_decoded_once_per_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every story of a batch may have the same threads as candidates: each is read from the store
    once per batch, and nothing is kept after it (memory stays bounded by one batch)."""
    from storytrace.stories import threads

    decoded: list[str] = []
    real = threads.get_threads

    def counting(store, ids):  # type: ignore[no-untyped-def]
        found = real(store, ids)
        decoded.extend(found)
        return found

    monkeypatch.setattr(threads, "get_threads", counting)
    port = ({"harbourton": 1.0, "strike": 1.0}, {"harbourton": 2, "union": 1})
    with open_store(tmp_path / "t.db") as store, store.transaction():
        linker = ThreadLinker(store)
        linker.update([_story_row("a0", 0, random_unit(1), *port)], {})
        decoded.clear()
        batch = [_story_row(f"a{i}", i, random_unit(1) + 0.01 * random_unit(10 + i), *port) for i in range(1, 8)]
        linker.update(batch, {})
        assert len({s.thread_id for s in batch}) == 1
        assert decoded == [batch[0].thread_id]
        assert not linker._read


WIKIREF = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikiref" / "wikiref220_dev.jsonl"


@pytest.mark.slow
def test_wikiref_thread_bcubed_floor(tmp_path: Path) -> None:
    """WikiRef labels are coarse topics, so they are matched by threads (the `stories` stage end to end).

    File order reads 96.3; over 15 shuffled arrival orders the threads score 94.4 to 96.3 (mean 95.7;
    before threads had title cores, 92.6 to 94.4), so the floor sits below that spread: one document
    that links through a different neighbour in another order must not fail it, while a real regression
    (a topic lost, two large topics merged, or the core rule lost: 93.8 in file order) does."""
    if not WIKIREF.exists():
        pytest.skip(f"WikiRef dev data not found at {WIKIREF}")
    records = [json.loads(line) for line in WIKIREF.read_text(encoding="utf-8").splitlines()]
    with open_store(tmp_path / "w.db") as store:
        upsert_articles(store, [Article(id=r["id"], text=r["text"]) for r in records])
        run_stories(store, SILENT)
        thread_of = {a: r["thread_id"] for r in export_stories(store) for a in r["articles"]}
    precision, recall, f1 = bcubed([thread_of[r["id"]] for r in records], [r["label"] for r in records])
    print(f"WikiRef threads: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    assert f1 >= 0.94 and precision >= 0.89 and recall >= 0.96


def test_event_evidence_needs_shared_rare_words_and_dates_within_days() -> None:
    clusterer = StoryClusterer()
    flood = "The River Ardle burst its banks in Brennick; Brennick families evacuated as the Ardle flooded the town."
    other = ["Ministers met to discuss the budget.", "The football club won the cup final.", "Markets rose on Monday."]
    for seq, text in enumerate(other, start=1):
        features = build_features(Article(id=f"o{seq}", text=text, published_at="2026-11-01"), random_unit(seq))
        clusterer.weigh_terms(features)
        clusterer.assign(features, seq)
    first = build_features(Article(id="f1", text=flood, published_at="2026-11-17"), random_unit(7))
    clusterer.weigh_terms(first)
    story = clusterer.stories[clusterer.assign(first, 4).story_id]
    for published, expected in (("2026-11-19", True), ("2026-11-30", False), (None, False)):
        follow_up = build_features(Article(id="f2", text=flood, published_at=published), random_unit(8))
        clusterer.weigh_terms(follow_up)
        assert (clusterer.event_evidence(follow_up, story) > 0.5) is expected, published


def test_a_strong_link_needs_no_shared_name_unless_the_stories_are_concurrent(tmp_path: Path) -> None:
    """A report whose lead names no one (a live page) still joins the thread its text and terms match
    well; a weaker match still needs a shared name, and concurrent stories always do."""
    flood = {"flood": 1.0, "ardle": 1.0, "levee": 1.0}
    # a vector at cosine 0 to the report's
    apart = random_unit(2) - float(random_unit(2) @ random_unit(1)) * random_unit(1)
    cases = (  # (the page's vector, terms, names, day, linked)
        (random_unit(1), flood, {}, 739940 + 365, True),  # the same words a year later: score 2, no name needed
        (apart, {"flood": 1.0, "ardle": 1.0, "rain": 1.0}, {}, None, False),  # score 2/3: a name is needed
        (apart, {"flood": 1.0, "ardle": 1.0, "rain": 1.0}, {"brennick": 1}, None, True),  # ... and enough
        (random_unit(1), flood, {}, 739940, False),  # the same week: the story clusterer kept them apart
    )
    for k, (vector, terms, names, day, linked) in enumerate(cases):
        with open_store(tmp_path / f"u{k}.db") as store, store.transaction():
            report = _story_row("report", 1, random_unit(1), flood, {"brennick": 2})
            page = _story_row("page", 2, vector / np.linalg.norm(vector), terms, names)
            report.first_day = report.last_day = 739939
            page.first_day = page.last_day = day
            ThreadLinker(store).update([report, page], {})
            assert (report.thread_id == page.thread_id) is linked, k


def _one_matter_stories() -> tuple[np.ndarray, list[StoryRow]]:
    """A corpus's mean direction, and three stories of one matter sharing its names: "first", whose vector
    reads like the corpus (cosine 0.95 with its mean), "near", close to first, and "broad", which reads
    like the corpus but is no closer to first than to it."""
    corpus = random_unit(1)
    thread_vector = corpus * 0.95 + random_unit(2) * 0.3
    thread_vector /= np.linalg.norm(thread_vector)
    vectors = {
        "first": thread_vector,
        "near": thread_vector + 0.1 * random_unit(4),
        "broad": corpus * 0.9 + random_unit(3) * 0.45,
    }
    terms, names = {"campaign": 1.0, "rally": 1.0}, {"trump": 2, "clinton": 1}
    rows = [
        _story_row(name, seq, v / np.linalg.norm(v), terms, names) for seq, (name, v) in enumerate(vectors.items(), 1)
    ]
    return corpus, rows


def test_a_thread_that_reads_like_the_whole_corpus_takes_only_stories_closer_to_it(tmp_path: Path) -> None:
    """In a corpus about one matter, a large thread's centroid is the corpus's mean direction; a report no
    closer to that thread than to the corpus at large opens its own thread, one closer to it joins, and
    without a background (a corpus too small to have one) the link is as before."""
    corpus, _ = _one_matter_stories()
    for background, generic_joins in ((corpus, False), (None, True)):
        with open_store(tmp_path / f"g{background is None}.db") as store, store.transaction():
            linker = ThreadLinker(store)
            linker.background = background
            _, (first, near, broad) = _one_matter_stories()
            linker.update([first, near, broad], {})
            assert near.thread_id == first.thread_id
            assert (broad.thread_id == first.thread_id) is generic_joins
    generic, thread_vector = broad.vector_sum, first.vector_sum
    assert closer_to_corpus(generic, thread_vector, float(generic @ thread_vector), corpus)
    assert not closer_to_corpus(random_unit(5), random_unit(6), 0.0, corpus)  # neither reads like the corpus


def test_threads_formed_before_the_background_are_regated_against_it(tmp_path: Path) -> None:
    """A thread formed while the corpus had no background took a broad report; checked against the
    background once it exists, the report moves out (logged), the close one stays, and a second check
    moves nothing."""
    corpus, rows = _one_matter_stories()
    with open_store(tmp_path / "r.db") as store, store.transaction():
        linker = ThreadLinker(store)
        linker.update(rows, {})
        save_stories(store, rows)
        assert len({r.thread_id for r in rows}) == 1
        assert linker.regate() == 0  # no background yet: nothing to check against
        linker.background = corpus
        assert linker.regate() == 1
        placed = {story: thread.thread_id for thread, stories in iter_threads(store) for story in stories.story_ids}
        assert placed["first"] == placed["near"] != placed["broad"]
        moves = [e for e in story_events(store) if e["kind"] == "thread_move"]
        assert [e["detail"] for e in moves] == ["broad"]
        assert linker.regate() == 0
        # The clusterer's copy of the moved story still names its old thread; a new member reaches the
        # story's stored thread, and every thread still counts the stories that point at it.
        stale = rows[2]
        assert stale.thread_id == placed["first"]
        linker.update([stale], {"broad": get_stories(store, ["broad"])["broad"]})
        save_stories(store, [stale])
        assert stale.thread_id == placed["broad"]
        sizes = {thread.thread_id: thread.size for thread, _ in iter_threads(store)}
        assert sizes == {placed["first"]: 2, placed["broad"]: 1}


def test_the_corpus_background_is_kept_across_runs_and_needs_enough_articles(tmp_path: Path) -> None:
    with open_store(tmp_path / "b.db") as store:
        background = Background(store)
        vectors = [random_unit(k) for k in range(BACKGROUND_MIN)]
        background.add(vectors[:-1])
        assert background.mean() is None
        background.add(vectors[-1:])
        with store.transaction():
            background.save()
        expected = np.mean(vectors, axis=0)
        assert np.allclose(Background(store).mean(), expected, atol=1e-6)


def test_a_store_clustered_before_the_background_starts_from_its_articles(tmp_path: Path) -> None:
    """An upgraded store has its background at once: the mean of its clustered articles' vectors."""
    articles = [Article(id=f"a{k}", text=f"Report {k}.") for k in range(BACKGROUND_MIN)]
    vectors = [random_unit(k) for k in range(BACKGROUND_MIN)]
    with open_store(tmp_path / "old.db") as store:
        upsert_articles(store, articles)
        store_vectors(store, articles, vectors)
        with store.transaction():
            save_members(store, [(a.id, "s1", a.content_hash, k, 1.0) for k, a in enumerate(articles)])
        background = Background(store)
        assert background.count == BACKGROUND_MIN
        assert np.allclose(background.mean(), np.mean(vectors, axis=0), atol=1e-3)  # vectors stored as float16


def test_concurrent_stories_need_more_than_one_shared_name_for_a_thread(tmp_path: Path) -> None:
    """A strike and a trial in one port, the same week, share the port's name: two threads. The same
    pair a year apart could never have been one story, so the name alone links them."""
    strike = ({"strike": 1.0, "dockers": 1.0}, {"harbourton": 2, "union": 1})
    trial = ({"trial": 1.0, "dredging": 1.0}, {"harbourton": 2, "halloran": 1})
    for trial_day, linked in ((739940, False), (739940 + 365, True)):
        with open_store(tmp_path / f"t{trial_day}.db") as store, store.transaction():
            a = _story_row("a", 1, random_unit(1), *strike)
            b = _story_row("b", 2, random_unit(1), *trial)
            a.first_day = a.last_day = 739939
            b.first_day = b.last_day = trial_day
            ThreadLinker(store).update([a, b], {})
            assert (a.thread_id == b.thread_id) is linked
