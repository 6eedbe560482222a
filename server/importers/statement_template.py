"""The bank statement import template as a bank format ("template"): the manual fallback for a bank file that
cannot be read. Reached by auto-detection only: the workbook carries the template's marker name (or its two
sheets), and this importer is asked before the generic xlsx reader, which would otherwise take it.

Cells are read by server/templates/template_read.py and checked by server/templates/template_cells.py, as the GL template's are,
so both templates accept the same spellings of dates and numbers. Every cell is checked and every problem
reported at once (BankFileError, row + column); nothing is returned on any problem. The statement's balance
is then proved by the registry's central check (opening + lines = closing). The names of sheets, fields and
columns come from excel_templates/statement_layout.py, which (unlike the template's writer) needs no openpyxl.

Decisions:
- Text amounts may end in CR (money in, +) or DR (money out, -), as banks print them: the opposite of the GL
  template's DR/CR, which speak from the ledger's side.
- A line dated outside the statement period is an error: the printed balances do not include it.
- Amount, Money in, Money out: exactly one non-zero value per row (zeros beside a value are export padding).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET

from ...excel_templates import statement_layout as layout
from ..errors import BankFileError, Problem
from ..records import BANK_TYPES, BankLine, ImportResult, Statement
from ..templates.template_cells import Bad, Cell, CellChecker, TemplateSpec, TwoWayDate, minor_units, to_text
from .base import ImportOptions

ZIP_MAGIC = b"PK\x03\x04"
_MAX_WORKBOOK_XML = 4 * 1024 * 1024  # xl/workbook.xml lists sheets and names: a few kB in any real workbook
_FIELDS = {f.key: f for f in layout.STATEMENT_FIELDS}
_HEADERS = {c.key: c.header for c in layout.COLUMNS}
_SPEC = TemplateSpec(layout.LAYOUT, "bank statement template", BankFileError, inflow="money_in",
                     outflow="money_out", negative_mark="DR",
                     unsigned_rule="Money in and Money out are positive numbers; the column gives the sign")
_TYPE_ALIASES = {"cheque": "check", "dd": "direct_debit", "atm": "cash", "pos": "card"}
_FIELD_ORDER = [f.label for f in layout.STATEMENT_FIELDS] + [c.header for c in layout.COLUMNS]
_BLOCK_LABELS = {f.label for f in layout.STATEMENT_FIELDS}


class StatementTemplateImporter:
    """A filled Statement-Import-Template.xlsx."""

    name = "template"
    priority = 100  # before the xlsx tabular reader (200), which reads any workbook
    # A typed statement is the user's own transcription: a difference is a typing error to fix before the lines
    # mean anything, so it is refused (a bank's file whose figures disagree imports with a finding instead).
    strict_balances = True

    def identify(self, path: Path, head: bytes) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo("xl/workbook.xml")
                if info.file_size > _MAX_WORKBOOK_XML:
                    return False
                root = SafeET.fromstring(zf.read(info))
        except Exception:  # noqa: BLE001 - not a readable workbook (or a hostile one): not this format
            return False
        names, sheets = set(), set()
        for el in root.iter():
            tag = str(el.tag).rsplit("}", 1)[-1]  # transitional and strict OOXML differ in namespace only
            if tag == "definedName":
                names.add(el.get("name"))
            elif tag == "sheet":
                sheets.add((el.get("name") or "").strip().casefold())
        return layout.MARKER_NAME in names or {layout.STATEMENT_SHEET.casefold(),
                                               layout.LINES_SHEET.casefold()} <= sheets

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        # Imported here: python-calamine and openpyxl load when a template is read, not with the format registry.
        from ..templates.template_read import read_template

        path = Path(path)
        epoch, fields, header, rows = read_template(path, _SPEC)
        reader = _StatementReader(epoch, _SPEC)
        statement = reader.read(fields, header, rows, options)
        if reader.problems:
            raise BankFileError(path, sorted(reader.problems, key=_problem_order))
        return ImportResult(self.name, str(path), (statement,), tuple(reader.warnings))

    def __repr__(self) -> str:
        return "StatementTemplateImporter()"


IMPORTER = StatementTemplateImporter()


def _problem_order(p: Problem) -> tuple:
    """The Statement block first, then the lines in row order; within a row, columns left to right."""
    field = p.field or ""
    return (field not in _BLOCK_LABELS, p.line or 0,
            _FIELD_ORDER.index(field) if field in _FIELD_ORDER else len(_FIELD_ORDER))


# ---- checking values ----

class _StatementReader(CellChecker):
    """The template's statement block and lines as a Statement."""

    def read(self, fields, header, rows, options: ImportOptions) -> Statement | None:
        # ImportOptions: what to assume when the file does not say (never overriding the file).
        head, head_cells = self.block(fields, {"account": options.account, "currency": options.currency})
        currency = head.get("currency") or ""
        units = minor_units(currency)
        lines, dates, date_cells = [], [], []
        for cells in rows:
            get = {key: cells[i] for key, i in header.items()}
            date = self.value(get["date"], _HEADERS["date"], self.date, required=True)
            texts = {key: self.value(get[key], _HEADERS[key], to_text) if key in get else ""
                     for key in ("description", "reference", "check_number")}
            kind = self.value(get["type"], _HEADERS["type"], _bank_type) if "type" in get else ""
            amount = self.amount(get, units, currency)
            ok = amount is not None and kind is not None and None not in texts.values()
            if ok and not kind:
                kind = "check" if texts["check_number"] else "other"
            lines.append(dict(line_id=f"T-{get['date'].row}", amount=amount, currency=currency, type=kind, **texts)
                         if ok else None)
            dates.append(date)
            date_cells.append(get["date"])
        # Text dates that read two ways are settled once every date of the file has been seen.
        self.settle_block(head, head_cells)
        dates = [self.resolve(cell, _HEADERS["date"], d) if isinstance(d, TwoWayDate) else d
                 for cell, d in zip(date_cells, dates)]
        self._period(head, head_cells, date_cells, dates)
        if self.problems:
            return None
        if not lines:
            self.warnings.append("no statement lines: the template holds the balances only")
        return Statement(account=head["account"], currency=currency, opening_balance=head["opening_balance"],
                         closing_balance=head["closing_balance"],
                         lines=tuple(BankLine(date=d, **ln) for d, ln in zip(dates, lines)),
                         period_start=head["period_start"], period_end=head["period_end"],
                         statement_id=head.get("statement_id") or "")

    def value(self, cell: Cell, field: str, convert, required: bool = False):
        # A crafted file can hold NaN or infinity in a number cell; Excel cannot, and no converter expects it.
        if isinstance(cell.value, float) and not math.isfinite(cell.value):
            self.bad(cell, field, f"not a number: {cell.value}")
            return None
        return super().value(cell, field, convert, required)

    def _period(self, head: dict, cells: dict, date_cells, dates) -> None:
        """The period reads forwards, and every line falls within it."""
        start, end = head.get("period_start"), head.get("period_end")
        if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
            return
        if start > end:
            cell = cells.get("period_end") or cells.get("period_start")
            self.bad(cell, _FIELDS["period_end"].label, f"{end} is before the statement start date {start}")
            return
        for cell, d in zip(date_cells, dates):
            if d is not None and not start <= d <= end:
                self.bad(cell, _HEADERS["date"], f"dated {d}, outside the statement period {start} .. {end}: "
                                                 "correct the date, or the statement's start or end date")


# ---- converters: value -> Python value, or Bad with the problem in plain words ----

def _bank_type(value) -> str:
    text = to_text(value)
    key = re.sub(r"[\s\-]+", "_", text.casefold())
    key = _TYPE_ALIASES.get(key, key)
    if key not in BANK_TYPES:
        raise Bad(f"{text!r} is not one of the types: {', '.join(BANK_TYPES)}")
    return key
