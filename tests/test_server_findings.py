"""Statement findings and entered balances on the server (real waitress server on loopback, SQLite and
PostgreSQL): a real bank file whose own figures disagree imports with its finding stored and listed; Submit is
refused until the preparer acknowledges it with a comment; who, when and the comment go into the audit trail
and the submitted hash (a changed comment is tamper); balances a file does not state are entered at import
or later, with their source, and an entry that does not add up becomes a finding."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from test_server_kit import Api, db_url, home, live_team_server, pg_cluster, team, vouch  # noqa: F401
from tieout.server.controls import tamper
from tieout.server.store.models import Reconciliation

ZIL = "mt940/zil_deutsche_bank.txt"  # one statement: opening 0.00 + lines 4.00 != closing 5.87


@pytest.fixture
def server(home, db_url):
    with live_team_server(home, db_url) as (owner, app):
        made: list[Api] = []
        yield Server(owner, app, made)
        for api in made:
            api.session.close()  # a kept-alive connection would hold the stopping server for 10 s


class Server(tuple):
    """(owner, app), and the users' clients to close at the end."""

    def __new__(cls, owner, app, made):
        self = super().__new__(cls, (owner, app))
        self.made = made
        return self


def team_of(server, *names) -> dict[str, Api]:
    users = team(server[0], *names)
    server.made.extend(users.values())
    return users


def _account(owner: Api, users: dict, currency: str = "EUR", bank_account: str = "233025/40069462") -> int:
    acc = owner.ok("POST", "/api/accounts", {"name": f"Bank {bank_account}", "currency": currency, "kind": "Bank",
                                             "bank_account": bank_account, "gl_account": "1000"})
    for user, role in (("alice", "preparer"), ("bob", "reviewer"), ("carol", "approver")):
        owner.ok("POST", f"/api/accounts/{acc['id']}/roles", {"user": user, "role": role})
    return acc["id"]


def _rec(owner: Api, users: dict, period: str = "2014-03", **account) -> int:
    acc = _account(owner, users, **account)
    return users["alice"].ok("POST", "/api/reconciliations", {"account_id": acc, "period": period})["id"]


def _sql(app, statement: str, **params) -> None:
    with app.extensions["tieout"].store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_real_file_with_disagreeing_figures_imports_with_its_finding_and_submit_waits_for_it(server, wild):
    owner, app = server
    u = team_of(server, "alice", "bob", "carol")
    alice, bob = u["alice"], u["bob"]
    rid = _rec(owner, u)
    status, out = alice.upload(rid, wild / ZIL)
    assert status == 201, out
    (found,) = out["findings"]
    assert found["code"] == "balance_mismatch" and found["state"] == "open"
    assert found["figures"] == {"opening_balance": "0.00", "lines_total": "4.00", "lines": "2",
                                "closing_balance": "5.87", "difference": "1.87"}
    assert any(f"finding #{found['id']}" in w for w in out["warnings"])
    (st,) = alice.ok("GET", f"/api/reconciliations/{rid}/statements")
    assert (st["opening_source"], st["closing_source"], st["lines_total"]) == ("file", "file", "4.00")
    assert [f["id"] for f in st["findings"]] == [found["id"]]
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance_origin"]["source"] == "file"
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "5.87"})

    status, data = alice.post(f"/api/reconciliations/{rid}/workflow/submit", {})
    assert status == 409 and data["error"]["code"] == "unacknowledged_findings"
    assert f"#{found['id']} balance_mismatch" in data["error"]["message"] and "1.87" in data["error"]["message"]

    for empty in ({}, {"comment": "   "}):
        status, data = alice.post(f"/api/reconciliations/{rid}/findings/acknowledge", empty)
        assert status == 400 and data["error"]["code"] == "comment_required"
    status, data = bob.post(f"/api/reconciliations/{rid}/findings/acknowledge", {"comment": "fine"})
    assert status == 403  # a reviewer does not acknowledge the preparer's findings
    status, _ = alice.post(f"/api/reconciliations/{rid}/findings/acknowledge", {"ids": [999999], "comment": "x"})
    assert status == 404
    comment = "Bank confirmed the closing balance; the 1.87 is an interest line on the next statement"
    done = alice.ok("POST", f"/api/reconciliations/{rid}/findings/acknowledge", {"comment": comment})
    assert done["acknowledged"] == [found["id"]] and done["acknowledged_by"] == "alice"
    (listed,) = alice.ok("GET", f"/api/reconciliations/{rid}/findings")
    assert (listed["state"], listed["acknowledged_by"], listed["comment"]) == ("acknowledged", "alice", comment)
    assert listed["acknowledged_at"] == done["acknowledged_at"]

    vouch(bob, rid)
    alice.ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    audit = owner.ok("GET", f"/api/audit?reconciliation_id={rid}")
    (ack,) = [r for r in audit if r["action"] == "finding.acknowledge"]
    assert ack["actor"] == "alice" and ack["after"]["comment"] == comment
    assert ack["after"]["acknowledged_at"] == done["acknowledged_at"]
    assert ack["after"]["findings"][0]["id"] == found["id"]
    with app.extensions["tieout"].store.read() as s:
        snap = tamper.snapshot(s, s.get(Reconciliation, rid))
    assert snap["findings"][str(found["id"])]["comment"] == comment
    assert snap["findings"][str(found["id"])]["acknowledged_by"] == "alice"

    # locked once submitted: no new acknowledgement
    status, data = alice.post(f"/api/reconciliations/{rid}/findings/acknowledge", {"comment": "again"})
    assert status == 409 and data["error"]["code"] == "locked"
    # the comment changed behind the server's back: Review refuses, naming it
    _sql(app, "UPDATE statement_findings SET comment = 'nothing to see'")
    status, data = bob.post(f"/api/reconciliations/{rid}/workflow/review", {})
    assert status == 409 and data["error"]["code"] == "tampered"
    assert f"findings: {found['id']} changed (comment {comment!r} -> 'nothing to see')" in data["error"]["message"]
    _sql(app, "UPDATE statement_findings SET comment = :c", c=comment)
    assert bob.post(f"/api/reconciliations/{rid}/workflow/review", {})[0] == 200


def test_who_acknowledged_is_part_of_the_hash(server, wild):
    owner, app = server
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u)
    u["alice"].upload(rid, wild / ZIL)
    u["alice"].ok("POST", f"/api/reconciliations/{rid}/findings/acknowledge", {"comment": "checked with the bank"})
    u["alice"].ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    _sql(app, "UPDATE statement_findings SET acknowledged_by = (SELECT id FROM users WHERE name = 'carol')")
    status, data = u["bob"].post(f"/api/reconciliations/{rid}/workflow/review", {})
    assert status == 409 and "acknowledged_by 'alice' -> 'carol'" in data["error"]["message"]


def test_a_reconciliation_submitted_before_keyed_hashing_is_asked_to_be_submitted_again(server):
    """Hashes stored before keyed hashing are plain SHA-256 (of a form without findings, before migration
    0006): anyone who can write the database could make one, so they prove nothing and Review says so."""
    import hashlib

    from tieout.server.controls.audit import canonical_json

    owner, app = server
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u, period="2026-01")
    u["alice"].ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "10.00"})
    vouch(u["bob"], rid)
    u["alice"].ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    with app.extensions["tieout"].store.write() as s:
        rec = s.get(Reconciliation, rid)
        old = {k: v for k, v in tamper.snapshot(s, rec).items() if k != "findings"}
        rec.submitted_snapshot = canonical_json(old)
        rec.submitted_hash = hashlib.sha256(canonical_json(old).encode("utf-8")).hexdigest()
    status, data = u["bob"].post(f"/api/reconciliations/{rid}/workflow/review", {})
    assert status == 409 and data["error"]["code"] == "tampered"
    assert "not sealed with the key" in data["error"]["message"] and "submit it again" in data["error"]["message"]
    u["alice"].ok("POST", f"/api/reconciliations/{rid}/workflow/revert", {})
    u["alice"].ok("POST", f"/api/reconciliations/{rid}/workflow/submit", {})
    assert u["bob"].post(f"/api/reconciliations/{rid}/workflow/review", {})[0] == 200


def _plain_csv(path, rows=(("2026-01-05", "Coffee", "-4.50"), ("2026-01-07", "Salary", "54.50"))):
    path.write_text("Date,Description,Amount\n" + "".join(f"{d},{t},{a}\n" for d, t, a in rows), encoding="utf-8")
    return path


def test_balances_entered_at_import_are_marked_with_who_and_when(server, tmp_path):
    owner, _ = server
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u, period="2026-01", currency="USD", bank_account="")
    alice = u["alice"]
    status, out = alice.upload(rid, _plain_csv(tmp_path / "plain.csv"), opening="100.00", closing="150.00")
    assert status == 201 and out["findings"] == []
    (st,) = alice.ok("GET", f"/api/reconciliations/{rid}/statements")
    assert (st["opening_balance"], st["closing_balance"]) == ("100.00", "150.00")
    assert (st["opening_source"], st["closing_source"]) == ("entered", "entered")
    assert st["opening_entered_by"] == st["closing_entered_by"] == "alice" and st["closing_entered_at"]
    origin = alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance_origin"]
    assert origin == {"source": "entered", "statement": st["id"], "entered_by": "alice",
                      "entered_at": st["closing_entered_at"]}
    status, data = alice.upload(rid, _plain_csv(tmp_path / "bad.csv", (("2026-01-09", "x", "1.00"),)),
                                opening="1,00")
    assert status == 400 and "field 'opening'" in data["error"]["message"]


def test_balances_entered_later_add_a_finding_when_they_do_not_add_up(server, tmp_path, wild):
    owner, _ = server
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u, period="2026-01", currency="USD", bank_account="")
    alice = u["alice"]
    alice.upload(rid, _plain_csv(tmp_path / "plain.csv"))
    (st,) = alice.ok("GET", f"/api/reconciliations/{rid}/statements")
    assert (st["opening_source"], st["closing_source"], st["opening_balance"]) == (None, None, None)
    rec = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert rec["figures"]["statement_balance_origin"]["source"] == "lines"  # a sum of lines, not the bank's
    url = f"/api/reconciliations/{rid}/statements/{st['id']}/balances"

    out = alice.ok("PUT", url, {"opening_balance": "100.00", "closing_balance": "149.00"})
    (f,) = out["findings"]
    assert f["code"] == "balance_mismatch" and f["origin"] == "entry"
    assert f["figures"]["difference"] == "-1.00" and f["figures"]["lines_total"] == "50.00"
    assert out["closing_source"] == "entered" and out["closing_entered_by"] == "alice"
    assert alice.post(f"/api/reconciliations/{rid}/workflow/submit", {})[1]["error"]["code"] == \
        "unacknowledged_findings"
    out = alice.ok("PUT", url, {"closing_balance": "150.00"})  # corrected: the finding about 149.00 goes
    assert out["findings"] == [] and alice.ok("GET", f"/api/reconciliations/{rid}/findings") == []
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance"] == "150.00"
    audit = owner.ok("GET", f"/api/audit?reconciliation_id={rid}")
    entries = [r for r in audit if r["action"] == "statement.balances"]
    assert [(e["before"]["closing_balance"], e["after"]["closing_balance"]) for e in entries] == \
        [(None, "149.00"), ("149.00", "150.00")]
    status, data = alice.put(url, {"closing_balance": "abc"})
    assert status == 400 and "field 'closing_balance'" in data["error"]["message"]

    rid2 = _rec(owner, u)
    alice.upload(rid2, wild / ZIL)
    (stated,) = alice.ok("GET", f"/api/reconciliations/{rid2}/statements")
    status, data = alice.put(f"/api/reconciliations/{rid2}/statements/{stated['id']}/balances",
                             {"closing_balance": "4.00"})
    assert status == 409 and data["error"]["code"] == "balance_stated" and "5.87" in data["error"]["message"]
    assert alice.put(f"/api/reconciliations/{rid}/statements/{stated['id']}/balances",
                     {"closing_balance": "1.00"})[0] == 404  # another reconciliation's statement


def test_the_same_file_again_without_entered_balances_is_the_same_statement(server, tmp_path):
    owner, _ = server
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u, period="2026-01", currency="USD", bank_account="")
    path = _plain_csv(tmp_path / "plain.csv")
    u["alice"].upload(rid, path, opening="100.00", closing="150.00")
    status, data = u["alice"].upload(rid, path)
    assert status == 400 and "already imported" in data["error"]["message"]


def test_openapi_describes_the_new_answers(server, wild):
    owner, _ = server
    doc = owner.ok("GET", "/api/openapi.json")
    r = "/api/reconciliations/{rec_id}"
    assert "put" in doc["paths"][r + "/statements/{statement_id}/balances"]
    assert "post" in doc["paths"][r + "/findings/acknowledge"]
    finding = doc["components"]["schemas"]["Finding"]
    u = team_of(server, "alice", "bob", "carol")
    rid = _rec(owner, u)
    _, out = u["alice"].upload(rid, wild / ZIL)
    assert set(out["findings"][0]) == set(finding["properties"]) == set(finding["required"])
    item = doc["components"]["schemas"]["StatementListItem"]
    (st,) = u["alice"].ok("GET", f"/api/reconciliations/{rid}/statements")
    assert set(st) == set(item["properties"])
    assert Decimal(st["closing_balance"]) == Decimal("5.87")


def test_migration_0006_on_a_0005_database_keeps_statements_and_downgrades(db_url, tmp_path):
    import datetime as dt

    from alembic import command
    from sqlalchemy import inspect, select

    from test_server_kit import seed_reconciliation
    from tieout.server.services import balances
    from tieout.server.store import open_store
    from tieout.server.store.migrate import alembic_config, current, upgrade
    from tieout.server.store.models import StatementFinding, StatementRow

    (tmp_path / "home").mkdir(exist_ok=True)
    store = open_store(db_url, migrate=False)
    try:
        upgrade(store, "0005")
        made = dt.datetime(2026, 2, 3, 4, 5, 6)
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, name, is_admin, created_at) VALUES (1, 'alice', false, :t)"),
                         {"t": made})
            seed_reconciliation(conn, made, ever_matched=False)
            conn.execute(text(
                "INSERT INTO statements (id, reconciliation_id, account_id, fingerprint, bank_account, currency, "
                "opening_balance, closing_balance, statement_ref, format, source_name, imported_by, imported_at, "
                "lines_in_file, lines_skipped) VALUES (1, 1, 1, 'f1', 'ACC-1', 'USD', 1000000, 1500000, 'S1', "
                "'csv', 'jan.csv', 1, :t, 1, 0), (2, 1, 1, 'f2', 'ACC-1', 'USD', NULL, NULL, '', 'csv', 'feb.csv', "
                "1, :t, 1, 0)"), {"t": made})
        upgrade(store, "0006")
        assert current(store) == "0006"
        with store.read() as s:
            rows = {r.id: r for r in s.scalars(select(StatementRow))}
            assert (rows[1].opening_balance, rows[1].closing_balance) == (Decimal("100"), Decimal("150"))
            assert rows[1].opening_source is None and rows[1].lines_total is None
            # a balance stored before 0006 came from the file (importers had no other source); none is unknown
            assert balances.describe(rows[1], {})["closing_source"] == "file"
            assert balances.describe(rows[2], {})["closing_source"] is None
        with store.write() as s:
            s.add(StatementFinding(reconciliation_id=1, statement_id=1, statement_ref="S1", code="balance_mismatch",
                                   message="m", figures="[]", origin="import", comment=""))
        command.downgrade(alembic_config(store), "0005")
        assert current(store) == "0005"
        insp = inspect(store.engine)
        assert "statement_findings" not in insp.get_table_names()
        assert "opening_source" not in {c["name"] for c in insp.get_columns("statements")}
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT closing_balance FROM statements WHERE id = 1")).scalar() == 1500000
        upgrade(store, "0006")
        assert current(store) == "0006"
    finally:
        store.dispose()
