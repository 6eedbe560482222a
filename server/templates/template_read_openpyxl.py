"""The former template reader (openpyxl, two passes), kept as the reference the tests compare
template_read.read_template with, and as the benchmark's "before"; no product path calls it.
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import Problem
from .template_cells import Cell, TemplateSpec
from .template_read import block_cells, line_cells


def read_template_openpyxl(path: Path, spec: TemplateSpec, *, by_content: bool = True):
    """read_template as it was before python-calamine: same answer, some 20-60 times slower."""
    error, layout = spec.error, spec.layout
    if not path.is_file():
        raise error(path, "file not found")
    try:
        with ExitStack() as stack:
            # Two passes: calculated values, and formulas (to tell an uncalculated formula from an empty cell).
            books = []
            for flag in (True, False):
                source = stack.enter_context(path.open("rb")) if by_content else path
                book = load_workbook(source, read_only=True, data_only=flag)
                stack.callback(book.close)
                books.append(book)
            values, formulas = books
            block_ws, lines_ws = (_openpyxl_sheet(path, values, name, spec)
                                  for name in (layout.block_sheet, layout.lines_sheet))

            def sheet_cells(ws):
                return lambda columns, min_row=1, skip_empty=False: _openpyxl_cells(ws, formulas[ws.title],
                                                                                   columns, min_row)
            fields = block_cells(sheet_cells(block_ws), layout.fields)
            header, rows = line_cells(path, sheet_cells(lines_ws), spec)
            return values.epoch, fields, header, rows
    except error:
        raise
    except Exception as exc:  # zip, XML and openpyxl errors on a damaged or foreign file: all bad input
        raise error(path, f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: {exc}") from exc


def _openpyxl_sheet(path: Path, wb, name: str, spec: TemplateSpec):
    for title in wb.sheetnames:
        if title.strip().casefold() == name.casefold():
            return wb[title]
    raise spec.error(path, Problem(f"sheet '{name}' not found (sheets: {', '.join(wb.sheetnames)}); "
                                   f"is this the Tieout {spec.name}?", record=name))


def _openpyxl_cells(ws_values, ws_formulas, columns, min_row=1):
    """Rows of Cell for the given 0-based column indexes, numbered as Excel numbers the rows."""
    max_col = max(columns) + 1
    pairs = zip(ws_values.iter_rows(min_row=min_row, max_col=max_col),
                ws_formulas.iter_rows(min_row=min_row, max_col=max_col))
    letters = {i: get_column_letter(i + 1) for i in columns}
    for rownum, (vals, forms) in enumerate(pairs, start=min_row):
        row = {}
        for i in columns:
            v, f = vals[i], forms[i]
            row[i] = Cell(v.value, rownum, f"'{ws_values.title}'!{letters[i]}{rownum}",
                          uncalculated=getattr(f, "data_type", None) == "f" and v.value is None,
                          error=getattr(v, "data_type", None) == "e")
        yield rownum, row
