"""The bank statement import template as a bank format ("template"): the manual fallback for a bank file that
cannot be read. Reached by auto-detection only: the workbook carries the template's marker name (or its two
sheets), and this importer is asked before the generic xlsx reader, which would otherwise take it.

Cells are read and checked with the GL template's machinery (server/gl_import.py), so both templates accept
the same spellings of dates and numbers. Every cell is checked and every problem reported at once
(BankFileError, row + column); nothing is returned on any problem. The statement's balance is then proved by
the registry's central check (opening + lines = closing).

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
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import defusedxml.ElementTree as SafeET
from iso4217 import Currency
from openpyxl import load_workbook

from ...excel_templates import statement_template as layout
from ..errors import BankFileError, Problem
# gl_import's cell reader and converters (private there, shared on purpose: one reading of a cell for both
# templates).
from ..gl_import import (_CODE, _DRCR, _Bad, _Cell, _cells, _currency, _minor_units, _number, _Reader, _text,
                         _TwoWayDate)
from ..records import BANK_TYPES, BankLine, ImportResult, Statement
from .base import ImportOptions

ZIP_MAGIC = b"PK\x03\x04"
_MAX_WORKBOOK_XML = 4 * 1024 * 1024  # xl/workbook.xml lists sheets and names: a few kB in any real workbook
_FIELDS = {f.key: f for f in layout.STATEMENT_FIELDS}
_HEADERS = {c.key: c.header for c in layout.COLUMNS}
_TYPE_ALIASES = {"cheque": "check", "dd": "direct_debit", "atm": "cash", "pos": "card"}
_FIELD_ORDER = [f.label for f in layout.STATEMENT_FIELDS] + [c.header for c in layout.COLUMNS]
_BLOCK_LABELS = {f.label for f in layout.STATEMENT_FIELDS}


class StatementTemplateImporter:
    """A filled Statement-Import-Template.xlsx."""

    name = "template"
    priority = 100  # before the xlsx tabular reader (200), which reads any workbook

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
        path = Path(path)
        epoch, fields, header, rows = _read_cells(path)
        reader = _StatementReader(epoch)
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


# ---- reading cells (openpyxl); anything the library raises on a broken file becomes a BankFileError ----

def _read_cells(path: Path):
    if not path.is_file():
        raise BankFileError(path, "file not found")
    try:
        with ExitStack() as stack:
            # File objects, not the path: openpyxl refuses names not ending in .xlsx, and the format is
            # judged by content. Two passes: calculated values, and formulas (to tell an uncalculated
            # formula from an empty cell).
            books = []
            for flag in (True, False):
                book = load_workbook(stack.enter_context(path.open("rb")), read_only=True, data_only=flag)
                stack.callback(book.close)
                books.append(book)
            values, formulas = books
            block_ws, lines_ws = (_sheet(path, values, name) for name in (layout.STATEMENT_SHEET, layout.LINES_SHEET))
            fields = _block_cells(block_ws, formulas[block_ws.title])
            header, rows = _line_cells(path, lines_ws, formulas[lines_ws.title])
            return values.epoch, fields, header, rows
    except BankFileError:
        raise
    except Exception as exc:  # zip, XML and openpyxl errors on a damaged or foreign file: all bad input
        raise BankFileError(path, f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: {exc}"
                            ) from exc


def _sheet(path: Path, wb, name: str):
    for title in wb.sheetnames:
        if title.strip().casefold() == name.casefold():
            return wb[title]
    raise BankFileError(path, Problem(f"sheet '{name}' not found (sheets: {', '.join(wb.sheetnames)}); "
                                      "is this the Tieout bank statement template?", record=name))


def _block_cells(ws, ws_f) -> dict[str, _Cell]:
    """Field key -> the value cell beside its label (labels found by text, so inserted rows do no harm)."""
    labels = {f.label.casefold(): f.key for f in layout.STATEMENT_FIELDS}
    found = {}
    for _, cells in _cells(ws, ws_f, (0, 1)):
        key = labels.get(str(cells[0].value or "").strip().casefold())
        if key and key not in found:
            found[key] = cells[1]
    return found


def _line_cells(path: Path, ws, ws_f):
    """The header (key -> 0-based column index) and the rows below it with anything in the header's columns."""
    names = {c.header.casefold(): c.key for c in layout.COLUMNS}
    header = None
    # Columns may have been moved once the sheet is unprotected: look for the headings a little wider.
    for rownum, cells in _cells(ws, ws_f, range(len(layout.COLUMNS) + 20)):
        keys = {names.get(str(c.value or "").strip().casefold()): i for i, c in cells.items()}
        keys.pop(None, None)
        if "date" in keys and ("amount" in keys or {"money_in", "money_out"} <= keys.keys()):
            header = (rownum, keys)
            break
        if rownum >= 20:
            break
    if header is None:
        raise BankFileError(path, Problem("no header row with the columns Date and Amount (or Money in and Money "
                                          "out) in the first 20 rows", record=layout.LINES_SHEET))
    rownum, keys = header
    rows = [cells for _, cells in _cells(ws, ws_f, sorted(keys.values()), min_row=rownum + 1)
            if not all(c.empty for c in cells.values())]
    return keys, rows


# ---- checking values ----

class _StatementReader(_Reader):
    """gl_import's reader (problems collected, dates settled file-wide), with a statement's block and lines."""

    def read(self, fields, header, rows, options: ImportOptions) -> Statement | None:
        head, head_cells = self._block(fields, options)
        currency = head.get("currency") or ""
        units = _minor_units(currency)
        lines, dates, date_cells = [], [], []
        for cells in rows:
            get = {key: cells[i] for key, i in header.items()}
            date = self._value(get["date"], _HEADERS["date"], self._date, required=True)
            texts = {key: self._value(get[key], _HEADERS[key], _text) if key in get else ""
                     for key in ("description", "reference", "check_number")}
            kind = self._value(get["type"], _HEADERS["type"], _bank_type) if "type" in get else ""
            amount = self._amount(get, units, currency)
            ok = amount is not None and kind is not None and None not in texts.values()
            if ok and not kind:
                kind = "check" if texts["check_number"] else "other"
            lines.append(dict(line_id=f"T-{get['date'].row}", amount=amount, currency=currency, type=kind, **texts)
                         if ok else None)
            dates.append(date)
            date_cells.append(get["date"])
        # Text dates that read two ways are settled once every date of the file has been seen.
        for key in ("period_start", "period_end"):
            if isinstance(head.get(key), _TwoWayDate):
                head[key] = self._resolve(head_cells[key], _FIELDS[key].label, head[key])
        dates = [self._resolve(cell, _HEADERS["date"], d) if isinstance(d, _TwoWayDate) else d
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

    def _value(self, cell: _Cell, field: str, convert, required: bool = False):
        # A crafted file can hold NaN or infinity in a number cell; Excel cannot, and no converter expects it.
        if isinstance(cell.value, float) and not math.isfinite(cell.value):
            self.bad(cell, field, f"not a number: {cell.value}")
            return None
        return super()._value(cell, field, convert, required)

    def _block(self, fields, options: ImportOptions) -> tuple[dict, dict]:
        head, cells = {}, {}
        assumed = {"account": options.account, "currency": options.currency}
        for f in layout.STATEMENT_FIELDS:  # currency comes before the balances, which need its minor unit
            if f.key not in fields:
                if f.required:
                    self.problems.append(Problem(f"label '{f.label}' not found in column A", field=f.label,
                                                 record=layout.STATEMENT_SHEET))
                continue
            cell = cells[f.key] = fields[f.key]
            currency = head.get("currency") or ""
            convert = {"text": _text, "currency": _currency, "date": self._date,
                       "amount": lambda v, c=currency: _signed_amount(v, c)}[f.kind]
            if cell.empty and assumed.get(f.key):  # ImportOptions: what to assume when the file does not say
                value = self._value(_Cell(assumed[f.key], cell.row, cell.ref), f.label, convert)
            else:
                value = self._value(cell, f.label, convert, required=f.required)
            if f.kind == "amount" and value is not None:
                value = self._money(cell, f.label, value, _minor_units(currency))
            head[f.key] = value
        return head, cells

    def _amount(self, get, units: int, currency: str) -> Decimal | None:
        """The signed amount from Amount, or from Money in (+) / Money out (-); None after a problem."""
        found, failed = {}, False
        for key in ("amount", "money_in", "money_out"):
            if key not in get:
                continue
            convert = _signed_amount if key == "amount" else _unsigned_amount
            value = self._value(get[key], _HEADERS[key], lambda v, f=convert: f(v, currency))
            if value not in (None, ""):
                value = self._money(get[key], _HEADERS[key], value, units)
            if value is None:
                failed = True
            elif value != "":
                found[key] = value
        if failed:
            return None
        nonzero = [k for k, v in found.items() if v != 0]
        if len(nonzero) > 1:
            names = [_HEADERS[k] for k in nonzero]
            field = "Money in/Money out" if nonzero == ["money_in", "money_out"] else _HEADERS["amount"]
            self.bad(get[nonzero[0]], field, f"{' and '.join(names)} are {'both' if len(names) == 2 else 'all'} "
                                             "filled: a line has one of Amount, Money in or Money out")
            return None
        if not nonzero:
            if found:
                key = next(iter(found))
                self.bad(get[key], _HEADERS[key], "amount is zero: type the amount, or clear the row")
            else:
                cell = get.get("amount") or get["money_in"]
                self.bad(cell, _HEADERS["amount"], "no amount: fill Amount, or Money in, or Money out")
            return None
        key = nonzero[0]
        return -found[key] if key == "money_out" else found[key]

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


# ---- converters: value -> Python value, or _Bad with the problem in plain words ----

def _signed_amount(value, currency: str) -> Decimal:
    """Amount column and balances: signed; text may end in CR (money in, +) or DR (money out, -)."""
    if isinstance(value, str):
        _check_code(value, currency)
        m = _DRCR.match(value.strip())
        if m:
            number = _number(m.group(1))
            if number < 0:
                raise _Bad(f"both a minus sign and {m.group(2).upper()}: {value.strip()!r}")
            return -number if m.group(2).upper() == "DR" else number
    return _number(value)


def _unsigned_amount(value, currency: str) -> Decimal:
    """Money in and Money out columns: positive numbers; the column gives the sign."""
    if isinstance(value, str):
        _check_code(value, currency)
    number = _number(value)
    if number < 0:
        raise _Bad(f"negative ({number}): Money in and Money out are positive numbers; the column gives the sign")
    return number


def _bank_type(value) -> str:
    text = _text(value)
    key = re.sub(r"[\s\-]+", "_", text.casefold())
    key = _TYPE_ALIASES.get(key, key)
    if key not in BANK_TYPES:
        raise _Bad(f"{text!r} is not one of the types: {', '.join(BANK_TYPES)}")
    return key


def _check_code(text: str, currency: str) -> None:
    """parse_amount drops a currency code; one that is not the statement's must not pass silently. Other
    three-letter words (not ISO 4217 codes) are left to the number check, which calls them not a number."""
    for word in _CODE.findall(text):
        code = word.upper()
        if not currency or code == currency:
            continue
        try:
            Currency(code)
        except ValueError:
            continue
        raise _Bad(f"{text.strip()!r} is in {code}, but the template's currency is {currency}")
