"""Ledger-to-ledger (intercompany) mode: groups that sum to zero on up to five user-chosen key fields."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from match_data import ledger_line

from tieout.server.errors import InputError
from tieout.server.matching import match_ledgers


def test_groups_with_equal_keys_that_net_to_zero():
    a = [ledger_line("A1", "2024-03-01", "1000.00", "IC-1", "Beta GmbH"),
         ledger_line("A2", "2024-03-02", "500.00", "IC-2", "Beta GmbH"),
         ledger_line("A3", "2024-03-02", "250.00", "IC-2", "Beta GmbH"),
         ledger_line("A4", "2024-03-03", "90.00", "IC-3", "Beta GmbH")]
    b = [ledger_line("Z1", "2024-03-02", "-1000.00", "ic 1", "Alpha Inc"),
         ledger_line("Z2", "2024-03-03", "-750.00", "IC-2", "Alpha Inc"),
         ledger_line("Z3", "2024-03-03", "-80.00", "IC-3", "Alpha Inc")]
    r = match_ledgers(a, b, keys=["reference"])
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("A1",), ("Z1",)), (("A2", "A3"), ("Z2",))}
    assert all(g.amount_difference == 0 for g in r.matched)
    two = [g for g in r.matched if len(g.bank_ids) == 2][0]
    assert "2 + 1 lines with the same reference net to zero USD" in two.reason
    assert r.unmatched_bank == ("A4",) and r.unmatched_ledger == ("Z3",)
    assert r.statistics.bank.rows_matched == 3 and r.statistics.ledger.rows_matched == 2


def test_document_value_needs_the_document_currency():
    with pytest.raises(InputError) as err:
        match_ledgers([], [], keys=["reference", "document_amount"])
    assert err.value.problems[0].field == "document_amount"
    assert "document_currency" in err.value.message()
    with pytest.raises(InputError, match="choose 1 to 5 key fields"):
        match_ledgers([], [], keys=["reference", "counterparty", "date", "source", "description", "currency"])
    with pytest.raises(InputError, match="unknown key field 'colour'"):
        match_ledgers([], [], keys=["colour"])


def _frames():
    cols = ["line_id", "date", "amount", "currency", "reference", "description", "source", "counterparty",
            "document_amount", "document_currency"]
    a = pd.DataFrame([["A1", "2024-03-01", "1100.00", "USD", "IC-7", "", "IC", "Beta", "1000.00", "EUR"],
                      ["A2", "2024-03-01", "220.00", "USD", "IC-8", "", "IC", "Beta", "200.00", "EUR"]], columns=cols)
    b = pd.DataFrame([["Z1", "2024-03-02", "-860.00", "GBP", "IC-7", "", "IC", "Alpha", "-1000.00", "EUR"],
                      ["Z2", "2024-03-02", "-172.00", "GBP", "IC-8", "", "IC", "Alpha", "-199.00", "EUR"]],
                     columns=cols)
    return a, b


def test_document_value_matches_across_functional_currencies():
    a, b = _frames()
    r = match_ledgers(a, b, keys=["reference", "document_amount", "document_currency"])
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("A1",), ("Z1",))}
    assert "document value" in r.matched[0].reason and "EUR" in r.matched[0].reason
    assert r.unmatched_bank == ("A2",)
    # on functional amounts the same lines do not net to zero (USD against GBP)
    assert match_ledgers(a, b, keys=["reference"]).matched == ()
    with pytest.raises(InputError, match="document_amount"):
        match_ledgers(a.drop(columns=["document_amount"]), b, keys=["reference", "document_amount",
                                                                     "document_currency"])


def test_tolerance_and_one_to_one_fallback_with_the_guard():
    a = [ledger_line("A1", "2024-03-01", "300.00", "", "Beta"), ledger_line("A2", "2024-03-01", "300.00", "", "Beta"),
         ledger_line("A3", "2024-03-01", "45.00", "", "Beta")]
    b = [ledger_line("Z1", "2024-03-01", "-300.00", "", "Beta"), ledger_line("Z2", "2024-03-01", "-45.00", "", "Beta")]
    r = match_ledgers(a, b, keys=["counterparty", "date"])
    # the group does not net to zero (645 vs -345): Z2 pairs with A3 alone; Z1 has two equal candidates
    assert {(g.bank_ids, g.ledger_ids) for g in r.matched} == {(("A3",), ("Z2",))}
    assert {(g.bank_ids, g.ledger_ids) for g in r.suggested} == {(("A1",), ("Z1",)), (("A2",), ("Z1",))}
    r = match_ledgers([ledger_line("A1", "2024-03-01", "100.02", "IC-1")], [ledger_line("Z1", "2024-03-01", "-100.00",
                                                                                        "IC-1")],
                      keys=["reference"], tolerance=Decimal("0.05"))
    assert r.matched[0].amount_difference == Decimal("0.02")
