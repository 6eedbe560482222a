"""Two blocks of plain cells on Summary, below the figures table: the statements' balances with where each
came from (the file, or entered by whom and when) and input cells to enter a balance the file does not state;
and the statements' findings (figures that do not add up) with their acknowledgement and a comment input cell.
What the preparer types there is sent by the next button press (common.sync_inputs).

Plain cells, not Excel Tables: a sheet holds one Table in both adapters (the figures'), and these blocks
change length with the data. A reader finds them by their headings in column A."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from .handlers.context import ActionError, parse_money
from .handlers.state import State

BALANCES_TITLE, FINDINGS_TITLE = "Statement balances", "Statement findings"
BALANCE_HEADERS = ("statement", "file", "period", "opening balance", "opening from", "closing balance",
                   "closing from", "enter opening", "enter closing")
FINDING_HEADERS = ("finding", "statement", "code", "message", "acknowledged by", "acknowledged at",
                   "acknowledgement comment")
MAX_ROWS = 200  # rows listed per block; the API lists every one
# The workbook setting holding the last row the blocks took at the last render: a reader and the next render
# look that far (reading a fixed, larger range would create empty cells in a saved workbook).
BLOCKS_END = "SummaryBlocksEnd"
WIDTH = max(len(BALANCE_HEADERS), len(FINDING_HEADERS))


def _money(v) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


def source_text(source: str | None, by: str | None, at: str | None) -> str:
    """Where a balance came from, in words; never calls anything but the file's figure the bank's."""
    if source == "file":
        return "stated in the bank's file"
    if source == "entered":
        return f"entered by {by or 'a user'} at {(at or '')[:19].replace('T', ' ')} UTC (the file states none)"
    return "not stated in the file: enter it from the printed statement"


def balance_rows(state: State) -> list[tuple]:
    rows = []
    for s in state.statements[:MAX_ROWS]:
        period = f"{s.get('period_start') or '?'} to {s.get('period_end') or '?'}"
        rows.append((s["id"], s.get("source") or "", period,
                     _money(s.get("opening_balance")),
                     source_text(s.get("opening_source"), s.get("opening_entered_by"), s.get("opening_entered_at")),
                     _money(s.get("closing_balance")),
                     source_text(s.get("closing_source"), s.get("closing_entered_by"), s.get("closing_entered_at")),
                     None, None))
    return rows


def finding_rows(state: State) -> list[tuple]:
    return [(f["id"], f.get("statement_ref") or f["statement"], f["code"], f["message"],
             f.get("acknowledged_by") or "", (f.get("acknowledged_at") or "")[:19].replace("T", " "),
             f.get("comment") or "") for f in state.findings[:MAX_ROWS]]


def findings_title(state: State) -> str:
    n = len(state.open_findings)
    if not state.findings:
        return f"{FINDINGS_TITLE}: none (every statement's own figures add up)"
    return (f"{FINDINGS_TITLE}: {n} open, to acknowledge with a comment before Submit" if n
            else f"{FINDINGS_TITLE}: all acknowledged")


@dataclass(frozen=True)
class Layout:
    """Where the blocks were written, and which cells take input."""

    cells: dict[str, object]
    inputs: tuple[str, ...]


def layout(state: State, first_row: int) -> Layout:
    """The cells of both blocks from `first_row` down, and the input cells: a balance the file does not state
    (enter opening/closing) and each finding's comment."""
    cells: dict[str, object] = {}
    inputs: list[str] = []
    row = first_row
    cells[f"A{row}"] = BALANCES_TITLE
    row += 1
    _row(cells, row, BALANCE_HEADERS)
    for values, s in zip(balance_rows(state), state.statements):
        row += 1
        _row(cells, row, values)
        for kind, col in (("opening", 8), ("closing", 9)):
            if s.get(f"{kind}_source") != "file":
                inputs.append(f"{get_column_letter(col)}{row}")
    if len(state.statements) > MAX_ROWS:
        row += 1
        cells[f"A{row}"] = f"... {len(state.statements) - MAX_ROWS} more statements (GET statements lists all)"
    row += 2
    cells[f"A{row}"] = findings_title(state)
    row += 1
    _row(cells, row, FINDING_HEADERS)
    for values in finding_rows(state):
        row += 1
        _row(cells, row, values)
        inputs.append(f"G{row}")
    if len(state.findings) > MAX_ROWS:
        row += 1
        cells[f"A{row}"] = f"... {len(state.findings) - MAX_ROWS} more findings (GET findings lists all)"
    return Layout(cells, tuple(inputs))


def _row(cells: dict, row: int, values: Sequence) -> None:
    for col, v in enumerate(values, start=1):
        cells[f"{get_column_letter(col)}{row}"] = v


def _end(book, first_row: int) -> int | None:
    """The last row the blocks took at the last render (None: never rendered in this workbook)."""
    try:
        end = int(book.get_setting(BLOCKS_END) or 0)
    except ValueError:
        return None
    return end if end >= first_row else None


def _read(book, first_row: int) -> list[list]:
    end = _end(book, first_row)
    return [] if end is None else book.read_range("Summary", f"A{first_row}:{get_column_letter(WIDTH)}{end}")


def write(book, state: State, first_row: int) -> Layout:
    """Writes the blocks, blanking whatever an earlier render left below them."""
    made = layout(state, first_row)
    blanks = {f"{get_column_letter(c)}{first_row + r}": None
              for r, values in enumerate(_read(book, first_row)) for c, v in enumerate(values, start=1)
              if v not in (None, "")}
    book.set_cells("Summary", {**blanks, **made.cells})
    book.set_setting(BLOCKS_END, str(max(int("".join(ch for ch in ref if ch.isdigit())) for ref in made.cells)))
    return made


@dataclass(frozen=True)
class BalanceInput:
    statement: int
    opening: Decimal | None
    closing: Decimal | None


@dataclass(frozen=True)
class CommentInput:
    finding: int
    comment: str


def _block(rows: list[list], title: str) -> list[list]:
    """The data rows under the heading that starts with `title` (and its header row), up to a blank row."""
    for i, r in enumerate(rows):
        if isinstance(r[0], str) and r[0].startswith(title):
            out = []
            for data in rows[i + 2:]:
                if data[0] in (None, ""):
                    break
                out.append(data)
            return out
    return []


def read_inputs(book, first_row: int) -> tuple[list[BalanceInput], list[CommentInput]]:
    """The balances typed in the enter cells and the findings' comments, as the sheet holds them."""
    if "Summary" not in book.sheet_names():
        return [], []
    rows = _read(book, first_row)
    balances, comments, problems = [], [], []
    for r in _block(rows, BALANCES_TITLE):
        if not _int(r[0]):
            continue
        typed = {}
        for kind, value in (("opening", r[7]), ("closing", r[8])):
            if value in (None, ""):
                continue
            try:
                typed[kind] = parse_money(value, f"Summary, statement {_int(r[0])}, enter {kind}")
            except ActionError as exc:
                problems.append(exc.message)
        if typed:
            balances.append(BalanceInput(_int(r[0]), typed.get("opening"), typed.get("closing")))
    for r in _block(rows, FINDINGS_TITLE):
        if _int(r[0]):
            comments.append(CommentInput(_int(r[0]), "" if r[6] is None else str(r[6]).strip()))
    if problems:
        raise ActionError("; ".join(problems), "Type the balance as a number (e.g. 1250.00) and press the button "
                                               "again.")
    return balances, comments


def _int(v) -> int | None:
    try:
        return int(float(v)) if v not in (None, "") and not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None
