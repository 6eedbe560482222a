"""Read and write the canonical CSV files of DESIGN.md (bank lines, ledger lines, matches).

Reading validates every row and reports all bad rows at once; nothing is returned if any row is bad.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from .errors import InputError, Problem
from .formula_guard import csv_row
from .parsing import AmountError, parse_amount
from .records import BANK_COLUMNS, LEDGER_COLUMNS, MATCH_COLUMNS, BankLine, LedgerLine, MatchGroup


def _fmt_amount(value: Decimal) -> str:
    return format(value, "f")


def write_csv(path: str | Path, header: tuple[str, ...], rows: Iterable[tuple], for_spreadsheets: bool = False) -> int:
    """Write a UTF-8 CSV with its header row; returns the number of data rows written.
    `for_spreadsheets`: a file meant for people and other programs (not read back by Tieout), whose formula-like
    text is neutralised (formula_guard.py)."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for n, row in enumerate(rows, start=1):
            w.writerow(csv_row(row) if for_spreadsheets else row)
    return n


def bank_line_row(ln: BankLine) -> tuple[str, ...]:
    """One bank line as the cells of a canonical row, in BANK_COLUMNS order."""
    return (ln.line_id, ln.date.isoformat(), _fmt_amount(ln.amount), ln.currency, ln.reference, ln.description,
            ln.type, ln.check_number)


def write_bank_lines(path: str | Path, lines: Iterable[BankLine]) -> int:
    """Write canonical bank lines; returns the count written."""
    return write_csv(path, BANK_COLUMNS, (bank_line_row(ln) for ln in lines))


def write_ledger_lines(path: str | Path, lines: Iterable[LedgerLine]) -> int:
    return write_csv(path, LEDGER_COLUMNS, (
        (ln.line_id, ln.date.isoformat(), _fmt_amount(ln.amount), ln.currency, ln.reference, ln.description,
         ln.source, ln.counterparty) for ln in lines))


def write_match_groups(path: str | Path, groups: Iterable[MatchGroup], header: tuple[str, ...] = MATCH_COLUMNS,
                       extra: Callable[[MatchGroup], tuple] = lambda g: (),
                       sides: tuple[str, str] = ("bank", "ledger")) -> int:
    """One row per line placed in a group (DESIGN.md's matches file; `extra` adds columns after those;
    `sides` names the two sides, e.g. left/right for two ledgers). Returns the number of groups."""
    groups = list(groups)

    def rows():
        for g in groups:
            for side, ids in zip(sides, (g.bank_ids, g.ledger_ids)):
                for line_id in ids:
                    yield (g.match_id, side, line_id, g.rule, _fmt_amount(g.confidence), *extra(g))

    write_csv(path, header, rows(), for_spreadsheets=True)
    return len(groups)


def write_matches(path: str | Path, groups: Iterable[MatchGroup]) -> int:
    """The matches CSV of DESIGN.md. Returns the number of groups."""
    return write_match_groups(path, groups)


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as exc:  # the header line itself is unreadable
            raise InputError(path, Problem(f"unreadable CSV header: {exc}", line=1)) from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(path, Problem(f"missing column(s) {', '.join(missing)}; expected header "
                                           f"{','.join(columns)}", line=1))
        try:
            return list(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(path, Problem(f"unreadable CSV: {exc}", line=reader.line_num)) from None


def _common(row: dict[str, str], rowno: int, problems: list[Problem], seen: set[str]):
    line_id = (row.get("line_id") or "").strip()
    if not line_id:
        problems.append(Problem("line_id is empty", line=rowno, field="line_id"))
    elif line_id in seen:
        problems.append(Problem(f"line_id {line_id!r} appears twice", line=rowno, field="line_id"))
    seen.add(line_id)
    try:
        date = dt.date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        problems.append(Problem(f"not an ISO date (yyyy-mm-dd): {row.get('date')!r}", line=rowno, field="date"))
        date = None
    try:
        amount = parse_amount((row.get("amount") or "").strip(), decimal=".")
    except AmountError as exc:
        problems.append(Problem(str(exc), line=rowno, field="amount"))
        amount = None
    return line_id, date, amount


def read_bank_lines(path: str | Path) -> list[BankLine]:
    path = Path(path)
    problems: list[Problem] = []
    seen: set[str] = set()
    out = []
    for i, row in enumerate(_read_rows(path, BANK_COLUMNS), start=2):
        line_id, date, amount = _common(row, i, problems, seen)
        if date is not None and amount is not None:
            out.append(BankLine(line_id, date, amount, (row["currency"] or "").strip(), row["reference"] or "",
                                row["description"] or "", (row["type"] or "other").strip(),
                                (row["check_number"] or "").strip()))
    if problems:
        raise InputError(path, problems)
    return out


def read_ledger_lines(path: str | Path) -> list[LedgerLine]:
    path = Path(path)
    problems: list[Problem] = []
    seen: set[str] = set()
    out = []
    for i, row in enumerate(_read_rows(path, LEDGER_COLUMNS), start=2):
        line_id, date, amount = _common(row, i, problems, seen)
        if date is not None and amount is not None:
            out.append(LedgerLine(line_id, date, amount, (row["currency"] or "").strip(), row["reference"] or "",
                                  row["description"] or "", row["source"] or "", row["counterparty"] or ""))
    if problems:
        raise InputError(path, problems)
    return out
