"""A subledger export (CSV or Excel, any layout) as open items.

Read with the bank layout inference's own parts (importers/tabular): the file's grid (delimiter sniffing,
encodings, calamine for workbooks with its guards), header comparison (layout_profiles.header_key), the
decimal mark decided by the whole column and the amount and date parsers; the header names of a subledger
are data (columns.toml). The header row is the first row (within the first 30) naming a document, a date and
an amount (or debit/credit) column. Dates are read in the one format that reads the whole column; a column
two formats read differently (03/04) is refused naming both. Every bad row is reported at once, naming the
file, line and column. Runs in the sandbox, as every file a user picks."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, Problem
from ..importers.tabular.layout_profiles import header_key, norm
from ..importers.tabular.read import (Grid, decode_text, csv_grid, is_spreadsheet_zip, rank_delimiters,
                                      workbook_grids)
from ..importers.tabular.values import (amount_parser, cell_text, choose_date_format, date_parser,
                                        guess_decimal_mark, is_blank)
from ..parsing import AmountError, DateError
from .items import SubledgerItem

HERE = Path(__file__).resolve().parent
SCAN_ROWS = 30
DATE_FORMATS = ("iso", "eu", "us", "dmy_mon", "mon_dy")
REQUIRED = ("document", "date")


@lru_cache(maxsize=4)
def _names(vocabulary: Path) -> dict[str, str]:
    """normalised header name -> role, from a vocabulary file (columns.toml, or the payments' own)."""
    data = tomllib.loads(vocabulary.read_text(encoding="utf-8"))
    return {norm(name): role for role, languages in data.items() for names in languages.values() for name in names}


@dataclass(frozen=True)
class Row:
    """One data row of an export, read: the columns a vocabulary names (text ones empty when absent)."""

    line: int
    document: str
    date: object  # datetime.date
    amount: Decimal
    currency: str
    party: str
    due_date: object = None
    reference: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Columns:
    header_row: int
    roles: dict  # role -> column index


def find_columns(rows: list, source, vocabulary: Path = HERE / "columns.toml") -> Columns:
    names = _names(vocabulary)
    for i, row in enumerate(rows[:SCAN_ROWS]):
        roles: dict[str, int] = {}
        for c, cell in enumerate(row):
            if isinstance(cell, str) and not is_blank(cell):
                role = names.get(header_key(cell)[0])
                if role and role not in roles:
                    roles[role] = c
        if all(r in roles for r in REQUIRED) and ("amount" in roles or "debit" in roles):
            return Columns(i, roles)
    raise InputError(source, Problem("no header row naming a document number, a date and an amount (or debit "
                                     "and credit) in the first 30 rows; add such headers (see "
                                     "server/subledgers/columns.toml for the names read)", line=1))


def _grid(path: Path) -> Grid:
    if is_spreadsheet_zip(path) or path.suffix.lower() in (".xlsx", ".xls"):
        kind = "xlsx" if path.suffix.lower() != ".xls" else "xls"
        for grid in workbook_grids(path, path, kind):
            return grid
        raise InputError(path, "the workbook has no visible sheet")
    text = decode_text(path, path.read_bytes())
    return csv_grid(path, text, rank_delimiters(text)[0])


def read_rows(path: str | Path, currency: str, vocabulary: Path = HERE / "columns.toml") -> list[Row]:
    """Every data row of an export whose header the vocabulary names; InputError lists every bad row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    grid = _grid(path)
    cols = find_columns(grid.rows, path, vocabulary)
    rows = [(grid.lines[i], r) for i, r in enumerate(grid.rows) if i > cols.header_row
            and any(not is_blank(c) for c in r)]
    at = cols.roles
    cell = lambda r, role: r[at[role]] if role in at and at[role] < len(r) else None  # noqa: E731
    text = lambda r, role: cell_text(cell(r, role)).strip()  # noqa: E731
    money_cols = [role for role in ("amount", "debit", "credit") if role in at]
    parse_money = amount_parser(guess_decimal_mark(cell(r, m) for _, r in rows for m in money_cols))
    date_roles = [role for role in ("date", "due_date") if role in at]
    texts = [cell(r, d) for _, r in rows for d in date_roles if isinstance(cell(r, d), str) and cell(r, d).strip()]
    fmt, ambiguous = choose_date_format([t.strip() for t in texts], DATE_FORMATS)
    if ambiguous:
        raise InputError(path, Problem(ambiguous, field="date"))
    parse_day = date_parser(fmt, grid.typed)
    out, problems = [], []
    for line, r in rows:
        try:
            if not text(r, "document"):
                raise _Bad("document", "no document number")
            day = _read(parse_day, cell(r, "date"), "date")
            due = _read(parse_day, cell(r, "due_date"), "due_date") if not is_blank(cell(r, "due_date")) else None
            if "amount" in at:
                amount = _read(parse_money, cell(r, "amount"), "amount")
            else:
                debit = _read(parse_money, cell(r, "debit"), "debit") if not is_blank(cell(r, "debit")) else 0
                credit = _read(parse_money, cell(r, "credit"), "credit") if not is_blank(cell(r, "credit")) else 0
                amount = Decimal(debit) - abs(Decimal(credit))
            out.append(Row(line, text(r, "document"), day, amount, text(r, "currency").upper() or currency,
                           text(r, "party"), due, text(r, "reference"), text(r, "reason")))
        except _Bad as exc:
            problems.append(Problem(exc.message, line=line, field=exc.field))
    if problems:
        raise InputError(path, problems)
    return out


def read_items(path: str | Path, currency: str, sign: int = 1) -> tuple[SubledgerItem, ...]:
    """The open items of a subledger export, amounts times `sign` (1, or -1 when the export shows the GL
    account's credits as positive figures)."""
    return tuple(SubledgerItem(r.document, r.date, r.amount * sign, r.currency, r.party, r.due_date, r.line)
                 for r in read_rows(path, currency))


class _Bad(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _read(parse, value, field: str):
    if is_blank(value):
        raise _Bad(field, f"no {field.replace('_', ' ')}")
    try:
        return parse(value)
    except (AmountError, DateError) as exc:
        raise _Bad(field, str(exc)) from None


def read_items_sandboxed(path: str | Path, currency: str, sign: int = 1) -> tuple[SubledgerItem, ...]:
    """read_items in a sandboxed worker (a workbook can make its reader abort the process)."""
    from .. import sandbox

    return sandbox.run(read_items, path, currency, sign, source=path, error=InputError)
