"""Anonymous deposits in US books (us16): a subset of one booking day's receipts adding up to a bank "DEPOSIT" is
not taken when a single open receipt of exactly the deposit's amount lies in its window (the ledger booked the
deposit as one line, QuickBooks' deposit of undeposited funds): the 1:1 rules decide that line."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import RuleSet, auto_match, default_rules

RECEIPTS = [ledger_line("R1", "2024-05-22", "823.19", "2891", "Heritage Foods Corp.", "", "Payment"),
            ledger_line("R2", "2024-05-22", "3906.62", "", "Cedar Electric LLC", "Deposit", "Payment"),
            ledger_line("R3", "2024-05-22", "1517.45", "", "Alpine Supply", "", "Payment")]
DEPOSIT = bank_line("B1", "2024-05-23", "4729.81", "deposit", "DEPOSIT")
# the booking-day batch rule and the exact 1:1 rule after it, as the built-in library has them
RULES = RuleSet(tuple(r for r in default_rules().rules
                      if r.name in ("batch_deposit_booking_day", "exact_amount_date_window")))


def groups(r) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {g.bank_ids: tuple(sorted(g.ledger_ids)) for g in r.matched}


def test_a_deposit_the_ledger_booked_as_one_line_is_not_taken_as_receipts_adding_up():
    """R1 + R2 add up to the deposit, but the ledger also holds one "Deposit" line of exactly its amount a day
    earlier: that line is the deposit (QuickBooks' deposit of undeposited funds), the receipts are someone else's."""
    single = ledger_line("D1", "2024-05-22", "4729.81", "", "", "Deposit", "Deposit")
    assert groups(auto_match([DEPOSIT], RECEIPTS + [single], RULES)) == {("B1",): ("D1",)}
    assert groups(auto_match([DEPOSIT], RECEIPTS, RULES)) == {("B1",): ("R1", "R2")}  # no such line: the receipts
