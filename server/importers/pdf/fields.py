"""The statement's own figures, found by the layout's patterns anywhere in its text: account, currency, period,
opening and closing balances, and the printed totals (with their counts when printed) the lines must add up to.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...errors import BankFileError, Problem
from ...parsing import AmountError, DateError
from .layout import Layout
from .table import TextLine
from .values import read_marked, read_period, signed


@dataclass(frozen=True)
class Printed:
    """A figure the statement prints outside its table, and where."""

    value: Decimal
    where: str  # "page 1 line 20"
    count: int | None = None  # "Total Credits (12)": the number of lines the total covers


@dataclass(frozen=True)
class Fields:
    account: str | None = None
    currency: str | None = None
    statement_id: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    opening: Printed | None = None
    closing: Printed | None = None
    total_credits: Printed | None = None
    total_debits: Printed | None = None


def _first_match(pages: list[tuple[TextLine, ...]], pattern):
    for lines in pages:
        for line in lines:
            m = pattern.search(line.text)
            if m:
                return m, f"page {line.page} line {line.number}"
    return None, None


def read_fields(pages: list[tuple[TextLine, ...]], layout: Layout, path: Path) -> Fields:
    """Every field the layout has a pattern for; BankFileError when a field is found but cannot be read."""
    values: dict = {}
    problems: list[Problem] = []
    for key, pattern in layout.patterns.items():
        m, where = _first_match(pages, pattern)
        if m is None:
            continue
        try:
            if key == "period":
                values[key] = read_period(m.group("start"), m.group("end"), layout.period_formats)
            elif key in ("opening_balance", "closing_balance"):
                values[key] = Printed(signed(m.group("value"), layout.decimal, layout.signs["balance"]), where)
            elif key in ("total_credits", "total_debits"):
                count = m.groupdict().get("count")
                magnitude, _ = read_marked(m.group("value"), layout.decimal)  # totals may print a sign or not
                values[key] = Printed(magnitude, where, int(count) if count else None)
            else:  # a text field: its value groups (value, value2, ...) joined, e.g. sort code + account
                parts = [m.group(g) for g in sorted(m.re.groupindex) if g.startswith("value") and m.group(g)]
                values[key] = " ".join(p.strip() for p in parts)
        except (AmountError, DateError, ValueError, ArithmeticError) as exc:  # e.g. a period in year 1
            problems.append(Problem(f"cannot read the {key.replace('_', ' ')}: {exc}", record=where, field=key))
    if problems:
        raise BankFileError(path, problems)
    return Fields(account=values.get("account"), currency=(values.get("currency_code") or "").upper() or None,
                  statement_id=values.get("statement_id"), period=values.get("period"),
                  opening=values.get("opening_balance"), closing=values.get("closing_balance"),
                  total_credits=values.get("total_credits"), total_debits=values.get("total_debits"))
