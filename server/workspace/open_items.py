"""The open items of one reconciliation, aged at its period end: unmatched booked bank lines, unmatched GL
lines and unresolved reconciling items (Manual accounts), with what the preparer recorded about them."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ..store.models import BankLineRow, GLLineRow, ManualItem, Reconciliation
from . import aging

RESOLVED = "resolved"


@dataclass(frozen=True)
class OpenItem:
    side: str  # bank | ledger | item
    date: dt.date
    amount: Decimal
    owner: str
    due_date: dt.date | None
    status: str
    carried: bool  # brought forward from a prior period

    def age(self, as_of: dt.date) -> int:
        return (as_of - self.date).days


@dataclass(frozen=True)
class Aged:
    """What the workspace shows of a reconciliation's open items."""

    count: int
    amount: Decimal  # the gross of the items' amounts (receipts and payments both count)
    buckets: dict[str, int]
    escalations: int  # older than the review's escalation limit or carried, and not resolved
    unowned: int
    overdue: int  # due date before the day asked about


def open_items(session, rec: Reconciliation) -> list[OpenItem]:
    rid = rec.id
    out = [OpenItem("bank", r.date, r.amount, r.owner, r.due_date, r.item_status, r.carried_from is not None)
           for r in session.scalars(select(BankLineRow).where(BankLineRow.reconciliation_id == rid,
                                                              BankLineRow.match_id.is_(None),
                                                              BankLineRow.pending.is_(False)))]
    out += [OpenItem("ledger", r.date, r.amount, r.owner, r.due_date, r.item_status, r.carried_from is not None)
            for r in session.scalars(select(GLLineRow).where(GLLineRow.reconciliation_id == rid,
                                                             GLLineRow.match_id.is_(None)))]
    out += [OpenItem("item", r.date, r.amount, r.owner, r.due_date, r.item_status, r.carried_from is not None)
            for r in session.scalars(select(ManualItem).where(ManualItem.reconciliation_id == rid,
                                                              ManualItem.item_status != RESOLVED))]
    return out


def aged(items: list[OpenItem], as_of: dt.date, today: dt.date) -> Aged:
    buckets = Counter(aging.bucket(i.age(as_of)) for i in items)
    return Aged(count=len(items), amount=sum((abs(i.amount) for i in items), Decimal(0)),
                buckets={label: buckets.get(label, 0) for label in aging.LABELS},
                escalations=sum(1 for i in items if i.status != RESOLVED and aging.escalate(i.age(as_of), i.carried)),
                unowned=sum(1 for i in items if not i.owner or i.due_date is None),
                overdue=sum(1 for i in items if i.due_date is not None and i.due_date < today
                            and i.status != RESOLVED))
