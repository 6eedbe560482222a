"""The five review checks through the real server (waitress on loopback, SQLite and PostgreSQL): each check
passing and failing on built reconciliations, the reviewer's tick and comment (audited), Approve refused while
a check fails without a reviewer comment, Submit refused while an escalated item has no owner, and the chart of
accounts the new transactions are checked against."""
from __future__ import annotations

import pytest

from test_server_kit import (Api, bank_file, db_url, home, live_team_server, pg_cluster,  # noqa: F401 (fixtures)
                             setup_account, team)

JAN_BANK = [("B1", "2026-01-05", "100.00", "DEPOSIT ACME"), ("B2", "2026-01-31", "-25.00", "MONTHLY SERVICE FEE"),
            ("B3", "2026-01-12", "980.00", "WIRE IN GLOBEX")]
JAN_GL = [{"line_id": "G1", "date": "2026-01-05", "amount": "100.00", "description": "Acme receipt"},
          {"line_id": "G3", "date": "2026-01-11", "amount": "1000.00", "description": "Globex invoice 7"},
          {"line_id": "G9", "date": "2025-11-20", "amount": "-40.00", "reference": "CHK 1042",
           "description": "check to Initech", "counterparty": "Initech"}]


@pytest.fixture
def live(home, db_url):  # noqa: F811 (the kit's fixtures)
    with live_team_server(home, db_url) as (owner, app):
        owner.made = []
        yield owner
        for user in owner.made:
            user.session.close()  # a kept-alive connection would hold the stopping server for 10 s


def _team(live: Api) -> dict[str, Api]:
    users = team(live, "alice", "bob", "carol")
    live.made.extend(users.values())
    return users


def _checks(api: Api, rid: int) -> dict[str, dict]:
    return {c["id"]: c for c in api.ok("GET", f"/api/reconciliations/{rid}/review")["checks"]}


def _new_rec(owner: Api):
    """alice, bob and carol on a new account; alice's reconciliation of January 2026."""
    users = _team(owner)
    acc = setup_account(owner)
    rid = users["alice"].ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return users, acc, rid, f"/api/reconciliations/{rid}"


def _january(owner: Api, tmp_path):
    """Alice's January: B1=G1 matched by hand, B3 (980.00) matched to G3 (1000.00) with a 20.00 difference and a
    day apart, the bank fee B2 open, the old check G9 (-40.00, 20 Nov) outstanding. GL balance 1060.00."""
    users, acc, rid, base = _new_rec(owner)
    alice = users["alice"]
    status, data = alice.upload(rid, bank_file(tmp_path / "jan.txt", JAN_BANK, opening="0.00"))
    assert status == 201, data
    alice.ok("POST", base + "/gl-lines", {"lines": JAN_GL})
    alice.ok("PUT", base + "/gl-balance", {"balance": "1060.00"})
    alice.ok("POST", base + "/matches", {"bank": ["B1"], "ledger": ["G1"], "reason": "deposit"})
    alice.ok("POST", base + "/matches", {"bank": ["B3"], "ledger": ["G3"], "reason": "wire less fee",
                                         "allow_difference": True})
    return users, acc, rid, base


def test_each_check_reports_its_figures_and_lines_on_a_first_period(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    alice = users["alice"]
    checks = _checks(alice, rid)
    assert list(checks) == ["opening_balance", "prior_items", "unusual_matches", "new_transactions", "balances"]
    assert checks["opening_balance"]["status"] == "attention"  # no prior period to compare with
    assert checks["prior_items"]["status"] == "pass"
    unusual = checks["unusual_matches"]
    assert unusual["status"] == "attention"
    by_key = {ln["ref"]: ln["problem"] for ln in unusual["lines"]}
    assert set(by_key) == {"M000001", "M000002"}  # both manual
    assert "amounts differ by -20.00" in by_key["M000002"] and "manual match by alice" in by_key["M000001"]
    assert "amounts differ" not in by_key["M000001"]
    assert checks["new_transactions"]["status"] == "pass"  # none made
    bal = checks["balances"]
    # statement 1055.00 + unmatched GL -40.00 = 1015.00; GL 1060.00 + unmatched bank -25.00 - 20.00 = 1015.00
    assert bal["figures"]["difference"] == "0.00" and bal["status"] == "pass", bal

    # the fee and the wire fee as new transactions: not posted -> fail; posted to accounts outside the chart -> fail
    t1 = alice.ok("POST", base + "/transactions", {"date": "2026-01-31", "amount": "-25.00", "kind": "cash entry",
                                                   "gl_account": "6100", "description": "fee", "bank_line_id": "B2"})
    c4 = _checks(alice, rid)["new_transactions"]
    assert c4["status"] == "fail" and c4["lines"][0]["problem"] == "not posted"
    alice.ok("POST", base + "/transactions/post", {"transaction_ids": [t1["id"]]})
    c4 = _checks(alice, rid)["new_transactions"]
    assert c4["status"] == "attention" and "no chart of accounts" in c4["detail"]  # posted, chart never sent
    assert "created by alice, posted by alice as NT-" in c4["lines"][0]["text"]
    alice.ok("PUT", f"/api/accounts/{acc}/chart", {"accounts": ["1000", "4000"]})
    c4 = _checks(alice, rid)["new_transactions"]
    assert c4["status"] == "fail" and c4["lines"][0]["problem"] == "GL account 6100 is not in the chart of accounts"
    alice.ok("PUT", f"/api/accounts/{acc}/chart", {"accounts": ["1000", "4000", "6100"]})
    assert _checks(alice, rid)["new_transactions"]["status"] == "pass"
    assert alice.ok("GET", f"/api/accounts/{acc}/chart")["accounts"] == ["1000", "4000", "6100"]

    # the GL balance entered wrong: the adjusted balances disagree -> check 5 fails, naming the difference
    alice.ok("PUT", base + "/gl-balance", {"balance": "1000.00"})
    bal = _checks(alice, rid)["balances"]
    assert bal["status"] == "fail" and "differ by" in bal["detail"], bal


def test_aging_and_escalation_in_the_review(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    alice = users["alice"]
    review = alice.ok("GET", f"{base}/review")
    aging = review["aging"]
    assert aging["as_of"] == "2026-01-31"
    buckets = {(b["side"], b["kind"], b["bucket"]): (b["count"], b["total"]) for b in aging["buckets"]}
    assert buckets[("ledger", "check", "61-90")] == (1, "-40.00")  # G9: 72 days
    assert buckets[("bank", "other", "0-30")] == (1, "-25.00")
    (esc,) = review["escalations"]  # G9 is older than 30 days
    assert esc["line_id"] == "G9" and esc["age_days"] == 72 and esc["missing"] == ["owner", "due date", "status"]
    assert "clearing entry" in esc["decision_required"] and "action plan" in esc["decision_required"]
    assert {e["line_id"] for e in review["unowned"]} == {"B2", "G9"}

    # Submit is refused while an escalated item has no owner or due date, naming it
    status, out = alice.post(f"{base}/workflow/submit", {})
    assert status == 409 and out["error"]["code"] == "items_without_owner" and "ledger G9" in out["error"]["message"]
    alice.ok("PUT", f"{base}/unmatched/ledger/G9", {"owner": "alice", "due_date": "2026-02-15",
                                                   "status": "investigating", "notes": "call Initech"})
    alice.ok("POST", f"{base}/workflow/submit", {})
    (esc,) = alice.ok("GET", f"{base}/review")["escalations"]
    assert esc["missing"] == [] and esc["owner"] == "alice"


def test_approve_is_refused_while_a_check_fails_without_a_reviewer_comment(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    alice.ok("PUT", f"{base}/unmatched/ledger/G9", {"owner": "alice", "due_date": "2026-02-15"})
    alice.ok("POST", base + "/transactions", {"date": "2026-01-31", "amount": "-25.00", "kind": "cash entry",
                                              "gl_account": "6100", "description": "fee", "bank_line_id": "B2"})
    alice.ok("POST", f"{base}/workflow/submit", {})  # the fee is not posted: check 4 fails
    status, out = bob.post(f"{base}/workflow/review", {})
    assert status == 409 and out["error"]["code"] == "review_check_failed", out
    assert "New transactions authorised" in out["error"]["message"]
    # a tick alone is not enough; the preparer may not tick
    status, out = alice.put(f"{base}/review/new_transactions", {"ticked": True, "comment": "fine"})
    assert status == 403
    bob.ok("PUT", f"{base}/review/new_transactions", {"ticked": True})
    assert bob.post(f"{base}/workflow/review", {})[0] == 409
    status, out = bob.put(f"{base}/review/no_such_check", {"ticked": True})
    assert status == 400 and "no_such_check" in out["error"]["message"]
    done = bob.ok("PUT", f"{base}/review/new_transactions", {"ticked": True,
                                                            "comment": "fee posted by the bank feed next month"})
    assert (done["by"], done["ticked"]) == ("bob", True)
    bob.ok("POST", f"{base}/workflow/review", {})
    carol.ok("POST", f"{base}/workflow/approve", {})
    review = carol.ok("GET", f"{base}/review")
    tick = {c["id"]: c["tick"] for c in review["checks"]}["new_transactions"]
    assert tick["comment"] == "fee posted by the bank feed next month" and tick["by"] == "bob"
    assert carol.put(f"{base}/review/new_transactions", {"ticked": False})[0] == 409  # Approved: final
    rows = [r for r in carol.ok("GET", f"/api/audit?reconciliation_id={rid}") if r["action"] == "review.tick"]
    assert [r["actor"] for r in rows] == ["bob", "bob"]


def _approve(users, base: str, comments: dict[str, str] | None = None) -> None:
    users["alice"].ok("POST", f"{base}/workflow/submit", {})
    for check, text in (comments or {}).items():
        users["bob"].ok("PUT", f"{base}/review/{check}", {"ticked": True, "comment": text})
    users["bob"].ok("POST", f"{base}/workflow/review", {})
    users["carol"].ok("POST", f"{base}/workflow/approve", {})


def test_opening_balance_and_prior_items_across_two_periods(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    alice, bob = users["alice"], users["bob"]
    alice.ok("PUT", f"{base}/unmatched/ledger/G9", {"owner": "alice", "due_date": "2026-02-15"})
    _approve(users, base)
    jan = alice.ok("GET", base)
    assert jan["reconciled_balance"] == "1055.00"

    feb = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-02"})["id"]
    fbase = f"/api/reconciliations/{feb}"
    feb_bank = [("F1", "2026-02-03", "-40.00", "CHECK 1042")]
    status, data = alice.upload(feb, bank_file(tmp_path / "feb.txt", feb_bank, opening="1050.00"))
    assert status == 201, data
    c = _checks(alice, feb)
    assert c["opening_balance"]["status"] == "fail"
    assert c["opening_balance"]["figures"] == {"opening_balance": "1050.00", "prior_closing": "1055.00",
                                               "difference": "-5.00"}
    prior = c["prior_items"]  # B2 and G9 were carried forward; both open, G9 without a note, B2 without both
    assert prior["status"] == "fail" and prior["figures"]["unexplained"] == "2"
    assert {ln["ref"] for ln in prior["lines"]} == {"2026-01:B2", "2026-01:G9"}
    alice.ok("POST", f"{fbase}/matches", {"bank": ["F1"], "ledger": ["2026-01:G9"], "reason": "check cleared"})
    alice.ok("PUT", f"{fbase}/unmatched/bank/2026-01:B2", {"owner": "alice", "notes": "fee: clearing entry in Feb"})
    prior = _checks(alice, feb)["prior_items"]
    assert prior["status"] == "pass" and prior["figures"]["cleared"] == "1", prior
    (line,) = bob.ok("GET", f"{fbase}/review")["checks"][0]["lines"]  # the reviewer sees the break on its statement
    assert line["side"] == "statement" and line["amount"] == "1050.00"
    assert line["problem"] == "differs by -5.00 from 2026-01's reconciled closing balance"


def test_an_entered_closing_balance_needs_a_note_and_findings_must_be_acknowledged(live, tmp_path):
    users, acc, rid, base = _new_rec(live)
    alice = users["alice"]
    # a file whose figures disagree: imported with a finding
    status, data = alice.upload(rid, bank_file(tmp_path / "b.txt", [("B1", "2026-01-05", "10.00", "x")],
                                               opening="0.00", closing="12.00"))
    assert status == 201 and data["findings"], data
    alice.ok("PUT", base + "/gl-balance", {"balance": "12.00"})
    bal = _checks(alice, rid)["balances"]
    assert bal["status"] == "fail" and "not acknowledged" in bal["detail"]
    assert [ln["side"] for ln in bal["lines"]] == ["finding"]
    alice.ok("POST", base + "/findings/acknowledge", {"comment": "bank confirmed 12.00"})
    status_after = _checks(alice, rid)["balances"]
    assert "not acknowledged" not in status_after["detail"]


def test_a_closing_balance_entered_by_hand_needs_a_note(live, tmp_path):
    users, acc, rid, base = _new_rec(live)
    alice = users["alice"]
    csv = tmp_path / "export.csv"  # a plain export: no balances in the file
    csv.write_text("Date,Description,Amount\n2026-01-05,Coffee,-4.50\n2026-01-07,Salary,54.50\n", encoding="utf-8")
    status, data = alice.upload(rid, csv, currency="USD", opening="0.00", closing="50.00")
    assert status == 201, data
    alice.ok("PUT", base + "/gl-balance", {"balance": "0.00"})  # both lines are bank-only: adjusted GL 50.00
    bal = _checks(alice, rid)["balances"]
    assert bal["status"] == "fail" and bal["detail"] == ("The closing balance of statement #1 was entered by hand "
                                                         "by alice without a note saying where it comes from."), bal
    (st,) = alice.ok("GET", base + "/statements")
    alice.ok("PUT", f"{base}/statements/{st['id']}/balances",
             {"closing_balance": "50.00", "note": "printed statement of 31 Jan, page 2"})
    bal = _checks(alice, rid)["balances"]
    assert bal["status"] == "pass", bal
