"""What python-calamine reads as empty but is not: formulas Excel never calculated, and error values (#N/A...),
found in a worksheet's XML so that template_read.py can refuse those cells instead of skipping them.
"""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import unescape as xml_unescape

from lxml import etree

from ..importers.tabular.xlsx_guard import _column_number as column_index_from_string  # not openpyxl's (see
# template_read.SUPPORTED_FORMATS)

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


def sheet_marks(xml: bytes) -> dict[tuple[int, int], tuple[str, object]]:
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
        kids = {local_name(k.tag): k for k in el}
        value = (kids["v"].text or None) if "v" in kids else None
        if "f" in kids and value is None:
            marks[row, col] = ("formula", None)
        elif el.get("t") == "e":
            marks[row, col] = ("error", value)
        el.clear()
    return marks


def local_name(tag) -> str:
    """An element's name without its namespace (transitional and strict OOXML differ in namespace only)."""
    return str(tag).rsplit("}", 1)[-1]
