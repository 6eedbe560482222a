"""Bank lines whose text names a counterparty the ledger knows: such a line is that counterparty's own payment (a
card processor's payout, a customer's transfer), not a deposit slip of several customers' receipts.

Why: a deposit of receipts from different customers names none of them (the bank prints "DEPOSIT", "LOCKBOX
DEPOSIT 8087"), and at real density some subset of a booking day's receipts adds up to almost any amount; a payout
that names its processor ("SQUARE INC 240528P2", "STRIPE TRANSFER") was otherwise taken as some day's receipts of
other customers (usworld books: most wrong batch groups). A name counts when the text spells it in full (every
distinctive word, cut short or abbreviated) or starts it (first two words).
"""
from __future__ import annotations

import numpy as np

from .evidence import _word_in, name_index, name_starts, vocabulary
from .frames import Side


def naming_someone(bank: Side, ledger: Side, pos: np.ndarray) -> np.ndarray:
    """Per bank position, whether its text names a counterparty of the ledger."""
    vocab = vocabulary(ledger)
    index, starts = name_index(vocab), name_starts(vocab)
    memo: dict[frozenset[str], bool] = {}

    def names(words: frozenset[str]) -> bool:
        got = memo.get(words)
        if got is None:
            got = memo[words] = index.other_named_in_full(words, (), _word_in) or starts.starts_any(words)
        return got
    return np.fromiter((names(w) for w in bank.derived("words", pos)), dtype=bool, count=len(pos))
