"""Structured payment references: each scheme's check digit, valid and invalid, in the spellings banks and
ledgers use (server/matching/references.py). Check digits worked by hand in the comments."""
from __future__ import annotations

import pytest

from tieout.server.matching import references as refs


def only(text: str, whole_cell: bool = False) -> refs.Reference:
    (r,) = refs.read(text, whole_cell)
    return r


@pytest.mark.parametrize("text,scheme,key", [
    ("RF18 5390 0754 7034", "rf", "RF18539007547034"),  # ISO 11649's own example
    ("rf18539007547034", "rf", "RF18539007547034"),
    ("+++090/9337/55493+++", "ogm", "090933755493"),  # 0909337554 mod 97 = 93
    ("***090/9337/55493***", "ogm", "090933755493"),
    ("21 00000 00003 13947 14300 09017", "qr", "210000000003139471430009017"),  # SIX QR-bill example
    ("VIITE 12345 61", "fi", "1234561"),  # 6x7 + 5x3 + 4x1 + 3x7 + 2x3 + 1x1 = 89 -> 10 - 9 = 1
    ("KID 1234566", "kid", "1234566"),  # Luhn of 123456 -> 6
    ("KID: 1234560", "kid", "1234560"),  # mod 11: 6x2+5x3+4x4+3x5+2x6+1x7 = 77 = 7 x 11 -> 0
])
def test_valid_reference_of_each_scheme(text, scheme, key):
    r = only(text)
    assert (r.scheme, r.key, r.valid) == (scheme, key, True)


@pytest.mark.parametrize("text,scheme", [
    ("RF18 5390 0754 7035", "rf"),
    ("+++090/9337/55494+++", "ogm"),
    ("21 00000 00003 13947 14300 09016", "qr"),
    ("VIITE 1234562", "fi"),
    ("KID 1234567", "kid"),  # neither Luhn (6) nor mod 11 (0)
])
def test_wrong_check_digit_is_read_as_invalid(text, scheme):
    r = only(text)
    assert (r.scheme, r.valid) == (scheme, False)
    assert refs.bank_keys("", text) == frozenset()


def test_kid_mod_11_check_of_ten_is_a_dash():
    base = next(b for b in (str(n) for n in range(100000, 100100)) if refs.kid_mod11_check(b) == "-")
    assert refs.kid_valid(base + "-") and not refs.kid_valid(base + "0")


def test_rf_printed_in_groups_stops_before_the_next_word():
    assert refs.bank_keys("", "SEPA CREDIT RF18 5390 0754 7034 ACME 2024") == frozenset({"rf:RF18539007547034"})


def test_bare_digits_are_a_finnish_or_kid_reference_only_in_a_ledger_reference_cell():
    assert refs.bank_keys("", "PAYMENT 1234561") == frozenset()
    assert "fi:1234561" in refs.ledger_keys("1234561", "")
    assert refs.ledger_keys("", "Invoice 1234561") == frozenset()


def test_makers_give_valid_references():
    assert refs.rf_valid(refs.rf_make("ABC123")) and refs.ogm_valid(refs.ogm_make("0000012345"))
    assert refs.qr_valid(refs.qr_make("123")) and refs.fi_valid(refs.fi_make("4711"))
    assert refs.kid_valid(refs.kid_make("4711", 10)) and refs.kid_valid(refs.kid_make("4712", 11))


def test_document_numbers_see_a_valid_reference_whole_and_an_invalid_one_not_at_all():
    assert "RF18539007547034" in refs.as_numbers("PAID RF18 5390 0754 7034")
    invalid = refs.as_numbers("PAID RF18 5390 0754 7035")
    assert "5390" not in invalid and "7035" not in invalid
    assert refs.as_numbers("INVOICE 4711") == "INVOICE 4711"
