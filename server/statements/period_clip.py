"""A statement cut to one reconciliation's period. A reconciliation is of one account and one period, so a
statement belongs to it only with the lines of that period: a download of 15 March - 15 April taken into
April's reconciliation brings April's lines, and its balances become the balances at April's start and end
(derived from the bank's own figures and the lines between: no balance is invented). A statement with no line
in the period belongs to another reconciliation and is refused by the caller."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from ..records import BankLine, Statement


@dataclass(frozen=True)
class Clipped:
    """The statement as the period sees it, and the lines left out because they are dated outside it."""

    statement: Statement
    left_out: tuple[BankLine, ...]

    @property
    def outside_only(self) -> bool:
        """Every line is outside the period (a statement of another period)."""
        return bool(self.left_out) and not self.statement.lines


def _sum(lines) -> Decimal:
    return sum((ln.amount for ln in lines if not ln.pending), Decimal(0))


def clip(st: Statement, start: dt.date, end: dt.date) -> Clipped:
    """The statement with only the lines dated start..end; its opening balance moved forward over the lines
    before `start`, its closing balance back over the lines after `end` (each only when the file states it: a
    balance the file does not state stays unknown, for the preparer to enter from the printed statement)."""
    before = tuple(ln for ln in st.lines if ln.date < start)
    after = tuple(ln for ln in st.lines if ln.date > end)
    if not before and not after:
        return Clipped(st, ())
    inside = tuple(ln for ln in st.lines if start <= ln.date <= end)
    opening = st.opening_balance + _sum(before) if st.opening_balance is not None else None
    closing = st.closing_balance - _sum(after) if st.closing_balance is not None else None
    first = max(st.period_start, start) if st.period_start else start
    last = min(st.period_end, end) if st.period_end else end
    cut = replace(st, lines=inside, opening_balance=opening, closing_balance=closing,
                  period_start=first, period_end=last)
    return Clipped(cut, before + after)


def describe(left_out: tuple[BankLine, ...], period: str, start: dt.date, end: dt.date) -> str:
    """The message a preparer reads: how many lines, of which dates, and why."""
    days = sorted(ln.date for ln in left_out)
    return (f"{len(left_out)} line{'s' if len(left_out) != 1 else ''} dated {days[0]} .. {days[-1]} "
            f"{'are' if len(left_out) != 1 else 'is'} outside the period {period} ({start} .. {end}) and "
            f"{'were' if len(left_out) != 1 else 'was'} left out: import the file into the reconciliation of "
            "that period for them")
