"""Evidence found on the blind European books at 100k lines a side (issue 12, eu16), each on a built case through the
real engine (auto_match with the built-in rules): an account-number counterparty stands for the name its booking
text spells, also against the pair; a booking text naming no one is not a named customer's payment; and the lines of
one journal and day sharing the identifier the bank text quotes settle it (several payment runs on one day)."""
from __future__ import annotations

from match_data import bank_line, ledger_line

from tieout.server.matching import auto_match
from tieout.server.matching.settlements.shared_references import identifiers


def _groups(result) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    return {m.bank_ids: (tuple(sorted(m.ledger_ids)), m.rule) for m in result.matched}


# Other customers, so that the ledger's vocabulary of names is not empty and a bank text naming one is a name.
KNOWN = [ledger_line(f"K{i}", "2024-01-02", f"{900 + i}.13", counterparty=n, currency="EUR")
         for i, n in enumerate(("Vogel Verpackung B.V.", "Rossi Sanitaer S.r.l.", "Brandt Druck KG"))]


def test_an_account_number_line_whose_text_names_another_customer_is_not_paired():
    """The bank names Rossi; the only open line of the amount is booked under debtor number 10251 with Vogel's name in
    its text: another customer's receipt, not this payment (it was taken before: the number named no one)."""
    bank = [bank_line("B1", "2024-03-04", "78.00", "transfer", "ROSSI SANITAER S.R.L. Zahlung", currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-03-05", "78.00", counterparty="10251", currency="EUR",
                                  description="Zahlungseingang RE-2024-11634 Vogel Verpackung B.V.")]
    assert ("B1",) not in _groups(auto_match(bank, ledger))


def test_an_account_number_line_whose_text_names_the_customer_is_still_paired():
    bank = [bank_line("B1", "2024-03-04", "78.00", "transfer", "ROSSI SANITAER S.R.L. Zahlung", currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-03-05", "78.00", counterparty="10251", currency="EUR",
                                  description="Zahlungseingang RE-2024-11634 Rossi Sanitaer S.r.l.")]
    assert _groups(auto_match(bank, ledger))[("B1",)][0] == ("L1",)


def test_a_booking_text_naming_no_one_is_not_a_named_customers_payment():
    """A day's card takings booked to account 1360 name no one; a transfer from a customer the ledger knows by name is
    that customer's payment, whatever the amount says."""
    takings = ledger_line("L1", "2024-02-20", "233.53", reference="2002", counterparty="1360", source="KASSE",
                          currency="EUR", description="Kartenumsaetze 20.02.2024")
    named = [bank_line("B1", "2024-02-22", "233.53", "other", "Brandt Druck KG SEPA-GUTSCHRIFT Zahlung", currency="EUR")]
    assert ("B1",) not in _groups(auto_match(named, KNOWN + [takings]))
    nameless = [bank_line("B1", "2024-02-22", "233.53", "other", "KARTENUMSAETZE 20.02.", currency="EUR")]
    assert _groups(auto_match(nameless, KNOWN + [takings]))[("B1",)][0] == ("L1",)


def _run(run_id: str, amounts: tuple[str, ...], tag: str, day: str = "2024-05-06") -> list:
    return [ledger_line(f"{tag}{i}", day, a, reference=f"ER{tag}{i}", counterparty=f"7000{i}", source="ZV",
                        currency="EUR", description=f"Zahlung ER{tag}{i} Lieferant {run_id}")
            for i, a in enumerate(amounts)]


TWO_RUNS = (_run("ZV2024050601", ("-120.50", "-3310.07", "-47.11"), "R")
            + _run("ZV2024050602", ("-999.00", "-18.40"), "S")
            + [ledger_line("X", "2024-05-06", "-80.00", source="ZV", currency="EUR", description="Zahlung ER9")])


def test_the_lines_sharing_the_run_id_the_bank_quotes_settle_it():
    """Two runs and a stray payment booked by one journal on one day: the whole day fits neither bank debit, the
    lines carrying the id each bank text quotes do."""
    bank = [bank_line("B1", "2024-05-07", "-3477.68", "other", "BATCH PAYMENT ZV2024050601", currency="EUR"),
            bank_line("B2", "2024-05-08", "-1017.40", "other", "SAMMLER-UEBERWEISUNG MSG-ID ZV-2024050602",
                      currency="EUR")]
    got = _groups(auto_match(bank, KNOWN + TWO_RUNS))
    assert got[("B1",)] == (("R0", "R1", "R2"), "journal_day_shared_reference")
    assert got[("B2",)] == (("S0", "S1"), "journal_day_shared_reference")


def test_lines_sharing_the_id_but_not_adding_up_are_not_taken():
    bank = [bank_line("B1", "2024-05-07", "-3477.69", "other", "BATCH PAYMENT ZV2024050601", currency="EUR")]
    assert ("B1",) not in _groups(auto_match(bank, KNOWN + TWO_RUNS))


def test_a_bank_text_quoting_no_id_does_not_pick_a_run_out_of_the_day():
    bank = [bank_line("B1", "2024-05-07", "-3477.68", "other", "SEPA Sammelauftrag 3 Posten", currency="EUR")]
    assert ("B1",) not in _groups(auto_match(bank, KNOWN + TWO_RUNS))


def test_identifiers_keep_words_with_digits_and_drop_inner_separators():
    assert identifiers("SEPA Core Einzug LS-20240315-07; RE 12/2024") == frozenset({"LS2024031507"})
    assert identifiers("MSG-ID ZV2024031512 ANZAHL 12") == frozenset({"ZV2024031512"})


def test_a_reference_cut_short_is_found_only_with_the_whole_number_of_its_booking_text():
    """The export cut both references to 12 characters ('RE-2024-0891'); the booking texts keep RE-2024-08917 and
    RE-2024-08916, and the bank text (broken at a field boundary) names the second: it alone is the payment's."""
    bank = [bank_line("B1", "2024-01-15", "1380.30", "transfer",
                      "Weiss & Krueger A/SSEPA-GUTSCHRIFT SVWZ+ Rechnung RE-2024-0891 6 EREF+ 255149645430",
                      currency="EUR")]
    ledger = KNOWN + [ledger_line(f"L{k}", day, "1380.30", reference="RE-2024-0891", counterparty="Weiß & Krüger A/S",
                                  currency="EUR", description=f"Zahlungseingang RE-2024-0891{k} Weiß & Krüger A/S")
                      for k, day in ((7, "2024-01-17"), (6, "2024-01-16"))]
    assert _groups(auto_match(bank, ledger))[("B1",)] == (("L6",), "exact_amount_reference_in_text")


def test_a_tax_number_that_reads_like_a_debtor_account_names_no_one():
    """Debtor 12586 is booked under its account number elsewhere; the tax office's transfer quotes a tax number with
    the digits 12586: that names no one, so the tax line (account 1790, no name in its text) is still its pair."""
    ledger = KNOWN + [ledger_line("D1", "2024-01-03", "55.00", counterparty="12586", currency="EUR",
                                  description="Zahlungseingang RE-2024-00001"),
                      ledger_line("L1", "2024-09-10", "-4312.77", reference="08/24", counterparty="1790", currency="EUR",
                                  description="Lohnsteuer 08/2024")]
    bank = [bank_line("B1", "2024-09-10", "-4312.77", "other",
                      "BONIFICO SEPA ORD: AGENZIA ENTRATE F24 STNR 848/541/12586 LOHNST 08.2024", currency="EUR")]
    assert _groups(auto_match(bank, ledger))[("B1",)][0] == ("L1",)
