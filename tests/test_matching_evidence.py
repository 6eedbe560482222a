"""Evidence rules of the matcher on small built cases: document numbers in any spelling, contradiction by
another counterparty or another number, bank type codes through synonyms, batches by booking day with the
uniqueness guard, and a strong batch winning over a weaker 1:1 taken earlier."""
from __future__ import annotations

import pytest
from match_data import bank_line, ledger_line

from tieout.server.matching import auto_match, default_rules, match_frames
from tieout.server.matching.frames import records_to_frame
from tieout.server.matching.bank_types import canonical
from tieout.server.matching.rules import RulesError, build_rules
from tieout.server.matching.text import doc_numbers, numbers_agree, numbers_conflict


def pairs(r) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(g.bank_ids, g.ledger_ids) for g in r.matched}


def rule_of(r, bank_id: str) -> str:
    return next(g.rule for g in r.matched if bank_id in g.bank_ids)


@pytest.mark.parametrize("bank_text", ["INV-143572", "INV143572", "REF INV143572", "143572", "0143572",
                                       "PAYMENT FOR INVOICE NO. 00143572"])
@pytest.mark.parametrize("ledger_ref", ["Inv 143572", "Invoice 143572", "INV-143572"])
def test_document_numbers_agree_in_every_spelling(bank_text, ledger_ref):
    assert numbers_agree(doc_numbers(bank_text), doc_numbers(ledger_ref))


def test_numbers_that_differ_conflict_and_short_runs_tie_nothing():
    assert numbers_conflict(doc_numbers("INV-143572"), doc_numbers("Inv 143573"))
    assert numbers_conflict(doc_numbers("CHECK 1234"), doc_numbers("CHK 1243"))
    assert not numbers_conflict(doc_numbers("TRACE 9912345678"), doc_numbers("Inv 143572"))  # another kind
    assert doc_numbers("PAID 12 03 ON 4821") == frozenset({"4821"})
    assert doc_numbers("PAID 12 03 ON 2024") == frozenset()  # an unlabelled bare year is a date's, no number
    assert numbers_agree(doc_numbers("ACH 9143572001"), doc_numbers("Invoice 143572"))  # contained in a run


def test_a_lagged_pair_matches_on_the_number_in_the_description_either_side():
    """The ledger booked 4 business days after the bank; the number is in the bank description and in the
    ledger description (not its reference); an unknown type code."""
    bank = [bank_line("B1", "2024-03-04", "-812.40", "PPD", "DEBIT REF INV143572"),
            bank_line("B2", "2024-03-04", "-812.40", "PPD", "DEBIT REF INV143999")]
    ledger = [ledger_line("L1", "2024-03-08", "-812.40", "", "Hooli", "Invoice 143572 office chairs")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",))}
    assert rule_of(r, "B1") == "exact_amount_document_number"
    assert "a document number agrees" in r.matched[0].reason


def test_another_known_counterparty_in_the_bank_text_contradicts_a_generic_word_does_not_tie():
    bank = [bank_line("B1", "2024-03-05", "-500.00", "ach", "ACH DEBIT NORTHWIND SUPPLY"),
            bank_line("B2", "2024-03-05", "-700.00", "ach", "ACH DEBIT CONTOSO SUPPLY LLC"),
            bank_line("B3", "2024-03-05", "-900.00", "ach", "ACH DEBIT FABRIKAM SUPPLY INC")]
    ledger = [ledger_line("L1", "2024-03-04", "-500.00", "", "Southwind Supply LLC"),
              ledger_line("L2", "2024-03-04", "-700.00", "", "Contoso Supply GmbH"),
              ledger_line("L3", "2024-03-04", "-900.00", "", "Fabrikam Supply Inc"),
              # the other companies are known to the ledger
              ledger_line("L4", "2024-01-04", "-1.00", "", "Northwind Supply Inc"),
              ledger_line("L5", "2024-01-04", "-2.00", "", "Contoso Supply LLC"),
              ledger_line("L6", "2024-01-04", "-3.00", "", "Wingtip Supply Co"),
              ledger_line("L7", "2024-01-04", "-4.00", "", "Adatum Supply Co")]
    r = auto_match(bank, ledger)
    # B1 names Northwind, a known other company: never L1 (one shared word, SUPPLY, is not enough)
    # B2 spells Contoso Supply LLC in full, a known sibling of L2's Contoso Supply GmbH: not L2
    assert pairs(r) == {(("B3",), ("L3",))}


def test_a_check_serial_only_in_the_text_matches_and_another_serial_contradicts():
    bank = [bank_line("B1", "2024-03-20", "-120.00", "check", "CHECK 4711"),
            bank_line("B2", "2024-03-20", "-330.00", "475", "CHECK 4950", check_number="")]
    ledger = [ledger_line("L1", "2024-03-01", "-120.00", "CHK 4711", "Globex"),
              ledger_line("L2", "2024-03-01", "-330.00", "1234", "Initech")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",))}
    assert rule_of(r, "B1") == "check_serial_in_text"
    assert "B2" in r.unmatched_bank  # serial 4950 against the ledger's 1234: evidence against


@pytest.mark.parametrize("code", ["NSF", "R01", "r10", "RTN", "RETURNED ITEM", "Return", "555", "RRTN"])
def test_returned_items_under_any_code_reach_the_return_rules(code):
    assert canonical(code) == "return"
    bank = [bank_line("B1", "2024-03-08", "-250.00", code, "RETURNED ITEM")]
    ledger = [ledger_line("L1", "2024-03-09", "-250.00", "", "Globex", "NSF reversal of deposit")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",))} and rule_of(r, "B1") == "returned_item_to_ledger_reversal"


def test_a_rule_naming_an_unknown_type_is_an_error_naming_it_and_synonyms_are_accepted():
    with pytest.raises(RulesError, match="'bounced'"):
        build_rules([({"name": "r", "priority": 1, "bank_types": "return; bounced"}, 2, None)], "rules")
    rules = build_rules([({"name": "r", "priority": 1, "bank_types": "NSF; R01; FEDWIRE"}, 2, None)], "rules")
    assert rules.rules[0].bank_types == ("return", "wire")


def _receipts(rows):
    return [ledger_line(i, d, a, "", cp, desc, "AR") for i, d, a, cp, desc in rows]


def test_a_batch_deposit_is_found_by_booking_day_only_when_its_subset_is_unique():
    ledger = _receipts([
        ("L1", "2024-03-04", "120.10", "Globex", "Receipt"), ("L2", "2024-03-04", "75.25", "Initech", "Receipt"),
        ("L3", "2024-03-04", "300.00", "Hooli", "Receipt"), ("L4", "2024-03-04", "44.65", "Umbrella", "Receipt"),
        # another booking day: 120.10 + 75.25 could also be made of these two
        ("L5", "2024-03-06", "100.00", "Acme", "Receipt"), ("L6", "2024-03-06", "95.35", "Stark", "Receipt")])
    r = auto_match([bank_line("B1", "2024-03-09", "464.75", "deposit", "DEPOSIT")], ledger)
    # 120.10 + 300.00 + 44.65 = 464.75, on one booking day, and no other subset of any day of the window
    assert pairs(r) == {(("B1",), ("L1", "L3", "L4"))}
    assert rule_of(r, "B1") == "batch_deposit_booking_day"
    assert "booking day" in r.matched[0].reason
    # 195.35 is L1 + L2 on the 4th and L5 + L6 on the 6th: two subsets, so no match, both offered for review
    r = auto_match([bank_line("B1", "2024-03-09", "195.35", "deposit", "DEPOSIT")], ledger)
    assert r.matched == ()
    assert {g.ledger_ids for g in r.suggested} >= {("L1", "L2"), ("L5", "L6")}


def test_a_deposit_slip_keeps_its_receipts_together():
    """L1 and L3 carry slip 558812 in their descriptions: they go together or not at all, which leaves one
    subset (L1 + L2 + L3) where the amounts alone would allow three (L1 + L4 and L3 + L4 make 180.00 too)."""
    ledger = _receipts([
        ("L1", "2024-03-04", "50.00", "Globex", "Receipt dep slip 558812"),
        ("L2", "2024-03-04", "80.00", "Initech", "Receipt"),
        ("L3", "2024-03-04", "50.00", "Hooli", "Receipt dep slip 558812"),
        ("L4", "2024-03-04", "130.00", "Umbrella", "Receipt")])
    r = auto_match([bank_line("B1", "2024-03-02", "180.00", "deposit", "BRANCH DEPOSIT")], ledger)
    assert pairs(r) == {(("B1",), ("L1", "L2", "L3"))}


def test_a_strong_batch_is_not_pre_empted_by_a_weaker_one_to_one():
    """R1 (500.00) belongs to the deposit B1 = R1 + R2; another deposit B2 of 500.00 has no receipt of its
    own. Rules in priority order with the date-window 1:1 first would give R1 to B2 and leave B1 open."""
    ledger = _receipts([("R1", "2024-03-04", "500.00", "Globex", "Receipt"),
                        ("R2", "2024-03-04", "233.17", "Initech", "Receipt")])
    bank = [bank_line("B1", "2024-03-06", "733.17", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-05", "500.00", "deposit", "DEPOSIT")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("R1", "R2"))} and "B2" in r.unmatched_bank
    # the date-window 1:1 rule first: in rule order alone it takes R1 for B2 and leaves B1 open ...
    greedy = default_rules()
    greedy = type(greedy)(tuple(sorted(greedy.rules, key=lambda x: (x.name != "exact_amount_date_window",
                                                                     x.priority))))
    frames = records_to_frame(bank, "bank"), records_to_frame(ledger, "ledger")
    rows = match_frames(*frames, greedy, global_assignment_step=False).member_rows()
    assert set(rows.line_id) == {"B2", "R1"} and set(rows.rule) == {"exact_amount_date_window"}
    # ... and the global assignment weighs the batch against it: the batch covers more lines, B2 is left open
    r = auto_match(bank, ledger, greedy)
    assert pairs(r) == {(("B1",), ("R1", "R2"))} and "B2" in r.unmatched_bank
    assert rule_of(r, "B1") == "batch_deposit_booking_day" and "booking day" in r.matched[0].reason


def test_global_assignment_keeps_one_to_one_matches_that_explain_more_lines():
    """Two 1:1 matches (B2-R1, B3-R2, 4 lines) against one batch (B1 = R1 + R2, 3 lines): the packing covering
    more lines wins, so the ordered result stands; the packing search itself lists every optimum."""
    from tieout.server.matching.packing import best_packings

    ledger = _receipts([("R1", "2024-03-04", "500.00", "Globex", "Receipt"),
                        ("R2", "2024-03-04", "233.17", "Initech", "Receipt")])
    bank = [bank_line("B1", "2024-03-06", "733.17", "deposit", "DEPOSIT"),
            bank_line("B2", "2024-03-05", "500.00", "deposit", "DEPOSIT"),
            bank_line("B3", "2024-03-05", "233.17", "deposit", "DEPOSIT")]
    greedy = default_rules()
    greedy = type(greedy)(tuple(sorted(greedy.rules, key=lambda x: (x.name != "exact_amount_date_window",
                                                                     x.priority))))
    assert pairs(auto_match(bank, ledger, greedy)) == {(("B2",), ("R1",)), (("B3",), ("R2",))}
    # items 0..3; two ways of equal worth: nothing is common but what both hold
    p = best_packings([(0, (0, 1)), (1, (2, 3)), (2, (0, 2)), (3, (1, 3))], [1, 1, 1, 1])
    assert p.worth == 4 and len(p.optima) == 2 and p.common() == ()
    p = best_packings([(0, (0, 1)), (1, (2, 3)), (2, (0, 2)), (3, (1, 3))], [1, 1, 1, 1], ranks=[1, 1, 5, 5])
    assert p.optima == ((0, 1),) and p.common() == (0, 1)  # rule priority breaks the tie
    p = best_packings([(0, (0, 1)), (0, (2, 3)), (1, (1, 2))], [1, 1, 1, 1])
    assert p.worth == 2 and not p.exhausted  # one owner (deposit) is used at most once


def test_a_pair_the_user_rejected_is_never_proposed_again():
    bank = [bank_line("B1", "2024-03-05", "-500.00", "ach", "ACH DEBIT GLOBEX INV 4711")]
    ledger = [ledger_line("L1", "2024-03-04", "-500.00", "INV-4711", "Globex"),
              ledger_line("L2", "2024-03-04", "-500.00", "", "Globex")]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}
    r = auto_match(bank, ledger, forbidden_pairs=[("B1", "L1")])
    assert ("B1", "L1") not in {(b, g) for m in r.matched + r.suggested for b in m.bank_ids for g in m.ledger_ids}


def test_past_the_bound_only_a_whole_slip_with_few_other_receipts_may_decide():
    """A booking day with more items than max_candidates is not searched in full: a deposit there matches only
    a subset holding a whole deposit slip and at most three other receipts, and only when it is the one
    found; a deposit without a slip stays open and is counted past the bound."""
    from tieout.server.matching import Rule, RuleSet

    rules = RuleSet((Rule("batch", 1, shape="one_bank_to_many_ledger", direction="in", link="booking_day",
                          days_before=3, days_after=3, max_group_size=8, max_candidates=3),))
    ledger = _receipts([
        ("L1", "2024-03-04", "50.00", "Globex", "Receipt dep slip 558812"),
        ("L2", "2024-03-04", "70.00", "Hooli", "Receipt dep slip 558812"),
        ("L3", "2024-03-04", "11.11", "Initech", "Receipt"), ("L4", "2024-03-04", "22.22", "Umbrella", "Receipt"),
        ("L5", "2024-03-04", "33.34", "Acme", "Receipt"), ("L6", "2024-03-04", "44.44", "Stark", "Receipt"),
        ("L7", "2024-03-04", "66.66", "Wayne", "Receipt"), ("L8", "2024-03-04", "77.78", "Tyrell", "Receipt")])
    r = auto_match([bank_line("B1", "2024-03-05", "142.22", "deposit", "DEPOSIT"),  # slip + L4
                    bank_line("B2", "2024-03-05", "55.55", "deposit", "DEPOSIT")], ledger, rules)  # L3 + L6
    assert pairs(r) == {(("B1",), ("L1", "L2", "L4"))}
    assert "B2" in r.unmatched_bank
    assert r.statistics.by_rule[0].bound_exceeded >= 1
