"""Statement findings and entered balances in the workbook and the report (real server on loopback, real .xlsx
written and read back): a real bank file whose figures disagree shows its finding on Summary; Submit for Review
is refused naming it; a comment typed on Summary (sent by the next button press) or the Acknowledge Findings
action acknowledges it; the audit trail, the report (PDF and xlsx) and the submitted hash carry it. Balances a
file does not state are entered at import (--opening/--closing) or on Summary, and Summary says where each
balance came from."""
from __future__ import annotations

from decimal import Decimal

import pdfplumber
from openpyxl import load_workbook
from sqlalchemy import text

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin import summary_blocks
from tieout.addin.dispatch import run_batch
from tieout.addin.sheets import SUMMARY_BLOCKS_ROW, SUMMARY_TABLE_ROW
from tieout.addin.xlsx_workbook import XlsxWorkbook

ZIL = "mt940/zil_deutsche_bank.txt"  # one statement: opening 0.00 + lines 4.00 != closing 5.87


def _rec_id(path) -> int:
    return int(XlsxWorkbook(path).get_setting("ReconciliationId"))


def _block(path, title: str) -> list[tuple[int, dict]]:
    """(sheet row, {header: value}) of a Summary block, read back from the saved file with openpyxl."""
    ws = load_workbook(path)["Summary"]
    assert ws.max_row < SUMMARY_BLOCKS_ROW + 20  # the blocks left no run of empty cells behind
    rows = list(ws.iter_rows(min_row=SUMMARY_BLOCKS_ROW, max_col=summary_blocks.WIDTH))
    for i, r in enumerate(rows):
        if isinstance(r[0].value, str) and r[0].value.startswith(title):
            header = [c.value for c in rows[i + 1]]
            out = []
            for data in rows[i + 2:]:
                if data[0].value is None:
                    break
                out.append((data[0].row, dict(zip(header, (c.value for c in data)))))
            return out
    raise AssertionError(f"no block {title!r} on Summary")


def _closing_note(path) -> str:
    rows = table(path, "Summary")
    (row,) = [r for r in rows if r["Figure"] == "Statement closing balance"]
    return row["Note"]


def test_a_finding_is_shown_refuses_submit_and_is_acknowledged_from_summary(live, tmp_path, wild):
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = ok(live, path, "import_bank_file", file=wild / ZIL, account_name="Deutsche")
    assert "1 finding(s)" in " ".join(outcome.messages)
    rec_id = _rec_id(path)
    (server_finding,) = live.call("GET", f"/api/reconciliations/{rec_id}/findings", user="alice")
    live.grant_team(live.call("GET", f"/api/reconciliations/{rec_id}")["account"]["id"])

    ((row, finding),) = _block(path, summary_blocks.FINDINGS_TITLE)
    assert finding["finding"] == server_finding["id"] and finding["code"] == "balance_mismatch"
    assert "difference 1.87" in finding["message"] and finding["acknowledged by"] in (None, "")
    ((_, balances),) = _block(path, summary_blocks.BALANCES_TITLE)
    assert Decimal(str(balances["closing balance"])) == Decimal("5.87")
    assert balances["closing from"] == "stated in the bank's file"
    assert _closing_note(path).startswith("closing balance stated in the bank's file")
    ws = load_workbook(path)["Summary"]
    assert ws.protection.sheet and ws[f"G{row}"].protection.locked is False  # the comment input
    assert ws[f"D{row}"].protection.locked is True
    assert ws[f"I{SUMMARY_BLOCKS_ROW + 2}"].protection.locked is True  # a stated balance takes no entry

    outcome, _ = run(live, path, "submit_for_review")
    assert outcome.exit_code == 2 and f"#{server_finding['id']} balance_mismatch" in outcome.error
    assert live.call("GET", f"/api/reconciliations/{rec_id}")["status"] == "In Progress"

    comment = "Deutsche Bank confirmed 5.87; the 1.87 interest is booked on the next statement"
    wb = load_workbook(path)
    wb["Summary"][f"G{row}"] = comment
    wb.save(path)
    ok(live, path, "refresh")  # the next button press sends it
    (acknowledged,) = live.call("GET", f"/api/reconciliations/{rec_id}/findings", user="alice")
    assert (acknowledged["state"], acknowledged["acknowledged_by"], acknowledged["comment"]) == \
        ("acknowledged", "alice", comment)
    ((_, shown),) = _block(path, summary_blocks.FINDINGS_TITLE)
    assert shown["acknowledged by"] == "alice" and shown["acknowledgement comment"] == comment

    ok(live, path, "submit_for_review")
    rec = live.call("GET", f"/api/reconciliations/{rec_id}")
    assert rec["status"] == "In Review"
    audit = table(path, "Audit")
    (ack,) = [a for a in audit if a["action"] == "finding.acknowledge"]
    assert ack["user"] == "alice" and comment in ack["detail"]

    ok(live, path, "report", out=tmp_path / "R.pdf")
    with pdfplumber.open(tmp_path / "R.pdf") as pdf:
        words = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        rows = [[" ".join((c or "").split()) for c in row]  # wrapped cells joined again
                for page in pdf.pages for t in page.extract_tables() for row in t]
    assert "Statement findings (1; 0 not acknowledged)" in words
    (printed,) = [r for r in rows if "balance_mismatch" in r]
    assert printed[0] == str(server_finding["id"]) and "difference 1.87" in printed[3]
    assert printed[4].replace(" ", "") == "alice" and printed[6] == comment
    assert "stated in the bank's file" in words and "as printed by the bank" not in words
    ok(live, path, "report", out=tmp_path / "R.xlsx")
    (reported,) = table(tmp_path / "R.xlsx", "Findings")
    assert (reported["finding"], reported["acknowledged_by"], reported["comment"]) == \
        (server_finding["id"], "alice", comment)
    (stmt,) = table(tmp_path / "R.xlsx", "Statements")
    assert stmt["closing_from"] == "stated in the bank's file"

    # the comment changed in the database after Submit: the reviewer's Approve is refused as tamper
    with live.app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text("UPDATE statement_findings SET comment = 'ok'"))
    outcome, _ = run(live, path, "approve", user="bob")
    assert outcome.exit_code == 2 and "findings:" in outcome.error and "comment" in outcome.error


def _plain_csv(path, rows=(("2026-01-05", "Coffee", "-4.50"), ("2026-01-07", "Salary", "54.50"))):
    path.write_text("Date,Description,Amount\n" + "".join(f"{d},{t},{a}\n" for d, t, a in rows), encoding="utf-8")
    return path


def test_balances_entered_at_import_and_on_summary_and_the_batch_acknowledgement(live, tmp_path, monkeypatch):
    path = tmp_path / "Cash.xlsx"
    monkeypatch.setenv("TIEOUT_TOKEN", live.tokens["alice"])
    csv = _plain_csv(tmp_path / "jan.csv")
    # `tieout run` as the CLI calls it: opening 100 + lines 50 != closing 149 -> imported with a finding
    # (a plain Date/Description/Amount file no bank profile names: its inferred layout is confirmed once)
    assert run_batch(path, "import_bank_file", {"file": str(csv), "currency": "USD", "account_name": "Cash",
                                                "opening": "100.00", "closing": "149.00",
                                                "confirm_layout": "yes"}) == 0
    rec_id = _rec_id(path)
    ((_, st),) = _block(path, summary_blocks.BALANCES_TITLE)
    assert st["opening from"].startswith("entered by alice at ") and st["closing from"].startswith("entered by alice")
    assert _closing_note(path).startswith("closing balance entered by alice at ")
    ((_, finding),) = _block(path, summary_blocks.FINDINGS_TITLE)
    assert finding["code"] == "balance_mismatch" and "difference -1.00" in finding["message"]

    assert run_batch(path, "acknowledge_findings", {}) == 2  # no comment: refused
    assert live.call("GET", f"/api/reconciliations/{rec_id}/findings", user="alice")[0]["state"] == "open"
    assert run_batch(path, "acknowledge_findings", {"finding": str(finding["finding"]),
                                                   "comment": "bank fee of 1.00 shown on the paper statement"}) == 0
    (done,) = live.call("GET", f"/api/reconciliations/{rec_id}/findings", user="alice")
    assert done["acknowledged_by"] == "alice" and done["comment"].startswith("bank fee")

    # a second file stating no balances: the Summary says so, the sum of lines is not called the bank's
    feb = tmp_path / "Feb.xlsx"
    new_book(feb)
    ok(live, feb, "import_bank_file", file=_plain_csv(tmp_path / "feb.csv", (("2026-02-03", "Rent", "-20.00"),)),
       currency="USD", account_name="Petty cash")
    assert _closing_note(feb).startswith("no closing balance stated: opening balance + booked lines")
    ((row, st),) = _block(feb, summary_blocks.BALANCES_TITLE)
    assert st["closing from"] == "not stated in the file: enter it from the printed statement"
    ws = load_workbook(feb)["Summary"]
    assert ws[f"H{row}"].protection.locked is False and ws[f"I{row}"].protection.locked is False
    assert ws[f"B{SUMMARY_TABLE_ROW + 1}"].protection.locked is True
    wb = load_workbook(feb)
    wb["Summary"][f"H{row}"] = 500
    wb["Summary"][f"I{row}"] = "480.00"
    wb.save(feb)
    ok(live, feb, "refresh")
    feb_id = _rec_id(feb)
    (held,) = live.call("GET", f"/api/reconciliations/{feb_id}/statements", user="alice")
    assert (held["opening_balance"], held["closing_balance"]) == ("500.00", "480.00")
    assert held["closing_source"] == "entered" and held["closing_entered_by"] == "alice"
    assert live.call("GET", f"/api/reconciliations/{feb_id}/findings", user="alice") == []
    ((_, st),) = _block(feb, summary_blocks.BALANCES_TITLE)
    assert st["enter opening"] is None and st["closing from"].startswith("entered by alice")
    assert _closing_note(feb).startswith("closing balance entered by alice")


def test_summary_inputs_are_read_by_their_headings_and_a_bad_amount_is_named(tmp_path):
    import pytest
    from openpyxl import Workbook

    from tieout.addin.handlers.context import ActionError

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    first = SUMMARY_BLOCKS_ROW
    ws[f"A{first}"] = summary_blocks.BALANCES_TITLE
    for col, header in enumerate(summary_blocks.BALANCE_HEADERS, start=1):
        ws.cell(first + 1, col, header)
    ws.cell(first + 2, 1, 7)
    ws.cell(first + 2, 8, 1250.5)  # Excel hands numbers over as floats
    ws.cell(first + 3, 1, 8)  # nothing typed: not sent
    ws[f"A{first + 5}"] = summary_blocks.FINDINGS_TITLE + ": 2 open"
    for col, header in enumerate(summary_blocks.FINDING_HEADERS, start=1):
        ws.cell(first + 6, col, header)
    ws.cell(first + 7, 1, 3)
    ws.cell(first + 7, 7, "  bank confirmed  ")
    ws.cell(first + 8, 1, 4)
    wb.save(tmp_path / "s.xlsx")
    assert summary_blocks.read_inputs(XlsxWorkbook(tmp_path / "s.xlsx"), first) == ([], [])  # never rendered
    book = XlsxWorkbook(tmp_path / "s.xlsx")
    book.set_setting(summary_blocks.BLOCKS_END, str(first + 8))  # as a render leaves it
    book.save()
    wb = load_workbook(tmp_path / "s.xlsx")
    ws = wb["Summary"]
    balances, comments = summary_blocks.read_inputs(XlsxWorkbook(tmp_path / "s.xlsx"), first)
    assert balances == [summary_blocks.BalanceInput(7, Decimal("1250.5"), None)]
    assert comments == [summary_blocks.CommentInput(3, "bank confirmed"), summary_blocks.CommentInput(4, "")]
    ws.cell(first + 2, 9, "twelve")
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(ActionError, match="statement 7, enter closing: 'twelve' is not an amount"):
        summary_blocks.read_inputs(XlsxWorkbook(tmp_path / "s.xlsx"), first)
