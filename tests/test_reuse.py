"""Unit tests of the reuse algorithms: MinHash, banding, alignment, boilerplate, relation and direction."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.model import Article, ReuseRelation
from storytrace.reuse.align import align
from storytrace.reuse.boilerplate import MIN_ARTICLES, boilerplate_spans, clear_of, line_keys
from storytrace.reuse.fingerprints import fingerprints
from storytrace.reuse.lsh import band_keys, pairs_from_keys
from storytrace.reuse.minhash import MinHasher, jaccard
from storytrace.reuse.quotes import matched_quotes
from storytrace.reuse.relate import (
    REWRITE_MIN_SENTENCES,
    Evidence,
    UnionFind,
    classify,
    demote_siblings,
    direction,
    rewrite_possible,
    wire_credit,
)
from storytrace.reuse.rewrite import judged_count
from storytrace.reuse.simhash import HyperplaneHasher, week
from storytrace.reuse.tokens import mix64, shingle_hashes, word_hashes

RNG = np.random.default_rng(3)
VOCAB = [f"w{i}" for i in range(5000)]


def _text(n: int) -> str:
    return " ".join(RNG.choice(VOCAB, n))


def test_folded_words_hash_alike() -> None:
    assert np.array_equal(word_hashes("Kiev and Zelensky"), word_hashes("Kyiv and Zelenskyy"))
    assert len(shingle_hashes(word_hashes("one two three"), 5)) == 1
    assert len(shingle_hashes(word_hashes(_text(20)), 5)) == 16


def test_minhash_estimates_jaccard() -> None:
    hasher = MinHasher(256)
    base = mix64(np.arange(3000, dtype=np.uint64))  # shingle hashes are mixed like this
    for overlap in (200, 500, 800):
        a = base[:1000]
        b = np.concatenate([base[1000 - overlap : 1000], base[2000 : 3000 - overlap]])
        truth = overlap / (2000 - overlap)
        sig = hasher.signatures([a, b])
        assert abs(jaccard(sig[0], sig[1]) - truth) < 0.1
    assert np.array_equal(hasher.signature(base), MinHasher(256).signature(base))


def test_minhash_batch_equals_single_and_handles_empty() -> None:
    hasher = MinHasher(64)
    sets = [shingle_hashes(word_hashes(_text(n))) for n in (50, 0, 3000, 10)]
    batch = hasher.signatures(sets)
    for row, shingles in enumerate(sets):
        assert np.array_equal(batch[row], hasher.signature(shingles))
    assert (batch[1] == np.uint32(0xFFFFFFFF)).all()


def test_lsh_pairs_near_duplicates_only() -> None:
    texts = [_text(300) for _ in range(200)]
    words = texts[5].split()
    words[10:20] = ["edited"] * 10
    texts.append(" ".join(words))
    signatures = MinHasher(128).signatures([shingle_hashes(word_hashes(t)) for t in texts])
    pairs = {tuple(p) for p in pairs_from_keys(band_keys(signatures, 32)).tolist()}
    assert pairs == {(5, 200)}


def test_fingerprints_survive_passage_move() -> None:
    passage = _text(60)
    a = shingle_hashes(word_hashes(_text(200) + " " + passage))
    b = shingle_hashes(word_hashes(passage + " " + _text(300)))
    assert len(np.intersect1d(fingerprints(a), fingerprints(b))) >= 2


def test_hyperplane_keys_collide_for_close_vectors() -> None:
    hasher = HyperplaneHasher(384)
    u = RNG.standard_normal(384).astype(np.float32)
    close = u + 0.2 * RNG.standard_normal(384).astype(np.float32)
    far = RNG.standard_normal(384).astype(np.float32)
    keys = hasher.keys(np.stack([u, close, far]), np.zeros(3, dtype=np.int64))
    assert (keys[0] == keys[1]).any()
    assert (keys[0] == keys[2]).sum() <= 2
    later = hasher.keys(np.stack([u]), np.array([week("2024-10-17")]))
    assert not (later[0] == keys[0]).any()
    assert week("2024-10-17") - week("2024-10-10") == 1 and week(None) == -1


def test_alignment_tolerates_variants_edits_and_inserted_sentence() -> None:
    a = (
        "More than two and a half years into the war, Kiev is slowly but steadily losing territory in its "
        "eastern Donbas region. Zelensky said the plan was ready and that allies must act now without delay."
    )
    b = (
        "More than two and a half years into the war, Kyiv is losing new territory almost daily in its "
        "eastern Donbas region. An entirely new sentence was inserted right here by the editors today. "
        "Zelenskyy said the plan was ready and that allies must act now without delay."
    )
    result = align(a, b)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert a[p.a_start : p.a_end].startswith("More than") and a[p.a_start : p.a_end].endswith("delay")
    assert b[p.b_start : p.b_end].endswith("delay")
    assert result.a_fraction > 0.8


def test_alignment_finds_moved_paragraphs_and_ignores_unrelated_text() -> None:
    shared1, shared2 = _text(40), _text(30)
    a = f"{_text(100)}\n\n{shared1}\n\n{_text(50)}\n\n{shared2}"
    b = f"{shared2}\n\n{_text(80)}\n\n{shared1}"
    result = align(a, b)
    texts = sorted(a[p.a_start : p.a_end] for p in result.passages)
    assert texts == sorted([shared1, shared2])
    assert not align(_text(300), _text(300)).passages


def test_boilerplate_lines_need_many_articles_of_the_source() -> None:
    text = (
        "The port strike entered its third week on Monday. Dockworkers rejected the latest offer from the port "
        "authority. Click to subscribe wherever you get your podcasts."
    )
    lines = line_keys(text)
    footer = lines[2][2]
    assert boilerplate_spans(lines, {footer: MIN_ARTICLES}) == [(lines[2][0], lines[2][1])]
    assert boilerplate_spans(lines, {footer: MIN_ARTICLES - 1}) == []
    # Lines recurring in most of an article are its content (one dispatch's versions), not boilerplate.
    everything = {key: MIN_ARTICLES for _, _, key in lines}
    assert boilerplate_spans(lines, everything) == []
    body = _text(60)
    a = f"{body} Click to subscribe to our show wherever you get your podcasts today."
    b = f"{_text(60)} Click to subscribe to our show wherever you get your podcasts today."
    footer_span = [(len(body) + 1, len(a))]
    assert align(a, b).passages
    assert not align(a, b, footer_span, [(len(b) - len(a) + len(body) + 1, len(b))]).passages


def test_classify_kinds() -> None:
    text = _text(300)
    assert classify(Evidence(align(text, text), same_text=True)) == ("duplicate", 1.0)
    words = text.split()
    trimmed = " ".join(words[:200])
    kind, _ = classify(Evidence(align(text, trimmed)))
    assert kind == "version"
    host = f"{_text(200)}\n\n{' '.join(words[50:90])}\n\n{_text(200)}"
    assert classify(Evidence(align(text, host)))[0] == "partial"
    rewrite = Evidence(align(_text(100), _text(100)), n_sentences=4, a_sentences=10, b_sentences=12)
    assert classify(rewrite)[0] == "rewrite"
    assert classify(Evidence(align(_text(100), _text(100)), n_sentences=1, a_sentences=10, b_sentences=12)) is None


@pytest.mark.parametrize(
    ("a_sentences", "b_sentences", "a_quotes", "b_quotes"),
    [(1, 1, 0, 0), (1, 40, 0, 0), (2, 2, 0, 3), (2, 9, 1, 1), (3, 3, 0, 0), (2, 2, 1, 1), (1, 1, 2, 1)],
)
def test_rewrite_possible_bounds_the_support_a_rewrite_needs(
    a_sentences: int, b_sentences: int, a_quotes: int, b_quotes: int
) -> None:
    """The gate is exact: it refuses a pair only when even every sentence and quote aligning could not
    reach the support `classify` asks of a rewrite."""
    support = min(a_sentences, b_sentences) + (a_quotes if b_quotes else 0)
    best = Evidence(
        align(_text(100), _text(100)),
        n_sentences=min(a_sentences, b_sentences),
        a_sentences=a_sentences,
        b_sentences=b_sentences,
        matched_quotes=a_quotes if b_quotes else 0,
    )
    assert rewrite_possible(a_sentences, b_sentences, a_quotes, b_quotes) == (support >= REWRITE_MIN_SENTENCES)
    if not rewrite_possible(a_sentences, b_sentences, a_quotes, b_quotes):
        assert classify(best) is None


def test_judged_sentences_leave_out_fragments() -> None:
    assert judged_count("Stocks fall on weak China export data") == 1
    assert judged_count("Markets fell. Oil slid on China data too. Gold rose as investors sought safety.") == 2
    assert judged_count("") == 0
    text = "Markets fell. Oil slid on China data too. Gold rose as investors sought safety."
    assert judged_count(text, [(text.index("Gold"), len(text))]) == 1  # a boilerplate sentence is not judged


def test_clear_of_keeps_spans_mostly_outside_boilerplate() -> None:
    assert clear_of([(0, 10), (10, 20), (20, 30)], [(8, 22)]) == [0, 2]
    assert clear_of([(0, 10)], []) == [0]


def test_quotes_match_on_content_words() -> None:
    """A short quote is not 'contained' in a long one through its function words, and a stock phrase too
    short to identify a quote is not compared; a translated quote still matches."""
    long_quote = (
        0,
        200,
        "“I think that you don’t have any more trouble with what he said than when a wise Latina woman said it”",
    )
    assert matched_quotes([(0, 30, "“the woman is a victim.”")], [long_quote]) == 0
    assert (
        matched_quotes(
            [(0, 40, "Trump as the Republican nominee")],
            [(0, 60, "if he would support Trump as the Republican nominee")],
        )
        == 0
    )
    hot_stage = (0, 90, "“The war has now entered its hot stage and we urgently need more air defence systems”")
    hot_phase = (0, 90, "“The war is now in a hot phase, and we urgently need more air defence systems”")
    assert matched_quotes([hot_stage], [hot_phase]) == 1


def test_direction_evidence() -> None:
    text = _text(200)
    ev = Evidence(align(text, text + " " + _text(100)))
    a, b = Article("a", text), Article("b", text + " more")
    assert direction(a, b, "version", ev) == ("a->b", "b contains a plus more")
    a.published_at, b.published_at = "2024-10-17T12:00", "2024-10-17T09:00"
    assert direction(a, b, "version", ev)[0] == "b->a"
    wire = Article("w", "BRUSSELS (AFP) — " + text)
    assert wire_credit(wire) == "AFP"
    assert direction(wire, Article("x", text), "duplicate", Evidence(align(text, text)))[0] == "a->b"
    assert direction(Article("x", text), Article("y", text), "duplicate", Evidence(align(text, text)))[0] == "unknown"


def test_siblings_of_one_source_get_no_direction() -> None:
    def rel(a: str, b: str, towards: str) -> ReuseRelation:
        return ReuseRelation(a, b, "version", 1.0, towards, evidence={"evidence_direction": towards})

    relations = [rel("wire", "x", "a->b"), rel("wire", "y", "a->b"), rel("x", "y", "a->b")]
    changed = demote_siblings(relations)
    assert [(r.a, r.b, r.direction) for r in changed] == [("x", "y", "unknown")]
    assert demote_siblings(relations) == []


@pytest.mark.parametrize("edges", [[("a", "b"), ("c", "d"), ("b", "c")], [("x", "y")]])
def test_union_find_groups(edges: list[tuple[str, str]]) -> None:
    union = UnionFind()
    for x, y in edges:
        union.union(x, y)
    assert len(union.groups()) == 1
