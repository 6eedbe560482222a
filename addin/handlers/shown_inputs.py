"""What the last render wrote in the sheets' input columns (Unmatched's owner, due date, status and notes; New
Transactions' editable fields), kept in the workbook as one digest per sheet (a workbook setting).

Why: the inputs' sync compares what the user typed with the server's state, and that comparison needs every
bank and GL line (20,000 of each at a busy month's end) before the press has done anything. When the input
columns read back digest to what the render wrote, the user typed nothing there: the press sends nothing for
that sheet and needs no line to know it. A differing digest (a cell typed, a row added, deleted or sorted, a
workbook from before this setting) falls back to the row-by-row comparison with the server's state.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from ..sheet_cells import headers
from ..workbook import WorkbookAdapter

# The columns the sync reads (with the keys that say which row is which), per sheet
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "Unmatched": ("side", "line_id", "status", "owner", "due_date", "notes"),
    "New Transactions": ("txn_id", "date", "amount", "gl_account", "description", "kind", "bank_line_id"),
}
SETTINGS = {"Unmatched": "InputsShownUnmatched", "New Transactions": "InputsShownTransactions"}
_FOURTH = Decimal("0.0001")


def _cell(v):
    """A value as both adapters hand it back and as a render writes it: text stripped (blank is None), a
    datetime at midnight as its date, any number as a Decimal of 4 places (Excel gives floats back)."""
    t = type(v)
    if t is str:
        return v.strip() or None
    if v is None or t is dt.date:
        return v
    if t is dt.datetime:
        return v.date()
    if t is bool:
        return v
    if t in (int, float, Decimal):
        return Decimal(repr(v) if t is float else v).quantize(_FOURTH)
    return str(v).strip() or None


def digest(sheet: str, rows: Iterable[Mapping]) -> str:
    """The digest of `sheet`'s input columns over `rows` (dicts by header), rows blank in them left out as the
    adapters' table reads leave blank rows out."""
    h = hashlib.blake2b(digest_size=16)
    for r in rows:
        values = tuple(_cell(r.get(c)) for c in INPUT_COLUMNS[sheet])
        if any(v is not None for v in values):
            h.update(repr(values).encode("utf-8", "surrogatepass"))
            h.update(b"\n")
    return h.hexdigest()


def record(book: WorkbookAdapter, rows: Mapping[str, Sequence[tuple]]) -> None:
    """Called by the render with the rows it writes: the digest of each input sheet it writes, kept."""
    for sheet, name in SETTINGS.items():
        if sheet in rows:
            names = headers(sheet)
            book.set_setting(name, digest(sheet, (dict(zip(names, r)) for r in rows[sheet])))


def unchanged(book: WorkbookAdapter, sheet: str, read: Iterable[Mapping]) -> bool:
    """The input columns of `sheet`, as read now, are what the last render wrote there."""
    kept = book.get_setting(SETTINGS[sheet])
    return bool(kept) and digest(sheet, read) == kept
