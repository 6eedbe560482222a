"""The workspace's exceptions list carries the ledger-against-ledger work of the period, as a bank account's
(gaps13): each GL-against-subledger exception of the latest run (document, age at the period end, the
account's preparers as owner, the check's action), a failed run, and per transaction reconciliation record the
lines no group holds yet, or its failed batch. Who sees them follows the ledger access control: a subledger
check by its account's people, a record by the people of either of its accounts. A real team server on
loopback, on SQLite and PostgreSQL, and the Exceptions sheet of the workspace workbook re-opened."""
from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from ledger_data import mirrored
from test_ledgers_access import people  # noqa: F401 (fixture)
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)
from test_subledgers import built
from tieout.addin.workspace.records import workspace_from
from tieout.addin.workspace.workbook import write_workspace

PERIOD = "2026-10"


def ledger_exceptions(api) -> list[dict]:
    ws = api.ok("GET", f"/api/workspace?period={PERIOD}")
    return [e for e in ws["exceptions"] if e["code"].startswith(("subledger_", "ledger_"))]


def test_subledger_and_ledger_record_exceptions_are_listed_for_whoever_may_see_them(people, db_url, tmp_path):
    owner, bob, carol, eve = (people[n] for n in ("owner", "bob", "carol", "eve"))
    # GL against its AR subledger for IC A-B (A Inc), and for an account nobody but the administrator sees
    sub, gl = built(tmp_path)
    for account in ("IC A-B", "Receivables"):
        config = owner.ok("POST", "/api/subledgers/configs", {
            "account": account, "legal_entity": "A Inc", "kind": "AR", "currency": "EUR",
            "subledger_path": str(sub), "gl_path": str(gl)})
        owner.ok("POST", f"/api/subledgers/configs/{config['id']}/run?period={PERIOD}")
    # a transaction reconciliation record: A's receivable from B against B's payable, four pairs, none reconciled
    left, right = mirrored(4)
    owner.ok("POST", "/api/ledgers/lines", {"company": "A Inc", "lines": left})
    owner.ok("POST", "/api/ledgers/lines", {"company": "B Ltd", "lines": right})
    rec = owner.ok("POST", "/api/ledgers/recs", {
        "name": "A-B October", "left": {"company": "A Inc", "periods": [PERIOD]},
        "right": {"company": "B Ltd", "periods": [PERIOD]}, "left_account": "IC A-B", "right_account": "IC B-A"})

    found = ledger_exceptions(owner)
    sub_rows = {(e["account"], e["item"]): e for e in found if e["code"].startswith("subledger_")}
    assert {a for a, _ in sub_rows} == {"IC A-B", "Receivables"}
    diff = sub_rows[("IC A-B", "INV-1002 (Globex)")]
    assert (diff["code"], diff["severity"], diff["legal_entity"], diff["owner"]) == \
        ("subledger_amount_difference", "high", "A Inc", "alice, dave")
    assert diff["age_days"] == 26  # 5 October to the period end
    assert "GL 500.00, subledger 450.00; difference 50.00 EUR" in diff["issue"] and "difference 50.00" in diff["action"]
    assert sub_rows[("IC A-B", "INV-1004 (Initech)")]["code"] == "subledger_in_subledger_not_gl"
    assert sub_rows[("Receivables", "INV-1002 (Globex)")]["owner"] == ""  # no such account: nobody prepares it
    open_lines = {e["item"]: e for e in found if e["code"] == "ledger_open_lines"}
    assert set(open_lines) == {"A-B October (left)", "A-B October (right)"}
    left_row = open_lines["A-B October (left)"]
    oldest = min(ln["date"] for ln in left)
    assert (left_row["account"], left_row["legal_entity"], left_row["owner"], left_row["status"]) == \
        ("IC A-B", "A Inc", "alice, dave", "Draft")
    assert left_row["age_days"] == 31 - int(oldest[-2:])
    assert f"4 left line(s) of A Inc in {PERIOD} not reconciled (oldest of {oldest}" in left_row["issue"]
    assert open_lines["A-B October (right)"]["owner"] == "alice"

    # bob reviews IC A-B: its subledger check and the record; carol approves IC B-A: the record only; eve nothing
    assert sorted((e["account"], e["item"]) for e in ledger_exceptions(bob)) == \
        sorted((e["account"], e["item"]) for e in found if e["account"] != "Receivables")
    assert {e["item"] for e in ledger_exceptions(carol)} == set(open_lines)
    assert ledger_exceptions(eve) == []

    # the Exceptions sheet shows the item, its age and its owner
    ws = owner.ok("GET", f"/api/workspace?period={PERIOD}")
    path = write_workspace(workspace_from(ws), tmp_path / "Workspace.xlsx")
    sheet = load_workbook(path)["Exceptions"]
    (tbl,) = sheet.tables.values()
    rows = [[c.value for c in r] for r in sheet[tbl.ref]]
    table = [dict(zip(rows[0], r)) for r in rows[1:]]
    row = next(r for r in table if r["item"] == "INV-1002 (Globex)" and r["account"] == "IC A-B")
    assert (row["severity"], row["age (days)"], row["owner"], row["what to do"]) == \
        ("high", 26, "alice, dave", diff["action"])

    # a record whose batch failed is one row saying Rerun, instead of its open lines
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_recs SET status = 'Error on Reconcile', error = 'deadlock' WHERE id = :i"),
                     {"i": rec["id"]})
    engine.dispose()
    rows = [e for e in ledger_exceptions(carol) if e["code"].startswith("ledger_")]
    assert [(e["code"], e["severity"], e["item"], e["status"]) for e in rows] == \
        [("ledger_rec_error", "high", "A-B October", "Error on Reconcile")]
    assert "deadlock" in rows[0]["issue"] and "Rerun" in rows[0]["action"]


def test_a_failed_subledger_run_is_an_exception_of_its_account(people, tmp_path):
    owner, bob = people["owner"], people["bob"]
    sub, gl = built(tmp_path)
    config = owner.ok("POST", "/api/subledgers/configs", {
        "account": "IC A-B", "legal_entity": "A Inc", "kind": "AR", "currency": "EUR",
        "subledger_path": str(sub), "gl_path": str(gl)})
    owner.ok("POST", f"/api/subledgers/configs/{config['id']}/run?period={PERIOD}")
    assert len(ledger_exceptions(bob)) == 6
    gl.write_text("line_id,date,amount\nGL1,2026-10-40,1.00\n", encoding="utf-8")  # the next export is broken
    owner.call("POST", f"/api/subledgers/configs/{config['id']}/run?period={PERIOD}")
    (row,) = ledger_exceptions(bob)  # the latest run failed: its exceptions are no longer the period's word
    assert (row["code"], row["severity"], row["account"], row["item"], row["owner"]) == \
        ("subledger_failed", "high", "IC A-B", "AR subledger check", "alice, dave")
    assert f"failed: {gl}: line 1" in row["issue"] and "expected header" in row["issue"]
