"""Access control on ledger records (ledgers14): a transaction reconciliation record belongs to the account of
each side; only preparers of both act on it, reviewers and approvers of either read it, administrators
configure (assign accounts) and alone act on a record that belongs to no account. GL-against-subledger checks
are seen by the people of their account. A real team server on loopback, on SQLite and PostgreSQL, with
people and roles made by `tieout users` and each person's own token."""
from __future__ import annotations

import pytest

from ledger_data import mirrored
from test_server_kit import Api, db_url, home, live_team_server, pg_cluster  # noqa: F401 (fixtures)
from tieout.server.cli import main

REC = "/api/ledgers/recs"


def users(capsys, *args) -> str:
    assert main(["users", *args]) == 0, capsys.readouterr()
    return capsys.readouterr().out


@pytest.fixture
def people(home, db_url, monkeypatch, capsys):
    """The owner (an administrator, holding no role), two intercompany accounts (A's receivable, B's payable)
    and five people: alice prepares both, dave only A's, bob reviews A's, carol approves B's, eve has no role."""
    monkeypatch.setenv("TIEOUT_DATABASE_URL", db_url)
    with live_team_server(home, db_url) as (owner, _app):
        for name, entity in (("IC A-B", "A Inc"), ("IC B-A", "B Ltd")):
            owner.ok("POST", "/api/accounts", {"name": name, "currency": "USD", "kind": "Manual",
                                               "legal_entity": entity})
        tokens = {n: users(capsys, "add", n).strip().splitlines()[-1]
                  for n in ("alice", "dave", "bob", "carol", "eve")}
        for who, account, role in (("alice", "IC A-B", "preparer"), ("alice", "IC B-A", "preparer"),
                                   ("dave", "IC A-B", "preparer"), ("bob", "IC A-B", "reviewer"),
                                   ("carol", "IC B-A", "approver")):
            users(capsys, "grant", who, "--account", account, "--role", role)
        for account in ("IC A-B", "IC B-A"):  # the owner made them (and so prepared them): she only configures
            users(capsys, "revoke", "owner", "--account", account)
        apis = {n: Api(owner.target, t) for n, t in tokens.items()}
        apis["owner"] = owner
        try:
            yield apis
        finally:
            for api in apis.values():
                api.session.close()


def refused(api: Api, method: str, path: str, json=None, status: int = 403) -> str:
    code, out = api.call(method, path, json=json)
    assert code == status, (method, path, code, out)
    if status == 403:
        assert out["error"]["code"] == "forbidden"
    return out["error"]["message"]


def definition(**extra) -> dict:
    return {"name": "A-B October", "left": {"company": "A Inc", "periods": ["2026-10"]},
            "right": {"company": "B Ltd", "periods": ["2026-10"]}, **extra}


def test_only_preparers_of_both_accounts_change_a_record_and_its_reviewers_read_it(people):
    alice, dave, bob, carol, eve, owner = (people[n] for n in ("alice", "dave", "bob", "carol", "eve", "owner"))
    left, right = mirrored(4)
    # a company's ledger lines: a preparer of an account of that legal entity
    assert "eve is not a preparer of any account of 'A Inc'" in refused(
        eve, "POST", "/api/ledgers/lines", {"company": "A Inc", "lines": left})
    alice.ok("POST", "/api/ledgers/lines", {"company": "A Inc", "lines": left})
    assert "dave is not a preparer of any account of 'B Ltd'" in refused(
        dave, "POST", "/api/ledgers/lines", {"company": "B Ltd", "lines": right})
    alice.ok("POST", "/api/ledgers/lines", {"company": "B Ltd", "lines": right})

    # making a record: both sides' accounts, prepared by whoever makes it
    assert "name the account of each side" in refused(alice, "POST", REC, definition(), status=400)
    assert "right_account: name the account of both sides" in refused(
        alice, "POST", REC, definition(left_account="IC A-B"), status=400)
    assert "dave is not a preparer of account IC B-A" in refused(
        dave, "POST", REC, definition(left_account="IC A-B", right_account="IC B-A"))
    rec = alice.ok("POST", REC, definition(left_account="IC A-B", right_account="IC B-A"))
    assert (rec["left_account"], rec["right_account"]) == ("IC A-B", "IC B-A")
    rid = rec["id"]

    # reading: any role on either account
    assert [r["id"] for r in bob.ok("GET", REC)] == [rid]
    assert [r["id"] for r in carol.ok("GET", REC)] == [rid]
    assert eve.ok("GET", REC) == []
    assert "eve holds no role on record" in refused(eve, "GET", f"{REC}/{rid}")
    for path in ("", "/lines/left", "/lines/right", "/groups", "/history"):
        bob.ok("GET", f"{REC}/{rid}{path}")
        refused(eve, "GET", f"{REC}/{rid}{path}")

    # acting: a preparer of both accounts only; the refusal names the account missing and who may
    group = {"groups": [{"left": ["A000001"], "right": ["B000001"]}]}
    message = refused(bob, "POST", f"{REC}/{rid}/reconcile", group)
    assert "bob is not a preparer of account IC A-B and IC B-A" in message and "reviewers and approvers read" in message
    assert "dave is not a preparer of account IC B-A" in refused(dave, "POST", f"{REC}/{rid}/reconcile", group)
    refused(carol, "POST", f"{REC}/{rid}/auto-match", {"keys": ["reference"]})
    refused(eve, "POST", f"{REC}/{rid}/save", {"selected": {"left": ["A000002"]}})
    # the administrator configures but does not prepare an assigned record
    assert "owner is not a preparer" in refused(owner, "POST", f"{REC}/{rid}/reconcile", group)
    assert bob.ok("GET", f"{REC}/{rid}")["status"] == "Draft"  # nothing started

    done = alice.ok("POST", f"{REC}/{rid}/reconcile", group)
    assert done["record"]["status"] == "Reconciled"
    assert alice.ok("POST", f"{REC}/{rid}/auto-match", {"keys": ["reference"]})["proposed"]
    refused(bob, "POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "wrong"})
    refused(dave, "PUT", f"{REC}/{rid}", {"description": "mine"})
    refused(bob, "DELETE", f"{REC}/{rid}")
    alice.ok("PUT", f"{REC}/{rid}", {"description": "A/B intercompany, October"})
    assert [h["group"] for h in carol.ok("GET", f"{REC}/{rid}/history")] == ["G000001"]

    # which accounts a record belongs to is the administrator's to change
    assert "only an administrator changes the accounts" in refused(
        alice, "PUT", f"{REC}/{rid}", {"left_account": "IC A-B", "right_account": "IC A-B"})
    moved = owner.ok("PUT", f"{REC}/{rid}", {"left_account": "IC A-B", "right_account": "IC A-B"})
    assert moved["right_account"] == "IC A-B"
    assert carol.ok("GET", REC) == []  # carol's account is no longer a side of it
    dave.ok("POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "booked twice"})

    audit = owner.ok("GET", "/api/audit?limit=5000")
    rows = audit["rows"] if isinstance(audit, dict) else audit
    assert [r["actor"] for r in rows if r["action"] == "ledger.group.unreconciled"] == ["dave"]


def test_a_record_without_accounts_is_the_administrators_alone(people):
    alice, owner = people["alice"], people["owner"]
    left, right = mirrored(2)
    owner.ok("POST", "/api/ledgers/lines", {"company": "A Inc", "lines": left})
    owner.ok("POST", "/api/ledgers/lines", {"company": "B Ltd", "lines": right})
    rid = owner.ok("POST", REC, definition())["id"]  # as records made before migration 0014 are
    assert alice.ok("GET", REC) == []
    assert "belongs to no account yet (administrators only)" in refused(alice, "GET", f"{REC}/{rid}")
    owner.ok("POST", f"{REC}/{rid}/reconcile", {"groups": [{"left": ["A000001"], "right": ["B000001"]}]})
    owner.ok("PUT", f"{REC}/{rid}", {"left_account": "IC A-B", "right_account": "IC B-A"})
    alice.ok("POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "assigned to alice"})


def test_subledger_checks_are_seen_by_the_people_of_their_account(people, tmp_path):
    owner, bob, eve = people["owner"], people["bob"], people["eve"]
    for name in ("sub.csv", "gl.csv"):
        (tmp_path / name).write_text("document,amount\n", encoding="utf-8")
    for account in ("IC A-B", "Payables"):
        owner.ok("POST", "/api/subledgers/configs", {
            "account": account, "legal_entity": "A Inc", "kind": "AP", "currency": "USD",
            "subledger_path": str(tmp_path / "sub.csv"), "gl_path": str(tmp_path / "gl.csv")})
    assert [c["account"] for c in owner.ok("GET", "/api/subledgers/configs")] == ["IC A-B", "Payables"]
    assert [c["account"] for c in bob.ok("GET", "/api/subledgers/configs")] == ["IC A-B"]
    assert eve.ok("GET", "/api/subledgers/configs") == []
    assert eve.ok("GET", "/api/subledgers/exceptions") == []
    assert "only an administrator configures" in refused(bob, "POST", "/api/subledgers/configs", {})
