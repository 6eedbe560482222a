"""A whole workbook as the live-Excel adapter sees it through xlwings, for tests on Linux (no Excel here).

It extends the one-sheet stand-in of test_addin_excel_writes (Rng, Grid, Table, Excel) to every call
`ExcelWorkbook` makes in a button press: sheets by name and position, tables, A1 addresses, workbook names,
protection, formats and the window. `BookDouble.from_xlsx` loads a workbook saved by batch mode (values as
Excel gives them back), so a press runs on the same workbook in both adapters. Every value read and value
write through a range is logged per sheet (`ops`): the tests count them.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from test_addin_excel_writes import Grid, Rng, Table


class Ops:
    """Value reads and writes through ranges, as (kind, sheet, first (row, col), last (row, col))."""

    def __init__(self):
        self.log: list[tuple[str, str, tuple[int, int], tuple[int, int]]] = []

    def of(self, kind: str, sheet: str | None = None) -> list:
        return [op for op in self.log if op[0] == kind and (sheet is None or op[1] == sheet)]

    def clear(self):
        self.log.clear()


class Formats(SimpleNamespace):
    """Conditional formats and data validation: accepted and ignored (not values)."""

    def clear(self):
        pass

    def delete(self):
        pass

    def add_custom(self, *a, **k):
        pass

    def add_cell_value(self, *a, **k):
        pass

    def set_list(self, *a, **k):
        pass


class Range(Rng):
    """A range of the double: reads and writes logged; formats, locks and validation taken without effect."""

    def __init__(self, sheet, a, b=None):
        super().__init__(sheet, a, b)
        self.api = SimpleNamespace(Validation=SimpleNamespace())
        self.conditional_formats = Formats()
        self.data_validation = Formats()

    def _read(self, ndim):
        self.sheet.book.ops.log.append(("read", self.sheet.name, self.a, self.b))
        return super()._read(ndim)

    @property
    def value(self):
        """As xlwings gives it: one cell as its value, one row or column as a list, a block as rows."""
        rows = self._read(2)
        if self.a == self.b:
            return rows[0][0]
        if len(rows) == 1 or len(rows[0]) == 1:
            return [v for row in rows for v in row]
        return rows

    @value.setter
    def value(self, rows):
        self.sheet.book.ops.log.append(("write", self.sheet.name, self.a, self.b))
        Rng.value.fset(self, rows)

    def __getitem__(self, i):
        return Range(self.sheet, self.a)

    def select(self):
        pass

    def get_address(self, *a):
        return f"'{self.sheet.name}'!R{self.a[0]}C{self.a[1]}:R{self.b[0]}C{self.b[1]}"

    @property
    def address(self):
        from openpyxl.utils import get_column_letter as L

        return f"${L(self.a[1])}${self.a[0]}:${L(self.b[1])}${self.b[0]}"

    def __iter__(self):
        for r in range(self.a[0], self.b[0] + 1):
            for c in range(self.a[1], self.b[1] + 1):
                yield Range(self.sheet, (r, c))


class TableDouble(Table):
    """A table whose ranges are the double's (logged)."""

    header_row_range = property(lambda self: Range(self.sheet, self.range.a, (self.range.a[0], self.range.b[1])))
    data_body_range = property(lambda self: Range(self.sheet, (self.range.a[0] + 1, self.range.a[1]), self.range.b))


class Tables(list):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def add(self, target, name):
        self.append(TableDouble(self.sheet, Range(self.sheet, target.a, target.b), name))


class SheetApi:
    """The COM sheet's protection, print setup and cells' lock."""

    def __init__(self):
        self.PageSetup, self.Cells, self.ProtectContents = SimpleNamespace(), SimpleNamespace(), False

    def Protect(self, **options):  # noqa: N802 - COM's name
        self.ProtectContents = True

    def Unprotect(self, **options):  # noqa: N802
        self.ProtectContents = False


class SheetDouble:
    def __init__(self, book, name):
        self.book, self.name, self.grid = book, name, Grid()
        self.tables = Tables(self)
        self.api = SheetApi()
        self.cells = SimpleNamespace(conditional_formats=Formats(), data_validation=Formats())

    @property
    def protected(self) -> bool:
        return self.api.ProtectContents

    @protected.setter
    def protected(self, on: bool):
        self.api.ProtectContents = on

    def range(self, a, b=None):
        if isinstance(a, str):
            min_col, min_row, max_col, max_row = range_boundaries(a.replace("$", ""))
            return Range(self, (min_row, min_col), (max_row, max_col))
        return Range(self, a, b)

    def activate(self):
        self.book.sheets.active = self


class SheetsDouble:
    def __init__(self, book):
        self.book, self.list, self.active = book, [], None

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.list[key]
        for s in self.list:
            if s.name == key:
                return s
        raise KeyError(key)

    def __iter__(self):
        return iter(list(self.list))

    def add(self, name, after=None):
        sheet = SheetDouble(self.book, name)
        self.list.append(sheet)
        return sheet


class Names(dict):
    def add(self, name, refers_to):
        self[name] = SimpleNamespace(refers_to=refers_to)


class BookDouble:
    def __init__(self, fullname: str):
        self.fullname = fullname
        self.ops = Ops()
        self.sheets = SheetsDouble(self)
        self.names = Names()
        self.api = SimpleNamespace(Protect=lambda **k: None, Unprotect=lambda **k: None)
        self.app = SimpleNamespace(api=SimpleNamespace(ActiveWindow=SimpleNamespace()), status_bar=None,
                                   selection=None, alert=lambda *a, **k: None)

    def save(self):
        pass

    @classmethod
    def from_xlsx(cls, path: Path) -> BookDouble:
        """The workbook's values, tables, names and protection as Excel would show them."""
        wb = load_workbook(path)
        book = cls(str(path))
        for ws in wb.worksheets:
            sheet = book.sheets.add(ws.title)
            sheet.protected = bool(ws.protection.sheet)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        v = c.value
                        if isinstance(v, str) and c.data_type == "s":
                            v = "'" + v  # text as the adapter writes it (a prefix, not part of the value)
                        sheet.grid.cells[(c.row, c.column)] = v
            for t in ws.tables.values():
                min_col, min_row, max_col, max_row = range_boundaries(t.ref)
                sheet.tables.add(Range(sheet, (min_row, min_col), (max_row, max_col)), t.displayName)
        for name, dn in wb.defined_names.items():
            book.names.add(name, "=" + dn.attr_text)
        book.sheets.active = book.sheets[0]
        return book
