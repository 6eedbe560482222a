"""Counterparty evidence when the ledger knows several companies that differ by their legal suffix only: their
shared name word stays distinctive (it is one name, not four), so a bank text naming them still contradicts
a pair with another company of the same amount and day (issue 12: look-alike counterparties)."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import auto_match

SIBLINGS = ("Marost Foods LLC", "Marost Foods Inc", "Marost Foods GmbH", "Marost Foods Corp")


def _ledger(known: tuple[str, ...]) -> list:
    other = [ledger_line(f"K{k}", "2024-01-10", f"-{100 + k}.00", f"Inv 5550{k}", name, f"Payment {name}", "AP")
             for k, name in enumerate(known)]
    return [ledger_line("L1", "2024-03-05", "-19.32", "Inv 252436", "Brisavter Foods Ltd",
                        "Payment Brisavter Foods Ltd", "AP")] + other


def test_a_name_shared_by_suffix_siblings_still_contradicts_another_company():
    bank = [bank_line("B1", "2024-03-05", "-19.32", "ach", "ACH DEBIT MAROST FOODS")]
    for known in (SIBLINGS[:1], SIBLINGS):
        r = auto_match(bank, _ledger(known))
        assert r.matched == () and r.unmatched_bank == ("B1",), known


def test_the_same_text_naming_no_one_else_matches():
    bank = [bank_line("B1", "2024-03-05", "-19.32", "ach", "ACH DEBIT BRISAVTER FOODS")]
    r = auto_match(bank, _ledger(SIBLINGS))
    assert [(g.bank_ids, g.ledger_ids) for g in r.matched] == [(("B1",), ("L1",))]
