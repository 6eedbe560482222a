"""CSV layouts banks really export, each written by the test and imported through import_file: amounts as one
signed column, debit/credit columns or amount + DR/CR indicator; every date and number spelling; account
details and balances above the header; summary rows below; encodings and delimiters."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tieout.server.importers import detect, import_file
from tieout.server.importers.base import ImportOptions

D = Decimal


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def one(result):
    assert len(result.statements) == 1
    return result.statements[0]


# ------------------------------------------------------------------------------------------ bank layouts

def test_chase_layout_newest_first_with_running_balance_and_trailing_commas(tmp_path):
    path = write(tmp_path, "chase.csv", (
        "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
        "DEBIT,03/31/2026,MONTHLY SERVICE FEE,-25.00,FEE_TRANSACTION,1475.00,,\n"
        "CHECK,03/20/2026,CHECK 1044,-300.00,CHECK_PAID,1500.00,1044,\n"
        "CREDIT,03/05/2026,ORIG CO NAME:ACME CORP CO ENTRY DESCR:PAYROLL,800.00,ACH_CREDIT,1800.00,,\n"
        "DSLIP,03/02/2026,DEPOSIT  ID NUMBER 1234,1000.00,DEPOSIT,1000.00,5501,\n"))
    result = import_file(path)
    st = one(result)
    assert result.format == "csv"
    assert st.currency == "USD"
    assert (st.opening_balance, st.closing_balance) == (D("0.00"), D("1475.00"))
    assert st.total == D("1475.00")
    assert [ln.type for ln in st.lines] == ["fee", "check", "ach", "deposit"]
    assert [ln.check_number for ln in st.lines] == ["", "1044", "", "5501"]
    assert [ln.line_id for ln in st.lines] == ["L2", "L3", "L4", "L5"]
    assert st.lines[3].description == "DEPOSIT ID NUMBER 1234"  # runs of spaces collapsed
    assert (st.first_date, st.last_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 31))


def test_bofa_layout_summary_block_above_and_beginning_balance_row(tmp_path):
    path = write(tmp_path, "stmt.csv", (
        "Description,,Summary Amt.\n"
        'Beginning balance as of 01/01/2026,,"1,000.00"\n'
        'Total credits,,"2,500.00"\n'
        'Total debits,,"-1,234.56"\n'
        'Ending balance as of 01/31/2026,,"2,265.44"\n'
        "\n"
        "Date,Description,Amount,Running Bal.\n"
        '01/01/2026,Beginning balance as of 01/01/2026,,"1,000.00"\n'
        '01/02/2026,"PAYROLL ACME, INC.","2,500.00","3,500.00"\n'
        '01/15/2026,"CHECKCARD 0114 COFFEE","-34.56","3,465.44"\n'
        '01/20/2026,"Online Banking transfer to SAV 1234","-1,200.00","2,265.44"\n'))
    st = one(import_file(path))
    assert len(st.lines) == 3
    assert (st.opening_balance, st.closing_balance) == (D("1000.00"), D("2265.44"))
    assert [ln.amount for ln in st.lines] == [D("2500.00"), D("-34.56"), D("-1200.00")]
    assert [ln.type for ln in st.lines] == ["other", "card", "transfer"]


def test_wells_fargo_headerless_layout(tmp_path):
    path = write(tmp_path, "Checking1.csv", (
        '"01/05/2026","-45.10","*","","PURCHASE AUTHORIZED ON 01/04 GROCERY STORE"\n'
        '"01/06/2026","1200.00","*","","DIRECT DEP ACME PAYROLL"\n'
        '"01/09/2026","-150.00","*","2211","CHECK # 2211"\n'))
    result = import_file(path)
    st = one(result)
    assert [ln.amount for ln in st.lines] == [D("-45.10"), D("1200.00"), D("-150.00")]
    assert [ln.line_id for ln in st.lines] == ["L1", "L2", "L3"]
    assert st.lines[2].check_number == "2211" and st.lines[2].type == "check"
    assert st.lines[1].type == "ach"
    assert st.currency == "USD" and st.opening_balance is None


def test_uk_paid_in_paid_out_with_pound_signs_and_account_name(tmp_path):
    path = write(tmp_path, "nationwide.csv", (
        '"Account Name:","FlexAccount ****12345"\n'
        '"Account Balance:","£1,968.50"\n'
        '"Available Balance: ","£1,968.50"\n'
        "\n"
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"\n'
        '"01 Feb 2026","Direct debit","COUNCIL TAX","£120.00","","£880.00"\n'
        '"03 Feb 2026","Bank credit","SALARY ACME LTD","","£1,100.00","£1,980.00"\n'
        '"04 Feb 2026","Card payment","TESCO STORES","£11.50","","£1,968.50"\n'), encoding="utf-8", bom=True)
    st = one(import_file(path))
    assert st.account == "****12345"
    assert st.currency == "GBP"
    assert [ln.amount for ln in st.lines] == [D("-120.00"), D("1100.00"), D("-11.50")]
    assert [ln.type for ln in st.lines] == ["direct_debit", "transfer", "card"]
    assert (st.opening_balance, st.closing_balance) == (D("1000.00"), D("1968.50"))
    assert st.lines[0].date == dt.date(2026, 2, 1)


def test_sparkasse_semicolons_decimal_comma_two_digit_years_cp1252_and_pending(tmp_path):
    header = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";'
              '"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";'
              '"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";'
              '"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"\n')
    rows = [
        ("DE89370400440532013000", "30.01.26", "30.01.26", "LASTSCHRIFT", "Miete Februar", "", "M-1", "E2E-1", "",
         "", "", "Hausverwaltung Müller GmbH", "DE02120300000000202051", "BYLADEM1001", "-1.250,00", "EUR",
         "Umsatz gebucht"),
        ("DE89370400440532013000", "31.01.26", "31.01.26", "GUTSCHR. UEBERWEISUNG", "Gehalt Januar", "", "", "",
         "", "", "", "Arbeitgeber AG", "DE02120300000000202052", "BYLADEM1001", "3.400,55", "EUR",
         "Umsatz gebucht"),
        ("DE89370400440532013000", "01.02.26", "01.02.26", "KARTENZAHLUNG", "Bäckerei", "", "", "", "", "", "",
         "Bäckerei Schmidt", "", "", "-4,20", "EUR", "Umsatz vorgemerkt"),
    ]
    text = header + "".join(";".join(f'"{c}"' for c in r) + "\n" for r in rows)
    st = one(import_file(write(tmp_path, "umsaetze.csv", text, encoding="cp1252")))
    assert st.account == "DE89370400440532013000" and st.currency == "EUR"
    assert [ln.amount for ln in st.lines] == [D("-1250.00"), D("3400.55"), D("-4.20")]
    assert [ln.pending for ln in st.lines] == [False, False, True]
    assert st.total == D("2150.55")  # the pending line is not booked
    assert st.lines[0].description == "Hausverwaltung Müller GmbH / Miete Februar"
    assert st.lines[0].reference == "E2E-1"
    assert [ln.type for ln in st.lines] == ["direct_debit", "transfer", "card"]
    assert st.lines[0].date == dt.date(2026, 1, 30)


def test_ing_amount_with_af_bij_indicator_and_yyyymmdd(tmp_path):
    text = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";'
            '"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n'
            '"20260102";"Albert Heijn 1234";"NL91INGB0002445588";"";"BA";"Af";"23,45";"Betaalautomaat";'
            '"Pasvolgnr: 001";"976,55";""\n'
            '"20260105";"Werkgever BV";"NL91INGB0002445588";"NL20INGB0001234567";"OV";"Bij";"2.000,00";'
            '"Overschrijving";"Salaris januari";"2.976,55";""\n')
    st = one(import_file(write(tmp_path, "NL91INGB0002445588_01-01-2026_31-01-2026.csv", text)))
    assert [ln.amount for ln in st.lines] == [D("-23.45"), D("2000.00")]
    assert [ln.type for ln in st.lines] == ["card", "transfer"]
    assert (st.opening_balance, st.closing_balance) == (D("1000.00"), D("2976.55"))
    assert st.account == "NL91INGB0002445588" and st.currency == "EUR"
    assert st.lines[1].description == "Werkgever BV / Salaris januari"


# ------------------------------------------------------------------------------------------ generic layouts

def test_generic_debit_credit_columns_with_negative_debits(tmp_path):
    path = write(tmp_path, "export.csv", (
        "Date,Description,Debit,Credit,Balance\n"
        "2026-04-01,Opening deposit,,500.00,500.00\n"
        "2026-04-02,Card purchase,-19.99,,480.01\n"
        "2026-04-03,Bank fee,-5.00,,475.01\n"))
    st = one(import_file(path, options=ImportOptions(currency="CAD")))
    assert [ln.amount for ln in st.lines] == [D("500.00"), D("-19.99"), D("-5.00")]
    assert st.currency == "CAD"
    assert [ln.type for ln in st.lines] == ["deposit", "card", "fee"]


def test_generic_amount_with_drcr_column(tmp_path):
    path = write(tmp_path, "export.csv", (
        "Value Date,Transaction Date,Narrative,Amount,Dr/Cr,Currency\n"
        "05/03/2026,04/03/2026,Transfer in,250.00,CR,AUD\n"
        "06/03/2026,06/03/2026,ATM withdrawal,100.00,DR,AUD\n"))
    result = import_file(path)
    st = one(result)
    assert [ln.amount for ln in st.lines] == [D("250.00"), D("-100.00")]
    # 04/03/2026 reads as day-first and month-first alike and two dates settle nothing: the account's
    # currency (AUD: day first) decides, and the import says which reading it took
    assert [ln.date for ln in st.lines] == [dt.date(2026, 3, 4), dt.date(2026, 3, 6)]
    assert [ln.value_date for ln in st.lines] == [dt.date(2026, 3, 5), dt.date(2026, 3, 6)]
    assert any("'04/03/2026' read as %d/%m/%Y, not %m/%d/%Y" in w for w in result.warnings)
    assert st.currency == "AUD"


def test_generic_type_column_holding_dr_cr_is_an_indicator(tmp_path):
    path = write(tmp_path, "export.csv", (
        "Date,Description,Amount,Type\n"
        "2026-05-01,Salary,3000.00,CR\n"
        "2026-05-02,Rent,1200.00,DR\n"))
    st = one(import_file(path, options=ImportOptions(currency="USD")))
    assert [ln.amount for ln in st.lines] == [D("3000.00"), D("-1200.00")]


@pytest.mark.parametrize("spelling,expected", [
    ("-1,234.56", "-1234.56"),
    ("(1,234.56)", "-1234.56"),
    ("1,234.56-", "-1234.56"),
    ("$-1,234.56", "-1234.56"),
    ("-$1,234.56", "-1234.56"),
    ("1234.56 DR", "-1234.56"),
    ("1234.56 CR", "1234.56"),
    ("USD 1,234.56", "1234.56"),
    ("1 234.56", "1234.56"),
])
def test_negative_and_decorated_amounts(tmp_path, spelling, expected):
    path = write(tmp_path, "x.csv", f'Date,Description,Amount\n2026-01-02,Something,"{spelling}"\n')
    st = one(import_file(path, options=ImportOptions(currency="USD")))
    assert st.lines[0].amount == D(expected)


@pytest.mark.parametrize("rows,expected", [
    (["2026-03-31", "2026-04-01"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
    (["03/31/2026", "04/01/2026"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
    (["31.03.2026", "01.04.2026"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
    (["31-Mar-26", "01-Apr-26"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
    (["31/03/2026", "01/04/2026"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
    (["2026-03-31 14:05:00", "2026-04-01 09:00"], [dt.date(2026, 3, 31), dt.date(2026, 4, 1)]),
])
def test_date_spellings_are_detected_per_file(tmp_path, rows, expected):
    text = "Date,Description,Amount\n" + "".join(f"{d},Line {i},1.00\n" for i, d in enumerate(rows))
    st = one(import_file(write(tmp_path, "d.csv", text), options=ImportOptions(currency="EUR")))
    assert [ln.date for ln in st.lines] == expected


def test_ambiguous_dates_import_with_a_warning(tmp_path):
    text = "Date,Description,Amount\n01/02/2026,A,1.00\n03/04/2026,B,2.00\n"
    result = import_file(write(tmp_path, "d.csv", text), options=ImportOptions(currency="USD"))
    assert [ln.date for ln in result.lines] == [dt.date(2026, 1, 2), dt.date(2026, 3, 4)]
    # both readings fit the column alike (same order, same 61-day period): the account's currency decides
    assert any("01/02/2026" in w and "USD accounts write dates month first" in w for w in result.warnings)


def test_decimal_comma_semicolon_file_generic(tmp_path):
    text = "Datum;Omschrijving;Bedrag;Saldo\n02-01-2026;Huur;-1.250,00;750,00\n03-01-2026;Rente;0,15;750,15\n"
    st = one(import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="EUR")))
    assert [ln.amount for ln in st.lines] == [D("-1250.00"), D("0.15")]
    assert (st.opening_balance, st.closing_balance) == (D("2000.00"), D("750.15"))
    assert st.lines[1].type == "interest"


def test_tab_delimited(tmp_path):
    text = "Date\tDescription\tAmount\n2026-02-01\tWire from client\t9,500.00\n2026-02-02\tWire fee\t-15.00\n"
    st = one(import_file(write(tmp_path, "x.txt", text), options=ImportOptions(currency="USD")))
    assert [ln.amount for ln in st.lines] == [D("9500.00"), D("-15.00")]
    assert [ln.type for ln in st.lines] == ["wire", "fee"]


def test_windows_1252_and_utf8_bom_read_the_same(tmp_path):
    text = "Date,Description,Amount\r\n2026-02-01,Café Müller – Köln,-8.40\r\n"
    a = import_file(write(tmp_path, "a.csv", text, encoding="cp1252"), options=ImportOptions(currency="EUR"))
    b = import_file(write(tmp_path, "b.csv", text, encoding="utf-8", bom=True), options=ImportOptions(currency="EUR"))
    assert a.lines[0].description == b.lines[0].description == "Café Müller – Köln"
    assert a.lines[0].amount == b.lines[0].amount == D("-8.40")


def test_summary_rows_at_the_bottom_are_checked_not_imported(tmp_path):
    text = ("Date,Description,Debit,Credit\n"
            "2026-06-01,Deposit,,100.00\n"
            "2026-06-02,Groceries,40.00,\n"
            "2026-06-03,Fuel,20.00,\n"
            "Total,,60.00,100.00\n"
            "Closing balance,,,1040.00\n"
            "\n"
            "Generated by Online Banking\n")
    result = import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="USD"))
    st = one(result)
    assert len(st.lines) == 3 and st.total == D("40.00")
    assert st.closing_balance == D("1040.00") and st.opening_balance is None
    assert any("skipped 1 row" in w and "line 8" in w for w in result.warnings)


def test_running_balance_gives_opening_and_closing_in_either_order(tmp_path):
    rows = [("2026-01-03", "-10.00", "90.00"), ("2026-01-02", "50.00", "100.00"), ("2026-01-01", "-50.00", "50.00")]
    newest_first = "Date,Description,Amount,Balance\n" + "".join(f"{d},x,{a},{b}\n" for d, a, b in rows)
    oldest_first = "Date,Description,Amount,Balance\n" + "".join(f"{d},x,{a},{b}\n" for d, a, b in rows[::-1])
    for name, text in (("n.csv", newest_first), ("o.csv", oldest_first)):
        st = one(import_file(write(tmp_path, name, text), options=ImportOptions(currency="USD")))
        assert (st.opening_balance, st.closing_balance) == (D("100.00"), D("90.00"))


def test_multi_line_quoted_descriptions_keep_true_line_numbers(tmp_path):
    text = 'Date,Description,Amount\n2026-01-01,"two\nlines",1.00\n2026-01-02,plain,2.00\n'
    st = one(import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="USD")))
    assert [ln.line_id for ln in st.lines] == ["L2", "L4"]
    assert st.lines[0].description == "two lines"


def test_transaction_id_column_becomes_line_id(tmp_path):
    text = "Date,Description,Amount,Transaction ID\n2026-01-01,a,1.00,TX-9\n2026-01-02,b,2.00,TX-10\n"
    st = one(import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="USD")))
    assert [ln.line_id for ln in st.lines] == ["TX-9", "TX-10"]


def test_repeated_transaction_ids_are_marked_and_missing_ones_use_line_numbers(tmp_path):
    text = ("Date,Description,Amount,Transaction ID\n2026-01-01,a,1.00,TX-9\n2026-01-02,b,2.00,TX-9\n"
            "2026-01-03,c,3.00,TX-10\n2026-01-04,d,4.00,\n")
    result = import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="USD"))
    assert [ln.line_id for ln in result.lines] == ["TX-9~1", "TX-9~2", "TX-10", "L5"]
    assert "1 line has no transaction id; its line id is its line number, e.g. L5" in result.warnings
    assert any(w.startswith("2 lines share their transaction id with another line of the file, e.g. TX-9 on 2 "
                            "lines, now TX-9~1, TX-9~2...") for w in result.warnings)


def test_currency_from_header_and_account_from_iban_column(tmp_path):
    text = "Date,Account,Description,Amount (CHF)\n2026-01-01,CH9300762011623852957,Zins,0.40\n"
    st = one(import_file(write(tmp_path, "x.csv", text)))
    assert st.currency == "CHF" and st.account == "CH9300762011623852957"


def test_iban_country_gives_the_currency_when_nothing_states_it(tmp_path):
    text = "Date,Account,Description,Amount\n2026-01-01,FR1420041010050500013M02606,Loyer,-800.00\n"
    st = one(import_file(write(tmp_path, "x.csv", text)))
    assert st.currency == "EUR"


def test_two_accounts_in_one_file_become_two_statements(tmp_path):
    text = ("Date,Account,Description,Amount,Currency\n"
            "2026-01-01,111-222,a,1.00,USD\n2026-01-02,333-444,b,2.00,USD\n2026-01-03,111-222,c,3.00,USD\n")
    result = import_file(write(tmp_path, "x.csv", text))
    assert [(s.account, len(s.lines), s.total) for s in result.statements] == [
        ("111-222", 2, D("4.00")), ("333-444", 1, D("2.00"))]


def test_xls_name_holding_csv_text_is_read_by_content(tmp_path):
    path = write(tmp_path, "export.xls", "Date\tDescription\tAmount\n2026-01-01\tCash\t-20.00\n")
    assert detect(path).name == "csv"
    result = import_file(path, options=ImportOptions(currency="USD"))
    assert result.format == "csv" and result.lines[0].amount == D("-20.00")


def test_forced_profile_is_used(tmp_path):
    text = "Date,Description,Amount,Running Bal.\n01/02/2026,x,5.00,5.00\n"
    result = import_file(write(tmp_path, "x.csv", text), options=ImportOptions(profile="bofa_checking"))
    assert one(result).currency == "USD"  # the BofA profile's currency, not a guess


def test_preamble_labels_longest_phrase_decides(tmp_path):
    text = ("Account: 9988776655\n"
            "Opening balance: 100.00\n"
            "Total number of transactions,2\n"
            "Currency,Euro\n"
            "\n"
            "Date,Description,Amount\n2026-01-02,a,-10.00\n2026-01-03,b,5.00\n"
            "Balance carried forward,,95.00\n")
    result = import_file(write(tmp_path, "x.csv", text), options=ImportOptions(currency="USD"))
    st = one(result)
    assert st.account == "9988776655"
    assert (st.opening_balance, st.closing_balance) == (D("100.00"), D("95.00"))
    assert st.currency == "USD"  # "Euro" is no ISO code: ignored with a warning, the option applies
    assert any("'EURO' is not an ISO 4217 code" in w for w in result.warnings)


def test_demo_sample_month_chase_csv_imports_with_its_balances(tmp_path):
    from tieout.server.sample_data import build_sample_month, write_chase_csv

    month = build_sample_month(seed=7)
    result = import_file(write_chase_csv(month, tmp_path / "chase.csv"))
    st = one(result)
    bank_txns = [t for t in month.txns if t.bank_date is not None]
    assert len(st.lines) == len(bank_txns)
    assert (st.opening_balance, st.closing_balance) == (month.opening_balance, month.bank_closing)
    assert sorted(ln.check_number for ln in st.lines if ln.type == "check") == sorted(
        t.check_number for t in bank_txns if t.bank_type == "CHECK_PAID")
    assert {ln.type for ln in st.lines if "SERVICE FEE" in ln.description} == {"fee"}
    assert {ln.type for ln in st.lines if "INTEREST" in ln.description} == {"interest"}
