"""Figures and dates as PDF statements print them.

Amounts carry their sign as a mark the layout gives a meaning to: "1,234.56 CR", "(1,234.56)", "-1,234.56",
"1,234.56 D" (overdrawn). Dates often have no year ("03/14", "14 Mar"): the year comes from the statement
period, so a December line of a December-January statement lands in the right year.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from ...parsing import DATE_FORMATS, AmountError, DateError, parse_amount

SLACK_DAYS = 45  # a year-less date may lie this far outside the statement period (posting vs value dates)
_SUFFIX = re.compile(r"^(?P<core>.*?\d\)?)\s*(?P<mark>CR|DR|OD|D)\.?$", re.IGNORECASE)


def read_marked(text: str, decimal: str) -> tuple[Decimal, str]:
    """The magnitude of a printed figure and its mark: plain, minus, parentheses, cr, dr, d or od."""
    s = text.strip()
    mark = "plain"
    m = _SUFFIX.match(s)
    if m:
        s, mark = m.group("core").strip(), m.group("mark").lower()
    if s.startswith("(") and s.endswith(")"):
        if mark != "plain":
            raise AmountError(f"{text!r} carries two sign marks")
        s, mark = s[1:-1].strip(), "parentheses"
    value = parse_amount(s, decimal=decimal)
    if value < 0:
        if mark != "plain":
            raise AmountError(f"{text!r} carries two sign marks")
        value, mark = -value, "minus"
    return value, mark


def signed(text: str, decimal: str, signs: Mapping[str, int]) -> Decimal:
    """A printed figure as a signed amount (+ money in) under a column's marks -> sign table."""
    value, mark = read_marked(text, decimal)
    if mark not in signs:
        allowed = ", ".join(sorted(signs))
        raise AmountError(f"{text!r} is marked {mark!r}, which this layout does not use here (marks: {allowed})")
    return value * signs[mark]


def _codes(formats: tuple[str, ...]) -> list[str]:
    return [code for name in formats for code in DATE_FORMATS.get(name, (name,))]


def _has_year(code: str) -> bool:
    return "%y" in code.lower()


def _closest(text: str, code: str, start: dt.date, end: dt.date) -> tuple[int, dt.date] | None:
    """The reading of a year-less date nearest the period (days outside it, date), or None if it is no date."""
    best = None
    for year in range(start.year - 1, end.year + 2):
        try:
            d = dt.datetime.strptime(f"{text} {year}", f"{code} %Y").date()
        except ValueError:
            continue
        off = 0 if start <= d <= end else min(abs((d - start).days), abs((d - end).days))
        if best is None or off < best[0]:
            best = (off, d)
    return best


class DateReader:
    """Reads a layout's dates; year-less ones take the year that puts them inside the statement period."""

    def __init__(self, formats: tuple[str, ...], period: tuple[dt.date, dt.date] | None):
        self.codes = _codes(formats)
        self.period = period
        self._read: dict[str, dt.date] = {}  # a month's rows print ~30 distinct dates: strptime once each

    def __call__(self, text: str) -> dt.date:
        found = self._read.get(text)
        if found is None:
            found = self._read[text] = self._parse(text)
        return found

    def _parse(self, text: str) -> dt.date:
        text = " ".join(text.split())
        outside = None
        for code in self.codes:
            if _has_year(code):
                try:
                    return dt.datetime.strptime(text, code).date()
                except ValueError:
                    continue
            if self.period is None:
                continue
            found = _closest(text, code, *self.period)
            if found and found[0] <= SLACK_DAYS:
                return found[1]
            outside = outside or found
        if outside:
            start, end = self.period
            raise DateError(f"date {text!r} is not within the statement period {start} to {end}")
        if self.period is None and not any(_has_year(c) for c in self.codes):
            raise DateError(f"date {text!r} has no year and the statement period was not found")
        raise DateError(f"not a date in the layout's formats ({', '.join(self.codes)}): {text!r}")


def read_period(start: str, end: str, formats: tuple[str, ...]) -> tuple[dt.date, dt.date]:
    """The statement period; the start may omit the year ("1 March to 31 March 2025")."""
    codes = _codes(formats)
    end_date = _first(end, [c for c in codes if _has_year(c)])
    if end_date is None:
        raise DateError(f"statement period end {end!r} is not a date in formats {', '.join(codes)}")
    start_date = _first(start, [c for c in codes if _has_year(c)])
    if start_date is None:
        if end_date.year < 2:
            raise DateError(f"statement period end {end!r} is not a plausible date")
        for code in (c for c in codes if not _has_year(c)):
            found = _closest(" ".join(start.split()), code, end_date - dt.timedelta(days=366), end_date)
            if found:
                start_date = found[1]
                break
    if start_date is None:
        raise DateError(f"statement period start {start!r} is not a date in formats {', '.join(codes)}")
    if start_date > end_date:
        raise DateError(f"statement period starts {start_date} after it ends {end_date}")
    return start_date, end_date


def _first(text: str, codes: list[str]) -> dt.date | None:
    text = " ".join(text.split())
    for code in codes:
        try:
            return dt.datetime.strptime(text, code).date()
        except ValueError:
            continue
    return None
