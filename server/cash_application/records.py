"""Immutable records of cash application: a payment received, an open AR invoice, and what the application
made of them (applications, deductions, what stays on account)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Payment:
    payment_id: str
    customer: str
    date: dt.date
    amount: Decimal  # money received, positive
    currency: str
    reference: str = ""  # remittance text: may name invoices
    reason: str = ""  # the customer's reason for paying short, when given


@dataclass(frozen=True)
class OpenInvoice:
    invoice: str
    customer: str
    date: dt.date
    amount: Decimal  # open amount, positive
    currency: str
    due_date: dt.date | None = None


@dataclass(frozen=True)
class Application:
    """`amount` of payment `payment_id` settles invoice `invoice` (rule: exact or fifo)."""

    payment_id: str
    invoice: str
    customer: str
    currency: str
    amount: Decimal
    rule: str
    date: dt.date


@dataclass(frozen=True)
class Deduction:
    """The part of an invoice a customer paid short of, with the reason they gave: the invoice is settled, the
    deduction goes to the deductions list to be cleared (credit note, dispute, write-off)."""

    payment_id: str
    invoice: str
    customer: str
    currency: str
    amount: Decimal
    reason: str
    date: dt.date


@dataclass(frozen=True)
class OnAccount:
    """Money no open invoice takes (an overpayment, an unknown customer): kept on the customer's account."""

    payment_id: str
    customer: str
    currency: str
    amount: Decimal
    why: str
    date: dt.date


@dataclass(frozen=True)
class CashApplication:
    applications: tuple[Application, ...]
    deductions: tuple[Deduction, ...]
    on_account: tuple[OnAccount, ...]
    still_open: tuple[OpenInvoice, ...]  # invoices (or their rest) no payment settled
