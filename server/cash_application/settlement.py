"""The settlement file an ERP imports (CSV or xlsx, no formulas: table_files) and the reading of the inputs:
payments from a receipts file (payments.toml names its headers) and open invoices from the AR subledger's
export (subledgers/reading), both in any layout the reader's header names cover."""
from __future__ import annotations

from pathlib import Path

from tieout.excel_templates.sheet_writer import Column

from ..errors import InputError, Problem
from ..subledgers.reading import read_rows
from ..table_files import write_records
from .records import CashApplication, OpenInvoice, Payment

PAYMENTS_VOCABULARY = Path(__file__).resolve().with_name("payments.toml")
SETTLEMENT_COLUMNS = (Column("payment_id", width=14), Column("date", "date", 11), Column("customer", width=20),
                      Column("invoice", width=14), Column("currency", width=8), Column("applied", "money", 14),
                      Column("deduction", "money", 14), Column("deduction_reason", width=24),
                      Column("on_account", "money", 14), Column("rule", width=10), Column("note", width=40))


def read_payments(path: str | Path, currency: str) -> list[Payment]:
    rows = read_rows(path, currency, PAYMENTS_VOCABULARY)
    bad = [Problem("a payment received is a positive amount", line=r.line, field="amount") for r in rows
           if r.amount <= 0]
    if bad:
        raise InputError(path, bad)
    return [Payment(r.document, r.party, r.date, r.amount, r.currency, r.reference, r.reason) for r in rows]


def read_open_invoices(path: str | Path, currency: str) -> list[OpenInvoice]:
    rows = read_rows(path, currency)
    return [OpenInvoice(r.document, r.party, r.date, r.amount, r.currency, r.due_date) for r in rows
            if r.amount > 0]


def settlement_rows(result: CashApplication) -> list[tuple]:
    """One row per application, deduction and amount on account, in payment order."""
    rows = [(a.payment_id, a.date, a.customer, a.invoice, a.currency, a.amount, None, "", None, a.rule, "")
            for a in result.applications]
    rows += [(d.payment_id, d.date, d.customer, d.invoice, d.currency, None, d.amount, d.reason, None,
              "deduction", "paid short: settle the rest as a deduction") for d in result.deductions]
    rows += [(o.payment_id, o.date, o.customer, "", o.currency, None, None, "", o.amount, "on account", o.why)
             for o in result.on_account]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def write_settlement(path: str | Path, result: CashApplication) -> int:
    return write_records(path, SETTLEMENT_COLUMNS, settlement_rows(result), sheet="Settlement",
                         table="Settlement")
