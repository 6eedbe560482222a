"""Canonical, immutable records that flow import -> match -> post -> review.

Money is `Decimal` (exact, signed from the account holder's view: + into the account, - out of it).
The matching engine converts to integer minor units for speed; nothing here is ever a binary float.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

BANK_COLUMNS = ("line_id", "date", "amount", "currency", "reference", "description", "type", "check_number")
LEDGER_COLUMNS = ("line_id", "date", "amount", "currency", "reference", "description", "source", "counterparty")
MATCH_COLUMNS = ("match_id", "side", "line_id", "rule", "confidence")

# Canonical transaction types a bank line can carry; importers map their format's codes onto these.
BANK_TYPES = (
    "check", "deposit", "ach", "wire", "card", "transfer", "fee", "interest",
    "return", "reversal", "cash", "direct_debit", "other",
)


@dataclass(frozen=True, slots=True)
class BankLine:
    """One statement line as the bank reported it."""

    line_id: str
    date: dt.date
    amount: Decimal
    currency: str
    reference: str = ""
    description: str = ""
    type: str = "other"
    check_number: str = ""
    value_date: dt.date | None = None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One general-ledger line posted to the cash account being reconciled."""

    line_id: str
    date: dt.date
    amount: Decimal
    currency: str
    reference: str = ""
    description: str = ""
    source: str = ""
    counterparty: str = ""


@dataclass(frozen=True, slots=True)
class Statement:
    """A bank statement for one account and period, with the balances the bank printed (None when absent)."""

    account: str
    currency: str
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    lines: tuple[BankLine, ...] = ()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    statement_id: str = ""

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines if not ln.pending), Decimal(0))

    @property
    def booked(self) -> tuple[BankLine, ...]:
        return tuple(ln for ln in self.lines if not ln.pending)

    @property
    def first_date(self) -> dt.date | None:
        dates = [ln.date for ln in self.booked]
        return min(dates) if dates else self.period_start

    @property
    def last_date(self) -> dt.date | None:
        dates = [ln.date for ln in self.booked]
        return max(dates) if dates else self.period_end


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one bank file held: its detected format and one or more statements."""

    format: str
    source: str
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[BankLine, ...]:
        return tuple(ln for st in self.statements for ln in st.lines)


@dataclass(frozen=True, slots=True)
class GLBalance:
    """The general-ledger balance of the cash account at period end."""

    account: str
    period_end: dt.date
    balance: Decimal
    currency: str = ""


@dataclass(frozen=True, slots=True)
class MatchGroup:
    """Bank and ledger lines placed together by a rule, with the evidence an accountant needs to trust it."""

    match_id: str
    bank_ids: tuple[str, ...]
    ledger_ids: tuple[str, ...]
    rule: str
    confidence: Decimal
    amount_difference: Decimal = Decimal(0)
    day_difference: int = 0
    similarity: Decimal | None = None
    reason: str = ""
    status: str = "matched"  # matched | suggested
    proposed: tuple = field(default=())  # proposed new transactions (e.g. a deducted wire fee)


@dataclass(frozen=True, slots=True)
class ProposedTransaction:
    """A bank-only item to be posted to the GL (fee, interest, NSF return...)."""

    date: dt.date
    amount: Decimal
    currency: str
    gl_account: str
    description: str
    kind: str = "custom"  # custom | liability | cash entry
    bank_line_id: str = ""
    rule: str = ""
