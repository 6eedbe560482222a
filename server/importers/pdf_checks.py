"""A PDF statement checked against itself: every printed running balance, the closing balance and the printed
totals must follow from the lines read. Text extraction can drop, merge or misplace a figure without any error;
these checks turn that into a message naming the page, line and figures instead of a wrong reconciliation.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import Problem
from .pdf_fields import Fields, Printed
from .pdf_rows import Row


@dataclass(frozen=True)
class Balances:
    opening: Decimal | None  # as printed, else derived from the first printed running balance
    closing: Decimal | None  # as printed, else the last printed running balance
    problems: tuple[Problem, ...]


def _n(v: Decimal) -> str:
    return f"{v:,.2f}" if v == v.quantize(Decimal("0.01")) else f"{v:,}"


def check_balances(rows: tuple[Row, ...], fields: Fields) -> Balances:
    """Walk the rows adding amounts; every printed balance must equal the walk, which then restarts from it."""
    problems = []
    opening = fields.opening.value if fields.opening else None
    running, last_at, since, moved = opening, fields.opening.where if fields.opening else None, [], Decimal(0)
    derived_opening = None
    for row in rows:
        if row.kind == "txn":
            moved += row.amount
            since.append(row.amount)
            if running is not None:
                running += row.amount
        if row.balance is None:
            continue
        if running is None:
            derived_opening = row.balance - moved
        elif running != row.balance:
            delta = sum(since, Decimal(0))
            problems.append(Problem(
                f"the statement prints the balance {_n(row.balance)} here, but the previous balance "
                f"{_n(running - delta)} ({last_at}) plus {_n(delta)} from {len(since)} line(s) gives "
                f"{_n(running)} (difference {_n(row.balance - running)})",
                record=f"page {row.page} line {row.balance_line}", field="balance"))
        running, last_at, since = row.balance, f"page {row.page} line {row.balance_line}", []
    # Without a printed closing balance, the last running balance is the closing one if no line follows it.
    printed_last = rows and not since and any(r.balance is not None for r in rows)
    closing = fields.closing.value if fields.closing else running if printed_last else None
    if fields.closing and running is not None and running != fields.closing.value:
        problems.append(Problem(
            f"the lines end at the balance {_n(running)}, but the statement's closing balance is "
            f"{_n(fields.closing.value)} (difference {_n(fields.closing.value - running)})",
            record=fields.closing.where, field="closing balance"))
    return Balances(opening if opening is not None else derived_opening, closing, tuple(problems))


def _total_problem(noun: str, printed: Printed, lines: list[Decimal]) -> list[Problem]:
    """noun: "credit" or "debit"."""
    total = sum(lines, Decimal(0))
    out = []
    if printed.value != total:
        out.append(Problem(f"the statement prints total {noun}s of {_n(printed.value)}, but the {len(lines)} "
                           f"{noun} lines read add up to {_n(total)} (difference {_n(printed.value - total)})",
                           record=printed.where, field=f"total {noun}s"))
    if printed.count is not None and printed.count != len(lines):
        out.append(Problem(f"the statement counts {printed.count} {noun}s, but {len(lines)} {noun} lines were read",
                           record=printed.where, field=f"total {noun}s"))
    return out


def check_totals(rows: tuple[Row, ...], fields: Fields) -> tuple[Problem, ...]:
    """Printed total credits / debits (and their counts) against the lines read."""
    amounts = [r.amount for r in rows if r.kind == "txn"]
    problems = []
    if fields.total_credits:
        problems += _total_problem("credit", fields.total_credits, [a for a in amounts if a > 0])
    if fields.total_debits:
        problems += _total_problem("debit", fields.total_debits, [-a for a in amounts if a < 0])
    return tuple(problems)
