"""The reviewer's report as an .xlsx workbook (for reviewers who annotate or filter it): the head and the
figures on `Report`, then one Excel Table per sheet for the statements' balances and sources, the findings with
their acknowledgements, the sign-offs, the open items and the matches by rule.
Same rows as the PDF (report_content, sheets)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..excel_templates.reconciliation_workbook import SHEETS
from ..excel_templates.sheet_writer import Column, set_value, write_table
from . import report_content as content
from . import sheets
from .handlers.state import State

SIGNOFF_COLUMNS = (Column("when", width=22), Column("who", width=16), Column("action", width=18),
                   Column("status", width=16), Column("comment", width=60))
STATEMENT_COLUMNS = (Column("statement", "int", 10), Column("file", width=30), Column("period", width=24),
                     Column("opening_balance", "money", 16), Column("opening_from", width=40),
                     Column("closing_balance", "money", 16), Column("closing_from", width=40))
FINDING_COLUMNS = (Column("finding", "int", 9), Column("statement", width=16), Column("code", width=22),
                   Column("message", width=80), Column("acknowledged_by", width=16),
                   Column("acknowledged_at", width=20), Column("comment", width=60))
RULE_COLUMNS = (Column("rule", width=36), Column("kind", width=10), Column("matches", "int", 10),
                Column("bank_lines", "int", 11), Column("gl_lines", "int", 10), Column("value", "money", 16))


def write_xlsx_report(state: State, path: Path, workbook_name: str, generated: dt.datetime | None = None) -> Path:
    generated = generated or dt.datetime.now().astimezone()
    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    ws["A1"] = "Bank reconciliation report"
    ws["A1"].font = Font(bold=True, size=14)
    head = sheets.summary_cells(state)
    row = 2
    for label, ref in sheets.SUMMARY_CELLS.items():
        if label == "Review comment":
            continue
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        set_value(ws, row, 2, head[ref])
        row += 1
    ws.cell(row=row, column=1, value="Generated").font = Font(bold=True)
    set_value(ws, row, 2, content.footer_text(state, workbook_name, generated))
    table, cols = SHEETS["Summary"]
    write_table(ws, table, cols, sheets.summary_rows(state), first_row=row + 2)

    write_table(wb.create_sheet("Statements"), "tblStatements", STATEMENT_COLUMNS,
                content.statement_balance_rows(state))
    write_table(wb.create_sheet("Findings"), "tblFindings", FINDING_COLUMNS, content.finding_rows(state))
    write_table(wb.create_sheet("Sign-offs"), "tblSignoffs", SIGNOFF_COLUMNS, content.signoff_rows(state))
    table, cols = SHEETS["Unmatched"]
    write_table(wb.create_sheet("Open items"), "tblOpenItems", cols, sheets.unmatched_rows(state))
    write_table(wb.create_sheet("Matches by rule"), "tblMatchRules", RULE_COLUMNS, content.rule_rows(state))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
