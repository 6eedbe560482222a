"""A table's data rows as worksheet XML, generated straight from the handler's rows.

Why not openpyxl: it would build a cell object per value and walk them all again to save (most of a button
press at 20,000 lines). The XML written here is, cell for cell and byte for byte, what openpyxl writes for the
cells `xlsx_table.write_table` makes followed by `XlsxWorkbook.protect` (the tests compare both on the same
tables): the same values (`xlsx_table.cell_target`), number formats and locks as style ids of openpyxl's own
style table, text as inline strings (never a formula; other than ASCII as character references, as lxml writes it),
numbers as openpyxl formats them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

from openpyxl.cell.cell import ERROR_CODES, get_time_format
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import to_excel

from ...excel_templates.sheet_writer import DATE_FORMAT
from ..xlsx_table import KIND_FORMAT, MAX_TEXT, cell_target

ROWS_PER_CHUNK = 2000


def unlocked_cells(refs: Sequence[str]) -> dict[int, frozenset[int]]:
    """Row -> the columns left editable by the A1 ranges `refs` (as openpyxl's ws[ref] reaches them)."""
    out: dict[int, frozenset[int]] = {}
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        cols = frozenset(range(min_col, max_col + 1))
        for r in range(min_row, max_row + 1):
            have = out.get(r)
            out[r] = cols if have is None else have | cols
    return out


def _text(value: str) -> str:
    """Text content escaped as lxml escapes it (a CR kept as a character reference)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def dimension(width: int, rows: Sequence[Sequence], first_row: int, unlocked: dict[int, frozenset[int]]) -> bytes:
    """The <dimension> openpyxl writes: every cell object from the header down, empty ones included (the frozen
    pane's cell, first under the header, is one even in an empty table)."""
    last = max((first_row + n for n, values in enumerate(rows, start=1) if values), default=first_row + 1)
    last = max([last, *unlocked])
    right = max([width, *(max(c) for c in unlocked.values())])
    return f'<dimension ref="A{first_row}:{get_column_letter(right)}{last}"/>'.encode()


def table_rows(kinds: Sequence[str], rows: Sequence[Sequence], first_row: int, unlocked: dict[int, frozenset[int]],
               style_id: Callable[[str | None, bool], int | None], epoch) -> Iterator[bytes]:
    """<row> elements for the data rows below the header at `first_row`, then the editable cells below them.

    style_id(number format, unlocked) is the cell style's index in the workbook's styles (None: no style); it
    is asked in the order openpyxl meets the cells, so new styles get the indices openpyxl would give them.
    Text, Decimals, dates and blanks, nearly every cell, take a direct path; other values go through
    `cell_target` (the tests compare both with openpyxl's output)."""
    width = max([len(kinds), *(max(c) for c in unlocked.values())])
    letters = [get_column_letter(c) for c in range(1, width + 1)]
    ids: dict[tuple, str] = {}

    def attr(fmt, open_):
        key = (fmt, open_)
        s = ids.get(key)
        if s is None:
            sid = style_id(fmt, open_)
            s = ids[key] = "" if sid is None else f' s="{sid}"'
        return s

    plain_fmt = [KIND_FORMAT.get(k) for k in kinds]
    date_fmt = [f or (DATE_FORMAT if k == "date" else get_time_format(dt.date)) for f, k in zip(plain_fmt, kinds)]
    serials: dict[dt.date, str] = {}  # a month's lines share a few dozen dates
    out: list[str] = []
    last = first_row
    no_cells: frozenset[int] = frozenset()
    for n, values in enumerate(rows or [()], start=1):
        r = last = first_row + n
        open_cols = unlocked.get(r, no_cells)
        cells = []
        c = 0
        for c, (kind, value) in enumerate(zip(kinds, values), start=1):
            ref = letters[c - 1]
            t = type(value)
            if t is str and value and len(value) <= MAX_TEXT and value not in ERROR_CODES:
                s = attr(plain_fmt[c - 1], c in open_cols)
                pre = ' xml:space="preserve"' if value != value.strip() else ""
                cells.append(f'<c r="{ref}{r}"{s} t="inlineStr"><is><t{pre}>{_text(value)}</t></is></c>')
            elif value is None or (t is str and not value):
                s = attr(plain_fmt[c - 1], c in open_cols)
                if s:
                    cells.append(f'<c r="{ref}{r}"{s} t="n"></c>')
            elif (t is Decimal and value.is_finite()) or t is int:
                s = attr(plain_fmt[c - 1], c in open_cols)
                cells.append(f'<c r="{ref}{r}"{s} t="n"><v>{"%.16g" % value}</v></c>')
            elif t is dt.date:
                s = attr(date_fmt[c - 1], c in open_cols)
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = safe_string(to_excel(value, epoch))
                cells.append(f'<c r="{ref}{r}"{s} t="n"><v>{serial}</v></c>')
            else:
                cells.append(_other_cell(f"{ref}{r}", value, kind, attr, c in open_cols, epoch))
        if open_cols:
            cells += [f'<c r="{letters[k - 1]}{r}"{attr(None, True)} t="n"></c>' for k in sorted(open_cols) if k > c]
        if c or open_cols or n == 1:  # the first row holds the frozen pane's cell
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(out) >= ROWS_PER_CHUNK:
            yield "".join(out).encode("ascii", "xmlcharrefreplace")
            out = []
    s = attr(None, True) if unlocked else ""
    for r in sorted(k for k in unlocked if k > last):
        out.append(f'<row r="{r}">' + "".join(f'<c r="{letters[k - 1]}{r}"{s} t="n"></c>'
                                              for k in sorted(unlocked[r])) + "</row>")
    yield "".join(out).encode("ascii", "xmlcharrefreplace")


def _other_cell(ref: str, value, kind: str, attr, unlocked: bool, epoch) -> str:
    """A cell of any other value `cell_target` takes (numbers, booleans, datetimes, error codes, long text)."""
    stored, data_type, fmt = cell_target(value, kind)
    s = attr(fmt, unlocked)
    if data_type == "s":
        pre = ' xml:space="preserve"' if stored != stored.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{pre}>{_text(stored)}</t></is></c>'
    if stored is None:
        return f'<c r="{ref}"{s} t="n"></c>' if s else ""
    if data_type == "d":
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(to_excel(stored, epoch))}</v></c>'
    v = _text(stored) if data_type == "e" else safe_string(stored)
    return f'<c r="{ref}"{s} t="{data_type}"><v>{v}</v></c>'
