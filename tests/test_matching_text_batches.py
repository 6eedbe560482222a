"""Text keys computed for many lines at once give what the one-line functions give (issue 12, speed)."""
from __future__ import annotations


import numpy as np

from tieout.server.matching import references
from tieout.server.matching import text as tx
from tieout.server.matching.frames import _map, _numbers

TEXTS = [
    "", "RF18 5390 0754 7034", "rf18539007547034 INV-0143572", "+++090/9337/55493+++", "090/9337/55493",
    "12 34567 89012 34567 89012 34567", "00 00000 00000 00000 00000 12345 tail", "VIITE 1234561", "KID 12345674",
    "REFNR 1234561", "KID", "RF", "INV 0001000 0000 00012", "\u0661\u0662\u0663\u0664 digits", "ref\0nul RF18 5390 0754 7034",
    "CHECK PAID 004512", "Invoice 143572 / 143572", "abc/ RF 12", "KI", "D 1234",
] * 5


def _per_text_hit(text: str) -> bool:
    up = text.upper()
    return bool(text) and any(p.search(up) for p in references._ALL)


def test_reference_prefilter_agrees_with_searching_every_text():
    got = references.may_hold_reference(np.array(TEXTS, dtype=object))
    assert got.tolist() == [_per_text_hit(t) for t in TEXTS]
    assert got.any() and not got.all()


def test_reference_prefilter_never_finds_a_literal_across_two_texts():
    # "R" + "F18..." and "K" + "ID 123..." would spell a reference only if the texts ran together
    got = references.may_hold_reference(np.array(["PAID R", "F18 5390 0754 7034", "KI", "D 1234"], dtype=object))
    assert got.tolist() == [False, False, False, False]


def test_numbers_key_of_many_lines_equals_the_one_line_key():
    texts = np.array(TEXTS, dtype=object)
    want = [tx.doc_numbers(references.as_numbers(t)) for t in TEXTS]
    assert _numbers(texts).tolist() == want
    assert _map(str.upper, texts).tolist() == [t.upper() for t in TEXTS]
