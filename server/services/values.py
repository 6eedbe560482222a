"""Checks of values a client sends (JSON): money, dates, text. Each error names the field (and the line)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from ..store.types import SCALE
from ..controls.workflow import Refusal


def _where(field: str, line: int | None) -> str:
    return f"line {line}, field '{field}'" if line is not None else f"field '{field}'"


def money(data: dict, field: str, line: int | None = None, required: bool = True) -> Decimal | None:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise Refusal("bad_input", f"{_where(field, line)}: is required", 400)
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise Refusal("bad_input", f"{_where(field, line)}: send money as a decimal string or exact number, "
                                   f"not {value!r}", 400)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refusal("bad_input", f"{_where(field, line)}: not an amount: {value!r}", 400) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -SCALE or abs(amount) >= Decimal(10) ** 14:
        raise Refusal("bad_input", f"{_where(field, line)}: {value!r} is not an amount the ledger can hold "
                                   f"(at most {SCALE} decimals, under 10^14)", 400)
    return amount


def date(data: dict, field: str, line: int | None = None, required: bool = True) -> dt.date | None:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise Refusal("bad_input", f"{_where(field, line)}: is required", 400)
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Refusal("bad_input", f"{_where(field, line)}: not an ISO date (yyyy-mm-dd): {value!r}", 400) from None


def text(data: dict, field: str, line: int | None = None, required: bool = False, max_len: int = 500,
         default: str = "") -> str:
    value = data.get(field, default)
    if value is None:
        value = default
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Refusal("bad_input", f"{_where(field, line)}: must be text", 400)
    value = str(value).strip()
    if required and not value:
        raise Refusal("bad_input", f"{_where(field, line)}: is required", 400)
    if len(value) > max_len:
        raise Refusal("bad_input", f"{_where(field, line)}: longer than {max_len} characters", 400)
    return value


def choice(data: dict, field: str, choices: tuple[str, ...], default: str | None = None) -> str:
    value = data.get(field, default)
    if value not in choices:
        raise Refusal("bad_input", f"field '{field}': must be one of {', '.join(choices)}, not {value!r}", 400)
    return value


def integer(data: dict, field: str, minimum: int = 0, maximum: int = 10**9, default=None) -> int:
    value = data.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise Refusal("bad_input", f"field '{field}': must be a whole number from {minimum} to {maximum}", 400)
    return value


def id_list(data: dict, field: str) -> list[str]:
    value = data.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Refusal("bad_input", f"field '{field}': must be a list of line ids", 400)
    if len(set(value)) != len(value):
        raise Refusal("bad_input", f"field '{field}': a line id appears twice", 400)
    return value
