"""B-cubed clustering scores, shared by the quality floors in tests and the benches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 (Bagga & Baldwin 1998).

    Per item: precision = |its cluster ∩ its class| / |its cluster|, recall = the same over |its class|;
    both averaged over items, so large clusters weigh by their size and no cluster matching is needed.
    """
    pred_size, gold_size = Counter(predicted), Counter(gold)
    both = Counter(zip(predicted, gold, strict=True))
    n = len(predicted)
    precision = sum(both[(p, g)] / pred_size[p] for p, g in zip(predicted, gold, strict=True)) / n
    recall = sum(both[(p, g)] / gold_size[g] for p, g in zip(predicted, gold, strict=True)) / n
    return precision, recall, 2 * precision * recall / (precision + recall)
