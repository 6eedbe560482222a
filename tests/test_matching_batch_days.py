"""Batch deposits by booking day, decided across the days of a window (cross_day.py) and per day as a whole
(packing.py): a deposit chosen on two days stays on the one that needs it; deposits that could swap subsets stay
in doubt without taking the rest of their day with them; a receipt of the deposit's amount held elsewhere stops
a subset from being matched."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match
from tieout.server.matching.cross_day import DayPack, exclusions

BATCH = Rule("batch", 10, shape="one_bank_to_many_ledger", direction="in", bank_types=("deposit",),
             link="booking_day", days_before=3, days_after=3, max_group_size=8, max_candidates=32)


def _receipts(day, amounts, first=1):
    return [ledger_line(f"L{k}", day, a, "", f"Customer {k}", f"Receipt {k}", "AR")
            for k, a in enumerate(amounts, start=first)]


def _pairs(r):
    return {(g.bank_ids, g.ledger_ids) for g in r.matched}


def test_a_deposit_chosen_on_two_days_stays_where_it_is_needed_and_frees_the_other_day():
    """DA = L1 + L2 (4 March). On 6 March L3 + L5 + L6 make DA's amount too, and that three-line subset outweighs
    DB's own two receipts (L3 + L4) on that day, so day by day DA is chosen on both days and DB on none: nothing
    could be decided. Without DA the 6th still settles one deposit (DB), the 4th settles none: DA stays on the
    4th, and the 6th then settles DB."""
    ledger = _receipts("2024-03-04", ["400.00", "730.00"]) + _receipts(
        "2024-03-06", ["300.00", "655.55", "500.00", "330.00"], first=3)
    bank = [bank_line("DA", "2024-03-05", "1130.00", "deposit", "DEPOSIT"),
            bank_line("DB", "2024-03-07", "955.55", "deposit", "DEPOSIT")]
    r = auto_match(bank, ledger, RuleSet((BATCH,)))
    assert _pairs(r) == {(("DA",), ("L1", "L2")), (("DB",), ("L3", "L4"))}
    assert r.suggested == ()


def test_exclusions_leave_a_deposit_on_every_day_when_the_days_lose_as_much():
    """The coordination's rule itself: a deposit held on two days that each settle one deposit fewer without it
    is excluded from neither (a tie decides nothing); one whose absence costs one day nothing leaves that day."""
    def pack(day, excluded):
        settles = {"d1": 1, "d2": 1}[day] if 7 not in excluded else 0
        return DayPack(frozenset({7}) - excluded, settles, False)

    assert exclusions(["d1", "d2"], pack) == {"d1": frozenset(), "d2": frozenset()}

    def pack2(day, excluded):
        lost = 1 if day == "d1" and 7 in excluded else 0  # d2 settles another deposit in 7's place
        return DayPack(frozenset({7}) - excluded, 2 - lost, False)

    assert exclusions(["d1", "d2"], pack2) == {"d1": frozenset(), "d2": frozenset({7})}

    def exhausted(day, excluded):
        return DayPack(frozenset({7}), 1, True)

    assert exclusions(["d1", "d2"], exhausted) == {"d1": frozenset(), "d2": frozenset()}


def test_two_deposits_that_could_swap_subsets_stay_in_doubt_and_the_rest_of_their_day_matches():
    """D1 and D2 are both 500.00 and L1 + L2 and L3 + L4 both make it: which is which, nothing says, so both are
    offered for review; D3 = L5 + L6 on the same day is unique and matched."""
    ledger = _receipts("2024-03-04", ["200.00", "300.00", "120.00", "380.00", "77.77", "1000.00"])
    bank = [bank_line("D1", "2024-03-05", "500.00", "deposit", "DEPOSIT"),
            bank_line("D2", "2024-03-06", "500.00", "deposit", "DEPOSIT"),
            bank_line("D3", "2024-03-05", "1077.77", "deposit", "DEPOSIT")]
    r = auto_match(bank, ledger, RuleSet((BATCH,)))
    assert _pairs(r) == {(("D3",), ("L5", "L6"))}
    offered = {(g.bank_ids, g.ledger_ids) for g in r.suggested}
    assert {(("D1",), ("L1", "L2")), (("D1",), ("L3", "L4")), (("D2",), ("L1", "L2")),
            (("D2",), ("L3", "L4"))} <= offered


def test_a_receipt_of_the_deposits_amount_held_elsewhere_stops_a_subset_from_matching():
    """L9 (250.00) is held for review by an earlier rule (two ACH credits of 250.00 fit it). The deposit of
    250.00 may be L9 itself, out of the batch rule's sight: L1 + L2 adding up to it is offered, not matched."""
    ach = Rule("ach", 1, bank_types=("ach",), amount="exact", days_before=3, days_after=3)
    ledger = _receipts("2024-03-04", ["100.00", "150.00"]) + [
        ledger_line("L9", "2024-03-04", "250.00", "", "Customer 9", "Receipt 9", "AR")]
    bank = [bank_line("D1", "2024-03-05", "250.00", "deposit", "DEPOSIT"),
            bank_line("A1", "2024-03-05", "250.00", "ach", "ACH CREDIT"),
            bank_line("A2", "2024-03-06", "250.00", "ach", "ACH CREDIT")]
    r = auto_match(bank, ledger, RuleSet((ach, BATCH)))
    assert r.matched == ()
    (g,) = [g for g in r.suggested if g.bank_ids == ("D1",)]
    assert g.ledger_ids == ("L1", "L2") and "held for review elsewhere" in g.reason
    # without the held twin the same subset matches
    r = auto_match(bank[:1], ledger[:2], RuleSet((BATCH,)))
    assert _pairs(r) == {(("D1",), ("L1", "L2"))}
