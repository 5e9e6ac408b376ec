"""Floor on corpus-wide person identity: PolNeAR's ways of naming a campaign's people reach them."""

from __future__ import annotations

from types import ModuleType

from storytrace.store import SQLiteStore

FLOOR_TEXTS = 40  # the first texts of the bench's order: 485 mentions of the gold forms


def test_person_forms_reach_their_person_on_polnear(entities_polnear: ModuleType, tmp_store: SQLiteStore) -> None:
    gold = entities_polnear.load_gold()
    entities_polnear.run_extract(tmp_store, entities_polnear.polnear_articles(FLOOR_TEXTS))
    total, right, surface = entities_polnear.scores(entities_polnear.person_forms(tmp_store, gold), gold)
    assert total >= 400
    # 485 of 485 when pinned; 473 (97.5%) before first names, middle names and the dominant person were read
    assert right / total >= 0.99
    assert surface / total < 0.5  # the forms are mostly not the full name: the gold tests the linking
