"""European books (issue 12): document numbers in European spellings, invoice lists and cash discounts,
transliterated names and legal forms, SEPA texts, IBANs as counterparty evidence, and the generator that
measures them (tests/euro_books.py)."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest
from euro_books import CATEGORIES, EuroDials, bank_number, generate_euro, ledger_number
from books_data import evaluate_by_kind
from match_data import bank_line, ledger_line

from tieout.server.canonical import write_matches
from tieout.server.matching import Rule, RuleSet, auto_match, default_rules, match_frames
from tieout.server.matching import document_numbers as dn
from tieout.server.matching import text as tx
from tieout.server.matching.report import write_proposals
from tieout.server.matching import rules_from_rows
from tieout.server.matching.rules import RulesError

# ------------------------------------------------------------------------------------------ number spellings


@pytest.mark.parametrize("text", [
    "RE-2024-0145", "RE 2024-0145 KD 10023", "RE2024/145", "Rechnung Nr. 145", "Rechnung 2024-145",
    "Rg.-Nr. 145/2024", "Facture n° F24/0145", "Factuur 2024.145", "Fattura 145/2024", "Fattura n. 145",
    "Inv. 2024/00145", "RECHNUNGSNR. 145", "FACT. N° 145", "2024000145", "F24/00145", "INV 2024/145",
    "SVWZ+RE 2024-01 45 EREF+NOTPROVIDED",  # an export broke the line inside the number
])
def test_european_spellings_name_the_same_number(text):
    assert "145" in dn.read(text)


def test_a_year_is_context_not_a_document_number():
    assert dn.read("RE-2024-0145") == {"145"}  # a bare 2024 would agree with every invoice of the year
    assert "1" not in dn.read("Lohn/Gehalt 01.2024")  # a month of a year is a period
    # a date is not a year-number pair, and none of its digits is a document number (euroworld14: the year of
    # 'payout of 09.04.2024' agreed with 'card sales 03.04.2024')
    assert dn.read("SETTLEMENT 2024-01-05 MID 4471") == {"4471"}
    assert dn.read("Payout 9156774 09.04.2024") == {"9156774"} and not dn.read("Kartenumsaetze 03.04.24")
    assert dn.read("Rg.-Nr. 1907/2024") == dn.read("RE 2024-1907") == {"1907"}  # both look like years
    assert dn.read("RE-2024-2031") == dn.read("Factuur 2024.2031") == {"2031"}  # with - or . the year comes first


def test_lists_of_invoices_are_read_whole():
    assert dn.read("RE 145, 146 U. 151") == {"145", "146", "151"}
    assert dn.read("Factures n° 6904 ET 6905 EN 6906") == {"6904", "6905", "6906"}
    assert dn.read("2024-6756, 2024-6758 UND 2024-6760") == {"6756", "6758", "6760"}
    assert dn.read("RE 145 + 3% SKONTO") == {"145"}  # a percentage is not a list item
    assert dn.read("Betrag 1.234,50") == frozenset()  # nor an amount with a decimal comma


def test_an_iban_is_an_account_not_a_document():
    text = "STORE 12; IBAN DE89 3704 0044 0532 0130 00; ZAHLUNG"
    assert dn.read(text) == frozenset()
    assert tx.ibans(text) == {"DE89370400440532013000"}
    assert tx.ibans("IBAN DE89 3704 0044 0532 0130 01") == frozenset()  # check digits fail: no IBAN


def test_numbers_agree_across_spellings_and_conflict_otherwise():
    bank, ledger = dn.read("Rechnung Nr. 145"), dn.read(ledger_number(0, 2024, 145))
    assert tx.numbers_agree(bank, ledger)
    assert tx.numbers_conflict(dn.read("Rechnung Nr. 146"), ledger)


def test_every_generator_spelling_reads_back():
    rng = __import__("numpy").random.default_rng(3)
    for num in (7, 145, 1907, 2024, 14572):
        for form in range(5):
            assert str(num) in dn.read(ledger_number(form, 2024, num)), (form, num)
        for _ in range(40):
            spelled = bank_number(rng, 2024, num)
            assert str(num) in dn.read(spelled), spelled


# --------------------------------------------------------------------------------- names and legal forms


def test_transliterated_names_agree():
    assert tx.spaced("Müller") == tx.spaced("MUELLER") == tx.spaced("MULLER") == "MULLER"
    assert tx.spaced("Łódź Dupré") == "LODZ DUPRE"
    assert tx.counterparty_words("Müller Maschinenbau GmbH & Co. KG") == ("MULLER", "MASCHINENBAU")
    assert tx.counterparty_words("MUELLER MASCHINENBAU GMBH + CO. KG") == ("MULLER", "MASCHINENBAU")
    assert tx.counterparty_words("Nowak Handel Sp. z o.o.") == ("NOWAK", "HANDEL")
    assert tx.counterparty_words("Rossi Trasporti S.p.A.") == ("ROSSI", "TRASPORTI")


def test_sepa_keys_and_posting_words_name_no_one():
    assert not tx.names_someone(tx.padded("SEPA-GUTSCHRIFT SVWZ+RE 2024-0145 EREF+NOTPROVIDED MREF+ABC KREF+1"))
    assert tx.names_someone(tx.padded("SEPA-GUTSCHRIFT SVWZ+RE 145 ABWA+KORVEX HANDEL"))


# ----------------------------------------------------------------------------------------- whole matches


def _eur(line):
    return replace(line, currency="EUR")


def test_number_in_a_european_spelling_matches_and_another_number_does_not():
    bank = [_eur(bank_line("B1", "2024-03-05", "1190.00", "transfer", "KORVEX GMBH; Rechnung Nr. 145; SEPA-GUTSCHRIFT")),
            _eur(bank_line("B2", "2024-03-05", "870.00", "transfer", "SEPA-GUTSCHRIFT SVWZ+Fattura 147/2024"))]
    ledger = [_eur(ledger_line("L1", "2024-03-04", "1190.00", "RE-2024-00145", "Zahlungseingang Korvex GmbH")),
              _eur(ledger_line("L2", "2024-03-04", "870.00", "RE-2024-00146", "")),
              _eur(ledger_line("L3", "2024-03-06", "870.00", "RE-2024-00148", ""))]
    result = auto_match(bank, ledger)
    pairs = {(g.bank_ids, g.ledger_ids) for g in result.matched}
    assert (("B1",), ("L1",)) in pairs
    assert not any("B2" in g.bank_ids for g in result.matched)  # 147 is neither 146 nor 148


def _listed(amount: str, text: str = "SEPA-GUTSCHRIFT SVWZ+RE 145, 146 U. 151", extra_bank=()):
    bank = [_eur(bank_line("B1", "2024-03-08", amount, "transfer", f"KORVEX HANDEL GMBH; {text}")), *extra_bank]
    ledger = [_eur(ledger_line(f"L{n}", "2024-03-04", a, f"RE-2024-{n:05d}", "Korvex Handel GmbH"))
              for n, a in ((145, "400.00"), (146, "250.00"), (151, "350.00"), (152, "50.00"))]
    return auto_match(bank, ledger)


def test_a_payment_for_several_listed_invoices_is_one_group():
    result = _listed("1000.00")
    group = next(g for g in result.matched if "B1" in g.bank_ids)
    assert set(group.ledger_ids) == {"L145", "L146", "L151"}
    assert group.rule == "invoices_named_exact_sum"
    assert not result.proposed


def test_a_cash_discount_is_matched_with_its_proposal():
    result = _listed("970.00")  # 3% Skonto on 1,000.00
    group = next(g for g in result.matched if "B1" in g.bank_ids)
    assert set(group.ledger_ids) == {"L145", "L146", "L151"}
    (prop,) = [p for p in result.proposed if p.bank_line_id == "B1"]
    assert str(prop.amount) == "-30.00" and prop.gl_account == "7300 Cash discounts granted"
    assert "discount" in group.reason and "3.00%" in group.reason


def test_a_rounded_cash_discount_fits_and_a_larger_difference_does_not():
    assert any("B1" in g.bank_ids for g in _listed("980.00").matched)  # 2%
    rounded = _listed("979.00")  # 2% of 1,000 is 980.00; the payer rounded down a whole unit
    assert any("B1" in g.bank_ids and len(g.ledger_ids) == 3 for g in rounded.matched)
    assert not any("B1" in g.bank_ids for g in _listed("940.00").matched)  # 6%: a dispute, not a discount


@pytest.mark.parametrize("paid, account", [("1209.87", "7300 Cash discounts granted"),  # 2% of 1,234.56 = 24.69
                                           ("1219.56", "6100 Bank charges")])  # 15.00 short: a bank fee
def test_a_rate_of_the_terms_is_a_discount_and_another_shortfall_a_fee(paid, account):
    bank = [_eur(bank_line("B1", "2024-03-05", paid, "transfer", "KORVEX HANDEL; Rechnung Nr. 145; SEPA-GUTSCHRIFT"))]
    ledger = [_eur(ledger_line("L1", "2024-03-04", "1234.56", "RE-2024-00145", "Korvex Handel GmbH"))]
    result = auto_match(bank, ledger)
    assert [(g.bank_ids, g.ledger_ids) for g in result.matched] == [(("B1",), ("L1",))]
    assert [p.gl_account for p in result.proposed] == [account]


def test_an_invoice_another_bank_line_names_is_not_taken_as_a_discount():
    part = _eur(bank_line("B2", "2024-03-09", "12.00", "transfer", "KORVEX HANDEL; TEILZAHLUNG 2/2 RE 2024-0146"))
    result = _listed("988.00", extra_bank=[part])  # 1.2% short: a split payment, not a Skonto
    assert not any(g.rule == "invoices_named_less_cash_discount" for g in result.matched)


# One bank line, its ledger line L1 and a look-alike L2 (same amount or another payer): only B1-L1 is matched.
SINGLE_TIES = {
    "transliterated name, legal form respelled": (
        "731.40", "MUELLER MASCHINENBAU GMBH + CO. KGSEPA-GUTSCHRIFT SVWZ+DANKE",
        ("", "Müller Maschinenbau GmbH & Co. KG", ""), ("731.40", "", "Berger Logistik AG", "")),
    "IBAN both sides know, paid from a trading name": (
        "512.00", "FILIALE NORD 12; IBAN DE89 3704 0044 0532 0130 00; ZAHLUNG",
        ("", "Korvex Handel GmbH", "Zahlungseingang IBAN DE89370400440532013000"),
        ("512.00", "", "Berger Logistik AG", "Zahlungseingang IBAN DE44500105175407324931")),
    "a third party pays a named invoice": (
        "2300.00", "BERGER FACTORING GMBH; RE-2024-0145 ABWA+KORVEX HANDEL; SEPA-GUTSCHRIFT",
        ("RE-2024-00145", "Korvex Handel GmbH", ""), ("99.00", "RE-2024-00150", "Berger Factoring GmbH", "")),
    "end-to-end reference equal to the ledger reference": (
        "640.00", "SEPA-GUTSCHRIFT SVWZ+DANKE EREF+KV-77812 MREF+M-0031",
        ("KV-77812", "Korvex Handel GmbH", ""), ("640.00", "KV-77813", "Berger Logistik AG", "")),
}


@pytest.mark.parametrize("case", sorted(SINGLE_TIES))
def test_one_piece_of_evidence_ties_the_right_line(case):
    amount, text, (ref1, cp1, desc1), (amount2, ref2, cp2, desc2) = SINGLE_TIES[case]
    bank = [_eur(bank_line("B1", "2024-03-05", amount, "transfer", text))]
    ledger = [_eur(ledger_line("L1", "2024-03-04", amount, ref1, cp1, desc1)),
              _eur(ledger_line("L2", "2024-03-04", amount2, ref2, cp2, desc2))]
    assert [(g.bank_ids, g.ledger_ids) for g in auto_match(bank, ledger).matched] == [(("B1",), ("L1",))]


# ---------------------------------------------------------------------------------------------- rules


def _rows(**changes):
    base = {"name": "lists", "priority": 1, "shape": "invoice_list"}
    return [base | changes]


def test_invoice_list_rules_are_checked():
    with pytest.raises(RulesError, match="gl_account"):
        rules_from_rows(_rows(discount_rate_max="0.03"))
    with pytest.raises(RulesError, match="discount_rate_max"):
        rules_from_rows(_rows(discount_rate_min="0.03", discount_rate_max="0.02", gl_account="7300"))
    with pytest.raises(RulesError, match="shape"):
        rules_from_rows([{"name": "x", "priority": 1, "discount_rate_max": "0.02"}])
    with pytest.raises(RulesError, match="shape"):
        rules_from_rows(_rows(shape="invoice_lists"))  # a shape the engine does not know stays an error
    assert rules_from_rows(_rows(discount_rate_max="0.03", gl_account="7300")).rules[0].shape == "invoice_list"


def test_the_library_holds_the_european_rules():
    names = {r.name for r in default_rules()}
    assert {"invoices_named_exact_sum", "invoices_named_less_cash_discount", "split_payment_instalments",
            "bank_charge_text_to_expense_eu"} <= names


# ------------------------------------------------------------------------------------------- generator


def test_generator_is_seeded_and_labels_every_category():
    a, b = generate_euro(2000, seed=4), generate_euro(2000, seed=4)
    assert a.bank.equals(b.bank) and a.ledger.equals(b.ledger)
    assert set(a.truth.kind) == set(CATEGORIES)
    off = generate_euro(2000, seed=4, dials=EuroDials(multi_invoice=0, skonto=0))
    assert not {"multi_invoice", "skonto"} & set(off.truth.kind)


def test_engine_finds_the_european_categories_on_a_small_book():
    data = generate_euro(6000, seed=9)
    by_kind = evaluate_by_kind(data, match_frames(data.bank, data.ledger).member_rows())
    for kind in CATEGORIES:
        assert by_kind[kind]["recall"] >= 0.9, (kind, by_kind[kind])
    assert by_kind["ALL"]["precision"] >= 0.998


def test_shuffled_european_input_gives_byte_identical_matches(tmp_path):
    bank, ledger = generate_euro(1200, seed=6).records()
    result = auto_match(bank, ledger)

    def written(res, tag):
        m, p = tmp_path / f"{tag}.csv", tmp_path / f"{tag}.p.csv"
        write_matches(m, res.matched)
        write_proposals(p, res.proposed)
        return m.read_bytes() + p.read_bytes()

    first = written(result, "a")
    rng = random.Random(12)
    rng.shuffle(bank)
    rng.shuffle(ledger)
    assert written(auto_match(bank, ledger), "b") == first


def test_rule_set_without_the_new_shapes_still_runs():
    only = RuleSet(tuple(r for r in default_rules() if r.shape != "invoice_list"))
    assert isinstance(only.rules[0], Rule)
    bank, ledger = generate_euro(600, seed=2).records()
    assert auto_match(bank, ledger, only).matched


# ------------------------------------------------------------------------------------- real bank texts


def test_real_german_export_reads_numbers_ibans_and_no_codes_as_names(wild):
    """A real German CSV export (SEPA keys inline, words broken where the bank's lines ended), imported as the
    user would, read by the matcher's text keys."""
    from tieout.server.importers import import_file

    lines = import_file(wild / "csv" / "sparda_umsaetze-1234567-2024-02-13-12-00-00.csv").lines
    texts = sorted({line.description for line in lines})
    debit = next(t for t in texts if "MREF+" in t and "NR." in t)
    assert "337" in dn.read(debit)  # the order number after its label, however short
    words = set(tx.padded(debit).split())
    mandate = debit.split("MREF+")[1].split()[0]
    assert mandate.upper() not in words  # a mandate reference names no one
    transfer = next(t for t in texts if "IBAN+ DE89" in t)  # printed in groups of its own: 'DE8937040044 0532013000'
    assert tx.ibans(transfer) == {"DE89370400440532013000"} and not dn.read(transfer) & {"8937040044", "532013000"}
