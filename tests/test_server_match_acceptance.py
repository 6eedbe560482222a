"""Accepting auto-matches is the server's truth: auto-matches are stored as proposed, the accept endpoint
records who and when (one audit row), Submit is refused while proposed ones remain, the submitted hash covers
who accepted each match, and migration 0004 makes existing matches accepted. Over real HTTP (waitress), on
SQLite and (when available) PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from test_server_kit import (Api, bank_file, db_url, home, live_team_server, pg_cluster,  # noqa: F401
                             seed_reconciliation, team, vouch)
from tieout.server.controls import tamper
from tieout.server.store.models import Match, Reconciliation

# bank 5 days after the ledger (B2/G2) is inside the built-in date window; B4 has no ledger line
BANK = [("B1", "2026-01-05", "100.00", "deposit"), ("B2", "2026-01-20", "250.00", "customer"),
        ("B3", "2026-01-22", "-75.10", "supplier"), ("B4", "2026-01-25", "-40.00", "unknown")]
GL = [("G1", "2026-01-05", "100.00"), ("G2", "2026-01-15", "250.00"), ("G3", "2026-01-21", "-75.10")]


@pytest.fixture
def server(home, db_url):
    """The real server (waitress) in a thread on loopback, on the backend of `db_url`; yields (owner, app)."""
    with live_team_server(home, db_url) as (owner, app):
        yield owner, app


def make_rec(owner: Api, tmp_path, name: str = "Operating", users: dict[str, Api] | None = None
             ) -> tuple[dict[str, Api], int]:
    """alice prepares, bob reviews, carol approves (users made unless given); an account `name` with the
    month's bank file and GL lines loaded."""
    users = users or team(owner, "alice", "bob", "carol")
    number = "ACC-1" if name == "Operating" else f"ACC-{name}"
    acc = owner.ok("POST", "/api/accounts", {"name": name, "currency": "USD", "bank_account": number,
                                             "gl_account": "1000"})["id"]
    for user, role in (("alice", "preparer"), ("bob", "reviewer"), ("carol", "approver")):
        owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": user, "role": role})
    alice = users["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    status, data = alice.upload(rid, bank_file(tmp_path / f"jan-{name}.txt", BANK, opening="1000.00",
                                               account=number))
    assert status == 201, data
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": i, "date": d, "amount": a} for i, d, a in GL]})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "1234.90"})
    return users, rid


def auto(api: Api, rid: int, body=None) -> dict:
    job = api.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=120", body)
    assert job["status"] == "Done", job
    return job


def matches(api: Api, rid: int, history: bool = False) -> dict[str, dict]:
    return {m["key"]: m for m in api.ok("GET", f"/api/reconciliations/{rid}/matches"
                                                + ("?history=1" if history else ""))}


def audit(api: Api, rid: int, action: str) -> list[dict]:
    return [r for r in api.ok("GET", f"/api/audit?reconciliation_id={rid}") if r["action"] == action]


def validator(api: Api, name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", **api.ok("GET", "/api/openapi.json")})


def test_auto_matches_are_proposed_until_accepted_some_then_all(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    assert auto(alice, rid)["detail"]["matched_groups"] == 3
    found = matches(alice, rid)
    validator(alice, "MatchList").validate(list(found.values()))
    assert sorted(found) == ["M000001", "M000002", "M000003"]
    assert {(m["kind"], m["state"], m["accepted_by"], m["accepted_at"]) for m in found.values()} == {
        ("auto", "proposed", None, None)}

    # some keys
    first = alice.ok("POST", base + "/matches/accept", {"keys": ["M000002"]})
    validator(alice, "MatchesAccepted").validate(first)
    assert (first["accepted"], first["count"], first["already_accepted"], first["accepted_by"]) == (
        ["M000002"], 1, [], "alice")
    now = matches(alice, rid)
    assert {k: m["state"] for k, m in now.items()} == {"M000001": "proposed", "M000002": "accepted",
                                                       "M000003": "proposed"}
    assert now["M000002"]["accepted_by"] == "alice" and now["M000002"]["accepted_at"] == first["accepted_at"]
    (row,) = audit(alice, rid, "match.accept")
    assert row["before"] == {"state": "proposed", "matches": ["M000002"]}
    assert row["after"] == {"state": "accepted", "matches": ["M000002"], "accepted_by": "alice"}

    # idempotent: already accepted keys are reported, nothing changes, no audit row
    again = alice.ok("POST", base + "/matches/accept", {"keys": ["M000002"]})
    assert (again["accepted"], again["count"], again["already_accepted"], again["accepted_at"]) == (
        [], 0, ["M000002"], None)
    assert matches(alice, rid)["M000002"]["accepted_at"] == first["accepted_at"]
    assert len(audit(alice, rid, "match.accept")) == 1

    # unknown and undone keys are refused, and nothing of the request is accepted
    status, data = alice.post(base + "/matches/accept", {"keys": ["M000001", "M000999"]})
    assert status == 404 and data["error"]["code"] == "not_found" and "M000999" in data["error"]["message"]
    alice.ok("POST", base + "/matches/M000003/undo", {"reason": "wrong payee"})
    status, data = alice.post(base + "/matches/accept", {"keys": ["M000001", "M000003"]})
    assert status == 409 and data["error"]["code"] == "already_undone"
    assert "M000003" in data["error"]["message"]
    assert matches(alice, rid)["M000001"]["state"] == "proposed"
    status, data = alice.post(base + "/matches/accept", {"keys": "M000001"})
    assert status == 400 and data["error"]["code"] == "bad_input" and "'keys'" in data["error"]["message"]
    status, data = users["bob"].post(base + "/matches/accept", {})
    assert status == 403 and data["error"]["code"] == "forbidden"

    # {} accepts every proposed one; an undone match keeps its (proposed) state in the history
    rest = alice.ok("POST", base + "/matches/accept", {})
    assert (rest["accepted"], rest["already_accepted"]) == (["M000001"], [])
    history = matches(alice, rid, history=True)
    assert {k: (m["status"], m["state"]) for k, m in history.items()} == {
        "M000001": ("matched", "accepted"), "M000002": ("matched", "accepted"), "M000003": ("undone", "proposed")}
    assert alice.ok("POST", base + "/matches/accept", {})["count"] == 0

    # a manual match is accepted when made, by its maker
    made = alice.ok("POST", base + "/matches", {"bank": ["B3"], "ledger": ["G3"], "reason": "checked by hand"})
    manual = matches(alice, rid)[made["key"]]
    assert (manual["kind"], manual["state"], manual["accepted_by"]) == ("manual", "accepted", "alice")
    assert len(audit(alice, rid, "match.accept")) == 2


def test_submit_is_refused_by_the_server_while_proposed_matches_remain(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice, bob = users["alice"], users["bob"]
    base = f"/api/reconciliations/{rid}"
    auto(alice, rid)
    status, data = alice.post(base + "/workflow/submit", {})
    assert status == 409 and data["error"]["code"] == "unaccepted_matches"
    message = data["error"]["message"]
    assert message.startswith("3 auto-matches are proposed and not accepted yet (M000001, M000002, M000003)")
    assert "accept" in message.split(":", 1)[1]
    assert alice.ok("GET", base)["status"] == "In Progress"
    assert audit(alice, rid, "workflow.submit") == []

    alice.ok("POST", base + "/matches/accept", {"keys": ["M000001", "M000002"]})
    status, data = alice.post(base + "/workflow/submit", {})
    assert status == 409 and data["error"]["message"].startswith("1 auto-match is proposed and not accepted yet "
                                                                 "(M000003)")
    alice.ok("POST", base + "/matches/accept", {})
    vouch(bob, rid)
    assert alice.ok("POST", base + "/workflow/submit", {})["status"] == "In Review"

    # after submission acceptance is locked like every other match change; the hash still verifies
    status, data = alice.post(base + "/matches/accept", {})
    assert status == 409 and data["error"]["code"] == "locked"
    assert bob.ok("POST", base + "/workflow/review", {})["status"] == "Pending Approval"


def _digest(app, rid: int) -> tuple[str, dict]:
    with app.extensions["tieout"].store.read() as s:
        snap = tamper.snapshot(s, s.get(Reconciliation, rid))
        return tamper.digest(snap), snap


def test_the_submitted_hash_covers_who_accepted_each_match(server, tmp_path):
    owner, app = server
    users, rid = make_rec(owner, tmp_path)
    alice, bob = users["alice"], users["bob"]
    base = f"/api/reconciliations/{rid}"
    auto(alice, rid)
    proposed, snap = _digest(app, rid)
    assert {m["accepted_by"] for m in snap["matches"].values()} == {None}
    alice.ok("POST", base + "/matches/accept", {"keys": ["M000001"]})
    one, snap = _digest(app, rid)
    assert one != proposed
    assert snap["matches"]["M000001"]["accepted_by"] == "alice" and snap["matches"]["M000002"]["accepted_by"] is None
    alice.ok("POST", base + "/matches/accept", {})
    accepted, _ = _digest(app, rid)
    assert len({proposed, one, accepted}) == 3
    alice.ok("POST", base + "/workflow/submit", {})
    assert alice.ok("GET", base)["submitted_hash"] == accepted

    # acceptance changed behind the server's back (who accepted M000002) is named by Review
    with app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text("UPDATE matches SET accepted_by = (SELECT id FROM users WHERE name = 'bob') "
                          "WHERE key = 'M000002'"))
    status, data = bob.post(base + "/workflow/review", {})
    assert status == 409 and data["error"]["code"] == "tampered"
    assert "matches: M000002 changed (accepted_by 'alice' -> 'bob')" in data["error"]["message"]


def test_migration_0004_makes_existing_matches_accepted_by_their_creator(db_url, tmp_path):
    from tieout.server.store import open_store
    from tieout.server.store.migrate import current, upgrade

    (tmp_path / "home").mkdir(exist_ok=True)
    store = open_store(db_url, migrate=False)
    try:
        upgrade(store, "0003")
        assert current(store) == "0003"
        made = dt.datetime(2026, 2, 3, 4, 5, 6)
        undone = dt.datetime(2026, 2, 4, 9, 0, 0)
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, name, is_admin, created_at) VALUES "
                              "(1, 'owner', true, :t), (2, 'alice', false, :t), (3, 'bob', false, :t)"), {"t": made})
            seed_reconciliation(conn, made, ever_matched=True)
            conn.execute(text(
                "INSERT INTO matches (id, reconciliation_id, key, kind, rule, confidence, reason, created_by, "
                "created_at, undone_by, undone_at, undo_reason) VALUES "
                "(1, 1, 'M000001', 'auto', 'exact_amount_date_window', 9900, 'r', 2, :t, NULL, NULL, ''), "
                "(2, 1, 'M000002', 'manual', 'manual', 10000, 'r', 3, :t2, NULL, NULL, ''), "
                "(3, 1, 'M000003', 'auto', 'exact_amount_date_window', 9900, 'r', 2, :t, 3, :u, 'no')"),
                {"t": made, "t2": made + dt.timedelta(hours=1), "u": undone})
        upgrade(store, "0004")
        assert current(store) == "0004"
        with store.read() as s:
            rows = s.execute(select(Match.key, Match.accepted_by, Match.accepted_at).order_by(Match.id)).all()
        assert [(k, by, at) for k, by, at in rows] == [
            ("M000001", 2, made), ("M000002", 3, made + dt.timedelta(hours=1)), ("M000003", 2, made)]
        with store.read() as s:
            from tieout.server.services.matches import listing, proposed_keys

            assert proposed_keys(s, 1) == []
            listed = {m["key"]: m for m in listing(s, 1, history=True)}
        assert (listed["M000001"]["state"], listed["M000001"]["accepted_by"]) == ("accepted", "alice")
        assert listed["M000002"]["accepted_at"] == "2026-02-03T05:05:06Z"
        with store.engine.begin() as conn:  # the new column refers to users: a made-up user is refused
            with pytest.raises(Exception, match="(?i)foreign key"):
                with conn.begin_nested():
                    conn.execute(text("UPDATE matches SET accepted_by = 99 WHERE id = 1"))
    finally:
        store.dispose()
