"""The transaction reconciliation workbook in batch mode (issue 16, step 2): the real server on loopback, real
ledger files imported per company, the handlers run on a saved .xlsx and the sheets read back with openpyxl."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from ledger_data import mirrored
from test_addin_cli import tieout
from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)

COLUMNS = ("line_id", "date", "amount", "currency", "reference", "description", "source", "counterparty",
           "gl_account", "account", "document_amount", "document_currency")


def ledger_csv(path: Path, rows: list[dict], gl_account: str, account: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({"source": "AR", "gl_account": gl_account, "account": account, **r})
    return path


def label(path: Path, sheet: str, labels: dict[str, str]) -> None:
    """Types labels into the select column, as a user does in Excel."""
    wb = load_workbook(path)
    ws = wb[sheet]
    (tbl,) = ws.tables.values()
    rows = list(ws[tbl.ref])
    header = [c.value for c in rows[0]]
    for r in rows[1:]:
        line_id = r[header.index("line_id")].value
        if line_id in labels:
            r[header.index("select")].value = labels[line_id]
    wb.save(path)


def cell(path: Path, sheet: str, ref: str):
    return load_workbook(path)[sheet][ref].value


def intercompany_accounts(live) -> None:
    """The accounts the two sides belong to (A's receivable from B, B's payable to A), alice preparing both:
    she may then load both companies' lines and reconcile them (server/ledgers/access.py)."""
    for name, entity in (("IC A-B", "A Inc"), ("IC B-A", "B Ltd")):
        acc = live.call("POST", "/api/accounts", {"name": name, "currency": "USD", "kind": "Manual",
                                                  "legal_entity": entity})
        live.call("POST", f"/api/accounts/{acc['id']}/roles", {"user": "alice", "role": "preparer"})


def test_intercompany_workbook_end_to_end_in_batch_mode(live, tmp_path):
    left, right = mirrored(12)
    a = ledger_csv(tmp_path / "A.csv", left, "1400", "B Ltd")
    b = ledger_csv(tmp_path / "B.csv", right, "2400", "A Inc")
    book = new_book(tmp_path / "AB.xlsx")
    intercompany_accounts(live)
    out, _ = ok(live, book, "ledger_import", file=a, company="A Inc")
    assert out.messages == ["Imported A.csv for A Inc: 12 new lines."]
    ok(live, book, "ledger_import", file=b, company="B Ltd")
    out, _ = ok(live, book, "ledger_import", file=b, company="B Ltd")
    assert "0 new lines, 12 already held" in out.messages[0]

    out, _ = ok(live, book, "ledger_retrieve", rec_name="A-B 2026-10", left_filter="company=A Inc;periods=2026-10",
                right_filter="company=B Ltd;gl_accounts=2400;accounts=A Inc", left_account="IC A-B",
                right_account="IC B-A")
    assert out.messages == ["A-B 2026-10 (Draft): 12 left and 12 right lines, 0 groups reconciled."]
    assert (cell(book, "Ledger Rec", "B11"), cell(book, "Ledger Rec", "D11")) == ("IC A-B", "IC B-A")
    outcome, _ = run(live, book, "ledger_auto_match", user="bob", keys="reference")  # bob holds no role on them
    assert outcome.exit_code == 2 and "bob is not a preparer of account IC A-B and IC B-A" in outcome.error
    assert cell(book, "Ledger Rec", "B5") == "Draft" and cell(book, "Ledger Rec", "D9") == "2400"
    assert [r["line_id"] for r in table(book, "Left Lines")] == [f"A{k:06d}" for k in range(1, 13)]
    assert table(book, "Right Lines")[0]["amount"] == -float(left[0]["amount"])

    # the user pairs A000001 with B000001 by hand; auto-match fills the blank rows only
    label(book, "Left Lines", {"A000001": "mine"})
    label(book, "Right Lines", {"B000001": "mine", "B000002": "mine"})
    out, _ = ok(live, book, "ledger_auto_match", keys="reference", save_as_default="yes")
    assert "11 groups proposed" not in out.messages[0] and "10 groups proposed" in out.messages[0]
    lefts = {r["line_id"]: r["select"] for r in table(book, "Left Lines")}
    rights = {r["line_id"]: r["select"] for r in table(book, "Right Lines")}
    assert lefts["A000001"] == "mine" and rights["B000002"] == "mine" and lefts["A000002"] is None
    assert {lefts[f"A{k:06d}"] for k in range(3, 13)} == {f"P{n}" for n in range(1, 11)}
    assert all(lefts[f"A{k:06d}"] == rights[f"B{k:06d}"] for k in range(3, 13))
    totals = table(book, "Ledger Rec")
    assert [t["currency"] for t in totals] == ["USD"] and totals[0]["right lines"] == 12
    assert Decimal(str(totals[0]["difference"])).quantize(Decimal("0.01")) == \
        Decimal(right[1]["amount"])  # B000002 is the one line without its pair

    # a group that does not net to zero: nothing is reconciled, the message names it
    outcome, _ = run(live, book, "ledger_reconcile_selected")
    assert outcome.exit_code == 2 and "does not net to zero on the amount" in outcome.error
    assert "What to do: Change the labels" in outcome.error
    assert cell(book, "Ledger Rec", "B5") == "Draft"
    label(book, "Right Lines", {"B000002": None})
    out, _ = ok(live, book, "ledger_reconcile_selected", reason="October agreed")
    assert out.messages == ["Reconciled 11 groups (G000001, G000002, G000003, G000004, G000005, G000006, G000007, "
                            "G000008, G000009, G000010); the record is Reconciled."]
    assert cell(book, "Ledger Rec", "B5") == "Reconciled"
    assert len(table(book, "Reconciled Groups")) == 22
    left_rows = {r["line_id"]: r for r in table(book, "Left Lines")}
    assert left_rows["A000003"]["group"] and left_rows["A000003"]["select"] is None
    assert left_rows["A000002"]["group"] is None

    out, _ = ok(live, book, "ledger_unreconcile", group="G000001", reason="wrong period")
    assert out.messages == ["Unreconciled G000001; the record is Reconciled."]
    history = table(book, "Reconciliation History")
    assert len(history) == 12 and history[-1]["action"] == "unreconciled"
    assert history[-1]["reason"] == "wrong period" and history[-1]["left lines"] == "A000001"

    # another record takes A000001/B000001 meanwhile: the batch fails, Rerun finishes it once released
    other = live.call("POST", "/api/ledgers/recs", {"name": "overlap", "left": {"company": "A Inc"},
                                                    "right": {"company": "B Ltd"}})
    live.call("POST", f"/api/ledgers/recs/{other['id']}/reconcile",
              {"groups": [{"left": ["A000001"], "right": ["B000001"]}]})
    outcome, _ = run(live, book, "ledger_reconcile_selected", left="A000001", right="B000001")
    assert outcome.exit_code == 2 and "line A000001 is reconciled already in group G000001 of record" in outcome.error
    assert "press Rerun" in outcome.error and cell(book, "Ledger Rec", "B5") == "Error on Reconcile"
    outcome, _ = run(live, book, "ledger_rerun")
    assert outcome.exit_code == 2 and cell(book, "Ledger Rec", "B5") == "Error on Reconcile"
    live.call("POST", f"/api/ledgers/recs/{other['id']}/unreconcile", {"groups": ["G000001"], "reason": "not ours"})
    out, _ = ok(live, book, "ledger_rerun")
    assert out.messages == ["Rerun done: the record is Reconciled; reconciled G000012."]
    assert cell(book, "Ledger Rec", "B12") is None


def test_the_same_through_tieout_run(live, tmp_path):
    left, right = mirrored(3)
    a = ledger_csv(tmp_path / "A.csv", left, "1400", "B Ltd")
    b = ledger_csv(tmp_path / "B.csv", right, "2400", "A Inc")
    book = tmp_path / "New.xlsx"
    intercompany_accounts(live)
    done = tieout(live, book, "--action", "btnLedgerRetrieve", "--rec-name", "AB", "--left-filter", "company=A Inc",
                  "--right-filter", "company=B Ltd", "--left-account", "IC A-B", "--right-account", "IC B-A")
    assert done.returncode == 0, done.stderr  # the first Retrieve makes the workbook
    assert "AB (Draft): 0 left and 0 right lines" in done.stdout
    for path, company in ((a, "A Inc"), (b, "B Ltd")):
        done = tieout(live, book, "--action", "ledger_import", "--file", path, "--company", company)
        assert done.returncode == 0, done.stderr
    done = tieout(live, book, "--action", "ledger_retrieve")
    assert "AB (Draft): 3 left and 3 right lines" in done.stdout
    done = tieout(live, book, "--action", "ledger_reconcile_selected", "--left", "A000001,A000002", "--right",
                  "B000001")
    assert done.returncode == 2 and "does not net to zero" in done.stderr
    done = tieout(live, book, "--action", "ledger_auto_match", "--keys", "reference,amount,currency,date,source,"
                                                                        "counterparty")
    assert done.returncode == 2 and "choose 1 to 5 key fields, got 6" in done.stderr
    done = tieout(live, book, "--action", "ledger_reconcile_selected", "--left", "A000001", "--right", "B000001")
    assert done.returncode == 0, done.stderr
    assert load_workbook(book)["Ledger Rec"]["B5"].value == "Reconciled"
    bad = ledger_csv(tmp_path / "bad.csv", [{**left[0], "date": "2026-02-30"}], "1400", "B Ltd")
    done = tieout(live, book, "--action", "ledger_import", "--file", bad, "--company", "A Inc")
    assert done.returncode == 2 and "bad.csv: line 2, field 'date': not an ISO date" in done.stderr
