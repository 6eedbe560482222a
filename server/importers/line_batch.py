"""Many BankLine records from columns at once: what a columnar reader (a CSV's rows, the sandbox's transport)
ends with.

Why not `map(BankLine, *columns)`: a frozen dataclass's __init__ sets each field through object.__setattr__,
ten Python-level calls per line, which cost a 100,000-line statement about a quarter of its import. Here the
records are allocated in one pass and each field is stored column by column through its slot's own setter (a C
call per cell, no __init__). The result is the same frozen record, equal to one built by BankLine(...)."""
from __future__ import annotations

from collections import deque
from dataclasses import fields
from itertools import repeat
from typing import Sequence

from ..records import BankLine

FIELD_NAMES = tuple(f.name for f in fields(BankLine))
_SETTERS = tuple(getattr(BankLine, name).__set__ for name in FIELD_NAMES)
_ALLOCATE = object.__new__


def bank_lines(*columns: Sequence) -> list[BankLine]:
    """One BankLine per index: `columns` are the values of every field, in BankLine's field order, all of one
    length (checked: a short column would leave a slot unset)."""
    if len(columns) != len(FIELD_NAMES):
        raise TypeError(f"bank_lines takes {len(FIELD_NAMES)} columns, got {len(columns)}")
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("bank_lines: columns of different lengths")
    out = list(map(_ALLOCATE, repeat(BankLine, n)))
    for store, column in zip(_SETTERS, columns):
        deque(map(store, out, column), maxlen=0)  # consumed in C: nothing is kept but the stores
    return out
