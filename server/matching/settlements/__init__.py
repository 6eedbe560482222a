"""Settlement groups: one bank line = the ledger lines of a counterparty or journal over a settlement window.

A card acquirer's payout (a day's sales, or the weekend's, less chargebacks and a fee of rate_min..rate_max
plus per_item per sale), a direct-debit collection (the mandate debits of one collection date less the items
rejected before settlement), a payment run or payroll (the payments of one run date). Rules of shape
`settlement` say which (data: ledger_sources, settle_by, settle_days, the fee model, max_rejects, the
settlement lag as days_before/days_after); this package is their one interpreter:

- blocks.py: the open ledger lines of the rule's sources as booked days per key; items the ledger reversed;
- search.py: which runs of whole days (less which rejected items) fit the bank amount, exactly, in cents;
- resolve.py: the uniqueness guard (only a single fitting settlement is accepted; the rest is reviewed);
- learned.py: an acquirer's own fee band from its unique payouts, to tell two fitting runs apart;
- emit.py: the groups, their reasons with the fee's computation, the proposed fee line, the suggestions.
"""
from __future__ import annotations

import numpy as np

from ..evidence import vocabulary
from .described import described_keys
from ..filters import bank_filter, ledger_filter
from ..one_to_one import day_coordinate
from . import learned
from .blocks import booked_days, members, reversed_by_ledger
from .emit import emit_matches, emit_suggestions
from .fee_model import FeeModel
from .resolve import resolve
from .search import MAX_SOLUTIONS, fits_for
from .shared_references import quoted_keys


def run(state, rule) -> None:
    bank, ledger = state.bank, state.ledger
    bpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    bpos = bpos[bank.amount[bpos] != 0]
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    if not len(bpos) or not len(lpos):
        return
    rev = reversed_by_ledger(state, rule, lpos)
    rejected = np.zeros(ledger.n, dtype=bool)
    rejected[lpos[rev]] = True
    days = booked_days(state, rule, lpos, rev)
    if not len(days.day):
        return
    runs: dict[tuple[int, int, int], np.ndarray] = {}
    group_key = np.stack([days.cur, days.key, days.sign], axis=1)
    cut = np.flatnonzero(np.r_[True, (group_key[1:] != group_key[:-1]).any(axis=1)])
    for s, e in zip(cut, np.r_[cut[1:], len(days.day)]):
        runs[(int(days.cur[s]), int(days.key[s]), int(days.sign[s]))] = np.arange(s, e)
    keys_of = _named_keys(state, bpos, days) if rule.settle_by == "counterparty" else \
        quoted_keys(bank.texts(bpos), days.names) if rule.settle_by == "reference" else None
    all_keys = np.arange(len(days.names))
    model = FeeModel.of(rule, state.decimals)
    bday = day_coordinate(bank, rule, bpos)
    fits = {}
    for k, b in enumerate(bpos):
        keys = all_keys if keys_of is None else keys_of[k]
        if not len(keys):
            continue
        found = fits_for(int(bank.amount[b]), int(bday[k]), int(bank.cur[b]), keys, days, rule, model,
                         ledger.amount, rejected, runs)
        found = [f for f in found if _allowed(state, int(b), members(days, f, rejected))]
        if found:
            fits[int(b)] = found
    bank_day = {b: int(bank.day[b]) for b in fits}
    cut = frozenset(b for b, fl in fits.items() if len(fl) > MAX_SOLUTIONS)
    accepted, contested = resolve(fits, bank_day, lambda d: int(days.day[d]), in_order=False)
    if contested and not model.is_zero:  # the acquirer's own band, as its unique payouts show it
        def key_of(fit):
            return int(days.key[fit.days[0]])

        more, contested = resolve(learned.narrowed(contested, learned.bands(accepted, key_of, model), key_of, model),
                                  bank_day, lambda d: int(days.day[d]), in_order=False, truncated=cut)
        accepted.update(more)
    if contested:
        more, contested = resolve(contested, bank_day, lambda d: int(days.day[d]), in_order=True, truncated=cut)
        accepted.update(more)
    emit_matches(state, rule, days, accepted, rejected, model)
    emit_suggestions(state, rule, days, contested, rejected)


def _allowed(state, b: int, pos: np.ndarray) -> bool:
    return bool(state.allowed(np.full(len(pos), b, dtype=np.int64), pos).all())


def _named_keys(state, bpos: np.ndarray, days) -> list[np.ndarray]:
    """Per bank line, the counterparties (key codes) whose every distinctive word its text holds."""
    vocab = vocabulary(state.ledger)
    wanted = [frozenset(vocab.distinct_words(n)) for n in days.names]
    for k, words in described_keys(state.ledger, vocab, days).items():
        wanted[k] = words
    by_word: dict[str, list[int]] = {}
    for k, ws in enumerate(wanted):
        for w in ws:
            by_word.setdefault(w, []).append(k)
    out = []
    for words in state.bank.derived("words", bpos):
        cand = {k for w in words for k in by_word.get(w, ())}
        out.append(np.array(sorted(k for k in cand if wanted[k] and wanted[k] <= words), dtype=np.int64))
    return out
