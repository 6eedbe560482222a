"""Batch deposits found by booking day: the receipts of one deposit are booked on one day, the bank posts the
total up to a week before or after and names none of them.

How (a rule with shape one_bank_to_many_ledger and link = "booking_day"):
- the open receipts of each booking day (same currency and sign) are the *items* of that day; receipts of
  the day that share a document number (a deposit slip, mostly in the description) form one item, all or
  none, so a slip ties its receipts together whatever else the day holds;
- for each booking day, every subset of its items adding up exactly (integer minor units) to a deposit
  whose window holds the day is listed (day_subsets.py: meet in the middle, up to SOLUTION_LIMIT per
  deposit and day);
- the day's candidate subsets are then chosen *together* (packing.py): the disjoint choice, one subset per
  deposit, that settles the most deposits, then covers the most receipts. At real density a deposit's
  amount is reached by chance by some other subset of the window, but such a subset takes receipts of other
  deposits, which then cannot be completed, so the choice holding it settles fewer deposits than the true
  one; where two choices are worth as much, neither decides. Deposits count before receipts on purpose: a
  wrong subset that sweeps up receipts of no deposit (ledger-only lines, decoys) would otherwise outweigh
  the true, smaller ones. A subset is accepted only when every best choice of its day holds it (the
  ambiguity guard, for groups as for pairs), its deposit is chosen on no other day and has no undecided
  candidate elsewhere, and it has 2 or more lines;
- the coincidence guard: at real density (30 or more open receipts a day) some subset reaches almost any
  amount by chance. A subset without a deposit slip is accepted only when the expected number of the day's
  subsets adding up to the deposit by coincidence (day_subsets.DaySubsets.chance), times one plus the days
  of its window past the bound (where its true receipts could lie unseen), is at most MAX_COINCIDENCE;
  otherwise it is offered for review with that figure in its reason;
- rounds: what one round matches leaves the pools, which may settle another day (and lowers the risk of
  what is left).

The bound, stated and counted: a booking day with more than `max_candidates` items is searched only for
subsets holding one whole deposit slip and at most ANCHOR_REST other receipts (and, where so many of those
come near a deposit's amount that one may fit by coincidence, MAX_CHANCE, they decide nothing for it). A
deposit whose window holds such a day may still be matched on another day of its window, by that day's
packing; if it is not matched it is counted as past the bound (statistics: "bound exceeded"), since its
receipts may be on the day not searched in full. A deposit with more than SOLUTION_LIMIT subsets on one day,
and a day whose packing search passes its step budget, decide nothing (offered for review).
Groups have at most `max_group_size` lines.
"""
from __future__ import annotations

import numpy as np

from . import batches
from .day_subsets import DaySubsets, subset_table
from .filters import bank_filter, ledger_filter
from .packing import best_packings
from .rules import Rule
from .state import MatchState

MAX_ROUNDS = 16
MAX_CHANCE = 0.005  # expected coincidental slip-anchored subsets over a window above which none decides
MAX_COINCIDENCE = 0.03  # a subset with no slip: highest risk that it adds up by chance (see _risk)
COINCIDENCE_BAND = 50  # the local density of subset sums is taken over +-1/50 of the deposit (at least 1.00)
SOLUTION_LIMIT = 8
DEPOSIT_WORTH = 1000  # a deposit settled outweighs any number of receipts covered  # subsets listed per deposit and day; more: that deposit decides nothing on that day


def run(state: MatchState, rule: Rule) -> None:
    bank, ledger = state.bank, state.ledger
    tpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    ppos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    tpos, ppos = tpos[bank.amount[tpos] != 0], ppos[ledger.amount[ppos] != 0]
    if not len(tpos) or len(ppos) < 2:
        return
    figures = state.figures_for(rule)
    pools = _Pools(state, rule, tpos, ppos)
    solved: dict[int, tuple[tuple[int, ...], int, str]] = {}
    ambiguous: dict[int, list[tuple[int, ...]]] = {}
    unsearched: set[int] = set()
    risky: dict[int, str] = {}
    for _ in range(MAX_ROUNDS):
        found, ambiguous, unsearched, risky = _round(rule, pools)
        for t, (parts, searched) in found.items():
            solved[t] = (parts, searched, "booking_day")
            pools.t_open[t] = False
            pools.p_open[list(parts)] = False
        if not found:
            break
    figures.bound_exceeded += len(unsearched)
    batches.emit_matches(state, rule, True, tpos, ppos, solved, [(0, 0)], 0)
    batches.emit_suggestions(state, rule, True, tpos, ppos,
                             {t: s[:3] for t, s in ambiguous.items() if pools.t_open[t] and t not in unsearched},
                             why=risky)


class _Pools:
    """The deposits (targets) and receipts (parts) of one run, as arrays; which are still open."""

    def __init__(self, state: MatchState, rule: Rule, tpos: np.ndarray, ppos: np.ndarray):
        bank, ledger = state.bank, state.ledger
        self.state, self.tpos, self.ppos = state, tpos, ppos
        self.t_open = np.ones(len(tpos), dtype=bool)
        self.p_open = np.ones(len(ppos), dtype=bool)
        self.t_key = bank.cur[tpos] * 3 + np.sign(bank.amount[tpos]) + 1
        self.p_key = ledger.cur[ppos] * 3 + np.sign(ledger.amount[ppos]) + 1
        self.t_abs, self.p_abs = np.abs(bank.amount[tpos]), np.abs(ledger.amount[ppos])
        self.t_day, self.p_day = bank.day[tpos], ledger.day[ppos]
        self.numbers = ledger.derived("numbers", ppos)
        self.decided: dict[tuple[int, int], tuple] = {}  # per (key, booking day): what it held, its decision

    def days(self, rule: Rule):
        """Per booking day with open receipts: (its receipts, the open deposits whose window holds it)."""
        open_p, open_t = np.flatnonzero(self.p_open), np.flatnonzero(self.t_open)
        if not len(open_p) or not len(open_t):
            return
        p_key, p_day, t_key, t_day = self.p_key, self.p_day, self.t_key, self.t_day
        open_p = open_p[np.lexsort((open_p, p_day[open_p], p_key[open_p]))]
        t_order = open_t[np.lexsort((open_t, t_day[open_t], t_key[open_t]))]
        tk = t_key[t_order] * (1 << 32) + t_day[t_order]
        cut = np.flatnonzero(np.r_[True, (p_key[open_p][1:] != p_key[open_p][:-1])
                                   | (p_day[open_p][1:] != p_day[open_p][:-1])])
        for s, e in zip(cut, np.r_[cut[1:], len(open_p)]):
            parts = open_p[s:e]
            key, day = int(p_key[parts[0]]), int(p_day[parts[0]])
            # deposits whose window holds this booking day: ledger day in [bank day - after, bank day + before]
            lo = np.searchsorted(tk, key * (1 << 32) + day - rule.days_before, side="left")
            hi = np.searchsorted(tk, key * (1 << 32) + day + rule.days_after, side="right")
            if hi > lo:
                yield parts, t_order[lo:hi]


def _round(rule: Rule, pools: _Pools):
    """One pass over the booking days: per open deposit, its accepted subset (found), or its candidates
    (ambiguous), or the fact that a day of its window was past the bound and it was not found (unsearched).
    A day whose receipts and deposits did not change since the last round is not searched again."""
    cands: dict[int, list[tuple[int, ...]]] = {}  # every subset found per deposit, over its window
    picks: dict[int, list[tuple[int, ...]]] = {}  # subsets held by every best packing of their day
    undecided: set[int] = set()  # deposits with a candidate some best packings of its day hold, some not
    crowded: dict[int, int] = {}  # deposits with a day past the bound in their window: how many such days
    coincidence: dict[tuple[int, int], float] = {}  # (deposit, day): expected subsets adding up to it by chance
    searched: dict[int, int] = {}
    chance: dict[int, float] = {}  # expected coincidental subsets per deposit, over its window
    for parts, targets in pools.days(rule):
        sig = (parts.tobytes(), targets.tobytes())
        key = (int(pools.p_key[parts[0]]), int(pools.p_day[parts[0]]))
        cached = pools.decided.get(key)
        if cached is None or cached[0] != sig:
            cached = (sig, _decide_day(rule, pools, parts, targets))
            pools.decided[key] = cached
        is_crowded, entries, odds, density = cached[1]
        for t in targets.tolist() if is_crowded else ():
            crowded[t] = crowded.get(t, 0) + 1
        for t, v in density.items():
            coincidence[(t, key[1])] = v
        for t, v in odds.items():
            chance[t] = chance.get(t, 0.0) + v
        for t in targets.tolist():
            searched[t] = searched.get(t, 0) + len(parts)
        for t, lines, held in entries:
            cands.setdefault(t, []).append(lines)
            if held == "all":
                picks.setdefault(t, []).append(lines)
            elif held == "some":
                undecided.add(t)
    undecided.update(t for t, v in chance.items() if v > MAX_CHANCE)
    found, ambiguous, risky = {}, {}, {}
    for t, subs in cands.items():
        p = picks.get(t, [])
        risk = _risk(pools, p[0], coincidence.get((t, int(pools.p_day[p[0][0]])), 0.0), crowded.get(t, 0)) \
            if len(p) == 1 else 0.0
        if len(p) == 1 and len(p[0]) >= 2 and t not in undecided and risk <= MAX_COINCIDENCE:
            found[t] = (p[0], searched[t])
        elif any(len(x) >= 2 for x in subs):  # a deposit only single receipts add up to is a 1:1 rule's
            ambiguous[t] = sorted({x for x in subs if len(x) >= 2}, key=lambda x: (x not in p, x))
            if risk > MAX_COINCIDENCE and t not in undecided:
                risky[t] = (f"the only combination found, but about {risk:.2f} combinations of that day's receipts"
                            f" would add up to it by chance and no deposit slip ties them")
    return found, ambiguous, set(crowded) - set(found), risky


def _risk(pools: _Pools, lines: tuple[int, ...], expected: float, crowded_days: int) -> float:
    """How likely a subset holding no deposit slip is a coincidence rather than the deposit's receipts.

    `expected` is the number of subsets of its day that would reach the deposit's amount by chance (the local
    density of the day's subset sums, day_subsets.DaySubsets.chance). If the deposit's true receipts were on
    another fully searched day, that day would have shown a candidate too (and nothing would be decided); so a
    lone subset is wrong only when the true receipts are out of sight: on a day past the bound in the window
    (each such day as likely as the day found) or taken by another line. Hence the risk: the expected
    coincidences times (1 + the days past the bound). A slip among the lines is evidence: risk 0 (the
    slip-anchored search has its own guard, MAX_CHANCE)."""
    if any(len(it) > 1 for it in _items(np.array(lines), pools.numbers[np.array(lines)])):
        return 0.0
    return expected * (1 + crowded_days)


def _decide_day(rule: Rule, pools: _Pools, parts: np.ndarray, targets: np.ndarray):
    """One booking day: (past the bound?, [(deposit, lines, held by all / some / none of the best packings)],
    {deposit: expected coincidental subsets} (crowded days: slip-anchored subsets near its amount; infinite for
    a deposit with more than SOLUTION_LIMIT subsets). A search past its step budget holds every candidate as
    "some": nothing is concluded."""
    items = _items(parts, pools.numbers[parts])
    odds: dict[int, float] = {}
    density: dict[int, float] = {}
    crowded = len(items) > rule.max_candidates
    if crowded:
        anchored, near = _anchored(items, pools.p_abs, pools.t_abs[targets], rule.max_group_size)
        day = [(int(targets[t]), sub) for t, found in anchored for sub in found]
        hot = np.flatnonzero(near > 0)  # a crowded day may hold thousands of deposits: no loop over them all
        odds = dict(zip(targets[hot].tolist(), np.asarray(near, dtype=float)[hot].tolist()))
        day = [(t, tuple(items.index(it) for it in _split(sub, items))) for t, sub in day]
    else:
        table = DaySubsets(items, pools.p_abs, rule.max_group_size, len(targets))
        found, full = table.solutions(pools.t_abs[targets], SOLUTION_LIMIT)
        day = [(int(t), sub) for t, subs in zip(targets.tolist(), found) for sub in subs]
        odds = {int(t): float("inf") for t in targets[full]}  # their subsets listed still compete
        lone = np.array([len(f) > 0 for f in found], dtype=bool)  # the risk is asked only where a subset fits
        amounts = pools.t_abs[targets[lone]]
        density = dict(zip(targets[lone].tolist(), table.chance(amounts, np.maximum(
            100, amounts // COINCIDENCE_BAND)).tolist()))
    day = [(t, sub) for t, sub in day
           if _allowed(pools.state, pools.tpos[t], pools.ppos[[p for k in sub for p in items[k]]])]
    if not day:
        return crowded, [], odds, density
    # worth: deposits settled first (DEPOSIT_WORTH each), then receipts covered; an item's weight bounds
    # what any candidate holding it can be worth
    lines = [sum(len(items[k]) for k in sub) for _, sub in day]
    packing = best_packings(day, [DEPOSIT_WORTH + rule.max_group_size] * len(items),
                            worths=[DEPOSIT_WORTH + n for n in lines])
    common = set(packing.common())
    maybe = set(range(len(day))) if packing.exhausted else packing.somewhere() - common
    return crowded, [(t, tuple(sorted(p for k in sub for p in items[k])), "all" if c in common else
                      "some" if c in maybe else "none") for c, (t, sub) in enumerate(day)], odds, density


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


def _split(lines: tuple[int, ...], items: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The items a set of lines is made of."""
    chosen = set(lines)
    return [it for it in items if chosen.issuperset(it)]


ANCHOR_REST = 2  # receipts without the slip that may join a slip's receipts on a crowded day


def _anchored(items, amounts, targets, max_size):
    """On a day with more items than the bound: subsets made of one whole deposit slip (receipts sharing a
    number) and at most ANCHOR_REST other receipts of the day, per target (index into targets, subsets).

    Why this is searched where the full search is not: the slip is evidence that ties its receipts to one
    deposit, and a remainder of at most three receipts leaves few enough sums (C(n, 3)) that a second
    subset is rare; the full search over 30+ receipts finds sums colliding to the cent by chance.
    Also per target: whether so many such subsets come up to about its amount (summed over the slips, the
    subsets whose total is at most the target, per minor unit of it): summed over the crowded days of its
    window, above MAX_CHANCE the deposit decides nothing."""
    blocks = [it for it in items if len(it) > 1]
    singles = [it[0] for it in items if len(it) == 1]
    if not blocks or len(singles) > 60:
        return [], np.zeros(len(targets), dtype=bool)
    sums, cnt, mask = subset_table([int(amounts[p]) for p in singles], [1] * len(singles), ANCHOR_REST)
    order = np.argsort(sums, kind="stable")
    sums, cnt, mask = sums[order], cnt[order], mask[order]
    out: dict[int, list[tuple[int, ...]]] = {}
    chance = np.zeros(len(targets))
    for block in blocks:
        rest = targets - int(amounts[list(block)].sum())
        lo, hi = np.searchsorted(sums, rest, side="left"), np.searchsorted(sums, rest, side="right")
        chance += np.where(rest >= 0, hi, 0) / np.maximum(targets, 1)
        for t in np.flatnonzero(hi > lo):
            for j in range(lo[t], min(hi[t], lo[t] + 2)):
                if len(block) + cnt[j] <= max_size:
                    extra = [singles[k] for k in range(len(singles)) if int(mask[j]) >> k & 1]
                    out.setdefault(int(t), []).append(tuple(sorted((*block, *extra))))
    return sorted(out.items()), chance


def _allowed(state: MatchState, b: int, ledger_pos: np.ndarray) -> bool:
    """No pair of the group is one the user said does not belong together."""
    return bool(state.allowed(np.full(len(ledger_pos), b, dtype=np.int64), ledger_pos).all())
