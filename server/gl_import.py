"""Read a filled GL import template (excel_templates/gl_template.py) into a GL balance and ledger lines.

Free-tier users type or paste their GL into the template, so cells arrive as numbers, dates or text, typed,
pasted or calculated. Every cell is checked and every problem is reported at once (TemplateError), naming
the row and the column, so the user fixes them in one pass; nothing is returned if anything is wrong.

Decisions:
- A line dated after the period end is an error, not a warning: the GL balance is stated at the period
  end, so a later line is not part of it and would make the reconciliation tie out against the wrong period.
- Text dates such as 03/04/2024 read both month-first and day-first. The file decides when another text date
  can only be read one way (e.g. 03/15/2024); otherwise the row is refused rather than guessed.
- Amount, Debit, Credit: exactly one non-zero value per row (zeros next to a value are export padding).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from iso4217 import Currency
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from tieout.excel_templates import gl_template as layout
from tieout.excel_templates.gl_template import fill_gl_template  # noqa: F401  (writer side, re-exported)

from .errors import Problem, TemplateError
from .parsing import DATE_FORMATS, AmountError, parse_amount
from .records import GLBalance, LedgerLine

__all__ = ["GLTemplateData", "read_gl_template", "fill_gl_template"]

_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y")
_ONE_WAY = ("%d.%m.%Y", "%d.%m.%y") + DATE_FORMATS["dmy_mon"] + DATE_FORMATS["mon_dy"]
_ORDER_NAMES = {"us": "month first", "eu": "day first"}
_DRCR = re.compile(r"^(.*?)\s*(DR|CR)$", re.I)
_CODE = re.compile(r"(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])")


@dataclass(frozen=True, slots=True)
class GLTemplateData:
    """What a filled template holds: the GL balance at period end and the GL lines of the period."""

    balance: GLBalance
    lines: tuple[LedgerLine, ...]
    account_name: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cell:
    """One cell as read: its value, where it is, and whether it is a formula Excel never calculated."""

    value: object
    row: int
    ref: str
    uncalculated: bool = False
    error: bool = False

    @property
    def empty(self) -> bool:
        return not self.uncalculated and (self.value is None or (isinstance(self.value, str)
                                                                 and not self.value.strip()))


@dataclass(frozen=True, slots=True)
class _TwoWayDate:
    """A text date that reads both month-first and day-first; the file's other dates may settle it."""

    text: str
    us: dt.date
    eu: dt.date


class _Bad(ValueError):
    """One cell's problem, turned into a Problem by the caller who knows the row and column."""


def read_gl_template(path: str | Path) -> GLTemplateData:
    """Read and check a filled GL template; raise TemplateError listing every problem found."""
    epoch, fields, header, rows = _read_cells(path)
    reader = _Reader(epoch)
    data = reader.read(fields, header, rows)
    if reader.problems:
        raise TemplateError(path, sorted(reader.problems, key=lambda p: (p.line or 0, _field_order(p.field))))
    return data


def _field_order(field: str | None) -> int:
    names = [f.label for f in layout.BALANCE_FIELDS] + [c.header for c in layout.COLUMNS]
    return names.index(field) if field in names else len(names)


# ---- reading cells (openpyxl); anything the library raises on a broken file becomes a TemplateError ----

def _read_cells(path):
    path = Path(path)
    if not path.is_file():
        raise TemplateError(path, "file not found")
    books = []
    try:
        # Two passes: calculated values, and formulas to tell an uncalculated formula from an empty cell.
        books = [load_workbook(path, read_only=True, data_only=flag) for flag in (True, False)]
        values, formulas = books
        balance_ws, lines_ws = (_sheet(path, values, name) for name in (layout.BALANCE_SHEET, layout.LINES_SHEET))
        balance_f, lines_f = formulas[balance_ws.title], formulas[lines_ws.title]
        fields = _balance_cells(balance_ws, balance_f)
        header, rows = _line_cells(path, lines_ws, lines_f)
        return values.epoch, fields, header, rows
    except TemplateError:
        raise
    except Exception as exc:  # zip, XML and openpyxl errors on a damaged or foreign file: all bad input
        raise TemplateError(path, f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: {exc}"
                            ) from exc
    finally:
        for book in books:
            book.close()


def _sheet(path, wb, name):
    for title in wb.sheetnames:
        if title.strip().casefold() == name.casefold():
            return wb[title]
    raise TemplateError(path, Problem(f"sheet '{name}' not found (sheets: {', '.join(wb.sheetnames)}); "
                                      "is this the Tieout GL import template?", record=name))


def _cells(ws_values, ws_formulas, columns, min_row=1):
    """Rows of _Cell for the given 0-based column indexes, numbered as Excel numbers the rows."""
    max_col = max(columns) + 1
    pairs = zip(ws_values.iter_rows(min_row=min_row, max_col=max_col),
                ws_formulas.iter_rows(min_row=min_row, max_col=max_col))
    letters = {i: get_column_letter(i + 1) for i in columns}
    for rownum, (vals, forms) in enumerate(pairs, start=min_row):
        row = {}
        for i in columns:
            v, f = vals[i], forms[i]
            row[i] = _Cell(v.value, rownum, f"'{ws_values.title}'!{letters[i]}{rownum}",
                           uncalculated=getattr(f, "data_type", None) == "f" and v.value is None,
                           error=getattr(v, "data_type", None) == "e")
        yield rownum, row


def _balance_cells(ws, ws_f) -> dict[str, _Cell]:
    """Field key -> the value cell beside its label (labels found by text, so inserted rows do no harm)."""
    labels = {f.label.casefold(): f.key for f in layout.BALANCE_FIELDS}
    found = {}
    for _, cells in _cells(ws, ws_f, (0, 1)):
        key = labels.get(str(cells[0].value or "").strip().casefold())
        if key and key not in found:
            found[key] = cells[1]
    return found


def _line_cells(path, ws, ws_f):
    """The header (key -> 0-based column index) and the rows below it with anything in the header's columns."""
    names = {c.header.casefold(): c.key for c in layout.COLUMNS}
    header = None
    # Columns may have been moved once the sheet is unprotected: look for the headings a little wider.
    for rownum, cells in _cells(ws, ws_f, range(len(layout.COLUMNS) + 20)):
        keys = {names.get(str(c.value or "").strip().casefold()): i for i, c in cells.items()}
        keys.pop(None, None)
        if "date" in keys and ("amount" in keys or {"debit", "credit"} <= keys.keys()):
            header = (rownum, keys)
            break
        if rownum >= 20:
            break
    if header is None:
        raise TemplateError(path, Problem("no header row with the columns Date and Amount (or Debit and Credit) "
                                          "in the first 20 rows", record=layout.LINES_SHEET))
    rownum, keys = header
    rows = [cells for _, cells in _cells(ws, ws_f, sorted(keys.values()), min_row=rownum + 1)
            if not all(c.empty for c in cells.values())]
    return keys, rows


# ---- checking values ----

class _Reader:
    """Turns cells into records, collecting every problem instead of stopping at the first."""

    def __init__(self, epoch):
        self.epoch = epoch
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.orders: dict[str, str] = {}  # "us"/"eu" -> a text date that reads only that way

    def bad(self, cell: _Cell, field: str, problem: str) -> None:
        self.problems.append(Problem(f"{problem} (cell {cell.ref})", line=cell.row, field=field))

    def read(self, fields, header, rows) -> GLTemplateData | None:
        head, head_cells = self._balance(fields)
        currency = head.get("currency") or ""
        units = _minor_units(currency)
        columns = {c.key: c for c in layout.COLUMNS}
        lines, date_cells = [], []
        for cells in rows:
            get = {key: cells[i] for key, i in header.items()}
            date = self._value(get["date"], columns["date"].header, self._date, required=True)
            texts = {key: self._value(get[key], columns[key].header, _text) if key in get else ""
                     for key in ("reference", "description", "source", "counterparty")}
            amount = self._amount(get, columns, units, currency)
            ok = date is not None and amount is not None and None not in texts.values()
            lines.append(dict(line_id=f"GL-{get['date'].row}", date=date, amount=amount, currency=currency, **texts)
                         if ok else None)
            date_cells.append(get["date"])
        # Text dates that read two ways are settled once every date of the file has been seen.
        if isinstance(head.get("period_end"), _TwoWayDate):
            label = next(f.label for f in layout.BALANCE_FIELDS if f.key == "period_end")
            head["period_end"] = self._resolve(head_cells["period_end"], label, head["period_end"])
        for cell, ln in zip(date_cells, lines):
            if ln is not None and isinstance(ln["date"], _TwoWayDate):
                ln["date"] = self._resolve(cell, columns["date"].header, ln["date"])
        self._after_period_end(head.get("period_end"), date_cells, lines, columns["date"].header)
        if self.problems:
            return None
        if not lines:
            self.warnings.append("no GL lines: the template holds the balance only")
        balance = GLBalance(account=head["account"], period_end=head["period_end"], balance=head["balance"],
                            currency=currency)
        return GLTemplateData(balance, tuple(LedgerLine(**ln) for ln in lines), head.get("account_name") or "",
                              tuple(self.warnings))

    def _balance(self, fields) -> tuple[dict, dict]:
        head, cells = {}, {}
        for f in layout.BALANCE_FIELDS:  # currency comes before the balance, which needs its minor unit
            if f.key not in fields:
                if not f.required:
                    continue
                self.problems.append(Problem(f"label '{f.label}' not found in column A", field=f.label,
                                             record=layout.BALANCE_SHEET))
                continue
            cell = cells[f.key] = fields[f.key]
            currency = head.get("currency") or ""
            convert = {"text": _text, "currency": _currency, "date": self._date,
                       "amount": lambda v, c=currency: _signed_amount(v, c)}[f.kind]
            value = self._value(cell, f.label, convert, required=f.required)
            if f.kind == "amount" and value is not None:
                value = self._money(cell, f.label, value, _minor_units(currency))
            head[f.key] = value
        return head, cells

    def _value(self, cell: _Cell, field: str, convert, required: bool = False):
        """The converted value; "" for an empty optional cell; None after a problem (reported)."""
        if cell.uncalculated:
            self.bad(cell, field, "formula without a calculated value: open and save the file in Excel, "
                                  "or type the value")
            return None
        if cell.error:
            self.bad(cell, field, f"the cell shows the error {cell.value}")
            return None
        if cell.empty:
            if required:
                self.bad(cell, field, "missing")
                return None
            return ""
        try:
            return convert(cell.value)
        except _Bad as exc:
            self.bad(cell, field, str(exc))
            return None

    def _amount(self, get, columns, units, currency) -> Decimal | None:
        """The signed amount from Amount, or from Debit (+) / Credit (-); None after a problem."""
        found, failed = {}, False
        for key in ("amount", "debit", "credit"):
            if key not in get:
                continue
            header = columns[key].header
            convert = _signed_amount if key == "amount" else _unsigned_amount
            value = self._value(get[key], header, lambda v: convert(v, currency))
            if value not in (None, ""):
                value = self._money(get[key], header, value, units)
            if value is None:
                failed = True
            elif value != "":
                found[key] = value
        if failed:
            return None
        nonzero = [k for k, v in found.items() if v != 0]
        if len(nonzero) > 1:
            names = [columns[k].header for k in nonzero]
            field = "Debit/Credit" if nonzero == ["debit", "credit"] else "Amount"
            self.bad(get[nonzero[0]], field, f"{' and '.join(names)} are {'both' if len(names) == 2 else 'all'} "
                                             "filled: a line has one of Amount, Debit or Credit")
            return None
        if not nonzero:
            if found:
                key = next(iter(found))
                self.bad(get[key], columns[key].header, "amount is zero: type the amount, or clear the row")
            else:
                cell = get.get("amount") or get["debit"]
                self.bad(cell, "Amount", "no amount: fill Amount, or Debit, or Credit")
            return None
        key = nonzero[0]
        return -found[key] if key == "credit" else found[key]

    def _money(self, cell, field, value: Decimal, units: int) -> Decimal | None:
        """The amount at the currency's minor unit; None (reported) when too large or too precise."""
        if abs(value) > layout.MAX_ABS_AMOUNT:
            self.bad(cell, field, f"{value} is larger than {layout.MAX_ABS_AMOUNT} (a typo?)")
            return None
        exact = value.quantize(Decimal(1).scaleb(-units))
        if exact != value:
            self.bad(cell, field, f"{value} has more than {units} decimal places")
            return None
        return exact

    def _date(self, value) -> dt.date | _TwoWayDate:
        result = _to_date(value, self.epoch, self.orders)
        if isinstance(result, dt.date) and not layout.MIN_DATE <= result <= layout.MAX_DATE:
            raise _Bad(f"date {result} is outside {layout.MIN_DATE} .. {layout.MAX_DATE} (a typo?)")
        return result

    def _resolve(self, cell: _Cell, field: str, d: _TwoWayDate) -> dt.date | None:
        if len(self.orders) == 1:
            (order, example), = self.orders.items()
            note = f"text dates that read two ways (such as {d.text!r}) were read {_ORDER_NAMES[order]}, " \
                   f"as {example} shows"
            if not any(w.startswith("text dates that read two ways") for w in self.warnings):
                self.warnings.append(note)
            return d.us if order == "us" else d.eu
        why = ("the file's text dates use both orders" if self.orders
               else "no other text date in the file shows the order")
        self.bad(cell, field, f"{d.text!r} reads as {d.us} (month first) or {d.eu} (day first) and {why}: "
                              "type it as yyyy-mm-dd")
        return None

    def _after_period_end(self, period_end, date_cells, lines, field: str) -> None:
        if not isinstance(period_end, dt.date):
            return
        for cell, ln in zip(date_cells, lines):
            if ln is not None and ln["date"] is not None and ln["date"] > period_end:
                self.bad(cell, field, f"dated {ln['date']}, after the period end {period_end}: it belongs to "
                                       "the next period (remove the line, or correct the period end date)")


# ---- converters: value -> Python value, or _Bad with the problem in plain words ----

def _text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _currency(value) -> str:
    code = _text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise _Bad(f"not a three-letter currency code: {value!r}")
    try:
        Currency(code)
    except ValueError:
        raise _Bad(f"{code} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)") from None
    return code


def _minor_units(code: str) -> int:
    """Decimal places of the currency (JPY 0, USD 2, KWD 3); 2 when unknown or not defined (gold, SDR)."""
    try:
        exponent = Currency(code).exponent
    except ValueError:
        return 2
    return 2 if exponent is None else exponent


def _number(value) -> Decimal:
    """A cell value to an exact Decimal. Floats keep Excel's 15 significant digits, so 0.1+0.2 is 0.3."""
    if isinstance(value, bool):
        raise _Bad(f"{'TRUE' if value else 'FALSE'} is not an amount")
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _Bad(f"a date or time ({_text(value)}), not an amount")
    text = str(value).strip()
    try:
        return parse_amount(text)
    except AmountError:
        raise _Bad(f"not a number: {text!r}") from None


def _signed_amount(value, currency: str) -> Decimal:
    """Amount column and balance: signed; text may end in DR (+, a debit to cash) or CR (-, a credit)."""
    if isinstance(value, str):
        _check_code(value, currency)
        m = _DRCR.match(value.strip())
        if m:
            number = _number(m.group(1))
            if number < 0:
                raise _Bad(f"both a minus sign and {m.group(2).upper()}: {value.strip()!r}")
            return -number if m.group(2).upper() == "CR" else number
    return _number(value)


def _unsigned_amount(value, currency: str) -> Decimal:
    """Debit and Credit columns: positive numbers; the column gives the sign."""
    if isinstance(value, str):
        _check_code(value, currency)
    number = _number(value)
    if number < 0:
        raise _Bad(f"negative ({number}): Debit and Credit are positive numbers; money in is a Debit, "
                   "money out a Credit")
    return number


def _check_code(text: str, currency: str) -> None:
    """parse_amount drops a currency code; one that is not the template's currency must not pass silently."""
    for code in _CODE.findall(text):
        if not _is_iso_currency(code.upper()):
            continue  # an ordinary word ("abc"): the number check will say it is not a number
        if currency and code.upper() != currency:
            raise _Bad(f"{text.strip()!r} is in {code.upper()}, but the template's currency is {currency}")


def _is_iso_currency(code: str) -> bool:
    try:
        Currency(code)
    except ValueError:
        return False
    return True


def _to_date(value, epoch, orders: dict) -> dt.date | _TwoWayDate:
    if isinstance(value, bool):
        raise _Bad(f"{'TRUE' if value else 'FALSE'} is not a date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (dt.time, dt.timedelta)):
        raise _Bad(f"a time ({value}), not a date")
    if isinstance(value, (int, float, Decimal)):
        return _serial_date(value, epoch)
    return _text_date(str(value).strip(), orders)


def _serial_date(value, epoch) -> dt.date:
    if not math.isfinite(value):
        raise _Bad(f"not a date: {value}")
    if value == int(value) and 19000101 <= value <= 29991231:  # 20240315 typed as a number
        try:
            return dt.datetime.strptime(str(int(value)), "%Y%m%d").date()
        except ValueError:
            raise _Bad(f"not a date: {value}") from None
    if not 1 <= value < 2958466:
        raise _Bad(f"not a date: {value} is no Excel date number")
    return from_excel(float(value), epoch).date()


def _text_date(text: str, orders: dict) -> dt.date | _TwoWayDate:
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    one_way = _first_in_range(text, _ONE_WAY)
    if one_way:
        return one_way
    us, eu = _first_in_range(text, _MONTH_FIRST), _first_in_range(text, _DAY_FIRST)
    if us and eu and us != eu:
        return _TwoWayDate(text, us, eu)
    if us or eu:
        if us != eu:
            orders.setdefault("us" if us else "eu", repr(text))
        return us or eu
    raise _Bad(f"not a date: {text!r} (type it as yyyy-mm-dd)")


def _first_in_range(text: str, codes) -> dt.date | None:
    """The first reading in the template's date range: "03/15/24" is 2024-03-15, not the year 24 of %Y."""
    for code in codes:
        try:
            d = dt.datetime.strptime(text, code).date()
        except ValueError:
            continue
        if layout.MIN_DATE <= d <= layout.MAX_DATE:
            return d
    return None
