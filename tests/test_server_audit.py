"""The audit trail: every change leaves a row with who/what/before/after; the hash chain detects an edited,
deleted or inserted row; `tieout audit verify` exits 0 when intact and 2 naming the first broken row."""
from __future__ import annotations

import json
import subprocess
import sys
import threading

from sqlalchemy import text

from test_server_kit import app, db_url, home, owner_api, pg_cluster, setup_account, team  # noqa: F401
from tieout.server.controls import audit, audit_key


def _busy(app, n_lines=3):
    owner = owner_api(app)
    u = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner)
    alice = u["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "10.00"})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "12.00"})
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": f"G{i}", "date": "2026-01-02", "amount": f"{i}.00"} for i in range(1, n_lines + 1)]})
    return owner, alice, rid


def _verify(app):
    with app.extensions["tieout"].store.read() as s:
        return audit.verify(s)


def _sql(app, statement, **params):
    with app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_rows_say_who_what_before_after(app):
    owner, alice, rid = _busy(app)
    rows = owner.ok("GET", f"/api/audit?reconciliation_id={rid}")
    sets = [r for r in rows if r["action"] == "gl_balance.set"]
    assert [(r["actor"], r["before"], r["after"]) for r in sets] == [
        ("alice", {"gl_balance": None}, {"gl_balance": "10.00"}),
        ("alice", {"gl_balance": "10.00"}, {"gl_balance": "12.00"})]
    assert rows[-1]["after"]["count"] == 3 and rows[-1]["after"]["total"] == "6.00"
    assert all(r["at"].endswith("Z") for r in rows)
    verdict = _verify(app)
    assert verdict.intact and verdict.rows == owner.ok("GET", "/api/audit?limit=5000")[-1]["id"]


def test_edited_row_is_detected(app):
    _busy(app)
    _sql(app, "UPDATE audit_log SET after = :a WHERE id = 5", a=json.dumps({"gl_balance": "99.00"}))
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == 5 and "was edited" in verdict.problem


def _forge_row_5(app, key):
    """Edit row 5 and give it the hash `key` makes (None: the plain SHA-256 anyone can compute)."""
    with app.extensions["tieout"].store.engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM audit_log WHERE id = 5")).mappings().one()
        fields = {k: row[k] for k in audit.HASHED_FIELDS}
        fields["after"] = '{"forged":true}'
        conn.execute(text("UPDATE audit_log SET after = :a, hash = :h WHERE id = 5"),
                     {"a": fields["after"], "h": audit.row_hash(row["prev_hash"], fields, key)})


def test_edit_rehashed_without_the_key_is_caught_at_the_row(app):
    _busy(app)
    _forge_row_5(app, None)
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == 5 and "was edited" in verdict.problem


def test_edit_rehashed_with_the_key_is_caught_at_the_next_link(app):
    _busy(app)
    _forge_row_5(app, audit_key.require())
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == 6 and "previous-hash" in verdict.problem


def test_deleted_rows_are_detected_in_the_middle_and_at_the_end(app):
    _busy(app)
    last = _verify(app).rows
    _sql(app, "DELETE FROM audit_log WHERE id = :i", i=last)
    verdict = _verify(app)
    assert not verdict.intact and "removed from the end" in verdict.problem
    _sql(app, "DELETE FROM audit_log WHERE id = 3")
    verdict = _verify(app)
    assert not verdict.intact and verdict.broken_id == 3 and "row 3 is missing" in verdict.problem


def test_concurrent_writers_keep_one_chain(app):
    owner, alice, rid = _busy(app)
    acc = owner.ok("GET", "/api/accounts")[0]["id"]
    clients = [owner_api(app) for _ in range(4)]
    errors = []

    def work(n, api):
        try:
            for i in range(15):
                api.ok("POST", "/api/accounts", {"name": f"acct-{n}-{i}", "currency": "EUR"})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(owner.ok("GET", "/api/accounts")) == 61 and acc == 1
    verdict = _verify(app)
    assert verdict.intact, verdict.describe()


def _cli(home, *args):
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", *args], capture_output=True, text=True,
                          env={"TIEOUT_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_cli_audit_verify_exit_codes(home):
    from test_server_kit import make_app

    a = make_app(home, MODE="team")
    try:
        _busy(a)
    finally:
        a.extensions["tieout"].close()
    ok = _cli(home, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    import sqlite3

    with sqlite3.connect(home / "tieout.db") as conn:
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 4")
    bad = _cli(home, "audit", "verify")
    assert bad.returncode == 2
    assert "broken at row 4" in bad.stderr
