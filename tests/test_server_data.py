"""Data of a reconciliation through the API: statements, GL lines, matches (manual, auto, undone),
unmatched items, new transactions, and the figures (the same as server/reconciliation.py computes)."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from test_server_kit import (app, db_url, home, owner_api, pg_cluster, setup_account, team,  # noqa: F401
                             bank_file, wait_job)

BANK = [("B1", "2026-01-03", "250.00", "deposit Contoso"), ("B2", "2026-01-06", "-80.25", "check 1001"),
        ("B3", "2026-01-09", "-12.00", "monthly fee"), ("B4", "2026-01-15", "990.00", "wire net of fee")]
GL = [{"line_id": "G1", "date": "2026-01-02", "amount": "250.00"},
      {"line_id": "G2", "date": "2026-01-04", "amount": "-80.25"},
      {"line_id": "G3", "date": "2026-01-14", "amount": "1000.00"},
      {"line_id": "G4", "date": "2026-01-30", "amount": "400.00", "description": "deposit in transit"}]


@pytest.fixture
def rec(app, tmp_path):
    owner = owner_api(app)
    u = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner)
    alice = u["alice"]
    rid = alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return owner, alice, rid, tmp_path


def test_statement_import_stores_every_line_and_balance(rec):
    owner, alice, rid, tmp = rec
    status, data = alice.upload(rid, bank_file(tmp / "jan.txt", BANK, opening="5000.00"))
    assert status == 201, data
    assert data["statements"][0] == {"statement": 1, "account": "ACC-1", "currency": "USD",
                                     "opening_balance": "5000.00", "closing_balance": "6147.75", "count": 4,
                                     "total": "1147.75"}
    lines = alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")
    assert [(ln["line_id"], ln["amount"]) for ln in lines] == [(b[0], b[2]) for b in BANK]
    assert sum(Decimal(ln["amount"]) for ln in lines) == Decimal("1147.75")
    assert alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]["statement_balance"] == "6147.75"
    assert not list((owner.target.application.config["TIEOUT_HOME"] / "uploads").iterdir())  # temp file gone


def test_bad_file_names_line_and_field_and_stores_nothing(rec):
    owner, alice, rid, tmp = rec
    f = bank_file(tmp / "bad.txt", BANK[:2] + [("B3", "2026-13-01", "1.00", "x")], opening="0")
    audit_before = owner.ok("GET", "/api/audit?limit=5000")
    status, data = alice.upload(rid, f)
    assert status == 400 and data["error"]["code"] == "bad_file"
    assert data["error"]["message"] == "bad.txt: line 4, field 'date': not a date: '2026-13-01'"
    assert alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines") == []
    assert owner.ok("GET", "/api/audit?limit=5000") == audit_before


def test_a_statement_that_does_not_balance_is_imported_with_its_finding(rec):
    """Its own figures disagree: imported (the bank's record all the same) with the finding, which Submit waits
    for; `strict` still refuses it."""
    from tieout.server.errors import BankFileError
    from tieout.server.importers import import_file
    from tieout.server.importers.base import ImportOptions

    owner, alice, rid, tmp = rec
    unbalanced = bank_file(tmp / "unbalanced.txt", BANK, opening="0", closing="1.00")
    status, data = alice.upload(rid, unbalanced)
    assert status == 201 and len(alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")) == len(BANK)
    (found,) = data["findings"]
    assert found["code"] == "balance_mismatch" and found["state"] == "open"
    assert (found["figures"]["lines_total"], found["figures"]["closing_balance"], found["figures"]["difference"]) \
        == ("1147.75", "1.00", "-1146.75")
    status, refused = alice.post(f"/api/reconciliations/{rid}/workflow/submit", {})
    assert status == 409 and refused["error"]["code"] == "unacknowledged_findings"
    with pytest.raises(BankFileError, match="does not balance"):
        import_file(unbalanced, options=ImportOptions(strict=True))


def test_same_statement_twice_and_foreign_currency_are_refused(rec):
    owner, alice, rid, tmp = rec
    f = bank_file(tmp / "jan.txt", BANK)
    assert alice.upload(rid, f)[0] == 201
    status, data = alice.upload(rid, f)
    assert status == 400 and "already imported" in data["error"]["message"]
    status, data = alice.upload(rid, bank_file(tmp / "eur.txt", [("E1", "2026-01-03", "1.00", "x")],
                                                   currency="EUR"))
    assert status == 400 and "currency EUR is not the account's currency USD" in data["error"]["message"]
    status, data = alice.upload(rid, bank_file(tmp / "other.txt", [("O1", "2026-01-03", "1.00", "x")],
                                                   account="ACC-2"))
    assert status == 400 and "bank account ACC-2 is not this account's ACC-1" in data["error"]["message"]
    assert len(alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")) == 4


def test_gl_lines_all_or_none_with_every_bad_line_named(rec):
    owner, alice, rid, _ = rec
    status, data = alice.post(f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-02", "amount": "1.00"},
        {"line_id": "G2", "date": "2026/01/02", "amount": "1.00"},
        {"line_id": "G3", "date": "2026-01-02", "amount": "abc"},
        {"line_id": "G1", "date": "2026-01-02", "amount": "1.00"},
        {"line_id": "G5", "date": "2026-01-02", "amount": "1.00", "currency": "EUR"}]})
    assert status == 400
    msg = data["error"]["message"]
    assert msg.startswith("4 bad GL line(s), nothing was added")
    for part in ("line 2, field 'date'", "line 3, field 'amount'", "line 4, field 'line_id': 'G1' already exists",
                 "line 5, field 'currency': EUR differs"):
        assert part in msg
    assert alice.ok("GET", f"/api/reconciliations/{rid}/gl-lines") == []


def test_gl_line_edit_and_delete(rec):
    owner, alice, rid, _ = rec
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": GL})
    edited = alice.ok("PUT", f"/api/reconciliations/{rid}/gl-lines/G3", {"amount": "990.00", "reference": "W-77"})
    assert (edited["amount"], edited["reference"], edited["date"]) == ("990.00", "W-77", "2026-01-14")
    assert alice.call("DELETE", f"/api/reconciliations/{rid}/gl-lines/G4")[0] == 204
    assert [g["line_id"] for g in alice.ok("GET", f"/api/reconciliations/{rid}/gl-lines")] == ["G1", "G2", "G3"]
    assert alice.call("DELETE", f"/api/reconciliations/{rid}/gl-lines/G4")[0] == 404
    last = owner.ok("GET", f"/api/audit?reconciliation_id={rid}")[-2:]
    assert last[0]["before"]["amount"] == "1000.00" and last[0]["after"]["amount"] == "990.00"
    assert last[1]["action"] == "gl_line.delete" and last[1]["before"]["line_id"] == "G4"


def _load(alice, rid, tmp):
    assert alice.upload(rid, bank_file(tmp / "jan.txt", BANK, opening="5000.00"))[0] == 201
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": GL})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "6569.75"})


def test_manual_match_needs_reason_and_equal_amounts_unless_allowed(rec):
    owner, alice, rid, tmp = rec
    _load(alice, rid, tmp)
    status, data = alice.post(f"/api/reconciliations/{rid}/matches", {"bank": ["B1"], "ledger": ["G1"]})
    assert status == 400 and "field 'reason': is required" in data["error"]["message"]
    status, data = alice.post(f"/api/reconciliations/{rid}/matches",
                              {"bank": ["B4"], "ledger": ["G3"], "reason": "wire"})
    assert status == 400 and data["error"]["code"] == "amounts_differ" and "-10.00" in data["error"]["message"]
    m = alice.ok("POST", f"/api/reconciliations/{rid}/matches",
                 {"bank": ["B4"], "ledger": ["G3"], "reason": "wire net of 10.00 fee", "allow_difference": True})
    assert m["amount_difference"] == "-10.00" and m["key"] == "M000001"
    status, data = alice.post(f"/api/reconciliations/{rid}/matches",
                              {"bank": ["B4"], "ledger": ["G1"], "reason": "again", "allow_difference": True})
    assert status == 409 and data["error"]["code"] == "already_matched"
    fig = alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]
    assert fig["match_differences"] == "-10.00" and fig["matched_groups"] == 1


def test_auto_match_then_undo_all_shows_unreconciled_with_history(rec):
    owner, alice, rid, tmp = rec
    # two pairs any matcher must find (same date, amount and reference), one line on each side alone
    bank = [("B1", "2026-01-03", "250.00", "INV-881"), ("B2", "2026-01-06", "-80.25", "CHK 1001"),
            ("B3", "2026-01-09", "-12.00", "service charge")]
    assert alice.upload(rid, bank_file(tmp / "jan.txt", bank))[0] == 201
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-03", "amount": "250.00", "reference": "INV-881"},
        {"line_id": "G2", "date": "2026-01-06", "amount": "-80.25", "reference": "CHK 1001"},
        {"line_id": "G4", "date": "2026-01-30", "amount": "400.00", "description": "deposit in transit"}]})
    job = alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=60")
    assert job["status"] == "Done" and job["progress"] == 100, job
    matches = alice.ok("GET", f"/api/reconciliations/{rid}/matches")
    assert len(matches) == job["detail"]["matched_groups"]
    pairs = {(tuple(m["bank"]), tuple(m["ledger"])) for m in matches}
    assert {(("B1",), ("G1",)), (("B2",), ("G2",))} <= pairs  # (the engine may also settle B3 as a bank fee)
    assert all(m["reason"] and m["kind"] == "auto" for m in matches)
    summary = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert summary["unreconciled"] is False and summary["figures"]["matched_bank_lines"] >= 2
    for m in matches:
        alice.ok("POST", f"/api/reconciliations/{rid}/matches/{m['key']}/undo", {"reason": "wrong period"})
    summary = alice.ok("GET", f"/api/reconciliations/{rid}")
    assert summary["unreconciled"] is True and summary["figures"]["matched_groups"] == 0
    history = alice.ok("GET", f"/api/reconciliations/{rid}/matches?history=1")
    assert [(h["key"], h["status"], h["undo_reason"]) for h in history] == [
        (m["key"], "undone", "wrong period") for m in matches]
    status, data = alice.post(f"/api/reconciliations/{rid}/matches/M000001/undo", {})
    assert status == 409 and data["error"]["code"] == "already_undone"
    unmatched = alice.ok("GET", f"/api/reconciliations/{rid}/unmatched")
    assert len(unmatched["bank"]) == 3 and len(unmatched["ledger"]) == 3


def test_unmatched_annotations_and_transactions(rec):
    owner, alice, rid, tmp = rec
    _load(alice, rid, tmp)
    line = alice.ok("PUT", f"/api/reconciliations/{rid}/unmatched/bank/B3",
                    {"owner": "alice", "due_date": "2026-02-05", "status": "investigating", "notes": "fee?"})
    assert (line["owner"], line["due_date"], line["status"]) == ("alice", "2026-02-05", "investigating")
    status, data = alice.put(f"/api/reconciliations/{rid}/unmatched/bank/B3", {"status": "lost"})
    assert status == 400 and "must be one of open, investigating, resolved" in data["error"]["message"]
    t = alice.ok("POST", f"/api/reconciliations/{rid}/transactions",
                 {"date": "2026-01-09", "amount": "-12.00", "gl_account": "6100", "description": "bank fee",
                  "bank_line_id": "B3"})
    t2 = alice.ok("PUT", f"/api/reconciliations/{rid}/transactions/{t['id']}", {"amount": "-12.50"})
    assert t2["amount"] == "-12.50" and t2["gl_account"] == "6100"
    assert alice.call("DELETE", f"/api/reconciliations/{rid}/transactions/{t['id']}")[0] == 204
    assert alice.ok("GET", f"/api/reconciliations/{rid}/transactions") == []


def test_figures_agree_with_the_engine_formula(rec):
    from tieout.server.reconciliation import compute_figures
    from tieout.server.records import BankLine, LedgerLine, MatchGroup

    owner, alice, rid, tmp = rec
    rng = random.Random(7)
    bank_rows, gl_rows = [], []
    for i in range(60):
        amount = Decimal(rng.randint(-50000, 90000)) / 100
        day = dt.date(2026, 1, 1 + i % 28)
        bank_rows.append((f"B{i}", day.isoformat(), str(amount), "x"))
        if rng.random() < 0.7:
            gl_rows.append({"line_id": f"G{i}", "date": day.isoformat(), "amount": str(amount)})
    for i in range(10):
        gl_rows.append({"line_id": f"GX{i}", "date": "2026-01-30", "amount": f"{rng.randint(1, 999)}.{i}5"})
    alice.upload(rid, bank_file(tmp / "r.txt", bank_rows, opening="1234.56"))
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": gl_rows})
    alice.ok("PUT", f"/api/reconciliations/{rid}/gl-balance", {"balance": "4321.09"})
    alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=60")
    free = alice.ok("GET", f"/api/reconciliations/{rid}/unmatched")["bank"][0]["line_id"]
    alice.ok("POST", f"/api/reconciliations/{rid}/matches", {"bank": [free], "ledger": ["GX1"], "reason": "r",
                                                            "allow_difference": True})
    got = alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]
    bank = [BankLine(b["line_id"], dt.date.fromisoformat(b["date"]), Decimal(b["amount"]), "USD")
            for b in alice.ok("GET", f"/api/reconciliations/{rid}/bank-lines")]
    gl = [LedgerLine(g["line_id"], dt.date.fromisoformat(g["date"]), Decimal(g["amount"]), "USD")
          for g in alice.ok("GET", f"/api/reconciliations/{rid}/gl-lines")]
    groups = [MatchGroup(m["key"], tuple(m["bank"]), tuple(m["ledger"]), m["rule"], Decimal(1))
              for m in alice.ok("GET", f"/api/reconciliations/{rid}/matches")]
    closing = Decimal("1234.56") + sum(Decimal(b[2]) for b in bank_rows)
    want = compute_figures(closing, Decimal("4321.09"), bank, gl, groups)
    assert got["matched_groups"] == len(groups) > 1
    assert Decimal(got["adjusted_bank"]) == want.adjusted_bank
    assert Decimal(got["adjusted_gl"]) == want.adjusted_gl
    assert Decimal(got["difference"]) == want.difference


def test_engine_groups_with_proposed_transactions_are_stored(rec, monkeypatch):
    """A bank-only group (a fee) is stored as a match with its proposed new transaction."""
    import tieout.server.matching as matching
    from tieout.server.matching import MatchResult
    from tieout.server.records import MatchGroup, ProposedTransaction

    owner, alice, rid, tmp = rec
    _load(alice, rid, tmp)
    fee = ProposedTransaction(dt.date(2026, 1, 9), Decimal("-12.00"), "USD", "6100", "bank fee", bank_line_id="B3",
                              rule="fee_rule")
    result = MatchResult(
        (MatchGroup("X1", ("B1",), ("G1",), "pair_rule", Decimal("0.99"), reason="same amount and day"),
         MatchGroup("X2", ("B3",), (), "fee_rule", Decimal("0.90"), Decimal("-12.00"), reason="bank fee",
                    proposed=(fee,))),
        (), ("B2", "B4"), ("G2", "G3", "G4"))
    monkeypatch.setattr(matching, "auto_match", lambda bank, ledger, rules=None, forbidden_pairs=(): result)
    job = alice.ok("POST", f"/api/reconciliations/{rid}/auto-match?wait=60")
    assert job["detail"]["matched_groups"] == 2 and job["detail"]["proposed_transactions"] == 1
    assert [(m["bank"], m["ledger"], m["rule"]) for m in alice.ok("GET", f"/api/reconciliations/{rid}/matches")] \
        == [(["B1"], ["G1"], "pair_rule"), (["B3"], [], "fee_rule")]
    txns = alice.ok("GET", f"/api/reconciliations/{rid}/transactions")
    assert [(t["amount"], t["gl_account"], t["bank_line_id"], t["rule"]) for t in txns] == [
        ("-12.00", "6100", "B3", "fee_rule")]
    fig = alice.ok("GET", f"/api/reconciliations/{rid}")["figures"]
    assert fig["match_differences"] == "-12.00" and fig["matched_bank_lines"] == 2


def test_real_bank_files_import_through_the_server(app, corpus, corpus_expected):
    """Every published file of the corpus, uploaded to an account in its currency: lines and sums as expected."""
    owner = owner_api(app)
    for n, (name, want) in enumerate(sorted(corpus_expected.items())):
        currency = want["currency"][0]
        acc = owner.ok("POST", "/api/accounts", {"name": f"acct {n}", "currency": currency})["id"]
        # a reconciliation takes only its period's lines: one whose period is the file's dates
        rid = owner.ok("POST", "/api/reconciliations", {"account_id": acc, "period": f"corpus {n}",
                                                        "period_start": want["first_date"],
                                                        "period_end": want["last_date"]})["id"]
        with open(corpus / name, "rb") as fh:
            status, data = owner.call("POST", f"/api/reconciliations/{rid}/statements",
                                      data={"file": (fh, name.split("/")[-1])}, content_type="multipart/form-data")
        assert status == 201, (name, data)
        assert data["format"] == want["format"], name
        booked = [ln for ln in owner.ok("GET", f"/api/reconciliations/{rid}/bank-lines") if not ln["pending"]]
        assert len(booked) == want["transactions"], name
        assert sum(Decimal(ln["amount"]) for ln in booked) == Decimal(want["sum"]), name
        # the same file again is refused as a duplicate, not imported twice
        with open(corpus / name, "rb") as fh:
            status, data = owner.call("POST", f"/api/reconciliations/{rid}/statements",
                                      data={"file": (fh, "again")}, content_type="multipart/form-data")
        assert status == 400 and "already imported" in data["error"]["message"], name
