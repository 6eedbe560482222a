"""Canonical, immutable records that flow import -> match -> post -> review.

Money is `Decimal` (exact, signed from the account holder's view: + into the account, - out of it).
The matching engine converts to integer minor units for speed; nothing here is ever a binary float.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

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
class Finding:
    """Something a statement's own figures say that does not add up (opening + lines != closing, a broken chain,
    a trailer total). The file is still imported; the preparer must see the finding and acknowledge it."""

    code: str  # e.g. balance_mismatch, chain_break, trailer_total, record_count, entered_balance_differs
    message: str  # one sentence naming the statement, the figures and the difference
    statement: str = ""  # the statement it is about (id or "#n")
    figures: tuple[tuple[str, str], ...] = ()  # (name, exact decimal or text) pairs, e.g. ("difference", "-1.00")

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "statement": self.statement, **dict(self.figures)}


_amount, _currency = attrgetter("amount"), attrgetter("currency")


def _any_pending(lines) -> bool:
    return any(map(attrgetter("pending"), lines))


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
    findings: tuple[Finding, ...] = ()
    # where each balance came from: "file" (stated by the bank), "entered" (given by the user), "" (unknown)
    opening_source: str = ""
    closing_source: str = ""

    @property
    def total(self) -> Decimal:
        """The booked lines' sum in the statement's currency: a line in another currency (a camt entry booked in
        EUR on a USD account) cannot be added without a rate; its importer says so in a finding."""
        cur = self.currency
        if not _any_pending(self.lines) and (not cur or set(map(_currency, self.lines)) <= {cur, ""}):
            return sum(map(_amount, self.lines), Decimal(0))  # the usual statement, in C-level passes
        return sum((ln.amount for ln in self.lines if not ln.pending and (ln.currency == cur or not ln.currency
                                                                          or not cur)), Decimal(0))

    @property
    def booked(self) -> tuple[BankLine, ...]:
        if not _any_pending(self.lines):
            return tuple(self.lines)
        return tuple(ln for ln in self.lines if not ln.pending)

    @property
    def transactions(self) -> tuple[BankLine, ...]:
        """Booked lines that move money: zero-amount notices and pending lines are reported apart."""
        return tuple(ln for ln in self.lines if not ln.pending and ln.amount != 0)

    @property
    def pending_lines(self) -> tuple[BankLine, ...]:
        return tuple(ln for ln in self.lines if ln.pending)

    @property
    def zero_amount_lines(self) -> tuple[BankLine, ...]:
        return tuple(ln for ln in self.lines if not ln.pending and ln.amount == 0)

    @property
    def first_date(self) -> dt.date | None:
        """The first booking date of the transactions (not of notices, pending lines or the stated period)."""
        dates = [ln.date for ln in self.transactions]
        return min(dates) if dates else None

    @property
    def last_date(self) -> dt.date | None:
        dates = [ln.date for ln in self.transactions]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Layout:
    """The layout a tabular or PDF file was read with: a built-in or user profile by name, or one inferred."""

    name: str
    source: str  # builtin | user | inferred
    confidence: float = 1.0

    def as_dict(self) -> dict:
        return {"name": self.name, "source": self.source, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one bank file held: its detected format and one or more statements."""

    format: str
    source: str
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = ()
    layout: "Layout | None" = None  # how a CSV/Excel/PDF file's columns were read; None for structured formats

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for st in self.statements for f in st.findings)

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
