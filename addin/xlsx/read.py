"""A table's rows read with python-calamine, as openpyxl would give them.

Why: openpyxl builds a cell object for every cell of a sheet to read it (about 6 s per 100,000 rows);
calamine reads the same sheet in about half a second. Values are handed over as openpyxl hands them, so the
handlers see no difference: numbers written without a decimal point as ints, dates as datetimes, empty cells
as None. Before calamine reads a sheet, its extent is checked: a stray cell far from the data would make
calamine allocate the whole grid up to it and abort the process. A sheet whose every cell names its place in
columns A to Z below row 1,000,000 (what Tieout writes for its tables) cannot be too large; any other is
measured cell by cell (`xlsx_guard`, an XML pass that costs about as much as reading the sheet).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl.utils.cell import range_boundaries

from ...server.errors import InputError
from ...server.importers.tabular.read import MAX_SHEET_CELLS
from ...server.importers.tabular.xlsx_guard import _sheet_parts, survey_part

_BIGGEST_EXACT_INT = 1e16  # openpyxl writes numbers with 16 significant digits ("%.16g")
# A cell that does not name its place in columns A to Z and rows 1 to 999,999 (26 x 999,999 < MAX_SHEET_CELLS)
_FAR_CELL = re.compile(rb'<c\b(?! r="[A-Z][1-9][0-9]{0,5}")')


def _within_reach(sheet_data: bytes) -> bool:
    return _FAR_CELL.search(sheet_data) is None


def _as_openpyxl(v):
    t = type(v)
    if t is str:
        return v if v else None
    if t is float:
        return int(v) if v.is_integer() and abs(v) < _BIGGEST_EXACT_INT else v
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def table_rows(path, data: bytes, sheet: str, sheet_data: bytes, ref: str) -> list[tuple[int, dict]]:
    """The rows of the table at `ref` on `sheet` (whose <sheetData> is `sheet_data`) of the package `data`,
    with their sheet row numbers; blank rows skipped."""
    from python_calamine import CalamineWorkbook

    if not _within_reach(sheet_data):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = _sheet_parts(zf).get(sheet)
            refusal = survey_part(zf, part).refusal(MAX_SHEET_CELLS) if part in zf.namelist() else None
        if refusal:
            raise InputError(path, f"sheet {sheet!r}: {refusal}")
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    try:
        grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python(
            skip_empty_area=False)
    except BaseException as exc:  # noqa: BLE001 - calamine raises Rust panics (BaseException) on broken files
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise InputError(path, f"sheet {sheet!r} cannot be read: {str(exc)[:300]}") from None
    header = [str(v) for v in _cells(grid[min_row - 1] if min_row <= len(grid) else [], min_col, max_col)]
    out = []
    for r, row in enumerate(grid[min_row:max_row], start=min_row + 1):
        values = _cells(row, min_col, max_col)
        if any(v is not None for v in values):
            out.append((r, dict(zip(header, values))))
    return out


def _cells(row: list, min_col: int, max_col: int) -> list:
    """The row's values from min_col to max_col (1-based) as openpyxl gives them, padded with None."""
    got = [v if t is str and v else _as_openpyxl(v) for v in row[min_col - 1:max_col] for t in (type(v),)]
    return got + [None] * (max_col - min_col + 1 - len(got))
