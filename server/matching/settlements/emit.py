"""Settlement groups into the run's state: matched groups with their reason (the fee's computation) and the
proposed fee line, and the contested ones as ranked suggestions held for review."""
from __future__ import annotations

import numpy as np

from .. import reasons
from ..frames import day_to_date
from ..state import NO_SIMILARITY, Chunk, Proposal
from . import booked_fee
from .blocks import members

MAX_SUGGESTED = 3


def _chunk_arrays(state, items):
    """(bank_group, bank_pos, ledger_group, ledger_pos, diff, days) for (bank position, ledger positions)."""
    bank, ledger = state.bank, state.ledger
    n = len(items)
    bg = np.arange(n, dtype=np.int64)
    bp = np.array([b for b, _ in items], dtype=np.int64)
    lg = np.concatenate([np.full(len(p), g, dtype=np.int64) for g, (_, p) in enumerate(items)])
    lp = np.concatenate([p for _, p in items]).astype(np.int64)
    l_tot = np.zeros(n, dtype=np.int64)
    np.add.at(l_tot, lg, ledger.amount[lp])
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, lg, ledger.day[lp])
    return bg, bp, lg, lp, bank.amount[bp] - l_tot, bank.day[bp] - first


def _span(days, fit) -> str:
    first, last = day_to_date(days.day[fit.days[0]]), day_to_date(days.day[fit.days[-1]])
    return f"{first}" if first == last else f"{first}..{last}"


def emit_matches(state, rule, days, accepted, rejected, model) -> None:
    if not accepted:
        return
    order = sorted(accepted)
    items = [(b, members(days, accepted[b], rejected)) for b in order]
    items = booked_fee.adopt(state, rule, items, [days.names[int(days.key[accepted[b].days[0]])] for b in order])
    bg, bp, lg, lp, diff, lag = _chunk_arrays(state, items)
    sim = np.full(len(items), NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, np.zeros(len(items), dtype=np.int64), np.zeros(len(items), dtype=np.int64),
                                 sim, fee=diff)
    dec, lead, bank = state.decimals, reasons.lead(rule), state.bank

    def money(v):
        return reasons.money(v, dec)

    texts, proposals = [], []
    for g, (b, pos) in enumerate(items):
        fit = accepted[b]
        cur = state.currency_names[int(bank.cur[b])]
        key = days.names[int(days.key[fit.days[0]])]
        known = sum(int(rejected[days.positions(d)].sum()) for d in fit.days)
        s = (f"{lead}: bank line {money(bank.amount[b])} {cur} = {len(pos)} ledger lines of {key} booked "
             f"{_span(days, fit)} ({money(bank.amount[b] - diff[g])})")
        if len(pos) > len(members(days, fit, rejected)):
            s += f", the last the fee {money(state.ledger.amount[pos[-1]])} the ledger booked already"
        if diff[g]:
            fee = abs(int(diff[g]))
            s += f" less {model.explain(fee, abs(fit.gross), fit.items, money)}; fee line proposed"
            proposals.append(Proposal(g, int(bank.day[b]), int(diff[g]), int(bank.cur[b]), rule.fee_gl_account,
                                      f"Settlement fee {key} {_span(days, fit)}: "
                                      f"{model.explain(fee, abs(fit.gross), fit.items, money)}", "custom", int(b)))
        if known:
            s += f"; {known} item(s) the ledger reversed are left out"
        if fit.left_out:
            s += (f"; {len(fit.left_out)} item(s) left out as rejected by the bank: "
                  + ", ".join(str(state.ledger.ids[p]) for p in fit.left_out))
        s += (f"; bank {int(lag[g])} day(s) after the first booking; the only settlement of whole booking days "
              f"(up to {rule.settle_days}) in the window that fits")
        texts.append(s)
    chunk = Chunk(rule, "matched", conf, diff, lag, sim, texts, bg, bp, lg, lp)
    chunk.proposals = proposals
    state.add(chunk)


def emit_suggestions(state, rule, days, contested, rejected) -> None:
    if not contested:
        return
    items, question, rank = [], [], []
    qs = state.next_questions(len(contested))
    for q, b in zip(qs, sorted(contested)):
        for r, fit in enumerate(contested[b][:MAX_SUGGESTED], start=1):
            items.append((b, members(days, fit, rejected)))
            question.append(q)
            rank.append(r)
    bg, bp, lg, lp, diff, lag = _chunk_arrays(state, items)
    sim = np.full(len(items), NO_SIMILARITY, dtype=np.int64)
    conf = reasons.confidence_bp(rule, np.zeros(len(items), dtype=np.int64), diff, sim) // 2
    lead = reasons.lead(rule)
    n_alt = {b: len(v) for b, v in contested.items()}
    texts = [f"{lead}: settlement {r} of {len(p)} ledger lines; "
             + (f"{n_alt[b]} or more settlements fit the amount" if n_alt[b] > 1
                else "another bank line fits the same booking days") + ": not matched, review"
             for (b, p), r in zip(items, rank)]
    state.add(Chunk(rule, "suggested", conf, diff, lag, sim, texts, bg, bp, lg, lp,
                    np.array(question, dtype=np.int64), np.array(rank, dtype=np.int64)))
    state.hold(np.unique(bp), np.unique(lp))
    state.figures_for(rule).held += len(contested)
