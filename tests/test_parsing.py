import datetime as dt
from decimal import Decimal

import pytest

from tieout.server.parsing import AmountError, DateError, parse_amount, parse_date


@pytest.mark.parametrize("text,decimal,expected", [
    ("1,234.56", None, "1234.56"),
    ("1.234,56", None, "1234.56"),
    ("(1,234.56)", None, "-1234.56"),
    ("1,234.56-", None, "-1234.56"),
    ("-12.00", None, "-12.00"),
    ("$-12.00", None, "-12.00"),
    ("-$12.00", None, "-12.00"),
    ("€ 1 234,50", None, "1234.50"),
    ("12,5", None, "12.5"),
    ("1,234", ".", "1234"),
    ("1,234", ",", "1.234"),
    ("0.01", None, "0.01"),
    ("+7", None, "7"),
    ("USD 100.00", None, "100.00"),
])
def test_parse_amount_spellings(text, decimal, expected):
    assert parse_amount(text, decimal) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12..0", "--", "1,2,3,4.5.6"])
def test_parse_amount_rejects(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_parse_amount_float_cell_is_exact():
    assert parse_amount(0.1 + 0.2) == Decimal("0.30000000000000004")
    assert parse_amount(1234.5) == Decimal("1234.5")


@pytest.mark.parametrize("text,fmt,expected", [
    ("2026-03-31", "iso", dt.date(2026, 3, 31)),
    ("03/31/2026", "us", dt.date(2026, 3, 31)),
    ("31.03.2026", "eu", dt.date(2026, 3, 31)),
    ("31-Mar-26", "dmy_mon", dt.date(2026, 3, 31)),
])
def test_parse_date_formats(text, fmt, expected):
    assert parse_date(text, fmt) == expected


def test_parse_date_rejects_wrong_format():
    with pytest.raises(DateError):
        parse_date("31/03/2026", "us")
