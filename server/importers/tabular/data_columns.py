"""The data rows of a table, read column by column: what the row reader, the text fields and the line types
take. A plain CSV's columns are cut from its lines at once (read.SplitRows.columns) and no row list is ever
made; any other table (quoted CSV, worksheets, HTML, ragged rows) is padded to the layout's width and each
column taken from its rows when first asked for.

Why: a 100,000-line file read row by row makes 100,000 lists and then takes every column out of them again
with a call per cell; by column it is a few slices. A single row is rebuilt only for the rare row that is
read on its own (a summary, a note, a bad cell)."""
from __future__ import annotations

from operator import itemgetter
from typing import Sequence


class DataColumns:
    """Rows `start`.. of a grid's rows, at least `width` cells each (short rows padded with "")."""

    def __init__(self, rows: Sequence, start: int, width: int):
        split = getattr(rows, "columns", None)  # read.SplitRows: a plain CSV's lines cut into columns at once
        self._columns = split(start, width) if split is not None else None
        if self._columns is not None:
            self._rows = None
            self.length = len(self._columns[0])
            return
        data = rows[start:]  # a new list: padded only when some row is short (one C-level pass)
        if data and min(map(len, data)) < width:
            pad = [""] * width
            data = [row if len(row) >= width else list(row) + pad[len(row):] for row in data]
        self._rows = data
        self._taken: dict[int, list] = {}
        self.length = len(data)

    def __len__(self) -> int:
        return self.length

    def column(self, i: int) -> list:
        """The cells of column `i`, one per row; the list is shared: copy it before changing it."""
        if self._columns is not None:
            return self._columns[i]
        found = self._taken.get(i)
        if found is None:
            found = self._taken[i] = list(map(itemgetter(i), self._rows))
        return found

    def row(self, k: int) -> list:
        """Row k as its cells (rebuilt from the columns when the table was cut into them)."""
        if self._rows is not None:
            return self._rows[k]
        return [column[k] for column in self._columns]
