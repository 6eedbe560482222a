"""A cluster of equal candidates settled by the only pairing that keeps the dates closest (rule `tie_by_dates`).

Why: customers pay equal round amounts (five receipts of 2,500.00 in one week) and banks print a bare
"ACH CREDIT"; once the lines whose texts name someone have gone, the rest of such a cluster has nothing in
its texts to tell which receipt is which, so the ambiguity guard holds it all. The cluster as a whole still
says something: each pairing of its bank lines with its ledger lines needs a number of days between the
two dates in all, and when one pairing needs strictly fewer than every other, a pair that is in it and in no
other optimal pairing, and whose two lines are clearly nearer each other than to any other candidate
(MARGIN_DAYS), is what the dates say. Pairs the dates do not set apart (equal dates, equal gaps, a day's
difference) stay held, with the others, for review; nothing is guessed.

Only balanced clusters are settled (as many bank lines as ledger lines, each with a candidate): when one side
has a line more, any line may be the one without a partner, and the dates cannot tell which. Text evidence
(plausibility) weighs before days: a pairing is compared first by what its texts say, then by its days.

The search is exact (dynamic programming over the subsets of the ledger lines, MAX_LINES a side at most;
written here because a cluster is a handful of lines and no solver is a dependency): a larger cluster is
held as before.
"""
from __future__ import annotations

import numpy as np

MAX_LINES = 8  # lines a side of a cluster settled by dates (2**8 subsets, ~10 ms at worst); a larger one is held
MARGIN_DAYS = 2  # a settled pair's lines are this many days nearer each other than to any other candidate
_NONE = 1 << 60  # no pairing


def settle(bu: np.ndarray, lu: np.ndarray, plaus: np.ndarray, lag: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Pairs (indices into bu/lu) that every closest pairing of their cluster holds, among the `alive` ones.

    bu, lu: dense bank and ledger indices of candidate pairs; plaus: text plausibility (higher is stronger);
    lag: days between the bank and the ledger date of each pair (sign ignored)."""
    out = np.zeros(len(bu), dtype=bool)
    idx = np.flatnonzero(alive)
    if len(idx) < 4:  # a settled cluster has two lines a side at least
        return out
    for members in _clusters(bu[idx], lu[idx]):
        pairs = idx[members]
        banks, ledgers = np.unique(bu[pairs]), np.unique(lu[pairs])
        if len(banks) != len(ledgers) or not 2 <= len(banks) <= MAX_LINES:
            continue
        bpos = {int(b): k for k, b in enumerate(banks)}
        lpos = {int(g): k for k, g in enumerate(ledgers)}
        gap = {(bpos[int(bu[p])], lpos[int(lu[p])]): abs(int(lag[p])) for p in pairs}
        clear = {ij for ij in gap if _clear(gap, *ij)}
        if not clear:  # the cheap test first: most clusters have no pair the dates set apart
            continue
        # cost of a pair: text plausibility first (scaled past any sum of days), then its days
        scale = 1 + len(banks) * (int(np.abs(lag[pairs]).max()) + 1)
        cost = {(bpos[int(bu[p])], lpos[int(lu[p])]): -int(plaus[p]) * scale + abs(int(lag[p])) for p in pairs}
        best, chosen = _cheapest(len(banks), cost, None)
        if best >= _NONE:
            continue
        for i, j in chosen:
            if (i, j) not in clear:
                continue
            if _cheapest(len(banks), cost, (i, j))[0] > best:  # every other pairing without it costs more
                out[pairs[(bu[pairs] == banks[i]) & (lu[pairs] == ledgers[j])]] = True
    return out


def _clear(gap: dict[tuple[int, int], int], i: int, j: int) -> bool:
    """Bank line i and ledger line j are MARGIN_DAYS nearer each other than either is to another candidate.

    Why: the closest pairing alone is the order-keeping one, and where the bank posts some payments before
    the ledger books them and others after, order is a presumption, not evidence (two credits a day apart
    may well be the other way round); a clear gap between the dates is what tells."""
    own = gap[(i, j)]
    return all(d >= own + MARGIN_DAYS for (a, b), d in gap.items() if (a == i) != (b == j))


def _clusters(b: np.ndarray, g: np.ndarray) -> list[np.ndarray]:
    """Connected pairs (positions into b/g): lines sharing a candidate, transitively (union-find)."""
    nb = int(b.max()) + 1
    parent = list(range(nb + int(g.max()) + 1))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(b.tolist(), g.tolist()):
        rx, ry = root(x), root(nb + y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    roots = np.array([root(x) for x in b.tolist()], dtype=np.int64)
    order = np.argsort(roots, kind="stable")
    cuts = np.flatnonzero(np.diff(roots[order])) + 1
    return [m for m in np.split(order, cuts) if len(m) >= 4]


def _cheapest(n: int, cost: dict[tuple[int, int], int], without: tuple[int, int] | None):
    """(lowest total cost, its pairs) of pairing bank lines 0..n-1 each with one ledger line 0..n-1, the pair
    `without` left out; (_NONE, []) when no complete pairing exists."""
    full = (1 << n) - 1
    best = {0: (0, ())}  # ledger subset taken by bank lines 0..i-1 -> (cost, pairs)
    for i in range(n):
        nxt: dict[int, tuple[int, tuple]] = {}
        for mask, (c, chosen) in best.items():
            for j in range(n):
                if mask >> j & 1 or (i, j) == without or (i, j) not in cost:
                    continue
                m, total = mask | 1 << j, c + cost[(i, j)]
                if m not in nxt or total < nxt[m][0]:
                    nxt[m] = (total, chosen + ((i, j),))
        best = nxt
    got = best.get(full)
    return got if got else (_NONE, [])
