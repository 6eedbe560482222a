"""A deposit chosen on several booking days: which day keeps it, by what each day loses without it.

Each booking day's candidate subsets are packed on their own (booking_batches.py, packing.py), but a deposit's
window spans up to fifteen days and it can be settled once only. At real density a deposit whose receipts are on
day d also has a subset adding up to it by chance on another day d', where it takes receipts of d''s own
deposits; d''s packing then settles it instead of one of them (both choices settle one deposit), and the deposit
is chosen on two days while the one it displaced is chosen on none. Deciding the days jointly as one set packing
is out of reach (at 100,000 lines a side the candidates of a year form one connected set of thousands), so the
days are coordinated instead: for a deposit held by best packings of several days, each such day is packed again
without it, and the deposit stays only on the day that settles strictly more deposits with it than without it
than any other of those days does; it is excluded from the others, whose packings then settle what it displaced.
A deposit whose days lose as much decides nothing (it stays on all of them, so none accepts it). Passes repeat
while an exclusion changes a packing, at most MAX_PASSES.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

MAX_PASSES = 8


@dataclass(frozen=True)
class DayPack:
    """One day's packing: the deposits its best packings hold, how many it settles, whether it is complete."""

    held: frozenset[int]
    settled: int
    exhausted: bool


def exclusions(keys: Iterable[Hashable], pack: Callable[[Hashable, frozenset[int]], DayPack]
               ) -> dict[Hashable, frozenset[int]]:
    """Per day, the deposits excluded from it. `pack(day, excluded)` packs a day without the given deposits
    (the caller caches it: the same question is asked more than once)."""
    keys = list(keys)
    excluded: dict[Hashable, frozenset[int]] = {k: frozenset() for k in keys}
    for _ in range(MAX_PASSES):
        held_on: dict[int, list[Hashable]] = {}
        for k in keys:
            for t in pack(k, excluded[k]).held:
                held_on.setdefault(t, []).append(k)
        changed = False
        for t in sorted(t for t, ks in held_on.items() if len(ks) > 1):
            losses = []
            for k in held_on[t]:
                now, without = pack(k, excluded[k]), pack(k, excluded[k] | {t})
                if now.exhausted or without.exhausted:
                    break  # an incomplete search tells nothing about what the day loses
                losses.append((now.settled - without.settled, k))
            else:
                losses.sort(key=lambda x: -x[0])
                if losses[0][0] > losses[1][0]:
                    for _, k in losses[1:]:
                        excluded[k] = excluded[k] | {t}
                    changed = True
        if not changed:
            break
    return excluded
