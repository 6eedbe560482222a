"""Counterparty keys that are account numbers (a DATEV export's Gegenkonto, a debtor number), named through their
booking texts.

Why: an export that gives only the account number still books one customer's lines under one key, which is the
block a settlement takes; the bank text cannot print the number, but the booking texts carry the name. A key is
named by the name words its lines' texts share (words of known counterparty names, the distinctive ones where
there are any); lines whose texts disagree, or carry no name, leave the key unnamed (never settled by name).
"""
from __future__ import annotations

import numpy as np

from ..evidence import account_only


def described_keys(ledger, vocab, days) -> dict[int, frozenset[str]]:
    """Key code -> the name words the booking texts of its lines agree on, for account-number keys only."""
    keys = [k for k, name in enumerate(days.names) if account_only(name)]
    if not keys:
        return {}
    wanted = set(keys)
    out: dict[int, frozenset[str] | None] = {}
    for d in np.flatnonzero(np.isin(days.key, keys)):
        k = int(days.key[d])
        for words in ledger.derived("words", days.positions(d)):
            names = [w for w in words if vocab.df.get(w)]
            got = frozenset(w for w in names if w not in vocab.generic) or frozenset(names)
            if k in out and out[k] != got:
                got = None
            out[k] = got if k not in out or out[k] is not None else None
    return {k: v for k, v in out.items() if v and k in wanted}
