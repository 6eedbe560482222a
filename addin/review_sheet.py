"""The Review sheet: the five review checks as a table (the reviewer's tick and comment are its input
columns, sent to the server by the next button press), and below it plain blocks the server computed: the
lines each check points to (with a tick and comment per line, the reviewer's input too: one unusual pair can be
marked on its own), the outstanding items aged by side and kind, the outstanding checks over 90 days
with their unclaimed-property date, and the items to escalate with the decision required.

Plain cells below the table, like Summary's blocks (summary_blocks.py): a sheet holds one Excel Table in both
adapters, and these blocks change length with the data. The last row written is kept in a workbook setting so
the next render blanks what it left."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from .handlers.state import State

SHEET = "Review"
TICKS = ("yes", "no")
BLOCKS_END = "ReviewBlocksEnd"
MAX_ROWS = 300  # rows per block; the API lists every one
WIDTH = 12
LINE_HEADERS = ("check", "side", "ref", "date", "amount", "text", "problem", "tick", "comment", "ticked by")
LINE_INPUTS = ("tick", "comment")  # the reviewer's columns of the lines block
AGING_HEADERS = ("side", "kind", "0-30 count", "0-30 total", "31-60 count", "31-60 total", "61-90 count",
                 "61-90 total", "90+ count", "90+ total")
STALE_HEADERS = ("line", "check number", "payee", "date", "amount", "age days", "jurisdiction", "dormancy years",
                 "reportable on")
ESCALATION_HEADERS = ("side", "line", "date", "amount", "text", "age days", "why", "owner", "due date", "status",
                      "missing", "decision required")
BUCKETS = ("0-30", "31-60", "61-90", "90+")


def _money(v) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


def _mark(tick: dict | None) -> tuple[str, str, str]:
    """A reviewer's mark as cells: tick (yes or blank), comment, ticked by (who and when)."""
    t = tick or {}
    by = f"{t.get('by') or ''} {(t.get('at') or '')[:16].replace('T', ' ')}".strip()
    return "yes" if t.get("ticked") else "", t.get("comment") or "", by


def check_rows(state: State) -> list[tuple]:
    """One row per check: id, title, status, detail, tick, comment, ticked by."""
    return [(c["id"], c["title"], c["status"], c["detail"], *_mark(c.get("tick")))
            for c in (state.review or {}).get("checks", [])]


def blocks_row(state: State) -> int:
    """The first row of the blocks: below the checks table and a blank row."""
    return blocks_row_of(len(check_rows(state)))


def blocks_row_of(checks: int) -> int:
    return checks + 3


def _aging_rows(aging: dict) -> list[tuple]:
    grid: dict[tuple[str, str], dict[str, tuple[int, Decimal]]] = {}
    for b in aging.get("buckets", []):
        grid.setdefault((b["side"], b["kind"]), {})[b["bucket"]] = (b["count"], _money(b["total"]))
    rows = []
    for (side, kind), cells in grid.items():
        row: list = [side, kind]
        for name in BUCKETS:
            n, total = cells.get(name, (0, None))
            row += [n, total]
        rows.append(tuple(row))
    return rows


def _rows(cells: dict, row: int, title: str, headers: Sequence[str], rows: list[tuple], empty: str) -> int:
    """Writes a titled block at `row`; returns the row after it (one blank row between blocks)."""
    cells[f"A{row}"] = title if rows else f"{title}: {empty}"
    if not rows:
        return row + 2
    row += 1
    _put(cells, row, headers)
    for values in rows[:MAX_ROWS]:
        row += 1
        _put(cells, row, values)
    if len(rows) > MAX_ROWS:
        row += 1
        cells[f"A{row}"] = f"... {len(rows) - MAX_ROWS} more (GET .../review lists all)"
    return row + 2


def _put(cells: dict, row: int, values: Sequence) -> None:
    for col, v in enumerate(values, start=1):
        cells[f"{get_column_letter(col)}{row}"] = v


def block_cells(state: State, first_row: int) -> dict[str, object]:
    review = state.review or {}
    aging = review.get("aging") or {}
    cells: dict[str, object] = {}
    lines = [(c["id"], ln["side"], ln["ref"], ln["date"], _money(ln["amount"]), ln["text"], ln["problem"],
              *_mark(ln.get("tick"))) for c in review.get("checks", []) for ln in c.get("lines", [])]
    row = _rows(cells, first_row, "Lines of the checks", LINE_HEADERS, lines, "none")
    row = _rows(cells, row, f"Outstanding items aged at {aging.get('as_of', '')}", AGING_HEADERS, _aging_rows(aging),
                "nothing outstanding")
    stale = [(u["line_id"], u["check_number"], u["payee"], u["date"], _money(u["amount"]), u["age_days"],
              u["jurisdiction"], u["dormancy_years"], u["reportable_on"]) for u in aging.get("unclaimed", [])]
    row = _rows(cells, row, "Outstanding checks over 90 days (unclaimed property)", STALE_HEADERS, stale, "none")
    esc = [(e["side"], e["line_id"], e["date"], _money(e["amount"]), e["text"], e["age_days"], "; ".join(e["reasons"]),
            e["owner"], e["due_date"] or "", e["status"], ", ".join(e["missing"]), e["decision_required"])
           for e in review.get("escalations", [])]
    _rows(cells, row, "Escalate: open items older than 30 days or carried from a prior period", ESCALATION_HEADERS,
          esc, "none")
    return cells


def _end(book) -> int | None:
    try:
        return int(book.get_setting(BLOCKS_END) or 0) or None
    except ValueError:
        return None


def line_inputs(state: State, first_row: int) -> list[str]:
    """The A1 ranges of the lines block's input cells (tick and comment of each line row), for the lock."""
    n = min(sum(len(c.get("lines", [])) for c in (state.review or {}).get("checks", [])), MAX_ROWS)
    if not n:
        return []
    first, last = (get_column_letter(LINE_HEADERS.index(h) + 1) for h in LINE_INPUTS)
    return [f"{first}{first_row + 2}:{last}{first_row + 1 + n}"]


def write_blocks(book, state: State, first_row: int) -> None:
    """Writes the blocks below the checks table, blanking what an earlier render left."""
    made = block_cells(state, first_row)
    end = _end(book)
    blanks = {}
    if end is not None:
        for r, values in enumerate(book.read_range(SHEET, f"A1:{get_column_letter(WIDTH)}{end}"), start=1):
            for c, v in enumerate(values, start=1):
                ref = f"{get_column_letter(c)}{r}"
                if r >= first_row and v not in (None, ""):
                    blanks[ref] = None
    book.set_cells(SHEET, {**blanks, **made})
    book.set_setting(BLOCKS_END, str(max(int("".join(ch for ch in ref if ch.isdigit())) for ref in made)))


@dataclass(frozen=True)
class TickInput:
    check: str
    ticked: bool
    comment: str


def _text(value) -> str:
    """A cell as the text typed (sheets.text; imported here, since sheets imports this module)."""
    from .sheets import text

    return text(value)


def _ticked(value) -> bool:
    return _text(value).lower() in ("yes", "y", "x", "true", "1", "✓")


def read_ticks(book) -> list[TickInput]:
    """The tick (yes / blank) and comment typed on each check's row."""
    if SHEET not in book.sheet_names():
        return []
    out = []
    for r in book.read_table(SHEET):
        check = _text(r.get("check"))
        if check:
            out.append(TickInput(check, _ticked(r.get("tick")), _text(r.get("comment"))))
    return out


@dataclass(frozen=True)
class LineTickInput:
    check: str
    side: str
    ref: str
    ticked: bool
    comment: str


def read_line_ticks(book, first_row: int) -> list[LineTickInput]:
    """The tick and comment typed on each row of the lines block (which starts at `first_row`)."""
    if SHEET not in book.sheet_names():
        return []
    last = get_column_letter(len(LINE_HEADERS))
    rows = book.read_range(SHEET, f"A{first_row + 1}:{last}{first_row + 1 + MAX_ROWS}")
    if not rows or tuple(_text(v) for v in rows[0]) != LINE_HEADERS:
        return []  # no lines (the block says "none") or a sheet of an older layout
    at = {h: i for i, h in enumerate(LINE_HEADERS)}
    out = []
    for r in rows[1:]:
        if not _text(r[0]):
            break
        out.append(LineTickInput(_text(r[0]), _text(r[at["side"]]), _text(r[at["ref"]]), _ticked(r[at["tick"]]),
                                 _text(r[at["comment"]])))
    return out


UNMARKED = (False, "")  # a check or line nobody marked, as the sheet shows it (tick blank, no comment)


def _as_mark(tick: dict | None) -> tuple[bool, str]:
    return bool((tick or {}).get("ticked")), (tick or {}).get("comment") or ""


def held_marks(marks: dict) -> dict:
    """GET .../review/ticks as {"checks": {check: (ticked, comment)}, "lines": {(check, side, ref): ...}}."""
    return {"checks": {c["id"]: _as_mark(c["tick"]) for c in marks["checks"]},
            "lines": {(ln["check"], ln["side"], ln["ref"]): _as_mark(ln["tick"]) for ln in marks["lines"]}}


def line_tick_changes(state: State) -> dict[tuple[str, str, str], tuple[bool, str]]:
    """{(check, side, ref): (ticked, comment)} of every line the checks list, as the server holds them."""
    return {(c["id"], ln["side"], ln["ref"]): _as_mark(ln.get("tick"))
            for c in (state.review or {}).get("checks", []) for ln in c.get("lines", [])}


def tick_changes(state: State) -> dict[str, tuple[bool, str]]:
    """{check: (ticked, comment)} as the server holds them."""
    return {c["id"]: _as_mark(c.get("tick"))
            for c in (state.review or {}).get("checks", [])}
