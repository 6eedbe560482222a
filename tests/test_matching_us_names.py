"""Counterparty evidence as US bank texts give it (blindus14): names abbreviated ("EAGLE MFG CO"), acronyms
("CDTFA"), words the ledger never uses (ACH entry descriptions) and words shared with some other name ("TAX") do
not contradict a pair; a bank text spelling another known name in full still does. Plus the rules for checks
cleared without a serial and for pairs the ledger booked a week late, both behind the chance guard."""
from __future__ import annotations

from decimal import Decimal

import pytest
from match_data import bank_line, ledger_line

from tieout.server.matching import auto_match
from tieout.server.matching.name_forms import abbreviates, acronym_covers, spells_start


def pairs(r) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(g.bank_ids, g.ledger_ids) for g in r.matched}


def _known(*names: str) -> list:
    """Other customers the ledger knows (their own lines far from the pair's date and amount)."""
    return [ledger_line(f"K{k}", "2024-01-02", f"{100 + k}.13", "", name, "payment", "AR")
            for k, name in enumerate(names)]


@pytest.mark.parametrize("short,word", [("MFG", "MANUFACTURING"), ("INTL", "INTERNATIONAL"), ("SVCS", "SERVICES"),
                                        ("HLDGS", "HOLDINGS"), ("ENGR", "ENGINEERING"), ("CONSLT", "CONSULTING")])
def test_bank_abbreviations_are_recognised_by_their_shape(short, word):
    assert abbreviates(short, word)


@pytest.mark.parametrize("short,word", [("MF", "MANUFACTURING"), ("GFM", "MANUFACTURING"), ("MGF", "MANUFACTURING"),
                                        ("FOODS", "FOODS"), ("MFG1", "MANUFACTURING")])
def test_what_is_no_abbreviation(short, word):
    assert not abbreviates(short, word)


def test_acronyms_spell_the_starts_of_consecutive_words():
    words = ("CALIFORNIA", "DEPARTMENT", "TAX", "FEE", "ADMINISTRATION")
    assert acronym_covers("CDTFA", words) == frozenset(words)
    assert acronym_covers("AMEX", ("AMERICAN", "EXPRESS")) == {"AMERICAN", "EXPRESS"}
    assert acronym_covers("CDX", words) == frozenset()
    assert acronym_covers("CAL", ("CALIFORNIA",)) == frozenset()  # one word: a cut, not an acronym


def test_an_abbreviated_originator_name_matches_the_ledger_name_spelled_in_full():
    bank = [bank_line("B1", "2024-09-09", "600.42", "other", "EAGLE MFG CO LLC PAYMENT")]
    ledger = [ledger_line("L1", "2024-09-09", "600.42", "", "Eagle Manufacturing Company LLC", "payment", "AR"),
              *_known("Eagle Foods LLC")]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}


def test_an_acronym_of_the_payee_names_it():
    bank = [bank_line("B1", "2024-10-25", "-240.69", "ach", "CA DEPT TAX FEE CDTFA EPMT 5031005192")]
    ledger = [ledger_line("L1", "2024-10-29", "-240.69", "", "California Department of Tax and Fee Administration",
                          "Sales tax payment", "AP"), *_known("Texas Comptroller")]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",))}


def test_a_word_shared_with_another_name_does_not_contradict():
    """'TAX' is a word of another payee's name; the text names this payee (COMPTROLLER), not the other one."""
    bank = [bank_line("B1", "2024-04-12", "-4818.98", "ach", "TX COMPTROLLER TAX PYMT 240412")]
    ledger = [ledger_line("L1", "2024-04-12", "-4818.98", "", "Texas Comptroller", "Sales tax payment", "AP"),
              *_known("California Department of Tax and Fee Administration")]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}


def test_a_text_spelling_another_known_name_in_full_still_contradicts():
    bank = [bank_line("B1", "2024-09-09", "600.42", "ach", "EAGLE FOODS LLC PAYMENT")]
    ledger = [ledger_line("L1", "2024-09-09", "600.42", "", "Eagle Manufacturing Company LLC", "payment", "AR"),
              *_known("Eagle Foods LLC")]
    r = auto_match(bank, ledger)
    assert pairs(r) == set() and r.unmatched_bank == ("B1",)


def test_a_check_cleared_weeks_later_without_a_serial_matches_when_its_amount_is_alone():
    bank = [bank_line("B1", "2024-03-13", "-6699.84", "check", "CHECK PAID")]
    ledger = [ledger_line("L1", "2024-02-01", "-6699.84", "1385", "Harbor Consulting Group", "", "Check")]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}


def test_two_open_checks_of_the_amount_hold_an_unnumbered_clearing_for_review():
    bank = [bank_line("B1", "2024-03-13", "-6699.84", "check", "CHECK PAID")]
    ledger = [ledger_line("L1", "2024-02-01", "-6699.84", "1385", "Harbor Consulting Group", "", "Check"),
              ledger_line("L2", "2024-02-20", "-6699.84", "1391", "Canyon Foods", "", "Check")]
    assert pairs(auto_match(bank, ledger)) == set()


def test_a_receipt_the_ledger_booked_a_week_late_matches_unless_the_text_names_someone_else():
    ledger = [ledger_line("L1", "2024-07-25", "-1506.32", "", "Capital One Spark", "Credit card payment", "AP"),
              *_known("Granite Supply LLC")]
    bank = [bank_line("B1", "2024-07-18", "-1506.32", "ach", "CAPITAL ONE ONLINE PMT")]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}
    other = [bank_line("B1", "2024-07-18", "-1506.32", "ach", "GRANITE SUPPLY LLC WEB PMT")]
    assert pairs(auto_match(other, ledger)) == set()


# A world where every word of a name is shared by several names (no single word tells a company), as in books of
# hundreds of customers named from a few dozen words: only a name's start tells it.
COMMON = ("Crescent Building Products", "Crescent Logistics", "Crescent Supply", "Crescent Foods",
          "Alpine Building Products", "Alpine Logistics LLC", "Alpine Supply", "Alpine Foods",
          "Harbor Building Products", "Harbor Logistics", "Harbor Supply", "Harbor Foods",
          "Summit Building Products", "Summit Logistics", "Summit Supply", "Summit Foods")


def test_spells_start_reads_a_name_cut_or_abbreviated():
    assert spells_start(frozenset({"CRESCENT", "BUILDIN", "SUBSCRIPT"}), ("CRESCENT", "BUILDING", "PRODUCTS"))
    assert spells_start(frozenset({"EAGLE", "MFG", "CO"}), ("EAGLE", "MANUFACTURING"))
    assert not spells_start(frozenset({"CRESCENT", "BU"}), ("CRESCENT", "BUILDING"))  # too short a cut
    assert not spells_start(frozenset({"CRESCENT", "SUPPLY"}), ("CRESCENT", "BUILDING"))
    assert not spells_start(frozenset({"BUILDING", "CRESCENT"}), ("CRESCENT",))  # one word is no start


def test_a_text_starting_another_name_of_common_words_contradicts():
    bank = [bank_line("B1", "2024-04-11", "-5000.00", "other", "CRESCENT BUILDIN SUBSCRIPT")]
    ledger = [ledger_line("L1", "2024-04-08", "-5000.00", "", "Alpine Logistics LLC", "Subscription", "Expense"),
              *_known(*COMMON)]
    r = auto_match(bank, ledger)
    assert pairs(r) == set() and r.unmatched_bank == ("B1",)
    own = [bank_line("B1", "2024-04-11", "-5000.00", "other", "ALPINE LOGISTICS SUBSCRIPT")]
    assert pairs(auto_match(own, ledger)) == {(("B1",), ("L1",))}


def test_a_misspelt_ledger_name_is_not_another_company():
    bank = [bank_line("B1", "2024-04-11", "-5000.00", "other", "ALPINE LOGISTICS SUBSCRIPT")]
    ledger = [ledger_line("L1", "2024-04-08", "-5000.00", "", "Alpine Logisitcs LLC", "Subscription", "Expense"),
              *_known(*COMMON)]
    assert pairs(auto_match(bank, ledger)) == {(("B1",), ("L1",))}


def test_a_wire_net_of_a_fee_is_linked_by_the_start_of_a_name_of_common_words():
    """No word of 'Canyon Systems LLC' is its own (each is in four names or more), so only the name's start links
    the wire to its receipt; the fee (12.25, not on the rule's schedule) is proposed."""
    common = COMMON + ("Canyon Foods", "Canyon Supply", "Canyon Logistics", "Canyon Holdings", "Alpine Systems",
                       "Harbor Systems", "Summit Systems", "Crescent Systems")
    bank = [bank_line("B1", "2024-12-10", "1425.79", "wire", "WIRE IN CANYON SYSTEMS LLC")]
    ledger = [ledger_line("L1", "2024-12-10", "1438.04", "", "Canyon Systems LLC", "Wire received", "Payment"),
              *_known(*common)]
    r = auto_match(bank, ledger)
    assert pairs(r) == {(("B1",), ("L1",))}
    assert [abs(p.amount) for p in r.proposed] == [Decimal("12.25")]
    other = [bank_line("B1", "2024-12-10", "1425.79", "wire", "WIRE IN CANYON FOODS LLC")]
    assert pairs(auto_match(other, ledger)) == set()
