"""One statement per period: a reconciliation takes only its period's lines, with the statement's balances moved
to the period's start and end; a statement of another period is refused; one open reconciliation per account
(on SQLite and PostgreSQL, through the Flask app)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from test_server_kit import (app, bank_file, db_url, home, install_test_importer, owner_api, pg_cluster,  # noqa: F401
                             setup_account, team, vouch)
from tieout.server.records import BankLine, Statement
from tieout.server.statements.period_clip import clip

# a download of 20 December .. 10 February into January's reconciliation
SPAN = [("D1", "2025-12-20", "100.00", "deposit"), ("D2", "2025-12-30", "-40.00", "fee"),
        ("J1", "2026-01-05", "250.00", "deposit Contoso"), ("J2", "2026-01-31", "-80.25", "check 1001"),
        ("F1", "2026-02-03", "500.00", "ATM deposit"), ("F2", "2026-02-10", "-12.00", "monthly fee")]


@pytest.fixture
def people(app):
    install_test_importer()
    owner = owner_api(app)
    users = team(owner, "alice", "bob", "carol")
    acc = setup_account(owner)
    jan = users["alice"].ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
    return owner, users, acc, jan


def test_an_overlapping_download_brings_only_the_periods_lines_and_balances(people, tmp_path):
    owner, u, acc, jan = people
    alice = u["alice"]
    status, data = alice.upload(jan, bank_file(tmp_path / "span.txt", SPAN, opening="1000.00"))
    assert status == 201, data
    lines = alice.ok("GET", f"/api/reconciliations/{jan}/bank-lines")
    assert [x["line_id"] for x in lines] == ["J1", "J2"]
    assert any("4 lines dated 2025-12-20 .. 2026-02-10 are outside the period 2026-01 (2026-01-01 .. 2026-01-31) "
               "and were left out" in w for w in data["warnings"]), data["warnings"]
    (st,) = alice.ok("GET", f"/api/reconciliations/{jan}/statements")
    # 1000 + 100 - 40 on 1 January; + 250 - 80.25 on 31 January (the file closes at 1717.75 on 10 February)
    assert (st["opening_balance"], st["closing_balance"]) == ("1060.00", "1229.75")
    assert (st["period_start"], st["period_end"]) == ("2026-01-01", "2026-01-31")
    figures = alice.ok("GET", f"/api/reconciliations/{jan}")["figures"]
    assert figures["statement_balance"] == "1229.75"


def test_a_statement_of_another_period_is_refused_naming_both(people, tmp_path):
    owner, u, acc, jan = people
    march = [("M1", "2026-03-02", "10.00", "x"), ("M2", "2026-03-30", "-5.00", "y")]
    status, data = u["alice"].upload(jan, bank_file(tmp_path / "march.txt", march, opening="0.00"))
    assert status == 400 and data["error"]["code"] == "out_of_period"
    assert data["error"]["message"] == ("march.txt: statement 1: its lines are dated 2026-03-02 .. 2026-03-30, "
                                        "outside this reconciliation's period 2026-01 (2026-01-01 .. 2026-01-31); "
                                        "nothing was imported")
    assert u["alice"].ok("GET", f"/api/reconciliations/{jan}/bank-lines") == []


def test_one_open_reconciliation_per_account(people, tmp_path):
    owner, u, acc, jan = people
    alice = u["alice"]
    status, data = alice.post("/api/reconciliations", {"account_id": acc, "period": "2026-02"})
    assert status == 409 and data["error"]["code"] == "open_reconciliation"
    assert "already has an open reconciliation (2026-01, #" in data["error"]["message"]
    assert [r["period"] for r in alice.ok("GET", f"/api/reconciliations?account_id={acc}")] == ["2026-01"]
    alice.ok("PUT", f"/api/reconciliations/{jan}/gl-balance", {"balance": "0.00"})
    alice.ok("POST", f"/api/reconciliations/{jan}/workflow/submit", {})
    vouch(u["bob"], jan)  # an empty month fails review checks: the reviewer says why it may be approved
    for api, action in ((u["bob"], "review"), (u["carol"], "approve")):
        api.ok("POST", f"/api/reconciliations/{jan}/workflow/{action}", {})
    assert alice.post("/api/reconciliations", {"account_id": acc, "period": "2026-02"})[0] == 201


def _line(day: str, amount: str, pending: bool = False) -> BankLine:
    return BankLine(day, dt.date.fromisoformat(day), Decimal(amount), "USD", pending=pending)


def test_clip_moves_each_stated_balance_and_invents_none():
    st = Statement("A", "USD", Decimal("100"), None, (_line("2026-01-30", "5"), _line("2026-02-02", "7"),
                                                      _line("2026-01-31", "1", pending=True)))
    cut = clip(st, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert [ln.line_id for ln in cut.statement.lines] == ["2026-02-02"]
    assert cut.statement.opening_balance == Decimal("105")  # the pending line moves no balance
    assert cut.statement.closing_balance is None  # the file states none: it stays unknown
    assert len(cut.left_out) == 2 and not cut.outside_only
    inside = clip(st, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert inside.statement is st and inside.left_out == ()
    assert clip(st, dt.date(2026, 3, 1), dt.date(2026, 3, 31)).outside_only
