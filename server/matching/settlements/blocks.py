"""The ledger side of settlements: the open lines of the rule's sources grouped into booking days per key, and
the items the ledger itself says were rejected.

A *day* is the open lines of one key (the counterparty the bank text names, or the source) booked on one
date; a settlement takes whole days (an acquirer pays a day's sales; a collection or payment run is one
journal's lines of one date). In source mode only lines of the bank line's sign belong to a day (a return
reversed in the collection journal later is no part of a collection); in counterparty mode a day holds every
line of the counterparty (chargebacks are netted into the payout).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..join import shared_codes, window_pairs
from ..one_to_one import day_coordinate
from .shared_references import shared_keys


@dataclass(frozen=True)
class Days:
    """Booked days as arrays, sorted by (currency, key, sign, day): positions of each day's lines in `lines`
    between `start[d]` and `start[d + 1]`."""

    cur: np.ndarray
    key: np.ndarray  # key code
    sign: np.ndarray  # +1 / -1: the sign of the day's lines (0 in counterparty mode: every line)
    day: np.ndarray  # calendar day number
    bday: np.ndarray  # business-day coordinate of the rule
    start: np.ndarray
    lines: np.ndarray  # ledger positions
    total: np.ndarray  # sum of the day's lines not rejected, minor units
    gross: np.ndarray  # sum of its sales (lines of the day's main sign), minor units
    items: np.ndarray  # number of those sales
    names: list[str]  # key code -> key text

    def positions(self, d: int) -> np.ndarray:
        return self.lines[self.start[d]:self.start[d + 1]]


def booked_days(state, rule, lpos: np.ndarray, rejected: np.ndarray) -> Days:
    ledger = state.ledger
    if rule.settle_by == "reference":  # lines of one journal and day sharing an identifier (shared_references.py)
        key_text = np.array([k or None for k in shared_keys(ledger, lpos)], dtype=object)
    else:
        key_text = ledger.col("counterparty" if rule.settle_by == "counterparty" else "source", lpos)
        key_text = np.array([k.strip().upper() for k in key_text], dtype=object)
    codes, names = pd.factorize(key_text)
    sign = np.zeros(len(lpos), dtype=np.int64) if rule.settle_by == "counterparty" else np.sign(ledger.amount[lpos])
    frame = pd.DataFrame({"cur": ledger.cur[lpos], "key": codes, "sign": sign, "day": ledger.day[lpos],
                          "pos": lpos, "rej": rejected})
    frame = frame[frame.key >= 0].sort_values(["cur", "key", "sign", "day", "pos"], kind="stable")
    head = frame.drop_duplicates(["cur", "key", "sign", "day"])
    first = np.flatnonzero(~frame.duplicated(["cur", "key", "sign", "day"]).to_numpy())
    start = np.r_[first, len(frame)].astype(np.int64)
    amount = ledger.amount[frame.pos.to_numpy()]
    kept = np.where(frame.rej.to_numpy(), 0, amount)
    seg = np.repeat(np.arange(len(first)), np.diff(start))
    main = np.where(head.sign.to_numpy() != 0, head.sign.to_numpy(), 1)  # counterparty mode: sales are credits
    total = np.bincount(seg, weights=kept, minlength=len(first)).astype(np.int64) if len(seg) else np.zeros(0, np.int64)
    is_sale = (np.sign(kept) == main[seg]) & (kept != 0)
    gross = np.bincount(seg, weights=np.where(is_sale, kept, 0), minlength=len(first)).astype(np.int64) \
        if len(seg) else np.zeros(0, np.int64)
    items = np.bincount(seg, weights=is_sale, minlength=len(first)).astype(np.int64) \
        if len(seg) else np.zeros(0, np.int64)
    day = head.day.to_numpy().astype(np.int64)
    bday = day_coordinate(ledger, rule, head.pos.to_numpy())
    return Days(head.cur.to_numpy(), head.key.to_numpy().astype(np.int64), head.sign.to_numpy().astype(np.int64),
                day, bday, start, frame.pos.to_numpy().astype(np.int64), total, gross, items,
                [str(n) for n in names])


def reversed_by_ledger(state, rule, lpos: np.ndarray) -> np.ndarray:
    """Mask over lpos: lines the ledger itself reverses within the rule's days_after (same currency and
    reference, opposite amount, dated on or after the line): a collection item rejected before settlement,
    which the bank's credit leaves out. Lines without a reference are never taken for rejected."""
    ledger = state.ledger
    out = np.zeros(len(lpos), dtype=bool)
    ref = ledger.derived("ref_sq", lpos)
    has = np.fromiter((len(r) >= 4 for r in ref), dtype=bool, count=len(lpos))
    idx = np.flatnonzero(has)
    if not len(idx):
        return out
    p = lpos[idx]
    lk, qk = shared_codes((ledger.cur[p], ref[idx], -ledger.amount[p]), (ledger.cur[p], ref[idx], ledger.amount[p]))
    bd = day_coordinate(ledger, rule, p)
    qi, _, _ = window_pairs(lk, bd, qk, bd, bd + rule.days_after, cap=4)
    out[idx[np.unique(qi)]] = True
    return out


def members(days: Days, fit, rejected: np.ndarray) -> np.ndarray:
    """The ledger lines a fit settles: its days' lines, less those the ledger reversed or the bank left out."""
    pos = np.concatenate([days.positions(d) for d in fit.days])
    pos = pos[~rejected[pos]]
    return np.setdiff1d(pos, np.array(fit.left_out, dtype=np.int64)) if fit.left_out else np.sort(pos)
