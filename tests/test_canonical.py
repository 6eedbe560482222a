import datetime as dt
from decimal import Decimal as D

import pytest

from tieout.server.canonical import read_bank_lines, read_ledger_lines, write_bank_lines, write_ledger_lines
from tieout.server.errors import InputError
from tieout.server.records import BankLine, LedgerLine


def test_bank_lines_round_trip_exactly(tmp_path):
    lines = [BankLine("B1", dt.date(2026, 1, 2), D("-0.10"), "USD", "r,1", 'say "hi"\nnext', "fee", ""),
             BankLine("B2", dt.date(2026, 1, 3), D("123456789.01"), "EUR", "", "=1+1", "check", "1001")]
    path = tmp_path / "b.csv"
    assert write_bank_lines(path, lines) == 2
    assert read_bank_lines(path) == lines


def test_ledger_lines_round_trip_exactly(tmp_path):
    lines = [LedgerLine("G1", dt.date(2026, 1, 2), D("500.00"), "USD", "INV-1", "Receipt", "AR", "Contoso")]
    path = tmp_path / "l.csv"
    write_ledger_lines(path, lines)
    assert read_ledger_lines(path) == lines


def test_every_bad_row_is_reported_and_nothing_returned(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("line_id,date,amount,currency,reference,description,source,counterparty\n"
                    "G1,2026-01-02,10.00,USD,,,,\n"
                    "G2,02/01/2026,10.00,USD,,,,\n"
                    "G3,2026-01-02,ten,USD,,,,\n"
                    "G1,2026-01-03,1.00,USD,,,,\n")
    with pytest.raises(InputError) as err:
        read_ledger_lines(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "line 3, field 'date'" in msg
    assert "line 4, field 'amount'" in msg
    assert "line 5, field 'line_id'" in msg and "appears twice" in msg


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("line_id,date,amount\nB1,2026-01-01,1\n")
    with pytest.raises(InputError, match="missing column.*currency"):
        read_bank_lines(path)


@pytest.mark.parametrize("header", [b"line_id,\xff\xfedate\n", b'"line_id,date\x00\n'])
def test_an_unreadable_header_is_bad_input_naming_line_1(tmp_path, header):
    path = tmp_path / "b.csv"
    path.write_bytes(header + b"B1,2026-01-01,1\n")
    with pytest.raises(InputError, match=r"b\.csv.*line 1"):
        read_bank_lines(path)
