"""QIF importer: the corpus-wild QIF files give their expected values; files written here cover each variation
(account types, !Account blocks, skipped lists and investment sections, every date spelling and order, decimal
marks, splits, encodings, the opening balance record) and bad input names line and field."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from wild_corpus import differences, expected, names

from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import detect, import_file, importers
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.qif import IMPORTER as QIF

QIF_FILES = names("qif")


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "export.qif") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def qif(*records: str, header: str = "!Type:Bank") -> str:
    """A QIF text: a header and records of fields given as 'D1/2/2024|T-5.00|PShop' (| between lines)."""
    return header + "\n" + "".join(r.replace("|", "\n") + "\n^\n" for r in records)


def load(path: Path, **options):
    return import_file(path, options=ImportOptions(**options))


def error_of(path: Path, **options) -> str:
    with pytest.raises(BankFileError) as info:
        load(path, **options)
    return str(info.value)


# ---- the corpus ---------------------------------------------------------------------------------------------

def test_the_corpus_has_its_nine_qif_files():
    assert len(QIF_FILES) == 9


@pytest.mark.parametrize("name", QIF_FILES)
def test_corpus_file_gives_exactly_its_expected_values(wild, name):
    assert differences(wild, name) == []
    assert detect(wild / name) is QIF


def test_no_other_corpus_file_is_taken_for_qif(wild):
    for name, entry in expected().items():
        head = (wild / name).read_bytes()[:64 * 1024]
        assert QIF.identify(wild / name, head) == (entry["format"] == "qif"), name


def test_corpus_opening_balance_record_lists_and_investment_section(wild):
    result = load(wild / "qif/quiffen_test.qif")
    (st,) = result.statements
    assert (st.account, st.opening_balance, st.closing_balance) == ("TestExport", Decimal("0.00"), None)
    assert all("Opening" not in ln.description for ln in st.lines)
    assert any("1 investment account records (!Type:Invst)" in w for w in result.warnings)
    assert not any("Security" in w or "Cat" in w for w in result.warnings)  # lists are passed over quietly
    walmart = next(ln for ln in st.lines if ln.description.startswith("Walmart"))
    assert (walmart.check_number, walmart.type, walmart.description) == ("123", "check",
                                                                         "Walmart / non split transaction")


def test_corpus_split_amount_that_cannot_be_read_is_a_finding(wild):
    result = load(wild / "qif/rbqif_quicken_non_investement_account.qif")
    (finding,) = result.findings
    assert finding.code == "split_amount"
    assert dict(finding.figures)["split_amount"] == "=746.36" and dict(finding.figures)["line"] == "13"
    with pytest.raises(BankFileError, match="split_amount"):
        load(wild / "qif/rbqif_quicken_non_investement_account.qif", strict=True)


def test_corpus_windows_1252_payee(wild):
    (line,) = load(wild / "qif/qif2json_windows-1252.qif").lines
    assert line.description == "SOME £$™€ CHARACTERS"
    (line,) = load(wild / "qif/qif2json_utf8.qif").lines
    assert line.description == "SOME £$™€ CHARACTERS"


def test_corpus_through_the_cli(wild, tmp_path, capsys):
    out = tmp_path / "lines.csv"
    code = cli.main(["import", str(wild / "qif/qif2json_normalTransactions.qif"), "--format", "qif",
                     "--currency", "USD", "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    (st,) = summary["statements"]
    assert summary["format"] == "qif"
    assert (st["count"], st["total"], st["currency"], st["first_date"], st["last_date"]) == (
        3, "-935.00", "USD", "1994-06-01", "1994-06-03")
    assert out.read_text().splitlines()[1].startswith("L2,1994-06-01,-1000.00,USD,1005,Bank Of Mortgage,check,1005")


def test_qif_is_a_format_name_of_the_cli():
    assert "qif" in [imp.name for imp in importers()]


# ---- account types and sections -----------------------------------------------------------------------------

def test_card_and_cash_sections_keep_the_files_sign(tmp_path):
    text = (qif("D01/05/2024|T-42.10|PGrocer", "D01/20/2024|T100.00|PPayment, thank you", header="!Type:CCard")
            + qif("D01/06/2024|T-3.00|PCoffee", header="!Type:Cash"))
    result = load(write(tmp_path, text), currency="usd")
    card, cash = result.statements
    assert [ln.amount for ln in card.lines] == [Decimal("-42.10"), Decimal("100.00")]
    assert [ln.amount for ln in cash.lines] == [Decimal("-3.00")]
    assert {ln.currency for ln in result.lines} == {"USD"}


def test_account_blocks_name_the_following_section_and_autoswitch_lists_name_nothing(tmp_path):
    text = ("!Option:AutoSwitch\n!Account\nNListed only\nTBank\n^\nNAlso listed\nTCCard\n^\n!Clear:AutoSwitch\n"
            "!Account\nNChecking\nTBank\n$1,234.00\n^\n" + qif("D1/2/24|T-1.00")
            + "!Account\nNVisa\nTCCard\n^\n" + qif("D1/3/24|T-2.00", header="!Type:CCard")
            + qif("D1/4/24|T-3.00"))
    checking, visa, unnamed = load(write(tmp_path, text), currency="EUR").statements
    assert (checking.account, visa.account, unnamed.account) == ("Checking", "Visa", "")
    assert checking.closing_balance is None  # the !Account $ is the last reconciled balance, not this file's
    assert [st.statement_id for st in (checking, visa, unnamed)] == ["Checking #1", "Visa #2", "#3"]


def test_lists_and_options_are_skipped(tmp_path):
    text = ("!Type:Cat\nNFood\nDGroceries\nE\n^\n!Type:Class\nNHome\n^\n!Option:MDY\n!Type:Memorized\nKC\nT-5\n^\n"
            + qif("D3/4/2024|T-9.99|PShop"))
    result = load(write(tmp_path, text))
    assert [ln.amount for ln in result.lines] == [Decimal("-9.99")]


def test_investment_and_other_sections_are_skipped_with_a_warning(tmp_path):
    text = (qif("D3/4/2024|T-9.99") + "!Type:Invst\nD3/4/2024\nNBuy\nYAAPL\n^\nD3/5/2024\nNSell\n^\n"
            + "!Type:Oth L\nD3/4/2024\nT-1\n^\n")
    result = load(write(tmp_path, text))
    assert len(result.lines) == 1
    assert any(w.startswith("2 investment account records (!Type:Invst) from line 5") for w in result.warnings)
    assert any(w.startswith("1 other liability account records") for w in result.warnings)


def test_a_file_of_investments_only_is_refused(tmp_path):
    message = error_of(write(tmp_path, "!Type:Invst\nD3/4/2024\nNBuy\n^\n"))
    assert "no bank, cash or credit-card account" in message and "investment" in message


def test_last_record_may_lack_its_end_line(tmp_path):
    path = write(tmp_path, "!Type:Bank\nD1/2/2024\nT-1.00\n^\nD1/3/2024\nT-2.00")
    assert [ln.amount for ln in load(path).lines] == [Decimal("-1.00"), Decimal("-2.00")]


def test_comment_lines_before_the_header_and_windows_line_ends(tmp_path):
    path = write(tmp_path, "### exported\r\n\r\n!Type:Bank\r\nD1/2/2024\r\nT-1.00\r\n^\r\n")
    assert [ln.date for ln in load(path).lines] == [dt.date(2024, 1, 2)]


# ---- dates --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, date", [
    ("6/ 1/94", dt.date(1994, 6, 1)),
    ("12/29/2010", dt.date(2010, 12, 29)),
    ("2/14'2020", dt.date(2020, 2, 14)),
    ("1/ 5'04", dt.date(2004, 1, 5)),
    ("1/ 1' 0", dt.date(2000, 1, 1)),
    ("2024-02-29", dt.date(2024, 2, 29)),
    ("20240229", dt.date(2024, 2, 29)),
    ("29/12/10", dt.date(2010, 12, 29)),
    ("31.01.2024", dt.date(2024, 1, 31)),
])
def test_date_spellings(tmp_path, written, date):
    (line,) = load(write(tmp_path, qif(f"D{written}|T-1.00"))).lines
    assert line.date == date


def test_one_day_above_12_decides_the_order_of_the_whole_file(tmp_path):
    day_first = load(write(tmp_path, qif("D01/06/10|T-1.00", "D02/06/10|T-2.00", "D29/06/10|T3.00")))
    assert [ln.date.month for ln in day_first.lines] == [6, 6, 6]
    month_first = load(write(tmp_path, qif("D06/01/10|T-1.00", "D06/02/10|T-2.00", "D06/29/10|T3.00")))
    assert [ln.date.month for ln in month_first.lines] == [6, 6, 6]
    assert not any("proves" in w for w in day_first.warnings + month_first.warnings)


def test_unproven_order_is_read_month_first_with_both_readings_told(tmp_path):
    result = load(write(tmp_path, qif("D01/06/10|T-1.00", "D02/06/10|T-2.00")))
    assert [ln.date for ln in result.lines] == [dt.date(2010, 1, 6), dt.date(2010, 2, 6)]
    (warning,) = [w for w in result.warnings if "proves" in w]
    assert "'01/06/10' (line 2) reads 2010-01-06 month-first or 2010-06-01 day-first" in warning


def test_unproven_dotted_dates_are_read_day_first(tmp_path):
    result = load(write(tmp_path, qif("D01.06.2010|T-1.00", "D02.06.2010|T-2.00")))
    assert [ln.date for ln in result.lines] == [dt.date(2010, 6, 1), dt.date(2010, 6, 2)]
    assert any("read day-first" in w for w in result.warnings)


def test_dates_that_read_the_same_both_ways_need_no_warning(tmp_path):
    result = load(write(tmp_path, qif("D03/03/10|T-1.00", "D2010-07-08|T-2.00")))
    assert not any("proves" in w for w in result.warnings)


def test_a_file_proving_both_orders_is_refused_naming_both_lines(tmp_path):
    message = error_of(write(tmp_path, qif("D13/01/2024|T-1.00", "D01/13/2024|T-2.00")))
    assert "line 2, field 'D'" in message and "'01/13/2024' (line 5)" in message


@pytest.mark.parametrize("written, why", [("2024-02-30", "not a calendar date"), ("yesterday", "not a date"),
                                          ("1/2", "not a date"), ("31/31/2024", "not a calendar date")])
def test_an_unreadable_date_names_line_and_field(tmp_path, written, why):
    message = error_of(write(tmp_path, qif("D1/2/2024|T-1.00", f"D{written}|T-2.00")))
    assert f"line 5, field 'D': {why}" in message


def test_a_record_without_date_or_amount_is_refused(tmp_path):
    assert "line 2, field 'D': missing date" in error_of(write(tmp_path, qif("T-1.00|PShop")))
    assert "line 2, field 'T': missing amount" in error_of(write(tmp_path, qif("D1/2/2024|PShop")))


def test_a_missing_end_line_is_caught_not_merged(tmp_path):
    message = error_of(write(tmp_path, "!Type:Bank\nD1/2/2024\nT-1.00\nD1/3/2024\nT-2.00\n^\n"))
    assert "line 4, field 'D': a second D field in one record" in message


# ---- amounts ------------------------------------------------------------------------------------------------

def test_thousands_separators_and_plain_amounts(tmp_path):
    result = load(write(tmp_path, qif("D1/2/2024|T-1,010.00", "D1/3/2024|T30,020", "D1/4/2024|T5")))
    assert [ln.amount for ln in result.lines] == [Decimal("-1010.00"), Decimal("30020"), Decimal("5")]


def test_decimal_comma_files(tmp_path):
    result = load(write(tmp_path, qif("D02.01.2024|T-1.010,50", "D03.01.2024|T1.000", "D04.01.2024|T-10,5")))
    assert [ln.amount for ln in result.lines] == [Decimal("-1010.50"), Decimal("1000"), Decimal("-10.5")]


def test_a_file_proving_both_decimal_marks_is_refused(tmp_path):
    message = error_of(write(tmp_path, qif("D1/2/2024|T-10,50", "D1/3/2024|T-1,000.00")))
    assert "line 6, field 'T'" in message and "both decimal marks" in message


def test_u_amount_when_t_is_missing_and_negative_zero(tmp_path):
    result = load(write(tmp_path, qif("D1/2/2024|U-7.25", "D1/3/2024|T-0.00")))
    assert [str(ln.amount) for ln in result.lines] == ["-7.25", "0.00"]
    assert len(result.statements[0].zero_amount_lines) == 1


def test_an_unreadable_amount_names_line_and_field(tmp_path):
    message = error_of(write(tmp_path, qif("D1/2/2024|T-1.00", "D1/3/2024|Tabc")))
    assert "line 6, field 'T': not an amount: 'abc'" in message


# ---- fields -------------------------------------------------------------------------------------------------

def test_numbers_payee_memo_category_and_line_ids(tmp_path):
    result = load(write(tmp_path, qif("D1/2/2024|T-50.00|N1042|PLandlord|MRent|CX|LHousing",
                                      "D1/3/2024|T-20.00|NATM|PCash machine",
                                      "D1/4/2024|T-5.00|PSavings|L[Savings]",
                                      "D1/5/2024|T9.00|NEFT|PEmployer|MEmployer ref 7")))
    rows = [(ln.line_id, ln.reference, ln.check_number, ln.type, ln.description) for ln in result.lines]
    assert rows == [("L2", "1042", "1042", "check", "Landlord / Rent"),
                    ("L10", "ATM", "", "cash", "Cash machine"),
                    ("L15", "", "", "transfer", "Savings"),
                    ("L20", "EFT", "", "ach", "Employer ref 7")]
    assert all(not ln.pending for ln in result.lines)


def test_opening_balance_record_is_the_opening_balance(tmp_path):
    text = qif("D1/1/2024|T1,500.00|CX|POpening Balance|L[Checking]", "D1/2/2024|T-100.00|PShop")
    (st,) = load(write(tmp_path, text)).statements
    assert (st.account, st.opening_balance, st.closing_balance) == ("Checking", Decimal("1500.00"), None)
    assert [ln.amount for ln in st.lines] == [Decimal("-100.00")]
    assert st.first_date == dt.date(2024, 1, 2)


def test_an_opening_balance_payee_with_an_ordinary_category_is_a_transaction(tmp_path):
    (st,) = load(write(tmp_path, qif("D1/1/2024|T15.00|POpening Balance|LGifts"))).statements
    assert st.opening_balance is None and len(st.lines) == 1


def test_no_currency_is_imported_with_a_warning(tmp_path):
    result = load(write(tmp_path, qif("D1/2/2024|T-1.00")))
    assert result.lines[0].currency == ""
    assert any("QIF states no currency" in w for w in result.warnings)


# ---- splits -------------------------------------------------------------------------------------------------

SPLIT_OK = "D1/2/2024|T-100.00|PStore|SFood|EHalf|$-60.00|SHome|D1/1/2024|$-40.00"


def test_splits_that_add_up_describe_one_transaction(tmp_path):
    result = load(write(tmp_path, qif(SPLIT_OK)))
    assert [(ln.date, ln.amount) for ln in result.lines] == [(dt.date(2024, 1, 2), Decimal("-100.00"))]
    assert result.findings == ()


def test_splits_that_do_not_add_up_are_a_finding_and_strict_refuses(tmp_path):
    path = write(tmp_path, qif(SPLIT_OK.replace("$-40.00", "$-45.00")))
    result = load(path)
    (finding,) = result.findings
    assert finding.code == "split_total" and finding.statement == "#1"
    assert dict(finding.figures) == {"line": "2", "transaction_amount": "-100.00", "splits_total": "-105.00",
                                     "difference": "5.00"}
    assert [ln.amount for ln in result.lines] == [Decimal("-100.00")]
    with pytest.raises(BankFileError, match="split_total"):
        load(path, strict=True)


def test_decimal_comma_splits_are_checked_in_the_files_mark(tmp_path):
    path = write(tmp_path, qif("D02.01.2024|T-1.000,00|SA|$-600,00|SB|$-400,00"))
    assert load(path).findings == ()


# ---- encodings ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_encodings(tmp_path, encoding, prefix):
    path = tmp_path / "e.qif"
    path.write_bytes(prefix + qif("D1/2/2024|T-1.00|PCafé € “quoted”").encode(encoding))
    assert detect(path) is QIF
    assert load(path).lines[0].description == "Café € “quoted”"


def test_bytes_windows_1252_leaves_undefined_are_told(tmp_path):
    path = tmp_path / "e.qif"
    path.write_bytes(qif("D1/2/2024|T-1.00|PA\x81B").encode("latin-1"))
    result = load(path)
    assert result.lines[0].description == "A\ufffdB"
    assert any("neither UTF-8 nor windows-1252" in w for w in result.warnings)


def test_end_lines_with_blanks_or_text_after_the_caret(tmp_path):
    path = write(tmp_path, "!Type:Bank\nD1/2/2024\nT-1.00\n  ^  \nD1/3/2024\nT-2.00\n^ end\nD1/4/2024\nT-3.00\n^")
    assert [(ln.line_id, ln.amount) for ln in load(path).lines] == [
        ("L2", Decimal("-1.00")), ("L5", Decimal("-2.00")), ("L8", Decimal("-3.00"))]


def test_split_amounts_decide_the_mark_when_the_amounts_prove_none(tmp_path):
    path = write(tmp_path, qif("D02.01.2024|T-10|SA|$-4,50|SB|$-5,50"))
    result = load(path)
    assert result.lines[0].amount == Decimal("-10") and result.findings == ()


def test_a_header_repeated_before_every_record_is_one_statement(tmp_path):
    text = qif("D1/2/2024|T-1.00") + qif("D1/3/2024|T-2.00") + qif("D1/4/2024|T-3.00", header="!Type:CCard")
    bank, card = load(write(tmp_path, text)).statements
    assert (len(bank.lines), len(card.lines)) == (2, 1)
    assert [ln.line_id for ln in bank.lines] == ["L2", "L6"]
