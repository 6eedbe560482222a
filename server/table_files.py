"""A table of records written for other programs and people, as CSV or xlsx by the file's suffix.

Neither carries a formula: CSV text that a spreadsheet would evaluate gets the leading apostrophe
(formula_guard), xlsx text is a string cell (sheet_writer). Amounts stay numbers. Used by the subledger
exceptions file and the cash application's settlement file."""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from tieout.excel_templates.sheet_writer import Column, write_table

from .errors import InputError
from .formula_guard import csv_row
from .store.types import money_str

SUFFIXES = (".csv", ".xlsx")


def _csv_value(value):
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def write_records(path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence], sheet: str = "Data",
                  table: str = "tblData") -> int:
    """Writes the rows; returns how many. An unknown suffix is an InputError naming the file."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(path, f"write a .csv or an .xlsx file, not {path.suffix or 'a file without suffix'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([c.header for c in columns])
            for n, row in enumerate(rows, start=1):
                w.writerow(csv_row(_csv_value(v) for v in row))
        return n
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    n = write_table(ws, table, columns, rows)
    wb.save(path)
    return n
