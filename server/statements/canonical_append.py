"""`tieout import --append`: add a bank file's lines to a canonical bank lines CSV written before, leaving out
the lines it already holds (March's statement, then a download of 15 March-15 April: the overlap once).

Why a module of its own: what counts as "already held" is statement_history.plan_import's decision, the
server's own, and this module only adapts the CSV to it and writes the result safely:
- the CSV carries no balances, period, account or format, so its lines form one held statement with unknown
  balances: continuity with it cannot be checked (a note says so), and its lines are recognised by content,
  or by a bank id of the new file (FITID, AcctSvcrRef...) that the CSV already uses as a line id;
- the CSV holds one account's lines: a file in another currency, or of several accounts, is refused;
- the existing rows are kept byte for byte; new rows follow its header's column order and line ending, and
  a new line whose id the CSV already uses for another line gets "-2", "-3"... (deterministic);
- everything is written to a temporary file in the same folder, then `os.replace`d: a failed import leaves
  the file as it was.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import statement_history as history
from ..canonical import bank_line_row, read_bank_lines, write_bank_lines
from ..errors import InputError, Problem
from ..records import BANK_COLUMNS, BankLine, ImportResult, Statement
from ..summary import import_summary

LISTED = 20  # skipped lines told on stderr one by one (the JSON lists all)


@dataclass(frozen=True, slots=True)
class AppendOutcome:
    """What --append did to `path`: the plan, the lines appended (with the ids written) and the renames."""

    path: Path
    source: str
    held: int  # lines the file held before
    plan: history.ImportPlan
    added: tuple[BankLine, ...]
    renamed: tuple[tuple[str, str], ...]  # (line id in the bank file, id written)


def import_appending(path: str | Path, result: ImportResult, source: str) -> tuple[dict, str, list[str]]:
    """`tieout import --append`: the --json summary, the line for stdout and the lines for stderr. Without a
    file to append to (absent or empty), the file is written as a plain import writes it."""
    path = Path(path)
    if not (path.is_file() and path.stat().st_size):
        write_bank_lines(path, result.lines)
        return ({**import_summary(result), **fresh_keys(result)}, f"wrote {len(result.lines)} lines to {path}",
                [])
    outcome = append_import(path, result, source)
    said = (f"appended {len(outcome.added)} lines to {path} (it held {outcome.held}; "
            f"{len(outcome.plan.lines_skipped)} lines of the file were already there)")
    return {**import_summary(result), **summary_keys(outcome)}, said, messages(outcome)


def append_import(path: str | Path, result: ImportResult, source: str) -> AppendOutcome:
    """Append to the canonical CSV `path` the lines of `result` it does not hold yet. Raises InputError (and
    changes nothing) when the CSV has bad rows or is another account's."""
    path = Path(path)
    raw = _read_bytes(path)
    held = _read_held(path)
    name = Path(source).name
    key = _one_account(result, source)
    _same_currency(path, held, result, key, source)
    planned = _without_pending(result)
    plan = history.plan_import(_held_statements(path, held, planned, key), planned, name)
    added, renamed = _unique_ids(plan.lines_to_add, {ln.line_id for ln in held})
    if added:
        _write_appended(path, raw, added)
    return AppendOutcome(path, source, len(held), plan, added, renamed)


# ---------------------------------------------------------------------------------------------- reading
def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, Problem("not UTF-8 text (a canonical CSV is UTF-8)",
                                       line=raw[:exc.start].count(b"\n") + 1)) from None
    return raw


def _read_held(path: Path) -> list[BankLine]:
    try:
        return read_bank_lines(path)
    except csv.Error as exc:  # e.g. a header row the csv module cannot split
        raise InputError(path, Problem(f"unreadable CSV: {exc}", line=1)) from None


def _one_account(result: ImportResult, source: str) -> tuple[str, str]:
    """The account the new file is of: a file of several accounts cannot go into one account's CSV."""
    keys = sorted({history.account_key(st.account, st.currency) for st in result.statements})
    if len(keys) > 1:
        names = ", ".join(f"{a or '(no account)'} {c}".strip() for a, c in keys)
        raise InputError(source, f"holds statements of {len(keys)} accounts ({names}); --append adds one "
                                 "account's lines to a file: import it without --append, into a file of its own")
    return keys[0] if keys else ("", "")


def _same_currency(path: Path, held: list[BankLine], result: ImportResult, key: tuple[str, str],
                   source: str) -> None:
    """Lines in another currency than the new file's are another account's: refuse, naming both."""
    found = {ln.currency.upper() for ln in result.lines if ln.currency}
    currency = key[1] or (found.pop() if len(found) == 1 else "")
    if not currency:
        return  # the new file states no currency: nothing to compare with
    for n, ln in enumerate(held):
        if ln.currency and ln.currency.upper() != currency:
            raise InputError(path, Problem(
                f"{ln.currency} ({ln.line_id}), but {source} is in {currency}: this file holds another account's "
                "lines; append to that account's own file", line=n + 2, field="currency"))


def _without_pending(result: ImportResult) -> ImportResult:
    """The CSV does not say which lines were pending when written (it writes them as lines), so the new file's
    pending lines are compared as lines too: a pending line imported twice is then recognised."""
    if not any(ln.pending for ln in result.lines):
        return result
    return dataclasses.replace(result, statements=tuple(
        dataclasses.replace(st, lines=tuple(dataclasses.replace(ln, pending=False) for ln in st.lines))
        for st in result.statements))


def _held_statements(path: Path, held: list[BankLine], result: ImportResult,
                     key: tuple[str, str]) -> list[history.HeldStatement]:
    """The CSV's lines as held statements of the new file's account: those whose id is a bank id of a line of
    the new file under that file's format (so recognised by id), the rest known by content only (format "")."""
    account, currency = key
    by_statement: dict[str, int] = {}
    for i, st in enumerate(result.statements):
        for ln in st.lines:
            bid = history.bank_id(ln, result.format, st.account, st.statement_id)
            if bid:
                by_statement.setdefault(bid, i)
    groups: dict[int | None, list[BankLine]] = {}
    for ln in held:
        groups.setdefault(by_statement.get(ln.line_id), []).append(ln)

    def statement(i: int | None, lines: list[BankLine]) -> history.HeldStatement:
        st: Statement | None = None if i is None else result.statements[i]
        return history.HeldStatement(
            ref=(str(path), -1 if i is None else i), label=path.name, account=account, currency=currency,
            format="" if st is None else result.format, opening_balance=None, closing_balance=None,
            period_start=None, period_end=None, fingerprint=f"canonical csv {path}",
            statement_id="" if st is None else st.statement_id, lines=tuple(lines))

    return [statement(i, lines) for i, lines in groups.items()]


def _unique_ids(lines: tuple[BankLine, ...], held_ids: set[str]) -> tuple[tuple[BankLine, ...], tuple]:
    """Ids unique in the file: a new line whose id another line already has gets "-2", "-3"... (the first
    suffix free in the file and in the new lines, so the same two files always give the same ids)."""
    taken = held_ids | {ln.line_id for ln in lines}
    used = set(held_ids)
    out, renamed = [], []
    for ln in lines:
        new, n = ln.line_id, 1
        if new in used:
            while new in taken or new in used:
                n += 1
                new = f"{ln.line_id}-{n}"
            renamed.append((ln.line_id, new))
            ln = dataclasses.replace(ln, line_id=new)
        used.add(new)
        taken.add(new)
        out.append(ln)
    return tuple(out), tuple(renamed)


# ---------------------------------------------------------------------------------------------- writing
def _write_appended(path: Path, raw: bytes, lines: tuple[BankLine, ...]) -> None:
    text = raw.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)), None) or list(BANK_COLUMNS)
    first_break = text.find("\n")
    ending = "\n" if first_break > 0 and text[first_break - 1] != "\r" else "\r\n"
    buf = io.StringIO()
    if raw and not raw.endswith((b"\n", b"\r")):
        buf.write(ending)
    writer = csv.writer(buf, lineterminator=ending)
    for ln in lines:
        values = dict(zip(BANK_COLUMNS, bank_line_row(ln)))
        writer.writerow([values.get(col, "") for col in header])
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.write(buf.getvalue().encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------- telling
def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def summary_keys(outcome: AppendOutcome) -> dict:
    """Keys added to the `--json` import summary (DESIGN.md's shape is kept; these are additive)."""
    plan = outcome.plan
    return {
        "held": outcome.held,
        "added": len(outcome.added),
        "skipped": [{"line_id": s.line.line_id, "date": s.line.date.isoformat(), "amount": _money(s.line.amount),
                     "description": s.line.description, "held_line_id": s.held_line.line_id, "by": s.by,
                     "reason": s.reason} for s in plan.lines_skipped],
        "duplicate_statements": [{"statement_ref": sp.statement.statement_id, "index": sp.index,
                                  "count": len(sp.statement.lines), "duplicate_of": sp.duplicate_of}
                                 for sp in plan.duplicates],
        "renamed": [{"line_id": old, "written_as": new} for old, new in outcome.renamed],
        "findings": [{"severity": f.severity, "kind": f.kind, "message": f.message} for f in plan.findings],
        "notes": [continuity_note(outcome)],
    }


def fresh_keys(result: ImportResult) -> dict:
    """The same keys when there was no file to append to (every line written, nothing skipped)."""
    return {"held": 0, "added": len(result.lines), "skipped": [], "duplicate_statements": [], "renamed": [],
            "findings": [], "notes": []}


def continuity_note(outcome: AppendOutcome) -> str:
    return (f"{outcome.path.name} holds lines only (no balances, period or account), so the continuity of "
            "balances and dates with what it holds was not checked")


def messages(outcome: AppendOutcome) -> list[str]:
    """What the user reads on stderr, in words."""
    plan, name, src = outcome.plan, outcome.path.name, Path(outcome.source).name
    out = [f"note: {continuity_note(outcome)}"]
    out += [f"skipped statement {sp.statement.statement_id or '#' + str(sp.index + 1)} of {src}: it repeats "
            f"{sp.duplicate_of}" for sp in plan.duplicates]
    skipped = plan.lines_skipped
    if skipped:
        total = len(outcome.added) + len(skipped)
        out.append(f"skipped {len(skipped)} of the {total} lines of {src}: {name} already holds them")
        for s in skipped[:LISTED]:
            out.append(f"  {s.line.line_id} {s.line.date.isoformat()} {_money(s.line.amount)}: {s.reason}")
        if len(skipped) > LISTED:
            out.append(f"  ... and {len(skipped) - LISTED} more (--json lists every one)")
    out += [f"note: line id {old} is already used in {name} by another line; the new line was written as {new}"
            for old, new in outcome.renamed[:LISTED]]
    if len(outcome.renamed) > LISTED:
        out.append(f"note: ... and {len(outcome.renamed) - LISTED} more line ids renamed so (--json lists every one)")
    out += [f"{f.severity}: {f.message}" for f in plan.findings if f.severity != history.INFO]
    return out
