"""The workspace over the API (GET /api/workspace, GET /api/accounts/<id>/history) on SQLite and PostgreSQL:
what each user may see, statuses and colours, people, the difference, open items aged at the period end,
escalations, findings, freshness, the exceptions list; the accounts' legal entity and type (migration 0009)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from test_server_kit import (app, bank_file, db_url, home, owner_api, pg_cluster, setup_account,  # noqa: F401
                            team)
from tieout.server.workspace import aging
from tieout.server.workspace.freshness import span


@pytest.fixture
def office(app, tmp_path):
    """Operating (Acme Inc, bank): January imported, one GL line from November still open, nothing matched;
    Payables (Acme GmbH, AP): dave prepares it, no reconciliation; Tax (Acme Inc, tax): nobody's yet."""
    owner = owner_api(app)
    users = team(owner, "alice", "bob", "carol", "dave")
    op = setup_account(owner)
    owner.ok("PUT", f"/api/accounts/{op}", {"legal_entity": "Acme Inc", "account_type": "bank"})
    ap = owner.ok("POST", "/api/accounts", {"name": "Payables", "currency": "EUR", "kind": "Bank",
                                            "legal_entity": "Acme GmbH", "account_type": "ap"})["id"]
    owner.ok("POST", f"/api/accounts/{ap}/roles", {"user": "dave", "role": "preparer"})
    owner.ok("POST", "/api/accounts", {"name": "Tax", "currency": "USD", "kind": "Manual",
                                       "legal_entity": "Acme Inc", "account_type": "tax"})
    alice = users["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": op, "period": "2026-01"})["id"]
    status, data = alice.upload(rid, bank_file(tmp_path / "jan.txt", [("B1", "2026-01-05", "100.00", "Deposit"),
                                                                      ("B2", "2026-01-20", "-12.50", "Fee")],
                                               opening="0.00"))
    assert status == 201, data
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "40.00"})
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-05", "amount": "100.00"},
        {"line_id": "G-OLD", "date": "2025-11-15", "amount": "-60.00"}]})
    return owner, users, op, ap, rid


def by_account(ws: dict) -> dict[str, dict]:
    return {a["account"]: a for a in ws["accounts"]}


def test_the_workspace_lists_every_account_with_its_state(office):
    owner, users, op, ap, rid = office
    ws = owner.ok("GET", "/api/workspace")
    assert ws["period"] == {"name": "2026-01", "start": "2026-01-01", "end": "2026-01-31"}  # the latest
    assert [(a["legal_entity"], a["account"]) for a in ws["accounts"]] == [
        ("Acme GmbH", "Payables"), ("Acme Inc", "Operating"), ("Acme Inc", "Tax")]
    rows = by_account(ws)
    ops = rows["Operating"]
    assert (ops["status"], ops["colour"], ops["reconciliation_id"]) == ("In Progress", "blue", rid)
    assert (ops["preparer"], ops["reviewer"], ops["approver"]) == ("alice", "bob", "carol")
    assert ops["account_type"] == "bank" and rows["Payables"]["account_type"] == "AP"
    # statement 87.50 + unmatched GL (40.00) = 127.50; GL 40.00 + unmatched bank 87.50 = 127.50
    assert Decimal(ops["difference"]) == 0
    assert ops["lines"] == 4 and ops["matched_lines"] == 0 and ops["open_items"] == 4
    assert Decimal(ops["open_amount"]) == Decimal("272.50")
    # aged at 2026-01-31: B1, G1 26 days; B2 11 days; G-OLD 77 days
    assert ops["aging"] == {"0-30": 3, "31-60": 0, "61-90": 1, "90+": 0}
    assert ops["escalations"] == 1 and ops["unowned"] == 4 and ops["findings_open"] == 0
    assert re.fullmatch(r"data last updated (less than a minute|\d+ minutes?) ago, no scheduled update",
                        ops["freshness"])
    for name in ("Payables", "Tax"):
        assert (rows[name]["status"], rows[name]["colour"], rows[name]["reconciliation_id"]) == \
            ("Not Started", "grey", None)
    assert rows["Payables"]["preparer"] == "dave, owner" and rows["Tax"]["preparer"] == "owner"  # the creator too

    codes = {(e["account"], e["code"]) for e in ws["exceptions"]}
    assert codes == {("Operating", "nothing_matched"), ("Operating", "escalate"), ("Operating", "unowned"),
                     ("Payables", "not_started"), ("Tax", "not_started")}
    assert [e["severity"] for e in ws["exceptions"]] == sorted((e["severity"] for e in ws["exceptions"]),
                                                               key=["high", "medium", "low"].index)
    escalate = next(e for e in ws["exceptions"] if e["code"] == "escalate")
    assert escalate["issue"] == "1 item older than 30 days or carried from a prior period"
    assert escalate["action"].startswith("Decide for each: post a clearing entry")


def test_each_user_sees_only_the_accounts_they_hold_a_role_on(office):
    owner, users, op, ap, rid = office
    assert [a["account"] for a in users["alice"].ok("GET", "/api/workspace")["accounts"]] == ["Operating"]
    dave = users["dave"].ok("GET", "/api/workspace")
    assert [a["account"] for a in dave["accounts"]] == ["Payables"]
    assert [e["code"] for e in dave["exceptions"]] == ["not_started"]
    import datetime as dt

    last_month = dt.datetime.now(dt.timezone.utc).date().replace(day=1) - dt.timedelta(days=1)
    assert dave["period"]["end"] == last_month.isoformat()  # none of his accounts has one: last month
    status, _ = users["dave"].get(f"/api/accounts/{op}/history")
    assert status == 403


def test_a_period_asked_for_and_a_bad_one(office):
    owner, users, op, ap, rid = office
    ws = owner.ok("GET", "/api/workspace?period=2026-02")
    assert ws["period"]["end"] == "2026-02-28"
    assert {a["status"] for a in ws["accounts"]} == {"Not Started"}
    status, data = owner.get("/api/workspace?period=Feb")
    assert status == 400 and "query parameter 'period'" in data["error"]["message"]


def test_resolving_items_and_a_schedule_change_the_row(office):
    owner, users, op, ap, rid = office
    alice = users["alice"]
    for side, line in (("bank", "B1"), ("bank", "B2"), ("ledger", "G1"), ("ledger", "G-OLD")):
        alice.ok("PUT", f"/api/reconciliations/{rid}/unmatched/{side}/{line}",
                 {"owner": "alice", "due_date": "2026-02-10", "status": "investigating"})
    alice.ok("PUT", f"/api/reconciliations/{rid}/unmatched/ledger/G-OLD", {"status": "resolved"})
    alice.ok("PUT", f"/api/accounts/{op}/schedule", {"interval_minutes": 60})
    ops = by_account(owner.ok("GET", "/api/workspace?period=2026-01"))["Operating"]
    assert ops["unowned"] == 0 and ops["escalations"] == 0  # the old item is resolved
    assert ops["overdue"] == 4 - 1  # due 2026-02-10, before today; the resolved one is not overdue
    assert re.fullmatch(r"data last updated (less than a minute|\d+ minutes?) ago, next update in "
                        r"(59 minutes|1 hour)", ops["freshness"])


def test_history_of_an_account(office):
    owner, users, op, ap, rid = office
    (jan,) = users["alice"].ok("GET", f"/api/accounts/{op}/history")
    assert (jan["period"], jan["status"], jan["open_items"], jan["escalations"]) == ("2026-01", "In Progress", 4, 1)
    assert users["dave"].ok("GET", f"/api/accounts/{ap}/history") == []
    status, data = owner.get(f"/api/accounts/{op}/history?periods=0")
    assert status == 400 and "'periods'" in data["error"]["message"]


def test_legal_entity_and_type_are_editable_and_checked(office):
    owner, users, op, ap, rid = office
    done = users["dave"].ok("PUT", f"/api/accounts/{ap}", {"legal_entity": "Acme Sarl", "account_type": "Ar"})
    assert (done["legal_entity"], done["account_type"]) == ("Acme Sarl", "AR")
    status, data = users["dave"].put(f"/api/accounts/{ap}", {"account_type": "loan"})
    assert status == 400
    assert data["error"]["message"] == "field 'account_type': must be one of bank, AP, AR, tax, other, not 'loan'"
    status, data = users["alice"].put(f"/api/accounts/{ap}", {"legal_entity": "Mine"})
    assert status == 403
    audit = owner.ok("GET", "/api/audit")
    (change,) = [r for r in audit if r["action"] == "account.update" and r["entity_id"] == str(ap)]
    assert change["after"]["legal_entity"] == "Acme Sarl" and change["before"]["account_type"] == "AP"


@pytest.mark.parametrize("days, label", [(-3, "0-30"), (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"),
                                         (61, "61-90"), (90, "61-90"), (91, "90+"), (4000, "90+")])
def test_age_buckets(days, label):
    assert aging.bucket(days) == label
    assert aging.escalate(days, carried=False) == (days > 30)
    assert aging.escalate(days, carried=True)


def test_spans_are_said_in_the_largest_whole_unit():
    import datetime as dt

    assert span(dt.timedelta(seconds=59)) == "less than a minute"
    assert span(dt.timedelta(minutes=1, seconds=59)) == "1 minute"
    assert span(dt.timedelta(minutes=30)) == "30 minutes"
    assert span(dt.timedelta(hours=1, minutes=59)) == "1 hour"
    assert span(dt.timedelta(days=3, hours=2)) == "3 days"
