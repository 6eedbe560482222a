"""Crafted bank files of issue 13 as regression tests: absurd amounts are refused by one rule in every format
(BankFileError naming where, never a traceback, never a 5,000-digit amount imported), and the files that were
quadratic (CSV continuation rows, OFX stray "<") still read to the same lines. Their speed is measured by
tests/bench/bench_linear.py, not here."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.amount_bounds import MAX_INTEGER_DIGITS, bounded
from tieout.server.parsing import AmountError

from hostile_files import FORMATS, mt940, ofx

LARGEST = Decimal(10) ** MAX_INTEGER_DIGITS - Decimal("0.01")  # 99,999,999,999,999.99: the largest kept
TOO_LARGE = Decimal(10) ** MAX_INTEGER_DIGITS  # 100,000,000,000,000.00: the smallest refused


def write(tmp_path: Path, name: str, amount: Decimal) -> Path:
    suffix, text = FORMATS[name](amount)
    path = tmp_path / f"{name}.{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", FORMATS)
def test_the_largest_amount_kept_imports_in_every_format(tmp_path, name):
    result = import_file(write(tmp_path, name, LARGEST))
    assert result.format == name
    assert LARGEST in {ln.amount for ln in result.lines}


@pytest.mark.parametrize("name", FORMATS)
def test_one_more_digit_is_refused_the_same_way_in_every_format(tmp_path, name):
    with pytest.raises(BankFileError, match=f"more than {MAX_INTEGER_DIGITS} digits before the decimal mark"):
        import_file(write(tmp_path, name, TOO_LARGE))


@pytest.mark.parametrize("name", [n for n in FORMATS if n != "camt053"])  # camt's own pattern stops at 18 digits
@pytest.mark.parametrize("digits", [4_400, 5_000])
def test_thousands_of_digits_are_refused_not_a_traceback(tmp_path, name, digits):
    """Issue 13: BAI2 amounts of 4,300+ digits gave a traceback (int() refuses them); OFX imported 5,000."""
    with pytest.raises(BankFileError) as raised:
        import_file(write(tmp_path, name, Decimal("9" * digits)))
    message = str(raised.value)
    assert "digits" in message and len(message) < 2_000  # names the problem without echoing the whole number


def test_a_bai2_count_of_thousands_of_digits_is_a_problem_not_a_traceback(tmp_path):
    path = write(tmp_path, "bai2", Decimal("12.50"))
    path.write_text(path.read_text().replace(",3/", "," + "9" * 5000 + "/"))
    with pytest.raises(BankFileError, match="not a count"):
        import_file(path)


def test_an_mt940_turnover_count_of_thousands_of_digits_is_not_checked_not_a_traceback(tmp_path):
    suffix, text = mt940(Decimal("12.50"))
    path = tmp_path / f"turnover.{suffix}"
    path.write_text(text.replace(":62F:", ":90C:" + "9" * 5000 + "EUR12,50\n:62F:"))
    result = import_file(path)
    assert [ln.amount for ln in result.lines] == [Decimal("12.50")]
    assert any(":90C:" in w for w in result.warnings)


@pytest.mark.parametrize("value, fine", [
    (Decimal("-99999999999999.99"), True), (Decimal("-100000000000000"), False), (Decimal("3317.738651126686"), True),
    (Decimal("0." + "1" * 28), True), (Decimal("0." + "1" * 29), False), (Decimal("1." + "0" * 40), True), (Decimal("12.3400000"), True), (Decimal("1E+14"), False), (Decimal("NaN"), False),
    (Decimal("-Infinity"), False), (Decimal(0), True), (Decimal("0E-20"), True),
])
def test_the_rule(value, fine):
    if fine:
        assert bounded(value) is value
    else:
        with pytest.raises(AmountError):
            bounded(value)


def test_continuation_rows_still_join_each_transactions_description(tmp_path):
    path = tmp_path / "ocbc.csv"
    path.write_text("Account details for:,Savings 123-456789-001\n"
                    "Transaction date,Value date,Description,Withdrawals,Deposits\n"
                    "01/03/2025,01/03/2025,FAST PAYMENT,12.50,\n,,to  ACME,,\n,,ref 7,,\n"
                    "02/03/2025,02/03/2025,SALARY,,100.00\n,,MARCH,,\n", encoding="utf-8")
    result = import_file(path)
    assert [(ln.amount, ln.description) for ln in result.lines] == [
        (Decimal("-12.50"), "FAST PAYMENT to ACME ref 7"), (Decimal("100.00"), "SALARY MARCH")]


def test_stray_less_than_signs_stay_in_the_ofx_value_they_interrupt(tmp_path):
    suffix, text = ofx(Decimal("12.50"))
    path = tmp_path / f"stray.{suffix}"
    path.write_text(text.replace("<NAME>Deposit", "<NAME>A <b < c<").replace("</LEDGERBAL>", "<MEMO>x</LEDGERBAL>"))
    result = import_file(path)
    assert "A <b <c <" in result.lines[0].description
