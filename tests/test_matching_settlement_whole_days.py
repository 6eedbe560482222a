"""The whole-day path of the settlement search (settlements/search.py, _whole_day_fits): for one-day runs without
fee or rejects it finds what the general search finds, in the same order, on random booked days."""
from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from tieout.server.matching import default_rules
from tieout.server.matching.settlements import search
from tieout.server.matching.settlements.blocks import Days
from tieout.server.matching.settlements.fee_model import FeeModel


def _days(rng: random.Random, keys: int) -> tuple[Days, dict]:
    """Random booked days of a few keys and both signs, each key's days distinct and ascending (their business-day
    coordinate too, as a weekend rolled to Monday gives it: never decreasing)."""
    rows = []
    for key in range(keys):
        for sign in (-1, 1):
            day = 19_700
            for _ in range(rng.randint(0, 12)):
                day += rng.randint(1, 3)
                rows.append((key, sign, day, rng.randint(1, 4), rng.choice([100, 250, 500, 999])))
    cur = np.zeros(len(rows), dtype=np.int64)
    key = np.array([r[0] for r in rows], dtype=np.int64)
    sign = np.array([r[1] for r in rows], dtype=np.int64)
    day = np.array([r[2] for r in rows], dtype=np.int64)
    count = np.array([r[3] for r in rows], dtype=np.int64)
    start = np.r_[0, np.cumsum(count)].astype(np.int64)
    total = np.array([r[1] * r[4] * r[3] // 2 for r in rows], dtype=np.int64)
    days = Days(cur, key, sign, day, day - day // 7, start, np.arange(int(start[-1]), dtype=np.int64), total,
                total, count, [f"K{k}" for k in range(keys)])
    runs: dict = {}
    for k in range(len(rows)):
        runs.setdefault((0, int(key[k]), int(sign[k])), []).append(k)
    return days, {k: np.array(v, dtype=np.int64) for k, v in runs.items()}


def test_whole_days_are_found_as_the_general_search_finds_them(monkeypatch):
    rng = random.Random(5)
    base = next(r for r in default_rules().rules if r.name == "journal_day_exact_sum")
    model = FeeModel.of(base, 2)
    assert base.settle_days == 1 and not base.max_rejects and model.is_nil
    seen = 0
    for trial in range(300):
        days, runs = _days(rng, 3)
        rule = replace(base, settle_min_items=rng.choice([1, 2, 3]), days_before=rng.randint(0, 3),
                       days_after=rng.randint(0, 5))
        amount = rng.choice([-1, 1]) * rng.choice([100, 250, 500, 999, 1500, 2000])
        args = (amount, int(rng.choice(days.bday.tolist() or [0])) + rng.randint(-2, 2), 0,
                np.arange(3), days, rule, model, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), runs)
        fast = search.fits_for(*args)
        monkeypatch.setattr(FeeModel, "is_nil", property(lambda self: False))
        general = search.fits_for(*args)
        monkeypatch.undo()
        assert fast == general
        seen += len(fast)
    assert seen > 50  # the cases found fits, several of them more than one
