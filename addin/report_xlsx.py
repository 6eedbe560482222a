"""The reviewer's report as an .xlsx workbook (for reviewers who annotate or filter it): the head, the
standing and the figures on `Report`, the sign-off block, then one Excel Table per sheet for the review
checks, the open items by age (with a chart), the match rate by rule (with a chart), the statements' balances
and sources, the findings with their acknowledgements, the workflow history, the open items and the matches
by rule. Same rows as the PDF (report_content, sheets); money in the currency's decimals, rates as percent
numbers, times as Excel date-times (UTC); every sheet prints one page wide."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from ..excel_templates.reconciliation_workbook import SHEETS
from ..excel_templates.sheet_writer import PERCENT_FORMAT, Column, money_format, set_value, write_table
from ..server.currencies import decimals
from . import report_content as content
from . import sheets
from .handlers.state import State
from .report_sources import ReportExtras

SIGNOFF_COLUMNS = (Column("when (UTC)", "datetime", 18), Column("who", width=16), Column("action", width=18),
                   Column("status", width=16), Column("comment", width=60))
BLOCK_COLUMNS = (Column("role", width=16), Column("name", width=16), Column("date (UTC)", "datetime", 18),
                 Column("comment", width=50), Column("signature", width=30))
CHECK_COLUMNS = (Column("check", width=40), Column("status", width=10), Column("detail", width=70),
                 Column("lines", width=50))
AGED_COLUMNS = (Column("age (days)", width=12), Column("bank items", "int", 11), Column("bank amount", "money", 16),
                Column("GL items", "int", 11), Column("GL amount", "money", 16))
RATE_COLUMNS = (Column("rule", width=40), Column("share of lines", "percent", 14))
STATEMENT_COLUMNS = (Column("statement", "int", 10), Column("file", width=30), Column("period", width=24),
                     Column("opening_balance", "money", 16), Column("opening_from", width=40),
                     Column("closing_balance", "money", 16), Column("closing_from", width=40))
FINDING_COLUMNS = (Column("finding", "int", 9), Column("statement", width=16), Column("code", width=22),
                   Column("message", width=80), Column("acknowledged_by", width=16),
                   Column("acknowledged_at", width=20), Column("comment", width=60))
RULE_COLUMNS = (Column("rule", width=36), Column("kind", width=10), Column("matches", "int", 10),
                Column("bank_lines", "int", 11), Column("gl_lines", "int", 10), Column("value", "money", 16))
CHECK_FILLS = {"pass": "C6EFCE", "fail": "FFC7CE", "attention": "FFEB9C"}


def _stamp(text: str) -> dt.datetime | None:
    """'2026-11-22 03:40:00 UTC' (report_content's form) as a naive UTC datetime for an Excel cell."""
    return dt.datetime.fromisoformat(text.removesuffix(" UTC")) if text else None


def _currency(ws, columns, first_row: int, n: int, places: int) -> None:
    """Money columns in the currency's decimals (write_table sets two)."""
    fmt = money_format(places)
    for c, col in enumerate(columns, start=1):
        if col.kind == "money":
            for row in range(first_row + 1, first_row + 1 + n):
                ws.cell(row=row, column=c).number_format = fmt


def _bar_chart(ws, title: str, first_row: int, n: int, series: tuple[int, ...], anchor: str, horizontal=False):
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title, chart.height, chart.width = title, 7.5, 16
    for col in series:
        chart.add_data(Reference(ws, min_col=col, min_row=first_row, max_row=first_row + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_row + 1, max_row=first_row + n))
    ws.add_chart(chart, anchor)


def _head(ws, state: State, standing: content.Standing, footer: str) -> int:
    """The head facts on `Report`; the status as the standing in its colour, the match rate a number."""
    head = sheets.summary_cells(state)
    ws["A1"] = f"{head['A1']} report"
    ws["A1"].font = Font(bold=True, size=14)
    row = 2
    for label, ref in sheets.SUMMARY_CELLS.items():
        if label == "Review comment":
            continue
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        if label == "Status":
            set_value(ws, row, 2, standing.text).fill = PatternFill("solid", fgColor=standing.colour)
        elif label == "Match rate":
            set_value(ws, row, 2, sheets.match_rate(state), "percent").number_format = PERCENT_FORMAT
        else:
            set_value(ws, row, 2, head[ref])
        row += 1
    ws.cell(row=row, column=1, value="Generated").font = Font(bold=True)
    set_value(ws, row, 2, footer)
    return row + 2


def write_xlsx_report(state: State, path: Path, workbook_name: str, generated: dt.datetime | None = None,
                      extras: ReportExtras | None = None) -> Path:
    generated = generated or dt.datetime.now().astimezone()
    extras = extras or ReportExtras()
    places = decimals(state.account["currency"])
    standing = content.standing(state, extras.checks)
    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    first = _head(ws, state, standing, content.footer_text(state, workbook_name, generated))
    table, cols = SHEETS["Summary"]
    rows = sheets.summary_rows(state)
    write_table(ws, table, cols, rows, first_row=first)
    _currency(ws, cols, first, len(rows), places)

    block = [(role, who, _stamp(when), comment, "") for role, who, when, comment in content.signoff_block(state)]
    sign = wb.create_sheet("Sign-off")
    write_table(sign, "tblSignoff", BLOCK_COLUMNS, block)
    sign.cell(row=len(block) + 3, column=1, value="Data hash").font = Font(bold=True)
    sign.cell(row=len(block) + 3, column=2, value=state.rec.get("submitted_hash") or "not submitted")

    checks = wb.create_sheet("Review checks")
    if extras.checks.available:
        write_table(checks, "tblChecks", CHECK_COLUMNS, [(c.title or c.id, c.status, c.detail, ", ".join(c.lines))
                                                         for c in extras.checks.checks])
        for row, c in enumerate(extras.checks.checks, start=2):
            checks.cell(row=row, column=2).fill = PatternFill("solid", fgColor=CHECK_FILLS[c.status])
    else:
        checks["A1"] = "Review checks not available: this server does not compute them (its review route answered 404)."

    aged = wb.create_sheet("Open items by age")
    aged_rows = content.aged_rows(state)
    write_table(aged, "tblAged", AGED_COLUMNS, aged_rows)
    _currency(aged, AGED_COLUMNS, 1, len(aged_rows), places)
    _bar_chart(aged, "Open items by age (days)", 1, len(aged_rows), (2, 4), "G2")

    rates = content.rule_rates(state)
    rate = wb.create_sheet("Match rate by rule")
    write_table(rate, "tblMatchRates", RATE_COLUMNS, rates)
    if rates:
        _bar_chart(rate, "Match rate by rule", 1, len(rates), (2,), "D2", horizontal=True)

    statements = content.statement_balance_rows(state)
    write_table(wb.create_sheet("Statements"), "tblStatements", STATEMENT_COLUMNS, statements)
    _currency(wb["Statements"], STATEMENT_COLUMNS, 1, len(statements), places)
    write_table(wb.create_sheet("Findings"), "tblFindings", FINDING_COLUMNS, content.finding_rows(state))
    history = [(_stamp(when), *rest) for when, *rest in content.signoff_rows(state)]
    write_table(wb.create_sheet("Sign-offs"), "tblSignoffs", SIGNOFF_COLUMNS, history)
    table, cols = SHEETS["Unmatched"]
    items = sheets.unmatched_rows(state)
    write_table(wb.create_sheet("Open items"), "tblOpenItems", cols, items)
    _currency(wb["Open items"], cols, 1, len(items), places)
    rules = content.rule_rows(state)
    write_table(wb.create_sheet("Matches by rule"), "tblMatchRules", RULE_COLUMNS, rules)
    _currency(wb["Matches by rule"], RULE_COLUMNS, 1, len(rules), places)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
