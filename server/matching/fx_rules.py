"""Rule shape `fx_difference`: a receipt or payment invoiced in another currency, booked at the booking rate,
settled by the bank at its own: the amounts may differ by up to `fx_tolerance` of the ledger amount, and the
difference is proposed as an FX gain or loss on `gl_account`.

Only for bank lines that quote an original amount in another currency (fx_quotes.py), and only with evidence:
the ledger line quotes the same original amount, or a document number agrees or the counterparty is named,
and nothing on the bank line names someone else or another document. Never across currencies: both lines
are in the account's currency (a ledger line in another currency is not a candidate).
"""
from __future__ import annotations

import numpy as np

from . import evidence, reasons
from .filters import bank_filter, ledger_filter
from .fx_quotes import quoted
from .join import shared_codes, window_pairs
from .links import linked_pairs
from .one_to_one import day_coordinate
from .pair_decide import decide

MAX_SAME_QUOTE = 8  # an original amount more ledger lines quote than this inside the window ties nothing


def run(state, rule) -> None:
    bank, ledger, names = state.bank, state.ledger, state.currency_names
    bpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    if not len(bpos) or not len(lpos):
        return
    b_quotes = [quoted(t, names[int(c)]) for t, c in zip(bank.derived("text", bpos), bank.cur[bpos])]
    bpos = bpos[np.fromiter((bool(q) for q in b_quotes), dtype=bool, count=len(bpos))]
    if not len(bpos):
        return
    bday, lday = day_coordinate(bank, rule, bpos), day_coordinate(ledger, rule, lpos)
    b_lo, b_hi = bday - rule.days_after, bday + rule.days_before
    bi, li = linked_pairs(state, bpos, lpos, b_lo, b_hi, lday)
    qb, ql = _same_quote_pairs(state, bpos, lpos, b_lo, b_hi, lday)
    pairs = np.unique(np.concatenate([np.stack([bi, li], axis=1), np.stack([qb, ql], axis=1)]), axis=0)
    bi, li = pairs[:, 0], pairs[:, 1]
    num, den = rule.fx_tolerance.as_integer_ratio()
    a, g = bank.amount[bi], ledger.amount[li]
    ok = (np.sign(a) == np.sign(g)) & (bank.cur[bi] == ledger.cur[li]) & (np.abs(a - g) * den <= np.abs(g) * num)
    bi, li = bi[ok], li[ok]
    same_quote = _quotes_agree(state, bi, li)
    ok = same_quote.copy()
    rest = np.flatnonzero(~ok)
    ok[rest] = evidence.corroborated(bank, ledger, bi[rest], li[rest])
    sub = np.flatnonzero(ok)
    ok[sub] = ~evidence.contradicted(bank, ledger, bi[sub], li[sub])
    bi, li, same_quote = bi[ok], li[ok], same_quote[ok]
    by_quote = {(int(b), int(g)) for b, g, s in zip(bi, li, same_quote) if s}
    dec = state.decimals

    def why(b: int, g: int) -> str:
        cur, amount = sorted(quoted(bank.derived("text", np.array([b]))[0], names[int(bank.cur[b])]))[0]
        tie = "the ledger quotes it too" if (b, g) in by_quote else "a document number or the counterparty agrees"
        pct = abs(int(bank.amount[b]) - int(ledger.amount[g])) * 100 / abs(int(ledger.amount[g]))
        return (f"original {cur} {amount} quoted by the bank, {tie}; rate difference {pct:.3f}% "
                f"(up to {rule.fx_tolerance * 100}%)")

    def proposal(b: int, g: int, diff: int) -> str:
        kind = "FX gain" if diff > 0 else "FX loss"
        return (f"{kind} on {bank.ids[b]}: bank {reasons.money(bank.amount[b], dec)} - ledger "
                f"{reasons.money(ledger.amount[g], dec)} = {reasons.money(diff, dec)}")

    decide(state, rule, bi, li, why, rule.gl_account, proposal)


def _texts_quotes(side, pos, names):
    return [quoted(t, names[int(c)]) for t, c in zip(side.derived("text", pos), side.cur[pos])]


def _same_quote_pairs(state, bpos, lpos, b_lo, b_hi, lday):
    """Pairs whose texts quote the same original amount and currency (joined on it, inside the window)."""
    bank, ledger, names = state.bank, state.ledger, state.currency_names
    bq, lq = _texts_quotes(bank, bpos, names), _texts_quotes(ledger, lpos, names)
    b_at = np.fromiter((i for i, q in enumerate(bq) for _ in q), dtype=np.int64)
    l_at = np.fromiter((i for i, q in enumerate(lq) for _ in q), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if not len(b_at) or not len(l_at):
        return empty, empty
    b_key = np.array([f"{c} {v.normalize()}" for q in bq for c, v in sorted(q)], dtype=object)
    l_key = np.array([f"{c} {v.normalize()}" for q in lq for c, v in sorted(q)], dtype=object)
    lk, qk = shared_codes((ledger.cur[lpos][l_at], l_key), (bank.cur[bpos][b_at], b_key))
    qi, lj, _ = window_pairs(lk, lday[l_at], qk, b_lo[b_at], b_hi[b_at], cap=MAX_SAME_QUOTE)
    return bpos[b_at[qi]], lpos[l_at[lj]]


def _quotes_agree(state, bi, li) -> np.ndarray:
    names = state.currency_names
    bq = _texts_quotes(state.bank, bi, names)
    lq = _texts_quotes(state.ledger, li, names)
    return np.fromiter((bool(x & y) for x, y in zip(bq, lq)), dtype=bool, count=len(bi))
