"""The packing search's memo (packing.py): a search asked again answers as a fresh search would, whatever
container the arguments come in, arguments that differ anywhere are searched anew, and the memo stays bounded."""
from __future__ import annotations

import random

from tieout.server.matching import packing

# receipts r0 = 40, r1 = 20, r2 = 60, r3 = 40 against deposits A = 100 and B = 60 (test_matching_batches.py)
CANDS = [(0, (2, 3)), (0, (0, 2)), (1, (1, 3)), (1, (0, 1))]


def _fresh(monkeypatch, *args, **kwargs) -> packing.Packing:
    monkeypatch.setattr(packing, "_memo", {})
    return packing.best_packings(*args, **kwargs)


def test_a_repeated_search_answers_as_a_fresh_one(monkeypatch):
    monkeypatch.setattr(packing, "_memo", {})
    first = packing.best_packings(CANDS, [1, 1, 1, 1])
    again = packing.best_packings([(o, list(its)) for o, its in CANDS], (1, 1, 1, 1))  # lists, tuples: one key
    assert again is first and first.common() == ()
    assert first == _fresh(monkeypatch, CANDS, [1, 1, 1, 1])


def test_arguments_that_differ_are_searched_anew(monkeypatch):
    """Budget, limit, ranks, worths and weights each change the answer, so each is part of the memo's key."""
    monkeypatch.setattr(packing, "_memo", {})
    full = packing.best_packings(CANDS, [1, 1, 1, 1])
    assert packing.best_packings(CANDS, [1, 1, 1, 1], budget=3).exhausted and not full.exhausted
    assert packing.best_packings(CANDS, [1, 1, 1, 1], limit=1).exhausted
    assert packing.best_packings(CANDS, [1, 1, 1, 1], ranks=[0, 1, 1, 0]).optima == ((0, 3),)
    assert packing.best_packings(CANDS[:3], [1, 1, 1, 1]).common() == (1, 2)
    assert packing.best_packings(CANDS, [1, 1, 5, 1]).worth == 8 != full.worth


def test_memo_answers_equal_fresh_searches_on_random_days(monkeypatch):
    """Many overlapping searches, some exhausting their budget, asked twice in shuffled order: each answer is
    the fresh search's."""
    rng = random.Random(7)
    cases = []
    for _ in range(40):
        items = rng.randint(2, 14)
        cands = [(rng.randrange(6), tuple(rng.sample(range(items), rng.randint(1, 2))))
                 for _ in range(rng.randint(1, 20))]
        cases.append((cands, [rng.randint(1, 3) for _ in range(items)], rng.choice([5, 50, 100_000])))
    fresh = [_fresh(monkeypatch, c, w, budget=b) for c, w, b in cases]
    monkeypatch.setattr(packing, "_memo", {})
    order = list(range(len(cases))) * 2
    rng.shuffle(order)
    for k in order:
        c, w, b = cases[k]
        assert packing.best_packings(c, w, budget=b) == fresh[k]


def test_memo_is_emptied_when_full(monkeypatch):
    monkeypatch.setattr(packing, "_memo", {})
    monkeypatch.setattr(packing, "MEMO_SIZE", 3)
    for k in range(3):
        packing.best_packings([(0, (k,))], [1] * (k + 1))
    assert len(packing._memo) == 3
    packing.best_packings(CANDS, [1, 1, 1, 1])
    assert len(packing._memo) == 1


def test_a_matching_run_forgets_its_searches(monkeypatch):
    """The memo lives for one run of match_frames: a server matching account after account holds no searches."""
    import pandas as pd

    from tieout.server.matching import match_frames

    monkeypatch.setattr(packing, "_memo", {})
    seen = []
    search = packing._search

    def spy(*args):
        seen.append(len(packing._memo))
        return search(*args)

    monkeypatch.setattr(packing, "_search", spy)
    day = "2024-03-04"
    bank = pd.DataFrame({"line_id": ["B1"], "date": [day], "amount": ["60.00"], "currency": ["USD"],
                         "reference": [""], "description": ["DEPOSIT"], "type": ["deposit"], "check_number": [""]})
    ledger = pd.DataFrame({"line_id": ["L1", "L2", "L3"], "date": [day] * 3, "amount": ["20.00", "40.00", "15.00"],
                           "currency": ["USD"] * 3, "reference": [""] * 3,
                           "description": ["RECEIPT ACME", "RECEIPT BOLT", "RECEIPT CORE"],
                           "source": ["AR"] * 3, "counterparty": ["Acme", "Bolt", "Core"]})
    match_frames(bank, ledger)
    assert seen, "the booking-day batch rule searched no packing: the test no longer exercises the memo"
    assert packing._memo == {}
