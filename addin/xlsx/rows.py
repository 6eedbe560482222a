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
from itertools import chain
from decimal import Decimal

from openpyxl.cell.cell import ERROR_CODES, get_time_format
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import to_excel

from ...excel_templates.sheet_writer import DATE_FORMAT
from ..xlsx_table import KIND_FORMAT, MAX_TEXT, cell_target



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


# What a value is to the writer: text written directly, a blank, a number, a date, or anything else (bools, floats,
# datetimes, error codes, text longer than a cell), which goes through `cell_target` one cell at a time.
TEXT, BLANK, NUMBER, DATE, OTHER = range(5)


def table_rows(kinds: Sequence[str], rows: Sequence[Sequence], first_row: int, unlocked: dict[int, frozenset[int]],
               style_id: Callable[[str | None, bool], int | None], epoch) -> Iterator[bytes]:
    """<row> elements for the data rows below the header at `first_row`, then the editable cells below them.

    style_id(number format, unlocked) is the cell style's index in the workbook's styles (None: no style); it
    is asked in the order openpyxl meets the cells, so new styles get the indices openpyxl would give them.

    This is the innermost loop of a button press (a million cells at 100,000 lines), so a table of texts,
    numbers, dates and blanks (what Tieout's tables hold) is written a column at a time: each column's values
    are classed, its texts escaped in one pass, its cells formatted in one comprehension, and the rows are the
    columns interleaved. Any other table (a bool, float or datetime, rows of fewer values) is written cell by
    cell (`_Writer.cells`), as the tests compare both with openpyxl."""
    width = max([len(kinds), *(max(c) for c in unlocked.values())])
    writer = _Writer(kinds, width, style_id, epoch)
    rows = rows or [()]
    numbers = range(first_row + 1, first_row + 1 + len(rows))
    no_cells: frozenset[int] = frozenset()
    opens = [unlocked.get(r, no_cells) for r in numbers] if unlocked else None
    columns = writer.columns(rows)
    classes = None if columns is None else writer.classes(columns)
    for start in range(0, len(rows), ROWS_PER_BLOCK):
        part = slice(start, start + ROWS_PER_BLOCK)
        if classes is None:
            out = [writer.cells(r, values, opens[i] if opens else no_cells, r == first_row + 1)
                   for i, r, values in zip(range(start, len(rows)), numbers[part], rows[part])]
        else:
            out = writer.block(numbers[part], [c[part] for c in columns], [c[part] for c in classes],
                               opens and opens[part])
        yield "".join(out).encode("ascii", "xmlcharrefreplace")
    below = sorted(k for k in unlocked if k > first_row + len(rows))
    s = writer.attr(None, True) if below else ""  # asked only when a cell needs it, as openpyxl meets cells
    tail = [f'<row r="{r}">' + "".join(f'<c r="{writer.letters[k - 1]}{r}"{s} t="n"></c>'
                                       for k in sorted(unlocked[r])) + "</row>"
            for r in below]
    yield "".join(tail).encode("ascii", "xmlcharrefreplace")


ROWS_PER_BLOCK = 8192
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # as lxml escapes text content


class _Writer:
    """The per-table state of `table_rows`: the style attributes asked so far and the date serials made."""

    def __init__(self, kinds: Sequence[str], width: int, style_id, epoch):
        self.kinds, self.style_id, self.epoch = kinds, style_id, epoch
        self.letters = [get_column_letter(c) for c in range(1, width + 1)]
        self.plain_fmt = [KIND_FORMAT.get(k) for k in kinds]
        self.date_fmt = [f or (DATE_FORMAT if k == "date" else get_time_format(dt.date))
                         for f, k in zip(self.plain_fmt, kinds)]
        self._ids: dict[tuple, str] = {}
        self._serials: dict[dt.date, str] = {}  # a month's lines share a few dozen dates

    def attr(self, fmt, open_: bool) -> str:
        key = (fmt, open_)
        s = self._ids.get(key)
        if s is None:
            sid = self.style_id(fmt, open_)
            s = self._ids[key] = "" if sid is None else f' s="{sid}"'
        return s

    def columns(self, rows: Sequence[Sequence]) -> list[tuple] | None:
        """The rows as columns; None when a row has another number of values than the table has columns."""
        n = len(self.kinds)
        if not n or any(len(values) != n for values in rows):
            return None
        return list(zip(*rows))

    def classes(self, columns: list[tuple]) -> list[list[int]] | None:
        """Each column's values classed; None when the table must be written cell by cell."""
        out = []
        for column in columns:
            classed = _classed(column)
            if classed is None:
                return None
            out.append(classed)
        return out

    def block(self, numbers: range, columns: list[tuple], classes: list[list[int]],
              opens: list[frozenset[int]] | None) -> list[str]:
        """The rows' XML pieces, in order: each row's head, its cells column by column, its tail."""
        styles = self._styles(classes, opens)
        refs = [str(r) for r in numbers]  # each row's number as text, shared by its cells
        cells = [self._column(i, refs, columns[i], classes[i], opens, styles[i]) for i in range(len(classes))]
        heads = [f'<row r="{r}">' for r in refs]
        pieces = [heads, *cells]
        if opens is not None:
            pieces.append(self._beyond(numbers, opens, len(classes)))
        pieces.append(["</row>"] * len(numbers))
        return list(chain.from_iterable(zip(*pieces)))

    def _styles(self, classes: list[list[int]], opens) -> list[dict[tuple[int, bool], str]]:
        """Column -> (class, unlocked) -> its style attribute. Asked row pattern by row pattern in the order the
        rows first show them, each left to right: the order in which openpyxl meets the cells."""
        n = len(classes)
        styles: list[dict] = [{} for _ in range(n)]
        patterns = zip(*classes, opens) if opens is not None else zip(*classes)
        for pattern in dict.fromkeys(patterns):
            o_cols = pattern[n] if opens is not None else ()
            for i in range(n):
                cls, o = pattern[i], i + 1 in o_cols
                if (cls, o) not in styles[i]:
                    styles[i][cls, o] = self.attr(self.date_fmt[i] if cls == DATE else self.plain_fmt[i], o)
            if any(k > n for k in o_cols):
                self.attr(None, True)
        return styles

    def _column(self, i: int, refs: list[str], values: Sequence, classes: list[int], opens, styles) -> list[str]:
        """Column i's cells of the block (`refs`: the rows' numbers as text)."""
        head, serials = f'<c r="{self.letters[i]}', self._serials
        if opens is None and len(styles) == 1:  # one class and style in the whole column (most columns)
            (cls, _), s = next(iter(styles.items()))
            if cls == TEXT:
                texts = _escaped(values)
                return [f'{head}{r}"{s} t="inlineStr"><is><t{_PRESERVE if v != v.strip() else ""}>{x}</t></is></c>'
                        for r, v, x in zip(refs, values, texts)]
            if cls == NUMBER:
                return [f'{head}{r}"{s} t="n"><v>{"%.16g" % v}</v></c>' for r, v in zip(refs, values)]
            if cls == DATE:
                return [f'{head}{r}"{s} t="n"><v>{serials.get(v) or self._serial(v)}</v></c>'
                        for r, v in zip(refs, values)]
        texts = _escaped([v if c == TEXT else "" for c, v in zip(classes, values)])
        if opens is None:
            marks = [styles.get((c, False), "") for c in classes]
        else:
            marks = [styles[c, i + 1 in o] for c, o in zip(classes, opens)]
        return [f'{head}{r}"{s} t="inlineStr"><is><t{_PRESERVE if v != v.strip() else ""}>{x}</t></is></c>'
                if c == TEXT
                else f'{head}{r}"{s} t="n"><v>{"%.16g" % v}</v></c>' if c == NUMBER
                else f'{head}{r}"{s} t="n"><v>{serials.get(v) or self._serial(v)}</v></c>' if c == DATE
                else f'{head}{r}"{s} t="n"></c>' if s
                else ""
                for r, c, v, x, s in zip(refs, classes, values, texts, marks)]

    def _beyond(self, numbers: range, opens: list[frozenset[int]], n: int) -> list[str]:
        """The editable cells right of the table's columns (a lock range wider than the table)."""
        s = self._ids.get((None, True), "")
        return ["".join(f'<c r="{self.letters[k - 1]}{r}"{s} t="n"></c>' for k in sorted(o) if k > n) if o else ""
                for r, o in zip(numbers, opens)]

    def _serial(self, value: dt.date) -> str:
        serial = self._serials[value] = safe_string(to_excel(value, self.epoch))
        return serial

    def cells(self, r: int, values: Sequence, open_cols: frozenset[int], first: bool) -> str:
        """The row cell by cell (any value `cell_target` takes); "" for a row without cells but the first (it
        holds the frozen pane's cell)."""
        out = []
        c = 0
        for c, (kind, value) in enumerate(zip(self.kinds, values), start=1):
            ref = f"{self.letters[c - 1]}{r}"
            t, o = type(value), c in open_cols
            if t is str and value and len(value) <= MAX_TEXT and value not in _ERRORS:
                s = self.attr(self.plain_fmt[c - 1], o)
                pre = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{pre}>{_text(value)}</t></is></c>')
            elif value is None or (t is str and not value):
                s = self.attr(self.plain_fmt[c - 1], o)
                if s:
                    out.append(f'<c r="{ref}"{s} t="n"></c>')
            elif (t is Decimal and value.is_finite()) or t is int:
                out.append(f'<c r="{ref}"{self.attr(self.plain_fmt[c - 1], o)} t="n"><v>{"%.16g" % value}</v></c>')
            elif t is dt.date:
                s = self.attr(self.date_fmt[c - 1], o)
                out.append(f'<c r="{ref}"{s} t="n"><v>{self._serials.get(value) or self._serial(value)}</v></c>')
            else:
                out.append(_other_cell(ref, value, kind, self.attr, o, self.epoch))
        if open_cols:
            out += [f'<c r="{self.letters[k - 1]}{r}"{self.attr(None, True)} t="n"></c>'
                    for k in sorted(open_cols) if k > c]
        if c or open_cols or first:
            return f'<row r="{r}">{"".join(out)}</row>'
        return ""


_ERRORS = frozenset(ERROR_CODES)
_NONE = type(None)


def _classed(column: Sequence) -> list[int] | None:
    """The column's values classed (None: a value the column-wise writer does not take). A column of one or two
    of the usual types (text and blanks, amounts and blanks, dates) is classed with whole-column checks, any
    other value by value."""
    types = set(map(type, column))
    if types <= {str, _NONE}:
        if _ERRORS.isdisjoint(column) and max(map(len, filter(None, column)), default=0) <= MAX_TEXT:
            return [TEXT if v else BLANK for v in column]
        return None
    if types <= {Decimal, int, _NONE} and all(v.is_finite() for v in column if type(v) is Decimal):
        return [BLANK if v is None else NUMBER for v in column]
    if types <= {dt.date, _NONE}:
        return [BLANK if v is None else DATE for v in column]
    classed = [TEXT if t is str and v and len(v) <= MAX_TEXT and v not in _ERRORS
               else BLANK if v is None or t is str and not v
               else NUMBER if t is int or t is Decimal and v.is_finite()
               else DATE if t is dt.date
               else OTHER
               for v in column for t in (type(v),)]
    return None if OTHER in classed else classed
_PRESERVE = ' xml:space="preserve"'
_SEPARATOR = "\x00"  # never in a cell's text (openpyxl refuses it; `_streamable` checks before)


def _escaped(texts: list[str]) -> list[str]:
    """The texts escaped as lxml escapes text content, in one pass over them all."""
    joined = _SEPARATOR.join(texts)
    for char, ref in _ESCAPES:
        if char in joined:
            joined = joined.replace(char, ref)
    out = joined.split(_SEPARATOR)
    return out if len(out) == len(texts) else [_text(t) for t in texts]


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
