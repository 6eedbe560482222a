"""What a preparer does by hand on the sheets: deleting an unposted new transaction's row deletes it on the
server (Refresh does not bring it back; one added meanwhile by someone else stays), and a write-off account
outside the chart of accounts is refused when the match is made, not later at posting."""
from __future__ import annotations

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, prepared, run, table  # noqa: F401 (fixtures)


def _blank_row(path, sheet: str, key: str, value) -> None:
    """The user deletes a table row's contents in Excel (the adapter skips blank rows, as a deleted row)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    col = header.index(key) + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col).value == value:
            for c in range(1, len(header) + 1):
                ws.cell(r, c).value = None
    wb.save(path)


def test_a_deleted_new_transaction_row_is_deleted_on_the_server(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "new_transaction_custom", amount="-5.00", gl_account="6100 Bank charges",
       description="stray entry")
    ok(live, path, "new_transaction_custom", amount="-7.00", gl_account="6100 Bank charges", description="keep me")
    rows = {r["description"]: r["txn_id"] for r in table(path, "New Transactions")}
    # meanwhile someone adds one on the server: this workbook never showed it
    live.call("POST", f"/api/reconciliations/{rec_id}/transactions",
              {"date": "2026-10-31", "amount": "-1.00", "gl_account": "6100 Bank charges",
               "description": "added elsewhere", "kind": "custom"}, user="alice")
    _blank_row(path, "New Transactions", "description", "stray entry")
    outcome, _ = ok(live, path, "refresh")
    assert any(f"Deleted 1 unposted new transaction(s)" in m and f"#{int(rows['stray entry'])}" in m
               for m in outcome.messages), outcome.messages
    on_server = {t["description"] for t in live.call("GET", f"/api/reconciliations/{rec_id}/transactions",
                                                     user="alice")}
    assert "stray entry" not in on_server and {"keep me", "added elsewhere"} <= on_server
    shown = {r["description"] for r in table(path, "New Transactions")}
    assert "stray entry" not in shown and {"keep me", "added elsewhere"} <= shown

    # an edit of an unposted row is sent (and Refresh shows it, not the old value)
    wb = load_workbook(path)
    ws = wb["New Transactions"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("description") + 1).value == "keep me")
    ws.cell(row, header.index("amount") + 1).value = -8
    wb.save(path)
    ok(live, path, "refresh")
    assert {r["description"]: r["amount"] for r in table(path, "New Transactions")}["keep me"] == -8


def test_a_write_off_account_outside_the_chart_is_refused_when_matching(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    bank = {r["description"]: r["line_id"] for r in table(path, "Bank Statement")}
    gl = {r["description"]: r["line_id"] for r in table(path, "GL Lines")}
    wire_bank = next(v for k, v in bank.items() if k.startswith("WIRE TRANSFER"))
    wire_gl = next(v for k, v in gl.items() if "Fabrikam" in k and "5120" in k)
    outcome, _ = run(live, path, "match_selected", bank=wire_bank, gl=wire_gl, tolerance="15",
                     write_off_account="9999 Not an account")
    assert outcome.exit_code == 2
    assert "The write-off account '9999 Not an account' is not in the chart of accounts" in outcome.error
    assert table(path, "New Transactions") == []
    assert {r["status"] for r in table(path, "Bank Statement") if r["line_id"] == wire_bank} == {"Unmatched"}
    ok(live, path, "match_selected", bank=wire_bank, gl=wire_gl, tolerance="15",
       write_off_account="6100 Bank charges")
    assert [r["gl_account"] for r in table(path, "New Transactions")] == ["6100 Bank charges"]
    # the group is Unbalanced until the write-off is posted: its rows are coloured by a rule on the difference
    assert {r["amount_difference"] for r in table(path, "Matched")} == {-15}
    rules = [(str(cf.sqref), r.formula[0], r.dxf.fill.fgColor.rgb[-6:])
             for cf in load_workbook(path)["Matched"].conditional_formatting for r in cf.rules]
    assert rules == [("A2:L3", 'AND($I2<>"",$I2<>0)', "F4B084")]

    # posting the write-off keeps the match's id: the memo names the match the Matched sheet still shows
    ok(live, path, "post_new_transactions")
    (memo,) = [r["description"] for r in table(path, "New Transactions")]
    key = memo.removeprefix("Write-off of the difference in match ")
    matched = {r["line_id"]: r["match_id"] for r in table(path, "Matched")}
    assert matched[wire_bank] == matched[wire_gl] == key
    assert sum(1 for v in matched.values() if v == key) == 3  # the posted write-off line joined it
    assert {r["amount_difference"] for r in table(path, "Matched")} == {0}  # balanced now: no colour


def test_rematch_after_adding_gl_lines_keeps_the_accepted_matches(live, month, tmp_path):
    """GL lines booked later (a second GL export) are added by Import GL Template; Auto-Match again proposes
    matches for them only: the accepted matches keep their ids."""
    from tieout.excel_templates.gl_template import fill_gl_template

    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    lines = month.data.ledger_lines()
    early = fill_gl_template(None, tmp_path / "files" / "GL-early.xlsx", month.data.gl_balance(),
                             lines[: len(lines) // 2])
    ok(live, path, "import_gl_template", file=early)
    ok(live, path, "auto_match")
    ok(live, path, "accept_matches")
    before = {(r["match_id"], r["line_id"]) for r in table(path, "Matched")}
    assert before

    ok(live, path, "import_gl_template", file=month.gl)  # the whole month: only the new lines are added
    assert len(table(path, "GL Lines")) == len(lines)
    outcome, _ = ok(live, path, "auto_match")
    assert "matches proposed" in outcome.messages[-1]
    ok(live, path, "accept_matches")
    after = {(r["match_id"], r["line_id"]) for r in table(path, "Matched")}
    assert before < after  # every earlier match kept its id and lines; new ones were added
