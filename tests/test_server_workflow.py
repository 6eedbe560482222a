"""The workflow over the API, on SQLite and (when available) PostgreSQL: statuses, roles, segregation of
duties, the prior-period rule, locks after submission, carry-forward."""
from __future__ import annotations

import pytest

from test_server_kit import app, db_url, home, owner_api, pg_cluster, setup_account, team, vouch  # noqa: F401
from tieout.server.controls import workflow


@pytest.fixture
def people(app):
    owner = owner_api(app)
    users = team(owner, "alice", "bob", "carol", "dave")
    acc = setup_account(owner)
    return owner, users, acc


def new_rec(api, acc, period="2026-01"):
    return api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": period})["id"]


def prepare(alice, rid, gl_balance="100.00"):
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": gl_balance})
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines",
             {"lines": [{"line_id": "G1", "date": "2026-01-05", "amount": "100.00"}]})


def act(api, rid, action, comment=None):
    return api.call("POST", f"/api/reconciliations/{rid}/workflow/{action}",
                    json={"comment": comment} if comment is not None else {})


def test_full_path_to_approved_with_colours(people):
    owner, u, acc = people
    alice, bob, carol = u["alice"], u["bob"], u["carol"]
    rid = new_rec(alice, acc)
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["colour"] == "grey"
    prepare(alice, rid)
    vouch(bob, rid)
    seen = [alice.ok("GET", f"/api/reconciliations/{rid}")["status"]]
    for api, action in ((alice, "submit"), (bob, "review"), (carol, "approve")):
        status, data = act(api, rid, action)
        assert status == 200, data
        seen.append(data["status"])
    assert seen == ["In Progress", "In Review", "Pending Approval", "Approved"]
    final = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert (final["prepared_by"], final["reviewed_by"], final["approved_by"]) == ("alice", "bob", "carol")
    assert final["colour"] == "green"
    actions = [r["action"] for r in owner.ok("GET", f"/api/audit?reconciliation_id={rid}")]
    assert actions[-3:] == ["workflow.submit", "workflow.review", "workflow.approve"]


def test_reviewer_cannot_also_approve_but_preparer_may_review(people):
    owner, u, acc = people
    alice = u["alice"]
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "alice", "role": "reviewer"})
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "alice", "role": "approver"})
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    vouch(alice, rid)
    assert act(alice, rid, "submit")[0] == 200
    assert act(alice, rid, "review")[0] == 200  # preparer and reviewer may be the same person
    status, data = act(alice, rid, "approve")
    assert status == 403 and data["error"]["code"] == "segregation_of_duties"
    assert "reviewer and approver must be different people" in data["error"]["message"]
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["status"] == "Pending Approval"


def test_preparer_never_approves_her_own_reconciliation(people):
    """Even when someone else reviewed it: an approval is always a second person's."""
    owner, u, acc = people
    alice, bob = u["alice"], u["bob"]
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "alice", "role": "approver"})
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    vouch(bob, rid)
    assert act(alice, rid, "submit")[0] == 200
    assert act(bob, rid, "review")[0] == 200
    status, data = act(alice, rid, "approve")
    assert status == 403 and data["error"]["code"] == "segregation_of_duties"
    assert "preparer and approver must be different people" in data["error"]["message"]
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["status"] == "Pending Approval"
    assert act(u["carol"], rid, "approve")[0] == 200


def test_strict_segregation_forbids_preparer_as_reviewer(people):
    owner, u, acc = people
    alice, bob = u["alice"], u["bob"]
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "alice", "role": "reviewer"})
    assert alice.ok("PUT", f"/api/accounts/{acc}", {"segregation": "strict"})["segregation"] == "strict"
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    vouch(bob, rid)
    assert act(alice, rid, "submit")[0] == 200
    status, data = act(alice, rid, "review")
    assert status == 403 and data["error"]["code"] == "segregation_of_duties"
    assert "strict" in data["error"]["message"]
    assert act(bob, rid, "review")[0] == 200


def test_segregation_setting_is_validated_and_audited(people):
    owner, u, acc = people
    assert owner.ok("GET", f"/api/accounts/{acc}")["segregation"] == "standard"
    status, data = owner.call("PUT", f"/api/accounts/{acc}", json={"segregation": "lax"})
    assert status == 400 and "segregation" in data["error"]["message"]
    owner.ok("PUT", f"/api/accounts/{acc}", {"segregation": "strict"})
    rows = owner.ok("GET", "/api/audit")
    assert any(r["action"] == "account.update" and "strict" in str(r) for r in rows)


def test_roles_are_checked(people):
    owner, u, acc = people
    rid = new_rec(u["alice"], acc)
    prepare(u["alice"], rid)
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "dave", "role": "approver"})
    status, data = act(u["dave"], rid, "submit")
    assert status == 403 and "dave is not a preparer" in data["error"]["message"]
    act(u["alice"], rid, "submit")
    status, data = act(u["carol"], rid, "review")
    assert status == 403 and "carol is not a reviewer" in data["error"]["message"]
    status, data = act(u["bob"], rid, "approve")
    assert status == 409 and data["error"]["code"] == "bad_transition"


def test_reject_needs_a_comment_and_returns_to_in_progress(people):
    owner, u, acc = people
    alice, bob = u["alice"], u["bob"]
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    act(alice, rid, "submit")
    status, data = act(bob, rid, "reject", "   ")
    assert status == 400 and data["error"]["code"] == "comment_required"
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["status"] == "In Review"
    status, data = act(bob, rid, "reject", "GL line G1 has no support")
    assert status == 200 and data["status"] == "In Progress" and data["comment"] == "GL line G1 has no support"
    # changes are allowed again
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "101.00"})


def test_only_the_original_approver_reverts_an_approval(people):
    owner, u, acc = people
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "dave", "role": "approver"})
    rid = new_rec(u["alice"], acc)
    prepare(u["alice"], rid)
    vouch(u["bob"], rid)
    act(u["alice"], rid, "submit")
    act(u["bob"], rid, "review")
    act(u["carol"], rid, "approve")
    status, data = act(u["dave"], rid, "revert")
    assert status == 403 and "only the original approver (carol)" in data["error"]["message"]
    status, data = act(u["carol"], rid, "revert")
    assert status == 200 and data["status"] == "In Progress" and data["approved_by"] is None


LOCKED_CALLS = [
    ("PUT", "/gl-balance", {"balance": "5.00"}),
    ("POST", "/gl-lines", {"lines": [{"line_id": "G9", "date": "2026-01-09", "amount": "1.00"}]}),
    ("PUT", "/gl-lines/G1", {"amount": "7.00"}),
    ("DELETE", "/gl-lines/G1", None),
    ("POST", "/matches", {"bank": [], "ledger": ["G1"], "reason": "x", "allow_difference": True}),
    ("POST", "/transactions", {"date": "2026-01-31", "amount": "-5.00", "description": "fee"}),
    ("POST", "/auto-match", None),
    ("POST", "/matches/accept", {}),
]


@pytest.mark.parametrize("method,path,payload", LOCKED_CALLS)
def test_changes_refused_after_submission_and_allowed_after_revert(people, method, path, payload):
    owner, u, acc = people
    alice = u["alice"]
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    act(alice, rid, "submit")
    before = owner.ok("GET", f"/api/audit?reconciliation_id={rid}")
    status, data = alice.call(method, f"/api/reconciliations/{rid}{path}", json=payload)
    assert status == 409 and data["error"]["code"] == "locked", data
    assert "In Review" in data["error"]["message"]
    assert owner.ok("GET", f"/api/audit?reconciliation_id={rid}") == before  # nothing written
    assert act(alice, rid, "revert")[0] == 200
    status, data = alice.call(method, f"/api/reconciliations/{rid}{path}", json=payload)
    assert status in (200, 201, 202, 204), data


def test_manual_locks_support_balance_and_items(app):
    owner = owner_api(app)
    u = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner, kind="Manual", name="Prepaid")
    alice = u["alice"]
    rid = new_rec(alice, acc)
    alice.ok("PUT", f"/api/reconciliations/{rid}/support-balance", {"balance": "250.00"})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "300.00"})
    item = alice.ok("POST", f"/api/reconciliations/{rid}/items",
                    {"date": "2026-01-31", "amount": "50.00", "description": "invoice not yet in support",
                     "owner": "alice", "due_date": "2026-02-10"})
    summary = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert summary["figures"]["difference"] == "0.00"
    act(alice, rid, "submit")
    for method, path, payload in (("PUT", "/support-balance", {"balance": "1.00"}),
                                  ("POST", "/items", {"date": "2026-01-31", "amount": "1.00"}),
                                  ("PUT", f"/items/{item['id']}", {"notes": "x"}),
                                  ("DELETE", f"/items/{item['id']}", None)):
        status, data = alice.call(method, f"/api/reconciliations/{rid}{path}", json=payload)
        assert status == 409 and data["error"]["code"] == "locked", (path, data)


def test_prior_period_must_be_approved_first(people):
    owner, u, acc = people
    alice = u["alice"]
    jan = new_rec(alice, acc, "2026-01")
    status, data = alice.post("/api/reconciliations", {"account_id": acc, "period": "2026-02"})
    assert status == 409 and data["error"]["code"] == "open_reconciliation"  # one open reconciliation at a time
    prepare(alice, jan)
    assert act(alice, jan, "submit")[0] == 200
    vouch(u["bob"], jan)
    for api, action in ((u["bob"], "review"), (u["carol"], "approve")):
        assert act(api, jan, action)[0] == 200
    feb = new_rec(alice, acc, "2026-02")
    assert act(u["carol"], jan, "revert")[0] == 200  # January reopened after February was created
    status, data = alice.call("PUT", f"/api/reconciliations/{feb}/gl-balance", json={"balance": "1.00"})
    assert status == 409 and data["error"]["code"] == "prior_period_open"
    assert "prior period's reconciliation (2026-01" in data["error"]["message"]
    assert "In Progress, not Approved" in data["error"]["message"]
    status, data = act(alice, feb, "start")
    assert status == 409 and data["error"]["code"] == "prior_period_open"
    assert alice.ok("GET", f"/api/reconciliations/{feb}")["status"] == "Not Started"


def test_carry_forward_of_balance_and_outstanding_items(people, tmp_path):
    from test_server_kit import bank_file

    owner, u, acc = people
    alice, bob, carol = u["alice"], u["bob"], u["carol"]
    jan = new_rec(alice, acc, "2026-01")
    f = bank_file(tmp_path / "jan.txt", [("B1", "2026-01-05", "100.00", "deposit"),
                                            ("B2", "2026-01-20", "-7.50", "bank fee")], opening="1000.00")
    status, data = alice.upload(jan, f)
    assert status == 201, data
    alice.ok("PUT", f"/api/reconciliations/{jan}/gl-balance", {"balance": "1042.50"})
    alice.ok("POST", f"/api/reconciliations/{jan}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-05", "amount": "100.00"},
        {"line_id": "G2", "date": "2026-01-30", "amount": "-50.00", "description": "check 1001"}]})
    alice.ok("POST", f"/api/reconciliations/{jan}/matches", {"bank": ["B1"], "ledger": ["G1"], "reason": "same"})
    fig = alice.ok("GET", f"/api/reconciliations/{jan}")["figures"]
    # 1092.50 (statement) - 50 outstanding check = 1042.50 - 7.50 fee not booked
    assert (fig["adjusted_bank"], fig["adjusted_gl"], fig["difference"]) == ("1042.50", "1035.00", "7.50")
    vouch(bob, jan)  # the fee is not booked: the difference is 7.50
    act(alice, jan, "submit")
    act(bob, jan, "review")
    act(carol, jan, "approve")
    assert alice.ok("GET", f"/api/reconciliations/{jan}")["reconciled_balance"] == "1092.50"
    feb = new_rec(alice, acc, "2026-02")
    status, data = act(alice, feb, "start")
    assert status == 200 and data["opening_balance"] == "1092.50"
    bank = alice.ok("GET", f"/api/reconciliations/{feb}/bank-lines")
    gl = alice.ok("GET", f"/api/reconciliations/{feb}/gl-lines")
    assert [(b["line_id"], b["amount"], b["carried_forward"]) for b in bank] == [("2026-01:B2", "-7.50", True)]
    assert [(g["line_id"], g["amount"], g["carried_forward"]) for g in gl] == [("2026-01:G2", "-50.00", True)]


@pytest.mark.parametrize("status,action", [(s, a) for s in workflow.STATUSES for a in workflow.TRANSITIONS])
def test_transition_table_is_total(status, action):
    """Every (status, action) pair either moves to the table's target or is refused with a stable code."""
    st = workflow.RecState(status, "Bank", "p", "r", "a")
    t = workflow.TRANSITIONS[action]
    try:
        got = workflow.check_transition(st, action, "a" if status == workflow.APPROVED else "p",
                                        {"preparer", "reviewer", "approver"}, "why")
    except workflow.Refusal as exc:
        assert status not in t.sources or exc.code in ("forbidden", "segregation_of_duties")
    else:
        assert status in t.sources and got.target == t.target


def test_a_user_without_a_role_on_the_account_sees_nothing_of_it(people):
    """Reads are limited too: dave holds no role on the account, so its reconciliation, lines, jobs and audit
    rows are refused and the listings leave it out; once granted a role he sees it. The owner (admin) sees all."""
    owner, u, acc = people
    alice, dave = u["alice"], u["dave"]
    rid = new_rec(alice, acc)
    prepare(alice, rid)
    for path in (f"/api/reconciliations/{rid}", f"/api/reconciliations/{rid}/gl-lines",
                 f"/api/reconciliations/{rid}/matches", f"/api/reconciliations/{rid}/jobs",
                 f"/api/accounts/{acc}", f"/api/accounts/{acc}/roles", f"/api/audit?reconciliation_id={rid}"):
        status, data = dave.call("GET", path)
        assert status == 403 and data["error"]["code"] == "forbidden", (path, status, data)
        assert f"dave holds no role on account {acc}" in data["error"]["message"]
    status, data = dave.call("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "1.00"})
    assert status == 403
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["gl_balance"] == "100.00"  # unchanged
    assert dave.ok("GET", "/api/accounts") == [] and dave.ok("GET", "/api/reconciliations") == []
    status, data = dave.call("GET", "/api/audit")
    assert status == 403 and "only an administrator" in data["error"]["message"]
    assert [r["id"] for r in alice.ok("GET", "/api/reconciliations")] == [rid]
    assert len(owner.ok("GET", "/api/audit")) > 0
    owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": "dave", "role": "reviewer"})
    assert dave.ok("GET", f"/api/reconciliations/{rid}")["id"] == rid
    assert [a["id"] for a in dave.ok("GET", "/api/accounts")] == [acc]
    assert dave.call("GET", "/api/reconciliations/999999")[0] == 404  # unknown ids: 404 as before


def test_an_account_is_edited_by_its_preparer_and_what_reconciliations_rest_on_is_protected(people):
    owner, u, acc = people
    alice, bob = u["alice"], u["bob"]
    before = alice.ok("GET", f"/api/accounts/{acc}")
    status, data = bob.call("PUT", f"/api/accounts/{acc}", {"name": "Renamed"})
    assert status == 403 and "bob is not a preparer" in data["error"]["message"]
    got = alice.ok("PUT", f"/api/accounts/{acc}", {"name": "Operating (renamed)", "bank_account": "987"})
    assert (got["name"], got["bank_account"], got["currency"]) == ("Operating (renamed)", "987", before["currency"])
    status, data = alice.call("PUT", f"/api/accounts/{acc}", {"colour": "red"})
    assert status == 400 and "field 'colour'" in data["error"]["message"]
    rid = new_rec(alice, acc)
    status, data = alice.call("PUT", f"/api/accounts/{acc}", {"currency": "EUR"})
    assert status == 409 and data["error"]["code"] == "account_in_use"
    assert "has 1 reconciliation(s), so its currency cannot change" in data["error"]["message"]
    prepare(alice, rid)
    act(alice, rid, "submit")
    status, data = alice.call("PUT", f"/api/accounts/{acc}", {"gl_account": "9999"})
    assert status == 409 and "is In Review; revert it to In Progress first" in data["error"]["message"]
    assert alice.ok("GET", f"/api/accounts/{acc}")["gl_account"] == before["gl_account"]  # nothing changed
    audit = owner.ok("GET", "/api/audit")
    [row] = [r for r in audit if r["action"] == "account.update"]
    assert row["before"]["name"] == before["name"] and row["after"]["name"] == "Operating (renamed)"
