"""The chance guard of 1:1 pairs tied by amount and date only (no reference, number, name or check serial).

The ambiguity guard (one_to_one.resolve) refuses a pair when another *open candidate* fits as well. It cannot see
how likely it is that *some* line of the other side carries the amount by coincidence: on a busy day a deposit
whose true receipts form a batch, or were taken earlier, meets an unrelated receipt of the same amount, and that
receipt is then its only candidate. The guard estimates the expected number of the other side's open lines that
would carry the amount in the rule's window by chance, from the density of amounts around it:

    expected = (open lines of the window, same currency and sign, other than the candidate, whose amount lies
                within a factor AMOUNT_SPAN of it and is as round as it, i.e. a multiple of the largest power of
                ten dividing it)
               / (amounts as round as it in that range)
               x (amounts the rule accepts per line: 1 for exact, more within a tolerance)

Round amounts are compared with round amounts, since 1,500.00 is far likelier than 1,517.43. Density alone is
not enough: a small amount on a busy day is common, yet a card payment almost always has its ledger line, while
most deposits are batches with no 1:1 partner at all. So the expected number is weighed against the share of the
bank line's type (deposit, check, card...) that has any candidate under the rule (share_with_partner):

    chance of a coincidence = expected / (expected + share)

A pair is accepted only when that chance is at most the rule's `max_chance`; otherwise it is held for review
with the figure in its reason. Written here rather than taken from a library: it is a density count over the engine's
own arrays (no statistics package estimates "amount collisions in a window" for us).
"""
from __future__ import annotations

import numpy as np

from .frames import Side, to_minor

AMOUNT_SPAN = 2  # amounts within a factor of 2 either way make the local density of amounts
MAX_ROUNDNESS = 6  # powers of ten up to 10**6 minor units tell round amounts apart


def roundness(amount: np.ndarray) -> np.ndarray:
    """The largest power of ten (up to 10**MAX_ROUNDNESS) dividing each absolute amount in minor units."""
    a = np.abs(amount)
    m = np.ones(len(a), dtype=np.int64)
    for k in range(1, MAX_ROUNDNESS + 1):
        step = 10 ** k
        m = np.where((a > 0) & (a % step == 0), step, m)
    return m


def expected_coincidences(side: Side, pool: np.ndarray, pool_day: np.ndarray, amount: np.ndarray,
                          cur: np.ndarray, lo_day: np.ndarray, hi_day: np.ndarray, own: np.ndarray,
                          width: int = 1) -> np.ndarray:
    """Expected lines of `pool` (positions on `side`, day coordinates `pool_day`) carrying each `amount` by chance
    within [lo_day, hi_day] in currency `cur`, the line `own` (the candidate itself) left out. `width`: amounts
    the rule accepts per line (1 for an exact amount)."""
    out = np.zeros(len(amount), dtype=float)
    if not len(amount) or not len(pool):
        return out
    p_amt, p_cur = side.amount[pool], side.cur[pool]
    p_round = roundness(p_amt)
    order = np.lexsort((pool_day, np.sign(p_amt), p_cur))
    pool, pool_day, p_amt, p_cur, p_round = (x[order] for x in (pool, pool_day, p_amt, p_cur, p_round))
    p_sign = np.sign(p_amt)
    mine = roundness(amount)
    for k in range(len(amount)):
        a, m = int(abs(amount[k])), int(mine[k])
        if a == 0:
            continue
        s, c = int(np.sign(amount[k])), int(cur[k])
        g0 = np.searchsorted(p_cur, c, "left")
        g1 = np.searchsorted(p_cur, c, "right")
        sign = p_sign[g0:g1]
        s0, s1 = g0 + np.searchsorted(sign, s, "left"), g0 + np.searchsorted(sign, s, "right")
        d0 = s0 + np.searchsorted(pool_day[s0:s1], lo_day[k], "left")
        d1 = s0 + np.searchsorted(pool_day[s0:s1], hi_day[k], "right")
        lo, hi = -(-a // AMOUNT_SPAN), a * AMOUNT_SPAN
        amt = np.abs(p_amt[d0:d1])
        near = (amt >= lo) & (amt <= hi) & (p_round[d0:d1] >= m) & (pool[d0:d1] != own[k])
        values = hi // m - (lo + m - 1) // m + 1
        out[k] = int(near.sum()) * width / max(values, 1)
    return out


def tolerance_width(rule, decimals: int) -> int:
    """Amounts a line may meet under the rule: 1 for exact, 2 x tolerance + 1 within a tolerance."""
    if rule.amount == "tolerance":
        return 2 * to_minor(rule.amount_tolerance, decimals, "floor") + 1
    return 1


def share_with_partner(open_types: np.ndarray, with_candidate_types: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Per pair, the share of the rule's open bank lines of its bank line's type that have at least one candidate
    (an estimate of how often that type has a 1:1 partner here at all)."""
    n_open = np.bincount(open_types, minlength=int(max(open_types.max(initial=0), types.max(initial=0))) + 1)
    n_cand = np.bincount(with_candidate_types, minlength=len(n_open))
    return n_cand[types] / np.maximum(n_open[types], 1)


def posterior(expected: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Chance that a pair met by coincidence: expected coincidences against the type's share with a partner."""
    return expected / np.maximum(expected + share, 1e-12)
