"""Deciding and recording 1:1 pairs of the issue-18 shapes (structured reference, FX difference): the
uniqueness guard, the matched pairs with their reason and the proposed difference line, the rest for review.

Shared by reference_rules.py and fx_rules.py so that both decide the same way: a pair is accepted only when
each line is the other's only candidate once accepted pairs have left (one_to_one.resolve, all candidates
equally plausible); a difference between the amounts becomes a proposed transaction on `gl_account`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import reasons
from .join import dense
from .one_to_one import resolve
from .state import NO_SIMILARITY, Proposal, pair_chunk

MAX_SUGGESTIONS = 5


def decide(state, rule, bi: np.ndarray, li: np.ndarray, why: Callable[[int, int], str], gl_account: str,
           proposal_text: Callable[[int, int, int], str]) -> None:
    """Accept the unique pairs among (bi, li), record them (why(b, l): the evidence in words) with a proposed
    line for a nonzero difference on gl_account; hold and suggest the contested ones."""
    keep = state.allowed(bi, li)
    bi, li = bi[keep], li[keep]
    if not len(bi):
        return
    pairs = np.unique(np.stack([bi, li], axis=1), axis=0)
    bi, li = pairs[:, 0], pairs[:, 1]
    ub, bu = dense(bi, state.bank.n)
    ul, lu = dense(li, state.ledger.n)
    accepted, alive = resolve(bu, lu, np.zeros(len(bi), dtype=np.int64), len(ub), len(ul))
    if accepted.any():
        a = np.flatnonzero(accepted)
        _emit(state, rule, bi[a], li[a], "matched", why, gl_account, proposal_text)
    if alive.any():
        s = np.flatnonzero(alive)
        state.hold(np.unique(bi[s]), np.unique(li[s]))
        state.figures_for(rule).held += len(np.unique(bi[s]))
        _emit(state, rule, bi[s], li[s], "suggested", why, gl_account, proposal_text)


def _emit(state, rule, bi, li, status, why, gl_account, proposal_text) -> None:
    bank, ledger, dec = state.bank, state.ledger, state.decimals
    question = rank = None
    if status == "suggested":
        order = np.lexsort((li, bi))
        bi, li = bi[order], li[order]
        first = np.r_[True, bi[1:] != bi[:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(len(bi)), 0))
        rank = np.arange(len(bi)) - start + 1
        keep = rank <= MAX_SUGGESTIONS
        question = state.next_questions(int(first.sum()))[np.cumsum(first) - 1]
        bi, li, rank, question = bi[keep], li[keep], rank[keep], question[keep]
    days = bank.day[bi] - ledger.day[li]
    diff = bank.amount[bi] - ledger.amount[li]
    sim = np.full(len(bi), NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, days, np.zeros(len(bi), dtype=np.int64), sim, fee=diff)
    lead = reasons.lead(rule)
    texts = []
    for k in range(len(bi)):
        b, g = int(bi[k]), int(li[k])
        s = f"{lead}: {reasons.money(bank.amount[b], dec)} vs ledger {reasons.money(ledger.amount[g], dec)}; {why(b, g)}"
        if status == "suggested":
            s += "; another line fits as well: not matched, review"
        elif diff[k]:
            s += f"; difference {reasons.money(diff[k], dec)} proposed on {gl_account}"
        texts.append(s)
    chunk = pair_chunk(rule, status, bi, li, conf if status == "matched" else conf // 2, diff, days, sim, texts,
                       question, rank)
    if status == "matched":
        for k in np.flatnonzero(diff):
            b, g = int(bi[k]), int(li[k])
            chunk.proposals.append(Proposal(int(k), int(bank.day[b]), int(diff[k]), int(bank.cur[b]), gl_account,
                                            proposal_text(b, g, int(diff[k])), "custom", b))
    state.add(chunk)
