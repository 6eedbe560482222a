"""The review from the workbook (batch mode through the real server on loopback): the ninth sheet Review with
the five checks, their lines, the aging and escalation blocks; the reviewer's comment typed on Review is sent by
the next button press and lets Approve through a failing check; `tieout review WORKBOOK [--json]`."""
from __future__ import annotations

import json

from openpyxl import Workbook, load_workbook

from test_addin_kit import live, month, ok, prepared, run, table  # noqa: F401 (fixtures)
from tieout.server.cli import main


def _review_rows(path) -> dict[str, dict]:
    return {r["check"]: r for r in table(path, "Review")}


def _column_a(path) -> list[str]:
    ws = load_workbook(path)["Review"]
    return [str(c.value) for c in ws["A"] if c.value is not None]


def test_the_review_sheet_shows_the_checks_and_a_reviewer_comment_lets_approve_through(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    rows = _review_rows(path)
    assert list(rows) == ["opening_balance", "prior_items", "unusual_matches", "new_transactions", "balances"]
    server = {c["id"]: c for c in live.call("GET", f"/api/reconciliations/{rec_id}/review", user="alice")["checks"]}
    for check, row in rows.items():  # the sheet shows what the server computed, not the workbook's own figures
        assert (row["status"], row["detail"]) == (server[check]["status"], server[check]["detail"])
    assert rows["new_transactions"]["status"] == "fail"  # the proposed fees and interest are not posted yet
    assert "not posted" in {ln["problem"] for ln in server["new_transactions"]["lines"]}
    column_a = _column_a(path)
    assert "Lines of the checks" in column_a
    assert any(t.startswith("Outstanding items aged at ") for t in column_a)
    assert any(t.startswith("Escalate: open items older than 30 days") for t in column_a)
    wb = load_workbook(path)
    assert wb["Review"].protection.sheet and wb["Review"]["F2"].protection.locked is True  # preparing: locked

    ok(live, path, "submit_for_review")
    wb = load_workbook(path)
    assert wb["Review"]["E2"].protection.locked is False and wb["Review"]["F6"].protection.locked is False
    assert wb["Review"]["D2"].protection.locked is True
    outcome, _ = run(live, path, "approve", user="bob")
    assert outcome.exit_code == 2 and "review check fails without a reviewer comment" in outcome.error
    assert "What to do: Open the Review sheet" in outcome.error
    assert live.call("GET", f"/api/reconciliations/{rec_id}", user="bob")["status"] == "In Review"

    wb = load_workbook(path)
    row = 2 + list(rows).index("new_transactions")
    wb["Review"][f"E{row}"] = "yes"
    wb["Review"][f"F{row}"] = "Fees and interest are posted by the bank feed on the 2nd"
    wb.save(path)
    outcome, _ = ok(live, path, "approve", user="bob")
    assert outcome.messages == ["Reviewed by bob: status Pending Approval."]
    tick = {c["id"]: c["tick"] for c in live.call("GET", f"/api/reconciliations/{rec_id}/review",
                                                  user="bob")["checks"]}["new_transactions"]
    assert (tick["ticked"], tick["by"]) == (True, "bob")
    assert tick["comment"] == "Fees and interest are posted by the bank feed on the 2nd"
    row_after = _review_rows(path)["new_transactions"]
    assert row_after["tick"] == "yes" and row_after["ticked_by"].startswith("bob ")


def test_the_chart_of_accounts_on_rules_reaches_the_server_and_posting_clears_the_check(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    account = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")["account"]["id"]
    chart = live.call("GET", f"/api/accounts/{account}/chart", user="alice")["accounts"]
    txns = live.call("GET", f"/api/reconciliations/{rec_id}/transactions", user="alice")
    assert chart and {t["gl_account"] for t in txns} <= set(chart)  # sent from the Rules sheet by a button press
    ok(live, path, "post_new_transactions")
    assert _review_rows(path)["new_transactions"]["status"] == "pass"


def test_tieout_review_prints_the_checks_as_text_and_json(live, month, tmp_path, capsys, monkeypatch):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    monkeypatch.setenv("TIEOUT_TOKEN", live.tokens["bob"])
    capsys.readouterr()
    assert main(["review", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    server = live.call("GET", f"/api/reconciliations/{rec_id}/review", user="bob")
    assert printed == server
    assert [c["id"] for c in printed["checks"]] == ["opening_balance", "prior_items", "unusual_matches",
                                                    "new_transactions", "balances"]
    assert {c["status"] for c in printed["checks"]} <= {"pass", "fail", "attention"}
    assert all({"id", "title", "status", "detail", "lines"} <= set(c) for c in printed["checks"])

    assert main(["review", str(path)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].startswith("[") and "Opening balance equals the prior period" in text[0]
    assert any(t.startswith("[FAIL] New transactions authorised") for t in text)
    assert any(t.startswith("Outstanding at ") for t in text)

    other = tmp_path / "Other.xlsx"
    Workbook().save(other)
    assert main(["review", str(other)]) == 2
    assert "Other.xlsx is not a Tieout reconciliation workbook" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "missing.xlsx")]) == 2
    assert "missing.xlsx: workbook not found" in capsys.readouterr().err
