"""Choose candidate groups together, not one after another: the best packing and whether it is the only one.

A candidate is (owner, items, rank): the owner (a deposit, a bank line) may be used once, items (receipts,
lines) at most once, and a packing is worth the weight of the items it covers. The packings of the
highest worth are listed (up to `limit`); the candidates common to all of them are the ones to accept:
the rest could be swapped for an equally good alternative, so nothing decides between them. `rank` breaks
ties between packings of equal worth only when the caller asks (rule priority: lower rank wins).

Why this is its own search: one wrong subset that happens to add up to a deposit takes receipts of other
deposits, which then cannot be completed, so the packing that settles the most deposits (booking_batches.py
counts deposits before receipts with `worths`) is the true one far more often than any single subset is
unique. Written here because the instances are small (tens of
candidates) and what is needed is *every* optimum up to a count, with a hard step budget; an ILP solver
gives one optimum.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

STEP_BUDGET = 100_000
MEMO_SIZE = 4096  # searches remembered (see best_packings)
_memo: dict[tuple, "Packing"] = {}


@dataclass(frozen=True)
class Packing:
    worth: int
    optima: tuple[tuple[int, ...], ...]  # candidate indices of each optimal packing (up to the limit)
    exhausted: bool  # the step budget or the limit was reached: nothing may be concluded

    def somewhere(self) -> set[int]:
        """The candidates some optimal packing holds (all of them when the search was not complete)."""
        return {c for p in self.optima for c in p}

    def common(self) -> tuple[int, ...]:
        """The candidates every optimal packing holds (none when the search was not complete)."""
        if self.exhausted or not self.optima:
            return ()
        keep = set(self.optima[0])
        for p in self.optima[1:]:
            keep &= set(p)
        return tuple(sorted(keep))


def best_packings(candidates: Sequence[tuple[int, tuple[int, ...]]], weights: Sequence[int], limit: int = 16,
                  budget: int = STEP_BUDGET, ranks: Sequence[int] | None = None,
                  worths: Sequence[int] | None = None) -> Packing:
    """Candidates (owner, item indices) over items of the given weights. With `ranks`, a packing's worth is
    compared first by weight covered, then by the sum of its candidates' ranks (lower is better). With
    `worths`, a candidate is worth its own figure instead of its items' weights (each at most its items'
    weight, which stays the search's bound).

    The same search is asked for again and again (a booking day unchanged from one round to the next, the
    cross-day passes, the global assignment re-running the group rules), and a search past its budget costs its
    whole budget each time: a search is a pure function of its arguments, so its answer is remembered (the
    memo is emptied when full)."""
    memo_key = (tuple((o, tuple(its)) for o, its in candidates), tuple(weights), limit, budget,
                None if ranks is None else tuple(ranks), None if worths is None else tuple(worths))
    if memo_key in _memo:
        return _memo[memo_key]
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[memo_key] = found = _search(candidates, weights, limit, budget, ranks, worths)
    return found


@contextmanager
def remembered() -> Iterator[None]:
    """One matching run: the searches it remembers are forgotten when it ends (a server matches account after
    account; their days' searches are not asked again, and a full sheet's would hold memory for nothing)."""
    try:
        yield
    finally:
        _memo.clear()


def _search(candidates, weights, limit, budget, ranks, worths) -> Packing:
    items = sorted({i for _, its in candidates for i in its})
    if not items:
        return Packing(0, ((),), False)
    by_item: dict[int, list[int]] = {i: [] for i in items}
    for c, (_, its) in enumerate(candidates):
        by_item[min(its)].append(c)  # a candidate is branched on at its first item
    suffix = [0] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + weights[items[k]]
    # Why bit masks: the search visits millions of nodes on a busy booking day; items (by their place in
    # `items`) and owners as the bits of Python ints make each node's tests and updates one operation, not
    # set copies. The traversal, its order and its step count are those of the set-based search.
    at = {i: k for k, i in enumerate(items)}
    owner_bit = {o: 1 << k for k, o in enumerate(dict.fromkeys(o for o, _ in candidates))}
    cand_mask = [sum(1 << at[i] for i in set(its)) for _, its in candidates]
    cand_owner = [owner_bit[o] for o, _ in candidates]
    cand_weight = list(worths) if worths is not None else [sum(weights[i] for i in its) for _, its in candidates]
    rank = list(ranks) if ranks is not None else [0] * len(candidates)
    branches = [[(c, cand_mask[c], cand_owner[c], cand_weight[c], rank[c]) for c in by_item[i]] for i in items]
    n = len(items)
    best: list[tuple[int, int]] = [(-1, 0)]
    optima: list[tuple[int, ...]] = []
    steps = 0
    stopped = False
    chosen: list[int] = []

    def visit(k: int, worth: int, rank_sum: int, covered: int, owners: int) -> None:
        nonlocal steps, stopped
        steps += 1
        if steps > budget:
            stopped = True
        if stopped or worth + suffix[k] < best[0][0]:
            return
        if covered >> k & 1:  # skip the items already covered: to the next clear bit
            free = ~covered >> k
            k += (free & -free).bit_length() - 1
        if k >= n:
            key = (worth, -rank_sum)
            if key > best[0]:
                best[0] = key
                optima.clear()
            if key == best[0]:
                if len(optima) >= limit:
                    stopped = True
                    return
                optima.append(tuple(sorted(chosen)))
            return
        for c, mask, owner, w, r in branches[k]:
            if owners & owner or mask & covered:
                continue
            chosen.append(c)
            visit(k + 1, worth + w, rank_sum + r, covered | mask, owners | owner)
            chosen.pop()
        visit(k + 1, worth, rank_sum, covered, owners)  # the item stays uncovered

    visit(0, 0, 0, 0, 0)
    return Packing(best[0][0], tuple(optima), stopped)
