"""Subledger Check and Cash Application from Excel, in batch mode (issue 16): the handlers on a saved .xlsx,
the sheets read back with openpyxl, the settlement file written next to the workbook."""
from __future__ import annotations

import csv
from decimal import Decimal

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from test_subledgers import built


def test_subledger_check_writes_figures_and_exceptions(live, tmp_path):
    sub, gl = built(tmp_path)
    book = new_book(tmp_path / "Check.xlsx")
    out, _ = ok(live, book, "subledger_check", subledger=sub, gl_file=gl, gl_account="1200", entity="DE01",
                period="2026-10", currency="EUR")
    assert out.messages == ["1200 x DE01 2026-10: GL 2085.00 EUR, AR subledger 1884.50, difference 200.50; "
                            "1 documents agree, 6 exceptions on the Subledger Exceptions sheet."]
    figures = {r["figure"]: r["value"] for r in table(book, "Subledger Check")}
    assert figures["Difference"] == 200.5 and figures["Explained by the exceptions"] == 200.5
    rows = table(book, "Subledger Exceptions")
    assert {r["kind"] for r in rows} == {"amount_difference", "in_gl_not_subledger", "in_subledger_not_gl",
                                         "timing"}
    assert all(r["action"] for r in rows)
    outcome, _ = run(live, book, "subledger_check", subledger=sub, gl_file=gl, gl_account="1200", entity="DE01",
                     period="2026-13", currency="EUR")
    assert outcome.exit_code == 2 and "The period '2026-13' is not yyyy-mm" in outcome.error


def test_cash_application_sheet_and_settlement_file(live, tmp_path):
    invoices = tmp_path / "ar.csv"
    invoices.write_text("Invoice No,Customer,Invoice Date,Open Amount\nINV-1,Acme,2026-09-01,100.00\n"
                        "INV-2,Acme,2026-09-15,250.00\nINV-3,Globex,2026-09-20,80.00\n")
    payments = tmp_path / "receipts.csv"
    payments.write_text("Payment ID,Payment Date,Customer,Amount,Deduction Reason\n"
                        "R1,2026-10-05,Acme,250.00,\nR2,2026-10-06,Globex,70.00,pricing dispute\n"
                        "R3,2026-10-07,Acme,130.00,\n")
    book = new_book(tmp_path / "Cash.xlsx")
    out, _ = ok(live, book, "cash_application", payments=payments, invoices=invoices, currency="USD")
    assert out.messages[0].startswith("Applied 3 amounts (1 exact, 2 oldest first), 1 deductions, 1 on account; "
                                      "0 invoices still open. Settlement file: Cash-settlement-")
    rows = table(book, "Cash Application")
    assert [(r["payment_id"], r["invoice"], r["rule"]) for r in rows] == [
        ("R1", "INV-2", "exact"), ("R2", "INV-3", "fifo"), ("R2", "INV-3", "deduction"), ("R3", "INV-1", "fifo"),
        ("R3", None, "on account")]
    assert rows[2]["deduction"] == 10 and rows[2]["deduction_reason"] == "pricing dispute"
    assert rows[4]["on_account"] == 30
    (settlement,) = tmp_path.glob("Cash-settlement-*.csv")
    assert len(list(csv.DictReader(open(settlement, encoding="utf-8")))) == 5
    assert list(tmp_path.glob("Cash-settlement-*.xlsx"))
    assert sum(Decimal(r["applied"] or 0) for r in csv.DictReader(open(settlement))) == Decimal("420.00")  # 450 received, 30 on account
