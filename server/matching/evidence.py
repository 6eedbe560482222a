"""What the text of a (bank line, ledger line) pair says: equal references, a reference found in the bank
text, a check number, a fuzzy similarity (rapidfuzz), the counterparty named in the bank text.

All functions take position arrays of equal length (bi into the bank side, li into the ledger side) and
return one value per pair.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from .frames import Side
from .text import MIN_REFERENCE_LENGTH


def reference_equal(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    b, g = bank.derived("ref_sq", bi), ledger.derived("ref_sq", li)
    return np.fromiter((x == y and x != "" for x, y in zip(b, g)), dtype=bool, count=len(bi))


def reference_contained(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The ledger reference (letters and digits) appears in the bank reference or description."""
    t, g = bank.derived("text_sq", bi), ledger.derived("ref_sq", li)
    return np.fromiter((len(y) >= MIN_REFERENCE_LENGTH and y in x for x, y in zip(t, g)), dtype=bool,
                       count=len(bi))


def check_equal(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    b, g = bank.derived("check_key", bi), ledger.derived("ledger_check_key", li)
    return np.fromiter((x == y and x != "" for x, y in zip(b, g)), dtype=bool, count=len(bi))


def similarity(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Reference similarity 0..100 (integer), -1 when the ledger line has no reference.

    Compares the two references; when the bank line has no reference, the best-matching stretch of its
    description (partial ratio)."""
    out = np.full(len(bi), -1, dtype=np.int64)
    if not len(bi):
        return out
    g = ledger.derived("ref_sq", li)
    b = bank.derived("ref_sq", bi)
    has_g = np.fromiter((y != "" for y in g), dtype=bool, count=len(li))
    has_b = np.fromiter((x != "" for x in b), dtype=bool, count=len(bi))
    both = has_g & has_b
    if both.any():
        scores = process.cpdist(list(b[both]), list(g[both]), scorer=fuzz.ratio, workers=-1)
        out[both] = np.rint(scores).astype(np.int64)
    only_g = has_g & ~has_b
    if only_g.any():
        t = bank.derived("text_sq", bi[only_g])
        out[only_g] = np.rint(process.cpdist(list(g[only_g]), list(t), scorer=fuzz.partial_ratio,
                                             workers=-1)).astype(np.int64)
    return out


def counterparty_named(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Every identifying word of the ledger counterparty is a word of the bank text."""
    text, cp = bank.derived("padded", bi), ledger.derived("cp_words", li)
    return np.fromiter((bool(c) and all(f" {w} " in t for w in c) for t, c in zip(text, cp)), dtype=bool,
                       count=len(bi))


def counterparty_not_contradicted(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The bank text does not name someone else: at least one identifying word of the ledger counterparty is
    in it, or the ledger line has no counterparty, or the bank text names no one (only banking words)."""
    text, cp = bank.derived("padded", bi), ledger.derived("cp_words", li)
    named = bank.derived("names_someone", bi)
    return np.fromiter((not c or not n or any(f" {w} " in t for w in c) for t, c, n in zip(text, cp, named)),
                       dtype=bool, count=len(bi))


def plausibility(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """How strongly the text ties a pair, to tell equally keyed candidates apart (higher is stronger):
    2 x (3 equal references | 2 reference in text or same check number | 1 similar reference | 0)
    + 1 when the counterparty is named. Equal values mean equally plausible."""
    tier = np.zeros(len(bi), dtype=np.int64)
    if not len(bi):
        return tier
    sim = similarity(bank, ledger, bi, li)
    long_ref = np.fromiter((len(y) >= MIN_REFERENCE_LENGTH for y in ledger.derived("ref_sq", li)), dtype=bool,
                           count=len(li))
    tier[(sim >= 90) & long_ref] = 1
    tier[reference_contained(bank, ledger, bi, li) | check_equal(bank, ledger, bi, li)] = 2
    tier[reference_equal(bank, ledger, bi, li)] = 3
    return tier * 2 + counterparty_named(bank, ledger, bi, li)
