"""Every CSV and Excel file of ../shared/corpus-wild imports with the figures EXPECTED.json gives, without a
hand-written profile (most are read by inference), read in place through the `wild` fixture. Two entries of
EXPECTED.json are not what the file says; their tests assert what is right and say why."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from wild_corpus import differences, expected, names, options_for

D = Decimal
# EXPECTED.json counts spkfr_simple2's "Umsatz vorgemerkt" row (a pending line by the corpus's own conventions)
# and its 0,00 ABSCHLUSS notice as transactions. It is tested below with what is right.
ARGUED = {"csv/spkfr_simple2.csv"}


@pytest.mark.parametrize("name", [n for n in names("csv", "xlsx") if n not in ARGUED])
def test_wild_tabular_file_gives_its_expected_figures(wild, name):
    assert differences(wild, name) == []


def test_every_wild_tabular_file_is_covered(wild):
    assert len(names("csv", "xlsx")) == 44


def _import(wild, name, **kw):
    return import_file(wild / name, options=options_for(expected()[name], **kw))


def test_pending_and_zero_rows_of_the_sparkasse_export_are_reported_apart(wild):
    result = _import(wild, "csv/spkfr_simple2.csv")
    st = result.statements[0]
    assert [ln.amount for ln in st.pending_lines] == [D("-22.59")]  # Info column: "Umsatz vorgemerkt"
    assert [ln.description[:10] for ln in st.zero_amount_lines] == ["Abrechnung"]  # ABSCHLUSS 0,00
    assert len(st.transactions) == 16 and st.total == D("107.17") - D("-22.59")


def test_bancoposta_states_no_currency_and_its_profile_gives_the_euro(wild):
    """The export names no currency anywhere; BancoPosta accounts are held in euro, which the bank's built-in
    profile says (as ING NL's does). SALDO INIZIALE / SALDO FINALE rows are balances, never transactions."""
    result = import_file(wild / "csv/bancoposta_bancoposta.csv")
    assert (result.layout.name, result.layout.source) == ("bancoposta_it", "builtin")
    st = result.statements[0]
    assert st.currency == "EUR" and len(st.transactions) == 4 and st.total == D("996.10")
    # the sample's own figures disagree: imported, with the finding the user must see
    assert (st.opening_balance, st.closing_balance) == (D("26851.95"), D("28359.05"))
    assert [f.code for f in st.findings] == ["balance_mismatch"]


def test_a_file_that_states_no_currency_and_no_profile_knows_is_refused_until_one_is_given(wild, tmp_path):
    text = (wild / "csv/bancoposta_bancoposta.csv").read_text(encoding="ascii")
    unknown = tmp_path / "statement.csv"  # the same rows under headers no built-in profile knows
    unknown.write_text(text.replace("Data;Valuta;Addebiti;Accrediti;Descrizione operazioni",
                                    "Date;Value date;Debit;Credit;Details"), encoding="ascii")
    with pytest.raises(BankFileError) as err:
        import_file(unknown)
    assert "does not state its currency" in str(err.value) and "statement.csv" in str(err.value)
    st = import_file(unknown, options=ImportOptions(currency="EUR")).statements[0]
    assert (st.currency, len(st.transactions), st.total) == ("EUR", 4, D("996.10"))


@pytest.mark.parametrize("name", ["csv/csv2ofx_outbank.csv", "csv/ofxlt_danske.csv"])
def test_a_changed_header_of_a_known_bank_falls_back_to_inference_with_a_finding(wild, name):
    result = _import(wild, name)
    assert result.layout.source == "inferred"
    changed = [f for f in result.findings if f.code == "layout_changed"]
    assert changed and "bunq_nl" in changed[0].message


def test_a_bank_profile_still_comes_first(wild):
    assert _import(wild, "csv/ofxnl_ing_ok_Mutatiesoort_Extra_Unquoted.csv").layout.source == "builtin"


def test_running_balance_break_is_a_finding_with_its_figures(wild):
    result = _import(wild, "csv/lloyds_sample-statement.csv")
    breaks = [f for f in result.findings if f.code == "running_balance_break"]
    assert len(breaks) == 1 and dict(breaks[0].figures)["difference"] == "-4.12"


def test_hidden_rows_and_pending_rows_of_a_netbank_workbook(wild):
    result = _import(wild, "xlsx/otp_sample-new-format-2026-06.xlsx")
    assert [st.account for st in result.statements] == ["11111111-22222222", "33333333-44444444"]
    lines = result.lines
    assert "REJTETT SOR" not in " ".join(ln.description for ln in lines)  # the hidden row
    pending = [ln for ln in lines if ln.pending]
    assert [(ln.amount, ln.date) for ln in pending] == [(D("-999"), dt.date(2024, 1, 20))]
    assert any("hidden row" in w for w in result.warnings)


def test_card_statement_charges_are_money_out_and_the_import_says_why(wild):
    result = _import(wild, "csv/camtcsv_viseca.csv")
    assert any("card statement" in w for w in result.warnings)
    assert result.statements[0].total == D("-49.20")


def test_balance_before_each_line_gives_the_opening_balance(wild):
    result = _import(wild, "csv/ofxnl_transactie-historie_NL00ASNB9999999999_20220717204133.csv")
    st = result.statements[0]
    assert st.opening_balance == D("130.44") and not st.findings


def test_currency_sections_are_statements_with_their_own_balances(wild):
    result = _import(wild, "csv/ofxlt_swedbank.csv")
    assert [(st.currency, st.opening_balance, st.closing_balance, len(st.lines)) for st in result.statements] == [
        ("LTL", D("2123.82"), D("3917.30"), 5), ("EUR", D("120"), D("120"), 0)]
    assert [f.code for f in result.statements[0].findings] == ["balance_mismatch"]  # the sample's own figures
