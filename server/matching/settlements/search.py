"""Which whole booking days (less which rejected items) one bank line settles: an exact search on integer
minor units, every fitting combination counted up to two (two are enough to know it is not unique).

The family searched, stated once: for each key the bank line may settle (the counterparty it names, or the
rule's sources), runs of consecutive booked days spanning at most `settle_days` calendar days whose last day
lies in the rule's settlement window; each run either fits the amount within the fee model as it is, or
(collections, a rule without fee model) fits exactly once up to `max_rejects` of its items are left out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fee_model import FeeModel

MAX_SOLUTIONS = 2


@dataclass(frozen=True)
class Fit:
    """One way a bank line is settled: booked days (indices into Days), items left out, fee kept."""

    days: tuple[int, ...]
    left_out: tuple[int, ...]  # ledger positions the bank left out (rejected before settlement)
    fee: int  # minor units, of the bank line's sign: ledger total - bank amount
    gross: int
    items: int


def fits_for(bank_amount: int, bank_bday: int, cur: int, keys: np.ndarray, days, rule, model: FeeModel,
             ledger_amount: np.ndarray, rejected: np.ndarray, runs: dict) -> list[Fit]:
    """Every fitting run of days for one bank line (up to MAX_SOLUTIONS + 1 to tell unique from not)."""
    sign = int(np.sign(bank_amount))
    want = abs(bank_amount)
    out: list[Fit] = []
    for key in keys:
        idx = runs.get((cur, int(key), 0 if rule.settle_by == "counterparty" else sign))
        if idx is None:
            continue
        lag = bank_bday - days.bday[idx]
        in_window = idx[(lag >= -rule.days_before) & (lag <= rule.days_after)]
        for e in in_window:
            for s in idx[(idx <= e) & (days.day[idx] > days.day[e] - rule.settle_days)][::-1]:
                run = tuple(int(d) for d in idx[(idx >= s) & (idx <= e)])
                out += _fit_run(run, want, sign, days, model, rule, ledger_amount, rejected)
                if len(out) > MAX_SOLUTIONS:
                    return out
    return out


def _fit_run(run, want, sign, days, model, rule, ledger_amount, rejected) -> list[Fit]:
    total = int(days.total[list(run)].sum()) * sign
    gross = int(days.gross[list(run)].sum()) * sign
    items = int(days.items[list(run)].sum())
    if total <= 0 or _lines(days, run) < rule.settle_min_items:
        return []
    lo, hi = model.bounds(gross, items)
    fee = total - want
    if lo <= fee <= hi:
        return [Fit(run, (), fee * sign, gross, items)]
    if fee <= hi or not rule.max_rejects or not model.is_zero:
        return []
    # The bank credited less than the run holds: which items (at most max_rejects) did it leave out?
    pos = np.concatenate([days.positions(d) for d in run])
    pos = pos[~rejected[pos]]
    values = ledger_amount[pos] * sign
    keep = (values > 0) & (values <= fee)
    found = subsets_summing_to([int(v) for v in values[keep]], fee, rule.max_rejects, MAX_SOLUTIONS + 1)
    cand = pos[keep]
    return [Fit(run, tuple(int(cand[i]) for i in s), 0, gross, items) for s in found]


def _lines(days, run) -> int:
    """Ledger lines a run of days holds (sales, fees and credits alike)."""
    return int(sum(days.start[d + 1] - days.start[d] for d in run))


def subsets_summing_to(values: list[int], target: int, max_size: int, limit: int) -> list[tuple[int, ...]]:
    """Index sets of 1..max_size (at most 3) values summing exactly to target, up to `limit` of them.

    Written here: with at most three items left out, a hash of the values answers sizes 1 and 2 in one pass
    and size 3 in a pass per item (O(n^2) in the worst case, pruned by sorting), where a general subset-sum
    solver would search far more."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    vals = [values[i] for i in order]
    where: dict[int, list[int]] = {}
    for k, v in enumerate(vals):
        where.setdefault(v, []).append(k)
    out: list[tuple[int, ...]] = []

    def add(ks):
        out.append(tuple(sorted(order[k] for k in ks)))
        return len(out) >= limit

    for k in where.get(target, ()):
        if add((k,)):
            return out
    if max_size >= 2 and _pairs(vals, where, target, 0, (), add):
        return out
    if max_size >= 3:
        for a in range(len(vals)):
            if vals[a] * 3 > target:
                break
            if _pairs(vals, where, target - vals[a], a + 1, (a,), add):
                return out
    return out


def _pairs(vals, where, target, first, prefix, add) -> bool:
    """Pairs j < k (both >= first) with vals[j] + vals[k] == target; True when the limit was reached."""
    for j in range(first, len(vals)):
        if vals[j] * 2 > target:
            break
        for k in where.get(target - vals[j], ()):
            if k > j and add(prefix + (j, k)):
                return True
    return False
