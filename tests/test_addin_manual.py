"""A Manual account's reconciliation in the workbook (issue 15, item 3): a workbook of its own (Summary,
Reconciling Items, Audit, Review) with the GL balance, the support balance and the items that explain the
difference; items added, edited and deleted by button and on the sheet; Submit refused while the difference is
not zero; everything locked once submitted; a reviewer and an approver signing off; the report. Batch mode
through the saved-workbook adapter on a real server, and the live-Excel adapter against its test double."""
from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.client import Client
from tieout.addin.dispatch import run_handler
from tieout.addin.xlsx_workbook import XlsxWorkbook

ITEMS = "Reconciling Items"


def figures(path) -> dict:
    return {r["Figure"]: r["Amount"] for r in table(path, "Summary")}


@pytest.fixture
def prepaid(live, tmp_path):
    """A Manual workbook: GL 12,000.00 against a schedule of 11,250.00 (October 2026), bob and carol granted."""
    path = new_book(tmp_path / "Prepaid.xlsx")
    ok(live, path, "manual_reconciliation", account_name="Prepaid insurance", currency="usd", period="2026-10",
       gl_balance="12000.00", support_balance="11250.00")
    rec = live.call("GET", f"/api/reconciliations/{XlsxWorkbook(path).get_setting('ReconciliationId')}")
    live.grant_team(rec["account"]["id"])
    return path


def test_a_manual_account_gets_a_workbook_of_its_own(live, prepaid):
    names = load_workbook(prepaid).sheetnames
    assert {"Summary", ITEMS, "Audit", "Review"} <= set(names)
    assert not {"Bank Statement", "GL Lines", "Matched", "New Transactions"} & set(names)
    accounts = {a["name"]: a for a in live.call("GET", "/api/accounts")}
    assert accounts["Prepaid insurance"]["kind"] == "Manual" and accounts["Prepaid insurance"]["currency"] == "USD"
    f = figures(prepaid)
    assert (f["GL balance"], f["Less: support balance"], f["Less: reconciling items"], f["Difference"]) == \
        (12000, 11250, 0, 750)  # GL balance - support balance - items
    ws = load_workbook(prepaid)["Summary"]
    assert ws["A1"].value == "Manual reconciliation"
    assert "Manual account" in ws["B2"].value


def test_items_are_added_edited_and_deleted_by_button_and_on_the_sheet(live, prepaid):
    out, _ = ok(live, prepaid, "manual_item", amount="500.00", description="Policy 77 renewal not in schedule",
                owner="alice", due_date="2026-11-15", date="2026-10-02")
    assert "difference 250.00" in out.messages[-1]
    ok(live, prepaid, "manual_item", amount="100", description="Broker fee", owner="dan")
    rows = {r["description"]: r for r in table(prepaid, ITEMS)}
    first = rows["Policy 77 renewal not in schedule"]
    assert first["age_days"] == 29 and first["owner"] == "alice" and first["status"] == "open"
    assert rows["Broker fee"]["age_days"] == 0  # dated at the period end by default
    # edit by button: owner and status
    ok(live, prepaid, "manual_item", item=first["item_id"], owner="bob", item_status="investigating")
    # on the sheet: change an amount, delete a row, add a row; the next button press sends them
    wb = load_workbook(prepaid)
    ws = wb[ITEMS]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    fee_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["description"]).value == "Broker fee")
    first_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["item_id"]).value == first["item_id"])
    ws.cell(first_row, col["amount"]).value = 450
    for c in range(1, len(head) + 1):
        ws.cell(fee_row, c).value = None
    new = ws.max_row + 1
    for name, value in (("date", "2026-10-20"), ("amount", 300), ("description", "Claim refund due"),
                        ("owner", "carol"), ("due_date", "2026-11-30")):
        ws.cell(new, col[name]).value = value
    (tbl,) = ws.tables.values()
    tbl.ref = f"A1:{tbl.ref.split(':')[1][0]}{new}"
    wb.save(prepaid)
    out, _ = ok(live, prepaid, "refresh")
    assert any("Deleted 1 reconciling item" in m for m in out.messages)
    rid = XlsxWorkbook(prepaid).get_setting("ReconciliationId")
    held = {i["description"]: i for i in live.call("GET", f"/api/reconciliations/{rid}/items")}
    assert set(held) == {"Policy 77 renewal not in schedule", "Claim refund due"}
    assert held["Policy 77 renewal not in schedule"]["amount"] == "450.00"
    assert held["Policy 77 renewal not in schedule"]["owner"] == "bob"
    assert held["Policy 77 renewal not in schedule"]["status"] == "investigating"
    assert held["Claim refund due"]["owner"] == "carol" and held["Claim refund due"]["due_date"] == "2026-11-30"
    assert figures(prepaid)["Difference"] == 0  # 12000 - 11250 - 450 - 300
    # the audit trail names each change
    actions = [r["action"] for r in table(prepaid, "Audit")]
    assert {"item.add", "item.edit", "item.delete", "support_balance.set", "gl_balance.set"} <= set(actions)


def test_bad_item_cells_are_named_and_nothing_is_sent(live, prepaid):
    ok(live, prepaid, "manual_item", amount="750", description="Unbilled premium", owner="alice")
    wb = load_workbook(prepaid)
    ws = wb[ITEMS]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    ws.cell(2, col["amount"]).value = "seven"
    ws.cell(2, col["status"]).value = "done"
    wb.save(prepaid)
    outcome, _ = run(live, prepaid, "refresh")
    assert outcome.exit_code == 2
    assert "Reconciling Items row 2, field 'amount'" in outcome.error
    rid = XlsxWorkbook(prepaid).get_setting("ReconciliationId")
    assert [i["amount"] for i in live.call("GET", f"/api/reconciliations/{rid}/items")] == ["750.00"]


def test_submit_needs_a_zero_difference_then_locks_and_two_others_approve(live, prepaid, tmp_path):
    ok(live, prepaid, "manual_item", amount="700", description="Unbilled premium", owner="alice",
       due_date="2026-11-10")
    refused, _ = run(live, prepaid, "submit_for_review")
    assert refused.exit_code == 2
    assert "difference 50.00 = GL balance 12000.00 - support balance 11250.00 - items 700.00" in refused.error
    assert "Reconciling Items" in refused.error  # the advice says what to do in Excel
    # the balance typed on Summary (under Balances) is sent at the next press
    wb = load_workbook(prepaid)
    ws = wb["Summary"]
    cell = next(f"B{r}" for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "Support balance")
    ws[cell].value = 11300
    wb.save(prepaid)
    out, _ = ok(live, prepaid, "submit_for_review")
    assert "status In Review" in out.messages[0]
    assert figures(prepaid)["Less: support balance"] == 11300

    # locked: no item can be added, changed or deleted, no balance set, and the sheet is protected
    item_id = table(prepaid, ITEMS)[0]["item_id"]
    for args in ({"amount": "1", "description": "late", "owner": "alice"}, {"item": item_id, "notes": "x"},
                 {"item": item_id, "delete_item": "yes"}):
        refused, _ = run(live, prepaid, "manual_item", **args)
        assert refused.exit_code == 2 and "submitted" in refused.error.lower(), refused.error
    refused, _ = run(live, prepaid, "manual_reconciliation", gl_balance="1.00")
    assert refused.exit_code == 2 and "submitted" in refused.error.lower(), refused.error
    wb = load_workbook(prepaid)
    assert wb[ITEMS].protection.sheet and wb["Summary"].protection.sheet

    # a row changed on the locked sheet is not taken: Refresh restores the server's data and says so
    ws = wb[ITEMS]
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    ws.protection.sheet = False
    ws.cell(2, col["amount"]).value = 1
    wb.save(prepaid)
    out, _ = ok(live, prepaid, "refresh")
    assert any("difference" in m and "Reconciling Items" in m for m in out.messages), out.messages
    assert table(prepaid, ITEMS)[0]["amount"] == 700

    # the reviewer and the approver: two other people
    out, _ = ok(live, prepaid, "approve", user="bob")
    assert out.messages[-1] == "Reviewed by bob: status Pending Approval."
    out, _ = ok(live, prepaid, "approve", user="carol")
    assert out.messages[-1] == "Approved by carol: status Approved."
    rid = XlsxWorkbook(prepaid).get_setting("ReconciliationId")
    rec = live.call("GET", f"/api/reconciliations/{rid}")
    assert rec["status"] == "Approved" and rec["reconciled_balance"] == "11300.00"  # the support balance

    # the report lists the items as its open items, with the Manual figures
    report = tmp_path / "Prepaid-report.xlsx"
    out, _ = ok(live, prepaid, "report", out=report)
    assert "1 open items" in out.messages[-1]
    wb = load_workbook(report)
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
    assert cells[0] == "Manual reconciliation report" and "Less: support balance" in cells
    (item,) = table(report, "Open items")
    assert (item["side"], item["description"], item["owner"]) == ("item", "Unbilled premium", "alice")
    pdf = tmp_path / "Prepaid-report.pdf"
    ok(live, prepaid, "report", out=pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_bank_account_name_is_not_taken_for_a_manual_one(live, tmp_path):
    live.call("POST", "/api/accounts", {"name": "Operating", "currency": "USD", "kind": "Bank"}, user="alice")
    path = new_book(tmp_path / "M.xlsx")
    outcome, _ = run(live, path, "manual_reconciliation", account_name="Operating", period="2026-10")
    assert outcome.exit_code == 2 and "bank statements" in outcome.error


def test_excel_asks_for_the_account_currency_period_and_item(live, tmp_path):
    from test_addin_import_options import Asked

    path = new_book(tmp_path / "Accruals.xlsx")
    book = Asked(path, ["Accrued audit fee", "EUR", "2026-10"])
    outcome = run_handler("manual_reconciliation", book, {}, live.client())
    assert outcome.ok, outcome.error
    book.save()
    book = Asked(path, ["-1200.50", "Audit fee accrued, invoice in November", "alice", "2026-11-30"])
    outcome = run_handler("manual_item", book, {}, live.client())
    assert outcome.ok, outcome.error
    book.save()
    (row,) = table(path, ITEMS)
    assert (Decimal(str(row["amount"])), row["owner"], row["due_date"].date().isoformat()) == \
        (Decimal("-1200.5"), "alice", "2026-11-30")
    acc = next(a for a in live.call("GET", "/api/accounts") if a["name"] == "Accrued audit fee")
    assert acc["currency"] == "EUR" and acc["kind"] == "Manual"


@pytest.mark.parametrize("platform", ["windows", "mac"])
def test_the_manual_workbook_formatting_reaches_the_live_excel_adapter(live, prepaid, platform, monkeypatch):
    from test_addin_formatting import Recording, excel, replay

    ok(live, prepaid, "manual_item", amount="750", description="Unbilled premium", owner="alice")
    book = Recording(prepaid)
    outcome = run_handler("refresh", book, {}, Client(live.base, token=live.tokens["alice"], autostart=False))
    assert outcome.ok, outcome.error
    written = {c[1] for c in book.asked if c[0] == "write_table"}
    assert written == {"Summary", ITEMS, "Audit", "Review"}
    adapter, log = excel(platform, monkeypatch)
    replay(adapter, book.asked)
    # the item status drop-down and the difference colours reach Excel on both platforms
    assert any(e[0] == "choices" and e[2] == ("open", "investigating", "resolved") for e in log)
    assert any(e[0] == "colour" and e[1].startswith("B") and e[4] == "#C6EFCE" for e in log)
    frozen = [e for e in log if e[:2] == ("window", "split_row")]
    assert len(frozen) == len([c for c in book.asked if c[0] == "write_table"])


def test_a_bank_workbook_is_not_turned_into_a_manual_one(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    rec = live.call("POST", "/api/accounts", {"name": "Operating", "currency": "USD", "kind": "Bank"}, user="alice")
    made = live.call("POST", "/api/reconciliations", {"account_id": rec["id"], "period": "2026-10"}, user="alice")
    book = XlsxWorkbook(path, echo=lambda text: None)
    book.set_setting("ReconciliationId", str(made["id"]))
    book.save()
    for name, args in (("manual_reconciliation", {"support_balance": "5"}),
                       ("manual_item", {"amount": "5", "description": "x", "owner": "alice"})):
        outcome, _ = run(live, path, name, **args)
        assert outcome.exit_code == 2 and "bank account" in outcome.error, outcome.error
    assert live.call("GET", f"/api/reconciliations/{made['id']}", user="alice")["figures"].get("support_balance") \
        is None


def test_item_statuses_are_coloured_and_offered_in_the_status_column_of_the_saved_workbook(live, prepaid):
    """The Reconciling Items decorations are placed by column name (addin/sheet_cells.py): the saved file's
    colours cover the status cells of the items and the drop-down reaches 50 rows below them (rows 2 to 53) for new items."""
    for amount in ("500.00", "250.00"):
        ok(live, prepaid, "manual_item", amount=amount, description="Broker fee", owner="alice")
    ws = load_workbook(prepaid)[ITEMS]
    header = [c.value for c in ws[1]]
    letter = "ABCDEFGHIJ"[header.index("status")]
    assert [ws[f"{letter}{r}"].value for r in (2, 3)] == ["open", "open"]
    fills = {(str(cf.sqref), rule.formula[0], rule.dxf.fill.fgColor.rgb[-6:])
             for cf in ws.conditional_formatting for rule in cf.rules}
    assert fills == {(f"{letter}2:{letter}3", '"open"', "F8CBAD"), (f"{letter}2:{letter}3", '"resolved"', "C6EFCE")}
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {f"{letter}2:{letter}53": '"open,investigating,resolved"'}
