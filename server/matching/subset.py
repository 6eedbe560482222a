"""Bounded subset-sum: which few lines add up to a target amount (batch deposits and split payments).

Written here rather than taken from a library: what is needed is not one solution (a solver's job) but
*all* solutions up to a small count, with a hard bound on the work, on integers (minor units) only.

The bound, stated once: at most `max_candidates` lines are searched (the caller chooses them and does not
search a line with more; see batches.py), subsets have 2..max_size lines, and the depth-first search
stops after STEP_BUDGET steps. A search that hits the step budget returns `exhausted=True`: nothing is
concluded from it (no match), because a second solution might have been missed. The search stops early
once `limit` solutions are found: two are enough to know a target is ambiguous.
"""
from __future__ import annotations

from collections.abc import Sequence

STEP_BUDGET = 200_000


def find_subsets(values: Sequence[int], intervals: Sequence[tuple[int, int]], max_size: int, min_size: int = 2,
                 limit: int = 3, budget: int = STEP_BUDGET) -> tuple[list[tuple[int, ...]], bool]:
    """Index tuples of subsets of `values` (all > 0) whose sum lies in one of the closed `intervals`.

    Returns (solutions in search order, exhausted). Values are searched largest first; ties keep the
    given order, so the result depends only on the input.
    """
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    vals = [values[i] for i in order]
    n = len(vals)
    if n < min_size or not intervals:
        return [], False
    lo = min(a for a, _ in intervals)
    hi = max(b for _, b in intervals)
    prefix = [0]
    for v in vals:
        prefix.append(prefix[-1] + v)
    solutions: list[tuple[int, ...]] = []
    path: list[int] = []
    steps = 0

    def fits(total: int) -> bool:
        return any(a <= total <= b for a, b in intervals)

    def dfs(start: int, total: int) -> bool:
        """False stops the whole search (limit reached or budget spent)."""
        nonlocal steps
        steps += 1
        if steps > budget:
            return False
        size = len(path)
        if size >= min_size and fits(total):
            solutions.append(tuple(sorted(order[i] for i in path)))
            if len(solutions) >= limit:
                return False
        if size == max_size:
            return True
        room = max_size - size
        for i in range(start, n):
            v = vals[i]
            if total + v > hi:
                continue  # too big; smaller values follow
            if total + prefix[min(n, i + room)] - prefix[i] < lo:
                break  # even the largest remaining values cannot reach the target
            path.append(i)
            go_on = dfs(i + 1, total + v)
            path.pop()
            if not go_on:
                return False
        return True

    dfs(0, 0)
    return solutions, steps > budget
