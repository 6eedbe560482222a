"""Reading and checking the cells of a filled import template: one reading of a cell for every template.

The GL template (gl_import.py) and the bank statement template (importers/statement_template.py) are typed or
pasted by people, so cells arrive as numbers, dates or text, typed, pasted or calculated. Both read them here,
so both accept the same spellings of dates and numbers and word a problem alike; what differs between them
(sheet names, the error type, which of DR/CR is negative, the wording about unsigned columns) is a TemplateSpec.

Every cell is checked and every problem collected (CellChecker.problems), naming the row and the column, so
the user fixes them in one pass. Text dates such as 03/04/2024 read both month-first and day-first; the file
decides when another text date can only be read one way (e.g. 03/15/2024), otherwise the row is refused.

Cells are read with python-calamine, values as openpyxl gave them (the former openpyxl reader stays, as
read_template_openpyxl, the reference the tests compare with). Known differences, both refusing the cell on
the same row and field: a number outside Excel's dates in a date-formatted cell (Excel shows #####) is named
by its value, where openpyxl said #VALUE! or made a date before 1900. Rows past a stale <dimension> of the
sheet are read, where openpyxl's read-only mode silently dropped them; text escapes such as _x000D_ are
decoded as Excel means them, where openpyxl kept them as text.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import unescape as xml_unescape

import defusedxml.ElementTree as SafeET
from iso4217 import Currency
from lxml import etree
from openpyxl import load_workbook
from openpyxl.reader.excel import SUPPORTED_FORMATS
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from python_calamine import CalamineWorkbook

from tieout.excel_templates.template_kit import MAX_ABS_AMOUNT, MAX_DATE, MIN_DATE, TemplateLayout

from .errors import InputError, Problem
from .parsing import DATE_FORMATS, AmountError, parse_amount

_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y")
_ONE_WAY = ("%d.%m.%Y", "%d.%m.%y") + DATE_FORMATS["dmy_mon"] + DATE_FORMATS["mon_dy"]
_ORDER_NAMES = {"us": "month first", "eu": "day first"}
_DRCR = re.compile(r"^(.*?)\s*(DR|CR)$", re.I)
_CODE = re.compile(r"(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])")
_HEADER_ROWS = 20  # how far down the header row of the lines sheet is looked for


@dataclass(frozen=True)
class TemplateSpec:
    """What a reader knows of one template beyond its layout: how it is named in messages, the error it
    raises, and how its lines state an amount (one signed column, or a money-in and a money-out column)."""

    layout: TemplateLayout
    name: str  # in "is this the Tieout <name>?"
    error: type[InputError]
    inflow: str  # key of the unsigned column that adds (+)
    outflow: str  # key of the unsigned column that takes away (-)
    negative_mark: str  # the text suffix, DR or CR, that makes a signed amount negative
    unsigned_rule: str  # the words after "negative (n): " in an unsigned column

    @property
    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.layout.columns}


class Cell(NamedTuple):
    """One cell as read: its value, where it is, and whether it is a formula Excel never calculated.
    (A NamedTuple, not a frozen dataclass: a 100,000-line template makes 800,000 of them, three times faster.)"""

    value: object
    row: int
    ref: str
    uncalculated: bool = False
    error: bool = False

    @property
    def empty(self) -> bool:
        return not self.uncalculated and (self.value is None or (isinstance(self.value, str)
                                                                 and not self.value.strip()))


@dataclass(frozen=True, slots=True)
class TwoWayDate:
    """A text date that reads both month-first and day-first; the file's other dates may settle it."""

    text: str
    us: dt.date
    eu: dt.date


class Bad(ValueError):
    """One cell's problem, turned into a Problem by the caller who knows the row and column."""


# ---- reading cells (python-calamine); anything a library raises on a broken file becomes spec.error ----

def read_template(path: Path, spec: TemplateSpec, *, by_content: bool = True):
    """(epoch, block field key -> Cell, header key -> column index, rows of cells) of a filled template.

    python-calamine reads the values: a 100,000-line template imports in about 3 s, where openpyxl's two passes
    took over 20 (tests/bench/bench_gl_template.py). What calamine does not tell (the date system, formulas
    Excel never calculated, error values, which it reads as empty) comes from the workbook's XML: see
    _workbook_parts and _marks.
    by_content=False refuses a file whose name is not that of an .xlsx/.xlsm workbook, as this reader always
    has (openpyxl's check and words); by_content=True judges the file by its content.
    """
    error = spec.error
    if not path.is_file():
        raise error(path, "file not found")
    try:
        if not by_content and path.suffix.lower() not in SUPPORTED_FORMATS:
            load_workbook(path, read_only=True)  # raises openpyxl's InvalidFileException, naming the format
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            epoch, parts = _workbook_parts(zf)
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))  # in memory: no file handle to close
            block, lines = (_calamine_sheet(path, zf, book, parts, name, spec)
                            for name in (spec.layout.block_sheet, spec.layout.lines_sheet))
            fields = _block_cells(block.cells, spec.layout.fields)
            header, rows = _line_cells(path, lines.cells, spec)
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
                                       if _local(el.tag) == "Relationship"}
    epoch, parts = CALENDAR_WINDOWS_1900, {}
    for el in book.iter():
        tag = _local(el.tag)
        if tag == "workbookPr" and (el.get("date1904") or "").strip().lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                parts[el.get("name") or ""] = (target.lstrip("/") if target.startswith("/")
                                               else posixpath.normpath(posixpath.join("xl", target)))
    return epoch, parts


def _local(tag) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _calamine_sheet(path: Path, zf, book, parts: dict[str, str], name: str, spec: TemplateSpec) -> _Sheet:
    for title in book.sheet_names:
        if title.strip().casefold() == name.casefold():
            part = parts.get(title)
            marks = _marks(zf.read(part)) if part in zf.namelist() else {}
            values = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            return _Sheet(title, values, marks)
    raise spec.error(path, Problem(f"sheet '{name}' not found (sheets: {', '.join(book.sheet_names)}); "
                                   f"is this the Tieout {spec.name}?", record=name))


# ---- what calamine reads as empty: formulas Excel never calculated, and error values ----
# A sheet's XML is searched, not parsed: the cells holding <f> or t="e" are found by plain substring searches
# within <sheetData> (C speed; parsing every cell of a 100,000-line sheet with lxml took 5 s) and only those
# cells are read. A sheet whose formula or error cells have no r= attribute (Excel always writes it) is
# parsed with lxml instead, counting rows and cells as openpyxl counts them.

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ENDS = frozenset(b" \t\r\n/>")  # the bytes that may follow a tag's name
_ERROR_SIGNS = (b't="e"', b"t='e'")
_ATTR = re.compile(rb"""\s(r|t)\s*=\s*["']([^"']*)["']""")
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)$")
_NEAR = 4096  # bytes from a cell's start to its <f> (or t="e"): a cell reference and a few attributes
_CELL_MAX = 1 << 20  # bytes of one cell: a formula (8,192 characters) and a value (32,767), escaped


def _marks(xml: bytes) -> dict[tuple[int, int], tuple[str, object]]:
    """The sheet's cells that calamine reads as empty but are not: ("formula", None) for a formula without a
    calculated value, ("error", "#N/A") for an error value."""
    root = _ROOT.search(xml, 0, 4096)
    ns = root.group(1) + b":" if root and root.group(1) else b""
    lo, hi = xml.find(b"<" + ns + b"sheetData"), xml.rfind(b"</" + ns + b"sheetData>")
    if lo < 0 or hi < 0:
        return {}
    starts = {_cell_start(xml, ns, i, lo) for i in _tags(xml, b"<" + ns + b"f", lo, hi)}
    for sign in _ERROR_SIGNS:
        starts.update(_cell_start(xml, ns, i, lo) for i in _find_all(xml, sign, lo, hi))
    starts.discard(-1)
    marks = {}
    for start in sorted(starts):
        cell = _cell_mark(xml, ns, start)
        if cell is None:
            return _marks_by_parsing(xml)
        if cell[1] is not None:
            marks[cell[0]] = cell[1]
    return marks


def _find_all(xml: bytes, sign: bytes, lo: int, hi: int):
    i = xml.find(sign, lo, hi)
    while i >= 0:
        yield i
        i = xml.find(sign, i + 1, hi)


def _tags(xml: bytes, name: bytes, lo: int, hi: int):
    """Positions of the element `name` (b"<f"), not of longer names (<family .../>)."""
    for i in _find_all(xml, name, lo, hi):
        if xml[i + len(name)] in _ENDS:
            yield i


def _cell_start(xml: bytes, ns: bytes, i: int, lo: int) -> int:
    """Where the <c> element holding position i starts (-1 if i is not inside one). <f> is a cell's first child
    and t="e" in its start tag, so the search looks a little way back only (a crafted file cannot make it slow)."""
    tag = b"<" + ns + b"c"
    lo = max(lo, i - _NEAR)
    start = xml.rfind(tag, lo, i + 1)
    while start >= 0 and xml[start + len(tag)] not in _ENDS:
        start = xml.rfind(tag, lo, start)
    if start < 0 or xml.rfind(b"</" + ns + b"c>", start, i) >= 0:
        return -1
    return start


def _cell_mark(xml: bytes, ns: bytes, start: int):
    """((row, column), mark or None) of the cell starting at `start`; None when it has no r= attribute."""
    head_end = xml.find(b">", start)
    attrs = dict(_ATTR.findall(xml[start:head_end]))
    m = _REF.match(attrs.get(b"r", b"").decode("ascii", "replace"))
    if not m:
        return None
    where = (int(m.group(2)), column_index_from_string(m.group(1)) - 1)
    if xml[head_end - 1] == ord("/"):
        body = b""
    else:
        end = xml.find(b"</" + ns + b"c>", head_end, head_end + _CELL_MAX)
        if end < 0:
            raise ValueError(f"a cell at byte {start} of a worksheet does not end")
        body = xml[head_end + 1:end]
    value = None
    v_at = next(_tags(body, b"<" + ns + b"v", 0, len(body)), -1)
    if v_at >= 0:
        v_end = body.find(b">", v_at)
        if body[v_end - 1] != ord("/"):
            value = xml_unescape(body[v_end + 1:body.find(b"</" + ns + b"v>", v_end)].decode("utf-8")) or None
    if value is None and next(_tags(body, b"<" + ns + b"f", 0, len(body)), -1) >= 0:
        return where, ("formula", None)  # first, as the former reader told "uncalculated" before "error"
    return where, (("error", value) if attrs.get(b"t") == b"e" else None)


def _marks_by_parsing(xml: bytes) -> dict[tuple[int, int], tuple[str, object]]:
    """_marks for a sheet whose cells lack r= attributes: every cell parsed, rows and cells counted."""
    marks, row, col = {}, 0, -1
    events = etree.iterparse(io.BytesIO(xml), events=("start", "end"), tag=("{*}row", "{*}c"),
                             resolve_entities=False, no_network=True, huge_tree=True)
    for event, el in events:
        if el.tag.endswith("row"):
            if event == "start":
                r = el.get("r")
                row, col = (int(r) if r else row + 1), -1
            else:
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
            continue
        if event == "start":
            continue
        m = _REF.match(el.get("r") or "")
        if m:
            row, col = int(m.group(2)), column_index_from_string(m.group(1)) - 1
        else:
            col += 1
        kids = {_local(k.tag): k for k in el}
        value = (kids["v"].text or None) if "v" in kids else None
        if "f" in kids and value is None:
            marks[row, col] = ("formula", None)
        elif el.get("t") == "e":
            marks[row, col] = ("error", value)
        el.clear()
    return marks


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


def _block_cells(sheet_cells, fields) -> dict[str, Cell]:
    """Field key -> the value cell beside its label (labels found by text, so inserted rows do no harm)."""
    labels = {f.label.casefold(): f.key for f in fields}
    found = {}
    for _, cells in sheet_cells((0, 1)):
        key = labels.get(str(cells[0].value or "").strip().casefold())
        if key and key not in found:
            found[key] = cells[1]
    return found


def _line_cells(path: Path, sheet_cells, spec: TemplateSpec):
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


# ---- the former reader (openpyxl, two passes): the reference the tests compare read_template with, and the
# benchmark's "before"; no product path calls it ----

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
            fields = _block_cells(sheet_cells(block_ws), layout.fields)
            header, rows = _line_cells(path, sheet_cells(lines_ws), spec)
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


# ---- checking values ----

class CellChecker:
    """Turns cells into values, collecting every problem instead of stopping at the first. A reader subclasses
    it with the records its template makes."""

    def __init__(self, epoch, spec: TemplateSpec):
        self.epoch = epoch
        self.spec = spec
        self.headers = spec.headers  # column key -> header, the field name of a line's problems
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.orders: dict[str, str] = {}  # "us"/"eu" -> a text date that reads only that way

    def bad(self, cell: Cell, field: str, problem: str) -> None:
        self.problems.append(Problem(f"{problem} (cell {cell.ref})", line=cell.row, field=field))

    def signed(self, value, currency: str) -> Decimal:
        return signed_amount(value, currency, self.spec.negative_mark)

    def unsigned(self, value, currency: str) -> Decimal:
        return unsigned_amount(value, currency, self.spec.unsigned_rule)

    def block(self, fields, assumed: dict | None = None) -> tuple[dict, dict]:
        """The label/value block: field key -> value, and field key -> Cell. `assumed` (field key -> value)
        stands in for an empty cell (import options: what to assume when the file does not say)."""
        head, cells = {}, {}
        assumed = assumed or {}
        for f in self.spec.layout.fields:  # currency comes before the amounts, which need its minor unit
            if f.key not in fields:
                if f.required:
                    self.problems.append(Problem(f"label '{f.label}' not found in column A", field=f.label,
                                                 record=self.spec.layout.block_sheet))
                continue
            cell = cells[f.key] = fields[f.key]
            currency = head.get("currency") or ""
            convert = {"text": to_text, "currency": to_currency, "date": self.date,
                       "amount": lambda v, c=currency: self.signed(v, c)}[f.kind]
            if cell.empty and assumed.get(f.key):
                value = self.value(Cell(assumed[f.key], cell.row, cell.ref), f.label, convert)
            else:
                value = self.value(cell, f.label, convert, required=f.required)
            if f.kind == "amount" and value is not None:
                value = self.money(cell, f.label, value, minor_units(currency))
            head[f.key] = value
        return head, cells

    def settle_block(self, head: dict, cells: dict) -> None:
        """Settle the block's text dates that read two ways (once every date of the file has been seen)."""
        for f in self.spec.layout.fields:
            if isinstance(head.get(f.key), TwoWayDate):
                head[f.key] = self.resolve(cells[f.key], f.label, head[f.key])

    def value(self, cell: Cell, field: str, convert, required: bool = False):
        """The converted value; "" for an empty optional cell; None after a problem (reported)."""
        if cell.uncalculated:
            self.bad(cell, field, "formula without a calculated value: open and save the file in Excel, "
                                  "or type the value")
            return None
        if cell.error:
            self.bad(cell, field, f"the cell shows the error {cell.value}")
            return None
        v = cell.value  # cell.empty, inlined: called for every cell of every line
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.bad(cell, field, "missing")
                return None
            return ""
        try:
            return convert(v)
        except Bad as exc:
            self.bad(cell, field, str(exc))
            return None

    def amount(self, get: dict[str, Cell], units: int, currency: str) -> Decimal | None:
        """The signed amount from Amount, or from the inflow (+) / outflow (-) column; None after a problem."""
        heads, inflow, outflow = self.headers, self.spec.inflow, self.spec.outflow
        found, failed = {}, False
        for key in ("amount", inflow, outflow):
            if key not in get:
                continue
            convert = self.signed if key == "amount" else self.unsigned
            value = self.value(get[key], heads[key], lambda v, f=convert: f(v, currency))
            if value not in (None, ""):
                value = self.money(get[key], heads[key], value, units)
            if value is None:
                failed = True
            elif value != "":
                found[key] = value
        if failed:
            return None
        nonzero = [k for k, v in found.items() if v != 0]
        if len(nonzero) > 1:
            names = [heads[k] for k in nonzero]
            field = f"{heads[inflow]}/{heads[outflow]}" if nonzero == [inflow, outflow] else heads["amount"]
            self.bad(get[nonzero[0]], field, f"{' and '.join(names)} are {'both' if len(names) == 2 else 'all'} "
                                             f"filled: a line has one of {heads['amount']}, {heads[inflow]} or "
                                             f"{heads[outflow]}")
            return None
        if not nonzero:
            if found:
                key = next(iter(found))
                self.bad(get[key], heads[key], "amount is zero: type the amount, or clear the row")
            else:
                cell = get.get("amount") or get[inflow]
                self.bad(cell, heads["amount"], f"no amount: fill {heads['amount']}, or {heads[inflow]}, or "
                                                f"{heads[outflow]}")
            return None
        key = nonzero[0]
        return -found[key] if key == outflow else found[key]

    def money(self, cell, field, value: Decimal, units: int) -> Decimal | None:
        """The amount at the currency's minor unit; None (reported) when too large or too precise."""
        if abs(value) > MAX_ABS_AMOUNT:
            self.bad(cell, field, f"{value} is larger than {MAX_ABS_AMOUNT} (a typo?)")
            return None
        exact = value.quantize(Decimal(1).scaleb(-units))
        if exact != value:
            self.bad(cell, field, f"{value} has more than {units} decimal places")
            return None
        return exact

    def date(self, value) -> dt.date | TwoWayDate:
        result = to_date(value, self.epoch, self.orders)
        if isinstance(result, dt.date) and not MIN_DATE <= result <= MAX_DATE:
            raise Bad(f"date {result} is outside {MIN_DATE} .. {MAX_DATE} (a typo?)")
        return result

    def resolve(self, cell: Cell, field: str, d: TwoWayDate) -> dt.date | None:
        """A two-way date read in the one order the file's other text dates show; None (reported) otherwise."""
        if len(self.orders) == 1:
            (order, example), = self.orders.items()
            note = f"text dates that read two ways (such as {d.text!r}) were read {_ORDER_NAMES[order]}, " \
                   f"as {example} shows"
            if not any(w.startswith("text dates that read two ways") for w in self.warnings):
                self.warnings.append(note)
            return d.us if order == "us" else d.eu
        why = ("the file's text dates use both orders" if self.orders
               else "no other text date in the file shows the order")
        self.bad(cell, field, f"{d.text!r} reads as {d.us} (month first) or {d.eu} (day first) and {why}: "
                              "type it as yyyy-mm-dd")
        return None


# ---- converters: value -> Python value, or Bad with the problem in plain words ----

def to_text(value) -> str:
    if value.__class__ is str:  # the usual case, first
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def to_currency(value) -> str:
    code = to_text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise Bad(f"not a three-letter currency code: {value!r}")
    if not is_iso_currency(code):
        raise Bad(f"{code} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


def minor_units(code: str) -> int:
    """Decimal places of the currency (JPY 0, USD 2, KWD 3); 2 when unknown or not defined (gold, SDR)."""
    try:
        exponent = Currency(code).exponent
    except ValueError:
        return 2
    return 2 if exponent is None else exponent


def is_iso_currency(code: str) -> bool:
    try:
        Currency(code)
    except ValueError:
        return False
    return True


def to_number(value) -> Decimal:
    """A cell value to an exact Decimal. Floats keep Excel's 15 significant digits, so 0.1+0.2 is 0.3."""
    if isinstance(value, bool):
        raise Bad(f"{'TRUE' if value else 'FALSE'} is not an amount")
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise Bad(f"a date or time ({to_text(value)}), not an amount")
    text = str(value).strip()
    try:
        return parse_amount(text)
    except AmountError:
        raise Bad(f"not a number: {text!r}") from None


def signed_amount(value, currency: str, negative_mark: str) -> Decimal:
    """A signed amount; text may end in DR or CR, `negative_mark` being the one that means minus: CR in the
    GL (a credit to cash), DR on a bank statement (money out, as banks print it)."""
    if isinstance(value, str):
        check_code(value, currency)
        m = _DRCR.match(value.strip())
        if m:
            number = to_number(m.group(1))
            if number < 0:
                raise Bad(f"both a minus sign and {m.group(2).upper()}: {value.strip()!r}")
            return -number if m.group(2).upper() == negative_mark else number
    return to_number(value)


def unsigned_amount(value, currency: str, rule: str) -> Decimal:
    """A money-in or money-out column: a positive number, the column giving the sign; `rule` says so."""
    if isinstance(value, str):
        check_code(value, currency)
    number = to_number(value)
    if number < 0:
        raise Bad(f"negative ({number}): {rule}")
    return number


def check_code(text: str, currency: str) -> None:
    """parse_amount drops a currency code; one that is not the template's currency must not pass silently.
    Other three-letter words (not ISO 4217 codes) are left to the number check, which calls them not a number."""
    for word in _CODE.findall(text):
        code = word.upper()
        if currency and code != currency and is_iso_currency(code):
            raise Bad(f"{text.strip()!r} is in {code}, but the template's currency is {currency}")


def to_date(value, epoch, orders: dict) -> dt.date | TwoWayDate:
    """A cell value to a date; a text date that reads two ways becomes a TwoWayDate, one that reads one way
    only records its order in `orders`."""
    if isinstance(value, bool):
        raise Bad(f"{'TRUE' if value else 'FALSE'} is not a date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (dt.time, dt.timedelta)):
        raise Bad(f"a time ({value}), not a date")
    if isinstance(value, (int, float, Decimal)):
        return _serial_date(value, epoch)
    return _text_date(str(value).strip(), orders)


def _serial_date(value, epoch) -> dt.date:
    if not math.isfinite(value):
        raise Bad(f"not a date: {value}")
    if value == int(value) and 19000101 <= value <= 29991231:  # 20240315 typed as a number
        try:
            return dt.datetime.strptime(str(int(value)), "%Y%m%d").date()
        except ValueError:
            raise Bad(f"not a date: {value}") from None
    if not 1 <= value < 2958466:
        raise Bad(f"not a date: {value} is no Excel date number")
    return from_excel(float(value), epoch).date()


def _text_date(text: str, orders: dict) -> dt.date | TwoWayDate:
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    one_way = _first_in_range(text, _ONE_WAY)
    if one_way:
        return one_way
    us, eu = _first_in_range(text, _MONTH_FIRST), _first_in_range(text, _DAY_FIRST)
    if us and eu and us != eu:
        return TwoWayDate(text, us, eu)
    if us or eu:
        if us != eu:
            orders.setdefault("us" if us else "eu", repr(text))
        return us or eu
    raise Bad(f"not a date: {text!r} (type it as yyyy-mm-dd)")


def _first_in_range(text: str, codes) -> dt.date | None:
    """The first reading in the template's date range: "03/15/24" is 2024-03-15, not the year 24 of %Y."""
    for code in codes:
        try:
            d = dt.datetime.strptime(text, code).date()
        except ValueError:
            continue
        if MIN_DATE <= d <= MAX_DATE:
            return d
    return None
