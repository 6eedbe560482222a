"""Batch deposits found by booking day: the receipts of one deposit are booked on one day, the bank posts the
total up to a week before or after and names none of them.

How (a rule with shape one_bank_to_many_ledger and link = "booking_day"):
- the open receipts of each booking day (same currency and sign) are the *items* of that day; receipts of
  the day that share a document number (a deposit slip, mostly in the description) form one item, all or
  none, so a slip ties its receipts together whatever else the day holds;
- for each deposit, every booking day of its window is searched for subsets of items whose total equals
  the deposit exactly (integer minor units): meet in the middle, the day's items in two halves, all subset
  sums of each half listed once per day and round, so a deposit costs one sorted search per day;
- a deposit is matched only when exactly one subset over all days of its window fits, of 2 or more lines
  (a single receipt fitting too makes it ambiguous), no other deposit's unique subset claims any of its
  receipts (the ambiguity guard, for groups as for pairs), and so few subsets come near the deposit that a
  coincidence to the cent is unlikely (MAX_CHANCE); otherwise it is offered for review;
- rounds: what one round matches leaves the pools, which may make another deposit's subset unique.

The bound, stated and counted: a booking day with more than `max_candidates` items is searched only for
subsets holding one whole deposit slip and at most ANCHOR_REST other receipts; a deposit whose window holds
such a day is matched only by such a slip-anchored subset, the only one found, and is otherwise left open
(statistics: "bound exceeded"), because a second subset might hide there; groups have at most
`max_group_size` lines.
"""
from __future__ import annotations

import numpy as np

from . import batches
from .filters import bank_filter, ledger_filter
from .rules import Rule
from .state import MatchState

MAX_ROUNDS = 4
# A unique subset is believed only where few subsets could reach the deposit by chance: the subsets whose
# total is at most the deposit, per minor unit of it, summed over the days of the window (the expected
# number of subsets adding up to the cent by coincidence). Above this the subset is offered for review.
MAX_CHANCE = 0.02


def _subset_table(values: list[int], sizes: list[int], max_size: int):
    """Every subset of the items (up to max_size lines): (sums, line counts, item masks)."""
    sums = np.zeros(1, dtype=np.int64)
    count = np.zeros(1, dtype=np.int64)
    mask = np.zeros(1, dtype=np.int64)
    for i, (v, s) in enumerate(zip(values, sizes)):
        keep = count + s <= max_size
        sums = np.concatenate([sums, sums[keep] + v])
        count = np.concatenate([count, count[keep] + s])
        mask = np.concatenate([mask, mask[keep] | (1 << i)])
    return sums, count, mask


class _Day:
    """One booking day's items split in halves, each half's subset sums listed (the right half sorted)."""

    def __init__(self, items: list[tuple[int, ...]], amounts: np.ndarray, max_size: int):
        self.items = items
        values = [int(amounts[list(it)].sum()) for it in items]
        sizes = [len(it) for it in items]
        half = len(items) // 2
        self.left = _subset_table(values[:half], sizes[:half], max_size)
        r_sum, r_cnt, r_mask = _subset_table(values[half:], sizes[half:], max_size)
        order = np.argsort(r_sum, kind="stable")
        self.right = (r_sum[order], r_cnt[order], r_mask[order])
        self.half = half
        self.max_size = max_size

    def solutions(self, targets: np.ndarray, limit: int = 2) -> list[list[tuple[int, ...]]]:
        """Per target amount: the subsets (as part indices) whose total is that amount, with 1..max_size
        lines, at most `limit` each. All targets in one sorted search: (target - left sum) in the right sums."""
        l_sum, l_cnt, l_mask = self.left
        r_sum, r_cnt, r_mask = self.right
        want = (targets[:, None] - l_sum[None, :]).ravel()
        lo = np.searchsorted(r_sum, want, side="left")
        hi = np.searchsorted(r_sum, want, side="right")
        # subsets adding up to at most the target, per unit of the target: how many would fit by chance
        self.chance = hi.reshape(len(targets), len(l_sum)).sum(axis=1) / np.maximum(targets, 1)
        out: list[list[tuple[int, ...]]] = [[] for _ in targets]
        for k in np.flatnonzero(hi > lo):
            t, i = divmod(int(k), len(l_sum))
            for j in range(lo[k], hi[k]):
                if len(out[t]) < limit and 1 <= l_cnt[i] + r_cnt[j] <= self.max_size:
                    out[t].append(self._parts(int(l_mask[i]), int(r_mask[j])))
        return out

    def _parts(self, left: int, right: int) -> tuple[int, ...]:
        chosen = [k for k in range(self.half) if left >> k & 1]
        chosen += [self.half + k for k in range(len(self.items) - self.half) if right >> k & 1]
        return tuple(sorted(p for k in chosen for p in self.items[k]))


def _items(parts: np.ndarray, numbers: np.ndarray) -> list[tuple[int, ...]]:
    """A day's parts as items: parts sharing a document number (a deposit slip) form one item."""
    seen: dict[str, list[int]] = {}
    for p, nums in zip(parts, numbers):
        for x in nums:
            seen.setdefault(x, []).append(int(p))
    block_of: dict[int, str] = {}
    for x in sorted(seen):
        if len(seen[x]) > 1:
            for p in seen[x]:
                block_of.setdefault(p, x)
    items: dict[object, list[int]] = {}
    for p in parts:
        items.setdefault(block_of.get(int(p), int(p)), []).append(int(p))
    return [tuple(v) for v in items.values()]


def run(state: MatchState, rule: Rule) -> None:
    bank, ledger = state.bank, state.ledger
    tpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    ppos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    tpos, ppos = tpos[bank.amount[tpos] != 0], ppos[ledger.amount[ppos] != 0]
    if not len(tpos) or len(ppos) < 2:
        return
    figures = state.figures_for(rule)
    t_open = np.ones(len(tpos), dtype=bool)
    p_open = np.ones(len(ppos), dtype=bool)
    t_key = bank.cur[tpos] * 3 + np.sign(bank.amount[tpos]) + 1
    p_key = ledger.cur[ppos] * 3 + np.sign(ledger.amount[ppos]) + 1
    t_abs, p_abs = np.abs(bank.amount[tpos]), np.abs(ledger.amount[ppos])
    t_day, p_day = bank.day[tpos], ledger.day[ppos]
    numbers = ledger.derived("numbers", ppos)
    solved: dict[int, tuple[tuple[int, ...], int, str]] = {}
    ambiguous: dict[int, list[tuple[int, ...]]] = {}
    unsearched: set[int] = set()
    for _ in range(MAX_ROUNDS):
        found, ambiguous, unsearched = _round(rule, t_open, p_open, t_key, p_key, t_abs, p_abs, t_day, p_day,
                                              numbers, state, tpos, ppos)
        claims = np.zeros(len(ppos), dtype=np.int64)
        for parts, _ in found.values():
            claims[list(parts)] += 1
        for sols in ambiguous.values():
            claims[sorted({p for s in sols for p in s})] += 1
        progress = False
        for t, (parts, searched) in found.items():
            if (claims[list(parts)] > 1).any():
                ambiguous[t] = [parts]
                continue
            solved[t] = (parts, searched, "booking_day")
            t_open[t] = False
            p_open[list(parts)] = False
            progress = True
        if not progress:
            break
    figures.bound_exceeded += len(unsearched)
    batches.emit_matches(state, rule, True, tpos, ppos, solved, [(0, 0)], 0)
    batches.emit_suggestions(state, rule, True, tpos, ppos,
                             {t: s for t, s in ambiguous.items() if t_open[t] and t not in unsearched})


def _round(rule, t_open, p_open, t_key, p_key, t_abs, p_abs, t_day, p_day, numbers, state, tpos, ppos):
    """One pass over the booking days: per open deposit, its unique subset (found), or its first two
    (ambiguous), or the fact that a day of its window was past the bound (unsearched)."""
    sols: dict[int, list[tuple[int, ...]]] = {}
    searched: dict[int, int] = {}
    unsearched: set[int] = set()
    crowded: set[int] = set()  # deposits with a day past the bound in their window
    chance: dict[int, float] = {}  # subsets expected to add up to the deposit by chance, over its window
    anchored: dict[int, set[tuple[int, ...]]] = {}  # their subsets that hold a whole deposit slip
    open_p = np.flatnonzero(p_open)
    open_t = np.flatnonzero(t_open)
    if not len(open_p) or not len(open_t):
        return {}, {}, unsearched
    order = np.lexsort((open_p, p_day[open_p], p_key[open_p]))
    open_p = open_p[order]
    t_order = open_t[np.lexsort((t_day[open_t], t_key[open_t]))]
    tk, td = t_key[t_order], t_day[t_order]
    cut = np.flatnonzero(np.r_[True, (p_key[open_p][1:] != p_key[open_p][:-1]) | (p_day[open_p][1:] != p_day[open_p][:-1])])
    for s, e in zip(cut, np.r_[cut[1:], len(open_p)]):
        parts = open_p[s:e]
        key, day = p_key[parts[0]], p_day[parts[0]]
        # deposits whose window holds this booking day: ledger day in [bank day - after, bank day + before]
        lo = np.searchsorted(tk * (1 << 32) + td, key * (1 << 32) + day - rule.days_before, side="left")
        hi = np.searchsorted(tk * (1 << 32) + td, key * (1 << 32) + day + rule.days_after, side="right")
        targets = t_order[lo:hi]
        if not len(targets):
            continue
        items = _items(parts, numbers[parts])
        if len(items) > rule.max_candidates:
            crowded.update(int(t) for t in targets)
            for t, found in _anchored(items, p_abs, t_abs[targets], rule.max_group_size):
                t = int(targets[t])
                sols.setdefault(t, []).extend(p for p in found if _allowed(state, tpos[t], ppos[list(p)]))
                anchored.setdefault(t, set()).update(found)
                searched[t] = searched.get(t, 0) + len(parts)
            continue
        targets = np.array([t for t in targets if len(sols.get(int(t), ())) < 2], dtype=np.int64)
        if not len(targets):
            continue
        table = _Day(items, p_abs, rule.max_group_size)
        found_all = table.solutions(t_abs[targets])
        for t, c in zip(targets.tolist(), table.chance):
            chance[t] = chance.get(t, 0.0) + float(c)
        for t, found in zip(targets.tolist(), found_all):
            sols.setdefault(t, []).extend(p for p in found if _allowed(state, tpos[t], ppos[list(p)]))
            searched[t] = searched.get(t, 0) + len(parts)
    found, ambiguous = {}, {}
    for t in crowded:  # a crowded day was searched for slip-anchored subsets only: only those may decide
        s = sols.get(t, [])
        if not (len(s) == 1 and s[0] in anchored.get(t, ())):
            unsearched.add(t)
    for t, s in sols.items():
        if t in unsearched or not s:
            continue
        if len(s) == 1 and len(s[0]) >= 2 and chance.get(t, 0.0) > MAX_CHANCE and s[0] not in anchored.get(t, ()):
            ambiguous[t] = s  # one subset found, but so many add up to about as much that it may be chance
        elif len(s) == 1 and len(s[0]) >= 2:
            found[t] = (s[0], searched[t])
        elif len(s) > 1:
            ambiguous[t] = [x for x in s if len(x) >= 2] or s
    return found, ambiguous, unsearched


ANCHOR_REST = 2  # receipts without the slip that may join a slip's receipts on a crowded day


def _anchored(items, amounts, targets, max_size):
    """On a day with more items than the bound: subsets made of one whole deposit slip (receipts sharing a
    number) and at most ANCHOR_REST other receipts of the day, per target (index into targets, subsets).

    Why this is searched where the full search is not: the slip is evidence that ties its receipts to one
    deposit, and a remainder of at most three receipts leaves few enough sums (C(n, 3)) that a second
    subset is rare; the full search over 30+ receipts finds sums colliding to the cent by chance."""
    blocks = [it for it in items if len(it) > 1]
    singles = [it[0] for it in items if len(it) == 1]
    if not blocks or len(singles) > 60:
        return []
    sums, cnt, mask = _subset_table([int(amounts[p]) for p in singles], [1] * len(singles), ANCHOR_REST)
    order = np.argsort(sums, kind="stable")
    sums, cnt, mask = sums[order], cnt[order], mask[order]
    out: dict[int, list[tuple[int, ...]]] = {}
    for block in blocks:
        rest = targets - int(amounts[list(block)].sum())
        lo, hi = np.searchsorted(sums, rest, side="left"), np.searchsorted(sums, rest, side="right")
        for t in np.flatnonzero(hi > lo):
            for j in range(lo[t], min(hi[t], lo[t] + 2)):
                if len(block) + cnt[j] <= max_size:
                    extra = [singles[k] for k in range(len(singles)) if int(mask[j]) >> k & 1]
                    out.setdefault(int(t), []).append(tuple(sorted((*block, *extra))))
    return sorted(out.items())


def _allowed(state: MatchState, b: int, ledger_pos: np.ndarray) -> bool:
    """No pair of the group is one the user said does not belong together."""
    return bool(state.allowed(np.full(len(ledger_pos), b, dtype=np.int64), ledger_pos).all())
