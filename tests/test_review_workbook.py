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

    (diff,) = [r for r in table(path, "Summary") if r["Figure"] == "Difference"]
    assert diff["Note"].startswith("0.00 when reconciled; 1 review check(s) fail (sheet Review): New transactions")
    open_items = len(table(path, "Unmatched"))

    outcome, _ = ok(live, path, "submit_for_review")  # batch mode asks nobody: it submits and prints the warnings
    (warning,) = [m for m in outcome.messages if m.startswith("warning: ")]
    assert warning.startswith(f"warning: {open_items} open item(s) have no owner, due date or status: ")
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


def _api_review() -> dict:
    """A review as GET .../review answers it, made from the review's own records."""
    import datetime as dt
    from decimal import Decimal

    from tieout.server.review.aging import aged_items
    from tieout.server.review.escalation import escalations
    from tieout.server.review.facts import Item
    from tieout.server.review.records import CheckLine, CheckResult, as_dict

    end = dt.date(2026, 3, 31)
    items = [Item("ledger", "G1", dt.date(2025, 11, 2), Decimal("-120.00"), "USD", "CHK 1001", "", "AP",
                  counterparty="Initech"),
             Item("bank", "B7", dt.date(2026, 3, 20), Decimal("-9.50"), "USD", "", "FEE", "fee")]
    checks = [CheckResult("opening_balance", "Opening balance", "pass", "equal"),
              CheckResult("balances", "Balances", "fail", "differ by 9.50", (("difference", "9.50"),),
                          (CheckLine("bank", "B7", dt.date(2026, 3, 20), Decimal("-9.50"), "FEE", "not in GL"),))]
    return {"checks": [{**as_dict(c), "tick": None} for c in checks],
            "aging": as_dict(aged_items(items, end, jurisdiction="US-DE", dormancy_years=5)),
            "escalations": [as_dict(e) for e in escalations(items, end)], "unowned": []}


def test_the_live_excel_adapter_writes_the_review_sheet_and_reads_the_ticks_back(monkeypatch):
    """The xlwings adapter (ExcelWorkbook) on the stand-in Excel objects of test_addin_excel_writes: the same
    renderer writes the checks table and the blocks, and the reviewer's input is read back through it."""
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    from test_addin_excel_writes import Adapter, Excel, Rng, Sheet
    from tieout.addin import review_sheet
    from tieout.addin.handlers.state import State
    from tieout.excel_templates.reconciliation_workbook import SHEETS

    def xlwings_value(rng):  # as xlwings gives a range's value: one row flat, one cell alone
        rows = rng._read(2)
        return rows[0][0] if rows == [rows[0]] and len(rows[0]) == 1 else rows[0] if len(rows) == 1 else rows

    monkeypatch.setattr(Rng, "value", property(xlwings_value, Rng.value.fset))

    class A1Sheet(Sheet):
        def range(self, a, b=None):
            if isinstance(a, str):
                if ":" in a:
                    c1, r1, c2, r2 = range_boundaries(a)
                    return super().range((r1, c1), (r2, c2))
                return super().range(coordinate_to_tuple(a))
            return super().range(a, b)

    class Names(dict):
        def add(self, name, refers_to):
            self[name] = type("Name", (), {"refers_to": refers_to})()

    class ReviewAdapter(Adapter):
        def __init__(self):
            super().__init__()
            self.ws = A1Sheet("Review")
            self.book.sheets.ws = self.book.sheets.active = self.ws
            self.book.names = Names()

    book = ReviewAdapter()
    state = State({}, {}, (), (), (), (), (), (), review=_api_review())
    table_name, cols = SHEETS["Review"]
    rows = review_sheet.check_rows(state)
    book.write_table("Review", table_name, cols, rows)
    review_sheet.write_blocks(book, state, len(rows) + 3)
    cells = book.ws.grid.cells
    shown = {k: Excel.shown(v) for k, v in cells.items()}  # as Excel shows them (text without its ' prefix)
    assert [shown[(1, c)] for c in range(1, 8)] == ["check", "title", "status", "detail", "tick", "comment",
                                                    "ticked_by"]
    assert shown[(3, 1)] == "balances" and shown[(3, 3)] == "fail"
    column_a = [v for (r, c), v in sorted(shown.items()) if c == 1 and r > 3]
    assert "Lines of the checks" in column_a and "Outstanding checks over 90 days (unclaimed property)" in column_a
    stale = next(r for (r, c), v in shown.items() if c == 1 and v == "G1" and shown.get((r, 3)) == "Initech")
    assert shown[(stale, 9)] == "2030-11-02"  # five years in US-DE
    cells[(3, 5)], cells[(3, 6)] = "yes", "timing: the fee is booked on 1 April"
    ticks = review_sheet.read_ticks(book)
    assert [(t.check, t.ticked, t.comment) for t in ticks] == [("opening_balance", False, ""),
                                                               ("balances", True, "timing: the fee is booked on 1 April")]
    assert book.get_setting(review_sheet.BLOCKS_END) == str(max(r for r, _ in cells))
