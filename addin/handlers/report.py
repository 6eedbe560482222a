"""Review group: Report. Writes the reviewer's report as an .xlsx workbook next to the reconciliation
workbook (there is no PDF report writer in the project yet; `tieout report` is the place for one): the
balances and the difference, the sign-offs with the submitted data's hash, the open items with their age and
notes, and the matches by rule."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ...excel_templates.reconciliation_workbook import SHEETS
from ...excel_templates.sheet_writer import Column, set_value, write_table
from .. import sheets
from .common import current_state
from .context import ActionError, Context
from .registry import handler
from .state import State

SIGNOFF_COLUMNS = (Column("when", width=22), Column("who", width=16), Column("action", width=18),
                   Column("status", width=16), Column("comment", width=60))
RULE_COLUMNS = (Column("rule", width=36), Column("kind", width=10), Column("matches", "int", 10),
                Column("bank_lines", "int", 11), Column("gl_lines", "int", 10))


def write_report(state: State, path: Path) -> Path:
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
    set_value(ws, row, 2, dt.datetime.now().isoformat(timespec="seconds"))
    table, cols = SHEETS["Summary"]
    write_table(ws, table, cols, sheets.summary_rows(state), first_row=row + 2)

    signoffs = wb.create_sheet("Sign-offs")
    write_table(signoffs, "tblSignoffs", SIGNOFF_COLUMNS, (
        (a["at"], a["actor"], a["action"].removeprefix("workflow."), (a.get("after") or {}).get("status", ""),
         (a.get("after") or {}).get("comment", "")) for a in state.audit if a["action"].startswith("workflow.")))
    items = wb.create_sheet("Open items")
    table, cols = SHEETS["Unmatched"]
    write_table(items, "tblOpenItems", cols, sheets.unmatched_rows(state))
    rules = wb.create_sheet("Matches by rule")
    counts: Counter = Counter()
    for m in state.matches:
        counts[(m.rule, m.kind)] += 1
    write_table(rules, "tblMatchRules", RULE_COLUMNS, (
        (rule, kind, n, sum(len(m.bank) for m in state.matches if (m.rule, m.kind) == (rule, kind)),
         sum(len(m.ledger) for m in state.matches if (m.rule, m.kind) == (rule, kind)))
        for (rule, kind), n in sorted(counts.items())))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@handler("report", options=("out",))
def report(ctx: Context) -> None:
    """Write the reviewer's report (.xlsx) next to the workbook."""
    state = current_state(ctx)
    if ctx.arg("out"):
        path = Path(ctx.arg("out")).expanduser()
    elif ctx.book.path is not None:
        path = ctx.book.path.with_name(f"{ctx.book.path.stem}-report.xlsx")
    else:
        raise ActionError("The workbook was never saved, so there is no folder for the report.",
                          "Save the workbook, then press Report again.")
    if path.suffix.lower() != ".xlsx":
        raise ActionError(f"{path.name}: the add-in writes the report as .xlsx.", "Name the report *.xlsx.")
    try:
        write_report(state, path)
    except OSError as exc:
        raise ActionError(f"Cannot write {path}: {exc.strerror}.", "Close the report if it is open in Excel, "
                                                                   "then press Report again.") from None
    ctx.say(f"Wrote the report {path} (status {state.status}, {len(sheets.unmatched_rows(state))} open items).")
