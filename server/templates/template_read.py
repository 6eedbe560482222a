"""Reading a filled import template's cells: the label/value block and the rows under the lines' header, as Cells
for template_cells.CellChecker to convert and check.

Cells are read with python-calamine, values as openpyxl gave them (the former openpyxl reader stays, in
template_read_openpyxl.py, the reference the tests compare with); what calamine cannot see (formulas Excel never
calculated, error values) comes from the sheet XML (template_read_marks.py). Known differences from openpyxl,
both refusing the cell on the same row and field: a number outside Excel's dates in a date-formatted cell (Excel
shows #####) is named by its value, where openpyxl said #VALUE! or made a date before 1900. Rows past a stale
<dimension> of the sheet are read, where openpyxl's read-only mode silently dropped them; text escapes such as
_x000D_ are decoded as Excel means them, where openpyxl kept them as text.
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
from python_calamine import CalamineWorkbook

from ..errors import Problem
from ..importers.tabular.read import MAX_SHEET_CELLS
from ..importers.tabular.xlsx_guard import _column_letters as get_column_letter
from ..importers.tabular.xlsx_guard import survey_part
from .template_cells import Cell, TemplateSpec
from .template_read_marks import local_name, sheet_marks

_HEADER_ROWS = 20  # how far down the header row of the lines sheet is looked for
# openpyxl's names and values (openpyxl.reader.excel, openpyxl.utils.datetime), written here: importing openpyxl
# costs more than reading a 20,000-line template's values, in every sandboxed worker that reads one (issue 17)
SUPPORTED_FORMATS = (".xlsx", ".xlsm", ".xltx", ".xltm")
CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)


def read_template(path: Path, spec: TemplateSpec, *, by_content: bool = True):
    """(epoch, block field key -> Cell, header key -> column index, rows of cells) of a filled template.

    python-calamine reads the values: a 100,000-line template imports in about 3 s, where openpyxl's two passes
    took over 20 (tests/bench/bench_gl_template.py). What calamine does not tell (the date system, formulas
    Excel never calculated, error values, which it reads as empty) comes from the workbook's XML: see
    _workbook_parts and template_read_marks.sheet_marks. Anything a library raises on a broken file becomes
    spec.error.
    by_content=False refuses a file whose name is not that of an .xlsx/.xlsm workbook, as this reader always
    has (openpyxl's check and words); by_content=True judges the file by its content.
    """
    error = spec.error
    if not path.is_file():
        raise error(path, "file not found")
    try:
        if not by_content and path.suffix.lower() not in SUPPORTED_FORMATS:
            from openpyxl import load_workbook

            load_workbook(path, read_only=True)  # raises openpyxl's InvalidFileException, naming the format
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            epoch, parts = _workbook_parts(zf)
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))  # in memory: no file handle to close
            block, lines = (_calamine_sheet(path, zf, book, parts, name, spec)
                            for name in (spec.layout.block_sheet, spec.layout.lines_sheet))
            fields = block_cells(block.cells, spec.layout.fields)
            header, rows = line_cells(path, lines.cells, spec)
        return epoch, fields, header, rows
    except error:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # zip, XML and calamine errors (a Rust panic is a BaseException): bad input
        raise error(path, f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: {exc}") from exc


def _workbook_parts(zf: zipfile.ZipFile) -> tuple[dt.datetime, dict[str, str]]:
    """The workbook's date system (epoch) and sheet name -> the zip member holding that sheet's XML."""
    book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    try:
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        rels = None
    targets = {} if rels is None else {el.get("Id"): el.get("Target") or "" for el in rels.iter()
                                       if local_name(el.tag) == "Relationship"}
    epoch, parts = CALENDAR_WINDOWS_1900, {}
    for el in book.iter():
        tag = local_name(el.tag)
        if tag == "workbookPr" and (el.get("date1904") or "").strip().lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                parts[el.get("name") or ""] = (target.lstrip("/") if target.startswith("/")
                                               else posixpath.normpath(posixpath.join("xl", target)))
    return epoch, parts


def _calamine_sheet(path: Path, zf, book, parts: dict[str, str], name: str, spec: TemplateSpec) -> _Sheet:
    for title in book.sheet_names:
        if title.strip().casefold() == name.casefold():
            part = parts.get(title)
            present = part in zf.namelist()
            refusal = survey_part(zf, part).refusal(MAX_SHEET_CELLS) if present else None
            if refusal:  # calamine would abort the process on it (importers/tabular/xlsx_guard.py)
                raise spec.error(path, Problem(refusal, record=title))
            marks = sheet_marks(zf.read(part)) if present else {}
            values = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            return _Sheet(title, values, marks)
    raise spec.error(path, Problem(f"sheet '{name}' not found (sheets: {', '.join(book.sheet_names)}); "
                                   f"is this the Tieout {spec.name}?", record=name))


def _py(value):
    """A calamine value as openpyxl gave it: empty is None, and a whole number is an int (calamine reads every
    number as a float; Excel and openpyxl write a whole number below 1e16 without a point, which openpyxl read
    back as an int), so that messages print 20241399, not 20241399.0; a date is a datetime."""
    cls = value.__class__
    if cls is float:
        return int(value) if value.is_integer() and -1e16 < value < 1e16 else value
    if cls is str:
        return value or None
    if cls is dt.date:  # calamine gives a date for midnight; openpyxl always a datetime (and messages show repr)
        return dt.datetime(value.year, value.month, value.day)
    return value


@dataclass(frozen=True)
class _Sheet:
    """One worksheet's values as calamine read them from A1 (skip_empty_area=False: calamine otherwise drops
    leading empty rows and columns), so rows and columns are numbered as in Excel; and its marks."""

    title: str
    values: list
    marks: dict

    def cells(self, columns, min_row: int = 1, skip_empty: bool = False):
        """Rows of Cell for the given 0-based column indexes; skip_empty leaves out rows empty in them all."""
        columns = tuple(columns)
        refs = [f"'{self.title}'!{get_column_letter(i + 1)}" for i in columns]
        marks, values = self.marks, self.values
        marked_rows = {r for r, _ in marks}
        height = max(len(values), max(marked_rows, default=0))
        for rownum in range(min_row, height + 1):
            raw = values[rownum - 1] if rownum <= len(values) else ()
            width = len(raw)
            got = [_py(raw[i]) if i < width else None for i in columns]
            if rownum in marked_rows:
                row = {i: _marked(v, rownum, f"{ref}{rownum}", marks.get((rownum, i)))
                       for i, v, ref in zip(columns, got, refs)}
                if skip_empty and all(c.empty for c in row.values()):
                    continue
                yield rownum, row
                continue
            if skip_empty and all(v is None or (v.__class__ is str and not v.strip()) for v in got):
                continue
            n = str(rownum)  # Cell(v, rownum, ref) without the keyword defaults: the hot loop of a big sheet
            yield rownum, {i: _new(Cell, (v, rownum, ref + n, False, False)) for i, v, ref in zip(columns, got, refs)}


_new = tuple.__new__


def _marked(value, row: int, ref: str, mark) -> Cell:
    if mark is None:
        return Cell(value, row, ref)
    if mark[0] == "error":
        return Cell(mark[1], row, ref, error=True)
    return Cell(value, row, ref, uncalculated=value is None)


def block_cells(sheet_cells, fields) -> dict[str, Cell]:
    """Field key -> the value cell beside its label (labels found by text, so inserted rows do no harm)."""
    labels = {f.label.casefold(): f.key for f in fields}
    found = {}
    for _, cells in sheet_cells((0, 1)):
        key = labels.get(str(cells[0].value or "").strip().casefold())
        if key and key not in found:
            found[key] = cells[1]
    return found


def line_cells(path: Path, sheet_cells, spec: TemplateSpec):
    """The header (key -> 0-based column index) and the rows below it with anything in the header's columns."""
    columns, heads = spec.layout.columns, spec.headers
    names = {c.header.casefold(): c.key for c in columns}
    header = None
    # Columns may have been moved once the sheet is unprotected: look for the headings a little wider.
    for rownum, cells in sheet_cells(range(len(columns) + 20)):
        keys = {names.get(str(c.value or "").strip().casefold()): i for i, c in cells.items()}
        keys.pop(None, None)
        if "date" in keys and ("amount" in keys or {spec.inflow, spec.outflow} <= keys.keys()):
            header = (rownum, keys)
            break
        if rownum >= _HEADER_ROWS:
            break
    if header is None:
        raise spec.error(path, Problem(f"no header row with the columns {heads['date']} and {heads['amount']} (or "
                                       f"{heads[spec.inflow]} and {heads[spec.outflow]}) in the first "
                                       f"{_HEADER_ROWS} rows", record=spec.layout.lines_sheet))
    rownum, keys = header
    rows = [cells for _, cells in sheet_cells(sorted(keys.values()), min_row=rownum + 1, skip_empty=True)
            if not all(c.empty for c in cells.values())]
    return keys, rows
