"""POST /api/reconciliations/<id>/transactions/post over real HTTP (waitress on loopback, each backend):
GL lines, GL balance, posted marks and matches made in one change with one audit row; posting again posts
nothing twice; a failure at any step leaves the reconciliation exactly as it was."""
from __future__ import annotations

from decimal import Decimal

import pytest

from test_server_kit import (Api, bank_file, db_url, install_test_importer, pg_cluster,  # noqa: F401 (fixtures)
                             setup_account, team)

BANK = [("B1", "2026-01-05", "100.00", "deposit"), ("B2", "2026-01-31", "-25.00", "MONTHLY SERVICE FEE"),
        ("B3", "2026-01-12", "980.00", "wire net of fee"), ("B4", "2026-01-20", "50.00", "refund")]
GL = [("G1", "2026-01-05", "100.00"), ("G3", "2026-01-11", "1000.00"), ("G4", "2026-01-19", "50.00")]


@pytest.fixture
def live(tmp_path, monkeypatch, db_url):  # noqa: F811 (the kit's fixture)
    """The real server (waitress) in a thread, on a free loopback port, over the parametrized database."""
    from tieout.server.app.serve import running

    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TIEOUT_DATABASE_URL", raising=False)
    install_test_importer()
    with running({"LOCAL_USER": "owner", "MODE": "team", "DATABASE_URL": db_url}) as (base, app):
        api = Api(base, app.extensions["tieout"].token)
        yield api
        api.session.close()  # waitress's loop ends once no kept-alive connection is left open


def _rec(owner: Api, tmp_path) -> tuple[dict[str, Api], int, dict]:
    """Alice's January: B1=G1 matched, B3 (980.00) matched to G3 (1000.00) with a 20.00 difference, B2 and
    B4 open, G4 open, GL balance 1150.00; transactions: the fee for B2, the wire fee for B3's match, a
    refund part for B4 (amount differs: not matched) and an accrual with no bank line. Returns the users
    (alice prepares, bob reviews), the reconciliation and the transactions' ids."""
    users = team(owner, "alice", "bob", "carol")
    alice = users["alice"]
    acc = setup_account(owner)
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    status, data = alice.upload(rid, bank_file(tmp_path / "jan.txt", BANK, opening="0.00"))
    assert status == 201, data
    base = f"/api/reconciliations/{rid}"
    alice.ok("POST", base + "/gl-lines", {"lines": [{"line_id": i, "date": d, "amount": a} for i, d, a in GL]})
    alice.ok("PUT", base + "/gl-balance", {"balance": "1150.00"})
    alice.ok("POST", base + "/matches", {"bank": ["B1"], "ledger": ["G1"], "reason": "deposit"})
    alice.ok("POST", base + "/matches", {"bank": ["B3"], "ledger": ["G3"], "reason": "wire",
                                         "allow_difference": True})
    ids = {}
    for name, amount, bank_line, account in (("fee", "-25.00", "B2", "6100 Bank charges"),
                                             ("wire_fee", "-20.00", "B3", "6100 Bank charges"),
                                             ("refund_part", "-5.00", "B4", "4000 Sales"),
                                             ("accrual", "12.34", "", "2100 Accruals")):
        ids[name] = alice.ok("POST", base + "/transactions", {
            "date": "2026-01-31", "amount": amount, "gl_account": account, "description": name,
            "bank_line_id": bank_line, "kind": "cash entry"})["id"]
    return users, rid, ids


def _snapshot(api: Api, rid: int) -> dict:
    base = f"/api/reconciliations/{rid}"
    return {"gl": api.ok("GET", base + "/gl-lines"), "bank": api.ok("GET", base + "/bank-lines"),
            "matches": api.ok("GET", base + "/matches?history=1"),
            "gl_balance": api.ok("GET", base)["gl_balance"], "txns": api.ok("GET", base + "/transactions"),
            "audit": len(api.ok("GET", f"/api/audit?reconciliation_id={rid}&limit=1000"))}


def _audit(api: Api, rid: int) -> list[dict]:
    return api.ok("GET", f"/api/audit?reconciliation_id={rid}&limit=1000")


def test_post_moves_balance_matches_and_posts_nothing_twice(live, tmp_path):
    users, rid, ids = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    audit_before = len(_audit(alice, rid))

    first = alice.ok("POST", base + "/transactions/post",
                     {"transaction_ids": [ids["wire_fee"], ids["fee"]]})
    from jsonschema import Draft202012Validator

    doc = alice.ok("GET", "/api/openapi.json")
    schema = Draft202012Validator({"$ref": "#/components/schemas/TransactionsPosted", **doc})
    schema.validate(first)
    assert (first["count"], first["total"], first["gl_balance"], first["matched"]) == (2, "-45.00", "1105.00", 2)
    assert first["already_posted"] == []
    by_id = {p["id"]: p for p in first["posted"]}
    assert sorted(by_id) == sorted([ids["fee"], ids["wire_fee"]])
    assert by_id[ids["fee"]]["line_id"] == f"NT-{ids['fee']}" and by_id[ids["fee"]]["replaced_match"] is None
    # the wire's match keeps its key: the posted fee line joins it (a write-off memo names it before and after)
    assert (by_id[ids["wire_fee"]]["match"], by_id[ids["wire_fee"]]["replaced_match"]) == ("M000002", None)

    gl = {g["line_id"]: g for g in alice.ok("GET", base + "/gl-lines")}
    fee_line = gl[f"NT-{ids['fee']}"]
    assert (fee_line["amount"], fee_line["date"], fee_line["source"], fee_line["counterparty"]) == (
        "-25.00", "2026-01-31", "Tieout", "6100 Bank charges")
    assert fee_line["reference"] == f"Tieout cash entry {ids['fee']}"
    matches = {m["key"]: m for m in alice.ok("GET", base + "/matches?history=1")}
    fee_match = matches[by_id[ids["fee"]]["match"]]
    assert (fee_match["bank"], fee_match["ledger"], fee_match["status"]) == (
        ["B2"], [f"NT-{ids['fee']}"], "matched")
    wire = matches[by_id[ids["wire_fee"]]["match"]]
    assert (wire["bank"], wire["ledger"]) == (["B3"], sorted(["G3", f"NT-{ids['wire_fee']}"]))
    assert wire["reason"] == f"wire; posted new transaction NT-{ids['wire_fee']} (cash entry)"
    assert matches["M000002"]["status"] == "matched" and len(matches) == 3  # nothing undone, no new key

    rows = _audit(alice, rid)
    assert len(rows) == audit_before + 1  # one change, one audit row
    post_row = next(r for r in rows if r["action"] == "transactions.post")
    assert (post_row["actor"], str(post_row["entity_id"])) == ("alice", str(rid))

    second = alice.ok("POST", base + "/transactions/post", {})  # all the rest
    assert (second["count"], second["total"], second["gl_balance"], second["matched"]) == (2, "7.34", "1112.34", 0)
    assert sorted(second["already_posted"]) == sorted([ids["fee"], ids["wire_fee"]])
    assert {p["id"]: p["match"] for p in second["posted"]} == {ids["refund_part"]: None, ids["accrual"]: None}
    gl = {g["line_id"]: g for g in alice.ok("GET", base + "/gl-lines")}
    assert gl[f"NT-{ids['refund_part']}"]["match"] is None and gl[f"NT-{ids['accrual']}"]["amount"] == "12.34"
    assert len(gl) == len(GL) + 4

    before = _snapshot(alice, rid)
    third = alice.ok("POST", base + "/transactions/post", {})
    for answer in (second, third):
        schema.validate(answer)
    assert (third["count"], third["posted"], third["total"], third["gl_balance"]) == (0, [], "0.00", "1112.34")
    assert sorted(third["already_posted"]) == sorted(ids.values())
    assert _snapshot(alice, rid) == before  # nothing twice, not even an audit row
    again = alice.ok("POST", base + "/transactions/post", {"transaction_ids": [ids["fee"]]})
    assert again["count"] == 0 and again["already_posted"] == [ids["fee"]]
    assert _snapshot(alice, rid) == before
    assert alice.ok("GET", "/api/audit/verify")["intact"] is True


def test_a_missing_bank_line_fails_the_whole_posting(live, tmp_path):
    users, rid, ids = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    bad = alice.ok("POST", base + "/transactions", {"date": "2026-01-31", "amount": "-1.00", "gl_account": "6100",
                                                    "bank_line_id": "B99", "description": "ghost"})["id"]
    before = _snapshot(alice, rid)
    status, data = alice.post(base + "/transactions/post", {})
    assert status == 400 and data["error"]["code"] == "bad_input"
    assert data["error"]["message"] == (f"transaction {bad}, field 'bank_line_id': bank line 'B99' is not in this "
                                        "reconciliation; nothing was posted")
    # the fee and the wire fee were posted and matched before the ghost was reached: all rolled back
    assert _snapshot(alice, rid) == before
    ok = alice.ok("POST", base + "/transactions/post", {"transaction_ids": list(ids.values())})
    assert (ok["count"], ok["total"], ok["gl_balance"], ok["matched"]) == (4, "-37.66", "1112.34", 2)


def test_a_crash_inside_leaves_lines_balance_and_matches_as_they_were(live, tmp_path, monkeypatch):
    from tieout.server.services import posting

    users, rid, ids = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    real, calls = posting.match_posted, []

    def crash_on_second(ch, rec, t, line):
        calls.append(t.id)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(ch, rec, t, line)

    monkeypatch.setattr(posting, "match_posted", crash_on_second)
    before = _snapshot(alice, rid)
    status, _ = alice.post(base + "/transactions/post", {})
    assert status == 500 and calls == [ids["fee"], ids["wire_fee"]]
    assert _snapshot(alice, rid) == before
    monkeypatch.setattr(posting, "match_posted", real)
    assert alice.ok("POST", base + "/transactions/post", {})["count"] == 4


def test_posting_refuses_bad_requests_and_submitted_reconciliations(live, tmp_path):
    users, rid, ids = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    for payload in ({"transaction_ids": "all"}, {"transaction_ids": []}, {"transaction_ids": [True]},
                    {"transaction_ids": [ids["fee"], ids["fee"]]}):
        status, data = alice.post(base + "/transactions/post", payload)
        assert status == 400 and "field 'transaction_ids'" in data["error"]["message"], payload
    status, data = alice.post(base + "/transactions/post", {"transaction_ids": [ids["fee"], 999]})
    assert status == 404 and "transaction(s) 999" in data["error"]["message"]
    empty = alice.ok("POST", base + "/transactions", {"date": "2026-01-31", "amount": "0", "gl_account": ""})["id"]
    before = _snapshot(alice, rid)
    status, data = alice.post(base + "/transactions/post", {})
    assert status == 400 and data["error"]["message"] == (
        f"nothing was posted: transaction {empty}, field 'gl_account': is empty; "
        f"transaction {empty}, field 'amount': is 0.00")
    assert _snapshot(alice, rid) == before
    status, data = users["bob"].post(base + "/transactions/post", {"transaction_ids": [ids["fee"]]})  # a reviewer
    assert status == 403 and data["error"]["message"] == "bob is not a preparer of this account"
    alice.ok("DELETE", f"{base}/transactions/{empty}")
    alice.ok("POST", f"{base}/workflow/submit", {})
    before = _snapshot(alice, rid)
    status, data = alice.post(base + "/transactions/post", {})
    assert status == 409 and data["error"]["code"] == "locked"
    assert _snapshot(alice, rid) == before


def test_amounts_add_up_exactly(live, tmp_path):
    """Many small amounts: the balance moves by exactly their sum (no float anywhere)."""
    users, rid, _ = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("-0.07"), Decimal("1234567.89"), Decimal("-0.01")]
    for a in amounts:
        alice.ok("POST", base + "/transactions", {"date": "2026-01-15", "amount": str(a), "gl_account": "9000"})
    out = alice.ok("POST", base + "/transactions/post", {})
    expected = Decimal("-37.66") + sum(amounts)
    assert Decimal(out["total"]) == expected and out["count"] == 4 + len(amounts)
    assert Decimal(alice.ok("GET", base)["gl_balance"]) == Decimal("1150.00") + expected


def test_a_posted_transaction_can_no_longer_be_edited_or_deleted(live, tmp_path):
    users, rid, ids = _rec(live, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    alice.ok("POST", base + "/transactions/post", {"transaction_ids": [ids["fee"]]})
    before = _snapshot(alice, rid)
    status, data = alice.put(f"{base}/transactions/{ids['fee']}", {"amount": "-30.00"})
    assert status == 409 and data["error"]["code"] == "posted"
    assert f"posted as GL line NT-{ids['fee']}" in data["error"]["message"]
    status, data = alice.delete(f"{base}/transactions/{ids['fee']}")
    assert status == 409 and data["error"]["code"] == "posted"
    assert _snapshot(alice, rid) == before
    alice.ok("PUT", f"{base}/transactions/{ids['accrual']}", {"amount": "12.35"})  # not posted: still editable
