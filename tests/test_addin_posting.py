"""New Transaction (the three kinds), input typed on the sheets sent back to the server, and Post New
Transactions: GL lines created by the reconciliation, the journal file (CSV and xlsx), posting once only."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, prepared, run, table  # noqa: F401 (fixtures)
from tieout.addin.handlers.state import load_state


def money(v) -> Decimal:
    return Decimal(repr(v)).quantize(Decimal("0.01"))


def test_new_transaction_buttons_add_rows_of_their_kind(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    fee = next(b for b in table(path, "Bank Statement") if b["description"] == "MONTHLY SERVICE FEE")
    outcome, _ = ok(live, path, "new_transaction_cash_entry", selection={"Bank Statement": [fee["line_id"]]},
                    gl_account="6100 Bank charges")
    assert outcome.messages[0] == (f"Added a cash entry for -25.00 on 2026-10-31 to New Transactions (for bank line "
                                   f"{fee['line_id']}).")
    ok(live, path, "new_transaction_liability", date="2026-10-15", amount="-1200.50",
       description="Loan repayment")
    outcome, _ = ok(live, path, "new_transaction_custom")
    assert outcome.messages[0].endswith("fill in the GL account and the amount on its row.")
    rows = table(path, "New Transactions")
    assert [(r["kind"], money(r["amount"]), r["status"]) for r in rows] == [
        ("cash entry", Decimal("-25.00"), "To post"), ("liability", Decimal("-1200.50"), "To post"),
        ("custom", Decimal("0.00"), "To post")]
    assert rows[0]["bank_line_id"] == fee["line_id"] and rows[0]["description"] == "MONTHLY SERVICE FEE"
    assert rows[1]["date"] == dt.datetime(2026, 10, 15) and rows[2]["date"] == dt.datetime(2026, 10, 31)
    ws = load_workbook(path)["New Transactions"]
    assert ws.protection.sheet
    assert ws["D2"].protection.locked is False and ws["D4"].protection.locked is False  # gl_account
    assert ws["C2"].protection.locked is True and ws["J2"].protection.locked is True  # currency, txn_id
    outcome, _ = run(live, path, "new_transaction_custom", gl_account="9999 Nowhere")
    assert outcome.exit_code == 2 and "'9999 Nowhere' is not in the chart of accounts" in outcome.error


def test_what_the_user_types_reaches_the_server(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "new_transaction_custom", amount="-10.00")
    wb = load_workbook(path)
    un = wb["Unmatched"]
    assert [c.value for c in un[1]][8:11] == ["owner", "due_date", "notes"]
    un["I3"], un["J3"], un["K3"], un["G3"] = "maria", dt.datetime(2026, 11, 15), "ask the bank", "investigating"
    line_id = un["B3"].value
    nt = wb["New Transactions"]
    nt["D2"], nt["E2"] = "6100 Bank charges", "Wire fee"
    wb.save(path)
    outcome, _ = ok(live, path, "refresh")
    rec_id = load_workbook(path).defined_names["Tieout_ReconciliationId"].attr_text.strip('"')
    bank = {b["line_id"]: b for b in live.call("GET", f"/api/reconciliations/{rec_id}/unmatched",
                                              user="alice")["bank"]}
    assert (bank[line_id]["owner"], bank[line_id]["due_date"], bank[line_id]["notes"], bank[line_id]["status"]) == (
        "maria", "2026-11-15", "ask the bank", "investigating")
    (txn,) = live.call("GET", f"/api/reconciliations/{rec_id}/transactions", user="alice")
    assert (txn["gl_account"], txn["description"], txn["amount"]) == ("6100 Bank charges", "Wire fee", "-10.00")
    again = {r["line_id"]: r for r in table(path, "Unmatched")}
    assert (again[line_id]["owner"], again[line_id]["status"]) == ("maria", "investigating")

    wb = load_workbook(path)
    wb["Unmatched"]["G4"] = "lost"
    wb["New Transactions"]["B2"] = "ten"
    wb.save(path)
    outcome, _ = run(live, path, "refresh")
    assert outcome.exit_code == 2
    assert "Unmatched row 4, field 'status': 'lost' is not one of open, investigating, resolved" in outcome.error
    wb = load_workbook(path)
    wb["Unmatched"]["G4"] = "open"
    wb.save(path)
    outcome, _ = run(live, path, "refresh")
    assert "New Transactions row 2, field 'amount': 'ten' is not an amount" in outcome.error


def test_post_new_transactions_posts_once_and_writes_the_journal(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    state = load_state(live.client(), rec_id)
    txns = state.txns
    n = len(txns)  # the engine's proposals (bank fees, interest...), each with its GL account
    assert n >= 3 and all(t.gl_account for t in txns)
    before = state.rec["figures"]["difference"]
    outcome, _ = ok(live, path, "post_new_transactions")
    total = sum(t.amount for t in txns)
    assert f"Posted {n} new transactions (total {total:.2f})" in outcome.messages[0]
    assert f"{n} matched to their bank lines" in outcome.messages[0]
    after = load_state(live.client(), rec_id)
    assert after.rec["figures"]["difference"] == before == "0.00"
    assert after.gl_balance == state.gl_balance + total
    posted = {g.line_id: g for g in after.ledger if g.line_id.startswith("NT-")}
    assert sorted(posted) == sorted(f"NT-{t.id}" for t in txns)
    assert all(g.match for g in posted.values())
    gl_rows = {r["line_id"]: r for r in table(path, "GL Lines")}
    assert {gl_rows[i]["created_by"] for i in posted} == {"reconciliation"}
    assert {r["created_by"] for i, r in gl_rows.items() if i not in posted} == {None}
    assert {r["status"] for r in table(path, "New Transactions")} == {"Posted"}
    ws = load_workbook(path)["New Transactions"]
    assert ws["D2"].protection.locked is True  # posted rows are no longer editable

    (csv_path,) = tmp_path.glob("Rec-journal-*.csv")
    (xlsx_path,) = tmp_path.glob("Rec-journal-*.xlsx")
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["date", "account", "debit", "credit", "memo"] and len(rows) == 2 * n
    amount = lambda v: Decimal(v) if v else Decimal(0)  # noqa: E731
    assert sum(amount(r["debit"]) for r in rows) == sum(amount(r["credit"]) for r in rows)
    cash = [r for r in rows if r["account"] == "1010"]
    assert len(cash) == n and sum(amount(r["debit"]) - amount(r["credit"]) for r in cash) == total
    fee = next(t for t in txns if t.amount == Decimal("-25.00"))
    fee_rows = [r for r in rows if f"NT-{fee.id}" in r["memo"]]
    assert [(r["account"], r["debit"], r["credit"]) for r in fee_rows] == [("1010", "", "25.00"),
                                                                           (fee.gl_account, "25.00", "")]
    journal = table(xlsx_path, "Journal")
    assert [(r["account"], r["memo"]) for r in journal] == [(r["account"], r["memo"]) for r in rows]
    assert sum(money(r["debit"] or 0) for r in journal) == sum(amount(r["debit"]) for r in rows)

    again, _ = ok(live, path, "post_new_transactions")
    assert again.messages == [f"Nothing to post: all {n} new transactions are already posted."]
    assert len(load_state(live.client(), rec_id).ledger) == len(after.ledger)
    assert len(list(tmp_path.glob("Rec-journal-*"))) == 2


def test_posting_refuses_rows_without_account_or_amount(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating", cash_account="1010")
    ok(live, path, "new_transaction_custom")
    ok(live, path, "new_transaction_custom", gl_account="6100 Bank charges", amount="-3")
    outcome, _ = run(live, path, "post_new_transactions")
    assert outcome.exit_code == 2
    assert "New Transactions row 2 (transaction 1), field 'gl_account': is empty" in outcome.error
    assert "New Transactions row 2 (transaction 1), field 'amount': is 0.00" in outcome.error
    assert "row 3" not in outcome.error
    assert not list(tmp_path.glob("Rec-journal-*"))
    assert not [r for r in table(path, "GL Lines") if r["line_id"]]


def test_a_failed_posting_posts_nothing_and_leaves_no_journal(live, month, tmp_path):
    """One server change: when any step fails (here a transaction naming a bank line that does not exist),
    no GL line, no balance move, no match and no journal file remain; fixed, it posts everything."""
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    base = f"/api/reconciliations/{rec_id}"
    account = load_state(live.client(), rec_id).txns[0].gl_account
    ghost = live.call("POST", base + "/transactions", {"date": "2026-10-31", "amount": "-1.00",
                                                       "gl_account": account, "bank_line_id": "GHOST"},
                      user="alice")["id"]
    state = load_state(live.client(), rec_id)
    outcome, _ = run(live, path, "post_new_transactions")
    assert outcome.exit_code != 0
    assert f"transaction {ghost}, field 'bank_line_id': bank line 'GHOST' is not in this reconciliation" in (
        outcome.error)
    assert not list(tmp_path.glob("Rec-journal-*"))
    after = load_state(live.client(), rec_id)
    assert (after.ledger, after.matches, after.gl_balance) == (state.ledger, state.matches, state.gl_balance)
    assert not [g for g in after.ledger if g.line_id.startswith("NT-")]

    live.call("PUT", f"{base}/transactions/{ghost}", {"bank_line_id": ""}, user="alice")
    outcome, _ = ok(live, path, "post_new_transactions")
    n = len(state.txns)
    assert f"Posted {n} new transactions" in outcome.messages[0]
    assert f"{n - 1} matched to their bank lines" in outcome.messages[0]
    assert load_state(live.client(), rec_id).gl_balance == state.gl_balance + sum(t.amount for t in state.txns)
