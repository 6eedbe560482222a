"""Tamper evidence: the hash stored at Submit is recomputed by Review, Approve and Reject, which refuse and
name what changed (section, line, field) when the data was altered behind the server's back."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from test_server_kit import app, db_url, home, owner_api, pg_cluster, setup_account, team, vouch  # noqa: F401
from tieout.server.controls import tamper
from tieout.server.store.models import Reconciliation


@pytest.fixture
def submitted(app):
    owner = owner_api(app)
    u = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner)
    alice = u["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "300.00"})
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-02", "amount": "100.00"},
        {"line_id": "G2", "date": "2026-01-03", "amount": "200.00"}]})
    alice.ok("POST", f"/api/reconciliations/{rid}/transactions",
             {"date": "2026-01-31", "amount": "-4.00", "description": "fee"})
    vouch(u["bob"], rid)  # no statement, the fee not posted: the review checks fail
    alice.ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    return owner, u, rid


def _sql(app, statement):
    with app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text(statement))


def _hash_is_stable(app, rid):
    with app.extensions["tieout"].store.read() as s:
        rec = s.get(Reconciliation, rid)
        return tamper.digest(tamper.snapshot(s, rec)) == rec.submitted_hash


def test_untouched_data_passes(submitted, app):
    owner, u, rid = submitted
    assert _hash_is_stable(app, rid)
    assert u["bob"].call("POST", f"/api/reconciliations/{rid}/workflow/review", json={})[0] == 200


@pytest.mark.parametrize("statement,named", [
    ("UPDATE gl_lines SET amount = 1500000 WHERE line_id = 'G2'", "gl_lines: G2 changed (amount '200.00' -> '150.00')"),
    ("DELETE FROM gl_lines WHERE line_id = 'G1'", "gl_lines: G1 was removed"),
    ("UPDATE reconciliations SET gl_balance = 0", "balances: reconciliation changed (gl_balance '300.00' -> '0.00')"),
    ("UPDATE transactions SET description = 'lunch'", "transactions: 1 changed (description 'fee' -> 'lunch')"),
])
def test_approve_and_reject_refuse_naming_the_change(submitted, app, statement, named):
    owner, u, rid = submitted
    u["bob"].ok("POST", f"/api/reconciliations/{rid}/workflow/review", {})
    _sql(app, statement)
    for action, who in (("approve", "carol"), ("reject", "carol")):
        status, data = u[who].call("POST", f"/api/reconciliations/{rid}/workflow/{action}",
                                   json={"comment": "looks wrong"})
        assert status == 409 and data["error"]["code"] == "tampered"
        assert named in data["error"]["message"], data["error"]["message"]
    rec = owner.ok("GET", f"/api/reconciliations/{rid}")
    assert rec["status"] == "Pending Approval" and rec["approved_by"] is None
    detected = [r for r in owner.ok("GET", f"/api/audit?reconciliation_id={rid}") if r["action"] == "tamper.detected"]
    assert [d["after"]["action"] for d in detected] == ["approve", "reject"]


def test_altering_the_stored_copy_too_is_reported(submitted, app):
    owner, u, rid = submitted
    _sql(app, "UPDATE gl_lines SET amount = 1 WHERE line_id = 'G2'")
    _sql(app, "UPDATE reconciliations SET submitted_snapshot = '{}'")
    status, data = u["bob"].call("POST", f"/api/reconciliations/{rid}/workflow/review", json={})
    assert status == 409 and "stored copy of the submitted data was altered" in data["error"]["message"]


def test_differences_lists_added_removed_changed():
    old = {"gl_lines": {"A": {"amount": "1.00"}, "B": {"amount": "2.00"}}}
    new = {"gl_lines": {"A": {"amount": "1.50"}, "C": {"amount": "3.00"}}}
    assert tamper.differences(old, new) == ["gl_lines: A changed (amount '1.00' -> '1.50')",
                                            "gl_lines: B was removed", "gl_lines: C was added"]
