"""The uniqueness guard of settlements: a bank line is settled only by its single fitting run of days, and only
when no other bank line could take any of those days; what stays contested goes to review.

Decided in rounds, as the 1:1 guard does: once a bank line takes its days, every other bank line's fits that
use one of them are gone, which may leave another bank line with a single fit.

Then the order of payment: an acquirer, a collecting bank, a payment run are paid in the order their days were
booked. Bank lines still contested that share days (a few, on distinct bank dates) are settled together when
exactly one assignment gives each of them one of its fits, no day twice, and later bank dates later days;
two equal payouts of two days otherwise stay for review.
"""
from __future__ import annotations

from collections import Counter

from .search import MAX_SOLUTIONS, Fit


def resolve(fits: dict[int, list[Fit]], bank_day: dict[int, int], day_of,
            in_order: bool = True, truncated: frozenset[int] = frozenset()) -> tuple[dict[int, Fit], dict[int, list[Fit]]]:
    """(accepted: bank position -> its fit, contested: bank position -> its fits). `bank_day`: each bank line's
    day; `day_of(d)`: the calendar day of booked day d; `in_order`: settle tangles by their order;
    `truncated`: bank lines whose fits were cut short in an earlier pass."""
    # lines that had more fits than were listed (here or in an earlier pass): never settled by elimination
    truncated = set(truncated) | {b for b, fl in fits.items() if len(fl) > MAX_SOLUTIONS}
    pending = {b: list(fl) for b, fl in fits.items() if fl}
    accepted: dict[int, Fit] = {}
    while pending:
        claims = Counter(d for fl in pending.values() for d in {d for f in fl for d in f.days})
        newly = [b for b, fl in pending.items()
                 if len(fl) == 1 and b not in truncated and all(claims[d] == 1 for d in fl[0].days)]
        if not newly:
            break
        used: set[int] = set()
        for b in newly:
            accepted[b] = pending.pop(b)[0]
            used.update(accepted[b].days)
        for b in list(pending):
            pending[b] = [f for f in pending[b] if used.isdisjoint(f.days)]
            if not pending[b]:
                del pending[b]
    ordered = by_order(pending, bank_day, day_of, truncated) if in_order else {}
    for b, f in ordered.items():
        accepted[b] = f
        del pending[b]
    return accepted, pending


MAX_TOGETHER = 6  # bank lines settled together by their order; a larger tangle stays for review


def by_order(pending: dict[int, list[Fit]], bank_day: dict[int, int], day_of, truncated: set[int]) -> dict[int, Fit]:
    """The unique in-order assignment of each tangle of contested bank lines (see the module's note)."""
    out: dict[int, Fit] = {}
    for comp in _tangles(pending):
        dates = [bank_day[b] for b in comp]
        if len(comp) > MAX_TOGETHER or len(set(dates)) < len(dates) or truncated & set(comp):
            continue
        order = sorted(comp, key=lambda b: bank_day[b])
        found: list[list[Fit]] = []

        def walk(i: int, used: frozenset, last: int, chosen: list[Fit]) -> None:
            if len(found) > 1:
                return
            if i == len(order):
                found.append(chosen)
                return
            for f in pending[order[i]]:
                end = day_of(f.days[-1])
                if end > last and used.isdisjoint(f.days):
                    walk(i + 1, used | set(f.days), end, chosen + [f])

        walk(0, frozenset(), -(1 << 62), [])
        if len(found) == 1:
            out.update(zip(order, found[0]))
    return out


def _tangles(pending: dict[int, list[Fit]]) -> list[list[int]]:
    """Bank lines grouped by the days their fits share (connected components)."""
    owner: dict[int, int] = {}
    parent = {b: b for b in pending}

    def root(b):
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for b, fl in pending.items():
        for d in {d for f in fl for d in f.days}:
            if d in owner:
                parent[root(b)] = root(owner[d])
            else:
                owner[d] = b
    comps: dict[int, list[int]] = {}
    for b in pending:
        comps.setdefault(root(b), []).append(b)
    return [sorted(c) for c in comps.values() if len(c) > 1]
