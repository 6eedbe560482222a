"""The workspace's exceptions list carries the failing review checks (ledgers14): which check, for which
account, the check's own words and what to do; high while the check blocks Approve, low once the reviewer said
why it stands; a check needing attention only once submitted and until ticked. Through the API on SQLite and
PostgreSQL, and the Exceptions sheet of the workspace workbook re-opened."""
from __future__ import annotations

from openpyxl import load_workbook

from test_server_kit import app, db_url, home, owner_api, pg_cluster  # noqa: F401 (fixtures)
from test_server_workspace import office  # noqa: F401 (fixture)
from tieout.addin.workspace.records import workspace_from
from tieout.addin.workspace.workbook import write_workspace
from tieout.server.workspace.review_exceptions import ACTIONS


def review_exceptions(api, account: str = "Operating") -> dict[str, dict]:
    ws = api.ok("GET", "/api/workspace?period=2026-01")
    return {e["code"]: e for e in ws["exceptions"] if e["account"] == account and e["code"].startswith("review_")}


def test_failing_review_checks_are_exceptions_saying_what_to_do(office, tmp_path):
    owner, users, op, ap, rid = office
    alice, bob, dave = users["alice"], users["bob"], users["dave"]
    assert review_exceptions(owner) == {}  # In Progress, every check passes or only asks for attention
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "50.00"})  # now 10.00 apart
    checks = {c["id"]: c for c in owner.ok("GET", f"/api/reconciliations/{rid}/review")["checks"]}
    failing = {c for c, v in checks.items() if v["status"] == "fail"}
    assert "balances" in failing

    found = review_exceptions(owner)
    assert set(found) == {f"review_{c}" for c in failing}
    bal = found["review_balances"]
    assert bal["severity"] == "high" and bal["reconciliation_id"] == rid and bal["legal_entity"] == "Acme Inc"
    assert bal["issue"].startswith(f"review check fails: {checks['balances']['title']}: {checks['balances']['detail']}")
    assert "Approve is refused" in bal["issue"] and bal["action"] == ACTIONS["balances"]
    ws = owner.ok("GET", "/api/workspace?period=2026-01")
    assert ws["exceptions"][0]["severity"] == "high"  # most severe first, review rows among them
    assert next(a for a in ws["accounts"] if a["account"] == "Operating")["review_checks_open"] == len(failing)
    assert review_exceptions(dave) == {}  # dave holds no role on Operating: none of its exceptions

    # the Exceptions sheet of the workspace workbook
    path = write_workspace(workspace_from(ws), tmp_path / "Workspace.xlsx")
    sheet = load_workbook(path)["Exceptions"]
    (tbl,) = sheet.tables.values()
    rows = [[c.value for c in r] for r in sheet[tbl.ref]]
    table = [dict(zip(rows[0], r)) for r in rows[1:]]
    row = next(r for r in table if r["issue"] == bal["issue"])
    assert (row["severity"], row["account"], row["what to do"], row["reconciliation"]) == \
        ("high", "Operating", ACTIONS["balances"], rid)

    # the reviewer says why it stands: still listed, low, with the comment
    bob.ok("PUT", f"/api/reconciliations/{rid}/review/balances", {"ticked": False, "comment": "GL cut-off, fixed "
                                                                                             "in February"})
    bal = review_exceptions(owner)["review_balances"]
    assert bal["severity"] == "low" and bal["issue"].endswith("Comment: GL cut-off, fixed in February")


def test_a_check_needing_attention_is_listed_once_submitted_until_ticked(office):
    owner, users, op, ap, rid = office
    alice, bob = users["alice"], users["bob"]
    checks = {c["id"]: c for c in owner.ok("GET", f"/api/reconciliations/{rid}/review")["checks"]}
    attention = sorted(c for c, v in checks.items() if v["status"] == "attention")
    assert attention and not any(v["status"] == "fail" for v in checks.values())
    for item in ("B1", "B2", "G1", "G-OLD"):  # Submit wants an owner and a due date on escalated items
        side = "bank" if item.startswith("B") else "ledger"
        alice.ok("PUT", f"/api/reconciliations/{rid}/unmatched/{side}/{item}",
                 {"owner": "alice", "due_date": "2026-02-15", "status": "open", "notes": "chasing"})
    alice.ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    found = review_exceptions(owner)
    assert sorted(found) == [f"review_{c}" for c in attention]
    assert {e["severity"] for e in found.values()} == {"low"}
    assert all("needs attention" in e["issue"] for e in found.values())
    for check in attention:
        bob.ok("PUT", f"/api/reconciliations/{rid}/review/{check}", {"ticked": True, "comment": "looked at"})
    assert review_exceptions(owner) == {}
