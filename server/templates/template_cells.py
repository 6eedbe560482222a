"""Checking the cells of a filled import template: one reading of a cell's value for every template.

The GL template (gl_import.py) and the bank statement template (importers/statement_template.py) are typed or
pasted by people, so cells arrive as numbers, dates or text, typed, pasted or calculated. Both convert and check
them here, so both accept the same spellings of dates and numbers and word a problem alike; what differs between
them (sheet names, the error type, which of DR/CR is negative, the wording about unsigned columns) is a
TemplateSpec. How the cells are read from the workbook is template_read.py's job; this module loads no workbook
library when imported (openpyxl's date conversion is imported where a date serial is read), so the format
registry loads the statement template's importer without one.

Every cell is checked and every problem collected (CellChecker.problems), naming the row and the column, so
the user fixes them in one pass. Text dates such as 03/04/2024 read both month-first and day-first; the file
decides when another text date can only be read one way (e.g. 03/15/2024), otherwise the row is refused.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple


from tieout.excel_templates.template_layout import MAX_ABS_AMOUNT, MAX_DATE, MIN_DATE, TemplateLayout

from ..currencies import iso_currency
from ..errors import InputError, Problem
from ..parsing import DATE_FORMATS, AmountError, parse_amount

_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y")
_ONE_WAY = ("%d.%m.%Y", "%d.%m.%y") + DATE_FORMATS["dmy_mon"] + DATE_FORMATS["mon_dy"]
_ORDER_NAMES = {"us": "month first", "eu": "day first"}
_DRCR = re.compile(r"^(.*?)\s*(DR|CR)$", re.I)
_CODE = re.compile(r"(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])")


@dataclass(frozen=True)
class TemplateSpec:
    """What a reader knows of one template beyond its layout: how it is named in messages, the error it
    raises, and how its lines state an amount (one signed column, or a money-in and a money-out column)."""

    layout: TemplateLayout
    name: str  # in "is this the Tieout <name>?"
    error: type[InputError]
    inflow: str  # key of the unsigned column that adds (+)
    outflow: str  # key of the unsigned column that takes away (-)
    negative_mark: str  # the text suffix, DR or CR, that makes a signed amount negative
    unsigned_rule: str  # the words after "negative (n): " in an unsigned column

    @property
    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.layout.columns}


class Cell(NamedTuple):
    """One cell as read: its value, where it is, and whether it is a formula Excel never calculated.
    (A NamedTuple, not a frozen dataclass: a 100,000-line template makes 800,000 of them, three times faster.)"""

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
class TwoWayDate:
    """A text date that reads both month-first and day-first; the file's other dates may settle it."""

    text: str
    us: dt.date
    eu: dt.date


class Bad(ValueError):
    """One cell's problem, turned into a Problem by the caller who knows the row and column."""


# ---- checking values ----

class CellChecker:
    """Turns cells into values, collecting every problem instead of stopping at the first. A reader subclasses
    it with the records its template makes."""

    def __init__(self, epoch, spec: TemplateSpec):
        self.epoch = epoch
        self.spec = spec
        self.headers = spec.headers  # column key -> header, the field name of a line's problems
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.orders: dict[str, str] = {}  # "us"/"eu" -> a text date that reads only that way

    def bad(self, cell: Cell, field: str, problem: str) -> None:
        self.problems.append(Problem(f"{problem} (cell {cell.ref})", line=cell.row, field=field))

    def signed(self, value, currency: str) -> Decimal:
        return signed_amount(value, currency, self.spec.negative_mark)

    def unsigned(self, value, currency: str) -> Decimal:
        return unsigned_amount(value, currency, self.spec.unsigned_rule)

    def block(self, fields, assumed: dict | None = None) -> tuple[dict, dict]:
        """The label/value block: field key -> value, and field key -> Cell. `assumed` (field key -> value)
        stands in for an empty cell (import options: what to assume when the file does not say)."""
        head, cells = {}, {}
        assumed = assumed or {}
        for f in self.spec.layout.fields:  # currency comes before the amounts, which need its minor unit
            if f.key not in fields:
                if f.required:
                    self.problems.append(Problem(f"label '{f.label}' not found in column A", field=f.label,
                                                 record=self.spec.layout.block_sheet))
                continue
            cell = cells[f.key] = fields[f.key]
            currency = head.get("currency") or ""
            convert = {"text": to_text, "currency": to_currency, "date": self.date,
                       "amount": lambda v, c=currency: self.signed(v, c)}[f.kind]
            if cell.empty and assumed.get(f.key):
                value = self.value(Cell(assumed[f.key], cell.row, cell.ref), f.label, convert)
            else:
                value = self.value(cell, f.label, convert, required=f.required)
            if f.kind == "amount" and value is not None:
                value = self.money(cell, f.label, value, minor_units(currency))
            head[f.key] = value
        return head, cells

    def settle_block(self, head: dict, cells: dict) -> None:
        """Settle the block's text dates that read two ways (once every date of the file has been seen)."""
        for f in self.spec.layout.fields:
            if isinstance(head.get(f.key), TwoWayDate):
                head[f.key] = self.resolve(cells[f.key], f.label, head[f.key])

    def value(self, cell: Cell, field: str, convert, required: bool = False):
        """The converted value; "" for an empty optional cell; None after a problem (reported)."""
        if cell.uncalculated:
            self.bad(cell, field, "formula without a calculated value: open and save the file in Excel, "
                                  "or type the value")
            return None
        if cell.error:
            self.bad(cell, field, f"the cell shows the error {cell.value}")
            return None
        v = cell.value  # cell.empty, inlined: called for every cell of every line
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.bad(cell, field, "missing")
                return None
            return ""
        try:
            return convert(v)
        except Bad as exc:
            self.bad(cell, field, str(exc))
            return None

    def amount(self, get: dict[str, Cell], units: int, currency: str) -> Decimal | None:
        """The signed amount from Amount, or from the inflow (+) / outflow (-) column; None after a problem."""
        heads, inflow, outflow = self.headers, self.spec.inflow, self.spec.outflow
        found, failed = {}, False
        for key in ("amount", inflow, outflow):
            if key not in get:
                continue
            convert = self.signed if key == "amount" else self.unsigned
            value = self.value(get[key], heads[key], lambda v, f=convert: f(v, currency))
            if value not in (None, ""):
                value = self.money(get[key], heads[key], value, units)
            if value is None:
                failed = True
            elif value != "":
                found[key] = value
        if failed:
            return None
        nonzero = [k for k, v in found.items() if v != 0]
        if len(nonzero) > 1:
            names = [heads[k] for k in nonzero]
            field = f"{heads[inflow]}/{heads[outflow]}" if nonzero == [inflow, outflow] else heads["amount"]
            self.bad(get[nonzero[0]], field, f"{' and '.join(names)} are {'both' if len(names) == 2 else 'all'} "
                                             f"filled: a line has one of {heads['amount']}, {heads[inflow]} or "
                                             f"{heads[outflow]}")
            return None
        if not nonzero:
            if found:
                key = next(iter(found))
                self.bad(get[key], heads[key], "amount is zero: type the amount, or clear the row")
            else:
                cell = get.get("amount") or get[inflow]
                self.bad(cell, heads["amount"], f"no amount: fill {heads['amount']}, or {heads[inflow]}, or "
                                                f"{heads[outflow]}")
            return None
        key = nonzero[0]
        return -found[key] if key == outflow else found[key]

    def money(self, cell, field, value: Decimal, units: int) -> Decimal | None:
        """The amount at the currency's minor unit; None (reported) when too large or too precise."""
        if abs(value) > MAX_ABS_AMOUNT:
            self.bad(cell, field, f"{value} is larger than {MAX_ABS_AMOUNT} (a typo?)")
            return None
        exact = value.quantize(Decimal(1).scaleb(-units))
        if exact != value:
            self.bad(cell, field, f"{value} has more than {units} decimal places")
            return None
        return exact

    def date(self, value) -> dt.date | TwoWayDate:
        result = to_date(value, self.epoch, self.orders)
        if isinstance(result, dt.date) and not MIN_DATE <= result <= MAX_DATE:
            raise Bad(f"date {result} is outside {MIN_DATE} .. {MAX_DATE} (a typo?)")
        return result

    def resolve(self, cell: Cell, field: str, d: TwoWayDate) -> dt.date | None:
        """A two-way date read in the one order the file's other text dates show; None (reported) otherwise."""
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


# ---- converters: value -> Python value, or Bad with the problem in plain words ----

def to_text(value) -> str:
    if value.__class__ is str:  # the usual case, first
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def to_currency(value) -> str:
    code = to_text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise Bad(f"not a three-letter currency code: {value!r}")
    if not is_iso_currency(code):
        raise Bad(f"{code} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


def minor_units(code: str) -> int:
    """Decimal places of the currency (JPY 0, USD 2, KWD 3); 2 when unknown or not defined (gold, SDR)."""
    exponent = iso_currency(code)[1]
    return 2 if exponent is None else exponent


def is_iso_currency(code: str) -> bool:
    return iso_currency(code)[0]


def to_number(value) -> Decimal:
    """A cell value to an exact Decimal. Floats keep Excel's 15 significant digits, so 0.1+0.2 is 0.3."""
    if isinstance(value, bool):
        raise Bad(f"{'TRUE' if value else 'FALSE'} is not an amount")
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise Bad(f"a date or time ({to_text(value)}), not an amount")
    text = str(value).strip()
    try:
        return parse_amount(text)
    except AmountError:
        raise Bad(f"not a number: {text!r}") from None


def signed_amount(value, currency: str, negative_mark: str) -> Decimal:
    """A signed amount; text may end in DR or CR, `negative_mark` being the one that means minus: CR in the
    GL (a credit to cash), DR on a bank statement (money out, as banks print it)."""
    if isinstance(value, str):
        check_code(value, currency)
        m = _DRCR.match(value.strip())
        if m:
            number = to_number(m.group(1))
            if number < 0:
                raise Bad(f"both a minus sign and {m.group(2).upper()}: {value.strip()!r}")
            return -number if m.group(2).upper() == negative_mark else number
    return to_number(value)


def unsigned_amount(value, currency: str, rule: str) -> Decimal:
    """A money-in or money-out column: a positive number, the column giving the sign; `rule` says so."""
    if isinstance(value, str):
        check_code(value, currency)
    number = to_number(value)
    if number < 0:
        raise Bad(f"negative ({number}): {rule}")
    return number


def check_code(text: str, currency: str) -> None:
    """parse_amount drops a currency code; one that is not the template's currency must not pass silently.
    Other three-letter words (not ISO 4217 codes) are left to the number check, which calls them not a number."""
    for word in _CODE.findall(text):
        code = word.upper()
        if currency and code != currency and is_iso_currency(code):
            raise Bad(f"{text.strip()!r} is in {code}, but the template's currency is {currency}")


def to_date(value, epoch, orders: dict) -> dt.date | TwoWayDate:
    """A cell value to a date; a text date that reads two ways becomes a TwoWayDate, one that reads one way
    only records its order in `orders`."""
    if isinstance(value, bool):
        raise Bad(f"{'TRUE' if value else 'FALSE'} is not a date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (dt.time, dt.timedelta)):
        raise Bad(f"a time ({value}), not a date")
    if isinstance(value, (int, float, Decimal)):
        return _serial_date(value, epoch)
    return _text_date(str(value).strip(), orders)


def _serial_date(value, epoch) -> dt.date:
    if not math.isfinite(value):
        raise Bad(f"not a date: {value}")
    if value == int(value) and 19000101 <= value <= 29991231:  # 20240315 typed as a number
        try:
            return dt.datetime.strptime(str(int(value)), "%Y%m%d").date()
        except ValueError:
            raise Bad(f"not a date: {value}") from None
    if not 1 <= value < 2958466:
        raise Bad(f"not a date: {value} is no Excel date number")
    # Imported here: the format registry loads this module, and openpyxl is needed only for a date serial.
    from openpyxl.utils.datetime import from_excel

    return from_excel(float(value), epoch).date()


def _text_date(text: str, orders: dict) -> dt.date | TwoWayDate:
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    one_way = _first_in_range(text, _ONE_WAY)
    if one_way:
        return one_way
    us, eu = _first_in_range(text, _MONTH_FIRST), _first_in_range(text, _DAY_FIRST)
    if us and eu and us != eu:
        return TwoWayDate(text, us, eu)
    if us or eu:
        if us != eu:
            orders.setdefault("us" if us else "eu", repr(text))
        return us or eu
    raise Bad(f"not a date: {text!r} (type it as yyyy-mm-dd)")


def _first_in_range(text: str, codes) -> dt.date | None:
    """The first reading in the template's date range: "03/15/24" is 2024-03-15, not the year 24 of %Y."""
    for code in codes:
        try:
            d = dt.datetime.strptime(text, code).date()
        except ValueError:
            continue
        if MIN_DATE <= d <= MAX_DATE:
            return d
    return None
