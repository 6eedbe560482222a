"""A batch deposit the ordered pass could not search (its booking day had more receipts than the rule looks
through) is matched by the global assignment's re-run once stronger 1:1 rules took the other receipts of the
day, even when the group touches no line a weak 1:1 match gave back (global_assignment.py)."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match

BATCH = Rule("batch", 5, shape="one_bank_to_many_ledger", direction="in", bank_types=("deposit",),
             link="booking_day", days_before=3, days_after=3, max_group_size=8, max_candidates=4)
REF = Rule("ref", 10, bank_types=("ach",), amount="exact", reference="equal", days_before=3, days_after=3)
EXACT = Rule("exact", 15, bank_types=("deposit",), amount="exact", days_before=3, days_after=3)


def _books(crowd_claimed: bool):
    """DB = L1 + L2 + L3 (booked 4 March), a day with three more receipts (L4-L6): six candidates, more than the
    batch rule searches. ACH credits naming L4-L6's invoices let the reference rule take them after the batch
    rule ran. DX/LX, an unrelated deposit matched by amount and date alone, is what makes the global assignment
    run."""
    ledger = [ledger_line(line, day, amount, "", who, f"Receipt {who}", "AR") for line, day, amount, who in (
        ("L1", "2024-03-04", "412.50", "Alpha Co"), ("L2", "2024-03-04", "1290.13", "Beta Inc"),
        ("L3", "2024-03-04", "77.41", "Gamma Ltd"), ("LX", "2024-03-20", "555.55", "Zeta"))]
    bank = [bank_line("DB", "2024-03-05", "1780.04", "deposit", "DEPOSIT"),
            bank_line("DX", "2024-03-20", "555.55", "deposit", "DEPOSIT")]
    for k, amount in ((4, "230.17"), (5, "918.06"), (6, "64.93")):
        ledger.append(ledger_line(f"L{k}", "2024-03-04", amount, f"INV-88{k}", "Omega", "Receipt Omega", "AR"))
        if crowd_claimed:
            bank.append(bank_line(f"R{k}", "2024-03-05", amount, "ach", "ACH CREDIT OMEGA", reference=f"INV-88{k}"))
    return bank, ledger


def _pairs(r):
    return {(g.bank_ids, g.ledger_ids) for g in r.matched}


def test_a_batch_searched_once_stronger_rules_thinned_its_day():
    r = auto_match(*_books(crowd_claimed=True), RuleSet((BATCH, REF, EXACT)))
    assert (("DB",), ("L1", "L2", "L3")) in _pairs(r)
    assert {(("R4",), ("L4",)), (("R5",), ("L5",)), (("R6",), ("L6",)), (("DX",), ("LX",))} <= _pairs(r)


def test_a_batch_whose_day_is_still_crowded_stays_unmatched():
    r = auto_match(*_books(crowd_claimed=False), RuleSet((BATCH, REF, EXACT)))
    assert _pairs(r) == {(("DX",), ("LX",))}
