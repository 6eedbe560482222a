"""The listings built from cursor tuples (services/line_listing.py, matches.listing) answer what the record
builders `bank_dict` / `gl_dict` make of the stored rows, on SQLite and PostgreSQL: amounts written from their
integer units (`units_str`), dates as stored, annotations, pending, matches by key (an undone match's lines
show none), and the match listing's confidence, state and acceptance."""
from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from test_server_kit import app, bank_file, db_url, home, owner_api, pg_cluster  # noqa: F401 (fixtures)
from tieout.server.services import line_listing, lines
from tieout.server.store.models import BankLineRow, GLLineRow, Match
from tieout.server.store.types import money_str, units_str


def test_units_str_writes_what_money_str_writes_of_the_stored_amount():
    rng = random.Random(17)
    values = [0, 1, -1, 50, -50, 99, 100, -100, 10_000, -10_000, 12_345, 1_234_500, -99_999_999, 10 ** 18 - 1]
    values += [rng.randint(-10 ** 18, 10 ** 18) for _ in range(3000)] + [rng.randint(-999, 999) for _ in range(500)]
    for units in values:
        assert units_str(units) == money_str(Decimal(units).scaleb(-4)), units
    assert units_str(None) is None
    assert units_str(-50) == "-0.005" and units_str(1_234_500) == "123.45" and units_str(12_345) == "1.2345"


def _seeded(app, tmp_path):
    api = owner_api(app)
    acc = api.ok("POST", "/api/accounts", {"name": "Operating", "currency": "USD", "bank_account": "ACC-1",
                                           "gl_account": "1000"})["id"]
    rid = api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    status, data = api.upload(rid, bank_file(tmp_path / "jan.txt", [
        ("B1", "2026-01-05", "-10.00", "fee"), ("B2", "2026-01-06", "1234.5", "deposit ≥ €"),
        ("B3", "2026-01-07", "-0.0050", "tiny"), ("B4", "2026-01-08", "40", "=cmd")]))
    assert status == 201, data
    api.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G1", "date": "2026-01-04", "amount": "-10.00", "source": "AP", "counterparty": "Bank"},
        {"line_id": "G2", "date": "2026-01-06", "amount": "1234.50", "reference": "R2", "description": "dep"},
        {"line_id": "G3", "date": "2026-01-09", "amount": "7.25"}]})
    api.ok("POST", f"/api/reconciliations/{rid}/matches", {"bank": ["B1"], "ledger": ["G1"], "reason": "fee"})
    undone = api.ok("POST", f"/api/reconciliations/{rid}/matches", {"bank": ["B2"], "ledger": ["G2"],
                                                                     "reason": "dep"})["key"]
    api.ok("POST", f"/api/reconciliations/{rid}/matches/{undone}/undo", {"reason": "wrong"})
    api.ok("PUT", f"/api/reconciliations/{rid}/unmatched/bank/B3", {"owner": "ann", "due_date": "2026-02-01",
                                                                  "status": "investigating", "notes": "ask"})
    api.ok("PUT", f"/api/reconciliations/{rid}/unmatched/ledger/G3", {"owner": "bob", "notes": "n"})
    return api, rid


def _records(session, model, as_dict, rid):
    keys = dict(session.execute(select(Match.id, Match.key).where(Match.reconciliation_id == rid,
                                                                  Match.undone_at.is_(None))).all())
    return [as_dict(r, keys) for r in session.scalars(select(model).where(model.reconciliation_id == rid)
                                                       .order_by(model.id))]


def test_line_listings_equal_the_record_builders_on_each_backend(app, tmp_path):
    api, rid = _seeded(app, tmp_path)
    with app.extensions["tieout"].store.read() as s:
        bank, gl = _records(s, BankLineRow, lines.bank_dict, rid), _records(s, GLLineRow, lines.gl_dict, rid)
        assert line_listing.bank_rows(s, rid) == bank
        assert line_listing.gl_rows(s, rid) == gl
        assert line_listing.bank_rows(s, rid, only_unmatched=True) == [b for b in bank if b["match"] is None]
        assert line_listing.gl_rows(s, rid, only_unmatched=True) == [g for g in gl if g["match"] is None]
    by_id = {b["line_id"]: b for b in api.ok("GET", f"/api/reconciliations/{rid}/bank-lines")}
    assert [by_id[i]["amount"] for i in ("B1", "B2", "B3", "B4")] == ["-10.00", "1234.50", "-0.005", "40.00"]
    assert by_id["B1"]["match"] == "M000001" and by_id["B2"]["match"] is None  # B2's match was undone
    assert (by_id["B3"]["owner"], by_id["B3"]["due_date"], by_id["B3"]["status"]) == ("ann", "2026-02-01",
                                                                                     "investigating")
    assert by_id["B1"]["date"] == "2026-01-05" and by_id["B4"]["description"] == "=cmd"


def test_match_listing_names_members_confidence_state_and_history(app, tmp_path):
    api, rid = _seeded(app, tmp_path)
    active = api.ok("GET", f"/api/reconciliations/{rid}/matches")
    assert [(m["key"], m["bank"], m["ledger"], m["status"], m["state"], m["confidence"], m["accepted_by"])
            for m in active] == [("M000001", ["B1"], ["G1"], "matched", "accepted", "1.00", "owner")]
    assert active[0]["accepted_at"].endswith("Z") and active[0]["reason"] == "fee"
    history = api.ok("GET", f"/api/reconciliations/{rid}/matches", query_string={"history": "1"})
    assert [(m["key"], m["status"], m["undo_reason"], m["bank"]) for m in history] == [
        ("M000001", "matched", "", ["B1"]), ("M000002", "undone", "wrong", ["B2"])]
