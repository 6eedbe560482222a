"""One reconciliation's data as the review reads it: immutable records loaded once (load.py), so that every
check is a pure function of them and can be tested, reported and shown in the workspace without a database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Item:
    """A bank or GL line (or a Manual account's reconciling item) with what the preparer recorded about it."""

    side: str  # bank | ledger | item
    line_id: str
    date: dt.date
    amount: Decimal
    currency: str
    reference: str
    description: str
    kind: str  # bank: transaction type; ledger: source; item: "item"
    counterparty: str = ""
    check_number: str = ""
    carried: bool = False  # carried forward from the prior period
    match: str | None = None  # the active match's key
    owner: str = ""
    due_date: dt.date | None = None
    status: str = "open"
    notes: str = ""
    pending: bool = False
    carried_from: str = ""  # a carried reconciling item: the prior period's item's line_id

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.reference, self.description) if p)


@dataclass(frozen=True)
class MatchFacts:
    key: str
    kind: str  # auto | manual
    rule: str
    confidence: Decimal
    reason: str
    created_by: str
    accepted_by: str | None
    bank: tuple[Item, ...]
    ledger: tuple[Item, ...]

    @property
    def amount_difference(self) -> Decimal:
        return sum((b.amount for b in self.bank), Decimal(0)) - sum((g.amount for g in self.ledger), Decimal(0))

    @property
    def day_difference(self) -> int:
        """The widest gap in days between a bank line and a GL line of the group."""
        dates_b, dates_g = [b.date for b in self.bank], [g.date for g in self.ledger]
        if not dates_b or not dates_g:
            return 0
        return max(abs((b - g).days) for b in dates_b for g in dates_g)


@dataclass(frozen=True)
class TxnFacts:
    id: int
    date: dt.date
    amount: Decimal
    gl_account: str
    description: str
    kind: str
    created_by: str
    created_by_preparer: bool  # held the preparer role on the account (the authority to create entries)
    posted_at: dt.datetime | None
    posted_by: str | None
    posted_line_id: str | None


@dataclass(frozen=True)
class StatementFacts:
    id: int
    ref: str
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    opening_source: str | None  # file | entered | None
    closing_source: str | None
    closing_entered_by: str | None
    period_start: dt.date | None
    period_end: dt.date | None


@dataclass(frozen=True)
class FindingFacts:
    id: int
    code: str
    message: str
    acknowledged_by: str | None
    comment: str


@dataclass(frozen=True)
class PriorFacts:
    """The same account's reconciliation of the period before."""

    rec_id: int
    period: str
    status: str
    reconciled_balance: Decimal | None
    outstanding: tuple[Item, ...]  # its items left unmatched (or unresolved) when it was reconciled


@dataclass(frozen=True)
class RecFacts:
    rec_id: int
    account: str
    account_kind: str  # Bank | Manual
    currency: str
    period: str
    period_start: dt.date
    period_end: dt.date
    status: str
    opening_balance: Decimal | None  # carried from the prior period's reconciled balance
    figures: dict  # services/summary.figures, as the API reports them (money as text)
    items: tuple[Item, ...]  # every line of both sides and every manual item
    matches: tuple[MatchFacts, ...]
    transactions: tuple[TxnFacts, ...]
    statements: tuple[StatementFacts, ...]
    findings: tuple[FindingFacts, ...]
    chart: frozenset[str] | None  # the account's chart of accounts as the server holds it (None: never sent)
    prior: PriorFacts | None
    balance_notes: tuple[str, ...] = ()  # notes given with a closing balance entered by hand (audit trail)

    @property
    def outstanding(self) -> tuple[Item, ...]:
        """Items open at period end: unmatched lines (pending bank lines aside) and unresolved manual items."""
        return tuple(i for i in self.items if i.match is None and not i.pending
                     and not (i.side == "item" and i.status == "resolved"))
