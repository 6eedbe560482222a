"""Evidence rules found on the blind European books (tests/euro_world_books.py), each on a built case through the
real engine (auto_match with the built-in rules): account-number counterparties, whole booking days of any journal
or of a named counterparty, charges deducted under any bank type, and the generator's own contract."""
from __future__ import annotations

import pytest
from match_data import bank_line, ledger_line

from tieout.server.matching import RulesError, auto_match, rules_from_toml


def _groups(result) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    return {m.bank_ids: (tuple(sorted(m.ledger_ids)), m.rule) for m in result.matched}


# Other customers, so that the ledger's vocabulary of names is not empty and a bank text naming one is a name.
KNOWN = [ledger_line(f"K{i}", "2024-01-02", f"{900 + i}.13", counterparty=n, currency="EUR")
         for i, n in enumerate(("Vogel Verpackung B.V.", "Rossi Sanitaer S.r.l.", "Brandt Druck KG"))]


def test_an_account_number_counterparty_is_named_through_its_booking_text():
    """DATEV-style exports give the Gegenkonto (10251) for counterparty: the bank naming the customer of the booking
    text is not a contradiction, and the pair matches."""
    bank = [bank_line("B1", "2024-03-04", "78.00", "transfer", "BONIFICO A VOSTRO FAVORE ORD: ROSSI SANITAER CRO 2091",
                      currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-03-04", "78.00", counterparty="10251", currency="EUR",
                                  description="Zahlungseingang RE-2024-11634 Rossi Sanitaer S.r.l.")]
    assert _groups(auto_match(bank, ledger))[("B1",)][0] == ("L1",)


def test_an_account_number_counterparty_still_competes_with_a_named_one():
    """Two open receipts of the customer, same amount, one with the name and one with the account number: the bank
    text naming the customer ties both, so neither is taken (held for review)."""
    bank = [bank_line("B1", "2024-03-04", "78.00", "transfer", "ROSSI SANITAER S.R.L. Zahlung", currency="EUR")]
    ledger = KNOWN + [
        ledger_line("L1", "2024-03-04", "78.00", counterparty="10251", currency="EUR",
                    description="Zahlungseingang RE-2024-11634 Rossi Sanitaer S.r.l."),
        ledger_line("L2", "2024-03-03", "78.00", counterparty="Rossi Sanitaer S.r.l.", currency="EUR",
                    description="Zahlungseingang RE-2024-11635 Rossi Sanitaer S.r.l.")]
    assert ("B1",) not in _groups(auto_match(bank, ledger))


def _run(day="2024-05-06", extra=()):
    return [ledger_line(f"R{i}", day, a, reference=f"ER{i}", source="ZV", currency="EUR",
                        description=f"Zahlung ER{i} Lieferant {i}") for i, a in enumerate(("-120.50", "-3310.07", "-47.11"))] \
        + list(extra)


def test_a_payment_run_of_any_journal_is_its_whole_booking_day():
    """The journal's name (ZV) is in no rule: the whole day of its debits adding up to the bank debit is the
    evidence."""
    bank = [bank_line("B1", "2024-05-07", "-3477.68", "other", "SAMMLER-UEBERWEISUNG ANZAHL 3", currency="EUR")]
    got = _groups(auto_match(bank, KNOWN + _run()))
    assert got[("B1",)] == (("R0", "R1", "R2"), "journal_day_exact_sum")


def test_a_booking_day_with_one_more_line_is_not_a_run():
    bank = [bank_line("B1", "2024-05-07", "-3477.68", "other", "SAMMLER-UEBERWEISUNG ANZAHL 3", currency="EUR")]
    extra = [ledger_line("X", "2024-05-06", "-80.00", source="ZV", currency="EUR", description="Zahlung ER9")]
    assert ("B1",) not in _groups(auto_match(bank, KNOWN + _run(extra=extra)))


def test_two_booking_days_adding_up_alike_are_left_for_review():
    bank = [bank_line("B1", "2024-05-07", "-3477.68", "other", "SAMMELAUFTRAG", currency="EUR")]
    twin = [ledger_line(f"T{i}", "2024-05-08", a, source="ZV", currency="EUR", description=f"Zahlung ET{i}")
            for i, a in enumerate(("-3400.00", "-77.68"))]
    assert ("B1",) not in _groups(auto_match(bank, KNOWN + _run(extra=twin)))


def test_invoices_of_an_account_number_counterparty_settle_by_the_name_in_their_texts():
    """One transfer for three invoices; the export books them under the debtor number 10479 with the name in the
    booking text; the bank names the customer but only one invoice number."""
    bank = [bank_line("B1", "2024-06-03", "1480.00", "other", "BRANDT DRUCK KG SEPA-GUTSCHRIFT RE 2024 0343",
                      currency="EUR")]
    ledger = KNOWN + [ledger_line(f"L{i}", "2024-06-03", a, reference=f"RE-2024-034{i}", counterparty="10479",
                                  description=f"Ausgleich RE-2024-034{i} Brandt Druck KG", currency="EUR")
                      for i, a in enumerate(("1000.00", "400.00", "80.00"))]
    assert _groups(auto_match(bank, ledger))[("B1",)][0] == ("L0", "L1", "L2")


def test_charges_deducted_under_a_bank_type_of_its_own_with_the_document_number():
    """A European bank's own code reads as `other`; 17.85 is in no fee schedule: the number agreeing carries it."""
    bank = [bank_line("B1", "2024-07-01", "982.15", "PMNT-RCDT-ESCT", "VOGEL VERPACKUNG BV Rechnung 2024/0145",
                      currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-07-01", "1000.00", reference="RE-2024-0145", currency="EUR",
                                  counterparty="Vogel Verpackung B.V.", description="Zahlungseingang RE-2024-0145")]
    m = next(m for m in auto_match(bank, ledger).matched if m.bank_ids == ("B1",))
    assert m.ledger_ids == ("L1",) and m.rule == "fee_deducted_document_number"


def test_charges_deducted_are_not_believed_when_the_bank_names_another_company():
    bank = [bank_line("B1", "2024-07-01", "982.15", "other", "BRANDT DRUCK KG Rechnung 2024/0145", currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-07-01", "1000.00", reference="RE-2024-0145", currency="EUR",
                                  counterparty="Vogel Verpackung B.V.", description="Zahlungseingang RE-2024-0145")]
    assert ("B1",) not in _groups(auto_match(bank, ledger))


def test_a_settlement_of_any_journal_must_settle_two_lines_or_more():
    with pytest.raises(RulesError) as exc:
        rules_from_toml('[[rule]]\nname = "any"\npriority = 1\nshape = "settlement"\nsettle_by = "source"\n')
    assert "settle_min_items" in str(exc.value)
    rules_from_toml('[[rule]]\nname = "any"\npriority = 1\nshape = "settlement"\nsettle_by = "source"\n'
                    'settle_min_items = 2\n')


def test_the_blind_generator_keeps_its_contract():
    """Same seed, same books; every true group has both sides; the categories are the documented ones."""
    from euro_world_books import CATEGORIES, generate_euro_world, hard_dials
    a, b = generate_euro_world(600, seed=5), generate_euro_world(600, seed=5)
    assert a.bank.equals(b.bank) and a.ledger.equals(b.ledger) and len(a.bank) >= 600
    sides = a.truth.groupby("group").side.nunique()
    assert (sides == 2).all() and set(a.truth.kind) <= set(CATEGORIES)
    assert (a.bank.amount_minor != 0).all() and (a.ledger.amount_minor != 0).all()
    hard = generate_euro_world(600, seed=5, dials=hard_dials())
    assert not hard.bank.equals(a.bank)


# ---- skonto15: a difference the ledger booked as a line of its own is taken into the group, never proposed again
def _skonto(gl_discount: bool):
    bank = [bank_line("B1", "2024-04-08", "980.00", "other", "VOGEL VERPACKUNG BV Rechnung RE-2024-0145 abzgl. 2% "
                      "Skonto", currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-04-08", "1000.00", reference="RE-2024-0145", counterparty="10102",
                                  description="Zahlungseingang RE-2024-0145 Vogel Verpackung B.V.", currency="EUR")]
    if gl_discount:
        ledger.append(ledger_line("L2", "2024-04-08", "-20.00", reference="RE-2024-0145", counterparty="10102",
                                  description="Skonto 2% RE-2024-0145 Vogel Verpackung B.V.", currency="EUR"))
    return auto_match(bank, ledger)


def test_a_cash_discount_the_ledger_booked_joins_the_group_and_is_not_proposed():
    result = _skonto(gl_discount=True)
    assert _groups(result)[("B1",)] == (("L1", "L2"), "invoices_named_exact_sum")
    assert not result.proposed


def test_a_cash_discount_the_ledger_did_not_book_is_proposed():
    result = _skonto(gl_discount=False)
    assert _groups(result)[("B1",)] == (("L1",), "invoices_named_less_cash_discount")
    assert [(p.bank_line_id, str(p.amount)) for p in result.proposed] == [("B1", "-20.00")]


def test_a_discount_line_alone_does_not_settle_a_bank_line():
    """Lines of the bank line's sign must be in the group: a credit under the number is no payment."""
    bank = [bank_line("B1", "2024-04-08", "-20.00", "other", "RUECKZAHLUNG RE-2024-0145", currency="EUR")]
    ledger = KNOWN + [ledger_line("L2", "2024-04-08", "-20.00", reference="RE-2024-0145", currency="EUR",
                                  description="Skonto 2% RE-2024-0145"),
                      ledger_line("L3", "2024-04-08", "-5.00", reference="RE-2024-0145", currency="EUR",
                                  description="Skonto RE-2024-0145")]
    assert _groups(auto_match(bank, ledger)).get(("B1",), ((), ""))[1] != "invoices_named_exact_sum"


# ---- skonto15: a year is context, not a document number
def test_a_bare_year_cut_from_an_id_is_no_number_and_a_year_head_is_no_link():
    from tieout.server.matching.text import doc_numbers, numbers_agree
    assert "2024" not in doc_numbers("Lastschrifteinzug RE-2024-04978 Dupont & Visser S.A. LS-2024")
    assert "2024" in doc_numbers("Rechnung Nr. 2024")  # a label says it is a number
    # a collection id cut to 'LS-202404' against a reference built from invoice 2024-041234
    assert not numbers_agree(frozenset({"202404"}), frozenset({"2024041234"}))
    assert numbers_agree(frozenset({"143572"}), frozenset({"10143572"}))  # containment still links numbers
    assert numbers_agree(frozenset({"202404123"}), frozenset({"2024041234"}))  # five digits past the year


def test_a_receipt_is_not_tied_to_a_collection_item_by_the_year_of_a_cut_id():
    bank = [bank_line("B1", "2024-05-02", "394.80", "other", "DUPONT METALLBAU S.A.SEPA-GUTSCHRIFT SVWZ+ Rechnung RE "
                      "2024 0845 1 EREF+ NOTPROVIDED", currency="EUR")]
    ledger = KNOWN + [ledger_line("L1", "2024-01-26", "394.80", reference="RE-2024-08532", counterparty="10407",
                                  description="Lastschrifteinzug RE-2024-08532 Vogel & Oezdemir B.V. LS-2024",
                                  currency="EUR", source="LS")]
    assert ("B1",) not in _groups(auto_match(bank, ledger))


def test_the_generator_expects_a_proposal_only_where_the_ledger_left_the_difference_unbooked():
    """Skonto booked gross only, charges deducted and FX leave a difference to propose; a discount the ledger
    booked as its own line does not."""
    from euro_world_books import generate_euro_world
    data = generate_euro_world(3000, seed=7)
    kinds = data.line_kinds
    groups = data.truth.groupby("group")
    for _, g in groups:
        bank_ids = list(g.line_id[g.side == "bank"])
        if len(bank_ids) != 1 or g.kind.iloc[0] not in ("skonto", "fee_deducted", "fx", "receipt"):
            continue
        b = data.bank.set_index("line_id").amount_minor[bank_ids[0]]
        gl = data.ledger.set_index("line_id").amount_minor[list(g.line_id[g.side == "ledger"])].sum()
        assert (bank_ids[0] in data.proposals) == (b != gl), (kinds[bank_ids[0]], b, gl)
    assert any(kinds[b] == "skonto" for b in data.proposals) and any(kinds[b] == "fee_deducted" for b in data.proposals)


@pytest.mark.parametrize("ledger_day, proposed", [("2024-03-11", []), ("2024-04-20", ["B1", "B2"])])
def test_a_bank_fee_the_ledger_may_hold_already_is_not_proposed(ledger_day, proposed):
    """Two equal charges and one open ledger line of that amount (which of the two it is, nobody can tell): inside
    the rule's window neither is proposed (one would be posted twice); a line far outside it holds neither."""
    bank = [bank_line("B1", "2024-03-01", "-12.50", "fee", "SERVICE CHARGE 02/2024", currency="EUR"),
            bank_line("B2", "2024-03-01", "-12.50", "fee", "SERVICE CHARGE 02/2024 B", currency="EUR")]
    ledger = [ledger_line("L1", ledger_day, "-12.50", description="Nebenkosten des Geldverkehrs", currency="EUR")]
    assert sorted(p.bank_line_id for p in auto_match(bank, ledger).proposed) == proposed
