"""The reconciliation workbook: the nine sheets of DESIGN.md, each an Excel Table, written from the engine's
records. The sheets' columns are data (SHEETS) so the add-in's readers and this writer share one layout."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..server.reconciliation import Figures
from ..server.records import GLBalance, LedgerLine, MatchGroup, ProposedTransaction, Statement
from .sheet_writer import STATUS_COLOURS, Column, set_value, write_table

SHEET_NAMES = ("Summary", "Bank Statement", "GL Lines", "Matched", "Unmatched", "New Transactions", "Rules",
               "Audit", "Review")

SHEETS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "Summary": ("tblSummary", (Column("Figure", width=44), Column("Amount", "money", 18),
                               Column("Note", width=60))),
    "Bank Statement": ("tblBank", (
        Column("line_id", width=12), Column("date", "date", 12), Column("amount", "money", 14),
        Column("currency", width=9), Column("reference", width=18), Column("description", width=60),
        Column("type", width=12), Column("check_number", width=13), Column("status", width=11),
        Column("match_id", width=11))),
    "GL Lines": ("tblGL", (
        Column("line_id", width=12), Column("date", "date", 12), Column("amount", "money", 14),
        Column("currency", width=9), Column("reference", width=16), Column("description", width=44),
        Column("source", width=10), Column("counterparty", width=24), Column("status", width=11),
        Column("match_id", width=11), Column("created_by", width=14))),
    "Matched": ("tblMatched", (
        Column("match_id", width=11), Column("side", width=8), Column("line_id", width=12),
        Column("date", "date", 12), Column("amount", "money", 14), Column("description", width=50),
        Column("rule", width=22), Column("confidence", "decimal", 11), Column("amount_difference", "money", 17),
        Column("day_difference", "int", 14), Column("similarity", "decimal", 11), Column("reason", width=70))),
    "Unmatched": ("tblUnmatched", (
        Column("side", width=8), Column("line_id", width=12), Column("date", "date", 12),
        Column("amount", "money", 14), Column("description", width=50), Column("age_days", "int", 10),
        Column("status", width=11), Column("candidates", width=30), Column("owner", width=14),
        Column("due_date", "date", 12), Column("notes", width=50))),
    "New Transactions": ("tblNewTransactions", (
        Column("date", "date", 12), Column("amount", "money", 14), Column("currency", width=9),
        Column("gl_account", width=12), Column("description", width=50), Column("kind", width=12),
        Column("bank_line_id", width=13), Column("rule", width=22), Column("status", width=11),
        Column("txn_id", "int", 8))),  # the server's id of the transaction (blank until it is sent)
    "Rules": ("tblRules", (Column("name", width=28), Column("description", width=80))),
    "Audit": ("tblAudit", (Column("when", width=22), Column("user", width=14), Column("action", width=18),
                           Column("detail", width=90))),
    # The five review checks (server/review); tick and comment are the reviewer's inputs. Aging and escalation
    # blocks follow below the table (addin/review_sheet.py).
    "Review": ("tblReview", (Column("check", width=18), Column("title", width=46), Column("status", width=11),
                             Column("detail", width=80), Column("tick", width=7), Column("comment", width=50),
                             Column("ticked_by", width=24))),
}


@dataclass(frozen=True)
class AuditEntry:
    when: str
    user: str
    action: str
    detail: str


@dataclass(frozen=True)
class ReconciliationView:
    """Everything the workbook shows; built by the demo, the CLI or the server."""

    statement: Statement
    gl_balance: GLBalance
    ledger: tuple[LedgerLine, ...]
    matched: tuple[MatchGroup, ...]
    suggested: tuple[MatchGroup, ...]
    figures: Figures
    status: str = "In Progress"
    proposed: tuple[ProposedTransaction, ...] = ()
    rules: tuple[dict, ...] = ()  # rows of the rule set, keys = Rules columns
    audit: tuple[AuditEntry, ...] = ()
    extra: dict = field(default_factory=dict)


CLOSING_NOTES = {"file": "closing balance stated in the bank's file",
                 "entered": "closing balance entered from the printed statement (the file states none)"}


def _summary_rows(v: ReconciliationView):
    f = v.figures
    return [
        ("Statement closing balance", f.statement_balance,
         CLOSING_NOTES.get(v.statement.closing_source, "closing balance of the statement (source unknown)")),
        ("Add: deposits in transit", f.deposits_in_transit, "GL receipts not yet on the statement"),
        ("Less: outstanding payments", f.outstanding_payments, "GL payments not yet presented"),
        ("Adjusted bank balance", f.adjusted_bank, ""),
        ("GL balance", f.gl_balance, f"GL account {v.gl_balance.account} at {v.gl_balance.period_end}"),
        ("Add: bank credits not in GL", f.bank_only_credits, "interest, unrecorded receipts"),
        ("Less: bank debits not in GL", f.bank_only_debits, "fees, returned items, unrecorded payments"),
        ("Differences inside matches", f.match_differences, "e.g. fees deducted from wires"),
        ("Adjusted GL balance", f.adjusted_gl, ""),
        ("Difference", f.difference, "0.00 when reconciled"),
    ]


def _line_status(line_id: str, matched_ids: dict[str, str], suggested_ids: set[str]) -> tuple[str, str]:
    if line_id in matched_ids:
        return "Matched", matched_ids[line_id]
    return ("Suggested" if line_id in suggested_ids else "Unmatched"), ""


def write_reconciliation_workbook(view: ReconciliationView, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in SHEET_NAMES}
    bank = view.statement.lines
    matched_b = {i: g.match_id for g in view.matched for i in g.bank_ids}
    matched_l = {i: g.match_id for g in view.matched for i in g.ledger_ids}
    sugg_b = {i for g in view.suggested for i in g.bank_ids}
    sugg_l = {i for g in view.suggested for i in g.ledger_ids}

    _write_summary(sheets["Summary"], view)
    tname, cols = SHEETS["Bank Statement"]
    write_table(sheets["Bank Statement"], tname, cols, (
        (b.line_id, b.date, b.amount, b.currency, b.reference, b.description, b.type, b.check_number,
         *_line_status(b.line_id, matched_b, sugg_b)) for b in bank))
    tname, cols = SHEETS["GL Lines"]
    write_table(sheets["GL Lines"], tname, cols, (
        (g.line_id, g.date, g.amount, g.currency, g.reference, g.description, g.source, g.counterparty,
         *_line_status(g.line_id, matched_l, sugg_l), "") for g in view.ledger))
    _write_matched(sheets["Matched"], view)
    _write_unmatched(sheets["Unmatched"], view, matched_b, matched_l)
    tname, cols = SHEETS["New Transactions"]
    write_table(sheets["New Transactions"], tname, cols, (
        (p.date, p.amount, p.currency, p.gl_account, p.description, p.kind, p.bank_line_id, p.rule, "Proposed")
        for p in view.proposed))
    _write_rules(sheets["Rules"], view.rules)
    tname, cols = SHEETS["Audit"]
    write_table(sheets["Audit"], tname, cols, ((a.when, a.user, a.action, a.detail) for a in view.audit))
    tname, cols = SHEETS["Review"]
    write_table(sheets["Review"], tname, cols, ())  # the server computes the checks: Refresh shows them
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_summary(ws, view: ReconciliationView) -> None:
    st = view.statement
    ws["A1"] = "Bank reconciliation"
    ws["A1"].font = Font(bold=True, size=14)
    header = [("Bank account", st.account), ("Currency", st.currency),
              ("Period", f"{st.period_start or st.first_date} to {st.period_end or st.last_date}"),
              ("Status", view.status),
              ("Lines matched", f"bank {view.figures.matched_bank_lines}/{view.figures.bank_lines}, "
                                f"GL {view.figures.matched_ledger_lines}/{view.figures.ledger_lines}"),
              ("Match rate", view.figures.match_rate)]
    for r, (label, value) in enumerate(header, start=2):
        ws.cell(row=r, column=1, value=label).font = Font(bold=True)
        set_value(ws, r, 2, value, "percent" if label == "Match rate" else "text")
    status_cell = ws.cell(row=5, column=2)
    status_cell.fill = PatternFill("solid", fgColor=STATUS_COLOURS.get(view.status, "FFFFFF"))
    tname, cols = SHEETS["Summary"]
    first = len(header) + 3
    write_table(ws, tname, cols, _summary_rows(view), first_row=first)
    last = ws.cell(row=first + len(_summary_rows(view)), column=2)
    last.font = Font(bold=True, color="006100" if view.figures.difference == 0 else "9C0006")


def _write_matched(ws, view: ReconciliationView) -> None:
    bank = {b.line_id: b for b in view.statement.lines}
    ledger = {g.line_id: g for g in view.ledger}
    rows = []
    for g in view.matched:
        for side, ids, src in (("bank", g.bank_ids, bank), ("ledger", g.ledger_ids, ledger)):
            for i in ids:
                ln = src[i]
                rows.append((g.match_id, side, i, ln.date, ln.amount, ln.description, g.rule, g.confidence,
                             g.amount_difference, g.day_difference, g.similarity, g.reason))
    tname, cols = SHEETS["Matched"]
    write_table(ws, tname, cols, rows)


def _write_unmatched(ws, view: ReconciliationView, matched_b, matched_l) -> None:
    end = view.statement.period_end or view.gl_balance.period_end
    cands: dict[tuple[str, str], list[str]] = {}
    for g in view.suggested:
        for i in g.bank_ids:
            cands.setdefault(("bank", i), []).extend(g.ledger_ids)
        for i in g.ledger_ids:
            cands.setdefault(("ledger", i), []).extend(g.bank_ids)
    rows = []
    for side, lines, done in (("bank", view.statement.lines, matched_b), ("ledger", view.ledger, matched_l)):
        for ln in lines:
            if ln.line_id in done:
                continue
            c = cands.get((side, ln.line_id), [])
            age = (end - ln.date).days if isinstance(end, dt.date) else None
            rows.append((side, ln.line_id, ln.date, ln.amount, ln.description, age,
                         "Suggested" if c else "Open", ", ".join(dict.fromkeys(c)), "", None, ""))
    tname, cols = SHEETS["Unmatched"]
    write_table(ws, tname, cols, rows)


def _write_rules(ws, rules: Sequence[dict]) -> None:
    if rules:
        keys = list(rules[0].keys())
        cols = tuple(Column(k, width=max(12, min(60, len(k) + 4))) for k in keys)
        rows = [tuple(_cell_text(r.get(k, "")) for k in keys) for r in rules]
    else:
        cols, rows = SHEETS["Rules"][1], []
    write_table(ws, SHEETS["Rules"][0], cols, rows)


def _cell_text(value):
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
