"""Rule shape `structured_reference`: a valid creditor reference (RF, OGM/VCS, Swiss QR, Finnish, KID; see
references.py) on the bank line equal to the one the ledger line holds ties the pair, whoever paid: a third
party's name on the bank line does not count against it. Amount `exact`, or `fee_deducted`: the bank credited
up to fee_max less (charges deducted), the charge proposed on fee_gl_account.

Candidates are found by a join on (currency, sign, reference key) inside the date window, so the cost is the
pairs produced.
"""
from __future__ import annotations

import numpy as np

from . import reasons, references
from .filters import bank_filter, ledger_filter
from .frames import to_minor
from .join import shared_codes, window_pairs
from .one_to_one import day_coordinate
from .pair_decide import decide

MAX_SHARED = 8  # a reference more ledger lines hold than this inside the window ties nothing


def _exploded(side, pos: np.ndarray, read, patterns_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(index into pos, key) per valid reference. `patterns_only`: `read` finds references only where a
    reference pattern occurs (bank_keys), so lines whose texts hold none are not read at all."""
    keys = _keys(side, pos, read, patterns_only)
    at = np.fromiter((i for i, ks in enumerate(keys) for _ in ks), dtype=np.int64)
    flat = np.array([k for ks in keys for k in sorted(ks)], dtype=object)
    return at, flat


def _keys(side, pos: np.ndarray, read, patterns_only: bool) -> np.ndarray:
    """Each line's reference keys, read once per run (the exact and the charges-deducted rules ask for the
    same lines)."""
    def make(rows):
        refs, descs = side.col("reference", rows), side.col("description", rows)
        made = [frozenset()] * len(rows)
        todo = range(len(rows))
        if patterns_only:
            todo = np.flatnonzero(references.may_hold_reference(refs) | references.may_hold_reference(descs)).tolist()
        for i in todo:
            made[i] = read(refs[i], descs[i])
        return made

    return side.memo("reference_keys:" + read.__name__, pos, make)


def run(state, rule) -> None:
    bank, ledger = state.bank, state.ledger
    bpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies)
    if not len(bpos) or not len(lpos):
        return
    b_at, b_key = _exploded(bank, bpos, references.bank_keys, patterns_only=True)
    if not len(b_at):
        return
    l_at, l_key = _exploded(ledger, lpos, references.ledger_keys)
    if not len(l_at):
        return
    bp, lp = bpos[b_at], lpos[l_at]
    lk, qk = shared_codes((ledger.cur[lp], np.sign(ledger.amount[lp]), l_key),
                          (bank.cur[bp], np.sign(bank.amount[bp]), b_key))
    bday, lday = day_coordinate(bank, rule, bp), day_coordinate(ledger, rule, lp)
    qi, lj, _ = window_pairs(lk, lday, qk, bday - rule.days_after, bday + rule.days_before, cap=MAX_SHARED)
    bi, li, key = bp[qi], lp[lj], b_key[qi]
    short = np.abs(ledger.amount[li]) - np.abs(bank.amount[bi])
    if rule.amount == "fee_deducted":
        ok = (short > 0) & (short <= to_minor(rule.fee_max, state.decimals, "floor"))
    else:
        ok = short == 0
    bi, li, key = bi[ok], li[ok], key[ok]
    ref_of = {(int(b), int(g)): k for b, g, k in zip(bi, li, key)}
    dec = state.decimals

    def why(b: int, g: int) -> str:
        scheme, value = ref_of[(b, g)].split(":", 1)
        return f"valid {_SCHEME_NAMES[scheme]} reference {value} on both lines (check digit holds)"

    def proposal(b: int, g: int, diff: int) -> str:
        return (f"Charges deducted from {bank.ids[b]}: {reasons.money(-diff, dec)} "
                f"(ledger {reasons.money(ledger.amount[g], dec)}, credited {reasons.money(bank.amount[b], dec)})")

    decide(state, rule, bi, li, why, rule.fee_gl_account, proposal)


_SCHEME_NAMES = {"rf": "ISO 11649 RF", "ogm": "Belgian OGM/VCS", "qr": "Swiss QR", "fi": "Finnish",
                 "kid": "Norwegian KID"}
