"""Each kind of rule on hand-built lines, the ambiguity guard, and the evidence every match carries."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from match_data import bank_line, generate, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match, default_rules
from tieout.server.records import ProposedTransaction


def one_rule(**kw) -> RuleSet:
    return RuleSet((Rule(name=kw.pop("name", "test_rule"), priority=1, **kw),))


def pairs(result) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(g.bank_ids, g.ledger_ids) for g in result.matched}


def group_of(result, bank_id):
    (g,) = [g for g in result.matched if bank_id in g.bank_ids]
    return g


def test_check_number_and_exact_amount():
    bank = [bank_line("B1", "2024-03-10", "-500.00", "check", "CHECK 1002", check_number="1002"),
            bank_line("B2", "2024-03-12", "-500.00", "check", "CHECK 1003", check_number="001003")]
    ledger = [ledger_line("L1", "2024-03-01", "-500.00", "1001", "Acme"),
              ledger_line("L2", "2024-03-02", "-500.00", "1002", "Bolt"),
              ledger_line("L3", "2024-03-03", "-500.00", "CHK 1003", "Cord")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L2",)), (("B2",), ("L3",))}
    g = group_of(r, "B1")
    assert g.rule == "check_number_exact_amount" and g.day_difference == 8 and g.amount_difference == 0
    assert "check number agrees" in g.reason and "8 days after ledger" in g.reason
    assert r.unmatched_ledger == ("L1",) and r.unmatched_bank == ()


def test_exact_amount_and_same_reference_picks_the_right_line():
    bank = [bank_line("B1", "2024-03-05", "250.00", "ach", "ACH CREDIT", reference="inv 77")]
    ledger = [ledger_line("L1", "2024-03-04", "250.00", "INV-78"), ledger_line("L2", "2024-03-04", "250.00", "INV-77")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L2",))}
    assert group_of(r, "B1").rule == "exact_amount_same_reference"
    assert group_of(r, "B1").similarity == Decimal("1.00")


def test_reference_found_in_the_bank_text():
    bank = [bank_line("B1", "2024-03-05", "-75.10", "card", "CARD PURCHASE OFFICE DEPOT PO-55123")]
    ledger = [ledger_line("L1", "2024-03-03", "-75.10", "PO-55124"),
              ledger_line("L2", "2024-03-03", "-75.10", "PO 55123")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L2",))}
    assert group_of(r, "B1").rule == "exact_amount_reference_in_text"


def test_ambiguity_guard_ten_identical_payments_to_different_counterparties():
    names = ["Acme", "Bolt", "Cord", "Dune", "Echo", "Flux", "Grit", "Halo", "Iris", "Jade"]
    bank = [bank_line(f"B{i}", "2024-03-05", "-500.00", "other", "PAYMENT") for i in range(10)]
    ledger = [ledger_line(f"L{i}", "2024-03-04", "-500.00", "", n) for i, n in enumerate(names)]
    r = auto_match(bank, ledger)
    assert r.matched == ()
    assert set(r.unmatched_bank) == {f"B{i}" for i in range(10)}
    assert set(r.unmatched_ledger) == {f"L{i}" for i in range(10)}
    # every bank line is a question with its candidates ranked 1..5 (the five listed of ten)
    by_question: dict[str, list] = {}
    for g in r.suggested:
        assert g.status == "suggested" and len(g.bank_ids) == 1 and len(g.ledger_ids) == 1
        by_question.setdefault(g.bank_ids[0], []).append(g)
    assert set(by_question) == {f"B{i}" for i in range(10)}
    for gs in by_question.values():
        assert sorted(int(g.match_id.split("-")[1]) for g in gs) == [1, 2, 3, 4, 5]
        assert len({g.match_id.split("-")[0] for g in gs}) == 1
        assert all("10 equally plausible" in g.reason for g in gs)
    assert r.statistics.bank.rows_suggested == 10


def test_the_same_payments_named_in_the_bank_text_match_each_to_its_counterparty():
    names = ["Acme", "Bolt", "Cord", "Dune", "Echo", "Flux", "Grit", "Halo", "Iris", "Jade"]
    bank = [bank_line(f"B{i}", "2024-03-05", "-500.00", "ach", f"ACH DEBIT {n.upper()} PAYROLL")
            for i, n in enumerate(names)]
    ledger = [ledger_line(f"L{i}", "2024-03-04", "-500.00", "", f"{n} Ltd") for i, n in enumerate(names)]
    r = auto_match(bank, ledger)
    assert pairs(r) == {((f"B{i}",), (f"L{i}",)) for i in range(10)}
    assert r.suggested == ()


def test_two_equally_plausible_candidates_with_references_are_not_matched():
    bank = [bank_line("B1", "2024-03-05", "120.00", "other", "TRANSFER INV-9")]
    ledger = [ledger_line("L1", "2024-03-04", "120.00", "INV-9"), ledger_line("L2", "2024-03-05", "120.00", "INV-9")]
    r = auto_match(bank, ledger)
    assert r.matched == () and {g.ledger_ids for g in r.suggested} == {("L1",), ("L2",)}


def test_wire_received_less_a_scheduled_fee_matches_with_a_proposed_fee_line():
    bank = [bank_line("B1", "2024-03-04", "985.00", "wire", "WIRE IN GLOBEX LTD"),
            bank_line("B2", "2024-03-04", "1987.00", "wire", "WIRE IN INITECH")]
    ledger = [ledger_line("L1", "2024-03-01", "1000.00", "INV-1", "Globex Ltd"),
              ledger_line("L2", "2024-03-01", "2000.00", "INV-2", "Initech")]
    r = auto_match(bank, ledger)
    g = group_of(r, "B1")
    assert g.ledger_ids == ("L1",) and g.rule == "wire_fee_deducted"
    assert g.amount_difference == Decimal("-15.00") and g.day_difference == 3
    fee = ProposedTransaction(dt.date(2024, 3, 4), Decimal("-15.00"), "USD", "6100 Bank charges",
                              "Bank fee deducted from B1", "custom", "B1", "wire_fee_deducted")
    assert g.proposed == (fee,) and fee in r.proposed
    assert "less a bank fee of 15.00" in g.reason
    # 13.00 is not in the schedule: any fee up to fee_max is taken when the counterparty corroborates it
    assert group_of(r, "B2").ledger_ids == ("L2",) and group_of(r, "B2").amount_difference == Decimal("-13.00")


def test_a_fee_needs_corroboration_and_stays_under_fee_max():
    bank = [bank_line("B1", "2024-03-04", "985.00", "wire", "WIRE IN"),  # names no one, no number
            bank_line("B2", "2024-03-04", "1940.00", "wire", "WIRE IN INITECH"),  # 60.00 off: above fee_max
            bank_line("B3", "2024-03-04", "2990.00", "wire", "WIRE IN 0004711"),  # the number corroborates
            bank_line("B4", "2024-03-04", "3990.00", "wire", "WIRE IN UMBRELLA INV 4712")]  # another invoice
    ledger = [ledger_line("L1", "2024-03-01", "1000.00", "INV-1", "Globex Ltd"),
              ledger_line("L2", "2024-03-01", "2000.00", "INV-2", "Initech"),
              ledger_line("L3", "2024-03-01", "3000.00", "Invoice 4711", "Hooli"),
              ledger_line("L4", "2024-03-01", "4000.00", "Inv 4713", "Umbrella Corp")]
    r = auto_match(bank, ledger, one_rule(amount="fee_deducted", fee_max=Decimal("25.00"), days_after=5,
                                          fee_gl_account="6100", bank_types=("wire",)))
    assert pairs(r) == {(("B3",), ("L3",))}


def test_tolerance_is_in_currency_units_never_a_percentage():
    rules = one_rule(amount="tolerance", amount_tolerance=Decimal("0.05"), days_before=2, days_after=2)
    bank = [bank_line("B1", "2024-03-01", "100.04"), bank_line("B2", "2024-03-01", "200.06"),
            bank_line("B3", "2024-03-01", "10000.04"), bank_line("B4", "2024-03-01", "-10003.00")]
    ledger = [ledger_line("L1", "2024-03-01", "100.00"), ledger_line("L2", "2024-03-01", "200.00"),
              ledger_line("L3", "2024-03-01", "10000.00"), ledger_line("L4", "2024-03-01", "-10000.00")]
    r = auto_match(bank, ledger, rules)
    assert pairs(r) == {(("B1",), ("L1",)), (("B3",), ("L3",))}
    assert group_of(r, "B1").amount_difference == Decimal("0.04")
    assert "0.04 from the ledger amount" in group_of(r, "B1").reason


def test_tolerance_never_absorbs_transposed_digits():
    rules = one_rule(amount="tolerance", amount_tolerance=Decimal("1.00"), days_after=3)
    bank = [bank_line("B1", "2024-03-01", "12.43"), bank_line("B2", "2024-03-01", "55.40")]
    ledger = [ledger_line("L1", "2024-03-01", "12.34"), ledger_line("L2", "2024-03-01", "55.04")]
    r = auto_match(bank, ledger, rules)
    assert r.matched == ()
    rules = one_rule(amount="tolerance", amount_tolerance=Decimal("1.00"), days_after=3)
    r = auto_match([bank_line("B1", "2024-03-01", "12.40")], [ledger_line("L1", "2024-03-01", "12.34")], rules)
    assert pairs(r) == {(("B1",), ("L1",))}


@pytest.mark.parametrize("basis,holidays,bank_day,matched", [
    ("business", (), "2024-03-05", True),  # Fri -> Tue: 2 business days
    ("calendar", (), "2024-03-05", False),  # 4 calendar days
    ("business", (), "2024-03-06", False),  # Fri -> Wed: 3 business days
    ("business", (dt.date(2024, 3, 4),), "2024-03-06", True),  # Monday a bank holiday: 2 business days
    ("business", (), "2024-03-02", True),  # Saturday counts as the next business day, 1 after Friday
])
def test_business_day_windows(basis, holidays, bank_day, matched):
    rules = one_rule(day_basis=basis, days_after=2, holidays=holidays)
    r = auto_match([bank_line("B1", bank_day, "42.00")], [ledger_line("L1", "2024-03-01", "42.00")], rules)
    assert bool(r.matched) is matched
    if matched:
        assert r.matched[0].day_difference == (dt.date.fromisoformat(bank_day) - dt.date(2024, 3, 1)).days


def test_fuzzy_reference_at_or_above_the_threshold():
    rules = one_rule(reference="fuzzy", reference_threshold=85, days_after=5)
    bank = [bank_line("B1", "2024-03-02", "310.00", reference="INV-2024-0042"),
            bank_line("B2", "2024-03-02", "99.00", reference="INV-9999")]
    ledger = [ledger_line("L1", "2024-03-01", "310.00", "INV2024-042"),
              ledger_line("L2", "2024-03-01", "99.00", "PO-1234")]
    r = auto_match(bank, ledger, rules)
    assert pairs(r) == {(("B1",), ("L1",))}
    sim = group_of(r, "B1").similarity
    assert Decimal("0.85") <= sim < 1
    assert f"reference similarity {int(sim * 100)}%" in group_of(r, "B1").reason


def test_returned_deposit_matches_the_ledger_reversal():
    bank = [bank_line("B1", "2024-03-01", "500.00", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-08", "-500.00", "return", "RETURNED ITEM NSF")]
    ledger = [ledger_line("L1", "2024-03-01", "500.00", "INV-5", "Acme", "Receipt"),
              ledger_line("L2", "2024-03-09", "-500.00", "", "Acme", "NSF reversal INV-5")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",)), (("B2",), ("L2",))}
    assert group_of(r, "B2").rule == "returned_item_to_ledger_reversal"
    assert r.proposed == ()


def test_returned_deposit_without_ledger_reversal_becomes_a_proposed_transaction():
    bank = [bank_line("B1", "2024-03-01", "500.00", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-08", "-500.00", "return", "RETURNED ITEM NSF")]
    ledger = [ledger_line("L1", "2024-03-01", "500.00", "INV-5", "Acme", "Receipt")]
    r = auto_match(bank, ledger)
    g = group_of(r, "B2")
    assert g.rule == "returned_deposit_to_receivable" and g.ledger_ids == ()
    (p,) = g.proposed
    assert (p.amount, p.gl_account, p.date, p.bank_line_id) == (Decimal("-500.00"), "1200 Accounts receivable",
                                                                 dt.date(2024, 3, 8), "B2")
    assert "reverses B1 of 2024-03-01" in g.reason and "B1" in p.description
    assert group_of(r, "B1").ledger_ids == ("L1",)


def test_remote_deposit_text_names_no_one_so_the_receipt_matches_before_its_return():
    """Chase prints remote deposits as 'REMOTE ONLINE DEPOSIT # 1': banking words, no counterparty. The deposit
    must match the GL receipt (not be paired away with its NSF return, leaving the receipt as in transit)."""
    bank = [bank_line("B1", "2024-03-06", "909.83", "deposit", "REMOTE ONLINE DEPOSIT #          1"),
            bank_line("B2", "2024-03-10", "-909.83", "return", "DEPOSITED ITEM RETURNED NSF")]
    ledger = [ledger_line("L1", "2024-03-06", "909.83", "INV-4990", "Coho Winery", "Receipt Coho Winery")]
    r = auto_match(bank, ledger)
    assert group_of(r, "B1").ledger_ids == ("L1",)
    assert group_of(r, "B2").rule == "returned_deposit_to_receivable"


def test_deposit_and_its_return_with_no_ledger_line_cancel_out():
    bank = [bank_line("B3", "2024-03-02", "300.00", "deposit", "DEPOSIT"),
            bank_line("B4", "2024-03-05", "-300.00", "return", "RETURNED ITEM")]
    r = auto_match(bank, [ledger_line("L9", "2024-03-02", "12.00")])
    (g,) = r.matched
    assert g.bank_ids == ("B3", "B4") and g.ledger_ids == () and g.rule == "returned_deposit_and_original"
    assert "B4 reverses B3" in g.reason and g.proposed == ()


def test_bank_fees_and_interest_become_proposed_transactions():
    bank = [bank_line("F1", "2024-03-31", "-25.00", "fee", "SERVICE CHARGE"),
            bank_line("F2", "2024-03-31", "-15.00", "other", "MONTHLY FEE MARCH"),
            bank_line("I1", "2024-03-31", "3.21", "interest", "INTEREST PAID")]
    r = auto_match(bank, [ledger_line("L1", "2024-03-02", "1.00")])
    got = {(p.bank_line_id, p.amount, p.gl_account, p.date) for p in r.proposed}
    assert got == {("F1", Decimal("-25.00"), "6100 Bank charges", dt.date(2024, 3, 31)),
                   ("F2", Decimal("-15.00"), "6100 Bank charges", dt.date(2024, 3, 31)),
                   ("I1", Decimal("3.21"), "4900 Interest income", dt.date(2024, 3, 31))}
    assert {g.rule for g in r.matched} == {"bank_fee_to_expense", "bank_charge_text_to_expense", "interest_to_income"}
    assert all(g.ledger_ids == () and len(g.proposed) == 1 for g in r.matched)
    assert r.unmatched_ledger == ("L1",)


def test_transposed_digits_are_suggested_never_matched():
    bank = [bank_line("B1", "2024-03-02", "1234.56", "ach", "ACH CREDIT ACME")]
    ledger = [ledger_line("L1", "2024-03-01", "1243.56", "INV-3", "Acme")]
    r = auto_match(bank, ledger)
    assert r.matched == ()
    (s,) = r.suggested
    assert s.rule == "transposed_digits" and s.amount_difference == Decimal("-9.00")
    assert "never matched automatically" in s.reason


def test_decoys_with_near_amounts_do_not_match():
    bank = [bank_line("B1", "2024-03-02", "500.00", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-02", "-89.99", "card", "CARD PURCHASE")]
    ledger = [ledger_line("L1", "2024-03-02", "500.01", "INV-1"), ledger_line("L2", "2024-03-02", "-90.00", "X-1")]
    r = auto_match(bank, ledger)
    assert r.matched == () and r.suggested == ()


def test_different_currencies_never_match():
    bank = [bank_line("B1", "2024-03-02", "100.00", "deposit", "DEPOSIT", currency="EUR")]
    r = auto_match(bank, [ledger_line("L1", "2024-03-02", "100.00", "INV-1", currency="USD")])
    assert r.matched == ()


def test_every_match_carries_its_evidence():
    data = generate(1500, seed=11)
    bank, ledger = data.records()
    amount = {b.line_id: b.amount for b in bank} | {g.line_id: g.amount for g in ledger}
    day = {b.line_id: b.date for b in bank} | {g.line_id: g.date for g in ledger}
    r = auto_match(bank, ledger)
    names = {x.name for x in default_rules()}
    assert len(r.matched) > 1000
    for g in r.matched:
        assert g.rule in names and g.status == "matched"
        assert Decimal(0) < g.confidence <= 1
        assert g.amount_difference == sum(amount[i] for i in g.bank_ids) - sum(amount[i] for i in g.ledger_ids)
        if len(g.bank_ids) == 1 and len(g.ledger_ids) == 1:
            assert g.day_difference == (day[g.bank_ids[0]] - day[g.ledger_ids[0]]).days
        assert g.similarity is None or Decimal(0) <= g.similarity <= 1
        assert g.reason and "\n" not in g.reason and len(g.reason) < 400
        assert sum(p.amount for p in g.proposed) in (Decimal(0), g.amount_difference)
    for g in r.suggested:
        assert g.status == "suggested" and g.reason.endswith(("review", "automatically"))


def test_crowds_of_equal_amounts_still_match_on_references():
    """Seventy payments of 500.00 on one day: more equal candidates than the join expands (64); the reference
    rule joins the crowded lines again on their references and matches each one."""
    bank = [bank_line(f"B{i:02d}", "2024-03-05", "500.00", "ach", "ACH CREDIT", reference=f"INV-{1000 + i}")
            for i in range(70)]
    ledger = [ledger_line(f"L{i:02d}", "2024-03-04", "500.00", f"INV {1000 + i}") for i in range(70)]
    r = auto_match(bank, ledger)
    assert pairs(r) == {((f"B{i:02d}",), (f"L{i:02d}",)) for i in range(70)}
    assert {g.rule for g in r.matched} == {"exact_amount_same_reference"}
    # without references they are held for review and counted as crowded
    bank = [bank_line(f"B{i:02d}", "2024-03-05", "500.00", "other", "PAYMENT") for i in range(70)]
    ledger = [ledger_line(f"L{i:02d}", "2024-03-04", "500.00") for i in range(70)]
    r = auto_match(bank, ledger)
    assert r.matched == () and len(r.unmatched_bank) == 70
    by = {x.rule: x for x in r.statistics.by_rule}
    assert by["exact_amount_date_window"].crowded_lines == 70
    assert any("70 lines with too many equal candidates" in s for s in r.statistics.lines())
