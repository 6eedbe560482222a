"""The journal import file: every new transaction becomes a balanced two-line entry (cash account and the
transaction's GL account), with the sign of the money through the bank account."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tieout.addin.handlers.journal import journal_lines, write_journal
from tieout.addin.handlers.state import Txn

amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2,
                      allow_nan=False, allow_infinity=False).filter(lambda d: d != 0)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_every_entry_balances_and_cash_moves_by_the_amount(values):
    txns = [Txn(i, dt.date(2026, 10, 31), a, "USD", "6100 Bank charges", f"t{i}", "cash entry", "", "")
            for i, a in enumerate(values, start=1)]
    lines = journal_lines(txns, "1010", 3)
    assert len(lines) == 2 * len(txns)
    for t, (cash, other) in zip(txns, zip(lines[::2], lines[1::2])):
        assert (cash.account, other.account) == ("1010", "6100 Bank charges")
        assert cash.debit - cash.credit == t.amount and other.credit - other.debit == t.amount
        assert min(cash.debit, cash.credit) == 0 and min(other.debit, other.credit) == 0
        assert f"NT-{t.id}" in cash.memo and cash.memo == other.memo
    assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines)


def test_files_are_written_beside_the_workbook_without_overwriting(tmp_path):
    txns = [Txn(5, dt.date(2026, 10, 31), Decimal("3.67"), "USD", "4900 Interest income", "Interest",
                "cash entry", "L3", "interest_to_income")]
    at = dt.datetime(2026, 11, 2, 9, 30, 0)
    first = write_journal(tmp_path, "Rec", journal_lines(txns, "1010", 3), at)
    second = write_journal(tmp_path, "Rec", journal_lines(txns, "1010", 3), at)
    assert [p.name for p in first] == ["Rec-journal-20261102-093000.csv", "Rec-journal-20261102-093000.xlsx"]
    assert [p.name for p in second] == ["Rec-journal-20261102-093000-2.csv", "Rec-journal-20261102-093000-2.xlsx"]
    with open(first[0], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["date", "account", "debit", "credit", "memo"],
                    ["2026-10-31", "1010", "3.67", "", "Interest [Tieout reconciliation 3, cash entry NT-5]"],
                    ["2026-10-31", "4900 Interest income", "", "3.67",
                     "Interest [Tieout reconciliation 3, cash entry NT-5]"]]
