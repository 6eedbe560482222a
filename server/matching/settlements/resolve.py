"""The uniqueness guard of settlements: a bank line is settled only by its single fitting run of days, and only
when no other bank line could take any of those days; what stays contested goes to review.

Decided in rounds, as the 1:1 guard does: once a bank line takes its days, every other bank line's fits that
use one of them are gone, which may leave another bank line with a single fit.
"""
from __future__ import annotations

from collections import Counter

from .search import MAX_SOLUTIONS, Fit


def resolve(fits: dict[int, list[Fit]]) -> tuple[dict[int, Fit], dict[int, list[Fit]]]:
    """(accepted: bank position -> its fit, contested: bank position -> its fits)."""
    truncated = {b for b, fl in fits.items() if len(fl) > MAX_SOLUTIONS}  # more fits than were listed
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
    return accepted, pending
