"""Writes one sheet of records as an Excel Table with the formats accountants expect: real dates, money with a
thousands separator and two decimals, negatives in red, frozen header, sensible widths.

Imported text is never turned into a formula: a value starting with "=" is stored as a text cell.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .print_setup import fit_to_width

MONEY_FORMAT = '#,##0.00;[Red]-#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"


def money_format(decimals: int = 2) -> str:
    """MONEY_FORMAT with a currency's decimals (0 for JPY, 3 for BHD)."""
    places = "." + "0" * decimals if decimals > 0 else ""
    return f'#,##0{places};[Red]-#,##0{places}'


HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")

# Workflow status colours as users know them (DESIGN.md).
STATUS_COLOURS = {
    "Not Started": "BFBFBF",
    "In Progress": "9DC3E6",
    "In Review": "FFE699",
    "Pending Approval": "F4B183",
    "Approved": "A9D08E",
    "Unreconciled": "BFBFBF",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | date | datetime | money | int | decimal | percent
    width: int = 14


def set_value(ws: Worksheet, row: int, col: int, value, kind: str = "text"):
    """Write one value with its number format; text that looks like a formula stays text."""
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, Decimal):
        # openpyxl stores numbers as floats in the file; the engine never reads them back for a decision.
        cell.value = float(value) if kind in ("money", "decimal", "percent") else value
    elif isinstance(value, str):
        cell.value = value
        if value.startswith("="):
            cell.data_type = "s"
    else:
        cell.value = value
    if kind == "money":
        cell.number_format = MONEY_FORMAT
    elif kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = DATE_FORMAT
    elif kind == "datetime" and isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = DATETIME_FORMAT
    elif kind == "percent":
        cell.number_format = PERCENT_FORMAT
    return cell


def write_table(ws: Worksheet, name: str, columns: Sequence[Column], rows: Iterable[Sequence], *,
                first_row: int = 1, style: str = "TableStyleMedium2") -> int:
    """Write a header and rows as an Excel Table named `name`; returns the number of data rows written.

    An Excel Table needs at least one data row, so an empty table gets one blank row.
    """
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(row=first_row, column=c, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        # wrap_text left unset (not False): the file holds the same, and the style read back from it then equals
        # this one, so a rewrite reuses its style instead of adding a copy of it at every save
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = col.width
    n = 0
    for n, values in enumerate(rows, start=1):
        for c, (col, value) in enumerate(zip(columns, values), start=1):
            set_value(ws, first_row + n, c, value, col.kind)
    last_row = first_row + max(n, 1)
    ref = f"A{first_row}:{get_column_letter(len(columns))}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)
    fit_to_width(ws, first_row, [c.width for c in columns])
    return n
