"""Bank lines the ledger does not hold yet: a reversal and its original on the bank side, and bank-only
items (fees, interest, returned items) turned into proposed new transactions.

- shape bank_pair, action match: a returned or reversed line and the earlier line it reverses (same
  currency, opposite amount, within days_after) cancel out; both are placed in one group, no ledger line.
  The ambiguity guard applies: a return with two possible originals is held for review.
- shape bank_pair, action propose: a returned line whose original deposit exists on the statement (matched
  or not) gets a proposed transaction on gl_account (e.g. reopen the receivable of an NSF check).
- shape bank_only, action propose: each bank line the filter selects gets a proposed transaction, unless an open
  ledger line of its amount lies in the rule's day window (the ledger may hold it already: left for review).
"""
from __future__ import annotations

import numpy as np

from . import reasons
from .filters import bank_filter
from .frames import day_to_date
from .join import dense, shared_codes, window_pairs
from .one_to_one import CROWD_CAP, day_coordinate, resolve
from .rules import Rule
from .state import NO_SIMILARITY, Chunk, MatchState, Proposal

_NONE = np.zeros(0, dtype=np.int64)


def _reversal_pairs(state: MatchState, rule: Rule, rpos: np.ndarray, opos: np.ndarray):
    """(return, original) pairs: opposite amount, same currency, original dated 0..days_after before."""
    bank = state.bank
    rday, oday = day_coordinate(bank, rule, rpos), day_coordinate(bank, rule, opos)
    ok_key, q_key = shared_codes((bank.cur[opos], bank.amount[opos]), (bank.cur[rpos], -bank.amount[rpos]))
    qi, oj, _ = window_pairs(ok_key, oday, q_key, rday - rule.days_after, rday, cap=CROWD_CAP)
    r, o = rpos[qi], opos[oj]
    keep = r != o
    return r[keep], o[keep]


def run_pair(state: MatchState, rule: Rule) -> None:
    bank = state.bank
    rpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    if not len(rpos):
        return
    # Every line a return could reverse competes, matched or not: a return whose deposit was matched to the
    # ledger must not pair with another open deposit that merely has the same amount.
    opos = np.setdiff1d(np.arange(bank.n), rpos)
    opos = opos[np.isin(bank.amount[opos], -bank.amount[rpos])]  # only lines a return can reverse
    r, o = _reversal_pairs(state, rule, rpos, opos)
    if not len(r):
        return
    if rule.action == "propose":
        _propose_returns(state, rule, r, o)
        return
    ur, ru = dense(r, bank.n)
    uo, ou = dense(o, bank.n)
    accepted, alive = resolve(ru, ou, np.zeros(len(r), dtype=np.int64), len(ur), len(uo))
    a = np.flatnonzero(accepted & state.b_open[o] & ~state.b_held[o])  # the original must still be open
    alive &= state.b_open[o] & ~state.b_held[o]
    if len(a):
        n = len(a)
        g = np.arange(n, dtype=np.int64)
        bg, bp = np.repeat(g, 2), np.stack([o[a], r[a]], axis=1).ravel()
        days = bank.day[r[a]] - bank.day[o[a]]
        zero = np.zeros(n, dtype=np.int64)
        sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
        conf = reasons.confidence_bp(rule, zero, zero, sim)
        texts = [f"{reasons.lead(rule)}: {bank.ids[r[k]]} reverses {bank.ids[o[k]]} "
                 f"({reasons.money(bank.amount[o[k]], state.decimals)}) {int(days[k])} day(s) later; together "
                 f"they net to zero, no ledger line needed" for k in range(n)]
        state.add(Chunk(rule, "matched", conf, zero, zero, sim, texts, bg, bp, _NONE, _NONE))
    if alive.any():
        held = np.unique(np.concatenate([r[alive], o[alive]]))
        state.hold(held, _NONE)
        state.figures_for(rule).held += len(np.unique(r[alive]))
        _suggest_pairs(state, rule, r[alive], o[alive])


def _suggest_pairs(state: MatchState, rule: Rule, r: np.ndarray, o: np.ndarray) -> None:
    bank = state.bank
    order = np.lexsort((o, -bank.day[o], r))
    r, o = r[order], o[order]
    first = np.r_[True, r[1:] != r[:-1]]
    q = state.next_questions(int(first.sum()))[np.cumsum(first) - 1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(r)), 0))
    rank = np.arange(len(r)) - start + 1
    n = len(r)
    g = np.arange(n, dtype=np.int64)
    zero = np.zeros(n, dtype=np.int64)
    sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, zero, zero, sim) // 2
    texts = [f"{reasons.lead(rule)}: {bank.ids[r[k]]} may reverse {bank.ids[o[k]]}; more than one line fits: "
             f"not matched, review" for k in range(n)]
    state.add(Chunk(rule, "suggested", conf, zero, zero, sim, texts, np.repeat(g, 2),
                    np.stack([o, r], axis=1).ravel(), _NONE, _NONE, q, rank))


def _propose_returns(state: MatchState, rule: Rule, r: np.ndarray, o: np.ndarray) -> None:
    bank = state.bank
    # The original named in the reason: the latest one before the return (then the first in canonical order).
    order = np.lexsort((o, -bank.day[o], r))
    r, o = r[order], o[order]
    first = np.r_[True, r[1:] != r[:-1]]
    counts = np.diff(np.r_[np.flatnonzero(first), len(r)])
    r, o = r[first], o[first]
    notes = [f"reverses {bank.ids[o[k]]} of {day_to_date(bank.day[o[k]])}" +
             (f" (one of {counts[k]} lines of that amount)" if counts[k] > 1 else "") for k in range(len(r))]
    _emit_proposals(state, rule, r, notes)


def run_alone(state: MatchState, rule: Rule) -> None:
    pos = bank_filter(rule, state.bank, state.bank_available(), state.decimals, state.currencies)
    pos = _not_in_ledger(state, rule, pos)
    if len(pos):
        _emit_proposals(state, rule, pos, [""] * len(pos))


def _not_in_ledger(state: MatchState, rule: Rule, pos: np.ndarray) -> np.ndarray:
    """The lines no open ledger line of the same currency and amount may already hold (booked within the rule's
    days_before/days_after): proposing such a fee would post it twice, worse than leaving the line for review."""
    if not len(pos):
        return pos
    bank, ledger = state.bank, state.ledger
    lpos = np.flatnonzero(state.l_open)  # held lines too: one of them may be it
    l_key, q_key = shared_codes((ledger.cur[lpos], ledger.amount[lpos]), (bank.cur[pos], bank.amount[pos]))
    bday = day_coordinate(bank, rule, pos)
    _, _, count = window_pairs(l_key, day_coordinate(ledger, rule, lpos), q_key, bday - rule.days_after,
                               bday + rule.days_before, cap=0)
    return pos[count == 0]


def _emit_proposals(state: MatchState, rule: Rule, pos: np.ndarray, notes: list[str]) -> None:
    bank = state.bank
    n = len(pos)
    g = np.arange(n, dtype=np.int64)
    zero = np.zeros(n, dtype=np.int64)
    amount = bank.amount[pos]
    sim = np.full(n, NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, zero, zero, sim)
    lead, dec = reasons.lead(rule), state.decimals
    title = rule.proposal_description or lead
    texts, proposals = [], []
    for k in range(n):
        p = int(pos[k])
        cur = state.currency_names[int(bank.cur[p])]
        note = f"; {notes[k]}" if notes[k] else ""
        texts.append(f"{lead}: {reasons.money(amount[k], dec)} {cur} is on the statement only{note}; "
                     f"new transaction proposed on {rule.gl_account}")
        desc = f"{title}: {bank.col('description')[p] or bank.col('reference')[p]}".rstrip(": ")
        proposals.append(Proposal(k, int(bank.day[p]), int(amount[k]), int(bank.cur[p]), rule.gl_account,
                                  desc + (f" ({notes[k]})" if notes[k] else ""), rule.proposal_kind, p))
    chunk = Chunk(rule, "matched", conf, amount.astype(np.int64), zero, sim, texts, g, pos.astype(np.int64),
                  _NONE, _NONE)
    chunk.proposals = proposals
    state.add(chunk)
