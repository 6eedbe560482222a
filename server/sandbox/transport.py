"""How a reader's result crosses from the worker to the caller: a statement's lines travel as columns (one list
per BankLine field, dates as day numbers and amounts as their exact text) and are rebuilt on the caller's side.

Why not plain pickling: pickle writes 100,000 frozen dataclass lines one by one, each through dataclasses'
per-object state functions and each Decimal and date through its own reduce call; that cost more than reading
the file (a 100,000-line CSV: about 9 s to pickle and unpickle against about 1.3 s to import it, on a loaded
machine). Columns of ints and strings pickle in bulk, and the caller rebuilds the lines with C-level maps.
A GL template's ledger lines (a result's `lines` of LedgerLine) travel as columns too.
Everything else (statements, findings, layout, warnings, other readers' results) is sent as it is."""
from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal
from itertools import repeat
from operator import attrgetter

from ..importers.line_batch import FIELD_NAMES, bank_lines
from ..records import BankLine, ImportResult, LedgerLine, Statement

LEDGER_FIELDS = tuple(f.name for f in fields(LedgerLine))


@dataclass(frozen=True)
class _Column:
    kind: str  # "date": ordinals; "decimal": exact text; "raw": the values themselves
    values: list


@dataclass(frozen=True)
class _Lines:
    columns: tuple[_Column, ...]  # in BankLine's field order


@dataclass(frozen=True)
class _LedgerLines:
    columns: tuple[_Column, ...]  # in LedgerLine's field order


def pack(value):
    """`value` with every statement's lines as columns: an ImportResult, or a result holding one (the add-in's
    Preview), or a result whose `lines` are LedgerLines (a GL template); anything else is returned as it is."""
    if _ledger_lines(value):
        return replace(value, lines=_LedgerLines(tuple(_column(list(map(attrgetter(name), value.lines)))
                                                       for name in LEDGER_FIELDS)))
    return _each_result(value, lambda result: replace(result, statements=tuple(map(_pack, result.statements))))


def unpack(value):
    """What pack was given, equal to it in every field."""
    if isinstance(_lines_field(value), _LedgerLines):
        return replace(value, lines=tuple(_records(LedgerLine, LEDGER_FIELDS,
                                                   [_values(c) for c in value.lines.columns])))
    return _each_result(value, lambda result: replace(result, statements=tuple(map(_unpack, result.statements))))


def _ledger_lines(value) -> bool:
    """A dataclass result whose `lines` are a non-empty tuple of LedgerLine (exactly that class)."""
    lines = _lines_field(value)
    return isinstance(lines, tuple) and bool(lines) and set(map(type, lines)) == {LedgerLine}


def _lines_field(value):
    """A dataclass's field `lines` (not a property of that name: ImportResult's gathers its statements')."""
    if not is_dataclass(value) or isinstance(value, type) or "lines" not in {f.name for f in fields(value)}:
        return None
    return value.lines


def _records(cls, names: tuple[str, ...], columns: list[list]) -> list:
    """One `cls` (a frozen dataclass with slots) per index, its slots set column by column in C (the way
    line_batch.bank_lines builds BankLines: a frozen dataclass's __init__ per line costs several times more)."""
    out = list(map(object.__new__, repeat(cls, len(columns[0]))))
    for name, column in zip(names, columns):
        deque(map(getattr(cls, name).__set__, out, column), maxlen=0)
    return out


def _each_result(value, change):
    if isinstance(value, ImportResult):
        return change(value)
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: change(getattr(value, f.name)) for f in fields(value)
                   if isinstance(getattr(value, f.name), ImportResult)}
        return replace(value, **changed) if changed else value
    return value


def _pack(st: Statement) -> Statement:
    if not st.lines or set(map(type, st.lines)) != {BankLine}:
        return st
    return replace(st, lines=_Lines(tuple(_column(list(map(attrgetter(name), st.lines))) for name in FIELD_NAMES)))


def _unpack(st: Statement) -> Statement:
    if not isinstance(st.lines, _Lines):
        return st
    return replace(st, lines=tuple(bank_lines(*(_values(c) for c in st.lines.columns))))


def _column(values: list) -> _Column:
    classes = set(map(type, values))  # one C-level pass instead of a generator step per value
    if classes == {dt.date}:
        return _Column("date", list(map(dt.date.toordinal, values)))
    if classes == {Decimal}:
        return _Column("decimal", list(map(str, values)))  # str() keeps sign, digits and exponent
    return _Column("raw", values)


def _values(column: _Column) -> list:
    if column.kind == "date":
        return list(map(dt.date.fromordinal, column.values))
    if column.kind == "decimal":
        return list(map(Decimal, column.values))
    return column.values
