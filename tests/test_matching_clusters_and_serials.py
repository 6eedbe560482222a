"""Two evidence rules of issue 12 on small built cases: a cluster of equal amounts with bare bank texts is
settled by the only pairing that keeps the dates closest (tie_by_dates, date_assignment.py) and held where the
dates do not decide; a check serial in the bank text that differs from the ledger's check number contradicts a
pair that amount and date alone would make, whatever the lengths of the two serials."""
from __future__ import annotations

import numpy as np
from match_data import bank_line, ledger_line

from tieout.server.matching import Rule, RuleSet, auto_match
from tieout.server.matching.date_assignment import settle
from tieout.server.matching.rules_io import default_rules, rules_from_rows
from tieout.server.matching.text import bank_check_serial, ledger_check_serial

ACH = Rule("ach", 1, bank_types=("ach",), amount="exact", counterparty="partial", day_basis="business",
           days_before=3, days_after=3, tie_by_dates=True)


def pairs(groups) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(g.bank_ids, g.ledger_ids) for g in groups}


def _receipts(*days: str) -> list:
    names = ("Korvex Supply LLC", "Miralon Foods Inc", "Tanbel Group Co")
    return [ledger_line(f"L{k}", d, "2500.00", f"Inv 14357{k}", names[k], f"Receipt {names[k]}", "AR")
            for k, d in enumerate(days)]


def _credits(*days: str) -> list:
    return [bank_line(f"B{k}", d, "2500.00", "ach", "ACH CREDIT") for k, d in enumerate(days)]


def test_a_cluster_of_bare_credits_is_settled_by_the_only_closest_pairing():
    """Each credit fits each receipt by amount and window; B0-L0 and B1-L1 are on the same days, each line two
    business days from its other candidate: the guard alone holds all four lines, the cluster's dates settle
    them."""
    bank, ledger = _credits("2024-12-02", "2024-12-04"), _receipts("2024-12-02", "2024-12-04")
    r = auto_match(bank, ledger, RuleSet((ACH,)))
    assert pairs(r.matched) == {(("B0",), ("L0",)), (("B1",), ("L1",))}
    assert all("keeps the dates closest" in g.reason for g in r.matched)
    held = auto_match(bank, ledger, RuleSet((Rule(**{**ACH.__dict__, "tie_by_dates": False}),)))
    assert held.matched == () and {g.bank_ids for g in held.suggested} == {("B0",), ("B1",)}


def test_equal_gaps_stay_held_for_review_with_their_reason():
    """Both credits on one day: either pairing needs the same days, so the dates tell nothing."""
    r = auto_match(_credits("2024-12-03", "2024-12-03"), _receipts("2024-12-02", "2024-12-03"), RuleSet((ACH,)))
    assert r.matched == ()
    assert pairs(r.suggested) == {((b,), (g,)) for b in ("B0", "B1") for g in ("L0", "L1")}
    assert all("equally plausible" in g.reason for g in r.suggested)
    assert all("the dates of their cluster settle no pairing" in g.reason for g in r.suggested)


def test_a_day_between_the_candidates_is_no_evidence():
    """The order-keeping pairing needs 0 days, the other 2, but each line is only a day from its other candidate:
    where banks post some payments before the ledger and some after, a day's order is a presumption."""
    r = auto_match(_credits("2024-12-02", "2024-12-03"), _receipts("2024-12-02", "2024-12-03"), RuleSet((ACH,)))
    assert r.matched == () and len(r.suggested) == 4


def test_a_cluster_with_a_line_more_on_one_side_is_not_settled():
    """Three receipts for two credits: any receipt may be the one still unpaid, so nothing is matched."""
    r = auto_match(_credits("2024-12-02", "2024-12-04"), _receipts("2024-12-02", "2024-12-03", "2024-12-03"),
                   RuleSet((ACH,)))
    assert r.matched == ()


def test_settle_keeps_only_the_pairs_every_closest_pairing_holds():
    """Banks 0 and 1 on day 5, bank 2 on day 9; ledger 0 on day 4, 1 on day 5, 2 on day 9: bank 2 - ledger 2 is
    in every closest pairing and 4 days from the others; banks 0 and 1 fit ledger 0 and 1 equally (1 day)."""
    bday = np.array([5, 5, 9])
    lday = np.array([4, 5, 9])
    bu, lu = np.repeat(np.arange(3), 3), np.tile(np.arange(3), 3)
    lag = bday[bu] - lday[lu]
    got = settle(bu, lu, np.zeros(9, dtype=np.int64), lag, np.ones(9, dtype=bool))
    assert {(int(b), int(g)) for b, g in zip(bu[got], lu[got])} == {(2, 2)}
    # ledger 2 a day after bank 2: still 4 days or more from every other candidate, settled; on day 6 it is a
    # day from banks 0 and 1 and 3 from bank 2, and nothing is
    for day, want in ((10, {(2, 2)}), (6, set())):
        lag = bday[bu] - np.array([4, 5, day])[lu]
        got = settle(bu, lu, np.zeros(9, dtype=np.int64), lag, np.ones(9, dtype=bool))
        assert {(int(b), int(g)) for b, g in zip(bu[got], lu[got])} == want


def test_tie_by_dates_is_a_rules_column_off_in_the_built_in_rules():
    assert rules_from_rows([{"name": "r1", "priority": 1, "tie_by_dates": "true"}]).rules[0].tie_by_dates
    assert not rules_from_rows([{"name": "r1", "priority": 1}]).rules[0].tie_by_dates
    # off by default: on the books benchmark it settled 1 wrong pair of 5 where some credits post early
    assert not any(r.tie_by_dates for r in default_rules().rules)


def test_check_serials_are_read_from_the_field_or_after_a_check_word_only():
    assert bank_check_serial("CHECK 60341", "") == "60341"
    assert bank_check_serial("CHQ NO. 0412", "") == "412"
    assert bank_check_serial("CHECK PAID", "") == ""
    assert bank_check_serial("CHECK PAID", "001234") == "1234"
    assert ledger_check_serial("CHK 6341", "Check to Torxan") == "6341"
    assert ledger_check_serial("6341", "Check to Torxan") == "6341"
    # a receipt's invoice number is not a serial, even when the receipt was a customer's check
    assert ledger_check_serial("143572", "Receipt Korvex") == ""
    assert ledger_check_serial("INV-363239", "Receipt Korvex check") == ""


def test_another_check_serial_in_the_bank_text_refuses_an_amount_only_pair():
    """'CHECK 60341' against the ledger's check 6341: serials of other lengths, same amount, in the window. The
    same ledger line is matched to a check whose text names no serial (amount and date alone)."""
    ledger = [ledger_line("L1", "2024-03-01", "-10583.52", "CHK 6341", "Torxan Partners Inc",
                          "Check to Torxan Partners Inc", "AP")]
    r = auto_match([bank_line("B1", "2024-03-07", "-10583.52", "check", "CHECK 60341")], ledger, default_rules())
    assert r.matched == () and r.unmatched_bank == ("B1",)
    r = auto_match([bank_line("B1", "2024-03-07", "-10583.52", "check", "CHECK PAID")], ledger, default_rules())
    assert pairs(r.matched) == {(("B1",), ("L1",))}
