"""Settlement keys made of an identifier several ledger lines of one journal share: the run or message id a payment
run writes on each of its payments ("ZV2024031512"), a collection's id ("LS-20240315-07"), a loan number on the
principal and the interest line, an invoice number on the gross and the discount line.

Why: at real density one journal books several payment runs and collections a day (100k lines a side: two to
five), so a whole booking day no longer adds up to any one bank line and a subset search over fifty lines is
never unique. The identifier the bank text quotes cuts the day into the lines of that one settlement; the lines
holding it must then add up to the bank amount exactly (the uniqueness guard of settlements still applies).
An identifier is a word of at least MIN_LENGTH letters and digits with a digit in it, separators inside it
dropped; a line gets the longest identifier it shares with another open line of its journal and day.
"""
from __future__ import annotations

import re

import numpy as np

MIN_LENGTH = 6  # shorter digit runs (years, days, counts) are shared by chance
_SPLIT = re.compile(r"[\s;,/+()\[\]]+")
_INNER = re.compile(r"[^0-9A-Z]")


def identifiers(text: str) -> frozenset[str]:
    """The identifier words of a text, upper-cased, inner separators dropped ('LS-20240315-07' -> 'LS2024031507')."""
    out = set()
    for chunk in _SPLIT.split(text.upper()):
        word = _INNER.sub("", chunk)
        if len(word) >= MIN_LENGTH and any(c.isdigit() for c in word):
            out.add(word)
    return frozenset(out)


def shared_keys(ledger, lpos: np.ndarray) -> np.ndarray:
    """Per ledger position, 'SOURCE|IDENTIFIER' for the longest identifier it shares with another line of its
    source and day among lpos ('' when it shares none)."""
    sources = [s.strip().upper() for s in ledger.col("source", lpos)]
    texts = ledger.texts(lpos)
    ids = [identifiers(t) for t in texts]
    count: dict[tuple, int] = {}
    for s, d, words in zip(sources, ledger.day[lpos].tolist(), ids):
        for w in words:
            count[(s, d, w)] = count.get((s, d, w), 0) + 1
    out = np.empty(len(lpos), dtype=object)
    for k, (s, d, words) in enumerate(zip(sources, ledger.day[lpos].tolist(), ids)):
        shared = sorted((w for w in words if count[(s, d, w)] >= 2), key=lambda w: (-len(w), w))
        out[k] = f"{s}|{shared[0]}" if shared else ""
    return out


def quoted_keys(bank_texts, names: list[str]) -> list[np.ndarray]:
    """Per bank text, the key codes whose identifier it quotes."""
    by_id: dict[str, list[int]] = {}
    for k, name in enumerate(names):
        by_id.setdefault(name.partition("|")[2], []).append(k)
    return [np.array(sorted(k for w in identifiers(t) for k in by_id.get(w, ())), dtype=np.int64)
            for t in bank_texts]
