"""The live-Excel adapter re-renders a table by writing only the columns that change, each as one block (Accept
Matches: the status column), and the whole table when its shape changes. Excel is not on Linux: a small
stand-in for the xlwings objects the adapter touches keeps a grid of values and logs every block written."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from tieout.addin.excel_workbook import ExcelWorkbook, _cell, changed_blocks
from tieout.excel_templates.sheet_writer import Column


class Grid:
    def __init__(self):
        self.cells: dict[tuple[int, int], object] = {}
        self.writes: list[tuple[int, int, int, int]] = []  # (row, col, last row, last col) per value assignment


class Rng:
    def __init__(self, sheet, a, b=None):
        self.sheet, self.a, self.b = sheet, a, b or a

    row = property(lambda self: self.a[0])
    column = property(lambda self: self.a[1])
    shape = property(lambda self: (self.b[0] - self.a[0] + 1, self.b[1] - self.a[1] + 1))

    def options(self, ndim=None):
        return SimpleNamespace(value=self._read(ndim))

    def _read(self, ndim):
        rows = [[Excel.shown(self.sheet.grid.cells.get((r, c))) for c in range(self.a[1], self.b[1] + 1)]
                for r in range(self.a[0], self.b[0] + 1)]
        return rows[0] if ndim == 1 else rows

    @property
    def value(self):
        return self._read(2)

    @value.setter
    def value(self, rows):
        rows = rows if isinstance(rows, list) else [[rows]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.grid.cells[(self.a[0] + i, self.a[1] + j)] = v
        self.sheet.grid.writes.append((self.a[0], self.a[1], self.a[0] + len(rows) - 1,
                                       self.a[1] + len(rows[0]) - 1))

    def clear_contents(self):
        for r in range(self.a[0], self.b[0] + 1):
            for c in range(self.a[1], self.b[1] + 1):
                self.sheet.grid.cells.pop((r, c), None)

    number_format = column_width = None


class Table:
    def __init__(self, sheet, target, name):
        self.sheet, self.name, self.range = sheet, name, target

    header_row_range = property(lambda self: Rng(self.sheet, self.range.a, (self.range.a[0], self.range.b[1])))
    data_body_range = property(lambda self: Rng(self.sheet, (self.range.a[0] + 1, self.range.a[1]), self.range.b))

    def resize(self, target):
        self.range = target


class Tables(list):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def add(self, target, name):
        self.append(Table(self.sheet, target, name))


class Sheet:
    def __init__(self, name):
        self.name, self.grid = name, Grid()
        self.tables = Tables(self)
        self.api = SimpleNamespace(PageSetup=SimpleNamespace())  # what Excel's COM object takes of print setup

    def range(self, a, b=None):
        return Rng(self, a, b)

    def activate(self):
        pass


class Excel:
    """What Excel gives back: text without its prefix, numbers as floats, dates as datetimes."""

    @staticmethod
    def shown(v):
        if isinstance(v, str):
            return v.removeprefix("'")
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        return v


class Sheets:
    def __init__(self, ws):
        self.ws = self.active = ws

    def __getitem__(self, key):
        return self.ws


class Adapter(ExcelWorkbook):
    """The adapter on one stand-in sheet, "Bank Statement"."""

    def __init__(self):
        self.ws = Sheet("Bank Statement")
        self.book = SimpleNamespace(sheets=Sheets(self.ws),
                                    app=SimpleNamespace(api=SimpleNamespace(ActiveWindow=SimpleNamespace())))

    def sheet_names(self):
        return [self.ws.name]


COLS = (Column("line_id"), Column("date", "date"), Column("amount", "money"), Column("status"))


def rows(statuses):
    return [(f"B{i}", dt.date(2026, 10, 1 + i % 28), Decimal(f"{i}.25"), s) for i, s in enumerate(statuses)]


def test_a_changed_status_column_is_written_as_one_block():
    book = Adapter()
    before = rows(["Proposed"] * 6 + ["Unmatched"] * 2)
    assert book.write_table("Bank Statement", "tblBank", COLS, before) == 8
    assert book.ws.grid.writes == [(1, 1, 9, 4)]  # first render: header and rows in one block
    after = rows(["Matched"] * 6 + ["Unmatched"] * 2)
    book.ws.grid.writes.clear()
    assert book.write_table("Bank Statement", "tblBank", COLS, after) == 8
    assert book.ws.grid.writes == [(2, 4, 7, 4)]  # the status column, rows of the six accepted lines only
    assert [book.ws.grid.cells[(r, 4)] for r in range(2, 10)] == [_cell(s) for *_, s in after]
    book.ws.grid.writes.clear()
    book.write_table("Bank Statement", "tblBank", COLS, after)
    assert book.ws.grid.writes == []  # nothing changed, nothing written


def test_a_table_of_another_size_is_written_whole():
    book = Adapter()
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Proposed"] * 3))
    book.ws.grid.writes.clear()
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Proposed"] * 4))
    assert book.ws.grid.writes == [(1, 1, 5, 4)]
    assert book.ws.tables[0].range.shape == (5, 4)


def test_changed_blocks_compare_what_excel_shows():
    new = [[_cell("B1"), _cell(dt.date(2026, 10, 1)), _cell(Decimal("-5.00")), _cell("=1+1"), _cell(None)]]
    shown = [["B1", dt.datetime(2026, 10, 1), -5.0, "=1+1", None]]
    assert changed_blocks(shown, new) == []
    assert changed_blocks([["'B1", dt.datetime(2026, 10, 2), -5.0, "=1+1", ""]], new) == [(0, 0, 0), (1, 0, 0)]
    assert changed_blocks(shown, new * 2) is None


def test_every_written_table_prints_one_page_wide_with_its_header_repeated():
    book = Adapter()
    book.write_table("Bank Statement", "tblBank", COLS, rows(["Unmatched"] * 3))
    setup = vars(book.ws.api.PageSetup)
    assert setup == {"PrintTitleRows": "$1:$1", "Orientation": 1, "Zoom": False, "FitToPagesWide": 1,
                     "FitToPagesTall": False}
    wide = COLS + tuple(Column(f"note {i}", width=30) for i in range(3))  # wider than a portrait page
    book.write_table("Bank Statement", "tblBank", wide, [r + ("a", "b", "c") for r in rows(["Unmatched"])])
    assert book.ws.api.PageSetup.Orientation == 2
