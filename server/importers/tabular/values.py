"""Cell -> exact value for tabular bank files: amounts as Decimal, dates as datetime.date, codes as text.

The per-file decisions (which decimal mark, which date format) are made once from a sample of the file's
values, then each cell is converted by a fast path for the plain spellings with the shared parsers of
`server.parsing` as the fallback; dates are cached per distinct text, since a statement has few dates.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Callable, Iterable

from ...parsing import DATE_FORMATS, AmountError, DateError, parse_amount, parse_date
from ..amount_bounds import MAX_INTEGER_DIGITS, bounded

MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EMPTY_MARKS = frozenset({"-", "--", "\u2013", "\u2014", "n/a", "N/A"})
_DRCR_SUFFIX = re.compile(r"^(.*?)\s*(?<![A-Za-z])(CR|DR)\.?\Z", re.I)
# A currency code written against the number ("0.01USD", "USD 51348.89"), and stray separators banks leave at
# a cell's edges ("26.851,95|"): decoration, not part of the amount.
_CODE_AFFIX = re.compile(r"^[A-Z]{3}\s*(?=[-+(\d.,])|(?<=[\d.)-])\s*[A-Z]{3}\Z")
_EDGE_MARKS = "|*"
# The spellings nearly every line uses, parsed without the general parser: "-1234.56", "1,234.56" (and with
# a decimal comma "-1234,56", "1.234,56"). Anything else goes through parsing.parse_amount.
_PLAIN = {".": re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?\Z"),
          ",": re.compile(r"-?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?\Z")}
# Where the other mark may stand: thousands groups, and the lakh grouping of Indian banks ("1,23,456.00").
_THOUSANDS = {".": re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}"),
              ",": re.compile(r"\d{1,3}(?:\.\d{3})+")}
_DECIMAL_EVIDENCE = re.compile(r"([.,])(\d+)\)?-?\s*(?:CR|DR)?\.?\Z", re.I)


def cell_text(cell: object) -> str:
    """A cell as text: integral spreadsheet numbers without '.0' (check numbers, account numbers)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time(0) else cell.isoformat(sep=" ")
    return str(cell).strip()


def text_column(cells) -> list[str]:
    """cell_text of every cell of a column: one C-level strip per cell when all are text (every CSV cell is),
    else cell by cell."""
    cells = cells if isinstance(cells, list) else list(cells)
    try:
        return list(map(str.strip, cells))
    except TypeError:  # a spreadsheet number, date or empty cell among them
        return [v.strip() if v.__class__ is str else cell_text(v) for v in cells]


def is_blank(cell: object) -> bool:
    return cell is None or (cell.__class__ is str and not cell.strip())


# ------------------------------------------------------------------------------------------ amounts

def guess_decimal_mark(values: Iterable[object]) -> str:
    """',' when the file's amounts end in ',dd' more often than in '.dd'; '.' otherwise (and for ties)."""
    dots = commas = 0
    for v in values:
        if not isinstance(v, str):
            continue
        m = _DECIMAL_EVIDENCE.search(v.strip())
        if not m or len(m.group(2)) == 3:  # "1,234" / "1.234": a thousands group, not evidence
            continue
        last_dot, last_comma = v.rfind("."), v.rfind(",")
        if m.group(1) == ",":
            commas += last_comma > last_dot
        else:
            dots += last_dot > last_comma
    return "," if commas > dots else "."


def amount_parser(decimal: str) -> Callable[[object], Decimal | None]:
    """cell -> Decimal, None for an empty cell; raises AmountError for anything that is not money."""
    plain = _PLAIN[decimal]
    comma = decimal == ","

    def parse(cell: object) -> Decimal | None:
        if cell.__class__ is str:
            if not cell:
                return None
            if plain.match(cell):
                if comma:
                    value = Decimal(cell.replace(".", "").replace(",", ".") if "," in cell else cell.replace(".", ""))
                else:
                    value = Decimal(cell.replace(",", "") if "," in cell else cell)
                if len(cell) <= MAX_INTEGER_DIGITS:  # too short to reach the bound's magnitude
                    return value
            else:
                s = cell.strip()
                if not s or s in _EMPTY_MARKS:
                    return None
                value = _parse_text(s, decimal)
        elif cell is None:
            return None
        elif isinstance(cell, bool):
            raise AmountError(f"not an amount: {cell!r}")
        elif isinstance(cell, float):
            if not math.isfinite(cell):
                raise AmountError(f"not an amount: {cell!r}")
            # A spreadsheet number: Excel keeps 15 significant digits, so "%.15g" is the value the user sees
            # (repr would turn a cell computed as 0.1+0.2 into 0.30000000000000004).
            value = Decimal(format(cell, ".15g"))
        elif isinstance(cell, (int, Decimal)):
            value = Decimal(cell)
        else:
            raise AmountError(f"not an amount: {cell!r}")
        return bounded(value)  # the bound every format keeps (amount_bounds)

    return parse


def _parse_text(s: str, decimal: str) -> Decimal:
    """The slow path: currency marks, thousands separators, (x), x-, and a trailing CR/DR."""
    s = _CODE_AFFIX.sub("", s.strip(_EDGE_MARKS).strip())
    if not s:
        raise AmountError("empty amount")
    other = "," if decimal == "." else "."
    if other in s:
        # "12,34" in a file whose decimal mark is "." is not 1234: the other mark may only group thousands.
        whole = re.sub(r"[^\d.,]", "", s).split(decimal)[0]
        if not _THOUSANDS[decimal].fullmatch(whole):
            raise AmountError(f"not an amount with decimal mark {decimal!r}: {s!r}")
    m = _DRCR_SUFFIX.match(s)
    if m and m.group(1):
        value = abs(parse_amount(m.group(1), decimal))
        return -value if m.group(2).upper() == "DR" else value
    return parse_amount(s, decimal)


# ------------------------------------------------------------------------------------------ dates

def _codes(fmt: str) -> tuple[str, ...]:
    return DATE_FORMATS.get(fmt, (fmt,))


def _try_date(text: str, fmt: str) -> dt.date | None:
    try:
        return _strip_time_parse(text, (fmt,))
    except DateError:
        return None


def _strip_time_parse(text: str, formats: tuple[str, ...]) -> dt.date:
    try:
        return parse_date(text, formats)
    except DateError:
        head = re.split(r"[ T]\d{1,2}:\d{2}", text, maxsplit=1)[0]  # "01/02/2024 10:33" -> the date part
        if head != text:
            return parse_date(head, formats)
        raise


def choose_date_format(values: Iterable[str], formats: tuple[str, ...], sample: int = 2000
                       ) -> tuple[str, str | None]:
    """The one format of `formats` that reads the file's dates, and a warning when another reads them too
    but differently (01/02/2024: January or February?)."""
    if len(formats) == 1:
        return formats[0], None
    distinct = []
    seen = set()
    for v in values:
        if v not in seen:
            seen.add(v)
            distinct.append(v)
            if len(distinct) >= sample:
                break
    parsed = {f: {v: _try_date(v, f) for v in distinct} for f in formats}
    score = {f: sum(1 for d in parsed[f].values() if d is not None) for f in formats}
    best = max(formats, key=lambda f: score[f])  # max keeps the first of equals: the profile's preference
    warning = None
    for other in formats:
        if other != best and score[other] == score[best] and score[best] and any(
                parsed[other][v] != parsed[best][v] for v in distinct):
            warning = (f"dates such as {next(v for v in distinct if parsed[other][v] != parsed[best][v])!r} read "
                       f"as both {best} and {other}; read as {best}: choose a layout profile with the right "
                       "date_format if that is wrong")
            break
    return best, warning


_NUMERIC_CODES = {"%d": r"(\d{1,2})", "%m": r"(\d{1,2})", "%Y": r"(\d{4})"}


def _numeric_date(code: str) -> Callable[[str], dt.date | None] | None:
    """A reader for the all-digit date codes ("%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d") without strptime, which costs
    tens of microseconds a text (a statement has a thousand distinct dates): the digits are cut out by one
    regular expression and handed to date(). None for other codes; the reader returns None for a text it does not
    read (no match, or no such day), which then goes to strptime and gets its answer and message."""
    parts = re.split(r"(%[dmY])", code)
    fields = parts[1::2]
    if sorted(fields) != ["%Y", "%d", "%m"] or any(len(sep) > 1 or sep.isalnum() or "%" in sep
                                                   for sep in parts[0::2]):
        return None
    pattern = re.compile("".join(_NUMERIC_CODES.get(p, re.escape(p)) for p in parts))
    year, month, day = (fields.index(f) + 1 for f in ("%Y", "%m", "%d"))

    def read(text: str) -> dt.date | None:
        m = pattern.fullmatch(text)
        if m is None:
            return None
        try:
            return dt.date(int(m.group(year)), int(m.group(month)), int(m.group(day)))
        except ValueError:
            return None
    return read


def date_parser(fmt: str, typed: bool) -> Callable[[object], dt.date]:
    """cell -> date (cached per text); raises DateError. Spreadsheet serial numbers are dates when `typed`."""
    formats = (fmt,)
    cache: dict[str, dt.date] = {}
    fast = _numeric_date(_codes(fmt)[0])  # the first code strptime would try, read without it

    def parse(cell: object) -> dt.date:
        if cell.__class__ is str:
            d = cache.get(cell)
            if d is not None:
                return d
            d = fast(cell.strip()) if fast is not None else None
            if d is None:
                d = _strip_time_parse(cell.strip(), formats)
            if not MIN_DATE <= d <= MAX_DATE:
                raise DateError(f"date out of range: {cell!r}")
            if len(cache) < 100_000:
                cache[cell] = d
            return d
        if isinstance(cell, dt.datetime):
            d = cell.date()
        elif isinstance(cell, dt.date):
            d = cell
        elif typed and isinstance(cell, (int, float)) and not isinstance(cell, bool) and 1 <= cell < 2958466:
            d = _EXCEL_EPOCH + dt.timedelta(days=int(cell))
        else:
            raise DateError(f"not a date: {cell!r}")
        if not MIN_DATE <= d <= MAX_DATE:
            raise DateError(f"date out of range: {cell!r}")
        return d

    return parse
