"""The journal import file Post New Transactions writes next to the workbook, as CSV and as xlsx: one balanced
entry per new transaction, both sides (the cash account being reconciled and the transaction's GL account),
in columns date, account, debit, credit, memo, ready for an ERP's journal import. Memos and accounts come from
people and bank files: formula-like text is written as text in both files (server/formula_guard.py)."""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from ...excel_templates.sheet_writer import Column, write_table
from ...server.formula_guard import csv_row
from ...server.store.types import money_str
from .state import Txn, posted_line_id

HEADER = ("date", "account", "debit", "credit", "memo")
COLUMNS = (Column("date", "date", 12), Column("account", width=28), Column("debit", "money", 14),
           Column("credit", "money", 14), Column("memo", width=70))


@dataclass(frozen=True)
class JournalLine:
    date: dt.date
    account: str
    debit: Decimal
    credit: Decimal
    memo: str


def journal_lines(txns: Sequence[Txn], cash_account: str, rec_id: int) -> list[JournalLine]:
    """Money into the bank (+) debits cash and credits the other account; money out (-) the reverse."""
    out = []
    for t in txns:
        memo = f"{t.description} [Tieout reconciliation {rec_id}, {t.kind} {posted_line_id(t.id)}]".strip()
        amount = abs(t.amount)
        into_bank = t.amount > 0
        zero = Decimal(0)
        out.append(JournalLine(t.date, cash_account, amount if into_bank else zero, zero if into_bank else amount,
                               memo))
        out.append(JournalLine(t.date, t.gl_account, zero if into_bank else amount, amount if into_bank else zero,
                               memo))
    return out


def _free_stem(folder: Path, stem: str) -> str:
    n, candidate = 1, stem
    while (folder / f"{candidate}.csv").exists() or (folder / f"{candidate}.xlsx").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def write_journal(folder: Path, workbook_stem: str, lines: Sequence[JournalLine],
                  at: dt.datetime | None = None) -> tuple[Path, Path]:
    """Writes <workbook>-journal-<yyyymmdd-hhmmss>.csv and .xlsx in `folder`; returns both paths."""
    at = at or dt.datetime.now()
    stem = _free_stem(folder, f"{workbook_stem}-journal-{at:%Y%m%d-%H%M%S}")
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for ln in lines:
            w.writerow(csv_row((ln.date.isoformat(), ln.account, money_str(ln.debit) if ln.debit else "",
                                money_str(ln.credit) if ln.credit else "", ln.memo)))
    wb = Workbook()
    ws = wb.active
    ws.title = "Journal"
    write_table(ws, "tblJournal", COLUMNS, ((ln.date, ln.account, ln.debit or None, ln.credit or None, ln.memo)
                                            for ln in lines))
    wb.save(xlsx_path)
    return csv_path, xlsx_path
