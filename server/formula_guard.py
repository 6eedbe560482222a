"""Text cells that a spreadsheet would run as a formula are written as text ("CSV injection").

Bank descriptions, memos, GL accounts and line ids come from files and from people: a memo "=HYPERLINK(...)"
or "+cmd|..." in a journal or matches CSV would run when the ERP's user opens the file in Excel. A CSV has no
cell types, so such text gets a leading apostrophe (Excel and LibreOffice show it as text and hide the mark).
Numbers written by Tieout (amounts, confidences, "-12.50") are left alone so they stay numbers. In xlsx files
every text value is a string cell already (sheet_writer / xlsx_table never store text as a formula).
Written here rather than taken from a library: the rule is six characters and a number test."""
from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_text(value):
    """`value`, with a leading apostrophe when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(row: Iterable) -> tuple:
    return tuple(csv_text(v) for v in row)
