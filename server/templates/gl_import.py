"""Read a filled GL import template (excel_templates/gl_template.py) into a GL balance and ledger lines.

Free-tier users type or paste their GL into the template. Cells are read by template_read and checked by
template_cells (both shared with the bank statement template); every problem is reported at once
(TemplateError), naming the row and the column, so the user fixes them in one pass; nothing is returned if
anything is wrong. The layout's names come from excel_templates/gl_layout.py.

Decisions:
- A line dated after the period end is an error, not a warning: the GL balance is stated at the period
  end, so a later line is not part of it and would make the reconciliation tie out against the wrong period.
- Text dates such as 03/04/2024 read both month-first and day-first. The file decides when another text date
  can only be read one way (e.g. 03/15/2024); otherwise the row is refused rather than guessed.
- Amount, Debit, Credit: exactly one non-zero value per row (zeros next to a value are export padding).
- Text amounts may end in DR (+, a debit to cash) or CR (-, a credit): the ledger's side.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tieout.excel_templates import gl_layout as layout

from ..errors import TemplateError
from ..gc_pause import paused_gc
from ..records import GLBalance, LedgerLine
from .template_cells import CellChecker, TemplateSpec, TwoWayDate, minor_units, to_text
from .gl_columns import plain_lines
from .template_read import read_template

__all__ = ["GLTemplateData", "read_gl_template", "fill_gl_template"]


def __getattr__(name: str):
    """fill_gl_template, the writer side, re-exported when asked for: it loads openpyxl, which reading does not
    need (template_read.SUPPORTED_FORMATS)."""
    if name == "fill_gl_template":
        from tieout.excel_templates.gl_template import fill_gl_template

        return fill_gl_template
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

SPEC = TemplateSpec(layout.LAYOUT, "GL import template", TemplateError, inflow="debit", outflow="credit",
                    negative_mark="CR",
                    unsigned_rule="Debit and Credit are positive numbers; money in is a Debit, money out a Credit")


@dataclass(frozen=True, slots=True)
class GLTemplateData:
    """What a filled template holds: the GL balance at period end and the GL lines of the period."""

    balance: GLBalance
    lines: tuple[LedgerLine, ...]
    account_name: str = ""
    warnings: tuple[str, ...] = ()


def read_gl_template(path: str | Path) -> GLTemplateData:
    """Read and check a filled GL template; raise TemplateError listing every problem found."""
    with paused_gc():  # hundreds of thousands of cells that all stay alive: nothing for the collector to find
        # By name: a file whose name is not that of an .xlsx workbook is refused, as this reader always has.
        epoch, fields, header, rows = read_template(Path(path), SPEC, by_content=False)
        reader = _GLReader(epoch, SPEC)
        data = reader.read(fields, header, rows)
    if reader.problems:
        raise TemplateError(path, sorted(reader.problems, key=lambda p: (p.line or 0, _field_order(p.field))))
    return data


def _field_order(field: str | None) -> int:
    names = [f.label for f in layout.BALANCE_FIELDS] + [c.header for c in layout.COLUMNS]
    return names.index(field) if field in names else len(names)


# ---- checking values ----

class _GLReader(CellChecker):
    """The template's balance block and lines as a GLBalance and LedgerLines."""

    def read(self, fields, header, rows) -> GLTemplateData | None:
        head, head_cells = self.block(fields)
        currency = head.get("currency") or ""
        units = minor_units(currency)
        heads = self.headers
        date_cells = [cells[header["date"]] for cells in rows]
        lines = plain_lines(header, rows, units, currency, self.spec.inflow, self.spec.outflow)
        if lines is None:
            lines = self._cell_by_cell(header, rows, units, currency)
        # Text dates that read two ways are settled once every date of the file has been seen.
        self.settle_block(head, head_cells)
        for cell, ln in zip(date_cells, lines):
            if ln is not None and isinstance(ln["date"], TwoWayDate):
                ln["date"] = self.resolve(cell, heads["date"], ln["date"])
        self._after_period_end(head.get("period_end"), date_cells, lines, heads["date"])
        if self.problems:
            return None
        if not lines:
            self.warnings.append("no GL lines: the template holds the balance only")
        balance = GLBalance(account=head["account"], period_end=head["period_end"], balance=head["balance"],
                            currency=currency)
        return GLTemplateData(balance, tuple(LedgerLine(**ln) for ln in lines), head.get("account_name") or "",
                              tuple(self.warnings))

    def _cell_by_cell(self, header, rows, units: int, currency: str) -> list[dict | None]:
        """Each line's values, or None for a line with a problem (reported, naming row, column and problem)."""
        heads, lines = self.headers, []
        for cells in rows:
            get = {key: cells[i] for key, i in header.items()}
            date = self.value(get["date"], heads["date"], self.date, required=True)
            texts = {key: self.value(get[key], heads[key], to_text) if key in get else ""
                     for key in ("reference", "description", "source", "counterparty")}
            amount = self.amount(get, units, currency)
            ok = date is not None and amount is not None and None not in texts.values()
            lines.append(dict(line_id=f"GL-{get['date'].row}", date=date, amount=amount, currency=currency, **texts)
                         if ok else None)
        return lines

    def _after_period_end(self, period_end, date_cells, lines, field: str) -> None:
        if not isinstance(period_end, dt.date):
            return
        for cell, ln in zip(date_cells, lines):
            if ln is not None and ln["date"] is not None and ln["date"] > period_end:
                self.bad(cell, field, f"dated {ln['date']}, after the period end {period_end}: it belongs to "
                                       "the next period (remove the line, or correct the period end date)")
