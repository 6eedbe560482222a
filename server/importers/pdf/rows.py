"""Table lines -> statement rows: dates, signed amounts, printed balances and wrapped descriptions.

Two ways banks wrap a transaction over several lines, chosen by the layout's `amount_line`:
- "first": the dated first line carries the amount; lines without date or amount continue its description;
- "last": description lines pile up until the line that carries the amount (HSBC-style), so a transaction
  needs no date of its own when the layout prints dates once a day (`date_carry`).
Rows whose description names a balance ("BALANCE BROUGHT FORWARD") are balance rows, not transactions.
Every problem names the page and line, so a user can find it on the printout.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ...errors import Problem
from ...parsing import AmountError, DateError
from .layout import Layout
from .table import TextLine, grid_of
from .values import DateReader, signed

MONEY_ROLES = ("debit", "credit", "amount")


@dataclass(frozen=True, slots=True)
class Row:
    page: int
    line: int  # the row's first line
    kind: str  # "txn" or "balance"
    date: dt.date | None
    amount: Decimal | None  # signed, + money in; None for balance rows
    balance: Decimal | None  # the running balance printed on the row, if any
    balance_line: int  # the line the balance is printed on
    description: str = ""
    reference: str = ""
    check_number: str = ""
    type: str = "other"

    @property
    def where(self) -> str:
        return f"page {self.page} line {self.line}"


@dataclass
class _Draft:
    """A transaction being assembled from its lines."""

    page: int
    line: int
    date: dt.date | None = None
    amount: Decimal | None = None
    balance: Decimal | None = None
    balance_line: int = 0
    text: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    check_number: str = ""

    def add(self, cells: dict[str, str]) -> None:
        if cells.get("description"):
            self.text.append(cells["description"])
        if cells.get("reference"):
            self.reference.append(cells["reference"])
        if cells.get("check_number"):
            self.check_number = cells["check_number"]


@dataclass(frozen=True)
class Table:
    """What the transaction tables of a statement held."""

    rows: tuple[Row, ...]
    pages_with_table: tuple[int, ...]
    problems: tuple[Problem, ...]


class _Assembler:
    def __init__(self, layout: Layout, dates: DateReader):
        self.layout, self.dates = layout, dates
        self.rows: list[Row] = []
        self.problems: list[Problem] = []
        self.draft: _Draft | None = None
        self.last_date: dt.date | None = None

    def problem(self, at: TextLine | _Draft, text: str, role: str | None = None) -> None:
        """Record a problem at a line, or at the first line of a transaction being assembled."""
        number = at.number if isinstance(at, TextLine) else at.line
        col = self.layout.column(role) if role else None
        self.problems.append(Problem(text, record=f"page {at.page} line {number}", field=col.label if col else None))

    # ---------------------------------------------------------------------------------- figures and dates
    def _date(self, line: TextLine, cells: dict[str, str]) -> tuple[bool, dt.date | None]:
        text = cells.get("date", "")
        if not text:
            return True, None
        try:
            return True, self.dates(text)
        except DateError as exc:
            self.problem(line, str(exc), "date")
            return False, None

    def _money(self, line: TextLine, cells: dict[str, str]) -> tuple[bool, Decimal | None, Decimal | None]:
        """(ok, amount, balance) of a line."""
        ok, amounts, balance = True, [], None
        for role in MONEY_ROLES + ("balance",):
            text = cells.get(role)
            if not text:
                continue
            try:
                value = signed(text, self.layout.decimal, self.layout.signs[role])
            except AmountError as exc:
                self.problem(line, str(exc), role)
                ok = False
                continue
            if role == "balance":
                balance = value
            else:
                amounts.append(value)
        if len(amounts) > 1:
            labels = " and ".join(c.label for c in self.layout.columns if c.role in MONEY_ROLES)
            self.problem(line, f"both {labels} hold a figure on one line")
            ok = False
        return ok, (amounts[0] if amounts else None), balance

    # ------------------------------------------------------------------------------------------- rows
    def _finish(self) -> None:
        d, self.draft = self.draft, None
        if d is None:
            return
        if d.amount is None:
            self.problem(d, "this transaction has no amount" + (f" ({' '.join(d.text)[:60]!r})" if d.text else ""))
            return
        if d.date is None:
            d.date = self.last_date
            if d.date is None:
                self.problem(d, "this transaction has no date and no dated line comes before it", "date")
                return
        description = " ".join(d.text)
        check, kind = d.check_number, "other"
        for pattern, type_name in self.layout.types:
            m = pattern.search(description)
            if m:
                kind = type_name
                check = check or (m.groupdict().get("check") or "")
                break
        self.last_date = d.date
        self.rows.append(Row(d.page, d.line, "txn", d.date, d.amount, d.balance, d.balance_line or d.line,
                             description, " ".join(d.reference), check, kind))

    def balance_row(self, line: TextLine, cells: dict[str, str]) -> None:
        if self.layout.amount_line == "last" and self.draft is not None:
            self.problem(self.draft, "these lines have no amount")
            self.draft = None
        self._finish()
        ok, date = self._date(line, cells)
        ok2, amount, balance = self._money(line, cells)
        if not (ok and ok2):
            return
        if balance is None:
            self.problem(line, f"{cells.get('description')!r} prints no balance", "balance")
            return
        if date is not None:
            self.last_date = date
        self.rows.append(Row(line.page, line.number, "balance", date, None, balance, line.number,
                             cells.get("description", ""), type="balance"))

    def line(self, line: TextLine, cells: dict[str, str]) -> None:
        ok, date = self._date(line, cells)
        ok2, amount, balance = self._money(line, cells)
        if not (ok and ok2):
            return
        if self.layout.amount_line == "first":
            self._first(line, cells, date, amount, balance)
        else:
            self._last(line, cells, date, amount, balance)

    def _first(self, line, cells, date, amount, balance) -> None:
        starts = date is not None or (amount is not None and self.layout.date_carry)
        if starts:
            self._finish()
            self.draft = _Draft(line.page, line.number, date)
        elif self.draft is None:
            if amount is not None:
                self.problem(line, "an amount on a line without a date", "date")
            return  # text above the first transaction of a page (a sub-heading)
        d = self.draft
        if amount is not None:
            if d.amount is not None:
                self.problem(line, "an amount on a line without a date", "date")
                return
            d.amount = amount
        if balance is not None and d.balance is None:
            d.balance, d.balance_line = balance, line.number
        d.add(cells)

    def _last(self, line, cells, date, amount, balance) -> None:
        d = self.draft
        if d is not None and date is not None and d.date is not None:
            self.problem(d, "these lines have no amount")
            d = self.draft = None
        if d is None:
            d = self.draft = _Draft(line.page, line.number, date)
        elif date is not None:
            d.date = date
        d.add(cells)
        if amount is None:
            if balance is not None:
                self.problem(line, "a balance on a line without an amount", "balance")
            return
        d.amount = amount
        if balance is not None:
            d.balance, d.balance_line = balance, line.number
        self._finish()

    def table_end(self) -> None:
        """A table ended (page end, gap, end line). A dated transaction is complete; an HSBC-style block of
        lines still waiting for its amount may continue on the next page."""
        if self.layout.amount_line == "first":
            self._finish()

    def end(self) -> None:
        if self.layout.amount_line == "last" and self.draft is not None:
            d = self.draft
            self.problem(d, "these lines at the end of the table have no amount")
            self.draft = None
        self._finish()


def read_rows(pages: list[tuple[TextLine, ...]], layout: Layout, dates: DateReader) -> Table:
    """Every row of every transaction table, in order. A table starts at a header line and ends at an `end`
    line, a gap wider than `max_row_gap` or the page's end; a page may hold several (a repeated header)."""
    asm = _Assembler(layout, dates)
    with_table = []
    for lines in pages:
        grid, previous = None, 0.0
        for line in lines:
            header = grid_of(line, layout)
            if header is not None:
                asm.table_end()
                grid, previous = header, line.baseline
                if not with_table or with_table[-1] != line.page:
                    with_table.append(line.page)
                continue
            if grid is None:
                continue
            if line.baseline - previous > layout.max_row_gap:
                grid = None
                asm.table_end()
                continue
            previous = line.baseline
            text = line.text
            if any(p.search(text) for p in layout.end):
                grid = None
                asm.table_end()
                continue
            if any(p.search(text) for p in layout.ignore):
                continue
            cells = grid.cells(line)
            if any(p.search(cells.get("description", "")) for p in layout.balance_rows):
                asm.balance_row(line, cells)
            else:
                asm.line(line, cells)
        asm.table_end()
    asm.end()
    return Table(tuple(asm.rows), tuple(with_table), tuple(asm.problems))
