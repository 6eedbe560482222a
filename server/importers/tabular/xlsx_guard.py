"""How far each worksheet of an .xlsx reaches, and which rows it hides, from one XML pass over the sheet before
python-calamine opens it.

calamine builds a dense grid from the first to the last cell holding a value, and aborts the whole process when
that cannot be allocated: one stray cell at XFD1048576 asks for 17 billion cells. No exception is raised that
could be caught, so the extent is measured here first. A byte pattern is not enough (attacked in issue 13:
single quotes, spaces around `=`, cells without `r`, rows in 10 digits slipped past it), so this is an XML parse
(expat, streaming, constant memory) that places every cell as calamine does: a cell's `r`, or else one column
right of the previous cell; a row's `r`, or else the row after the previous one. Where calamine's placement
depends on what the XML API hides (`<c/>` or `<c></c>`), the larger one is taken, so the extent found is never
smaller than calamine's; a cell between rows (not a valid sheet) may sit one row lower there, which is nothing
against the millions of cells that make a sheet too large. A reference beyond Excel's grid is refused as such.

A sheet may also be within the cell budget and still cost far more than its values: calamine hands over every
row of the used range, and the importer reads each one (one stray cell at row 818,779 under a five-line
statement cost 24 s of CPU). So the walk also counts the rows that hold a value, and a sheet whose used range is
mostly empty rows below its data is refused before it is read, naming the stray cell (SPARSE_ROWS, SPARSE_FACTOR).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

import defusedxml.ElementTree as SafeET

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_SHEET_XML_BYTES = 2_000_000_000  # a full 1,048,576-row sheet of 26 columns is well under this
_CHUNK = 1 << 20
# A used range of more rows than this, of which more than SPARSE_FACTOR times as many are empty as hold a value,
# is a stray cell far from the data, not a statement: no bank export leaves 90% of 10,000 rows blank.
SPARSE_ROWS, SPARSE_FACTOR = 10_000, 9
_REF = re.compile(r"([A-Za-z]*)([0-9]+)")
_DIGITS = "0123456789"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL, _ROW, _DIMENSION, _OTHER = "c", "row", "dimension", ""
_KINDS = {_CELL: _CELL, _ROW: _ROW, _DIMENSION: _DIMENSION}  # the local name's own constant: compared with `is`


@dataclass(frozen=True)
class SheetSurvey:
    """rows, columns: how far values reach (1-based; 0 for an empty sheet); hidden: numbers of the rows the
    workbook hides; problem: why the sheet must not be read at all (a reference beyond Excel's grid, XML over
    2 GB, an entity declaration); value_rows: how many rows hold a value; far_cell: the first value of the last
    row (its A1 reference); above: the last row holding a value above that one (0: none)."""

    rows: int
    columns: int
    hidden: frozenset[int]
    problem: str | None = None
    value_rows: int = 0
    far_cell: str = ""
    above: int = 0

    def refusal(self, max_cells: int) -> str | None:
        """Why calamine must not read this sheet (it would abort the process), or None."""
        if self.problem:
            return f"{self.problem}; the sheet was not read"
        cells = self.rows * self.columns
        if cells > max_cells:
            return (f"the used range reaches row {self.rows:,}, column {self.columns:,} ({cells:,} cells): too "
                    "large for a statement; delete the stray cells far from the data")
        empty = self.rows - self.value_rows
        if self.rows > SPARSE_ROWS and empty > SPARSE_FACTOR * self.value_rows:
            where = f"the sheet's other values (which end at row {self.above:,})" if self.above else "the top"
            return (f"row {self.rows:,} holds a value (cell {self.far_cell}) {self.rows - self.above - 1:,} empty "
                    f"rows below {where}; only {self.value_rows:,} of its {self.rows:,} rows hold anything: delete "
                    "the stray cell and save the file again; the sheet was not read")
        return None


class _Refused(Exception):
    pass


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    """1 -> A, 27 -> AA (written here: openpyxl's helper would load openpyxl into every import)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _position(ref: str, cell: bool) -> tuple[int, int]:
    """(row, column), 0-based, of a cell reference as calamine reads it (letters of any case, then digits);
    a row's `r` may lack the letters."""
    m = _REF.fullmatch(ref)
    if m is None or (cell and not m.group(1)):
        raise _Refused(f"{'cell' if cell else 'row'} reference {ref[:40]!r} is not a cell reference")
    row, column = int(m.group(2)), _column_number(m.group(1))
    if not 1 <= row <= EXCEL_ROWS or column > EXCEL_COLUMNS:
        raise _Refused(f"{'cell' if cell else 'row'} reference {ref[:40]!r} is beyond Excel's last cell "
                       "XFD1048576")
    return row - 1, column - 1


class _Walk:
    """The expat handler: start tags only (calamine's end of a row is the next row's start here).

    `start` is called for every element of the sheet (a 20,000-line sheet has some 350,000), so its state lives
    in the closure's local variables and the attributes arrive as expat's flat list (ordered_attributes), not
    as attributes of this object and a dict per element: the same rules, some 30% less CPU (issue 17: 1.02 ->
    0.72 s on a 20,000-line GL template; expat with a handler that does nothing costs about 0.45 s of that)."""

    def __init__(self):
        self.hidden: set[int] = set()
        self.start, self._placed = self._handler()

    def placed(self) -> tuple[int, int, int, int, tuple[int, int]]:
        """(last row, last column, value rows, the value row above the last one, the last row's first value),
        0-based, -1 for none."""
        return self._placed()

    def _handler(self):
        kinds: dict[str, str] = {}
        hidden = self.hidden
        columns: dict[str, int] = {}  # column letters -> number, for the few distinct short ones a sheet has
        row = col = 0
        last_row = last_col = -1
        rows_seen = row_has_cells = False
        pending = None  # a cell whose value (a child element) may follow
        value_rows = 0
        value_row = above = -1  # the row of the latest value placed, and the value row before it
        far = (-1, -1)

        def place(ref: str, cell: bool) -> tuple[int, int]:
            """_position, quicker for a cell whose column letters were seen before: split off the digits in C
            and look the letters up (only letters _REF accepted are kept), instead of a regex per cell."""
            letters = ref.rstrip(_DIGITS)
            column = columns.get(letters) if letters else None
            if column is not None and len(letters) < len(ref):
                r = int(ref[len(letters):])
                if 1 <= r <= EXCEL_ROWS and column <= EXCEL_COLUMNS:
                    return r - 1, column - 1
            m = _REF.fullmatch(ref)
            if m is not None and 1 <= len(m.group(1)) <= 3:
                columns[m.group(1)] = _column_number(m.group(1))
            return _position(ref, cell)

        def attribute(attrs: list, name: str):
            for i in range(0, len(attrs), 2):
                if attrs[i] == name:
                    return attrs[i + 1]
            return None

        def start(tag: str, attrs: list) -> None:
            nonlocal row, col, last_row, last_col, rows_seen, row_has_cells, pending, value_rows, value_row, \
                above, far
            kind = kinds.get(tag)
            if kind is None:
                kind = kinds[tag] = _KINDS.get(tag.rpartition(":")[2], _OTHER)
            if kind is _OTHER:
                if pending is not None:  # the cell has a value: calamine places it
                    r, c = pending
                    if r != value_row:
                        value_rows += 1
                        if r > last_row:
                            far, above = pending, max(last_row, above)
                        value_row = r
                    if r > last_row:
                        last_row = r
                    if c > last_col:
                        last_col = c
                    pending = None
                return
            pending = None
            if kind is _CELL:
                ref = attrs[1] if attrs and attrs[0] == "r" else attribute(attrs, "r")
                if ref is None:
                    pending = (row, col)
                else:
                    pending = place(ref, True)
                    if pending[1] > col:
                        col = pending[1]
                col += 1
                row_has_cells = True
            elif kind is _ROW:
                if rows_seen:  # the previous row ended
                    row += 1
                    if row_has_cells:
                        col = 0
                rows_seen, row_has_cells = True, False
                ref = attribute(attrs, "r")
                if ref is not None:
                    row = max(row, place(ref, False)[0])
                if attribute(attrs, "hidden") in ("1", "true"):
                    hidden.add(row + 1)
            else:
                for part in (attribute(attrs, "ref") or "").split(":"):
                    if part:
                        place(part, True)

        def placed():
            return last_row, last_col, value_rows, above, far

        return start, placed


def _refuse_entities(*_args) -> None:
    raise _Refused("the sheet's XML declares entities, which no spreadsheet writes")


def survey_part(zf: zipfile.ZipFile, part: str) -> SheetSurvey:
    """One sheet's survey, reading its XML in chunks."""
    walk = _Walk()
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.StartElementHandler = walk.start
    parser.EntityDeclHandler = _refuse_entities
    seen = 0
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                seen += len(chunk)
                if seen > MAX_SHEET_XML_BYTES:
                    raise _Refused("the sheet's data is over 2 GB")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused as exc:
        last_row, last_col = walk.placed()[:2]
        return SheetSurvey(last_row + 1, last_col + 1, frozenset(walk.hidden), str(exc))
    except expat.ExpatError:  # broken XML: calamine raises for it; what was placed before the break still counts
        pass
    last_row, last_col, value_rows, above, (row, col) = walk.placed()
    far = f"{_column_letters(col + 1)}{row + 1}" if row >= 0 else ""
    return SheetSurvey(last_row + 1, last_col + 1, frozenset(walk.hidden), None, value_rows, far, above + 1)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip part, from xl/workbook.xml and its relationships."""
    book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = part
    return parts


def survey(path) -> dict[str, SheetSurvey]:
    """Sheet name -> its survey, for every sheet the workbook lists. A workbook too broken to list its sheets
    gives {}: calamine reports such files itself (it raises for them; only oversized grids abort it). XML that
    breaks off inside a sheet ends that sheet's survey where it broke, with what was placed so far."""
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, part in _sheet_parts(zf).items():
                if part in names:
                    out[name] = survey_part(zf, part)
    except Exception:  # noqa: BLE001 - a pre-check only: broken zips, bad workbook.xml, defusedxml's refusals
        return out
    return out

