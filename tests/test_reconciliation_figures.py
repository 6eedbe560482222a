import datetime as dt
from decimal import Decimal as D

from tieout.server.reconciliation import compute_figures
from tieout.server.records import BankLine, LedgerLine, MatchGroup

DAY = dt.date(2026, 10, 15)


def test_figures_tie_through_one_sided_items():
    bank = [BankLine("B1", DAY, D("100.00"), "USD"), BankLine("B2", DAY, D("-25.00"), "USD", type="fee"),
            BankLine("B3", DAY, D("985.00"), "USD"), BankLine("B4", DAY, D("1.17"), "USD", type="interest")]
    ledger = [LedgerLine("G1", DAY, D("100.00"), "USD"), LedgerLine("G2", DAY, D("1000.00"), "USD"),
              LedgerLine("G3", DAY, D("-300.00"), "USD"), LedgerLine("G4", DAY, D("450.00"), "USD")]
    matched = [MatchGroup("M1", ("B1",), ("G1",), "r", D(1)),
               MatchGroup("M2", ("B3",), ("G2",), "wire_fee", D(1), amount_difference=D("-15.00"))]
    opening = D("5000.00")
    stmt = opening + sum(b.amount for b in bank)
    gl = opening + sum(g.amount for g in ledger)
    f = compute_figures(stmt, gl, bank, ledger, matched)
    assert f.deposits_in_transit == D("450.00")
    assert f.outstanding_payments == D("-300.00")
    assert f.bank_only_credits == D("1.17")
    assert f.bank_only_debits == D("-25.00")
    assert f.match_differences == D("-15.00")
    assert f.adjusted_bank == stmt + D("150.00")
    assert f.difference == D("0.00")
    assert (f.matched_bank_lines, f.matched_ledger_lines, f.unmatched_bank_lines, f.unmatched_ledger_lines) == (2, 2, 2, 2)
    assert f.match_rate == D("0.5000")


def test_figures_show_a_real_difference():
    bank = [BankLine("B1", DAY, D("100.00"), "USD")]
    ledger = [LedgerLine("G1", DAY, D("100.00"), "USD")]
    matched = [MatchGroup("M1", ("B1",), ("G1",), "r", D(1))]
    f = compute_figures(D("1100.00"), D("1090.00"), bank, ledger, matched)
    assert f.difference == D("10.00")


def test_bank_only_items_settled_by_a_proposal_stay_bank_only_until_posted():
    bank = [BankLine("B1", DAY, D("-25.00"), "USD", type="fee"), BankLine("B2", DAY, D("3.10"), "USD")]
    matched = [MatchGroup("M1", ("B1",), (), "bank_fee_to_expense", D("0.95"), amount_difference=D("-25.00")),
               MatchGroup("M2", ("B2",), (), "interest_to_income", D("0.95"), amount_difference=D("3.10"))]
    f = compute_figures(D("978.10"), D("1000.00"), bank, [], matched)
    assert (f.bank_only_debits, f.bank_only_credits, f.match_differences) == (D("-25.00"), D("3.10"), D(0))
    assert f.difference == D("0.00")
