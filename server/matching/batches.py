"""Batch deposits (one bank line = n ledger lines) and splits (n bank lines = one ledger line).

For each open *target* line (the bank deposit, or the ledger payment), the *parts* are open lines of the
other side with the same currency and sign, dated inside the rule's window, each smaller than the target.
Linked parts come first: a part is linked when its counterparty is named in the bank text or its reference
appears there (the shared word is found by a join on words, not by comparing every pair).

The search bound (stated in the reason text and counted in the statistics):
- at most `max_candidates` parts are searched for one target; a target with more parts in its window is
  not searched at all and stays open (statistics: "bound exceeded");
- groups have 2..`max_group_size` parts; the search itself stops after subset.STEP_BUDGET steps, and a
  target whose search ran out of steps stays open (statistics: "budget exhausted");
- a target is matched only when exactly one combination fits and none of its parts fits another target;
  otherwise its combinations are held for review as ranked suggestions.
"""
from __future__ import annotations

import numpy as np

from . import booking_batches, evidence, named_payers, reasons
from .filters import bank_filter, ledger_filter
from .frames import to_minor
from .join import shared_codes, window_pairs
from .links import linked_pairs
from .one_to_one import day_coordinate
from .rules import Rule
from .state import NO_SIMILARITY, Chunk, MatchState, Proposal
from .subset import find_subsets

WINDOW_EXPAND_FACTOR = 4  # window candidates are listed up to 4 x the bound, then trimmed by amount
MAX_SUGGESTED_COMBINATIONS = 3


_HOW = {"linked": "linked by counterparty or reference", "window": "found by date window",
        "booking_day": "receipts of one booking day (a deposit slip's receipts kept together)"}


def run(state: MatchState, rule: Rule) -> None:
    if rule.link == "booking_day":
        booking_batches.run(state, rule)
        return
    bank_target = rule.shape == "one_bank_to_many_ledger"
    bank, ledger = state.bank, state.ledger
    bpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    bpos, lpos = bpos[bank.amount[bpos] != 0], lpos[ledger.amount[lpos] != 0]
    if len(bpos) < (1 if bank_target else 2) or len(lpos) < (2 if bank_target else 1):
        return
    tside, pside = (bank, ledger) if bank_target else (ledger, bank)
    tpos, ppos = (bpos, lpos) if bank_target else (lpos, bpos)
    fee_max = to_minor(rule.fee_max, state.decimals, "floor") if rule.amount == "fee_deducted" else 0
    tol = to_minor(rule.amount_tolerance, state.decimals, "floor") if rule.amount == "tolerance" else 0
    t_abs = np.abs(tside.amount[tpos])
    # Parts' total for a target, as (lowest, highest) offsets: bank total = ledger total - a fee up to fee_max.
    offsets = [(0, 0)] if not fee_max else [(1, fee_max) if bank_target else (-fee_max, -1)]
    hi = t_abs + max(o for _, o in offsets) + tol
    tday = day_coordinate(tside, rule, tpos)
    pday = day_coordinate(pside, rule, ppos)
    if bank_target:  # ledger part day in [bank day - days_after, bank day + days_before]
        lo_day, hi_day = tday - rule.days_after, tday + rule.days_before
    else:  # bank part day in [ledger day - days_before, ledger day + days_after]
        lo_day, hi_day = tday - rule.days_before, tday + rule.days_after
    t_sign, p_sign = np.sign(tside.amount[tpos]), np.sign(pside.amount[ppos])
    p_abs = np.abs(pside.amount[ppos])

    linked = _linked_parts(state, rule, bank_target, tpos, ppos, lo_day, hi_day, tday, pday, hi) \
        if rule.link != "none" else {}
    window: dict[int, np.ndarray] = {}
    crowded_t = np.zeros(len(tpos), dtype=bool)
    if rule.link != "require":
        lk, qk = shared_codes((pside.cur[ppos], p_sign), (tside.cur[tpos], t_sign))
        cap = rule.max_candidates * WINDOW_EXPAND_FACTOR
        qi, pj, counts = window_pairs(lk, pday, qk, lo_day, hi_day, cap=cap)
        ok = p_abs[pj] < hi[qi]
        ok &= state.allowed(tpos[qi], ppos[pj]) if bank_target else state.allowed(ppos[pj], tpos[qi])
        qi, pj = qi[ok], pj[ok]
        crowded_t = counts > cap
        if len(qi):
            cut = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
            for s, e in zip(cut, np.r_[cut[1:], len(qi)]):
                window[int(qi[s])] = pj[s:e]

    # a bank line naming a known payer is that payer's payment: its parts are the ones linked to it, never a
    # window's receipts of others (named_payers.py)
    named = named_payers.naming_someone(bank, ledger, tpos) if bank_target and rule.link != "require" \
        else np.zeros(len(tpos), dtype=bool)
    figures = state.figures_for(rule)
    solved: dict[int, tuple[tuple[int, ...], int, str]] = {}  # target -> (part indices, searched, how)
    ambiguous: dict[int, list[tuple[int, ...]]] = {}
    for t in sorted(set(linked) | set(window) | set(np.flatnonzero(crowded_t).tolist())):
        intervals = [(int(t_abs[t]) + a - tol, int(t_abs[t]) + b + tol) for a, b in offsets]
        stages = []
        if len(linked.get(t, ())) >= 2:
            stages.append(("linked", linked[t]))
        if rule.link != "require" and not named[t]:
            stages.append(("window", None if crowded_t[t] else window.get(t, np.zeros(0, dtype=np.int64))))
        for how, cands in stages:
            if cands is None or len(cands) > rule.max_candidates:
                figures.bound_exceeded += 1  # not searched: the line stays open
                break
            if len(cands) < 2:
                break
            sols, exhausted = find_subsets([int(v) for v in p_abs[cands]], intervals, rule.max_group_size,
                                           limit=MAX_SUGGESTED_COMBINATIONS)
            if exhausted:
                figures.budget_exhausted += 1
                break
            if len(sols) == 1:
                solved[t] = (tuple(int(cands[i]) for i in sols[0]), len(cands), how)
                break
            if len(sols) > 1:
                ambiguous[t] = [tuple(int(cands[i]) for i in s) for s in sols]
                break
    # A part claimed by two targets (solved or ambiguous) settles neither.
    claims = np.zeros(len(ppos), dtype=np.int64)
    for parts, _, _ in solved.values():
        claims[list(parts)] += 1
    for sols in ambiguous.values():
        claims[sorted({p for s in sols for p in s})] += 1
    for t in [t for t, (parts, _, _) in solved.items() if (claims[list(parts)] > 1).any()]:
        ambiguous[t] = [solved.pop(t)[0]]
    emit_matches(state, rule, bank_target, tpos, ppos, solved, offsets, tol)
    emit_suggestions(state, rule, bank_target, tpos, ppos, ambiguous)


def _linked_parts(state, rule, bank_target, tpos, ppos, lo_day, hi_day, tday, pday, hi) -> dict[int, np.ndarray]:
    """Parts tied to their target by a document number or the counterparty (links.py: numbers and
    distinctive name words of both sides, names cut short included), per target (indices into tpos / ppos)."""
    bank, ledger = state.bank, state.ledger
    b_idx, l_idx = (tpos, ppos) if bank_target else (ppos, tpos)
    bday, lday = (tday, pday) if bank_target else (pday, tday)
    bi, li = linked_pairs(state, b_idx, l_idx, bday - rule.days_after, bday + rule.days_before, lday)
    if not len(bi):
        return {}
    ok = state.allowed(bi, li) & evidence.corroborated(bank, ledger, bi, li)
    ok[ok] = ~evidence.contradicted(bank, ledger, bi[ok], li[ok])
    b_at = np.full(bank.n, -1, dtype=np.int64)
    b_at[b_idx] = np.arange(len(b_idx))
    l_at = np.full(ledger.n, -1, dtype=np.int64)
    l_at[l_idx] = np.arange(len(l_idx))
    b, l = b_at[bi[ok]], l_at[li[ok]]
    t, p = (b, l) if bank_target else (l, b)
    part_amount = (ledger if bank_target else bank).amount[ppos]
    keep = np.abs(part_amount[p]) < hi[t]
    t, p = t[keep], p[keep]
    if not len(t):
        return {}
    pairs = np.unique(np.stack([t, p], axis=1), axis=0)
    out: dict[int, np.ndarray] = {}
    cut = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
    for s, e in zip(cut, np.r_[cut[1:], len(pairs)]):
        out[int(pairs[s, 0])] = pairs[s:e, 1]
    return out


def _members(bank_target, tpos, ppos, items):
    """Member arrays (bank_group, bank_pos, ledger_group, ledger_pos) for (target, parts) items."""
    tg = np.arange(len(items), dtype=np.int64)
    t = np.array([tpos[t] for t, _ in items], dtype=np.int64)
    pg = np.array([g for g, (_, parts) in enumerate(items) for _ in parts], dtype=np.int64)
    p = np.array([ppos[i] for _, parts in items for i in parts], dtype=np.int64)
    return (tg, t, pg, p) if bank_target else (pg, p, tg, t)


def _figures(state, members, n):
    bank, ledger = state.bank, state.ledger
    bg, bp, lg, lp = members
    b_tot = np.zeros(n, dtype=np.int64)
    np.add.at(b_tot, bg, bank.amount[bp])
    l_tot = np.zeros(n, dtype=np.int64)
    np.add.at(l_tot, lg, ledger.amount[lp])
    # Largest day gap between a bank line and a ledger line of the group (bank - ledger).
    b_min, b_max = np.full(n, np.iinfo(np.int64).max), np.full(n, np.iinfo(np.int64).min)
    l_min, l_max = b_min.copy(), b_max.copy()
    np.minimum.at(b_min, bg, bank.day[bp])
    np.maximum.at(b_max, bg, bank.day[bp])
    np.minimum.at(l_min, lg, ledger.day[lp])
    np.maximum.at(l_max, lg, ledger.day[lp])
    late, early = b_max - l_min, b_min - l_max
    days = np.where(np.abs(late) >= np.abs(early), late, early)
    return b_tot, l_tot, days


def emit_matches(state, rule, bank_target, tpos, ppos, solved, offsets, tol) -> None:
    if not solved:
        return
    items = [(t, solved[t][0]) for t in sorted(solved)]
    members = _members(bank_target, tpos, ppos, items)
    n = len(items)
    b_tot, l_tot, days = _figures(state, members, n)
    diff = b_tot - l_tot
    fee = -diff if rule.amount == "fee_deducted" else np.zeros(n, dtype=np.int64)
    sizes = np.array([len(parts) for _, parts in items], dtype=np.int64)
    sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, days, np.where(fee != 0, 0, diff), sim, fee=fee, extra_lines=sizes - 2)
    dec, lead = state.decimals, reasons.lead(rule)
    tside = state.bank if bank_target else state.ledger
    what, parts_word = ("bank line", "ledger lines") if bank_target else ("ledger line", "bank lines")
    texts = []
    for g, (t, parts) in enumerate(items):
        _, searched, how = solved[t]
        amount = reasons.money(tside.amount[tpos[t]], dec)
        cur = state.currency_names[int(tside.cur[tpos[t]])]
        s = f"{lead}: {what} {amount} {cur} = sum of {len(parts)} {parts_word}"
        if fee[g]:
            s += f" less a bank fee of {reasons.money(fee[g], dec)} (fee line proposed)"
        elif diff[g]:
            s += f" within {reasons.money(abs(diff[g]), dec)}"
        s += (f", {_HOW[how]}"
              f", up to {abs(int(days[g]))} day(s) apart; the only combination among {searched} candidates"
              f" (search bound {rule.max_candidates} candidates, {rule.max_group_size} lines)")
        texts.append(s)
    bg, bp, lg, lp = members
    chunk = Chunk(rule, "matched", conf, diff, days, sim, texts, bg, bp, lg, lp)
    for g in np.flatnonzero(fee):
        b_first = int(bp[np.flatnonzero(bg == g)[0]])
        chunk.proposals.append(Proposal(int(g), int(state.bank.day[b_first]), int(diff[g]),
                                        int(state.bank.cur[b_first]), rule.fee_gl_account,
                                        f"Bank fee deducted from {state.bank.ids[b_first]}", "custom", b_first))
    state.add(chunk)


def emit_suggestions(state, rule, bank_target, tpos, ppos, ambiguous, why: dict[int, str] | None = None) -> None:
    """Hold each ambiguous target's combinations for review; `why` (per target) says why a single one is not
    matched when that is not a competing target."""
    if not ambiguous:
        return
    items, question, rank = [], [], []
    qs = state.next_questions(len(ambiguous))
    for q, t in zip(qs, sorted(ambiguous)):
        for r, parts in enumerate(ambiguous[t], start=1):
            items.append((t, parts))
            question.append(q)
            rank.append(r)
    members = _members(bank_target, tpos, ppos, items)
    n = len(items)
    b_tot, l_tot, days = _figures(state, members, n)
    diff = b_tot - l_tot
    sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
    sizes = np.array([len(parts) for _, parts in items], dtype=np.int64)
    conf = reasons.confidence_bp(rule, days, diff, sim, extra_lines=sizes - 2) // 2
    n_alt = {t: len(v) for t, v in ambiguous.items()}
    lead, tside = reasons.lead(rule), (state.bank if bank_target else state.ledger)
    texts = []
    for (t, parts), r in zip(items, rank):
        amount = reasons.money(tside.amount[tpos[t]], state.decimals)
        because = (f"{n_alt[t]} or more combinations add up to {amount}" if n_alt[t] > 1
                   else (why or {}).get(t) or
                   f"a line of this combination also fits another {'deposit' if bank_target else 'payment'}")
        texts.append(f"{lead}: combination {r} of {len(parts)} lines; {because}: not matched, review")
    bg, bp, lg, lp = members
    state.add(Chunk(rule, "suggested", conf, diff, days, sim, texts, bg, bp, lg, lp,
                    np.array(question, dtype=np.int64), np.array(rank, dtype=np.int64)))
    state.hold(np.unique(bp), np.unique(lp))
    state.figures_for(rule).held += len(ambiguous)
