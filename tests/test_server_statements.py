"""Statement history through the server, over real HTTP (waitress on loopback) on SQLite and PostgreSQL:
the same statement twice adds nothing, an overlapping statement adds only its new lines and lists the
skipped ones, continuity findings reach the response, the statement listing and the audit trail, and a
failed import changes nothing."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from test_server_kit import (Api, bank_file, db_url, home, install_test_importer, pg_cluster,  # noqa: F401
                             setup_account, team, vouch, wait_job)

JAN_A = [("B1", "2026-01-05", "250.00", "deposit Contoso"), ("B2", "2026-01-12", "-80.25", "check 1001"),
         ("B3", "2026-01-14", "500.00", "ATM deposit")]
# a later download: from Jan 12 on, with a genuine second ATM deposit of 500.00 on Jan 14
JAN_B = [("X1", "2026-01-12", "-80.25", "check 1001"), ("X2", "2026-01-14", "500.00", "ATM deposit"),
         ("X3", "2026-01-14", "500.00", "ATM deposit"), ("X4", "2026-01-20", "-12.00", "monthly fee")]


@pytest.fixture
def live(home, db_url):
    """The real server (waitress) in a thread on a free loopback port, team mode, on each backend."""
    from tieout.server.app.serve import running

    install_test_importer()
    with running({"LOCAL_USER": "owner", "MODE": "team", "DATABASE_URL": db_url}) as (base, app):
        clients: list[Api] = []
        yield base, app, clients
        for api in clients:  # waitress's loop ends once no kept-alive connection is left open
            api.session.close()


@pytest.fixture
def rec(live, tmp_path):
    base, app, clients = live
    owner = Api(base, app.extensions["tieout"].token)
    u = team(owner, "alice", "bob", "carol")
    clients += [owner, *u.values()]
    acc = setup_account(owner)
    rid = u["alice"].ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return owner, u, acc, rid, tmp_path


def _lines(api: Api, rid: int) -> list[tuple[str, str, str]]:
    return [(x["line_id"], x["date"], x["amount"]) for x in api.ok("GET", f"/api/reconciliations/{rid}/bank-lines")]


def _validator(api: Api, schema_name: str):
    from jsonschema import Draft202012Validator

    doc = api.ok("GET", "/api/openapi.json")
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}", **doc})


def test_the_same_statement_twice_adds_nothing_and_says_when_it_was_imported(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    f = bank_file(tmp / "jan.txt", JAN_A, opening="1000.00")
    status, first = alice.upload(rid, f)
    assert status == 201, first
    assert (first["added"], first["skipped_count"], first["skipped"], first["duplicates"], first["continuity"]) == (
        3, 0, [], [], [])
    assert first["statements"][0]["count"] == 3 and first["details"][0]["added"] == 3
    audit_before = owner.ok("GET", "/api/audit?limit=5000")
    status, again = alice.upload(rid, f)
    assert status == 400 and again["error"]["code"] == "bad_file"
    message = again["error"]["message"]
    assert message.startswith("jan.txt: statement 1: this statement was already imported (statement #1 "
                              "(reconciliation #1), imported on 20")
    assert "UTC by alice from jan.txt); nothing of it was added" in message
    assert _lines(alice, rid) == [(b[0], b[1], b[2]) for b in JAN_A]
    assert len(alice.ok("GET", f"/api/reconciliations/{rid}/statements")) == 1
    assert owner.ok("GET", "/api/audit?limit=5000") == audit_before


def test_an_overlapping_statement_adds_only_its_new_lines_and_lists_the_skipped(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    assert alice.upload(rid, bank_file(tmp / "first.txt", JAN_A, opening="1000.00"))[0] == 201
    status, data = alice.upload(rid, bank_file(tmp / "second.txt", JAN_B, opening="1250.00"))
    assert status == 201, data
    assert data["added"] == 2 and data["skipped_count"] == 2
    assert (data["statements"][0]["count"], data["statements"][0]["total"]) == (4, "907.75")
    assert data["details"] == [{"statement": 2, "statement_ref": "", "count": 4, "added": 2, "skipped": 2,
                                "period_start": "2026-01-12", "period_end": "2026-01-20", "period_stated": False}]
    assert [(s["line_id"], s["held_line_id"], s["held_statement"], s["by"]) for s in data["skipped"]] == [
        ("X1", "B2", 1, "content"), ("X2", "B3", 1, "content")]
    assert data["skipped"][0]["reason"] == ("a line of 2026-01-12 for -80.25 with the same description is already "
                                            "held (statement #1 (reconciliation #1), line B2)")
    assert "statement #2: 2 of its 4 lines were already held (statement #1 (reconciliation #1)) and were " \
           "skipped; 2 were added" in data["warnings"]
    [note] = data["continuity"]  # the first download was made on Jan 14, before the second deposit was booked
    assert (note["severity"], note["kind"], note["expected"], note["actual"]) == (
        "warning", "overlap", "1669.75", "2169.75")
    assert note["message"] == (
        "statement #1 of second.txt (2026-01-12..2026-01-20) overlaps statement #1 (reconciliation #1) "
        "(2026-01-05..2026-01-14) on 2026-01-12..2026-01-14: 2 of its 3 booked lines on those days were already "
        "held and were skipped; 1 was not held and was added, and it is exactly the difference between the "
        "balances (statement #1 of second.txt opens at 1250.00 and its lines up to 2026-01-14 total 919.75, so it "
        "puts the balance at 2169.75 after 2026-01-14; statement #1 (reconciliation #1) closes at 1669.75): "
        "statement #1 (reconciliation #1) was likely produced before it was booked")
    assert "warning: " + note["message"] in data["warnings"]
    lines = _lines(alice, rid)
    assert [x[0] for x in lines] == ["B1", "B2", "B3", "X3", "X4"]
    assert sum(Decimal(x[2]) for x in lines) == Decimal("1157.75")
    # the account's statement balance is the later statement's closing: 1000.00 + every line once
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance"] == "2157.75"
    listing = alice.ok("GET", f"/api/reconciliations/{rid}/statements")
    assert [(s["lines_in_file"], s["lines_skipped"]) for s in listing] == [(3, 0), (4, 2)]
    _validator(alice, "StatementImport").validate(data)
    _validator(alice, "StatementList").validate(listing)


def test_continuity_findings_reach_the_response_the_statement_and_the_audit_trail(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    assert alice.upload(rid, bank_file(tmp / "a.txt", JAN_A[:2], opening="1000.00"))[0] == 201  # closes 1169.75
    status, data = alice.upload(rid, bank_file(tmp / "b.txt", [("C1", "2026-01-20", "-12.00", "fee")],
                                               opening="1200.00"))
    assert status == 201, data  # a break is shown, never a reason to refuse the bank's own statement
    [finding] = data["continuity"]
    assert finding == {
        "severity": "error", "kind": "opening_mismatch", "statement": 2, "other": "statement #1 (reconciliation #1)",
        "expected": "1169.75", "actual": "1200.00", "difference": "30.25", "first_day": None, "last_day": None,
        "message": "the opening balance 1200.00 of statement #1 of b.txt (2026-01-20) is not the closing "
                   "balance 1169.75 of statement #1 (reconciliation #1) (2026-01-05..2026-01-12), the statement "
                   "before it: difference 30.25. A statement may be missing, or one of them is not this account's"}
    assert "error: " + finding["message"] in data["warnings"]
    listing = alice.ok("GET", f"/api/reconciliations/{rid}/statements")
    assert [s["continuity"] for s in listing] == [[], [finding]]
    row = [r for r in owner.ok("GET", f"/api/audit?reconciliation_id={rid}") if r["action"] == "statement.import"][-1]
    assert row["actor"] == "alice" and row["after"]["continuity"] == [finding]
    assert owner.ok("GET", "/api/audit/verify")["intact"] is True
    _validator(alice, "StatementImport").validate(data)


def test_overlap_into_the_next_period_skips_what_the_prior_reconciliation_holds(rec):
    owner, u, acc, jan, tmp = rec
    alice, bob, carol = u["alice"], u["bob"], u["carol"]
    assert alice.upload(jan, bank_file(tmp / "jan.txt", JAN_A + [("B4", "2026-01-30", "-5.00", "fee")],
                                       opening="1000.00"))[0] == 201
    vouch(bob, jan)
    for api, action in ((alice, "submit"), (bob, "review"), (carol, "approve")):
        api.ok("POST", f"/api/reconciliations/{jan}/workflow/{action}", {})
    feb = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-02"})["id"]
    overlap = [("F0", "2026-01-30", "-5.00", "fee"), ("F1", "2026-02-03", "40.00", "refund")]
    status, job = alice.upload(feb, bank_file(tmp / "feb.txt", overlap, opening="1669.75"), background=1, wait=60)
    assert status == 200 and job["status"] == "Done", job
    detail = job["detail"]
    assert (detail["added"], detail["skipped_count"]) == (1, 1)
    assert detail["skipped"][0]["reason"].endswith("(statement #1 (reconciliation #1), line B4)")
    [note] = detail["continuity"]  # 1669.75 - 5.00 on Jan 30 = 1664.75, January's closing balance: no error
    assert (note["severity"], note["kind"], note["first_day"], note["last_day"]) == (
        "info", "overlap", "2026-01-30", "2026-01-30")
    own = [x for x in alice.ok("GET", f"/api/reconciliations/{feb}/bank-lines") if not x["carried_forward"]]
    assert [(x["line_id"], x["amount"]) for x in own] == [("F1", "40.00")]
    _validator(alice, "StatementImport").validate(detail)


def test_a_failed_import_changes_nothing_and_can_be_repeated(rec, monkeypatch):
    from tieout.server.controls import audit

    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    assert alice.upload(rid, bank_file(tmp / "first.txt", JAN_A, opening="1000.00"))[0] == 201
    second = bank_file(tmp / "second.txt", JAN_B, opening="1249.25")  # overlap, and 0.75 unexplained
    before = (_lines(alice, rid), alice.ok("GET", f"/api/reconciliations/{rid}/statements"),
              owner.ok("GET", "/api/audit?limit=5000"))
    real_append = audit.append

    def failing(session, actor, action, *a, **kw):
        if action == "statement.import":  # after every line was written, before the commit
            raise OSError("disk full")
        return real_append(session, actor, action, *a, **kw)
    monkeypatch.setattr(audit, "append", failing)
    status, data = alice.upload(rid, second)
    assert status == 500 and data["error"]["code"] == "internal"
    monkeypatch.setattr(audit, "append", real_append)
    assert (_lines(alice, rid), alice.ok("GET", f"/api/reconciliations/{rid}/statements"),
            owner.ok("GET", "/api/audit?limit=5000")) == before
    status, data = alice.upload(rid, second)
    assert status == 201 and (data["added"], data["skipped_count"]) == (2, 2)
    assert [f["kind"] for f in data["continuity"]] == ["overlap_mismatch", "overlap"]
    assert data["continuity"][0]["difference"] == "499.25"  # 500.00 of it is the line added on Jan 14


def test_a_bad_overlapping_file_is_refused_whole(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    assert alice.upload(rid, bank_file(tmp / "first.txt", JAN_A, opening="1000.00"))[0] == 201
    status, data = alice.upload(rid, bank_file(tmp / "bad.txt", JAN_B[:2] + [("X9", "2026-01-40", "1.00", "x")],
                                               opening="1250.00"))
    assert status == 400 and data["error"]["message"] == "bad.txt: line 4, field 'date': not a date: '2026-01-40'"
    assert [x[0] for x in _lines(alice, rid)] == ["B1", "B2", "B3"]


def test_a_line_id_already_used_in_the_reconciliation_gets_a_suffix(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    assert alice.upload(rid, bank_file(tmp / "a.txt", JAN_A, opening="1000.00"))[0] == 201
    status, data = alice.upload(rid, bank_file(tmp / "b.txt", [("B1", "2026-01-25", "7.00", "interest")],
                                               opening="1669.75"))
    assert status == 201, data
    assert data["renamed"] == [{"statement": 2, "line_id": "B1", "stored_as": "B1-2"}]
    assert "1 line id was already used in this reconciliation and got a suffix, e.g. B1 -> B1-2" in data["warnings"]
    assert [x[0] for x in _lines(alice, rid)] == ["B1", "B2", "B3", "B1-2"]


def _mt940(*statements: tuple[str, str, str, str, list[tuple[str, str, str]]]) -> str:
    """MT940 text: (number, opening yymmdd, opening, closing yymmdd, [(yymmdd, signed amount, text)])."""
    out = []
    for number, open_day, opening, close_day, entries in statements:
        closing = Decimal(opening) + sum((Decimal(a) for _, a, _ in entries), Decimal(0))
        out += [":20:STMT", ":25:ACC-1", f":28C:{number}/1", f":60F:C{open_day}USD{opening.replace('.', ',')}"]
        for day, amount, text in entries:
            mark = "D" if amount.startswith("-") else "C"
            out += [f":61:{day}{day[2:]}{mark}{amount.lstrip('-').replace('.', ',')}NTRFNONREF", f":86:{text}"]
        out += [f":62F:C{close_day}USD{format(closing, 'f').replace('.', ',')}", "-"]
    return "\n".join(out) + "\n"


def test_a_file_repeating_one_statement_imports_only_the_new_one(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    jan1 = ("1", "260101", "1000.00", "260110", [("260105", "250.00", "deposit"), ("260108", "-20.00", "card")])
    jan2 = ("2", "260111", "1230.00", "260120", [("260115", "-30.00", "card")])
    jan3 = ("3", "260121", "1200.00", "260131", [("260125", "99.99", "refund"), ("260125", "99.99", "refund")])
    (tmp / "a.sta").write_text(_mt940(jan1, jan2))
    (tmp / "b.sta").write_text(_mt940(jan2, jan3))
    status, first = alice.upload(rid, tmp / "a.sta")
    assert status == 201 and first["format"] == "mt940" and first["added"] == 3, first
    status, data = alice.upload(rid, tmp / "b.sta")
    assert status == 201, data
    [dup] = data["duplicates"]
    assert (dup["statement_ref"], dup["held_statement"], dup["count"]) == ("2/1", 2, 1)
    assert dup["message"].startswith("b.sta: statement 2/1: this statement was already imported (statement #2 ")
    assert [(s["statement"], s["count"]) for s in data["statements"]] == [(3, 2)]
    assert [(d["statement_ref"], d["added"], d["period_start"], d["period_end"], d["period_stated"])
            for d in data["details"]] == [("3/1", 2, "2026-01-21", "2026-01-31", True)]
    assert data["continuity"] == [] and data["added"] == 2  # the twin refunds are both kept
    _validator(alice, "StatementImport").validate(data)
    assert sum(Decimal(x[2]) for x in _lines(alice, rid)) == Decimal("399.98")
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance"] == "1399.98"
    status, again = alice.upload(rid, tmp / "b.sta")
    assert status == 400 and again["error"]["message"].count("this statement was already imported") == 2


def test_two_concurrent_imports_of_overlapping_statements_hold_each_line_once(rec):
    owner, u, acc, rid, tmp = rec
    alice = u["alice"]
    files = [bank_file(tmp / "a.txt", JAN_A, opening="1000.00"), bank_file(tmp / "b.txt", JAN_B, opening="1250.00")]
    results = []

    def upload(f):
        api = Api(alice.target, alice.token)
        try:
            results.append(api.upload(rid, f)[0])
        finally:
            api.session.close()
    threads = [threading.Thread(target=upload, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [201, 201]
    lines = _lines(alice, rid)
    assert len(lines) == 5 and sum(Decimal(x[2]) for x in lines) == Decimal("1157.75")
