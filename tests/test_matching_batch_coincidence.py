"""Batch deposits at real density (issue 12): a lone subset adding up to a deposit is matched only when a
coincidence is unlikely; the risk comes from the local density of the day's subset sums."""
from __future__ import annotations

import numpy as np
from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match
from tieout.server.matching.day_subsets import DaySubsets

# one booking day's receipts (cents); the deposit is the first three: 86.55 + 67.32 + 56.00 = 209.87
CROWD = [8655, 6732, 5600, 3428, 3770, 1368, 1677, 1148, 2577, 8319, 6844, 9214, 5532, 6459, 9736, 7565]
RULES = RuleSet((Rule("batch", 1, shape="one_bank_to_many_ledger", direction="in", link="booking_day",
                      days_before=3, days_after=3, max_group_size=8, max_candidates=32),))


def _day(cents):
    return [ledger_line(f"L{k}", "2024-03-04", f"{c / 100:.2f}", "", f"Customer {k}", f"Receipt {k}", "AR")
            for k, c in enumerate(cents)]


def test_a_lone_subset_among_many_receipts_is_offered_not_matched():
    """Sixteen receipts of one day: only L0 + L1 + L2 make 209.87, but about 0.4 subsets of that day would
    reach an amount like it by chance, so the one found proves nothing: offered for review, with the reason."""
    r = auto_match([bank_line("B1", "2024-03-05", "209.87", "deposit", "DEPOSIT")], _day(CROWD), RULES)
    assert r.matched == ()
    assert [g.ledger_ids for g in r.suggested] == [("L0", "L1", "L2")]
    assert "by chance" in r.suggested[0].reason and "slip" in r.suggested[0].reason


def test_the_same_subset_among_few_receipts_matches():
    r = auto_match([bank_line("B1", "2024-03-05", "209.87", "deposit", "DEPOSIT")], _day(CROWD[:5]), RULES)
    assert [(g.bank_ids, g.ledger_ids) for g in r.matched] == [(("B1",), ("L0", "L1", "L2"))]


def test_a_deposit_slip_is_the_evidence_that_lets_the_crowded_day_decide():
    lines = _day(CROWD)
    lines[:3] = [ledger_line(f"L{k}", "2024-03-04", f"{c / 100:.2f}", "", f"Customer {k}",
                             f"Receipt {k} dep slip 448120", "AR") for k, c in enumerate(CROWD[:3])]
    r = auto_match([bank_line("B1", "2024-03-05", "209.87", "deposit", "DEPOSIT")], lines, RULES)
    assert [(g.bank_ids, g.ledger_ids) for g in r.matched] == [(("B1",), ("L0", "L1", "L2"))]


def test_coincidence_grows_with_the_receipts_of_the_day_and_leaves_the_target_out():
    target, width = np.array([20987]), np.array([400])
    few = DaySubsets([(i,) for i in range(5)], np.array(CROWD), 8, 1).chance(target, width)[0]
    many = DaySubsets([(i,) for i in range(16)], np.array(CROWD), 8, 1).chance(target, width)[0]
    assert few < 0.01 < 0.1 < many
    # two receipts whose only subsets are 1.00, 2.00 and 3.00: nothing near 3.00 but itself
    assert DaySubsets([(0,), (1,)], np.array([100, 200]), 8, 1).chance(np.array([300]), np.array([50]))[0] == 0


def _elsewhere(count, day="2024-03-06"):
    """Receipts booked on another day of the deposit's window, each larger than the deposit: they can be in
    no subset adding up to it, so they change only where its receipts may be."""
    return [ledger_line(f"E{k}", day, f"{300 + k}.00", "", f"Other {k}", f"Receipt E{k}", "AR")
            for k in range(count)]


def test_a_lone_subset_on_the_day_holding_the_window_s_receipts_matches():
    """Eight receipts, all of the window's: about 0.01 subsets would reach 209.87 by chance. The deposit's
    receipts, if in sight, can only be on that day, so the odds are the day's coincidences alone (not seven
    times them, one per day of the window, as if the receipts were as likely on a day that holds none)."""
    r = auto_match([bank_line("B1", "2024-03-05", "209.87", "deposit", "DEPOSIT")], _day(CROWD[:8]), RULES)
    assert [(g.bank_ids, g.ledger_ids) for g in r.matched] == [(("B1",), ("L0", "L1", "L2"))]


def test_the_same_subset_is_offered_when_the_window_s_receipts_are_mostly_on_other_days():
    """The same day, and thirty receipts on another day of the window that no subset of could add up to the
    deposit: the deposit's own receipts were likelier to be there (and out of sight) than on the day of the
    lone subset, so the same coincidence figure is now too high: offered, with the reason."""
    r = auto_match([bank_line("B1", "2024-03-05", "209.87", "deposit", "DEPOSIT")],
                   _day(CROWD[:8]) + _elsewhere(30), RULES)
    assert r.matched == ()
    assert [g.ledger_ids for g in r.suggested] == [("L0", "L1", "L2")]
    assert "by chance" in r.suggested[0].reason
