"""A receipt held by an amount-only 1:1 question is lent to the booking-day batch search, and the question is
asked again once a batch took it (held_release.py): a single-check deposit and a batch receipt of the same
amount no longer hold each other up."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match

BATCH = Rule("batch", 20, shape="one_bank_to_many_ledger", direction="in", bank_types=("deposit",),
             link="booking_day", days_before=3, days_after=3, max_group_size=8, max_candidates=32)
EXACT = Rule("exact", 10, bank_types=("deposit", "ach"), amount="exact", days_before=3, days_after=3)
NAMED = Rule("named", 10, bank_types=("deposit", "ach"), amount="exact", days_before=3, days_after=3,
             counterparty="contains")


def _pairs(r):
    return {(g.bank_ids, g.ledger_ids) for g in r.matched}


def _books():
    """DB = L1 + L2 + L3 (booked 4 March). DS, a single-check deposit of 412.50, has its own receipt L9 (6 March)
    and, by amount and date alone, also L1 (412.50, a receipt of DB): the 1:1 rule holds both."""
    ledger = [ledger_line("L1", "2024-03-04", "412.50", "", "Alpha Co", "Receipt Alpha Co", "AR"),
              ledger_line("L2", "2024-03-04", "1290.13", "", "Beta Inc", "Receipt Beta Inc", "AR"),
              ledger_line("L3", "2024-03-04", "77.41", "", "Gamma Ltd", "Receipt Gamma Ltd", "AR"),
              ledger_line("L9", "2024-03-06", "412.50", "", "Delta Corp", "Receipt Delta Corp check", "AR")]
    bank = [bank_line("DB", "2024-03-05", "1780.04", "deposit", "DEPOSIT"),
            bank_line("DS", "2024-03-06", "412.50", "deposit", "MOBILE DEPOSIT")]
    return bank, ledger


def test_a_batch_takes_its_receipt_from_an_amount_only_question_and_the_question_is_answered_again():
    bank, ledger = _books()
    r = auto_match(bank, ledger, RuleSet((EXACT, BATCH)))
    assert _pairs(r) == {(("DB",), ("L1", "L2", "L3")), (("DS",), ("L9",))}
    assert r.suggested == ()
    by_bank = {g.bank_ids: g.rule for g in r.matched}
    assert by_bank[("DS",)] == "exact"  # the 1:1 rule decided it, with its own guard


def test_a_question_still_contested_after_the_batch_is_held_again():
    """A second receipt of 412.50 (L8) in DS's window: with L1 gone to the batch, DS still has two candidates."""
    bank, ledger = _books()
    ledger.append(ledger_line("L8", "2024-03-07", "412.50", "", "Epsilon", "Receipt Epsilon", "AR"))
    r = auto_match(bank, ledger, RuleSet((EXACT, BATCH)))
    assert _pairs(r) == {(("DB",), ("L1", "L2", "L3"))}
    offered = {g.ledger_ids for g in r.suggested if g.bank_ids == ("DS",)}
    assert offered == {("L8",), ("L9",)}


def test_receipts_held_by_a_rule_with_text_evidence_are_not_lent():
    """The question held by a rule that compares names is not the amount-only kind: its receipts stay held, and
    the batch that would need L1 is not matched."""
    bank, ledger = _books()
    ledger[0] = ledger_line("L1", "2024-03-04", "412.50", "", "Delta Corp", "Receipt Delta Corp", "AR")
    bank[1] = bank_line("DS", "2024-03-06", "412.50", "deposit", "MOBILE DEPOSIT DELTA CORP")
    r = auto_match(bank, ledger, RuleSet((NAMED, BATCH)))
    assert ("DB",) not in {g.bank_ids for g in r.matched}
