"""Work in proportion to what changed (issue 17), on the server's side: a listing or review answer is kept by
its ETag and sent again, byte for byte, to a client that sends no tag, until a change makes a new tag; the
review's pair evidence is measured once per set of inputs (accepting matches leaves it as it was); accepting
every proposed match is one statement and gives the same answer and rows as accepting them in chunks. A real
server on loopback, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from test_review_server import _january, _team  # noqa: F401
from test_server_data_versions import _get, served  # noqa: F401 (fixture)
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)
from test_server_match_acceptance import auto, make_rec, matches, server  # noqa: F401 (fixture)
from tieout.server.review.checks import pair_evidence as pe
from tieout.server.review.facts import Item, MatchFacts
from tieout.server.services import matches as match_service
from tieout.server.store.memo import Memo
from tieout.server.store.models import Match


def _raw(api, path: str) -> bytes:
    r = api.session.get(api.target + path, headers={"Authorization": f"Bearer {api.token}"}, timeout=120)
    assert r.status_code == 200, (path, r.status_code)
    return r.content


def test_an_unchanged_answer_is_sent_again_without_being_built_and_a_change_builds_the_new_one(served, tmp_path):
    owner, app = served
    answers = app.extensions["tieout"].store.answers
    users, acc, rid, base = _january(owner, tmp_path)
    alice = users["alice"]
    first = {name: _raw(alice, f"{base}/{name}") for name in ("bank-lines", "matches", "review")}
    built = answers.computed
    again = {name: _raw(alice, f"{base}/{name}") for name in first}
    assert again == first and answers.computed == built  # no tag sent, nothing changed: the same bytes, kept

    alice.ok("PUT", f"{base}/unmatched/bank/B2", {"owner": "alice", "notes": "bank fee"})
    after = {name: _raw(alice, f"{base}/{name}") for name in first}
    assert after["matches"] == first["matches"]  # a note on a line is not a match
    assert after["bank-lines"] != first["bank-lines"] and after["review"] != first["review"]
    assert answers.computed == built + 2  # the bank lines and the review, built once each
    b2 = {ln["line_id"]: ln for ln in _get(alice, f"{base}/bank-lines")[2]}["B2"]
    assert b2["notes"] == "bank fee"


def test_answers_are_kept_within_their_byte_budget():
    memo = Memo(size=5, weigh=len, budget=10)
    assert memo.get("a", lambda: b"123456") == b"123456"
    memo.get("b", lambda: b"1234")
    assert len(memo) == 2
    memo.get("c", lambda: b"12")  # 12 bytes: the oldest goes
    assert len(memo) == 2 and memo.get("a", lambda: b"new") == b"new"
    memo.get("d", lambda: b"x" * 11)  # beyond the whole budget: answered, not kept
    assert memo.get("d", lambda: b"again") == b"again"


def _item(side: str, line_id: str, amount: str, reference: str = "", description: str = "",
          counterparty: str = "") -> Item:
    return Item(side, line_id, dt.date(2026, 3, 10), Decimal(amount), "USD", reference, description,
                "other" if side == "bank" else "", counterparty)


def test_pair_evidence_is_measured_once_per_set_of_inputs(monkeypatch):
    monkeypatch.setattr(pe, "_KEPT", Memo(size=2))
    measured = []
    compute = pe._compute
    monkeypatch.setattr(pe, "_compute", lambda *args: measured.append(1) or compute(*args))
    bank = [_item("bank", "B1", "-100.00", "INV-2001", "PAYMENT GLOBEX CORP")]
    ledger = [_item("ledger", "G1", "-100.00", "INV-2001", counterparty="Acme Corp"),
              _item("ledger", "G3", "-5.00", counterparty="Globex Corporation")]
    proposed = MatchFacts("M1", "auto", "r", Decimal(1), "", "a", None, (bank[0],), (ledger[0],))
    accepted = MatchFacts("M1", "auto", "r", Decimal(1), "", "a", "alice", (bank[0],), (ledger[0],))
    first = pe.pair_evidence((proposed,), bank, ledger)
    assert first["M1"].contradicted and len(measured) == 1
    assert pe.pair_evidence((accepted,), list(bank), list(ledger)) == first and len(measured) == 1

    renamed = [_item("bank", "B1", "-100.00", "INV-2001", "PAYMENT ACME CORP")]
    other = pe.pair_evidence((MatchFacts("M1", "auto", "r", Decimal(1), "", "a", None, (renamed[0],),
                                         (ledger[0],)),), renamed, ledger)
    assert len(measured) == 2 and not other["M1"].contradicted  # another text: measured again


@pytest.mark.parametrize("by_key", [True, False])
def test_accepting_every_proposed_match_in_one_statement_gives_what_chunks_give(server, tmp_path, monkeypatch,
                                                                                by_key):
    owner, app = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    auto(alice, rid)
    proposed = sorted(k for k, m in matches(alice, rid).items() if m["state"] == "proposed")
    assert len(proposed) >= 2
    monkeypatch.setattr(match_service, "IN_CHUNK", 1)  # two or more proposed: the one-statement path
    out = alice.ok("POST", f"/api/reconciliations/{rid}/matches/accept", {"keys": proposed} if by_key else {})
    assert out["accepted"] == proposed and out["count"] == len(proposed) and out["already_accepted"] == []
    listed = matches(alice, rid)
    assert all(listed[k]["state"] == "accepted" and listed[k]["accepted_by"] == "alice" for k in proposed)
    with app.extensions["tieout"].store.read() as s:
        stamps = set(s.scalars(select(Match.accepted_at).where(Match.reconciliation_id == rid,
                                                               Match.key.in_(proposed))))
    assert len(stamps) == 1 and None not in stamps
    again = alice.ok("POST", f"/api/reconciliations/{rid}/matches/accept", {"keys": proposed})
    assert again["accepted"] == [] and again["already_accepted"] == proposed
