"""Layout inference on files written by the test, one variation each: containers (TSV, xlsx, ods, an HTML
table saved as .xls), header languages and no header at all, where the currency is said, card statements,
pending rows, debit/credit flags, the running balance as referee, refusal when two readings fit equally, and
the inferred layout as a profile the user owns (`tieout profile infer`)."""
from __future__ import annotations

import datetime as dt
import json
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from tieout.server.cli import main
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.tabular import infer_layout

D = Decimal
EUR = ImportOptions(currency="EUR")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def amounts(result) -> list[Decimal]:
    return [ln.amount for ln in result.lines]


def test_tsv_with_polish_headers_and_a_running_balance(tmp_path):
    path = write(tmp_path, "wyciag.txt", "Data operacji\tOpis operacji\tKwota\tSaldo po operacji\n"
                                         "02.01.2025\tCzynsz\t-1 500,00\t8 500,00\n"
                                         "15.01.2025\tWynagrodzenie\t4 200,50\t12 700,50\n")
    result = import_file(path, options=ImportOptions(currency="PLN"))
    assert result.layout.source == "inferred" and result.layout.confidence == 1.0
    st = result.statements[0]
    assert amounts(result) == [D("-1500.00"), D("4200.50")]
    assert (st.opening_balance, st.closing_balance) == (D("10000.00"), D("12700.50"))


def test_headerless_file_read_from_its_values(tmp_path):
    path = write(tmp_path, "export.csv", "AT611904300234573201;Miete Jänner;02.01.2025;03.01.2025;-650,00;EUR\n"
                                         "AT611904300234573201;Gehalt;28.01.2025;28.01.2025;+2.310,40;EUR\n")
    result = import_file(path)
    st = result.statements[0]
    assert (st.account, st.currency) == ("AT611904300234573201", "EUR")
    assert [(ln.date, ln.value_date, ln.amount) for ln in st.lines] == [
        (dt.date(2025, 1, 2), dt.date(2025, 1, 3), D("-650.00")), (dt.date(2025, 1, 28), dt.date(2025, 1, 28),
                                                                   D("2310.40"))]


def test_xlsx_with_a_preamble_in_swedish(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Kontoutdrag"])
    ws.append(["Valuta", "SEK"])
    ws.append([])
    ws.append(["Bokföringsdag", "Text", "Belopp", "Saldo"])
    ws.append(["2025-03-03", "Hyra", -7000.0, 3000.0])
    ws.append(["2025-03-25", "Lön", 25000.0, 28000.0])
    path = tmp_path / "konto.xlsx"
    wb.save(path)
    result = import_file(path)
    st = result.statements[0]
    assert (result.format, st.currency, st.closing_balance) == ("xlsx", "SEK", D("28000"))
    assert amounts(result) == [D("-7000"), D("25000")]


def _ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet: the mimetype, a manifest and the content."""
    cells = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in row)
        + "</table:table-row>" for row in rows)
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
        z.writestr("content.xml", f'<office:document-content {ns}><office:body><office:spreadsheet>'
                                  f'<table:table table:name="Blad1">{cells}</table:table>'
                                  '</office:spreadsheet></office:body></office:document-content>')
    return path


def test_ods_spreadsheet_in_dutch(tmp_path):
    path = _ods(tmp_path / "mutaties.ods", [["Boekdatum", "Omschrijving", "Bedrag (EUR)", "Af Bij"],
                                           ["02-01-2025", "Huur", "750,00", "Af"],
                                           ["15-01-2025", "Salaris", "2.500,00", "Bij"]])
    result = import_file(path)
    assert result.statements[0].currency == "EUR"  # from the header "Bedrag (EUR)"
    assert amounts(result) == [D("-750.00"), D("2500.00")]


def test_html_table_saved_as_xls_in_spanish(tmp_path):
    html = ("<html><body><table><tr><th>Fecha</th><th>Concepto</th><th>Importe</th><th>Saldo</th></tr>"
            "<tr><td>03/02/2025</td><td>Nómina</td><td>1.800,00</td><td>2.300,00</td></tr>"
            "<tr><td>14/02/2025</td><td>Alquiler</td><td>-900,00</td><td>1.400,00</td></tr></table></body></html>")
    result = import_file(write(tmp_path, "movimientos.xls", html), options=EUR)
    assert result.layout.source == "inferred"
    assert [ln.date for ln in result.lines] == [dt.date(2025, 2, 3), dt.date(2025, 2, 14)]
    assert result.statements[0].closing_balance == D("1400.00")


@pytest.mark.parametrize("cell,code", [("€12.50", "EUR"), ("12.50 GBP", "GBP"), ("CHF 12.50", "CHF")])
def test_currency_read_from_the_amount_cells(tmp_path, cell, code):
    path = write(tmp_path, "x.csv", f'Date,Payee,Amount\n2025-04-01,Shop,"-{cell}"\n2025-04-02,Refund,"{cell}"\n')
    st = import_file(path).statements[0]
    assert st.currency == code and [ln.amount for ln in st.lines] == [D("-12.50"), D("12.50")]


def test_card_statement_by_its_labels_reads_charges_as_money_out(tmp_path):
    path = write(tmp_path, "card.csv", "Card Number,Date,Merchant Name,Amount\n"
                                       "**** 1234,2025-05-02,COFFEE,4.50\n**** 1234,2025-05-03,BOOKS,20.00\n"
                                       "**** 1234,2025-05-20,PAYMENT THANK YOU,-24.50\n")
    result = import_file(path, options=ImportOptions(currency="USD"))
    assert amounts(result) == [D("-4.50"), D("-20.00"), D("24.50")]
    assert any("card statement" in w for w in result.warnings)


def test_the_running_balance_decides_the_sign(tmp_path):
    # charges written positive from the bank's side; the balance owed (negative for the holder) proves it
    path = write(tmp_path, "owed.csv", "Date,Details,Value,Balance\n2025-06-01,A,10.00,-110.00\n"
                                       "2025-06-02,B,5.00,-115.00\n2025-06-05,C,-15.00,-100.00\n")
    result = import_file(path, options=ImportOptions(currency="USD"))
    assert amounts(result) == [D("-10.00"), D("-5.00"), D("15.00")]
    assert not result.findings and any("balance says so" in w for w in result.warnings)


def test_a_credit_flag_beside_blanks_marks_the_other_rows_as_money_out(tmp_path):
    path = write(tmp_path, "jl.csv", "Date Processed,Description,Amount,\n28-Mar-2025,SHOP,£99.99,\n"
                                     '21-Apr-2025,PAYMENT,"+ £1,234.56",CR\n')
    assert amounts(import_file(path)) == [D("-99.99"), D("1234.56")]


def test_pending_rows_by_status_and_by_date(tmp_path):
    path = write(tmp_path, "p.csv", "Date,Status,Description,Debit,Credit\n19 Oct 25,Processed,A,10.00,\n"
                                    "Pending,Pending,B,5.00,\n20 Oct 25,Processed,C,,3.00\n")
    st = import_file(path, options=EUR).statements[0]
    assert [ln.amount for ln in st.transactions] == [D("-10.00"), D("3.00")]
    assert [(ln.amount, ln.date) for ln in st.pending_lines] == [(D("-5.00"), dt.date(2025, 10, 19))]


def test_dates_that_read_two_ways_equally_are_refused_naming_both(tmp_path):
    path = write(tmp_path, "d.csv", "Datum,Text,Betrag\n03/04/2025,A,1.00\n03/04/2025,B,2.00\n")
    with pytest.raises(BankFileError) as err:
        import_file(path)
    message = str(err.value)
    assert "read two ways" in message and "2025-04-03" in message and "2025-03-04" in message


@pytest.mark.parametrize("currency,day", [("USD", dt.date(2025, 3, 4)), ("EUR", dt.date(2025, 4, 3))])
def test_the_accounts_currency_settles_dates_the_column_cannot(tmp_path, currency, day):
    path = write(tmp_path, "d.csv", "Datum,Text,Betrag\n03/04/2025,A,1.00\n03/04/2025,B,2.00\n")
    result = import_file(path, options=ImportOptions(currency=currency))
    assert {ln.date for ln in result.lines} == {day}
    assert any(f"{currency} accounts write dates" in w for w in result.warnings)


def test_the_inferred_layout_for_the_add_in(tmp_path):
    path = write(tmp_path, "x.csv", "Buchungstag;Verwendungszweck;Betrag;Saldo\n02.01.2025;Miete;-500,00;500,00\n"
                                    "03.01.2025;Gehalt;1.000,00;1.500,00\n")
    found = infer_layout(path).as_dict()
    assert [(c["index"], c["header"], c["role"]) for c in found["columns"]] == [
        (0, "Buchungstag", "date"), (1, "Verwendungszweck", "description"), (2, "Betrag", "amount"),
        (3, "Saldo", "balance")]
    assert found["sample"][0] == ["02.01.2025", "Miete", "-500,00", "500,00"]
    assert "holds for 1 of 1" in found["balance_proof"]


def test_profile_infer_writes_a_profile_the_next_import_uses(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    path = write(tmp_path, "bank export.csv", "Datum;Omschrijving;Bedrag;Saldo\n02-01-2025;Huur;-500,00;500,00\n"
                                              "03-01-2025;Salaris;1.000,00;1.500,00\n")
    assert main(["profile", "infer", str(path), "--currency", "EUR"]) == 0  # 02-01 / 03-01: EUR says day first
    written = tmp_path / "home" / "profiles" / "bank_export.toml"
    profile = tomllib.loads(written.read_text(encoding="utf-8"))
    assert profile["columns"]["amount"] == ["Bedrag"] and profile["date_format"] == ["%d-%m-%Y"]
    assert json.loads(capsys.readouterr().out)["profile"] == str(written)
    result = import_file(path, options=EUR)
    assert (result.layout.name, result.layout.source) == ("bank_export", "user")
    assert amounts(result) == [D("-500.00"), D("1000.00")]
    out = tmp_path / "mine.toml"
    assert main(["profile", "infer", str(path), "--out", str(out), "--currency", "EUR"]) == 0
    assert tomllib.loads(out.read_text(encoding="utf-8"))["name"] == "mine"


def test_a_profile_that_misreads_the_rows_gives_way_to_inference_with_a_finding(tmp_path):
    # The header is Bank of America's (Date, Description, Amount, Running Balance), the rows are not: day-first
    # dates and a currency column. The profile's reading fails on a row, so inference reads the file and says so.
    path = write(tmp_path, "wise.csv", "ID,Date,Amount,Currency,Description,Running Balance\n"
                                       "T1,03-01-2023,-100.00,EUR,Sent,400.00\nT2,17-01-2023,500.00,EUR,Got,900.00\n")
    result = import_file(path)
    st = result.statements[0]
    assert (result.layout.source, st.currency, st.closing_balance) == ("inferred", "EUR", D("900.00"))
    assert [ln.date for ln in st.lines] == [dt.date(2023, 1, 3), dt.date(2023, 1, 17)]
    assert [f.code for f in st.findings] == ["profile_misread"]
    assert "bofa_checking" in st.findings[0].message


def test_the_users_account_kind_says_card(tmp_path):
    path = write(tmp_path, "c.csv", "Date,Shop,Amount\n2025-05-02,COFFEE,4.50\n2025-05-03,BOOKS,20.00\n")
    assert amounts(import_file(path, options=ImportOptions(currency="USD"))) == [D("4.50"), D("20.00")]
    result = import_file(path, options=ImportOptions(currency="USD", account_kind="card"))
    assert amounts(result) == [D("-4.50"), D("-20.00")]
    assert any("the account is a card account" in w for w in result.warnings)


def test_a_profile_whose_fixed_currency_the_file_contradicts_gives_way_to_inference(tmp_path):
    path = write(tmp_path, "w.csv", "Date,Description,Amount,Currency,Running Balance\n"
                                    "01/05/2023,Sent,-100.00,EUR,400.00\n01/06/2023,Got,500.00,EUR,900.00\n")
    result = import_file(path)
    st = result.statements[0]
    assert (st.currency, result.layout.source) == ("EUR", "inferred")  # not bofa_checking's USD
    assert [f.code for f in st.findings] == ["profile_misread"] and "says EUR" in st.findings[0].message
    assert [ln.date for ln in st.lines] == [dt.date(2023, 5, 1), dt.date(2023, 6, 1)]  # EUR: day first


def test_a_currency_the_file_states_outranks_the_one_the_user_assumes(tmp_path):
    path = write(tmp_path, "ch.csv", "Valuta;Buchung;Text;Betrag CHF;Saldo CHF\n"
                                     "03.01.2025;03.01.2025;Miete;-2'100.00;7'900.00\n"
                                     "25.01.2025;25.01.2025;Lohn;6'500.50;14'400.50\n")
    st = import_file(path, options=EUR).statements[0]
    assert (st.currency, st.opening_balance, st.closing_balance) == ("CHF", D("10000.00"), D("14400.50"))
