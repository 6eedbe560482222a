"""One layout's reading of a PDF statement: its fields and rows read, checked against its printed balances and
totals. The same reading serves a built-in or user layout and every candidate layout the inference weighs, so a
layout found by inference is judged exactly as the statement will be imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import BankFileError, Problem
from ...records import BankLine, Statement
from ..base import ImportOptions
from .checks import check_balances, check_totals
from .fields import read_fields
from .layout import Layout
from .rows import read_rows
from .table import TextLine
from .values import DateReader


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")


@dataclass(frozen=True)
class Reading:
    """One layout's reading of a statement: the statement with its findings, or the problems that make the layout
    unusable for this PDF; `held` counts the printed figures (balances, totals) the lines agree with."""

    layout: Layout
    statement: Statement | None
    problems: tuple[Problem, ...]
    held: int = 0
    checks: int = 0  # printed figures compared with the lines (held + findings about them)


def read_statement(pages: list[tuple[TextLine, ...]], layout: Layout, path: Path, options: ImportOptions) -> Reading:
    """The statement as `layout` reads it. Figures that disagree become findings; unreadable rows are problems."""
    try:
        fields = read_fields(pages, layout, path)
    except BankFileError as exc:
        return Reading(layout, None, tuple(exc.problems))
    if layout.yearless and fields.period is None:
        return Reading(layout, None, (Problem(f"the statement period was not found (layout {layout.name}), and "
                                             "its dates print no year", field="period"),))
    table = read_rows(pages, layout, DateReader(layout.date_formats, fields.period))
    if table.problems:
        return Reading(layout, None, table.problems)
    if not table.pages_with_table and not _no_activity(fields):
        labels = ", ".join(c.label for c in layout.columns)
        return Reading(layout, None, (Problem(f"no transaction table found on any of the {len(pages)} pages "
                                              f"(layout {layout.name} looks for a header line with {labels})"),))
    statement_id = _statement_id(path, layout, fields, table.rows, options)
    balances = check_balances(table.rows, fields, statement_id)
    totals, held = check_totals(table.rows, fields, statement_id)
    findings = balances.findings + totals
    st = _statement(statement_id, layout, fields, table.rows, balances, findings, options)
    return Reading(layout, st, (), balances.held + held, balances.held + held + len(findings))


def _no_activity(fields) -> bool:
    """A statement without a table is one without activity only when its balances say so: equal, or just one."""
    if fields.opening and fields.closing:
        return fields.opening.value == fields.closing.value
    return bool(fields.opening or fields.closing)


def _statement_id(path: Path, layout: Layout, fields, rows, options: ImportOptions) -> str:
    account = fields.account or options.account or ""
    txns = [r for r in rows if r.kind == "txn"]
    end = fields.period[1] if fields.period else (txns[-1].date if txns else None)  # names the statement only
    return fields.statement_id or "-".join(
        x for x in (_slug(account) or _slug(path.stem), end.strftime("%Y%m%d") if end else "") if x)


def _statement(statement_id, layout, fields, rows, balances, findings, options) -> Statement:
    account = fields.account or options.account or ""
    currency = fields.currency or options.currency or layout.currency or ""
    period = fields.period
    lines = tuple(
        BankLine(f"{statement_id}-{i:04d}", r.date, r.amount, currency, r.reference, r.description, r.type,
                 r.check_number)
        for i, r in enumerate((r for r in rows if r.kind == "txn"), start=1))
    return Statement(account, currency, balances.opening, balances.closing, lines,
                     period[0] if period else None, period[1] if period else None, statement_id,
                     findings=findings)


def warnings(layout: Layout, st: Statement) -> list[str]:
    """What the user should know about how far the lines could be checked."""
    out = []
    missing = [name for name, value in (("opening", st.opening_balance), ("closing", st.closing_balance))
               if value is None]
    if missing:
        out.append(f"the statement prints no {' or '.join(missing)} balance that Tieout could find: "
                   "its lines were not checked against it")
    if not layout.has_balance and not ({"total_credits", "total_debits"} & set(layout.patterns)):
        out.append("the statement has no running balance or totals: only its opening and closing balances "
                   "check the lines")
    return out
