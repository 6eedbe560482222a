"""Evidence computed once per distinct pair of texts (server/matching/distinct_pairs.py), the per-row sizes that
leave out pairs with an empty key (frames.Side.sizes), and the document-number reader's fast path: the same
answers as one test per pair, with far fewer tests."""
from __future__ import annotations

import numpy as np
from match_data import bank_line, ledger_line

from tieout.server.matching import distinct_pairs, evidence
from tieout.server.matching.frames import prepare, records_to_frame
from tieout.server.matching.text import doc_numbers


def _sides(bank, ledger):
    currencies: dict[str, int] = {}
    return (prepare(records_to_frame(bank, "bank"), "bank", 2, currencies),
            prepare(records_to_frame(ledger, "ledger"), "ledger", 2, currencies))


def _books(n_bank: int = 40, n_ledger: int = 30):
    names = ["Korvex Supply LLC", "Marost Foods Inc", "Marost Foods GmbH", "Anna Trading", "", "40012"]
    texts = ["ACH DEBIT KORVEX SUPPL", "ACH MAROST FOODS GMBH", "WIRE IN ANNA", "CHECK PAID", "INV-143572 KORVEX",
             "DEPOSIT"]
    bank = [bank_line(f"B{k}", "2024-03-04", "-10.00", "ach", texts[k % len(texts)]) for k in range(n_bank)]
    ledger = [ledger_line(f"L{k}", "2024-03-04", "-10.00", f"Inv {143570 + k % 4}", names[k % len(names)],
                          "Receipt Anna" if k % 7 == 0 else "") for k in range(n_ledger)]
    return _sides(bank, ledger)


def _all_pairs(b, g):
    bi, li = np.meshgrid(np.arange(b.n), np.arange(g.n), indexing="ij")
    return bi.ravel(), li.ravel()


def test_a_test_is_asked_once_per_distinct_pair_of_values_and_answers_every_pair():
    b, g = _books()
    bi, li = _all_pairs(b, g)
    assert len(bi) >= distinct_pairs.SMALL
    asked = []

    def test(words, name):
        asked.append((words, name))
        return "KORVEX" in words and "Korvex" in name

    got = distinct_pairs.test_distinct(distinct_pairs.derived_codes(b, "words", bi),
                                       distinct_pairs.column_codes(g, "counterparty", li), test)
    words, names = b.derived("words", bi), g.col("counterparty", li)
    assert got.tolist() == ["KORVEX" in w and "Korvex" in c for w, c in zip(words, names)]
    assert len(asked) == len(set(asked)) == len({(w, c) for w, c in zip(words, names)})  # 6 texts x 6 names
    assert len(asked) < len(bi) / 10


def test_counterparty_evidence_is_that_of_one_pair_at_a_time():
    b, g = _books()
    bi, li = _all_pairs(b, g)
    many = evidence.counterparty_named(b, g, bi, li)
    one = [evidence.counterparty_named(b, g, bi[k:k + 1], li[k:k + 1])[0] for k in range(len(bi))]
    assert many.tolist() == one and many.any() and not many.all()
    many = evidence.counterparty_not_contradicted(b, g, bi, li)
    one = [evidence.counterparty_not_contradicted(b, g, bi[k:k + 1], li[k:k + 1])[0] for k in range(len(bi))]
    assert many.tolist() == one and many.any() and not many.all()


def test_number_and_reference_evidence_skip_empty_keys_with_the_same_answers():
    b, g = _books()
    bi, li = _all_pairs(b, g)
    assert b.sizes("numbers", bi).tolist() == [len(x) for x in b.derived("numbers", bi)]
    bn, gn = b.derived("numbers", bi), g.derived("numbers", li)
    from tieout.server.matching import text as tx
    assert evidence.numbers_agree(b, g, bi, li).tolist() == [tx.numbers_agree(x, y) for x, y in zip(bn, gn)]
    assert evidence.numbers_conflict(b, g, bi, li).tolist() == [tx.numbers_conflict(x, y) for x, y in zip(bn, gn)]
    t, r = b.derived("text_sq", bi), g.derived("ref_sq", li)
    want = [len(y) >= 4 and y in x for x, y in zip(t, r)]
    assert evidence.reference_contained(b, g, bi, li).tolist() == want and any(want) and not all(want)


def test_year_and_number_pairs_are_read_with_one_space_either_side_of_the_separator():
    """The reader skips its date and year-number patterns for a text with no digit-separator-digit; a text
    with one (spaces allowed) still reads them."""
    assert doc_numbers("RE 2024 / 0145") == frozenset({"145"})
    assert doc_numbers("Fattura 145/2024") == frozenset({"145"})
    assert doc_numbers("INV-704235 Receipt KORPALKOR HOLDINGS CO") == frozenset({"704235"})
    assert doc_numbers("PAID 12.03.2024 REF-1234") == frozenset({"1234"})
