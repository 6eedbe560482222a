"""A PDF statement checked against itself: every printed running balance, the closing balance and the printed
totals must follow from the lines read. Text extraction can drop, merge or misplace a figure without any error,
and banks misprint: each disagreement becomes a Finding naming the page, line and figures (the import policy:
a statement whose own figures disagree is imported, and the preparer sees why), never a silent difference.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...records import Finding
from .fields import Fields, Printed
from .rows import Row


@dataclass(frozen=True)
class Balances:
    opening: Decimal | None  # as printed, else derived from the first printed running balance
    closing: Decimal | None  # as printed, else the last printed running balance
    findings: tuple[Finding, ...]
    held: int  # printed figures (running balances, closing balance) the lines agree with


def _n(v: Decimal) -> str:
    return f"{v:,.2f}" if v == v.quantize(Decimal("0.01")) else f"{v:,}"


def check_balances(rows: tuple[Row, ...], fields: Fields, statement: str = "") -> Balances:
    """Walk the rows adding amounts; every printed balance should equal the walk, which then restarts from it."""
    findings, held = [], 0
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
            at = f"page {row.page} line {row.balance_line}"
            findings.append(Finding(
                "running_balance",
                f"{at}: the statement prints the balance {_n(row.balance)} here, but the previous balance "
                f"{_n(running - delta)} ({last_at}) plus {_n(delta)} from {len(since)} line(s) gives "
                f"{_n(running)} (difference {_n(row.balance - running)})", statement,
                (("where", at), ("printed_balance", str(row.balance)), ("computed_balance", str(running)),
                 ("difference", str(row.balance - running)))))
        else:
            held += 1
        running, last_at, since = row.balance, f"page {row.page} line {row.balance_line}", []
    # Without a printed closing balance, the last running balance is the closing one if no line follows it.
    printed_last = rows and not since and any(r.balance is not None for r in rows)
    closing = fields.closing.value if fields.closing else running if printed_last else None
    if fields.closing and running is not None:
        if running != fields.closing.value:
            diff = fields.closing.value - running
            findings.append(Finding(
                "balance_mismatch",
                f"{fields.closing.where}: the lines end at the balance {_n(running)}, but the statement's closing "
                f"balance is {_n(fields.closing.value)} (difference {_n(diff)})", statement,
                (("where", fields.closing.where), ("closing_balance", str(fields.closing.value)),
                 ("computed_balance", str(running)), ("difference", str(diff)))))
        else:
            held += 1
    return Balances(opening if opening is not None else derived_opening, closing, tuple(findings), held)


def _total_findings(noun: str, printed: Printed, lines: list[Decimal], statement: str) -> tuple[list, int]:
    """noun: "credit" or "debit". (findings, checks held)."""
    total = sum(lines, Decimal(0))
    out, held = [], 0
    if printed.value != total:
        diff = printed.value - total
        out.append(Finding(
            "printed_total",
            f"{printed.where}: the statement prints total {noun}s of {_n(printed.value)}, but the {len(lines)} "
            f"{noun} lines read add up to {_n(total)} (difference {_n(diff)})", statement,
            (("where", printed.where), (f"printed_total_{noun}s", str(printed.value)),
             (f"lines_total_{noun}s", str(total)), ("difference", str(diff)))))
    else:
        held += 1
    if printed.count is not None and printed.count != len(lines):
        out.append(Finding(
            "record_count",
            f"{printed.where}: the statement counts {printed.count} {noun}s, but {len(lines)} {noun} lines "
            "were read", statement,
            (("where", printed.where), (f"printed_{noun}s", str(printed.count)), (f"lines_{noun}s", str(len(lines))),
             ("difference", str(printed.count - len(lines))))))
    return out, held


def check_totals(rows: tuple[Row, ...], fields: Fields, statement: str = "") -> tuple[tuple[Finding, ...], int]:
    """Printed total credits / debits (and their counts) against the lines read: (findings, checks held)."""
    amounts = [r.amount for r in rows if r.kind == "txn"]
    findings, held = [], 0
    for noun, printed, lines in (("credit", fields.total_credits, [a for a in amounts if a > 0]),
                                 ("debit", fields.total_debits, [-a for a in amounts if a < 0])):
        if printed:
            f, h = _total_findings(noun, printed, lines, statement)
            findings += f
            held += h
    return tuple(findings), held
