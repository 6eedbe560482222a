"""Text longer than its database column. SQLite ignores VARCHAR lengths; PostgreSQL refuses a longer value,
which was an internal error in the middle of an import or a GL upload. Bank line ids are stored whole (an OFX
FITID has up to 255 characters, then "~k" and "-n"), carried forward with their period prefix, and anything
else too long is refused with a 400 naming the line and the field before anything is stored. Over real HTTP
(waitress), on SQLite and PostgreSQL (TIEOUT_TEST_PG=1 requires it), and migration 0005 on a 0004 database."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from test_import_ofx import ofx, stmtrs, trn
from test_server_kit import (Api, bank_file, db_url, home, live_team_server, pg_cluster,  # noqa: F401
                             seed_reconciliation, team, vouch)
from tieout.server.statements import statement_history as history
from tieout.server.store.migrate import alembic_config
from tieout.server.store.models import AuditRow, BankLineRow, GLLineRow, NewTransaction, StatementRow

FITID = "".join("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 36] for i in range(255))  # OFX's longest FITID
OTHER = FITID[::-1]


@pytest.fixture
def server(home, db_url):
    """The real server (waitress) in a thread, on the backend of `db_url`: yields (users, app, acc)."""
    with live_team_server(home, db_url) as (owner, app):
        users = team(owner, "alice", "bob", "carol")
        acc = owner.ok("POST", "/api/accounts", {"name": "Operating", "currency": "USD", "bank_account": "ACC-1",
                                                 "gl_account": "1000"})["id"]
        for user, role in (("alice", "preparer"), ("bob", "reviewer"), ("carol", "approver")):
            owner.ok("POST", f"/api/accounts/{acc}/roles", {"user": user, "role": role})
        yield users, app, acc
        for api in users.values():
            api.session.close()


def rec(api: Api, acc: int, period: str = "2026-01") -> int:
    return api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": period})["id"]


def rec_with_gl_line(api: Api, acc: int) -> int:
    """A reconciliation holding one GL line, G0, with nothing filled in but its date and amount."""
    rid = rec(api, acc)
    api.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G0", "date": "2026-01-02", "amount": "1.00"}]})
    return rid


def ofx_file(path, transactions, balance: str):
    path.write_text(ofx([stmtrs(transactions, acctid="ACC-1", balamt=balance)]), encoding="utf-8")
    return path


def stored(app, model, rec_id: int):
    with app.extensions["tieout"].store.read() as s:
        return list(s.scalars(select(model).where(model.reconciliation_id == rec_id).order_by(model.id)))


def counts(app) -> dict[str, int]:
    with app.extensions["tieout"].store.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (BankLineRow, StatementRow, GLLineRow, NewTransaction, AuditRow)}


def test_a_repeated_255_character_fitid_is_stored_whole_with_its_marks_and_suffixes(server, tmp_path):
    users, app, acc = server
    alice = users["alice"]
    rid = rec(alice, acc)
    jan = ofx_file(tmp_path / "jan.ofx", [trn("-10.00", FITID, "DEBIT", "20260105"),
                                          trn("-12.50", FITID, "DEBIT", "20260106"),
                                          trn("40.00", OTHER, "CREDIT", "20260107")], "17.50")
    status, data = alice.upload(rid, jan)
    assert status == 201, data
    assert data["format"] == "ofx" and data["added"] == 3 and data["renamed"] == []
    rows = stored(app, BankLineRow, rid)
    assert [(r.line_id, r.amount, r.date) for r in rows] == [
        (FITID + "~1", Decimal("-10.00"), dt.date(2026, 1, 5)), (FITID + "~2", Decimal("-12.50"), dt.date(2026, 1, 6)),
        (OTHER, Decimal("40.00"), dt.date(2026, 1, 7))]
    assert [len(r.line_id) for r in rows] == [257, 257, 255]

    # A later download repeats the same FITID on two other lines: the same "~1", "~2" ids are taken in this
    # reconciliation, so they are stored with "-2", whole, and still read as ids that are not the bank's.
    feb = ofx_file(tmp_path / "late.ofx", [trn("-3.00", FITID, "DEBIT", "20260120"),
                                           trn("-4.00", FITID, "DEBIT", "20260121")], "10.50")
    status, data = alice.upload(rid, feb)
    assert status == 201, data
    assert data["added"] == 2
    assert [(r["line_id"], r["stored_as"]) for r in data["renamed"]] == [
        (FITID + "~1", FITID + "~1-2"), (FITID + "~2", FITID + "~2-2")]
    rows = stored(app, BankLineRow, rid)
    assert [r.line_id for r in rows][3:] == [FITID + "~1-2", FITID + "~2-2"]
    assert sum(r.amount for r in rows) == Decimal("10.50")
    for r in rows:
        line = history.BankLine(r.line_id, r.date, r.amount, r.currency)
        assert history.bank_id(line, "ofx", "ACC-1", "") == (OTHER if r.line_id == OTHER else None), r.line_id
    listed = alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")
    assert [b["line_id"] for b in listed] == [r.line_id for r in rows]

    # importing the first file again adds nothing: its lines are recognised (the "~k" ones by content)
    status, data = alice.upload(rid, jan)
    assert status == 400 and data["error"]["code"] == "bad_file", data
    assert len(stored(app, BankLineRow, rid)) == 5


def test_new_transaction_on_a_long_bank_line_is_posted_and_matched(server, tmp_path):
    users, app, acc = server
    alice = users["alice"]
    rid = rec(alice, acc)
    status, data = alice.upload(rid, ofx_file(tmp_path / "jan.ofx", [trn("-10.00", FITID, "DEBIT", "20260105"),
                                                                      trn("-10.00", FITID, "DEBIT", "20260105")],
                                              "-20.00"))
    assert status == 201, data
    txn = alice.ok("POST", f"/api/reconciliations/{rid}/transactions", {
        "date": "2026-01-05", "amount": "-10.00", "gl_account": "6100", "description": "bank fee",
        "bank_line_id": FITID + "~2"})
    assert txn["bank_line_id"] == FITID + "~2"
    out = alice.ok("POST", f"/api/reconciliations/{rid}/transactions/post", {})
    assert out["count"] == 1 and out["matched"] == 1 and out["posted"][0]["bank_line_id"] == FITID + "~2"
    matched = {r.line_id: r.match_id for r in stored(app, BankLineRow, rid)}
    assert matched[FITID + "~1"] is None and matched[FITID + "~2"] is not None


def test_too_long_check_number_refuses_the_whole_import(server, tmp_path):
    users, app, acc = server
    alice = users["alice"]
    rid = rec(alice, acc)
    before = counts(app)
    path = ofx_file(tmp_path / "checks.ofx", [trn("-10.00", "T1", "DEBIT", "20260105"),
                                              trn("-25.00", "T2", "CHECK", "20260106", checknum="7" * 41)], "-35.00")
    status, data = alice.upload(rid, path)
    assert status == 400 and data["error"]["code"] == "bad_file", data
    message = data["error"]["message"]
    assert "checks.ofx: statement" in message
    assert "line T2, field 'check_number': 41 characters, more than the 40 it can hold" in message
    assert "T1" not in message
    assert counts(app) == before
    assert alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines") == []


def test_bank_ids_longer_than_300_characters_are_refused_naming_the_line(server, tmp_path):
    users, app, acc = server
    alice = users["alice"]
    rid = rec(alice, acc)
    before = counts(app)
    long_id = "L" * 301
    path = bank_file(tmp_path / "ids.txt", [("OK1", "2026-01-05", "1.00", "fine"), (long_id, "2026-01-06", "2.00", "x")])
    status, data = alice.upload(rid, path)
    assert status == 400 and data["error"]["code"] == "bad_file", data
    assert f"line {'L' * 60}..., field 'line_id': 301 characters, more than the 300 it can hold" \
        in data["error"]["message"]
    assert counts(app) == before


def test_too_long_bank_account_of_a_statement_is_refused(server, tmp_path):
    users, app, _ = server
    alice = users["alice"]
    acc = alice.ok("POST", "/api/accounts", {"name": "No number", "currency": "USD"})["id"]  # any account fits
    rid = rec(alice, acc)
    before = counts(app)
    path = bank_file(tmp_path / "acct.txt", [("B1", "2026-01-05", "1.00", "x")], account="9" * 101)
    status, data = alice.upload(rid, path)
    assert status == 400 and data["error"]["code"] == "bad_file", data
    assert "field 'account': 101 characters, more than the 100 it can hold" in data["error"]["message"]
    assert counts(app) == before
    status, data = alice.upload(rid, bank_file(tmp_path / "ok.txt", [("B1", "2026-01-05", "1.00", "x")],
                                               account="9" * 100))
    assert status == 201 and data["added"] == 1, data


@pytest.mark.parametrize("field,most", [("source", 120), ("counterparty", 200), ("line_id", 120)])
def test_too_long_gl_text_is_refused_naming_line_and_field_nothing_stored(server, field, most):
    users, app, acc = server
    alice = users["alice"]
    rid = rec_with_gl_line(alice, acc)
    before = counts(app)
    lines = [{"line_id": "G1", "date": "2026-01-05", "amount": "100.00", field: "s" * most},
             {"line_id": "G2", "date": "2026-01-06", "amount": "50.00", field: "s" * (most + 1)}]
    status, data = alice.post(f"/api/reconciliations/{rid}/gl-lines", {"lines": lines})
    assert status == 400 and data["error"]["code"] == "bad_input", data
    assert f"line 2, field '{field}': longer than {most} characters" in data["error"]["message"]
    assert "line 1" not in data["error"]["message"]
    assert counts(app) == before
    # an edit is held to the same limit
    if field != "line_id":
        status, data = alice.put(f"/api/reconciliations/{rid}/gl-lines/G0", {field: "e" * (most + 1)})
        assert status == 400 and f"field '{field}': longer than {most} characters" in data["error"]["message"]
        assert [getattr(r, field) for r in stored(app, GLLineRow, rid)] == [""]


def test_too_long_transaction_gl_account_is_refused(server):
    users, app, acc = server
    alice = users["alice"]
    rid = rec_with_gl_line(alice, acc)
    before = counts(app)
    status, data = alice.post(f"/api/reconciliations/{rid}/transactions", {
        "date": "2026-01-05", "amount": "-1.00", "gl_account": "6" * 101})
    assert status == 400 and data["error"]["code"] == "bad_input", data
    assert "field 'gl_account': longer than 100 characters" in data["error"]["message"]
    assert counts(app) == before


def test_longest_ids_are_carried_forward_with_their_period_prefix(server, tmp_path):
    users, app, acc = server
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    jan = rec(alice, acc, "2026-01")
    bank_id, gl_id = "B" * 300, "G" * 120
    status, data = alice.upload(jan, bank_file(tmp_path / "jan.txt", [(bank_id, "2026-01-20", "-7.50", "fee")],
                                               opening="100.00"))
    assert status == 201, data
    alice.ok("POST", f"/api/reconciliations/{jan}/gl-lines", {"lines": [
        {"line_id": gl_id, "date": "2026-01-30", "amount": "-50.00", "source": "S" * 120,
         "counterparty": "C" * 200}]})
    alice.ok("PUT", f"/api/reconciliations/{jan}/gl-balance", {"balance": "42.50"})
    vouch(bob, jan)
    for api, action in ((alice, "submit"), (bob, "review"), (carol, "approve")):
        status, data = api.post(f"/api/reconciliations/{jan}/workflow/{action}", {})
        assert status == 200, data
    feb = rec(alice, acc, "2026-02")
    status, data = alice.post(f"/api/reconciliations/{feb}/workflow/start", {})
    assert status == 200, data
    assert [(r.line_id, r.amount) for r in stored(app, BankLineRow, feb)] == [("2026-01:" + bank_id, Decimal("-7.50"))]
    assert [(r.line_id, r.source, r.counterparty) for r in stored(app, GLLineRow, feb)] == [
        ("2026-01:" + gl_id, "S" * 120, "C" * 200)]
    # the audit row of a note on the carried bank line names it whole
    line = alice.ok("PUT", f"/api/reconciliations/{feb}/unmatched/bank/2026-01:{bank_id}", {"notes": "fee"})
    assert line["notes"] == "fee"
    with app.extensions["tieout"].store.read() as s:
        last = s.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
    assert (last.action, last.entity_id) == ("unmatched.annotate", "2026-01:" + bank_id)


LONGER = {"bank_lines.line_id": 341, "gl_lines.line_id": 161, "transactions.bank_line_id": 341,
          "audit_log.entity_id": 341}


def _lengths(store) -> dict[str, int]:
    insp = inspect(store.engine)
    out = {}
    for key in LONGER:
        table, column = key.split(".")
        out[key] = next(c["type"].length for c in insp.get_columns(table) if c["name"] == column)
    return out


def test_migration_0005_widens_line_ids_of_a_0004_database_and_downgrades(db_url, tmp_path):
    from tieout.server.store import open_store
    from tieout.server.store.migrate import current, upgrade

    (tmp_path / "home").mkdir(exist_ok=True)
    store = open_store(db_url, migrate=False)
    pg = not store.is_sqlite
    try:
        upgrade(store, "0004")
        made = dt.datetime(2026, 2, 3, 4, 5, 6)
        old_id = "X" * 120
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, name, is_admin, created_at) VALUES (1, 'alice', false, :t)"),
                         {"t": made})
            seed_reconciliation(conn, made, ever_matched=False)
            conn.execute(text("INSERT INTO bank_lines (id, reconciliation_id, line_id, date, amount, currency, "
                              "reference, description, type, check_number, pending, owner, item_status, notes) "
                              "VALUES (1, 1, :i, :d, -75000, 'USD', '', 'fee', 'fee', '', false, '', 'open', '')"),
                         {"i": old_id, "d": dt.date(2026, 1, 5)})
            conn.execute(text("INSERT INTO gl_lines (id, reconciliation_id, line_id, date, amount, currency, "
                              "reference, description, source, counterparty, owner, item_status, notes) VALUES "
                              "(1, 1, :i, :d, 1000000, 'USD', '', '', 'ERP', '', '', 'open', '')"),
                         {"i": "G" * 120, "d": dt.date(2026, 1, 6)})
            conn.execute(text("INSERT INTO transactions (id, reconciliation_id, date, amount, currency, gl_account, "
                              "description, kind, bank_line_id, rule, created_by) VALUES "
                              "(1, 1, :d, -75000, 'USD', '6100', 'fee', 'custom', :i, '', 1)"),
                         {"i": old_id, "d": dt.date(2026, 1, 5)})
        if pg:
            assert set(_lengths(store).values()) == {120}
        upgrade(store, "0005")
        assert current(store) == "0005"
        if pg:
            assert _lengths(store) == LONGER
        with store.read() as s:
            assert [(r.line_id, r.amount) for r in s.scalars(select(BankLineRow))] == [(old_id, Decimal("-7.5"))]
            assert s.scalar(select(NewTransaction.bank_line_id)) == old_id
            assert s.scalar(select(GLLineRow.line_id)) == "G" * 120
        longest = "2026-01:" + "Y" * 333  # 341 characters: the widest a carried-forward bank line id gets
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO bank_lines (id, reconciliation_id, line_id, date, amount, currency, "
                              "reference, description, type, check_number, pending, owner, item_status, notes) "
                              "VALUES (2, 1, :i, :d, 10000, 'USD', '', '', 'other', '', false, '', 'open', '')"),
                         {"i": longest, "d": dt.date(2026, 1, 7)})
        if pg:  # a longer id than the old columns hold: downgrade is refused and changes nothing
            with pytest.raises(Exception, match="(?i)too long"):
                downgrade(store, "0004")
            assert current(store) == "0005" and _lengths(store) == LONGER
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM bank_lines WHERE id = 2"))
        downgrade(store, "0004")
        assert current(store) == "0004"
        if pg:
            assert set(_lengths(store).values()) == {120}
        with store.read() as s:
            assert [r.line_id for r in s.scalars(select(BankLineRow))] == [old_id]
    finally:
        store.dispose()


def downgrade(store, revision: str) -> None:
    command.downgrade(alembic_config(store), revision)
