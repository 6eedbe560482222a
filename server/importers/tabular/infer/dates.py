"""Which way a date column is written, decided by the whole column: the format that reads the most cells;
when day-first and month-first read them all (no day above 12), the reading that keeps the rows in date
order, then the one that does not spread them over a much longer period, then the account's currency
convention (words.toml); else a refusal naming both readings."""
from __future__ import annotations

from typing import Sequence

from ...missing import DATE_ORDER, PROFILE
from ....errors import BankFileError, Problem
from .sniff import ColumnFacts, date_reading, date_text, parse_code
from .vocabulary import Vocabulary


def refuse(source, message: str, wanted: str = PROFILE) -> BankFileError:
    """The layout cannot be inferred: `wanted` is what the user can give instead (a profile, or the date order)."""
    return BankFileError(source, Problem(message + ". Nothing was imported", field="layout", missing=wanted))


def column_date_format(f: ColumnFacts, rows: Sequence[Sequence], source, title: str, currency: str | None,
               vocab: Vocabulary, date_order: str | None = None) -> tuple[str | None, str | None]:
    """The column's date format; two formats reading the same cells as different dates (01/02: January or
    February?) are decided by the reading under which the rows are in date order, then by the shorter period,
    then by the currency's convention (words.toml); with no currency known a tie refuses.
    Returns (strptime code or None for typed dates, note)."""
    best, tied = date_reading(f)
    if best is None:
        return None, None
    texts = [d for d in (date_text(r[f.index]) for r in rows if f.index < len(r)) if d]
    rivals = [c for c in tied if any(parse_code(t, c) != parse_code(t, best) for t in texts)]
    if not rivals:
        return best, None

    spans = {}

    def merit(code):
        dates = [d for d in (parse_code(t, code) for t in texts) if d]
        ordered = dates == sorted(dates) or dates == sorted(dates, reverse=True)
        spans[code] = (max(dates) - min(dates)).days if dates else 0
        return (ordered,)
    scored = sorted([best] + rivals, key=merit, reverse=True)
    if merit(scored[0]) == merit(scored[1]) and len(set(texts)) >= 4:
        # a statement's lines are close in time: a reading that spreads them over 3 times the period is the
        # less plausible one, given enough distinct dates to tell (two or three dates tell nothing)
        short, long_ = sorted(scored[:2], key=lambda c: spans[c])
        if spans[long_] >= 3 * max(spans[short], 1):
            return short, (f"dates of {title!r} such as {texts[0]!r} read as {short}, not {long_}: they span "
                           f"{spans[short]} days under it, {spans[long_]} under {long_}")
    if merit(scored[0]) == merit(scored[1]) and date_order in ("day_first", "month_first"):
        pick = next((c for c in scored[:2] if c.startswith("%m") == (date_order == "month_first")), None)
        if pick is not None:
            other = next(c for c in scored[:2] if c != pick)
            return pick, (f"dates of {title!r} such as {texts[0]!r} read as {pick}, not {other}: both fit the "
                          f"column equally, and the account's dates are {date_order.replace('_', ' ')}")
    if merit(scored[0]) == merit(scored[1]) and currency:
        month_first = currency in vocab.month_first
        pick = next((c for c in scored[:2] if c.startswith("%m") == month_first), None)
        if pick is not None:
            other = next(c for c in scored[:2] if c != pick)
            return pick, (f"dates of {title!r} such as {texts[0]!r} read as {pick}, not {other}: both fit the "
                          f"column equally, and {currency} accounts write dates "
                          f"{'month' if month_first else 'day'} first")
    if merit(scored[0]) == merit(scored[1]):
        raise refuse(source, f"the dates of column {title!r} read two ways, e.g. {texts[0]!r} as "
                              f"{parse_code(texts[0], scored[0])} ({scored[0]}) or {parse_code(texts[0], scored[1])} "
                              f"({scored[1]}): the two readings fit equally (the rows are in order either way, too few dates "
                              "to tell by the period, and no currency to go by)", DATE_ORDER)
    return scored[0], (f"dates of {title!r} such as {texts[0]!r} read as {scored[0]}, not {scored[1]}: the rows "
                       "are in date order under it only")
