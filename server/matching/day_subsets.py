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

CHANCE_SAMPLE = 50_000  # left subsets x targets searched at most when estimating the chance of a coincidence


def subset_table(values: list[int], sizes: list[int], max_size: int):
    """Every subset of the items with at most max_size lines: (sums, line counts, item bit masks)."""
    sums = np.zeros(1, dtype=np.int64)
    count = np.zeros(1, dtype=np.int64)
    mask = np.zeros(1, dtype=np.int64)
    for i, (v, s) in enumerate(zip(values, sizes)):
        keep = count + s <= max_size
        sums = np.concatenate([sums, sums[keep] + v])
        count = np.concatenate([count, count[keep] + s])
        mask = np.concatenate([mask, mask[keep] | (1 << i)])
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
        order = np.argsort(r_sum, kind="stable")
        self.right = (r_sum[order], r_cnt[order], r_mask[order])
        self.half = half
        self.max_size = max_size

    def solutions(self, targets: np.ndarray, limit: int) -> tuple[list[list[tuple[int, ...]]], np.ndarray]:
        """Per target amount: the subsets (as item indices, 1..max_size lines) adding up to it, at most
        `limit`; and per target whether more than `limit` exist (saturated: the list is not all of them)."""
        l_sum, l_cnt, l_mask = self.left
        r_sum, r_cnt, r_mask = self.right
        want = (targets[:, None] - l_sum[None, :]).ravel()
        lo = np.searchsorted(r_sum, want, side="left")
        hi = np.searchsorted(r_sum, want, side="right")
        out: list[list[tuple[int, ...]]] = [[] for _ in targets]
        saturated = np.zeros(len(targets), dtype=bool)
        for k in np.flatnonzero(hi > lo):
            t, i = divmod(int(k), len(l_sum))
            for j in range(lo[k], hi[k]):
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
        for c in range(self.max_size + 1):
            left = l_sum[l_cnt == c]
            if not len(left):
                continue
            # an estimate needs no exact count: past CHANCE_SAMPLE searches, every step-th left subset stands
            # for `step` of them (the density is what is wanted, not each subset)
            step = max(1, len(left) * len(targets) // sample)
            left = left[::step]
            r_ok = r_sum[(r_cnt + c >= 2) & (r_cnt + c <= self.max_size)]
            if not len(r_ok):
                continue
            for sign in (-1, 1):  # below and above the target, the target excluded
                a = targets[:, None] - left[None, :] + (np.where(sign < 0, -width, 1))[:, None]
                b = targets[:, None] - left[None, :] + (np.where(sign < 0, -1, width))[:, None]
                n = np.searchsorted(r_ok, b.ravel(), side="right") - np.searchsorted(r_ok, a.ravel(), side="left")
                total += n.reshape(a.shape).sum(axis=1) * step
        return total / (2 * np.maximum(width, 1))

    def _chosen(self, left: int, right: int) -> tuple[int, ...]:
        chosen = [k for k in range(self.half) if left >> k & 1]
        chosen += [self.half + k for k in range(len(self.items) - self.half) if right >> k & 1]
        return tuple(chosen)
