"""QIF `D` dates: every spelling Quicken and the programs imitating it write, read in one order for the whole file.

QIF states no date format. Spellings met: `6/ 1/94` (space padding), `6/1/94`, `01/06/2010`, `2/14'2020` and
`1/ 5' 4` (Quicken's apostrophe before the year: that year is 20yy), `2010-06-01`, `01.06.2010`, `20100601`.
Our own reader rather than strptime: one file mixes spellings (Quicken writes `'` before 20yy years and `/`
before 19yy ones), two-digit years need that convention, and the fields must be known before the order is
decided from the whole file.

The order of day and month is decided once per file: a first field above 12 proves day-first, a second field
above 12 proves month-first (both in one file: refused, naming a line of each). When nothing proves it and
some date reads differently the two ways, the file is read month-first (day-first when those dates are
all written with dots, 01.06.2010: the spelling of day-first countries; month-first writers use slashes),
with a warning naming both readings. Why month-first and not a refusal: QIF is Intuit's format and its
specification's own example (`D6/ 1/94`, two of the corpus files) is month-first; a day-first file proves
itself as soon as one of its dates falls after the 12th. It is also the tabular importer's choice (`us` before
`eu`) for the same question, so a user meets one rule.

Two-digit years: after an apostrophe 20yy (Quicken's convention); otherwise 1970-2069 (`94` is 1994, `10`
is 2010, as the corpus files mean).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..errors import Problem

MONTH_FIRST, DAY_FIRST = "month-first", "day-first"
_FIELDS = re.compile(r"\s*(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*(['/.\-])\s*(\d{1,4})\s*")
_COMPACT = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")


class Spelling(NamedTuple):
    """A date's fields as written: (year, first, second) for day/month orders, or a fixed (year, month, day)."""

    year: int
    first: int
    second: int
    fixed: bool  # year-first: the order is written in the spelling itself
    dotted: bool = False  # 01.06.2010: the spelling of day-first countries


def spelling(text: str) -> Spelling | None:
    """The fields of one `D` value, or None when it is no date spelling at all."""
    m = _FIELDS.fullmatch(text)
    if m is None:
        m = _COMPACT.fullmatch(text)
        if m is None:
            return None
        return Spelling(int(m[1]), int(m[2]), int(m[3]), True)
    a, sep, b, year_sep, c = m.groups()
    if len(a) == 4:  # 2010-06-01
        if len(c) > 2 or year_sep != sep:
            return None
        return Spelling(int(a), int(b), int(c), True)
    if len(a) > 2 or len(c) == 3:
        return None
    year = int(c)
    if len(c) <= 2:
        year += 2000 if year_sep == "'" or year < 70 else 1900
    return Spelling(year, int(a), int(b), False, sep == "." and year_sep == ".")


def to_date(s: Spelling, order: str) -> dt.date:
    """The date a spelling means in `order`; ValueError when it is no calendar date."""
    if s.fixed:
        return dt.date(s.year, s.first, s.second)
    if order == DAY_FIRST:
        return dt.date(s.year, s.second, s.first)
    return dt.date(s.year, s.first, s.second)


class Order(NamedTuple):
    """The file's order, and a warning when it was assumed rather than proved."""

    order: str
    warning: str | None


def decide_order(dates: Iterable[tuple[str, Spelling]], line_of: Callable[[str], int],
                 preferred: str | None = None) -> tuple[Order | None, list[Problem]]:
    """The one day/month order of every date of the file, from (text, spelling) pairs; `line_of` names the line
    of a text for the messages. Returns problems (and no order) when the file proves both orders."""
    day_first = month_first = ambiguous = None
    dotted = True  # every date that reads two ways is written with dots
    for text, s in dates:
        if s.fixed or (s.first > 12 and s.second > 12):  # the latter is no date either way: refused later
            continue
        if s.first > 12:
            day_first = day_first or text
        elif s.second > 12:
            month_first = month_first or text
        elif s.first != s.second:
            ambiguous = ambiguous or (text, s)
            dotted = dotted and s.dotted
    if day_first and month_first:
        return None, [Problem(f"the dates use both orders: {day_first.strip()!r} can only be day-first and "
                              f"{month_first.strip()!r} (line {line_of(month_first)}) only month-first",
                              line=line_of(day_first), field="D")]
    if day_first:
        return Order(DAY_FIRST, None), []
    if month_first or ambiguous is None:
        return Order(MONTH_FIRST, None), []
    text, s = ambiguous
    if preferred in (DAY_FIRST, MONTH_FIRST):  # the user said how this account's files write dates
        return Order(preferred, None), []
    order, why = ((DAY_FIRST, "dotted dates are written day-first") if dotted else
                  (MONTH_FIRST, "the QIF specification's order"))
    return Order(order, (
        f"no date of the file proves whether it is month-first or day-first (no day above 12): {text.strip()!r} "
        f"(line {line_of(text)}) reads {_iso(s, MONTH_FIRST)} month-first or {_iso(s, DAY_FIRST)} day-first; read "
        f"{order} ({why}): check the dates")), []


def _iso(s: Spelling, order: str) -> str:
    try:
        return to_date(s, order).isoformat()
    except ValueError:
        return "no date"
