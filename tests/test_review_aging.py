"""Aging, dormancy dates, escalation and the unusual-pair rules of the review, on built records (the server's
path is in test_review_server.py): bucket edges, the unclaimed-property date from the editable dormancy table
(shipped defaults and $TIEOUT_HOME overrides), what is escalated and why, and each reason a pair is unusual."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tieout.server.errors import InputError
from tieout.server.review import settings
from tieout.server.review.aging import add_years, aged_items, bucket_of
from tieout.server.review.checks import unusual_matches
from tieout.server.review.escalation import escalations, unowned
from tieout.server.review.facts import Item, MatchFacts

END = dt.date(2026, 3, 31)


def item(side, line_id, date, amount, **kw) -> Item:
    defaults = {"currency": "USD", "reference": "", "description": "", "kind": "other"}
    return Item(side, line_id, dt.date.fromisoformat(date), Decimal(amount), **{**defaults, **kw})


@pytest.mark.parametrize("age,bucket", [(0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"),
                                        (90, "61-90"), (91, "90+"), (4000, "90+")])
def test_bucket_edges(age, bucket):
    assert bucket_of(age) == bucket


def test_buckets_by_side_and_kind_and_the_stale_checks_with_their_reportable_date():
    items = [item("ledger", "G1", "2025-12-01", "-120.00", reference="CHK 1001", counterparty="Initech LLC"),
             item("ledger", "G2", "2025-12-20", "-80.00", reference="CHK 1002", description="check to Hooli"),
             item("ledger", "G3", "2026-03-30", "-10.00", reference="CHK 1003"),
             item("ledger", "G5", "2026-01-15", "-30.00", reference="CHK 1005"),  # 75 days: not stale yet
             item("ledger", "G4", "2026-02-10", "250.00", kind="AR", description="deposit in transit"),
             item("bank", "B1", "2026-03-15", "-15.00", kind="fee"),
             item("bank", "B2", "2026-03-16", "-5.00", kind="fee")]
    aging = aged_items(items, END, stale_days=90, jurisdiction="US-DE", dormancy_years=5)
    got = {(b.side, b.kind, b.bucket): (b.count, b.total) for b in aging.buckets}
    assert got == {("bank", "fee", "0-30"): (2, Decimal("-20.00")),
                   ("ledger", "AR", "31-60"): (1, Decimal("250.00")),
                   ("ledger", "check", "0-30"): (1, Decimal("-10.00")),
                   ("ledger", "check", "61-90"): (1, Decimal("-30.00")),
                   ("ledger", "check", "90+"): (2, Decimal("-200.00"))}  # 120 and 101 days
    assert [a.line_id for a in aging.stale_checks] == ["G1", "G2"]
    (g1, g2) = aging.unclaimed
    assert (g1.payee, g1.check_number, g1.jurisdiction, g1.dormancy_years) == ("Initech LLC", "1001", "US-DE", 5)
    assert g1.reportable_on == dt.date(2030, 12, 1) and g2.payee == "check to Hooli"
    assert all(isinstance(b.total, Decimal) for b in aging.buckets)


def test_a_check_written_on_29_february_becomes_reportable_on_28_february():
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_the_dormancy_table_ships_defaults_and_the_users_file_overrides_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path))
    shipped = settings.dormancy()
    assert shipped.for_account("Operating") == ("US", 3) and shipped.years["US-DE"] == 5
    (tmp_path / "dormancy.toml").write_text('jurisdiction = "US-NY"\n[years]\n"US-NY" = 4\n'
                                            '[accounts]\n"Payroll DE" = "US-DE"\n', encoding="utf-8")
    mine = settings.dormancy()
    assert mine.for_account("Operating") == ("US-NY", 4)
    assert mine.for_account("Payroll DE") == ("US-DE", 5)  # the shipped years still apply
    (tmp_path / "dormancy.toml").write_text('[accounts]\n"Ops" = "ZZ"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        settings.dormancy()
    assert "dormancy.toml: accounts.Ops: jurisdiction 'ZZ' has no entry under [years]" in err.value.message()
    (tmp_path / "review.toml").write_text("[usual]\ndays = -1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        settings.usual()
    assert "review.toml: usual.days: -1 is not a whole number of days" in err.value.message()


def test_items_older_than_30_days_or_carried_are_escalated_with_the_decision_required():
    items = [item("bank", "B1", "2026-03-01", "-15.00", owner="ann", due_date=END, status="investigating"),
             item("bank", "B2", "2026-02-28", "-15.00"),  # 31 days
             item("ledger", "2026-02:G7", "2026-03-20", "40.00", carried=True, owner="ann")]
    esc = escalations(items, END, after_days=30)
    assert [(e.line_id, e.reasons) for e in esc] == [("B2", ("open 31 days (over 30)",)),
                                                     ("2026-02:G7", ("carried from a prior period",))]
    assert esc[0].missing == ("owner", "due date", "status") and esc[1].missing == ("due date", "status")
    assert "clearing entry" in esc[0].decision_required and "action plan" in esc[0].decision_required
    assert [e.line_id for e in unowned(items, END)] == ["B2", "2026-02:G7"]  # B1 has all three


def _match(bank: list[Item], ledger: list[Item], kind="auto", rule="exact_amount_date_window") -> MatchFacts:
    return MatchFacts("M000001", kind, rule, Decimal("0.9"), "", "alice", "alice", tuple(bank), tuple(ledger))


USUAL = settings.Usual(3, Decimal("0.00"), 40, 30, 90, settings.MappingProxyType({"check_number_exact_amount": 45}))


def test_each_reason_a_pair_is_unusual():
    b = item("bank", "B1", "2026-03-10", "-100.00", description="ACME SUPPLY PAYMENT")
    g = item("ledger", "G1", "2026-03-09", "-100.00", description="Acme supply", counterparty="Acme Supply")
    assert unusual_matches.reasons(_match([b], [g]), USUAL, 90, False) == []
    late = item("ledger", "G1", "2026-03-01", "-100.00")
    assert unusual_matches.reasons(_match([b], [late]), USUAL, None, False) == \
        ["9 days apart (usual for exact_amount_date_window: up to 3)"]
    assert unusual_matches.reasons(_match([b], [late], rule="check_number_exact_amount"), USUAL, None, False) == []
    short = item("ledger", "G1", "2026-03-10", "-99.50")
    assert unusual_matches.reasons(_match([b], [short]), USUAL, None, False) == \
        ["amounts differ by -0.50 (tolerance or write-off)"]
    assert unusual_matches.reasons(_match([b], [g], kind="manual"), USUAL, None, False) == ["manual match by alice"]
    assert unusual_matches.reasons(_match([b], [g]), USUAL, 12, True) == \
        ["text similarity 12 (below 40), no document number or counterparty to back it",
         "the bank text names another counterparty or document number than the GL line's"]
    assert unusual_matches.reasons(_match([b], [g]), USUAL, 12, False, corroborated=True) == []
    fee = item("bank", "B9", "2026-03-31", "-25.00", kind="fee")  # a bank line alone: its new transaction is check 4's
    assert unusual_matches.reasons(_match([fee], []), USUAL, None, False) == []


def test_the_engines_evidence_flags_a_bank_text_naming_another_counterparty():
    from tieout.server.review.checks.pair_evidence import pair_evidence

    bank = [item("bank", "B1", "2026-03-10", "-100.00", reference="INV-2001", description="PAYMENT GLOBEX CORP"),
            item("bank", "B2", "2026-03-11", "-70.00", reference="INV-2002", description="PAYMENT ACME")]
    ledger = [item("ledger", "G1", "2026-03-10", "-100.00", reference="INV-2001", counterparty="Acme Corp"),
              item("ledger", "G2", "2026-03-11", "-70.00", reference="INV-2002", counterparty="Acme Corp"),
              item("ledger", "G3", "2026-03-12", "-5.00", counterparty="Globex Corporation")]
    wrong = MatchFacts("M1", "auto", "r", Decimal(1), "", "a", "a", (bank[0],), (ledger[0],))
    right = MatchFacts("M2", "auto", "r", Decimal(1), "", "a", "a", (bank[1],), (ledger[1],))
    ev = pair_evidence((wrong, right), bank, ledger)
    assert ev["M1"].contradicted and not ev["M2"].contradicted
    assert ev["M2"].corroborated  # the counterparty is named
    assert ev["M1"].similarity == 100  # the references agree: only the counterparty speaks against it
