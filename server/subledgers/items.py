"""Immutable records of GL-against-subledger reconciliation: a subledger's open item, an exception with the
action to take, and a run's figures."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

KINDS = ("AP", "AR", "tax", "bank")
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+")


def document_key(text: str) -> str:
    """A document number compared as a number: prefixes, separators and leading zeros dropped
    ('INV-000123', 'inv 123' and '123' are one document); text without digits compared upper-case."""
    runs = _DIGITS.findall(text or "")
    if runs:
        return runs[-1].lstrip("0") or "0"
    return _NON_WORD.sub("", (text or "").upper())


@dataclass(frozen=True)
class SubledgerItem:
    """One open item (invoice, credit note, tax entry, bank book line) as the subledger exports it."""

    document: str
    date: dt.date
    amount: Decimal  # in the GL account's sign
    currency: str
    party: str = ""  # customer or vendor
    due_date: dt.date | None = None
    line: int = 0  # row in the file, for messages


@dataclass(frozen=True)
class SubledgerException:
    """Something the GL and the subledger disagree on, and what to do about it."""

    kind: str  # in_gl_not_subledger | in_subledger_not_gl | amount_difference | timing | balance_difference
    account: str
    legal_entity: str
    period: str  # yyyy-mm
    document: str
    currency: str
    gl_amount: Decimal | None
    subledger_amount: Decimal | None
    difference: Decimal
    gl_date: dt.date | None
    subledger_date: dt.date | None
    party: str
    action: str
    run_id: int | None = None


@dataclass(frozen=True)
class Comparison:
    """A run's figures: both balances, their difference, what the exceptions explain, and the exceptions."""

    account: str
    legal_entity: str
    period: str
    currency: str
    gl_balance: Decimal
    subledger_balance: Decimal
    matched: int
    exceptions: tuple[SubledgerException, ...]

    @property
    def difference(self) -> Decimal:
        return self.gl_balance - self.subledger_balance

    @property
    def explained(self) -> Decimal:
        return sum((e.difference for e in self.exceptions if e.kind != "balance_difference"), Decimal(0))
