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
- the days are coordinated (cross_day.py): a deposit chosen on several days (its receipts on one, a subset
  adding up to it by chance on another, where it displaced that day's own deposit) stays only on the day
  that settles strictly more deposits with it than without it, and the other days are packed again without
  it;
- the coincidence guard: at real density (30 or more open receipts a day) some subset reaches almost any
  amount by chance. A subset without a deposit slip is accepted only when the expected number of subsets of
  the receipts its day's other chosen deposits leave free adding up to the deposit by coincidence
  (day_subsets.DaySubsets.chance), times the window's unexplained receipts over the day's and one plus its
  days past the bound, is at most MAX_COINCIDENCE (see _risk); otherwise it is offered for review with that
  figure in its reason;
- a deposit for which a receipt of exactly its amount is held for review by an earlier rule is offered, not
  matched: that receipt may be its own, out of this search's sight;
- rounds: what one round matches leaves the pools, which may settle another day (and lowers the risk of
  what is left);
- receipts held only by an amount-only 1:1 question about a deposit are in the pools too, and such a question
  that lost a receipt to a batch is asked again afterwards (held_release.py): a single-check deposit of a batch
  receipt's amount no longer holds the batch up, nor the batch it.

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

from dataclasses import dataclass

import numpy as np

from . import batches, cross_day, held_release, named_payers
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
RISK_SAMPLE = 5_000  # subsets searched per size when estimating one deposit's coincidences (an estimate)
DEPOSIT_WORTH = 1000  # a deposit settled outweighs any number of receipts covered  # subsets listed per deposit and day; more: that deposit decides nothing on that day


def run(state: MatchState, rule: Rule) -> None:
    bank, ledger = state.bank, state.ledger
    tpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    ppos = ledger_filter(rule, ledger, np.union1d(state.ledger_available(), held_release.lendable(state, rule)),
                         state.currencies)
    tpos, ppos = tpos[bank.amount[tpos] != 0], ppos[ledger.amount[ppos] != 0]
    tpos = tpos[~named_payers.naming_someone(bank, ledger, tpos)]  # a named payer's own payment is no slip
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
    held_release.reopen(state)
    twin = pools.twin_open(rule)
    batches.emit_suggestions(state, rule, True, tpos, ppos,
                             {t: s[:3] for t, s in ambiguous.items()
                              if pools.t_open[t] and t not in unsearched and not twin[t]}, why=risky)


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
        self.free_chance: dict[tuple, float] = {}  # per (free items of a day, deposit): expected coincidences
        self.twin_held = self._twin_held(rule)

    def _twin_held(self, rule: Rule) -> np.ndarray:
        """Per deposit: a receipt of exactly its amount, in its window, is held for review by an earlier rule.
        Such a deposit may be that single receipt (out of sight, not gone): no subset of other receipts is
        matched to it, however unique, since the search cannot see the line that would compete with it."""
        state, ledger = self.state, self.state.ledger
        held = ledger_filter(rule, ledger, np.flatnonzero(state.l_open & state.l_held), state.currencies)
        out = np.zeros(len(self.tpos), dtype=bool)
        if not len(held):
            return out
        h_key = ledger.cur[held] * 3 + np.sign(ledger.amount[held]) + 1
        return self._twins(rule, h_key, np.abs(ledger.amount[held]), ledger.day[held])

    def twin_open(self, rule: Rule) -> np.ndarray:
        """Per deposit: an open receipt of exactly its amount lies in its window. Such a deposit whose subsets are
        ambiguous is not held for review here: it may be that single receipt, which the 1:1 rules after this one
        decide (usworld books: a lockbox deposit the ledger booked as one line was held by its batch look-alikes)."""
        p = np.flatnonzero(self.p_open)
        return self._twins(rule, self.p_key[p], self.p_abs[p], self.p_day[p])

    def _twins(self, rule: Rule, keys: np.ndarray, amounts: np.ndarray, days_of: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.tpos), dtype=bool)
        days: dict[tuple[int, int], list[int]] = {}
        for k, a, d in zip(keys.tolist(), amounts.tolist(), days_of.tolist()):
            days.setdefault((k, a), []).append(d)
        for t, (k, a, d) in enumerate(zip(self.t_key.tolist(), self.t_abs.tolist(), self.t_day.tolist())):
            out[t] = any(d - rule.days_after <= x <= d + rule.days_before for x in days.get((k, a), ()))
        return out

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
    A day whose receipts and deposits did not change since the last round is not searched again; the days'
    packings are then coordinated (cross_day.py: a deposit held on several days stays on one at most)."""
    cands: dict[int, list[tuple[int, ...]]] = {}  # every subset found per deposit, over its window
    picks: dict[int, list[tuple[tuple[int, ...], tuple]]] = {}  # subsets every best packing of their day holds
    undecided: set[int] = set()  # deposits with a candidate some best packings of its day hold, some not
    crowded: dict[int, int] = {}  # deposits with a day past the bound in their window: how many such days
    searched: dict[int, int] = {}
    chance: dict[int, float] = {}  # expected coincidental subsets per deposit, over its window
    days: dict[tuple, _DayCandidates] = {}
    day_targets: dict[tuple, np.ndarray] = {}
    for parts, targets in pools.days(rule):
        sig = (parts.tobytes(), targets.tobytes())
        key = (int(pools.p_key[parts[0]]), int(pools.p_day[parts[0]]))
        cached = pools.decided.get(key)
        if cached is None or cached[0] != sig:
            cached = (sig, _day_candidates(rule, pools, parts, targets))
            pools.decided[key] = cached
        day = days[key] = cached[1]
        day_targets[key] = targets
        for t in targets.tolist() if day.crowded else ():
            crowded[t] = crowded.get(t, 0) + 1
        for t, v in day.odds.items():
            chance[t] = chance.get(t, 0.0) + v
        for t in targets.tolist():
            searched[t] = searched.get(t, 0) + len(parts)
    packs: dict[tuple, tuple] = {}

    def pack(key, excluded: frozenset[int]):
        if (key, excluded) not in packs:
            packs[(key, excluded)] = _pack_day(rule, days[key], excluded)
        return packs[(key, excluded)][0]

    excluded = cross_day.exclusions(sorted(days), pack)
    unexplained: dict[int, int] = {}  # per deposit: receipts of its window's days no chosen deposit holds
    for key in sorted(days):
        pack(key, excluded[key])
        day = days[key]
        held_all = {p for _, lines, held in packs[(key, excluded[key])][1] if held == "all" for p in lines}
        left = sum(len(it) for it in day.items) - len(held_all)
        for t in day_targets[key].tolist():
            unexplained[t] = unexplained.get(t, 0) + left
        for t, lines, held in packs[(key, excluded[key])][1]:
            cands.setdefault(t, []).append(lines)
            if held == "all":
                picks.setdefault(t, []).append((lines, key))
            elif held == "some":
                undecided.add(t)
    undecided.update(t for t, v in chance.items() if v > MAX_CHANCE)
    found, ambiguous, risky = {}, {}, {}
    twin = pools.twin_open(rule)  # an open receipt of exactly the deposit's amount: the 1:1 rules decide it
    for t, subs in cands.items():
        p = picks.get(t, [])
        risk = _risk(rule, pools, days[p[0][1]], packs[(p[0][1], excluded[p[0][1]])][1], t, p[0][0],
                     unexplained.get(t, 0), crowded.get(t, 0)) if len(p) == 1 and t not in undecided else 0.0
        one_group = len(p) == 1 and len(p[0][0]) >= 2 and t not in undecided  # a single decided subset
        if one_group and pools.twin_held[t]:
            risky[t] = "a receipt of exactly this amount is held for review elsewhere: the deposit may be that one"
        if one_group and twin[t]:
            risky[t] = "a receipt of exactly this amount is open in its window: the deposit may be that one"
        if one_group and risk <= MAX_COINCIDENCE and not pools.twin_held[t] and not twin[t]:
            found[t] = (p[0][0], searched[t])
        elif any(len(x) >= 2 for x in subs):  # a deposit only single receipts add up to is a 1:1 rule's
            chosen = [x for x, _ in p]
            ambiguous[t] = sorted({x for x in subs if len(x) >= 2}, key=lambda x: (x not in chosen, x))
            if risk > MAX_COINCIDENCE and t not in risky:
                risky[t] = (f"the only combination found, but about {risk:.2f} combinations of that day's receipts"
                            f" would add up to it by chance and no deposit slip ties them")
    return found, ambiguous, set(crowded) - set(found), risky


def _risk(rule: Rule, pools: _Pools, day: _DayCandidates, entries, t: int, lines: tuple[int, ...],
          window_unexplained: int, crowded_days: int) -> float:
    """How likely a subset holding no deposit slip is a coincidence rather than the deposit's receipts.

    If the deposit's true receipts were on another fully searched day, that day would have shown a candidate
    too (and nothing would be decided); so a lone subset is wrong only when the true receipts are out of sight
    (taken or held by another line, or on a day past the bound) and a coincidence fills in. A coincidental
    subset could be chosen only among the receipts the day's other chosen deposits leave free (one that took
    their receipts would have left them unsettled, and the packing would have preferred them), so the expected
    coincidences on the day are the density of the subset sums of those free receipts at the deposit's amount
    (day_subsets.DaySubsets.chance): on a day its deposits explain almost entirely few receipts are free.
    Against that stands the chance that the true receipts are on this very day of the window rather than on
    another: the day's share of the window's receipts that no chosen deposit explains (a deposit's receipts
    are among the receipts of one day that no other deposit takes, so the day holding most of those is where
    they most likely are; before, one in the window's days, as likely on a day whose receipts its deposits
    explain entirely as on one with forty left over). Hence the risk:

        expected coincidences among the free receipts
          x (receipts of the window's days no chosen deposit holds / free receipts of the day)
          x (1 + days past the bound)

    (the odds of a coincidence against the true subset, counting the receipts out of sight as likely as not,
    and each day past the bound as another place the true receipts may hide). A slip among the lines is
    evidence: risk 0 (the slip-anchored search has its own guard, MAX_CHANCE)."""
    if any(len(it) > 1 for it in _items(np.array(lines), pools.numbers[np.array(lines)])):
        return 0.0
    taken = {p for other, held_lines, held in entries if held == "all" and other != t for p in held_lines}
    free = tuple(it for it in day.items if not taken.intersection(it))
    if (free, t) not in pools.free_chance:
        amount = pools.t_abs[[t]]
        table = DaySubsets(list(free), pools.p_abs, rule.max_group_size, 1)
        pools.free_chance[(free, t)] = float(table.chance(amount, np.maximum(100, amount // COINCIDENCE_BAND),
                                                          RISK_SAMPLE)[0])
    # the deposit's own lines are held by its choice on this day: counted back as receipts no other explains
    share = (window_unexplained + len(lines)) / max(sum(len(it) for it in free), 1)
    return pools.free_chance[(free, t)] * share * (1 + crowded_days)


@dataclass(frozen=True)
class _DayCandidates:
    """One booking day's search: its items, whether it was past the bound, every candidate (deposit, item
    indices), and per deposit the expected coincidental slip-anchored subsets (crowded days; infinite for a
    deposit with more than SOLUTION_LIMIT subsets)."""

    items: tuple[tuple[int, ...], ...]
    crowded: bool
    candidates: tuple[tuple[int, tuple[int, ...]], ...]
    odds: dict[int, float]


def _day_candidates(rule: Rule, pools: _Pools, parts: np.ndarray, targets: np.ndarray) -> _DayCandidates:
    items = _items(parts, pools.numbers[parts])
    odds: dict[int, float] = {}
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
    day = [(t, sub) for t, sub in day
           if _allowed(pools.state, pools.tpos[t], pools.ppos[[p for k in sub for p in items[k]]])]
    return _DayCandidates(tuple(items), crowded, tuple(day), odds)


def _pack_day(rule: Rule, day: _DayCandidates, excluded: frozenset[int]):
    """The day's candidates chosen together, the deposits in `excluded` left out: (what the packing settles,
    [(deposit, lines, held by all / some / none of the best packings)]). A search past its step budget holds
    every candidate as "some": nothing is concluded."""
    kept = [c for c, (t, _) in enumerate(day.candidates) if t not in excluded]
    if not kept:
        return cross_day.DayPack(frozenset(), 0, False), []
    items = day.items
    # worth: deposits settled first (DEPOSIT_WORTH each), then receipts covered; an item's weight bounds
    # what any candidate holding it can be worth
    lines = [sum(len(items[k]) for k in day.candidates[c][1]) for c in kept]
    packing = best_packings([day.candidates[c] for c in kept], [DEPOSIT_WORTH + rule.max_group_size] * len(items),
                            worths=[DEPOSIT_WORTH + n for n in lines])
    common = {kept[c] for c in packing.common()}
    maybe = set(kept) if packing.exhausted else {kept[c] for c in packing.somewhere()} - common
    entries = [(t, tuple(sorted(p for k in sub for p in items[k])), "all" if c in common else
                "some" if c in maybe else "none") for c, (t, sub) in enumerate(day.candidates)]
    held = frozenset(t for t, _, h in entries if h != "none")
    return cross_day.DayPack(held, max(packing.worth, 0) // DEPOSIT_WORTH, packing.exhausted), entries


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
