"""Candidate pairs by sorted search: equal keys (currency, amount, ...) and a date window, without a cross join.

Ledger lines are sorted once by (key, day); each bank line's candidates are then one contiguous slice,
found by two binary searches. The cost is O(n log n) plus the number of pairs produced, and a line with
more candidates than `cap` is reported as crowded instead of expanded (it is ambiguous anyway).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_DAY_BITS = 22
_DAY_OFFSET = 1 << 20  # keeps day - window positive; days span +-2,800 years around 1970


def codes(*columns: np.ndarray) -> np.ndarray:
    """Dense int64 codes for the tuples of several equal-length columns (ints or strings)."""
    out = None
    for col in columns:
        c, _ = pd.factorize(col, use_na_sentinel=False)
        c = c.astype(np.int64)
        if out is None:
            out = c
        else:
            out, _ = pd.factorize(out * (int(c.max(initial=0)) + 1) + c)
            out = out.astype(np.int64)
    return out if out is not None else np.zeros(0, dtype=np.int64)


def shared_codes(left: tuple[np.ndarray, ...], right: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of two sides' key tuples in one code space (equal tuples get equal codes)."""
    n = len(left[0]) if left else 0
    both = codes(*(np.concatenate([a, b]) for a, b in zip(left, right)))
    return both[:n], both[n:]


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") of int64 keys, by sorting key and position packed in one int64.

    Why: the packed values are distinct, so any sort gives the stable order, and numpy sorts plain integers
    several times faster than it argsorts stably. Keys whose range leaves no room for the position take the
    stable argsort."""
    n = len(keys)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    bits = (n - 1).bit_length()
    low = int(keys.min())
    if (int(keys.max()) - low) >> (62 - bits):
        return np.argsort(keys, kind="stable")
    packed = ((keys - low) << bits) | np.arange(n, dtype=np.int64)
    packed.sort()
    return packed & ((1 << bits) - 1)


def window_pairs(l_key: np.ndarray, l_day: np.ndarray, q_key: np.ndarray, q_lo: np.ndarray, q_hi: np.ndarray,
                 cap: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (q, l) with l_key == q_key and q_lo <= l_day <= q_hi.

    Returns (q index, l index, candidate count per q). Queries with more than `cap` candidates produce no
    pairs; their count is still returned so the caller can report them as crowded.
    """
    comp = (l_key << _DAY_BITS) + (l_day + _DAY_OFFSET)
    order = stable_argsort(comp)
    comp_sorted = comp[order]
    base = q_key << _DAY_BITS
    lo = np.searchsorted(comp_sorted, base + (q_lo + _DAY_OFFSET), side="left")
    hi = np.searchsorted(comp_sorted, base + (q_hi + _DAY_OFFSET), side="right")
    counts = np.maximum(hi - lo, 0)
    take = counts if cap is None else np.where(counts > cap, 0, counts)
    total = int(take.sum())
    qi = np.repeat(np.arange(len(q_key)), take)
    start = np.repeat(lo - (np.cumsum(take) - take), take)
    li = order[start + np.arange(total)]
    return qi, li, counts


def group_max_count(idx: np.ndarray, value: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per index: the largest value among its pairs (-1 when none) and how many pairs reach it."""
    top = np.full(n, -1, dtype=np.int64)
    np.maximum.at(top, idx, value)
    at_top = value == top[idx]
    return top, np.bincount(idx[at_top], minlength=n)


def dense(idx: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of idx (each in 0..n-1) and each element's rank among them, in O(n) without a
    sort (np.unique on a million pairs costs more than the matching around it)."""
    mark = np.zeros(n, dtype=bool)
    mark[idx] = True
    uniq = np.flatnonzero(mark)
    rank = np.zeros(n, dtype=np.int64)
    rank[uniq] = np.arange(len(uniq))
    return uniq, rank[idx]
