"""Scoring attributions against brat gold (PolNeAR): content spans, with the speaker.

Spans are sets of character ranges (brat contents can be discontinuous). A prediction matches a gold
content when overlap(p, g) = |p ∩ g| / max(|p|, |g|) reaches the threshold: the GenderGapTracker
measure, symmetric, so a prediction must neither miss nor add more than (1 - threshold) of the
longer span. Matching is one-to-one, greedy by overlap. A matched prediction has the right speaker
when its speaker span overlaps the gold source span, or its resolved name shares a word key with
the gold source text (the speaker was resolved from a pronoun to the same person).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storytrace.extract.keys import name_key
from storytrace.extract.quotes import FoundQuote

Ranges = tuple[tuple[int, int], ...]
QUOTE_MARKS = '"“”«„'
MERGE_GAP = 80  # characters of attribution between two fragments of one quotation


@dataclass(slots=True, frozen=True)
class Attribution:
    content: Ranges
    source: Ranges = ()
    source_text: str = ""
    direct: bool = False


@dataclass(slots=True)
class Scores:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_right: int = 0

    def add(self, other: Scores) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.matched += other.matched
        self.speaker_right += other.speaker_right

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.matched if self.matched else 0.0


@dataclass(slots=True)
class Prediction:
    content: Ranges
    speaker_span: Ranges = ()
    speaker: str = ""
    direct: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def read_brat(path: Path, text: str) -> list[Attribution]:
    """Attribution relations of one .ann file (E lines tying Source/Cue/Content spans)."""
    spans: dict[str, Ranges] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and " " in parts[1]:
            name, ranges = parts[0], parts[1].split(" ", 1)[1]
            spans[name] = tuple((int(a), int(b)) for a, b in (piece.split() for piece in ranges.split(";")))
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("E"):
            continue
        roles = dict(part.split(":", 1) for part in line.split("\t")[1].split() if ":" in part)
        if roles.get("Content") not in spans:
            continue
        content = spans[roles["Content"]]
        source = spans.get(roles.get("Source", ""), ())
        first = text[content[0][0] : content[0][1]].lstrip()
        found.append(
            Attribution(
                content,
                source,
                " ".join(text[a:b] for a, b in source),
                direct=bool(first) and first[0] in QUOTE_MARKS,
            )
        )
    return found


def overlap(a: Ranges, b: Ranges) -> float:
    size_a = sum(e - s for s, e in a)
    size_b = sum(e - s for s, e in b)
    common = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)
    return common / max(size_a, size_b) if size_a and size_b else 0.0


def score(predictions: list[Prediction], gold: list[Attribution], threshold: float) -> Scores:
    pairs = sorted(
        ((overlap(p.content, g.content), i, j) for i, p in enumerate(predictions) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    result = Scores(predicted=len(predictions), gold=len(gold))
    for value, i, j in pairs:
        if value < threshold:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        result.matched += 1
        result.speaker_right += speaker_matches(predictions[i], gold[j])
    return result


def speaker_matches(prediction: Prediction, gold: Attribution) -> bool:
    if prediction.speaker_span and gold.source and overlap(prediction.speaker_span, gold.source) > 0:
        return True
    predicted = set(name_key(prediction.speaker).split())
    expected = set(name_key(gold.source_text).split()) - {"he", "she", "they", "it", "we", "i"}
    return bool(predicted & expected)


def polnear_articles(split_dir: Path) -> Iterable[tuple[str, str, list[Attribution]]]:
    """(name, text, gold) per article of a PolNeAR split; the first annotator's file when several."""
    for text_path in sorted((split_dir / "text").glob("*.txt")):
        text = text_path.read_text(encoding="utf-8")
        annotations = sorted((split_dir / "attributions").glob(f"{text_path.stem}_*.ann"))
        annotations = [a for a in annotations if re.fullmatch(rf"{re.escape(text_path.stem)}_[^_]+", a.stem)]
        if annotations:
            yield text_path.stem, text, read_brat(annotations[0], text)


def predictions(quotes: list[FoundQuote], kinds: frozenset[str], merge: bool = True) -> list[Prediction]:
    """Scored form of extracted quotes of the given kinds.

    Quotes nested in another prediction (a partial quote inside indirect speech) are dropped. With
    `merge`, a direct quote that continues the previous one (sharing its cue: '"A," he said, "B."';
    or its speaker carried over: '"A," he said. "B."', or a follow-on paragraph) joins it as one
    discontinuous prediction, the way PolNeAR annotates a quotation.
    """
    chosen = sorted((q for q in quotes if q.kind in kinds), key=lambda q: (q.start, -q.end))
    kept = [q for q in chosen if not any(o is not q and o.start <= q.start and q.end <= o.end for o in chosen)]
    result: list[Prediction] = []
    previous: FoundQuote | None = None
    for quote in kept:
        speaker = quote.speaker.text if quote.speaker else ""
        span: Ranges = (quote.speaker_span,) if quote.speaker_span else ()
        if (
            merge
            and previous is not None
            and result
            and quote.kind == previous.kind == "direct"
            and (quote.carried or (quote.cue_token is not None and quote.cue_token == previous.cue_token))
            and speaker == result[-1].speaker
            and quote.start - previous.end <= MERGE_GAP
        ):
            last = result[-1]
            result[-1] = Prediction((*last.content, (quote.start, quote.end)), last.speaker_span, speaker, True)
        else:
            result.append(Prediction(((quote.start, quote.end),), span, speaker, quote.kind == "direct"))
        previous = quote
    return result
