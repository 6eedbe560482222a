"""A table's data rows as worksheet XML, generated straight from the handler's rows.

Why not openpyxl: it would build a cell object per value and walk them all again to save (most of a button
press at 20,000 lines). The XML written here is, cell for cell and byte for byte, what openpyxl writes for the
cells `xlsx_table.write_table` makes followed by `XlsxWorkbook.protect` (the tests compare both on the same
tables): the same values (`xlsx_table.cell_target`), number formats and locks as style ids of openpyxl's own
style table, text as inline strings (never a formula; other than ASCII as character references, as lxml writes it),
numbers as openpyxl formats them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import to_excel

from ..xlsx_table import cell_target

ROWS_PER_CHUNK = 2000


def unlocked_cells(refs: Sequence[str]) -> dict[int, frozenset[int]]:
    """Row -> the columns left editable by the A1 ranges `refs` (as openpyxl's ws[ref] reaches them)."""
    out: dict[int, set[int]] = {}
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        cols = range(min_col, max_col + 1)
        for r in range(min_row, max_row + 1):
            out.setdefault(r, set()).update(cols)
    return {r: frozenset(c) for r, c in out.items()}


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

    style_id(number format, unlocked) is the cell style's index in the workbook's styles (None: no style)."""
    letters = [get_column_letter(c) for c in range(1, max([len(kinds), *(max(c) for c in unlocked.values())]) + 1)]
    ids: dict[tuple, str] = {}

    def attr(fmt, open_):
        key = (fmt, open_)
        s = ids.get(key)
        if s is None:
            sid = style_id(fmt, open_)
            s = ids[key] = "" if sid is None else f' s="{sid}"'
        return s

    out: list[str] = []
    last = first_row
    no_cells: frozenset[int] = frozenset()
    for n, values in enumerate(rows or [()], start=1):
        r = last = first_row + n
        open_cols = unlocked.get(r, no_cells)
        cells = []
        c = 0
        for c, (kind, value) in enumerate(zip(kinds, values), start=1):
            stored, data_type, fmt = cell_target(value, kind)
            s = attr(fmt, c in open_cols)
            ref = letters[c - 1]
            if data_type == "s":
                pre = ' xml:space="preserve"' if stored != stored.strip() else ""
                cells.append(f'<c r="{ref}{r}"{s} t="inlineStr"><is><t{pre}>{_text(stored)}</t></is></c>')
            elif stored is None:
                if s:
                    cells.append(f'<c r="{ref}{r}"{s} t="n"></c>')
            elif data_type == "d":
                cells.append(f'<c r="{ref}{r}"{s} t="n"><v>{safe_string(to_excel(stored, epoch))}</v></c>')
            else:
                v = _text(stored) if data_type == "e" else safe_string(stored)
                cells.append(f'<c r="{ref}{r}"{s} t="{data_type}"><v>{v}</v></c>')
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
