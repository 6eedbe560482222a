"""Workspace.xlsx: `Workspace` (one row per account: status in its workflow colour, people, difference,
open items by age, escalations, findings, freshness) and `Exceptions` (what needs attention, each row saying
what to do), both Excel Tables to filter and sort, both printing one page wide. A snapshot for people:
values only, no formulas (text from users stays text)."""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ...excel_templates.sheet_writer import STATUS_COLOURS, Column, money_format, write_table
from ...server.currencies import decimals
from ...server.workspace.aging import LABELS
from .records import Workspace

FIRST_ROW = 6  # the tables' header row, under the title block
LINE_HEIGHT = 15  # points per line of 11-point text
CHAR_WIDTH = 1.1  # column-width units a character of running text takes, on average
ACCOUNT_COLUMNS = (Column("legal entity", width=18), Column("account", width=20), Column("type", width=6),
                   Column("currency", width=9), Column("status", width=15), Column("preparer", width=10),
                   Column("reviewer", width=10), Column("difference", "money", 13),
                   Column("open items", "int", 8), *(Column(f"{label} days", "int", 8) for label in LABELS),
                   Column("escalate", "int", 8), Column("findings open", "int", 8),
                   Column("last updated (UTC)", "datetime", 16), Column("next run (UTC)", "datetime", 16),
                   Column("freshness", width=44), Column("reconciliation", "int", 13))
EXCEPTION_COLUMNS = (Column("severity", width=9), Column("legal entity", width=16), Column("account", width=18),
                     Column("item", width=18), Column("age (days)", "int", 7), Column("owner", width=10),
                     Column("status", width=15), Column("issue", width=36), Column("what to do", width=60),
                     Column("reconciliation", "int", 13))
SEVERITY_COLOURS = {"high": "FFC7CE", "medium": "FFEB9C"}
NO_ENTITY = "(not set)"  # filterable, unlike a blank cell
ALERT = "F8CBAD"  # an escalation count or a difference that is not zero


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def account_rows(ws: Workspace) -> list[tuple]:
    """One row per account; an account without a reconciliation has no counts (blank, not 0)."""
    out = []
    for a in ws.accounts:
        counts = (a.open_items, *a.aging, a.escalations, a.findings_open) if a.reconciliation_id else (None,) * 7
        out.append((a.legal_entity or NO_ENTITY, a.account, a.account_type, a.currency, a.status, a.preparer,
                    a.reviewer, a.difference, *counts, a.last_updated_at, a.next_run_at, a.freshness,
                    a.reconciliation_id))
    return out


def exception_rows(ws: Workspace) -> list[tuple]:
    return [(e.severity, e.legal_entity or NO_ENTITY, e.account, e.item, e.age_days, e.owner, e.status, e.issue,
             e.action, e.reconciliation_id) for e in ws.exceptions]


def _title(sheet, text: str, ws: Workspace, summary: str) -> None:
    """Four lines of text over the table, each in column A and running over the empty cells to its right."""
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Period {ws.period} ({ws.start.isoformat()} to {ws.end.isoformat()})"
    sheet["A3"] = f"Generated {ws.generated_at:%Y-%m-%d %H:%M} UTC"
    sheet["A4"] = summary


def _heights(sheet, columns, n: int) -> None:
    """Row heights for wrapped text (Excel grows a row to its text; LibreOffice and print need it set): the
    header's two lines, and each body row as many lines as its longest wrapped cell needs."""
    sheet.row_dimensions[FIRST_ROW].height = 2 * LINE_HEIGHT
    for c in range(1, len(columns) + 1):
        sheet.cell(row=FIRST_ROW, column=c).alignment = Alignment(wrap_text=True, vertical="center")
    for row in range(FIRST_ROW + 1, FIRST_ROW + 1 + n):
        lines = 1
        for i, col in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=i)
            wrap = col.kind == "text"
            if wrap:
                lines = max(lines, math.ceil(len(str(cell.value or "")) * CHAR_WIDTH / col.width) or 1)
            cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT


def _column(name: str, columns) -> int:
    return next(i for i, c in enumerate(columns, start=1) if c.header == name)


def _colour_accounts(sheet, ws: Workspace) -> None:
    status, diff = _column("status", ACCOUNT_COLUMNS), _column("difference", ACCOUNT_COLUMNS)
    escalate = _column("escalate", ACCOUNT_COLUMNS)
    for row, a in enumerate(ws.accounts, start=FIRST_ROW + 1):
        sheet.cell(row=row, column=status).fill = _fill(STATUS_COLOURS.get(a.status, "FFFFFF"))
        sheet.cell(row=row, column=diff).number_format = money_format(decimals(a.currency))
        if a.difference is not None and a.difference != 0:
            sheet.cell(row=row, column=diff).fill = _fill(ALERT)
        if a.escalations:
            sheet.cell(row=row, column=escalate).fill = _fill(ALERT)


def _colour_exceptions(sheet, ws: Workspace) -> None:
    for row, e in enumerate(ws.exceptions, start=FIRST_ROW + 1):
        if e.severity in SEVERITY_COLOURS:
            sheet.cell(row=row, column=1).fill = _fill(SEVERITY_COLOURS[e.severity])


def write_workspace(ws: Workspace, path: Path) -> Path:
    wb = Workbook()
    accounts = wb.active
    accounts.title = "Workspace"
    approved = sum(1 for a in ws.accounts if a.status == "Approved")
    high = sum(1 for e in ws.exceptions if e.severity == "high")
    _title(accounts, f"Workspace: {len(ws.accounts)} accounts, {ws.period}", ws,
           f"{approved} of {len(ws.accounts)} approved; {len(ws.exceptions)} exceptions ({high} high) on the "
           "Exceptions sheet")
    write_table(accounts, "tblWorkspace", ACCOUNT_COLUMNS, account_rows(ws), first_row=FIRST_ROW)
    _heights(accounts, ACCOUNT_COLUMNS, len(ws.accounts))
    _colour_accounts(accounts, ws)
    exceptions = wb.create_sheet("Exceptions")
    _title(exceptions, f"Exceptions: {len(ws.exceptions)} across {len(ws.accounts)} accounts, {ws.period}", ws,
           "Most severe first; filter by entity, account or severity with the header's buttons")
    write_table(exceptions, "tblExceptions", EXCEPTION_COLUMNS, exception_rows(ws), first_row=FIRST_ROW)
    _heights(exceptions, EXCEPTION_COLUMNS, len(ws.exceptions))
    _colour_exceptions(exceptions, ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
