"""Receipts held by an amount-only 1:1 ambiguity, lent to the booking-day batch search; the 1:1 decided again
once a batch took one of them.

Why: a single-check deposit and a receipt of a batch deposit often carry the same amount. The 1:1 rule that
has only the amount and the date (global_assignment.weak) then sees two receipts for the single deposit, holds
both for review, and the batch, missing its receipt, cannot be completed: each waits for the other. A batch
is one exact subset of one booking day's receipts; if the receipt it needs is one of several equal candidates
of a 1:1 question, the batch's subset decides that receipt, and the 1:1 question, one candidate fewer, may then
have a single answer. So the batch search may use the receipts such questions hold (`lendable`), with its own
guards unchanged (a receipt of exactly a deposit's amount held for review still makes that deposit a
suggestion, booking_batches._twin_held); and after it, every such question that lost a receipt to a batch is
withdrawn, its lines are no longer held, and its rule runs again (`reopen`): the rule's own ambiguity guard
decides on what is left, and holds again what is still contested.
"""
from __future__ import annotations

import numpy as np

from . import one_to_one
from .filters import bank_filter
from .global_assignment import weak
from .rules import Rule
from .state import MatchState


def lendable(state: MatchState, rule: Rule) -> np.ndarray:
    """Ledger positions open and held only by suggestions of amount-only 1:1 rules for bank lines the group
    rule targets (deposits: a receipt other bank lines compete for is as often a coincidence, see
    global_assignment.py)."""
    by_weak, by_other = [], []
    for c in state.chunks:
        if c.status != "suggested":
            continue
        if c.rule.shape == "one_to_one" and weak(c.rule):
            targets = bank_filter(rule, state.bank, np.unique(c.bank_pos), state.decimals, state.currencies)
            mine = np.zeros(c.size, dtype=bool)
            mine[c.bank_group[np.isin(c.bank_pos, targets)]] = True
            by_weak.append(c.ledger_pos[mine[c.ledger_group]])
        else:
            by_other.append(c.ledger_pos)
    if not by_weak:
        return np.zeros(0, dtype=np.int64)
    out = np.unique(np.concatenate(by_weak))
    out = out[state.l_open[out] & state.l_held[out]]
    if by_other:
        out = np.setdiff1d(out, np.concatenate(by_other))
    return out


def reopen(state: MatchState) -> None:
    """Withdraw the amount-only 1:1 questions a matched group took a candidate of, release their lines and run
    their rules again (in priority order)."""
    rules, kept_chunks = {}, []
    released_b, released_l = [], []
    for c in state.chunks:
        if c.status != "suggested" or c.rule.shape != "one_to_one" or not weak(c.rule) or c.question is None:
            kept_chunks.append(c)
            continue
        lost = np.unique(c.question[c.ledger_group][~state.l_open[c.ledger_pos]])  # questions: one per group
        if not len(lost):
            kept_chunks.append(c)
            continue
        gone = np.isin(c.question, lost)
        released_b.append(c.bank_pos[gone[c.bank_group]])
        released_l.append(c.ledger_pos[gone[c.ledger_group]])
        kept_chunks.append(c.keep(np.flatnonzero(~gone)))
        rules[c.rule.name] = c.rule
    if not rules:
        return
    state.chunks[:] = [c for c in kept_chunks if c.size]
    still_b = [c.bank_pos for c in state.chunks if c.status == "suggested"]
    still_l = [c.ledger_pos for c in state.chunks if c.status == "suggested"]
    b = np.setdiff1d(np.unique(np.concatenate(released_b)), np.concatenate(still_b) if still_b else [])
    g = np.setdiff1d(np.unique(np.concatenate(released_l)), np.concatenate(still_l) if still_l else [])
    state.b_held[b.astype(np.int64)] = False
    state.l_held[g.astype(np.int64)] = False
    for rule in sorted(rules.values(), key=lambda r: r.priority):
        one_to_one.run(state, rule)
