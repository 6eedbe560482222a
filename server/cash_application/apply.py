"""Incoming payments applied to open AR invoices, customer by customer and currency by currency:

1. exact amount first: a payment equal to one open invoice of its customer settles that invoice (the one its
   remittance names, else the oldest of equal amount);
2. then oldest first (FIFO): what remains of each payment (in date order) settles the customer's oldest open
   invoices (by invoice date, then number);
3. a payment that ends inside an invoice leaves the rest open, unless the customer gave a reason for paying
   short: then the rest is a deduction with that reason and the invoice is settled;
4. money no invoice takes stays on the customer's account.
Amounts are Decimal; nothing is rounded. Written here (not a library): the rules are the accountant's policy."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from ..matching import text as tx
from ..subledgers.items import document_key
from .records import Application, CashApplication, Deduction, OnAccount, OpenInvoice, Payment


def _customer(name: str) -> str:
    return tx.spaced(name)


def _named(payment: Payment) -> set[str]:
    """Invoice numbers the remittance text names (compared as numbers)."""
    return {document_key(word) for word in payment.reference.replace(",", " ").replace(";", " ").split()
            if any(ch.isdigit() for ch in word)}


def apply_cash(payments: Iterable[Payment], invoices: Iterable[OpenInvoice]) -> CashApplication:
    open_by: dict[tuple[str, str], list[list]] = defaultdict(list)  # (customer, currency) -> [[invoice, rest]]
    for inv in sorted(invoices, key=lambda i: (i.date, i.invoice)):
        open_by[(_customer(inv.customer), inv.currency)].append([inv, inv.amount])
    apps: list[Application] = []
    deds: list[Deduction] = []
    account: list[OnAccount] = []
    ordered = sorted(payments, key=lambda p: (p.date, p.payment_id))
    rest = {p.payment_id: p.amount for p in ordered}
    # 1. exact amount
    for p in ordered:
        queue = open_by.get((_customer(p.customer), p.currency), [])
        equal = [e for e in queue if e[1] == p.amount and e[1] == e[0].amount]
        if not equal:
            continue
        named = _named(p)
        pick = next((e for e in equal if document_key(e[0].invoice) in named), equal[0])
        apps.append(Application(p.payment_id, pick[0].invoice, p.customer, p.currency, p.amount, "exact", p.date))
        pick[1] = Decimal(0)
        rest[p.payment_id] = Decimal(0)
    # 2. oldest first
    for p in ordered:
        left = rest[p.payment_id]
        if left <= 0:
            continue
        queue = open_by.get((_customer(p.customer), p.currency))
        if not queue:
            account.append(OnAccount(p.payment_id, p.customer, p.currency, left,
                                     "no open invoice of this customer in this currency", p.date))
            continue
        for entry in queue:
            inv, owed = entry
            if owed <= 0:
                continue
            take = min(owed, left)
            apps.append(Application(p.payment_id, inv.invoice, p.customer, p.currency, take, "fifo", p.date))
            entry[1] = owed - take
            left -= take
            if left == 0:
                if entry[1] > 0 and p.reason:  # paid short, with a reason: a deduction settles the rest
                    deds.append(Deduction(p.payment_id, inv.invoice, p.customer, p.currency, entry[1], p.reason,
                                          p.date))
                    entry[1] = Decimal(0)
                break
        if left > 0:
            account.append(OnAccount(p.payment_id, p.customer, p.currency, left,
                                     "more than the customer's open invoices", p.date))
    still = tuple(OpenInvoice(e[0].invoice, e[0].customer, e[0].date, e[1], e[0].currency, e[0].due_date)
                  for q in open_by.values() for e in q if e[1] > 0)
    return CashApplication(tuple(apps), tuple(deds), tuple(account), still)
