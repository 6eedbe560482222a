"""Text -> Decimal and text -> date, for the spellings banks and accountants really use.

Shared by every importer so that "(1.234,56)", "1,234.56-", "$-12.00" and "12.00 DR" mean the same everywhere.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

# Currency symbols and codes that may decorate an amount; stripped before parsing.
_CURRENCY_MARKS = re.compile(r"[$€£¥₹₩₺₽₪฿₫₱]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|NZD|JPY|PLN|CZK|SEK|NOK|DKK|HUF|ZAR)\b", re.I)
_SPACES = re.compile(r"[\s\u00a0\u202f']")


class AmountError(ValueError):
    """The text is not an amount."""


def parse_amount(text: object, decimal: str | None = None) -> Decimal:
    """Parse a money amount to an exact Decimal.

    decimal: "." or "," when the layout says which is the decimal mark; None guesses from the text
    (the last of "." and "," is the decimal mark when both occur; a lone "," followed by exactly
    one or two digits is a decimal comma).
    Negatives: -x, x-, (x), and a trailing CR/DR is left to the caller (it depends on the layout).
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        # Spreadsheet cells arrive as floats; repr gives the shortest round-tripping decimal string.
        return Decimal(repr(text))
    raw = str(text)
    s = _SPACES.sub("", _CURRENCY_MARKS.sub("", raw))
    if not s:
        raise AmountError(f"empty amount {raw!r}")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    elif s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if s.startswith("-"):  # "$-12.00" after the symbol was stripped, or "(-5)"
        negative, s = not negative, s[1:]
    mark = decimal or _guess_decimal_mark(s)
    other = "," if mark == "." else "."
    if s.count(mark) > 1:
        raise AmountError(f"more than one decimal mark in {raw!r}")
    s = s.replace(other, "")
    if mark == ",":
        s = s.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", s):
        raise AmountError(f"not an amount: {raw!r}")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex above already guards this
        raise AmountError(f"not an amount: {raw!r}") from exc
    return -value if negative else value


def _guess_decimal_mark(s: str) -> str:
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    if last_comma >= 0:
        tail = s[last_comma + 1:]
        return "," if s.count(",") == 1 and 1 <= len(tail) <= 2 else "."
    return "."


# Date formats by name, as layout profiles write them. strptime codes, tried in the order given.
DATE_FORMATS = {
    "iso": ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y%m%d"),
    "us": ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"),
    "eu": ("%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"),
    "dmy_mon": ("%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %b %y", "%d%b%Y"),
    "mon_dy": ("%b %d, %Y", "%b %d %Y"),
}


class DateError(ValueError):
    """The text is not a date in the expected format."""


def parse_date(text: object, formats: tuple[str, ...] | str = ("iso",)) -> dt.date:
    """Parse a date written in one of the named formats (see DATE_FORMATS) or explicit strptime codes."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    s = str(text).strip()
    if isinstance(formats, str):
        formats = (formats,)
    for name in formats:
        for code in DATE_FORMATS.get(name, (name,)):
            try:
                return dt.datetime.strptime(s, code).date()
            except ValueError:
                continue
    raise DateError(f"not a date in format {'/'.join(formats)}: {s!r}")
