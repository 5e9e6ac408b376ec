"""Person identity across a corpus: do the ways news names a person reach that person's entity?

Coverage of one campaign calls its people by surname ("Trump"), first name ("Hillary", "Bernie",
"Jeb"), full name with or without middle names ("Hillary Rodham Clinton"), and the small NER model
sometimes takes a neighbouring word into the name ("Certainly Donald Trump"). This bench runs the
`extract` stage over PolNeAR's 2016 campaign news (train, dev and annotator-training texts) and, for
each surface form in bench/gold/polnear_person_forms.jsonl, counts the person mentions written that way
whose entity is the expected person. The forms are those whose referent in this corpus is one person
(checked by reading a sample of each); forms shared by two people of the campaign ("Clinton", "Bush")
are left out. Beside it, the reading without corpus-wide identity: each distinct NER string its own
entity (right only where the string is the full name itself).

Run: .venv/bin/python -m bench.entities_polnear [--limit N]   (all 928 texts: about 4 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from itertools import islice
from pathlib import Path

from bench import publish
from bench.timeline_tense import polnear_texts
from storytrace.model import Article
from storytrace.pipeline import analyze
from storytrace.store import SQLiteStore, open_store
from storytrace.store.articles import upsert_articles

GOLD = Path(__file__).parent / "gold" / "polnear_person_forms.jsonl"
RESULTS = Path(__file__).parent / "results" / "entities_polnear.md"
SPLITS = ("train", "dev", "annotator-training")


def load_gold() -> dict[str, str]:
    """Surface form -> the display name of the person it names in this corpus."""
    entries = map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())
    return {entry["form"]: entry["entity"] for entry in entries}


def polnear_articles(limit: int | None = None) -> list[Article]:
    """The first `limit` (all, when None) of PolNeAR's texts as articles, a text once."""
    return [Article(id=name, text=text) for name, text in islice(polnear_texts(SPLITS), limit)]


def person_forms(store: SQLiteStore, gold: dict[str, str]) -> dict[str, Counter[str]]:
    """For each gold form, the display names of the entities its person mentions reached, counted."""
    found: dict[str, Counter[str]] = {form: Counter() for form in gold}
    rows = store.query(
        "SELECT m.text, e.name FROM mentions m JOIN entity_keys k ON k.type = m.type AND k.key = m.key "
        "JOIN entities e ON e.entity_id = k.entity_id WHERE m.type = 'person'"
    )
    for text, name in rows:
        form = text.removesuffix("\u2019s").removesuffix("'s").strip()
        if form in found:
            found[form][name] += 1
    return found


def scores(found: dict[str, Counter[str]], gold: dict[str, str]) -> tuple[int, int, int]:
    """(mentions, right with corpus-wide identity, right if each NER string were its own entity)."""
    total = sum(sum(counts.values()) for counts in found.values())
    right = sum(counts[gold[form]] for form, counts in found.items())
    surface = sum(sum(counts.values()) for form, counts in found.items() if form == gold[form])
    return total, right, surface


def run_extract(store: SQLiteStore, articles: list[Article]) -> float:
    """Ingest the articles into a fresh store and run the `extract` stage; returns its seconds."""
    upsert_articles(store, articles)
    start = time.perf_counter()
    analyze(store, ["extract"])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="first N texts")
    args = parser.parse_args()
    gold = load_gold()
    articles = polnear_articles(args.limit)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.db") as store:
        seconds = run_extract(store, articles)
        found = person_forms(store, gold)
    total, right, surface = scores(found, gold)
    lines = [
        f"# Person identity on PolNeAR ({len(articles)} texts; {len(gold)} surface forms, {total} mentions)",
        "",
        "| system | mentions reaching the named person |",
        "|---|---|",
        f"| storytrace (corpus-wide identity) | {right} / {total} = {100 * right / total:.1f}% |",
        f"| each NER string its own entity | {surface} / {total} = {100 * surface / total:.1f}% |",
        "",
        "Forms not always reaching their person (storytrace):",
        "",
    ]
    for form, counts in found.items():
        wrong = {name: n for name, n in counts.most_common() if name != gold[form]}
        if wrong:
            lines.append(f"- {form}: {counts[gold[form]]} of {sum(counts.values())}; also {wrong}")
    lines += ["", f"`extract` stage: {seconds:.0f} s for {len(articles)} texts."]
    if args.limit is None:
        publish(lines, RESULTS)
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
