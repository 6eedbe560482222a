"""Submit for Review, Approve (reviewer, then approver), Reject (with its comment), Revert, Refresh and
Report: the workflow on the server, the locks on the workbook (protection flags, locked and unlocked cells,
workbook structure), and Refresh noticing a locked sheet that no longer shows the server's data."""
from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook

from test_addin_kit import live, month, ok, prepared, run, table  # noqa: F401 (fixtures)
from tieout.excel_templates.reconciliation_workbook import SHEET_NAMES

PREPARING_PROTECTED = {"Summary", "Matched", "Unmatched", "New Transactions", "Audit", "Review"}


def protected(path) -> set[str]:
    wb = load_workbook(path)
    return {s for s in SHEET_NAMES if wb[s].protection.sheet}


def structure_locked(path) -> bool:
    wb = load_workbook(path)
    return bool(wb.security and wb.security.lockStructure)


def status(live, rec_id) -> dict:
    return live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")


def test_submit_locks_the_workbook_and_refresh_flags_edits_to_locked_sheets(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "post_new_transactions")
    assert protected(path) == PREPARING_PROTECTED and not structure_locked(path)
    outcome, _ = ok(live, path, "submit_for_review")
    rec = status(live, rec_id)
    assert rec["status"] == "In Review" and len(rec["submitted_hash"]) == 64
    assert rec["submitted_hash"][:16] in outcome.messages[0] and "guard-rail" in outcome.messages[0]
    assert protected(path) == set(SHEET_NAMES) and structure_locked(path)
    wb = load_workbook(path)
    assert wb["Summary"]["B5"].value == "In Review"
    assert wb["Summary"]["B9"].value == rec["submitted_hash"]
    assert wb["Summary"]["B10"].protection.locked is False  # the reviewer's comment
    assert wb["Summary"]["B11"].protection.locked is True
    assert wb["Unmatched"]["I2"].protection.locked is False  # notes on open items are still taken
    assert wb["New Transactions"]["D2"].protection.locked is True
    assert wb["Bank Statement"]["C2"].protection.locked is True
    outcome, _ = run(live, path, "new_transaction_custom")
    assert outcome.exit_code == 2 and "In Review" in outcome.error

    # someone lifts protection, changes an amount and deletes a match id: Refresh says so and restores them
    wb = load_workbook(path)
    bank = wb["Bank Statement"]
    line_id, amount = bank["A3"].value, bank["C3"].value
    bank["C3"] = amount + 100
    wb["Matched"]["A2"] = None
    bank.protection.sheet = False
    wb.save(path)
    outcome, book = ok(live, path, "refresh")
    (alert,) = book.messages
    assert "sheet 'Bank Statement' should be protected (In Review) but its protection was removed" in alert
    assert (f"Bank Statement: {line_id}: amount {amount + 100} on the sheet (cell C3), {amount:.2f} on the server"
            in alert)
    assert "Matched: " in alert and "is on the server but not on the sheet" in alert
    assert "the server's record (hash" in alert and outcome.messages[0].startswith("warning: ")
    wb = load_workbook(path)
    assert wb["Bank Statement"]["C3"].value == amount and wb["Bank Statement"].protection.sheet
    outcome, book = ok(live, path, "refresh")
    assert book.messages == [] and len(outcome.messages) == 1


def test_approve_on_edited_locked_cells_names_them_and_writes_nothing(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "post_new_transactions")  # unposted ones would fail a review check (test_review_workbook.py)
    ok(live, path, "submit_for_review")
    audit_before = live.call("GET", f"/api/audit?reconciliation_id={rec_id}", user="alice")
    wb = load_workbook(path)
    bank = wb["Bank Statement"]
    line_id, amount = bank["A3"].value, bank["C3"].value
    bank["C3"] = amount + 100
    bank.protection.sheet = False
    wb["Unmatched"]["I2"] = "a note typed with the edit"  # an open input: must not be sent either
    wb.save(path)
    outcome, book = run(live, path, "approve", user="bob")
    assert outcome.exit_code == 2 and "locked cells no longer show the submitted reconciliation" in outcome.error
    assert f"Bank Statement: {line_id}: amount {amount + 100} on the sheet (cell C3)" in outcome.error
    assert "Press Refresh" in outcome.error
    assert status(live, rec_id)["status"] == "In Review"
    assert live.call("GET", f"/api/audit?reconciliation_id={rec_id}", user="alice") == audit_before
    wb = load_workbook(path)
    assert wb["Bank Statement"]["C3"].value == amount + 100  # the sheets were not re-rendered
    ok(live, path, "refresh")
    outcome, _ = ok(live, path, "approve", user="bob")
    assert status(live, rec_id)["status"] == "Pending Approval"


def test_reject_needs_a_comment_then_unlocks(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "submit_for_review")
    outcome, _ = run(live, path, "reject", user="bob")
    assert outcome.exit_code == 2 and "Review comment cell (Summary!B10)" in outcome.error
    wb = load_workbook(path)
    wb["Summary"]["B10"] = "Fee on line L2 belongs to October"  # the unlocked comment cell
    wb.save(path)
    outcome, _ = run(live, path, "reject", user="alice")
    assert outcome.exit_code == 2 and "alice is not a reviewer" in outcome.error
    assert "What to do: Ask an administrator to give you the role" in outcome.error
    ok(live, path, "reject", user="bob")
    rec = status(live, rec_id)
    assert (rec["status"], rec["comment"]) == ("In Progress", "Fee on line L2 belongs to October")
    wb = load_workbook(path)
    assert wb["Summary"]["B11"].value == "Fee on line L2 belongs to October" and wb["Summary"]["B10"].value is None
    assert protected(path) == PREPARING_PROTECTED and not structure_locked(path)


def test_approve_twice_then_locked_for_good_and_revert_unlocks(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "post_new_transactions")
    ok(live, path, "submit_for_review")
    outcome, _ = ok(live, path, "approve", user="bob")
    assert outcome.messages == ["Reviewed by bob: status Pending Approval."]
    account_id = status(live, rec_id)["account"]["id"]
    live.call("POST", f"/api/accounts/{account_id}/roles", {"user": "bob", "role": "approver"})
    outcome, _ = run(live, path, "approve", user="bob")
    assert outcome.exit_code == 2 and "reviewer and approver must be different people" in outcome.error
    assert "What to do: A different person must do this step" in outcome.error
    outcome, _ = ok(live, path, "approve", user="carol")
    assert outcome.messages == ["Approved by carol: status Approved."]
    rec = status(live, rec_id)
    assert rec["status"] == "Approved" and Decimal(rec["reconciled_balance"]) == month.data.bank_closing
    wb = load_workbook(path)
    assert wb["Summary"]["B5"].value == "Approved"
    assert "reviewed by bob" in wb["Summary"]["B8"].value and "approved by carol" in wb["Summary"]["B8"].value
    assert protected(path) == set(SHEET_NAMES) and structure_locked(path)
    assert wb["Unmatched"]["I2"].protection.locked is True and wb["Summary"]["B10"].protection.locked is True
    outcome, _ = run(live, path, "approve", user="carol")
    assert outcome.exit_code == 2 and "there is nothing to approve" in outcome.error

    outcome, _ = run(live, path, "revert", user="alice")
    assert outcome.exit_code == 2 and "only the original approver (carol)" in outcome.error
    ok(live, path, "revert", user="carol")
    assert status(live, rec_id)["status"] == "In Progress"
    assert protected(path) == PREPARING_PROTECTED and not structure_locked(path)
    audit = [r["action"] for r in table(path, "Audit")]
    for action in ("workflow.submit", "workflow.review", "workflow.approve", "workflow.revert"):
        assert action in audit


def test_report_writes_the_reviewers_workbook(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "submit_for_review")
    report = tmp_path / "Rec-report.xlsx"
    outcome, _ = ok(live, path, "report", out=report)  # the default is .pdf (tests/test_report.py)
    assert outcome.messages[0].startswith(f"Wrote the report {report}")
    wb = load_workbook(report)
    assert wb.sheetnames == ["Report", "Sign-off", "Review checks", "Open items by age", "Match rate by rule",
                             "Statements", "Findings", "Sign-offs", "Open items", "Matches by rule"]
    figures = {r["Figure"]: r["Amount"] for r in table(report, "Report")}
    rec = status(live, rec_id)
    assert Decimal(repr(figures["Difference"])).quantize(Decimal("0.01")) == Decimal(rec["figures"]["difference"])
    assert [r["action"] for r in table(report, "Sign-offs")] == ["start", "submit"]
    assert len(table(report, "Open items")) == len(table(path, "Unmatched"))
    rules = table(report, "Matches by rule")
    assert sum(r["matches"] for r in rules) == rec["figures"]["matched_groups"]
    outcome, _ = run(live, path, "report", out=tmp_path / "r.docx")
    assert outcome.exit_code == 2 and "written as .pdf or .xlsx" in outcome.error


def test_the_workbook_anchors_the_audit_chain_at_submit_and_approve_checks_it(live, month, tmp_path):
    """The audit row written at Submit is kept in the workbook (outside the database); someone who controls the
    server's home and database cuts the trail back (rows, head and anchor log alike, so the server's own
    verification sees a consistent chain): Approve is refused, naming the row, and nothing is signed."""
    import json as json_mod
    import sqlite3

    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "submit_for_review")
    head = status(live, rec_id)["submit_audit_row"]
    names = load_workbook(path).defined_names
    assert names["Tieout_SubmitAuditRow"].attr_text == f'"{head["id"]}:{head["hash"]}"'

    home = live.app.config["TIEOUT_HOME"]
    keep = head["id"] - 1
    with sqlite3.connect(home / "tieout.db") as db:
        prev = db.execute("SELECT hash FROM audit_log WHERE id = ?", (keep,)).fetchone()[0]
        db.execute("DELETE FROM audit_log WHERE id > ?", (keep,))
        db.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", (keep, prev))
    log = home / "audit-anchor.log"
    lines = [ln for ln in log.read_text().splitlines() if json_mod.loads(ln)["id"] <= keep]
    log.write_text("".join(ln + "\n" for ln in lines))
    assert live.call("GET", "/api/audit/verify")["intact"] is True  # the server alone cannot tell

    outcome, _ = run(live, path, "approve", user="bob")
    assert outcome.exit_code == 2, outcome
    assert "does not hold what this workbook recorded at Submit" in outcome.error
    assert f"row {head['id']}" in outcome.error
    assert status(live, rec_id)["status"] == "In Review"
