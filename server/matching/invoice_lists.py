"""Rule shape `invoice_list`: a bank line whose text names one or several document numbers ("RE 145, 146 U. 151")
settles the open ledger lines of those numbers, when their sum fits the bank amount: exactly, or (with a
discount band on the rule) less a cash discount (Skonto, escompte): a rate of discount_rate_min..discount_rate_max
in steps of discount_rate_step, to the cent, or a discount in the band with the payment rounded to whole units
of discount_rounding. The discount is proposed as a new
transaction on the rule's gl_account, its computation in the reason.

Why a shape of its own: the numbers, not the amounts, find the candidates (a join on number tokens inside the
date window, so the cost is the pairs produced); the amount only has to confirm them. A bank line is settled only
when exactly one subset of its tied ledger lines fits (the largest, when the discount band lets a smaller one
fit too: the payer listed them all), and no other open bank line names one of its ledger lines (the other part
of a split payment: a part of 97% of an invoice is not that invoice less a 3% discount); otherwise nothing is
matched.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations

import numpy as np

from . import reasons
from .filters import bank_filter, ledger_filter
from .frames import to_minor
from .join import shared_codes, window_pairs
from .one_to_one import day_coordinate
from .state import NO_SIMILARITY, Chunk, Proposal

MAX_SHARED = 16  # a number more open ledger lines hold inside the window than this ties nothing


def _number_pairs(state, rule, bpos: np.ndarray, lpos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (bank, ledger) positions sharing a document number and currency inside the window, of either sign:
    a ledger line of the other sign under the number is the discount or credit the ledger booked apart."""
    bank, ledger = state.bank, state.ledger
    b_nums, l_nums = bank.derived("numbers", bpos), ledger.derived("numbers", lpos)
    b_at = np.fromiter((i for i, ns in enumerate(b_nums) for _ in ns), dtype=np.int64)
    l_at = np.fromiter((j for j, ns in enumerate(l_nums) for _ in ns), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if not len(b_at) or not len(l_at):
        return empty, empty
    bt = np.array([x for ns in b_nums for x in sorted(ns)], dtype=object)
    lt = np.array([x for ns in l_nums for x in sorted(ns)], dtype=object)
    bp, lp = bpos[b_at], lpos[l_at]
    kl, kb = shared_codes((ledger.cur[lp], lt), (bank.cur[bp], bt))
    bday, lday = day_coordinate(bank, rule, bp), day_coordinate(ledger, rule, lp)
    qi, lj, _ = window_pairs(kl, lday, kb, bday - rule.days_after, bday + rule.days_before, cap=MAX_SHARED)
    if not len(qi):
        return empty, empty
    pairs = np.unique(bp[qi].astype(np.int64) * ledger.n + lp[lj])
    keep = state.allowed(pairs // ledger.n, pairs % ledger.n)
    pairs = pairs[keep]
    return pairs // ledger.n, pairs % ledger.n


def _rates(rule) -> list[Decimal]:
    """The discount rates payment terms are written in: discount_rate_min, then steps of discount_rate_step."""
    out, r = [], rule.discount_rate_min
    while r <= rule.discount_rate_max and rule.discount_rate_step > 0:
        out.append(r)
        r += rule.discount_rate_step
    return out


def _discounted(rule, dec: int, rates: list[Decimal], total: int, paid: int) -> bool:
    """`paid` is `total` less a cash discount: a rate of the terms to the cent (2% of 1,234.56 = 24.69), or the
    discount in the band and the payment rounded to whole units of discount_rounding (a payer rounding down).
    Why so strict: a split payment's first part or a bank fee is short by some amount, rarely by exactly a rate."""
    short = total - paid
    if short <= 0:
        return False
    if any(abs(short - int((Decimal(total) * r).to_integral_value())) <= 1 for r in rates):
        return True
    unit = to_minor(rule.discount_rounding, dec, "floor")
    if not unit or paid % unit:
        return False
    lo = Decimal(total) * rule.discount_rate_min - unit
    hi = Decimal(total) * rule.discount_rate_max + unit
    return lo <= short <= hi


def _fitting(rule, dec: int, target: int, cands: list[int], amounts: dict[int, int]) -> list[tuple[int, ...]] | None:
    """The subsets of cands whose sum fits the target, largest first (exact rule: 2 lines or more, at least one of
    the bank line's sign; a one-line exact match is the 1:1 rules' business). Amounts are signed as the bank line's
    (a discount or credit line the ledger booked apart counts against the invoices). A discount is only computed
    on lines of the bank line's sign, and None says the ledger already booked the difference: lines of both signs
    fit exactly, so proposing it would post it twice."""
    out = []
    rates = _rates(rule)
    smallest = 2 if not rule.discount_rate_max else 1
    for k in range(len(cands), smallest - 1, -1):
        for sub in combinations(cands, k):
            total = sum(amounts[g] for g in sub)
            mixed = any(amounts[g] < 0 for g in sub)
            if rule.discount_rate_max:
                if mixed and total == target:
                    return None
                if not mixed and _discounted(rule, dec, rates, total, target):
                    out.append(sub)
            elif total == target and not all(amounts[g] < 0 for g in sub):
                out.append(sub)
    return out


def run(state, rule) -> None:
    bank, ledger, dec = state.bank, state.ledger, state.decimals
    bpos = bank_filter(rule, bank, state.bank_available(), dec, state.currencies)
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    if not len(bpos) or not len(lpos):
        return
    bi, li = _number_pairs(state, rule, bpos, lpos)
    named_by = np.bincount(li, minlength=ledger.n)  # open bank lines naming each ledger line's number
    if not rule.discount_rate_max:  # an exact group needs two lines: a bank line tied to one is the 1:1 rules'
        several = np.bincount(bi, minlength=bank.n) >= 2
        bi, li = bi[several[bi]], li[several[bi]]
    if not len(bi):
        return
    order = np.lexsort((li, bi))
    bi, li = bi[order], li[order]
    starts = np.flatnonzero(np.r_[True, bi[1:] != bi[:-1]])
    ends = np.r_[starts[1:], len(bi)]
    chosen: dict[int, tuple[int, ...]] = {}
    figures = state.figures_for(rule)
    for s, e in zip(starts, ends):
        b = int(bi[s])
        # a ledger line another bank line names too (the other part of a split payment) is not this one's alone
        cands = [int(x) for x in li[s:e] if named_by[x] == 1]
        if len(cands) > rule.max_group_size:
            figures.bound_exceeded += 1
            continue
        sign = 1 if bank.amount[b] > 0 else -1
        amounts = {g: sign * int(ledger.amount[g]) for g in cands}
        fits = _fitting(rule, dec, abs(int(bank.amount[b])), cands, amounts)
        if fits and (len(fits) == 1 or len(fits[0]) > len(fits[1])):
            chosen[b] = fits[0]
    claims = np.bincount(np.array([g for sub in chosen.values() for g in sub], dtype=np.int64), minlength=ledger.n)
    chosen = {b: sub for b, sub in chosen.items() if all(claims[g] == 1 for g in sub)}
    if chosen:
        _emit(state, rule, chosen)


def _emit(state, rule, chosen: dict[int, tuple[int, ...]]) -> None:
    bank, ledger, dec = state.bank, state.ledger, state.decimals
    items = sorted(chosen.items())
    n = len(items)
    bg = np.arange(n, dtype=np.int64)
    bp = np.array([b for b, _ in items], dtype=np.int64)
    lg = np.array([k for k, (_, sub) in enumerate(items) for _ in sub], dtype=np.int64)
    lp = np.array([g for _, sub in items for g in sub], dtype=np.int64)
    l_tot = np.zeros(n, dtype=np.int64)
    np.add.at(l_tot, lg, ledger.amount[lp])
    diff = bank.amount[bp] - l_tot
    far = np.zeros(n, dtype=np.int64)
    np.maximum.at(far, lg, np.abs(bank.day[bp][lg] - ledger.day[lp]))
    sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
    sizes = np.array([len(sub) for _, sub in items], dtype=np.int64)
    conf = reasons.confidence_bp(rule, far, np.zeros(n, dtype=np.int64), sim, fee=np.abs(diff),
                                 extra_lines=np.maximum(sizes - 2, 0))
    lead = reasons.lead(rule)
    texts = []
    for k, (b, sub) in enumerate(items):
        total = int(l_tot[k])
        s = (f"{lead}: bank line {reasons.money(bank.amount[b], dec)} names document number(s) of "
             f"{len(sub)} ledger line(s) adding up to {reasons.money(total, dec)}")
        if diff[k]:
            pct = Decimal(abs(int(diff[k])) * 100) / Decimal(abs(total))
            s += (f", less a discount of {reasons.money(abs(diff[k]), dec)} ({pct:.2f}% of the sum; terms "
                  f"{rule.discount_rate_min * 100}%..{rule.discount_rate_max * 100}% in steps of "
                  f"{rule.discount_rate_step * 100}%, or rounded to {rule.discount_rounding}) proposed on "
                  f"{rule.gl_account}")
        s += f", up to {int(far[k])} day(s) apart; the only combination of the lines its numbers name"
        texts.append(s)
    chunk = Chunk(rule, "matched", conf, diff, far, sim, texts, bg, bp, lg, lp)
    for k in np.flatnonzero(diff):
        b = int(bp[k])
        chunk.proposals.append(Proposal(int(k), int(bank.day[b]), int(diff[k]), int(bank.cur[b]), rule.gl_account,
                                        f"Cash discount on {bank.ids[b]}: {reasons.money(diff[k], dec)}",
                                        rule.proposal_kind, b))
    state.add(chunk)
