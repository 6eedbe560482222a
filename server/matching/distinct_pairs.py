"""A test of a candidate pair's two texts, run once per distinct pair of texts rather than once per pair.

Why: a rule's candidate pairs repeat the same few thousand counterparty names against the same bank texts (a
wide date window lists one customer's bank line against every line of equal amount); at a full sheet a side the
pairs run into the millions while the distinct (bank value, ledger value) pairs are far fewer. The values are
coded in C (pandas.factorize), the pairs of codes made distinct the same way, and only then is the Python test
run. The test must depend on the two values alone (every caller's test is a pure function of them).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .frames import Side
from .join import dense

SMALL = 256  # fewer pairs than this are tested directly: coding them costs more than it saves


def derived_codes(side: Side, key: str, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per position, distinct values) of a derived text key, coded over the distinct rows only."""
    rows, at = dense(pos, side.n)
    codes, values = pd.factorize(side.derived(key, rows))
    return codes[at].astype(np.int64), np.asarray(values, dtype=object)


def column_codes(side: Side, name: str, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per position, distinct values) of a text column (coded once per run, Side.distinct)."""
    codes, values = side.distinct(name)
    return codes[pos].astype(np.int64), values


def test_distinct(b: tuple[np.ndarray, np.ndarray], g: tuple[np.ndarray, np.ndarray],
                  test: Callable[[object, object], bool]) -> np.ndarray:
    """test(bank value, ledger value) per pair, each distinct pair of values tested once. `b` and `g` are
    (code per pair, distinct values) of each side, as derived_codes and column_codes give them."""
    (bc, bv), (gc, gv) = b, g
    if len(bc) < SMALL:
        return np.fromiter((bool(test(bv[x], gv[y])) for x, y in zip(bc.tolist(), gc.tolist())), dtype=bool,
                           count=len(bc))
    width = max(len(gv), 1)
    pair, keys = pd.factorize(bc * width + gc)
    once = np.fromiter((bool(test(bv[k // width], gv[k % width])) for k in keys.tolist()), dtype=bool,
                       count=len(keys))
    return once[pair]
