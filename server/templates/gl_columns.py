"""A filled GL template's lines converted column by column, when every cell is plainly good (issue 17).

Checking 20,000 lines cell by cell (template_cells.CellChecker, a message ready for every cell) cost more than
reading the workbook. Most templates are plain: dates as date cells within the template's range, amounts as
numbers in the signed Amount column at the currency's minor unit (Debit and Credit empty), texts as text. Those
columns convert in one pass each, to exactly the values the cell checks give. Anything else (a text date or
amount, a Debit/Credit line, a formula or error cell, a zero, a value out of range) returns None, and the
caller checks cell by cell, so every problem is still named by sheet, row, column and problem."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from tieout.excel_templates.template_layout import MAX_ABS_AMOUNT, MAX_DATE, MIN_DATE

from .template_cells import Cell, to_text

TEXTS = ("reference", "description", "source", "counterparty")


def plain_lines(header: dict[str, int], rows: list[dict[int, Cell]], units: int, currency: str, inflow: str,
                outflow: str) -> list[dict] | None:
    """The lines' values as the cell checks would give them (GL-<row> ids), or None when a closer look is needed."""
    if "amount" not in header or any(c.uncalculated or c.error for cells in rows for c in cells.values()):
        return None
    column = lambda key: [cells[header[key]].value for cells in rows]  # noqa: E731
    for key in (inflow, outflow):
        if key in header and not all(v is None or (v.__class__ is str and not v.strip()) for v in column(key)):
            return None
    dates = _dates(column("date"))
    amounts = _amounts(column("amount"), units)
    if dates is None or amounts is None:
        return None
    texts = {key: [to_text(v) if v is not None else "" for v in column(key)] if key in header else [""] * len(rows)
             for key in TEXTS}
    ids = [f"GL-{cells[header['date']].row}" for cells in rows]
    return [dict(line_id=i, date=d, amount=a, currency=currency, reference=r, description=s, source=o,
                 counterparty=c)
            for i, d, a, r, s, o, c in zip(ids, dates, amounts, *(texts[key] for key in TEXTS))]


def _dates(values: list) -> list[dt.date] | None:
    if not all(v.__class__ is dt.datetime for v in values):
        return None
    out = [v.date() for v in values]
    if out and not (MIN_DATE <= min(out) and max(out) <= MAX_DATE):
        return None
    return out


def _amounts(values: list, units: int) -> list[Decimal] | None:
    """Numbers as to_number reads them (a float by its 15 significant digits), at the minor unit, non-zero."""
    if not all(v.__class__ is int or (v.__class__ is float and math.isfinite(v)) for v in values):
        return None
    exact = [Decimal(format(v, ".15g")) if v.__class__ is float else Decimal(v) for v in values]
    quantum = Decimal(1).scaleb(-units)
    if not all(a and abs(a) <= MAX_ABS_AMOUNT for a in exact):
        return None
    out = [a.quantize(quantum) for a in exact]
    if any(q != a for q, a in zip(out, exact)):
        return None
    return out
