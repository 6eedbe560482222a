"""The one bound on amounts, for every bank format: how many digits and how large an amount may be.

A bank file can state any number of digits; the store cannot (64-bit counts of 1/10,000, ceiling about
9.2 x 10^14), and Decimal arithmetic rounds past its default precision of 28 digits. An amount beyond the bound
is a crafted or broken file, so it is refused with a message naming where it is, the same way in every format:
at most 14 digits before the decimal mark (under 100 trillion, ISO 20022's 18 digits cut to what the store
keeps) and 28 significant digits in all. Decimals are not cut to a currency's: real files state balances to
twelve places (an OFX money-market balance of 3317.738651126686).
"""
from __future__ import annotations

from decimal import (MAX_EMAX, MAX_PREC, MIN_EMIN, Clamped, Context, Decimal, DivisionByZero, Inexact,
                     InvalidOperation, Overflow, Rounded, Subnormal, Underflow, localcontext)
from operator import attrgetter
from pathlib import Path

from ..errors import BankFileError, Problem
from ..parsing import AmountError
from ..records import ImportResult

MAX_INTEGER_DIGITS = 14
MAX_DIGITS = 28
# Written digits an importer may hand to int() or Decimal(): fixed-width formats pad amounts with zeros, so the
# text may be longer than the value; past this it is no amount (and int() refuses 4,300 digits with a traceback).
MAX_TEXT_DIGITS = 64
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS


def bounded(value: Decimal) -> Decimal:
    """`value` itself, or AmountError saying which bound it exceeds."""
    if not value.is_finite():
        raise AmountError(f"not a finite amount: {value}")
    if abs(value) >= LIMIT:
        raise AmountError(f"amount with more than {MAX_INTEGER_DIGITS} digits before the decimal mark "
                          f"({_short(value)}); Tieout keeps amounts under 10^{MAX_INTEGER_DIGITS}")
    digits = value.as_tuple().digits  # not normalize(): it rounds to the context's precision first
    if len(digits) > MAX_DIGITS and len(bytes(digits).rstrip(b"\0")) > MAX_DIGITS:
        raise AmountError(f"amount with more than {MAX_DIGITS} significant digits ({_short(value)})")
    return value


def short_enough(text: str) -> bool:
    """Whether a run of written digits is short enough to convert at all (see MAX_TEXT_DIGITS)."""
    return len(text) <= MAX_TEXT_DIGITS


def _short(value: Decimal) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def check_result(result: ImportResult, path: Path) -> ImportResult:
    """The result unchanged, or BankFileError naming every balance and line out of bounds (statement, line id).

    Run by the dispatcher on every importer's result, so a format that forgets the bound still keeps it."""
    problems = []
    for number, st in enumerate(result.statements, 1):
        record = st.statement_id or f"statement #{number}"
        for field, value in (("opening balance", st.opening_balance), ("closing balance", st.closing_balance)):
            problems += _problem(value, record, field)
        for ln in _suspects(st.lines):
            problems += _problem(ln.amount, f"{record}, line id {ln.line_id}", "amount")
    if problems:
        raise BankFileError(path, problems)
    return result


def _suspects(lines) -> list:
    """The lines that may break the bound, found with cheap tests (a 100,000-line statement pays for one pass of
    comparisons, not for a digit tuple per line); `bounded` then judges each of them exactly. An amount under
    LIMIT whose text has at most MAX_DIGITS characters cannot have more significant digits than that."""
    if _all_within(list(map(attrgetter("amount"), lines))):
        return []
    return [ln for ln in lines if ln.amount is not None and not (
        ln.amount.is_finite() and -LIMIT < ln.amount < LIMIT and len(str(ln.amount)) <= MAX_DIGITS)]


def _all_within(amounts: list) -> bool:
    """True when every amount is surely within the bound, judged by C-level passes over the column; False when
    any may not be, or when the column holds anything but Decimals (then each line is judged on its own).

    One exact sum stands for a text per amount (str() of 100,000 Decimals costs more than the rest together):
    an exact Decimal sum keeps the finest exponent of its terms (the context traps any rounding). With every
    amount finite, the smallest and largest under LIMIT (below 10^14) and no digit finer than 10^-14, no amount
    has more than 28 digits. An amount with finer digits (a twelve-place OFX balance) is judged on its own."""
    if not amounts:
        return True
    try:
        if not all(map(Decimal.is_finite, amounts)):  # TypeError for anything but a Decimal
            return False
        with localcontext(_EXACT):
            total = sum(amounts, Decimal(0))
        return (total.as_tuple().exponent >= MAX_INTEGER_DIGITS - MAX_DIGITS
                and -LIMIT < min(amounts) and max(amounts) < LIMIT)
    except (TypeError, ArithmeticError):  # not Decimals, or the sum was rounded or invalid
        return False


# Decimal's widest context, every condition an error: the sum above is exact or raises.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Inexact, Rounded, Overflow,
                                                                     Underflow, Subnormal, Clamped, DivisionByZero])


def _problem(value: Decimal | None, record: str, field: str) -> list[Problem]:
    if value is None:
        return []
    try:
        bounded(value)
    except AmountError as exc:
        return [Problem(str(exc), record=record, field=field)]
    return []
