"""A whole column of cells -> values, for the data rows of a table: amounts as exact Decimals, dates as
datetime.date, each failure kept in place as the error the cell parser raised (the row reader reports it with
the row's line and the column's title).

Why by column: a 100,000-line statement spends most of its time in a Python call per cell. Most amount columns
hold only the plain spellings ("-1234.56", "1.234,56"), so a block of cells is joined into one string, checked
with one regular expression and cleaned with one replace, and Decimal() reads each piece: the per-cell Python
work is gone and no value ever passes through a binary float (pandas' numeric parsing would). A block with any
other spelling (a currency sign, "(x)", "x CR", a bad cell, a spreadsheet number) is read cell by cell with
the same parser as before, so every value and every message is what the per-cell path gives.
Dates: a statement has few distinct date texts, so each is parsed once.
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import compress
from operator import add, and_
from typing import Callable, Sequence

from ...parsing import AmountError, DateError
from ..amount_bounds import MAX_INTEGER_DIGITS, bounded

BLOCK = 1024  # cells per joined check: a block with one odd cell is read cell by cell, the rest stay fast
# The plain spellings of values.amount_parser, one per line of a joined block; an empty line is an empty cell.
# Possessive quantifiers (no backtracking: a run of digits has one reading here) make the check over a whole
# block six times faster than the same language written with backtracking.
_PLAIN = {".": r"-?+(?:\d{1,3}+(?:,\d{3})++|\d++)(?:\.\d++)?+", ",": r"-?+(?:\d{1,3}+(?:\.\d{3})++|\d++)(?:,\d++)?+"}
_PLAIN_BLOCK = {mark: re.compile(rf"(?:{cell})?+(?:\n(?:{cell})?+)*+") for mark, cell in _PLAIN.items()}
# The commonest of them: no thousands mark, at most 14 digits before the decimal mark and 13 after. No such value
# can reach the amount bound (under 10^14, at most 28 digits: amount_bounds), so none is checked, and the text
# needs no cleaning but a decimal comma made a point. Tried first; a block it refuses goes on to _PLAIN_BLOCK.
_SHORT = {mark: rf"-?+\d{{1,14}}+(?:\{mark}\d{{1,13}}+)?+" for mark in (".", ",")}
_SHORT_BLOCK = {mark: re.compile(rf"(?:{cell})?+(?:\n(?:{cell})?+)*+") for mark, cell in _SHORT.items()}
_CLEAN = {".": str.maketrans("", "", ","), ",": str.maketrans({".": None, ",": "."})}


def amount_column(parse_cell: Callable[[object], Decimal | None], decimal: str
                  ) -> Callable[[Sequence[object]], list]:
    """cells -> [Decimal | None | AmountError], one per cell; `parse_cell` (values.amount_parser) reads the cells
    of a block that is not all plain text."""
    one = _caught(parse_cell, AmountError)
    def parse(cells: Sequence[object]) -> list:
        out: list = []
        for start in range(0, len(cells), BLOCK):
            block = cells[start:start + BLOCK]
            try:
                joined = "\n".join(block)  # TypeError: a spreadsheet number or date among the cells
            except TypeError:
                joined = None
            found = _plain_values(joined, len(block), decimal) if joined is not None else None
            if found is None:
                out += map(one, block)
            else:
                values, within = found
                out += values if within else map(_bounded, values)
        return out

    return parse


def _plain_values(joined: str, count: int, decimal: str) -> tuple[list, bool] | None:
    """The values of `count` cells joined by line breaks, when every one is a plain spelling (None for an empty
    one), and whether all are surely within the amount bound; None when any cell is not plain."""
    if joined.count("\n") != count - 1:
        return None  # a cell holding a line break
    if _SHORT_BLOCK[decimal].fullmatch(joined):
        pieces, within = (joined.replace(",", ".") if decimal == "," else joined).split("\n"), True
    elif _PLAIN_BLOCK[decimal].fullmatch(joined):
        pieces = joined.translate(_CLEAN[decimal]).split("\n")
        # A piece this short cannot reach the amount bound (amount_bounds); a longer one is checked.
        within = max(map(len, pieces)) <= MAX_INTEGER_DIGITS
    else:
        return None
    return ([Decimal(s) if s else None for s in pieces] if "" in pieces else list(map(Decimal, pieces))), within


def one_side_each(debit_cells: Sequence[object], credit_cells: Sequence[object], decimal: str
                  ) -> tuple[list, list[bool]] | None:
    """A debit/credit file's two columns read as one: (each row's amount as written, or None for a row with
    neither; whether the row's amount is its debit), or None when the columns are not that simple (a row with
    both sides, a zero debit, a cell other than a plain spelling or too long to skip the bound): the two columns
    are then read apart, as before, and judged row by row.

    Why: with one side of every row empty, each column is half empty cells, which the block parser cannot read
    in one C-level map; the two texts of a row joined are the one that is filled."""
    try:
        has_debit = list(map(bool, debit_cells))
        if any(map(and_, has_debit, map(bool, credit_cells))):
            return None
        joined = "\n".join(map(add, debit_cells, credit_cells))  # TypeError: a cell that is not text
    except TypeError:
        return None
    found = _plain_values(joined, len(has_debit), decimal)
    if found is None or not found[1]:
        return None
    values = found[0]
    if not all(compress(values, has_debit)):
        return None  # a zero debit: judged row by row
    return values, has_debit


def _caught(parse_cell: Callable[[object], object], error: type[Exception]) -> Callable[[object], object]:
    """The cell parser returning its error instead of raising it, so that a column keeps every failure in place."""

    def one(cell: object):
        try:
            return parse_cell(cell)
        except error as exc:
            return exc
    return one


def _bounded(value: Decimal | None):
    if value is None:
        return None
    try:
        return bounded(value)
    except AmountError as exc:
        return exc


def date_column(parse_cell: Callable[[object], object]) -> Callable[[Sequence[object]], list]:
    """cells -> [date | DateError], one per cell, each distinct text parsed once (values.date_parser reads it)."""
    one = _caught(parse_cell, DateError)
    def parse(cells: Sequence[object]) -> list:
        if set(map(type, cells)) - {str}:
            return [one(c) for c in cells]  # spreadsheet cells: numbers, dates; True == 1 would share a key
        known = {text: one(text) for text in set(cells)}
        return list(map(known.__getitem__, cells))

    return parse
