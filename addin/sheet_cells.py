"""Where a named column of a Tieout sheet sits (its letter, the range of its data rows) and the colour rules
over such a range. The bank workbook (`sheets`) and the Manual workbook (`manual.render`) both decorate
their tables through these, so a column moved in a layout moves every reference made from its name."""
from __future__ import annotations

from openpyxl.utils import get_column_letter

from ..excel_templates.reconciliation_workbook import SHEETS
from ..excel_templates.sheet_writer import Column
from .manual import layout as manual_layout
from .workbook import ColourRule


def columns(sheet: str) -> tuple[Column, ...]:
    return (SHEETS.get(sheet) or manual_layout.SHEETS[sheet])[1]


def headers(sheet: str) -> tuple[str, ...]:
    return tuple(c.header for c in columns(sheet))


def column_letter(sheet: str, name: str) -> str:
    """The letter of the column headed `name` (a table starting in column A)."""
    return get_column_letter(headers(sheet).index(name) + 1)


def column_span(sheet: str, name: str, first: int, n: int) -> str:
    """The data cells of column `name` of a table whose header is on row `first` and holds `n` rows (at
    least one row, so rules and drop-downs on an empty table still reach its first input row)."""
    letter = column_letter(sheet, name)
    return f"{letter}{first + 1}:{letter}{first + max(n, 1)}"


def equal_colours(ref: str, colours: dict[str, str]) -> list[ColourRule]:
    """One fill per value: a cell of `ref` whose text equals the value takes its colour."""
    return [ColourRule(ref, "equal", f'"{value}"', colour) for value, colour in colours.items()]
