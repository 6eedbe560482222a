"""A line's type from its words and its sign (server/importers/tabular/classify.py, profiles/_defaults.toml).

A word that names a fee names income or a reimbursement on a credit: German "Entgelt" is the bank's charge on
a debit and a salary ("Arbeitsentgelt", "Lohn/Gehalt") on a credit; "commission", "frais" and "provisie" are
the same in English, French and Dutch. A fee typed on a credit would reach the matcher's bank-fee rule as a bank
charge; so a type rule may say its direction, and a line of the other sign goes on to the next rule."""
from __future__ import annotations

import pytest

from test_import_tabular_profiles import MY_BANK
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.tabular.layout_profiles import ProfileError, load_profile_file

# (description, fee when paid out) in the languages of the default rules; paid in, none of them is a fee
FEE_WORDS = [
    ("Lohn/Gehalt 10/2026 Entgelt Oktober ACME GmbH", "Kontofuehrung Entgelt"),
    ("Entgelt fuer Oktober", "Entgelt fuer Oktober"),
    ("Commission October agent no. 7", "Commission on FX payment"),
    ("Service charges refunded", "Service charges"),
    ("Remboursement frais de deplacement", "Frais bancaires"),
    ("Provisie oktober", "Provisie oktober"),
    ("Fee refund", "Monthly account fee"),
    ("Kosten vergoed", "Kosten rekening"),
]


def _types(tmp_path, rows: list[tuple[str, str]], name: str = "stmt.csv", **options) -> list[str]:
    path = tmp_path / name
    body = "".join(f"2026-10-{day:02d},{desc},{amount}\n" for day, (desc, amount) in enumerate(rows, start=1))
    path.write_text("Date,Description,Amount\n" + body, encoding="utf-8")
    st = import_file(path, options=ImportOptions(currency="EUR", **options)).statements[0]
    return [ln.type for ln in st.lines]


@pytest.mark.parametrize("credit, debit", FEE_WORDS)
def test_a_fee_word_types_a_debit_as_a_fee_and_never_a_credit(tmp_path, credit, debit):
    kinds = _types(tmp_path, [(credit, "2500.00"), (debit, "-5.90")])
    assert kinds[1] == "fee"
    assert kinds[0] != "fee"


def test_a_salary_credit_naming_entgelt_goes_on_to_the_next_rule_that_fits(tmp_path):
    """The direction only skips the fee rule: a credit whose text also names a transfer is a transfer, one
    naming nothing else is other; a debit keeps the fee rule's priority over the words after it."""
    kinds = _types(tmp_path, [("Gutschrift Ueberweisung Lohn/Gehalt Entgelt 10/2026", "1800.00"),
                              ("Arbeitsentgelt Oktober Entgelt", "1800.00"),
                              ("Entgelt Ueberweisung ins Ausland", "-12.50")])
    assert kinds == ["transfer", "other", "fee"]


def test_a_deposit_word_types_money_in_only(tmp_path):
    kinds = _types(tmp_path, [("Branch deposit 12", "400.00"), ("Security deposit to landlord", "-1200.00"),
                              ("Bareinzahlung Filiale", "250.00")])
    assert kinds == ["deposit", "other", "deposit"]


def test_a_zero_amount_line_is_typed_by_every_rule(tmp_path):
    """No sign to weigh: the words decide, as before."""
    assert _types(tmp_path, [("Kontofuehrung Entgelt", "0.00"), ("Payment", "-1.00")])[0] == "fee"


def test_the_bank_type_column_is_taken_as_the_bank_says(tmp_path):
    """Sparkasse's own Buchungstext maps the line (LOHN GEHALT: a transfer, ENTGELT: a fee, even when the bank
    refunds one): the direction weighs only the word rules."""
    header = ("Auftragskonto;Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;Beguenstigter/Zahlungspflichtiger;"
              "Kontonummer/IBAN;BIC (SWIFT-Code);Betrag;Waehrung;Info\n")
    rows = ["DE02120300000000202051;01.10.26;01.10.26;LOHN GEHALT;Arbeitsentgelt 10/2026;ACME GmbH;"
            "DE89370400440532013000;COBADEFFXXX;2500,00;EUR;Umsatz gebucht\n",
            "DE02120300000000202051;02.10.26;02.10.26;ENTGELT;Erstattung Entgelt;;;;5,90;EUR;Umsatz gebucht\n",
            "DE02120300000000202051;03.10.26;03.10.26;ENTGELTABSCHLUSS;Entgelt Abrechnung;;;;-5,90;EUR;"
            "Umsatz gebucht\n"]
    path = tmp_path / "sparkasse.csv"
    path.write_bytes((header + "".join(rows)).encode("cp1252"))
    st = import_file(path, options=ImportOptions()).statements[0]
    assert [(str(ln.amount), ln.type) for ln in st.lines] == [("2500.00", "transfer"), ("5.90", "fee"),
                                                              ("-5.90", "fee")]


def test_a_users_profile_may_give_its_rules_a_direction(tmp_path):
    """The direction is read on the account holder's side: an export written from the bank's side
    (sign = "inverted") types its lines by the amount after inversion."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "my_credit_union.toml").write_text(MY_BANK + '\n[[type_rules]]\ntype = "interest"\ndirection = "in"\n'
                                                 'words = ["cashback"]\n', encoding="utf-8")
    path = tmp_path / "card.csv"
    path.write_text("Trans Date,Memo Line,Trans Amt\n2026/02/01,CASHBACK REWARD,-3.00\n"
                    "2026/02/02,CASHBACK REVERSAL FEE,3.00\n", encoding="utf-8")
    st = import_file(path, options=ImportOptions(profile_dirs=(folder,))).statements[0]
    assert [(str(ln.amount), ln.type) for ln in st.lines] == [("3.00", "interest"), ("-3.00", "fee")]


def test_a_direction_that_is_not_in_or_out_is_named_with_its_rule(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\ntitle = "x"\n[columns]\ndate = ["D"]\namount = ["A"]\n'
                    '[[type_rules]]\ntype = "fee"\ndirection = "outgoing"\nwords = ["fee"]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"type_rules\[0\]\.direction.*'outgoing' is not a direction"):
        load_profile_file(path)
