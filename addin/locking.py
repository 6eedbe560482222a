"""Which sheets are protected, and which input cells stay open, at each workflow stage (as data).

Sheet protection is a guard-rail against slips, not proof: Excel's protection hash collides within a second and
deleting one XML element lifts it. The proof is the hash the server stores at Submit (server/controls/tamper.py); the
add-in compares the locked sheets with the server's data on Refresh and says so when they disagree.

- Preparing (Not Started, In Progress): the sheets the server computes are protected (an edit there would be
  overwritten); notes/owner/due date/status on Unmatched, the not-yet-posted New Transactions, and on Summary
  the balances a file does not state and the findings' acknowledgement comments stay open.
  Bank Statement and GL Lines stay unprotected so they can be sorted and selected for Match Selected; Rules
  (rules and the chart of accounts) stays editable; the workbook structure is free.
- Submitted (In Review, Pending Approval): every sheet protected and the structure locked; the server still
  takes notes on unmatched items, and the reviewer types a reason in Summary's Review comment cell and a tick
  and comment per check, and per line of a check, on Review (Review is locked while preparing: the checks are
  the reviewer's).
- Approved: everything locked.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..server.controls.workflow import APPROVED, IN_PROGRESS, IN_REVIEW, NOT_STARTED, PENDING_APPROVAL
from .workbook import WorkbookAdapter

COMMENT_CELL = "REVIEW_COMMENT"  # stands for Summary's review comment cell in `cells` (see sheets.SUMMARY_CELLS)
# stands for Summary's input cells while preparing: balances to enter, findings' comments (summary_blocks)
SUMMARY_INPUTS = "SUMMARY_INPUTS"


@dataclass(frozen=True)
class SheetLock:
    protected: bool
    inputs: tuple[str, ...] = ()  # table columns left editable (on the rows `editable_rows` allows)
    cells: tuple[str, ...] = ()  # single cells left editable


UNMATCHED_INPUTS = ("status", "owner", "due_date", "notes")
TXN_INPUTS = ("date", "amount", "gl_account", "description", "kind")

PREPARING = {
    "Summary": SheetLock(True, cells=(SUMMARY_INPUTS,)),
    "Bank Statement": SheetLock(False),
    "GL Lines": SheetLock(False),
    "Matched": SheetLock(True),
    "Unmatched": SheetLock(True, UNMATCHED_INPUTS),
    "New Transactions": SheetLock(True, TXN_INPUTS),
    "Rules": SheetLock(False),
    "Audit": SheetLock(True),
    "Review": SheetLock(True),  # the reviewer's tick and comment open once submitted
    "Reconciling Items": SheetLock(False),  # a Manual account's: rows are added, edited and deleted there
}
REVIEW_INPUTS = ("tick", "comment")
REVIEW_LINE_INPUTS = "REVIEW_LINE_INPUTS"  # stands for the tick and comment cells of Review's lines block
SUBMITTED = {**{s: SheetLock(True) for s in PREPARING},
             "Summary": SheetLock(True, cells=(COMMENT_CELL,)),
             "Unmatched": SheetLock(True, UNMATCHED_INPUTS),
             "Review": SheetLock(True, REVIEW_INPUTS, cells=(REVIEW_LINE_INPUTS,))}
FINAL = {s: SheetLock(True) for s in PREPARING}

POLICY: dict[str, dict[str, SheetLock]] = {NOT_STARTED: PREPARING, IN_PROGRESS: PREPARING, IN_REVIEW: SUBMITTED,
                                           PENDING_APPROVAL: SUBMITTED, APPROVED: FINAL}
STRUCTURE_LOCKED = frozenset({IN_REVIEW, PENDING_APPROVAL, APPROVED})
# The sheets whose content the server's submitted hash covers: on Refresh they must show the server's data.
HASHED_SHEETS = ("Bank Statement", "GL Lines", "Matched", "New Transactions")


def policy(status: str) -> dict[str, SheetLock]:
    return POLICY.get(status, FINAL)  # an unknown status locks everything rather than nothing


def is_submitted(status: str) -> bool:
    return status in STRUCTURE_LOCKED


@dataclass(frozen=True)
class TableLayout:
    """Where a sheet's table is: its header row, its columns and which data rows may take input."""

    first_row: int
    columns: tuple[str, ...]
    rows: int
    editable_rows: tuple[int, ...] | None = None  # 0-based data rows; None: all of them


def unlocked_ranges(lock: SheetLock, layout: TableLayout | None, cells: dict[str, str | Sequence[str]]) -> list[str]:
    """The A1 ranges left editable under `lock` (input columns over the editable rows, plus single cells; a
    name in `cells` may stand for several)."""
    out = [ref for c in lock.cells if c in cells
           for ref in ((cells[c],) if isinstance(cells[c], str) else cells[c])]
    if layout is None or not lock.inputs or layout.rows == 0:
        return out
    rows = range(layout.rows) if layout.editable_rows is None else layout.editable_rows
    runs = list(_runs(layout.first_row + 1 + r for r in rows))
    for name in lock.inputs:
        if name not in layout.columns:
            continue
        letter = get_column_letter(layout.columns.index(name) + 1)
        out += [f"{letter}{a}:{letter}{b}" for a, b in runs]
    return out


def _runs(rows: Iterable[int]) -> Iterable[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: 2,3,4,7 -> (2,4), (7,7)."""
    start = prev = None
    for r in sorted(rows):
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            yield start, prev
            start = prev = r
    if start is not None:
        yield start, prev


def release(book: WorkbookAdapter, sheets: Sequence[str]) -> None:
    """Lift protection before the add-in writes (it re-applies the stage's locks afterwards)."""
    book.protect_structure(False)
    present = set(book.sheet_names())
    for s in sheets:
        if s in present and book.is_protected(s):
            book.unprotect(s)


def apply(book: WorkbookAdapter, status: str, layouts: dict[str, TableLayout], cells: dict[str, str],
          leave: Collection[str] = ()) -> None:
    """Protect the sheets as the stage says, leaving only its input cells open; lock the structure once
    submitted. `leave`: sheets whose rows and lock are already the stage's (left untouched by the render)."""
    present = set(book.sheet_names())
    for sheet, lock in policy(status).items():
        if sheet not in present or sheet in leave:
            continue
        if lock.protected:
            book.protect(sheet, unlocked_ranges(lock, layouts.get(sheet), cells.get(sheet, {})))
        elif book.is_protected(sheet):
            book.unprotect(sheet)
    book.protect_structure(status in STRUCTURE_LOCKED)


def protection_problems(book: WorkbookAdapter, status: str) -> list[str]:
    """Sheets the stage protects that are not protected any more (someone lifted it)."""
    present = set(book.sheet_names())
    return [f"sheet {s!r} should be protected ({status}) but its protection was removed"
            for s, lock in policy(status).items() if lock.protected and s in present and not book.is_protected(s)]
