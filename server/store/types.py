"""Column types that keep money exact on every backend.

SQLAlchemy's Numeric is stored as a binary float by SQLite, so money is stored as integer units of
1/10,000 (every ISO 4217 currency has at most 4 decimals): exact, summable in SQL, the same on PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

SCALE = 4
_UNIT = Decimal(10) ** SCALE
_UNITS = 10 ** SCALE
_CENT = Decimal("0.01")


class MoneyScaleError(ValueError):
    """An amount with more decimals than the store keeps (it would be rounded)."""


class Money(TypeDecorator):
    """A Decimal stored as an integer count of 1/10,000 units; refuses anything it would have to round."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, never float")
        units = Decimal(value) * _UNIT
        if units != units.to_integral_value():
            raise MoneyScaleError(f"{value} has more than {SCALE} decimals")
        return int(units)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-SCALE)


def money_str(value: Decimal | None) -> str | None:
    """The text form the API shows: at least 2 decimals, more only when the amount has them."""
    if value is None:
        return None
    value = Decimal(value)
    cents = value.quantize(_CENT)
    if value == cents:
        return format(cents, "f")
    return format(value.normalize(), "f")


def units_str(units: int | None) -> str | None:
    """`money_str` of an amount read as its stored integer units (`type_coerce(column, BigInteger)`): the same
    text without a Decimal per value, for listings of 20,000 lines."""
    if units is None:
        return None
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), _UNITS)
    if frac % 100 == 0:
        return f"{sign}{whole}.{frac // 100:02d}"
    return f"{sign}{whole}.{frac:04d}".rstrip("0")
