"""Pairs tied by text rather than by amount: a shared document number or a distinctive counterparty word.

Why: an amount join cannot list the candidates of a rule whose amounts differ by an unknown fee (any fee up
to `fee_max`), and a window of equal amounts is the wrong place to look for a pair whose only tie is its
invoice number. Each bank line gives its numbers and words, each ledger line its numbers and the distinctive
words of its counterparty; lines sharing one (same currency and sign) are paired inside the date window by
the sorted search of join.window_pairs, so the cost is the pairs produced, never a cross join.
"""
from __future__ import annotations

import numpy as np

from . import text as tx
from .evidence import name_starts, vocabulary
from .name_forms import start_key
from .join import shared_codes, window_pairs

MAX_LINKS = 64  # a token shared by more lines than this inside one window ties nothing (a generic word)


def linked_pairs(state, bpos: np.ndarray, lpos: np.ndarray, b_lo: np.ndarray, b_hi: np.ndarray,
                 lday: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bank positions, ledger positions) of distinct pairs sharing a number or a distinctive name word,
    the ledger day (in `lday`, one per lpos) inside [b_lo, b_hi] of its bank line."""
    bank, ledger = state.bank, state.ledger
    empty = np.zeros(0, dtype=np.int64)
    if not len(bpos) or not len(lpos):
        return empty, empty
    vocab = vocabulary(ledger)
    starts = name_starts(vocab)  # names made of common words only are linked by their start (first two words)

    def bank_tokens(rows):
        return [[f"N{x}" for x in n] + [f"W{w}" for w in ws if vocab.is_distinct(w)]
                + [f"S{k}" for k in sorted(starts.started(ws))]
                for n, ws in zip(bank.derived("numbers", rows), bank.derived("words", rows))]

    def ledger_tokens(rows):
        return [[f"N{x}" for x in n] + [f"W{w}" for w in (vocab.distinct_words(c) if c else ())]
                + ([f"S{start_key(tx.counterparty_words(c))}"] if c and len(tx.counterparty_words(c)) >= 2 else [])
                for n, c in zip(ledger.derived("numbers", rows), ledger.col("counterparty", rows))]

    b_tokens = bank.memo("link_tokens", bpos, bank_tokens)  # the same lines are linked by several rules
    l_tokens = ledger.memo("link_tokens", lpos, ledger_tokens)
    bi = np.fromiter((i for i, t in enumerate(b_tokens) for _ in t), dtype=np.int64)
    lj = np.fromiter((j for j, t in enumerate(l_tokens) for _ in t), dtype=np.int64)
    if not len(bi) or not len(lj):
        return empty, empty
    bt = np.array([x for t in b_tokens for x in t], dtype=object)
    lt = np.array([x for t in l_tokens for x in t], dtype=object)
    kl, kb = shared_codes((ledger.cur[lpos][lj], np.sign(ledger.amount[lpos][lj]), lt),
                          (bank.cur[bpos][bi], np.sign(bank.amount[bpos][bi]), bt))
    qi, pj, _ = window_pairs(kl, lday[lj], kb, b_lo[bi], b_hi[bi], cap=MAX_LINKS)
    if not len(qi):
        return empty, empty
    pairs = np.unique(bpos[bi[qi]].astype(np.int64) * ledger.n + lpos[lj[pj]])
    return pairs // ledger.n, pairs % ledger.n

