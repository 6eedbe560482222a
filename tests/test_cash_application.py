"""Cash application for receivables (issue 16, step 4) on built data: exact amount first, then oldest first
within the customer, short payments with a reason kept as deductions, overpayments on account; the
settlement file for the ERP (CSV and xlsx, no formulas) through `tieout cash-apply`."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from decimal import Decimal as D

from openpyxl import load_workbook

from tieout.server.cash_application.apply import apply_cash
from tieout.server.cash_application.records import OpenInvoice, Payment

day = dt.date.fromisoformat


def inv(no, customer, date, amount, currency="USD"):
    return OpenInvoice(no, customer, day(date), D(amount), currency)


def pay(pid, customer, date, amount, reference="", reason="", currency="USD"):
    return Payment(pid, customer, day(date), D(amount), currency, reference, reason)


INVOICES = [inv("INV-1", "Acme", "2026-09-01", "100.00"), inv("INV-2", "Acme", "2026-09-15", "250.00"),
            inv("INV-3", "Acme", "2026-10-01", "100.00"), inv("INV-4", "Globex", "2026-09-20", "80.00"),
            inv("INV-5", "Globex", "2026-10-02", "120.00")]


def test_exact_amount_wins_over_oldest_first():
    # 250.00 equals INV-2 exactly: it settles INV-2 although INV-1 is older
    r = apply_cash([pay("P1", "ACME", "2026-10-05", "250.00")], INVOICES)
    assert [(a.invoice, a.amount, a.rule) for a in r.applications] == [("INV-2", D("250.00"), "exact")]
    # two invoices of the same amount: the one the remittance names, else the oldest
    r = apply_cash([pay("P1", "Acme", "2026-10-05", "100.00", reference="inv 3")], INVOICES)
    assert [(a.invoice, a.rule) for a in r.applications] == [("INV-3", "exact")]
    r = apply_cash([pay("P1", "Acme", "2026-10-05", "100.00")], INVOICES)
    assert [(a.invoice, a.rule) for a in r.applications] == [("INV-1", "exact")]


def test_oldest_first_within_the_customer_and_partial_payments_stay_open():
    r = apply_cash([pay("P1", "Acme", "2026-10-05", "300.00")], INVOICES)
    assert [(a.invoice, a.amount, a.rule) for a in r.applications] == [("INV-1", D("100.00"), "fifo"),
                                                                        ("INV-2", D("200.00"), "fifo")]
    assert not r.deductions and not r.on_account
    still = {i.invoice: i.amount for i in r.still_open}
    assert still["INV-2"] == D("50.00") and still["INV-3"] == D("100.00") and still["INV-4"] == D("80.00")


def test_short_payment_with_a_reason_is_a_deduction_and_overpayment_goes_on_account():
    r = apply_cash([pay("P1", "Globex", "2026-10-05", "190.00", reason="damaged goods"),
                    pay("P2", "Acme", "2026-10-06", "500.00"), pay("P3", "Initech", "2026-10-07", "42.00")],
                   INVOICES)
    assert [(a.payment_id, a.invoice, a.amount) for a in r.applications if a.payment_id == "P1"] == [
        ("P1", "INV-4", D("80.00")), ("P1", "INV-5", D("110.00"))]
    (ded,) = r.deductions
    assert (ded.invoice, ded.amount, ded.reason) == ("INV-5", D("10.00"), "damaged goods")
    assert sum(a.amount for a in r.applications if a.payment_id == "P2") == D("450.00")
    assert [(o.payment_id, o.amount) for o in r.on_account] == [("P2", D("50.00")), ("P3", D("42.00"))]
    assert "no open invoice" in r.on_account[1].why and r.still_open == ()


def test_currencies_are_kept_apart():
    r = apply_cash([pay("P1", "Acme", "2026-10-05", "100.00", currency="EUR")], INVOICES)
    assert r.applications == () and r.on_account[0].amount == D("100.00")


def test_tieout_cash_apply_writes_the_settlement_file(tmp_path):
    invoices = tmp_path / "ar.csv"
    invoices.write_text("Invoice No;Customer;Invoice Date;Open Amount\nINV-1;Acme;01.09.2026;100,00\n"
                        "INV-2;=cmd|' /C calc'!A0;15.09.2026;250,00\n")
    payments = tmp_path / "receipts.csv"
    payments.write_text("Payment ID;Payment Date;Customer;Amount;Remittance;Deduction Reason\n"
                        "R1;05.10.2026;=cmd|' /C calc'!A0;240,00;INV-2;freight claim\n"
                        "R2;06.10.2026;Acme;100,00;;\n")
    for out in ("settle.csv", "settle.xlsx"):
        done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "cash-apply", "--payments", str(payments),
                               "--invoices", str(invoices), "--currency", "EUR", "--out", str(tmp_path / out)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "2 applications (1 exact, 1 oldest first), 1 deductions, 0 on account" in done.stdout
    rows = list(csv.DictReader(open(tmp_path / "settle.csv", encoding="utf-8")))
    assert [(r["payment_id"], r["invoice"], r["applied"], r["deduction"], r["deduction_reason"]) for r in rows] == [
        ("R1", "INV-2", "240.00", "", ""), ("R1", "INV-2", "", "10.00", "freight claim"),
        ("R2", "INV-1", "100.00", "", "")]
    assert rows[0]["customer"] == "'=cmd|' /C calc'!A0"
    ws = load_workbook(tmp_path / "settle.xlsx")["Settlement"]
    assert ws["C2"].value == "=cmd|' /C calc'!A0" and ws["C2"].data_type == "s"
    bad = tmp_path / "bad.csv"
    bad.write_text("Payment ID;Payment Date;Customer;Amount\nR1;05.10.2026;Acme;-5,00\n")
    done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "cash-apply", "--payments", str(bad),
                           "--invoices", str(invoices), "--currency", "EUR", "--out", str(tmp_path / "x.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "bad.csv: line 2, field 'amount': a payment received is a positive" in done.stderr
