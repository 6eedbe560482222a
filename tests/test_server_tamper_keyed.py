"""Tamper evidence against someone who can write the database but not the key: the submitted hash and the audit
chain are keyed (HMAC, key outside the database), the submitted form names the account, period, statement
periods and match reasons, and the chain's head is anchored outside the database, so a recomputed hash, a
rebuilt, cut-short or wiped chain, and a missing, empty or damaged store are all reported (issue 13, part 7)."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from sqlalchemy import text

from test_server_kit import (app, bank_file, db_url, home, make_app, owner_api, pg_cluster,  # noqa: F401
                            setup_account, team)
from tieout.server.controls import audit, audit_anchor, audit_key
from tieout.server.controls.audit import canonical_json
from tieout.server.store.models import Reconciliation

BANK = [("B1", "2026-01-05", "100.00", "deposit"), ("B2", "2026-01-20", "-40.00", "fee")]


def _prepare(app, tmp_path, period="2026-01", account=None):
    """alice imports a bank file and GL lines, auto-matches, accepts and submits; returns (users, rec id)."""
    owner = owner_api(app)
    if account is None:
        users = team(owner, "alice", "bob", "carol")
        account = setup_account(owner)
    else:
        users = {n: owner.__class__(owner.target, t) for n, t in account[1].items()}
        account = account[0]
    alice = users["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": account, "period": period})["id"]
    status, data = alice.upload(rid, bank_file(tmp_path / f"{period}.txt", BANK, opening="1000.00"))
    assert status == 201, data
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-05", "amount": "100.00"},
        {"line_id": "G2", "date": "2026-01-20", "amount": "-40.00"}]})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "1060.00"})
    job = alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=120", {})
    assert job["status"] == "Done", job
    alice.ok("POST", f"/api/reconciliations/{rid}/matches/accept", {})
    alice.ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    return users, rid


def _sql(app, statement, **params):
    with app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _review(users, rid):
    return users["bob"].call("POST", f"/api/reconciliations/{rid}/workflow/review", json={})


def _refused(users, rid, named):
    status, data = _review(users, rid)
    assert status == 409 and data["error"]["code"] == "tampered", data
    assert named in data["error"]["message"], data["error"]["message"]


def _recompute_without_key(app, rid):
    """What a database writer could do before: re-take the snapshot and its plain SHA-256, store both."""
    from tieout.server.controls import tamper

    with app.extensions["tieout"].store.write() as s:
        rec = s.get(Reconciliation, rid)
        snap = tamper.snapshot(s, rec)
        rec.submitted_snapshot = canonical_json(snap)
        rec.submitted_hash = hashlib.sha256(canonical_json(snap).encode("utf-8")).hexdigest()


def test_hash_recomputed_without_the_key_is_refused(app, tmp_path):
    users, rid = _prepare(app, tmp_path)
    _sql(app, "UPDATE gl_lines SET amount = 0 WHERE line_id = 'G1'")
    _recompute_without_key(app, rid)
    _refused(users, rid, "not sealed with the key")


@pytest.mark.parametrize("statement,named", [
    ("UPDATE matches SET reason = 'forged reason'", "reason"),
    ("UPDATE matches SET confidence = 0", "confidence"),
    ("UPDATE statements SET period_start = '2025-12-01'", "period_start"),
    ("UPDATE statements SET closing_balance = 0", "closing_balance"),
    ("UPDATE accounts SET name = 'Payroll'", "account 'Operating' -> 'Payroll'"),
    ("UPDATE periods SET name = '2026-02'", "period '2026-01' -> '2026-02'"),
])
def test_submitted_form_covers_account_period_statement_period_and_reasons(app, tmp_path, statement, named):
    users, rid = _prepare(app, tmp_path)
    _sql(app, statement)
    _refused(users, rid, named)


def test_a_hash_moved_to_another_reconciliation_does_not_verify(app, tmp_path):
    users, jan = _prepare(app, tmp_path)
    owner = owner_api(app)
    acc = owner.ok("GET", "/api/accounts")[0]["id"]
    other = owner.ok("POST", "/api/accounts", {"name": "Savings", "currency": "USD", "bank_account": "ACC-2",
                                               "gl_account": "1010"})["id"]
    for user, role in (("alice", "preparer"), ("bob", "reviewer"), ("carol", "approver")):
        owner.ok("POST", f"/api/accounts/{other}/roles", {"user": user, "role": role})
    assert acc != other
    _sql(app, "UPDATE reconciliations SET account_id = :o WHERE id = :r", o=other, r=jan)
    _refused(users, jan, "account 'Operating' -> 'Savings'")


def test_untouched_submission_still_reviews_and_key_is_owner_only(app, tmp_path):
    users, rid = _prepare(app, tmp_path)
    assert _review(users, rid)[0] == 200
    mode = stat.S_IMODE(os.stat(audit_key.key_path()).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(audit_anchor.anchor_path()).st_mode) == 0o600


def _verify(app):
    with app.extensions["tieout"].store.read() as s:
        return audit.verify(s)


def _rebuild_chain_without_key(app, upto=None):
    """Re-chain rows 1..upto (all when None) with plain SHA-256, deleting the rest, and set the head to match."""
    with app.extensions["tieout"].store.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
        keep = rows if upto is None else rows[:upto]
        prev = audit.GENESIS
        for row in keep:
            fields = {k: row[k] for k in audit.HASHED_FIELDS}
            if row["action"] == "workflow.submit":
                fields["actor"] = "mallory"
            h = audit.row_hash(prev, fields, None)
            conn.execute(text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE id = :i"),
                         {"a": fields["actor"], "p": prev, "h": h, "i": row["id"]})
            prev = h
        conn.execute(text("DELETE FROM audit_log WHERE id > :n"), {"n": len(keep)})
        conn.execute(text("UPDATE audit_head SET last_id = :n, last_hash = :h WHERE id = 1"),
                     {"n": len(keep), "h": prev})
    return len(keep)


def test_chain_rebuilt_without_the_key_is_detected(app, tmp_path):
    _prepare(app, tmp_path)
    assert _verify(app).intact
    _rebuild_chain_without_key(app)
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == 1 and "was edited" in verdict.problem


def test_tail_cut_with_head_set_back_is_detected(app, tmp_path):
    _prepare(app, tmp_path)
    rows = _verify(app).rows
    key = audit_key.require()
    with app.extensions["tieout"].store.engine.begin() as conn:
        keep = rows - 3
        last = conn.execute(text("SELECT hash FROM audit_log WHERE id = :i"), {"i": keep}).scalar_one()
        conn.execute(text("DELETE FROM audit_log WHERE id > :n"), {"n": keep})
        conn.execute(text("UPDATE audit_head SET last_id = :n, last_hash = :h WHERE id = 1"), {"n": keep, "h": last})
    assert key.keyed_from == 1
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == keep + 1
    assert f"cut short after row {keep}" in verdict.problem and f"records row {rows}" in verdict.problem


def test_wiped_chain_is_detected(app, tmp_path):
    _prepare(app, tmp_path)
    rows = _verify(app).rows
    _sql(app, "DELETE FROM audit_log")
    _sql(app, "UPDATE audit_head SET last_id = 0, last_hash = :g WHERE id = 1", g=audit.GENESIS)
    verdict = _verify(app)
    assert not verdict.intact and "wiped" in verdict.problem and f"records row {rows}" in verdict.problem


def test_edited_anchor_log_is_reported(app, tmp_path):
    _prepare(app, tmp_path)
    path = audit_anchor.anchor_path()
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["id"] = 1
    path.write_text("\n".join(lines[:-1] + [json.dumps(forged)]) + "\n")
    verdict = _verify(app)
    assert not verdict.intact and "does not carry the key's seal" in verdict.problem


def test_rows_before_keyed_hashing_are_pinned(home):
    """A store written before keyed hashing: its plain-SHA-256 rows still verify, new rows are keyed, and
    rebuilding the old rows is caught by the key file's pin."""
    a = make_app(home, MODE="team")
    try:
        owner = owner_api(a)
        team(owner, "alice", "bob")
        store = a.extensions["tieout"].store
        # turn the store into a legacy one: plain SHA-256 chain, no key, no anchor log
        audit_key.key_path().unlink()
        audit_anchor.anchor_path().unlink()
        legacy = _rebuild_chain_without_key(a, upto=None)
        with store.read() as s:
            assert audit.verify(s).intact
        owner.ok("POST", "/api/users", {"name": "dave"})  # the next append makes the key, pinned at `legacy`
        key = audit_key.require()
        assert key.keyed_from == legacy + 1
        with store.read() as s:
            verdict = audit.verify(s)
        assert verdict.intact and verdict.rows == legacy + 1, verdict.describe()
        with store.engine.begin() as conn:  # rebuild the legacy part (it is plain SHA-256: anyone can)
            conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 1"))
        _rebuild_chain_without_key(a, upto=legacy)
        with store.read() as s:
            verdict = audit.verify(s)
        assert not verdict.intact
    finally:
        a.extensions["tieout"].close()


def _cli(home, *args):
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", *args], capture_output=True, text=True,
                          env={"TIEOUT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_cli_verify_on_an_empty_home_is_an_error_and_creates_nothing(tmp_path):
    empty = tmp_path / "nothing-here"
    out = _cli(empty, "audit", "verify")
    assert out.returncode == 2 and "no database" in out.stderr and "Traceback" not in out.stderr
    assert not empty.exists()


def test_cli_verify_on_a_store_with_no_rows_is_an_error(home):
    make_app(home, MODE="local").extensions["tieout"].close()
    with sqlite3.connect(home / "tieout.db") as conn:
        conn.execute("DELETE FROM audit_log")
        conn.execute("UPDATE audit_head SET last_id = 0, last_hash = ?", (audit.GENESIS,))
    (home / "audit-anchor.log").unlink(missing_ok=True)
    out = _cli(home, "audit", "verify")
    assert out.returncode == 2 and "empty" in out.stderr and "intact" not in out.stderr + out.stdout


@pytest.mark.parametrize("damage", ["garbage", "truncated", "dropped_table"])
def test_cli_verify_on_a_damaged_store_is_an_error_not_a_traceback(home, damage):
    a = make_app(home, MODE="team")
    team(owner_api(a), "alice")
    a.extensions["tieout"].close()
    db = home / "tieout.db"
    for extra in ("-wal", "-shm"):
        (home / f"tieout.db{extra}").unlink(missing_ok=True)
    if damage == "garbage":
        db.write_bytes(b"this is not a database at all" * 100)
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:3000])
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE audit_log")
    out = _cli(home, "audit", "verify")
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and "audit trail not verified" in out.stderr, out.stderr


def test_cli_verify_reports_a_missing_key(home):
    a = make_app(home, MODE="team")
    team(owner_api(a), "alice")
    a.extensions["tieout"].close()
    assert _cli(home, "audit", "verify").returncode == 0
    (home / "audit.key").unlink()
    out = _cli(home, "audit", "verify")
    assert out.returncode == 2 and "audit.key" in out.stderr and "is missing" in out.stderr
