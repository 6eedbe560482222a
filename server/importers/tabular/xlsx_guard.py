"""How far each worksheet of an .xlsx reaches, read from its XML before python-calamine opens it.

calamine builds a dense grid from the first to the last used cell, and aborts the whole process when that
cannot be allocated: one stray cell at XFD1048576 asks for 17 billion cells. No exception is raised that
could be caught, so the extent is checked here first, by a byte search of the sheet's XML for long cell
references (a bound, not a parse: 26 columns x 99,999 rows is assumed until a longer reference shows).
"""
from __future__ import annotations

import posixpath
import re
import zipfile

import defusedxml.ElementTree as SafeET

# Any reference below these bounds keeps a sheet under 7 million cells (2 letters x 4-digit rows, 1 letter x
# 5-digit rows); only a sheet with a reference beyond them is measured.
# No \b before r=: it would stop the regex engine's fast literal search (5x slower); an attribute whose name
# merely ends in "r" can only make the bound larger, never hide a far cell.
_LONG_ROW = re.compile(rb'r="[A-Z]{1,3}(\d{6,7})"')
_LONG_COLUMN = re.compile(rb'r="([A-Z]{2,3})\d{1,7}"')
_CHUNK = 1 << 20
MAX_SHEET_XML_BYTES = 2_000_000_000  # a full 1,048,576-row sheet of 26 columns is well under this
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


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


def _bodies(zf: zipfile.ZipFile, part: str):
    """A sheet's XML in chunks that never cut a tag (the rest of a tag is carried into the next chunk), with
    the bytes read so far."""
    tail = b""
    seen = 0
    with zf.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            seen += len(chunk)
            data = tail + chunk
            cut = data.rfind(b"<")
            yield (data[:cut] if cut > 0 else data), seen
            tail = data[cut:] if cut > 0 else b""
    if tail:
        yield tail, seen


def _extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """An upper bound of (last row, last column); None when the sheet's XML alone is beyond any statement
    (a zip bomb). Only long references are collected (rows of six digits or more, columns of two letters or
    more), so a sheet of ordinary rows costs one byte search, not a parse."""
    rows, cols = 99_999, 26
    for body, seen in _bodies(zf, part):
        if seen > MAX_SHEET_XML_BYTES:
            return None
        for digits in _LONG_ROW.findall(body):
            rows = max(rows, int(digits))
        for letters in _LONG_COLUMN.findall(body):
            cols = max(cols, _column_number(letters))
    return rows, cols


_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def hidden_rows(path) -> dict[str, frozenset[int]]:
    """Sheet name -> 1-based numbers of the rows the workbook hides (a bank portal's filter hides rows that are
    not part of the export); calamine reads hidden rows like any other. A byte search, chunk by chunk."""
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, part in _sheet_parts(zf).items():
                if part not in names:
                    continue
                found = set()
                for body, _ in _bodies(zf, part):
                    for m in _HIDDEN_ROW.finditer(body):
                        number = _ROW_NUMBER.search(m.group(0))
                        if number:
                            found.add(int(number.group(1)))
                if found:
                    out[name] = frozenset(found)
    except Exception:  # noqa: BLE001 - broken workbooks are reported by calamine when it reads them
        return out
    return out


def oversized_sheets(path, max_cells: int) -> dict[str, tuple[int, int] | None]:
    """Sheets whose used range holds more than max_cells cells: name -> (last row, last column), or None
    when the sheet's XML is too large to be a statement at all."""
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, part in _sheet_parts(zf).items():
                if part not in names:
                    continue
                extent = _extent(zf, part)
                if extent is None or extent[0] * extent[1] > max_cells:
                    out[name] = extent
    except Exception:  # noqa: BLE001 - a pre-check only: broken zips, bad XML, defusedxml's refusals...
        return out  # ...are reported by calamine, which raises for them (only oversized grids abort it)
    return out
