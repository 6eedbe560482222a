"""A batch of GL lines a client sends (POST .../gl-lines), checked column by column (issue 17).

A GL template of 20,000 lines arrives as 20,000 JSON objects; checking them one field of one line at a time
(values.py, with a message ready for each) cost more than storing them. Here each column is checked in one
pass, for the batch in which every value is plainly good: text that fits its column, ISO dates, decimal
amounts the ledger can hold, the account's currency, ids new to the reconciliation. Anything else returns
None and the caller checks line by line, so every problem is worded, and ordered, exactly as before."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from itertools import repeat

from ..store.types import SCALE

TEXTS = ("reference", "description", "source", "counterparty")
_MOST = Decimal(10) ** 14


def columns(lines: list, rec_id: int, currency: str, lengths: dict[str, int], existing: set[str]) -> dict | None:
    """The gl_lines columns of `lines` ({column: values}), or None when any value needs the per-line checks.
    `lengths`: the most characters of line_id and of each text column."""
    if not all(type(raw) is dict for raw in lines):
        return None
    ids = _texts(lines, "line_id", lengths["line_id"], required=True)
    if ids is None or existing.intersection(ids) or len(set(ids)) != len(ids):
        return None
    out = {"reconciliation_id": [rec_id] * len(lines), "line_id": ids}
    for name in TEXTS:
        out[name] = _texts(lines, name, lengths[name])
        if out[name] is None:
            return None
    out["date"] = _dates([raw.get("date") for raw in lines])
    out["amount"] = _amounts([raw.get("amount") for raw in lines])
    if out["date"] is None or out["amount"] is None or not _currency(lines, currency):
        return None
    out["currency"] = list(repeat(currency, len(lines)))
    return out


def _texts(lines: list, name: str, most: int, required: bool = False) -> list[str] | None:
    """The stripped texts (absent or null: ""), or None when one is not text, too long, or missing if required."""
    found = [raw.get(name) for raw in lines]
    if not all(type(v) is str for v in found):
        if required or not all(v is None or type(v) is str for v in found):
            return None
        found = ["" if v is None else v for v in found]
    out = list(map(str.strip, found))
    if max(map(len, out), default=0) > most or (required and not all(out)):
        return None
    return out


def _dates(found: list) -> list[dt.date] | None:
    if not all(type(v) is str and v for v in found):
        return None
    try:
        return list(map(dt.date.fromisoformat, found))
    except ValueError:
        return None


def _amounts(found: list) -> list[Decimal] | None:
    if not all(type(v) is str for v in found):
        return None
    try:
        out = list(map(Decimal, map(str.strip, found)))
    except InvalidOperation:
        return None
    if not all(a.is_finite() and a.as_tuple().exponent >= -SCALE and abs(a) < _MOST for a in out):
        return None
    return out


def _currency(lines: list, currency: str) -> bool:
    """Every line in the account's currency (a line that names none is in it)."""
    found = {raw.get("currency") for raw in lines}
    return all(v is None or (type(v) is str and len(v.strip()) <= 3 and (v.strip().upper() or currency) == currency)
               for v in found)
