"""The name a ledger line stands for when its counterparty is only an account number (a DATEV export's
Gegenkonto, a debtor number): the known counterparty words its booking text spells.

Why: such a line names no one in its counterparty column, so a bank text naming another company could not be
held against it, and an exact amount a window holds twice was paired with the customer the bank did *not* name
(euroworld books: most wrong pairs of exact_amount_date_window). The booking text ("Zahlungseingang RE-2024-10441
Ödegård Kunststoff S.A.S.") carries the name; its words that are words of names the ledger knows, in the text's
order, stand in for the counterparty. A line whose text spells no known word keeps its account number, which
neither ties nor contradicts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import text as tx
from .frames import Side


def stand_in_name(vocab, counterparty: str, description: str) -> str:
    """The counterparty, or for an account number the known name words of the booking text (else the number)."""
    if not counterparty or any(ch.isalpha() for ch in counterparty):
        return counterparty
    words = [w for w in tx.counterparty_words(description) if vocab.df.get(w)]
    return " ".join(words) if words else counterparty


def stand_in_names(ledger: Side, vocab, pos: np.ndarray) -> np.ndarray:
    """stand_in_name per ledger position, made once per line and run (Side.memo)."""
    def make(rows):
        return [stand_in_name(vocab, c, d) for c, d in zip(ledger.col("counterparty", rows),
                                                           ledger.col("description", rows))]
    return ledger.memo("stand_in_name", pos, make)


def stand_in_codes(ledger: Side, vocab, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per position, distinct values) of the stand-in names, as distinct_pairs.column_codes gives them."""
    codes, values = pd.factorize(stand_in_names(ledger, vocab, pos))
    return codes.astype(np.int64), np.asarray(values, dtype=object)
