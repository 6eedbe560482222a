"""Every subset of one booking day's items adding up to a deposit, to the cent: meet in the middle.

Written here rather than taken from a library: a solver returns one solution, and what the batch rule needs
is every solution up to a small count (to know a subset is the only one), for many deposits at once, over
integer minor units, with the work bounded in advance.

How: the items are split in two unequal parts; every subset of each part (up to max_size lines) is listed
with its sum, the larger part's sums sorted once. A deposit T is then one sorted search of (T - left sum)
per left subset, so the smaller part is the one multiplied by the number of deposits: the left part holds
about (n - log2(deposits)) / 2 items, which balances that product against the sort of the right part.
"""
from __future__ import annotations

import numpy as np

from .join import stable_argsort

CHANCE_SAMPLE = 50_000  # left subsets x targets searched at most when estimating the chance of a coincidence


def subset_table(values: list[int], sizes: list[int], max_size: int):
    """Every subset of the items with at most max_size lines: (sums, line counts, item bit masks)."""
    # The final size is known from the subsets per line count, so the arrays are filled in place, each
    # item appending the subsets it extends (the order of the former concatenation, without its copies).
    per_count = np.zeros(max_size + 1, dtype=np.int64)
    per_count[0] = 1
    for s in sizes:
        if s <= max_size:
            per_count[s:] += per_count[:max_size + 1 - s].copy()
    total = int(per_count.sum())
    sums = np.zeros(total, dtype=np.int64)
    count = np.zeros(total, dtype=np.int64)
    mask = np.zeros(total, dtype=np.int64)
    n = 1
    for i, (v, s) in enumerate(zip(values, sizes)):
        keep = np.flatnonzero(count[:n] + s <= max_size)
        m = len(keep)
        sums[n:n + m] = sums[keep] + v
        count[n:n + m] = count[keep] + s
        mask[n:n + m] = mask[keep] | (1 << i)
        n += m
    return sums, count, mask


class DaySubsets:
    """One booking day's items (each a tuple of line positions: a deposit slip's receipts are one item)."""

    def __init__(self, items: list[tuple[int, ...]], amounts: np.ndarray, max_size: int, n_targets: int):
        self.items = items
        values = [int(amounts[list(it)].sum()) for it in items]
        sizes = [len(it) for it in items]
        n = len(items)
        half = max(0, min(n, (n - int(np.log2(max(n_targets, 1)))) // 2))
        self.left = subset_table(values[:half], sizes[:half], max_size)
        r_sum, r_cnt, r_mask = subset_table(values[half:], sizes[half:], max_size)
        order = stable_argsort(r_sum)
        self.right = (r_sum[order], r_cnt[order], r_mask[order])
        self.half = half
        self.max_size = max_size

    def solutions(self, targets: np.ndarray, limit: int) -> tuple[list[list[tuple[int, ...]]], np.ndarray]:
        """Per target amount: the subsets (as item indices, 1..max_size lines) adding up to it, at most
        `limit`; and per target whether more than `limit` exist (saturated: the list is not all of them)."""
        l_sum, l_cnt, l_mask = self.left
        r_sum, r_cnt, r_mask = self.right
        # Each target's queries are searched in ascending order (left sums descending: numpy's search is
        # several times faster on sorted queries), then the sums found are visited in (target, left subset)
        # order; the upper end is searched only where the lower one found the sum itself (most never add up).
        by_sum = np.argsort(l_sum, kind="stable")[::-1]
        want = (targets[:, None] - l_sum[by_sum][None, :]).ravel()
        lo = np.searchsorted(r_sum, want, side="left")
        hit = np.flatnonzero(r_sum[np.minimum(lo, len(r_sum) - 1)] == want)
        hi = np.searchsorted(r_sum, want[hit], side="right")
        lo = lo[hit]
        row, col = np.divmod(hit, len(l_sum))
        at = np.argsort(row * len(l_sum) + by_sum[col], kind="stable")
        out: list[list[tuple[int, ...]]] = [[] for _ in targets]
        saturated = np.zeros(len(targets), dtype=bool)
        for t, i, j0, j1 in zip(row[at].tolist(), by_sum[col[at]].tolist(), lo[at].tolist(), hi[at].tolist()):
            for j in range(j0, j1):
                if 1 <= l_cnt[i] + r_cnt[j] <= self.max_size:
                    if len(out[t]) >= limit:
                        saturated[t] = True
                        break
                    out[t].append(self._chosen(int(l_mask[i]), int(r_mask[j])))
        return out, saturated

    def chance(self, targets: np.ndarray, width: np.ndarray, sample: int = CHANCE_SAMPLE) -> np.ndarray:
        """Per target, the expected number of subsets (2..max_size lines) adding up to it by coincidence: the
        subsets whose sum lies within +-width of it, per minor unit of that band (the local density of the
        day's subset sums). The band excludes the target itself, so a true subset does not count. `sample`:
        left subsets x targets searched at most per subset size."""
        l_sum, l_cnt, _ = self.left
        r_sum, r_cnt, _ = self.right
        total = np.zeros(len(targets))
        fewer_sum, fewer_cnt = r_sum, r_cnt  # right subsets of at most max_size - c lines (c >= 2), narrowed
        for c in range(self.max_size + 1):
            left = l_sum[l_cnt == c]
            if not len(left):
                continue
            # an estimate needs no exact count: past CHANCE_SAMPLE searches, every step-th left subset stands
            # for `step` of them (the density is what is wanted, not each subset)
            step = max(1, len(left) * len(targets) // sample)
            left = left[::step]
            if c < 2:
                r_ok = r_sum[(r_cnt + c >= 2) & (r_cnt + c <= self.max_size)]
            else:  # nested as c grows: each filter runs on what the last one kept
                keep = fewer_cnt <= self.max_size - c
                fewer_sum, fewer_cnt = fewer_sum[keep], fewer_cnt[keep]
                r_ok = fewer_sum
            if not len(r_ok):
                continue
            # Below and above the target, the target excluded: the band [x - width, x + width] less the sums
            # equal to x. Counts are integers, so one band gives the sum of the two halves exactly; left is
            # searched in descending order so that each target's queries ascend (numpy's search is faster so).
            left = np.sort(left)[::-1]
            x = targets[:, None] - left[None, :]
            n = (np.searchsorted(r_ok, (x + width[:, None]).ravel(), side="right")
                 - np.searchsorted(r_ok, (x - width[:, None]).ravel(), side="left"))
            x = x.ravel()
            lo = np.searchsorted(r_ok, x, side="left")
            at = np.flatnonzero(r_ok[np.minimum(lo, len(r_ok) - 1)] == x)
            n[at] -= np.searchsorted(r_ok, x[at], side="right") - lo[at]
            total += n.reshape(len(targets), len(left)).sum(axis=1) * step
        return total / (2 * np.maximum(width, 1))

    def _chosen(self, left: int, right: int) -> tuple[int, ...]:
        chosen = [k for k in range(self.half) if left >> k & 1]
        chosen += [self.half + k for k in range(len(self.items) - self.half) if right >> k & 1]
        return tuple(chosen)
