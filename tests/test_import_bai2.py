"""BAI2 importer: the published corpus files, files generated for every layout variation, trailer checks, and
property tests (valid generated files round-trip; mutated or random text fails only with BankFileError)."""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swift_text import mutated
from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import bai2, detect, import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.records import BANK_TYPES
from wild_corpus import differences, names

# ---- a generator of BAI2 files with correct trailers --------------------------------------------------------


@dataclass
class D:
    """A detail (16) record."""

    code: int
    amount: int  # minor units, unsigned as in the file
    funds: str = ""
    funds_fields: tuple[str, ...] = ()
    bank_ref: str = ""
    cust_ref: str = ""
    text: str = ""


@dataclass
class A:
    number: str
    currency: str = ""
    opening: int | None = None
    closing: int | None = None
    details: list[D] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # extra 03 items "type,amount,count,funds[,extras]"


@dataclass
class G:
    accounts: list[A]
    as_of: str = "260115"
    currency: str = ""


def build(groups: list[G], *, text_in_88: int = 0, one_line: bool = False, header_currency_note: str = "") -> str:
    """A BAI2 file whose trailers are right. text_in_88 > 0 moves each detail's text to 88 records of that width;
    one_line puts every record on one physical line."""
    records = ["01,SENDER,RECEIVER,260116,0800,1,,,2/"]
    file_total = 0
    for g in groups:
        group_records = [f"02,RECEIVER,SENDER,1,{g.as_of},2400,{g.currency},2/"]
        group_total = 0
        for a in g.accounts:
            items, total = [], 0
            for code, value in (("010", a.opening), ("015", a.closing)):
                if value is not None:
                    items.append(f"{code},{value},,")
                    total += value
            for item in a.summary:
                items.append(item)
                total += int(item.split(",")[1])
            acct = [f"03,{a.number},{a.currency}," + ",".join(items) + "/"]
            for d in a.details:
                head = ",".join(["16", str(d.code), str(d.amount), d.funds, *d.funds_fields, d.bank_ref, d.cust_ref])
                if text_in_88 and d.text:
                    acct.append(head + "/")
                    acct += ["88," + d.text[i:i + text_in_88] for i in range(0, len(d.text), text_in_88)]
                else:
                    acct.append(head + "," + d.text + ("/" if one_line else ""))
                total += d.amount
            acct.append(f"49,{total},{len(acct) + 1}/")
            group_records += acct
            group_total += total
        group_records.append(f"98,{group_total},{len(g.accounts)},{len(group_records) + 1}/")
        records += group_records
        file_total += group_total
    records.append(f"99,{file_total},{len(groups)},{len(records) + 1}/")
    if one_line:
        return "".join(records)
    return "\n".join(records) + "\n"


def write(tmp_path: Path, text: str, name: str = "statement.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


def error_of(path: Path) -> str:
    with pytest.raises(BankFileError) as info:
        import_file(path, "bai2")
    return str(info.value)


# ---- the published corpus -----------------------------------------------------------------------------------


def _corpus_files(corpus_expected):
    files = {k: v for k, v in corpus_expected.items() if v["format"] == "bai2"}
    assert len(files) >= 2
    return files


def test_corpus_files_import_with_the_expected_values(corpus, corpus_expected):
    for name, exp in _corpus_files(corpus_expected).items():
        result = import_file(corpus / name)  # auto-detection, then the central balance check
        assert result.format == "bai2", name
        lines = result.lines
        assert len(lines) == exp["transactions"], name
        assert sum(ln.amount for ln in lines) == Decimal(exp["sum"]), name
        assert sorted({ln.currency for ln in lines}) == exp["currency"], name
        assert min(ln.date for ln in lines).isoformat() == exp["first_date"], name
        assert max(ln.date for ln in lines).isoformat() == exp["last_date"], name
        assert len(result.statements) == exp["accounts"], name
        first, last = result.statements[0], result.statements[-1]
        assert first.opening_balance == (None if exp["opening_balance"] is None else Decimal(exp["opening_balance"]))
        assert last.closing_balance == (None if exp["closing_balance"] is None else Decimal(exp["closing_balance"]))
        for st_, acct in zip(result.statements, exp["per_account"], strict=True):
            assert st_.account == acct["account"], name
            assert st_.currency == acct["currency"], name
            assert len(st_.lines) == acct["transactions"], name
            assert st_.total == Decimal(acct["sum"]), name
            for key, value in (("opening_ledger_010", st_.opening_balance),
                               ("closing_ledger_015", st_.closing_balance)):
                assert value == (None if acct[key] is None else Decimal(acct[key])), (name, key)
        assert len({ln.line_id for ln in lines}) == len(lines), name


def test_corpus_files_through_the_cli(corpus, corpus_expected, tmp_path, capsys):
    for name, exp in _corpus_files(corpus_expected).items():
        out = tmp_path / (Path(name).stem + ".csv")
        assert cli.main(["import", str(corpus / name), "--out", str(out), "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["format"] == "bai2"
        assert [s["count"] for s in summary["statements"]] == [a["transactions"] for a in exp["per_account"]]
        assert [Decimal(s["total"]) for s in summary["statements"]] == [Decimal(a["sum"]) for a in exp["per_account"]]
        assert {s["currency"] for s in summary["statements"]} == set(exp["currency"])
        assert summary["statements"][0]["first_date"] == exp["first_date"]
        assert summary["statements"][-1]["last_date"] == exp["last_date"]
        assert summary["statements"][0]["opening_balance"] == exp["opening_balance"]
        assert summary["statements"][-1]["closing_balance"] == exp["closing_balance"]
        rows = out.read_text().splitlines()
        assert rows[0] == "line_id,date,amount,currency,reference,description,type,check_number"
        assert len(rows) == 1 + exp["transactions"]


def test_natwest_continuation_split_mid_word_joins_without_a_space(corpus):
    result = import_file(corpus / "bai2" / "moj_nwb_example.bai2")
    assert result.lines[-1].description.endswith("INTERNATIONAL-5373 CLIENT SECCY AC TFR")
    assert result.lines[-1].amount == Decimal("0.89")  # type 399: a credit


# ---- the wild corpus (../shared/corpus-wild) ----------------------------------------------------------------


def test_the_wild_corpus_holds_its_six_bai2_files(wild):
    assert len(names("bai2")) == 6


@pytest.mark.parametrize("name", names("bai2"))
def test_wild_files_give_the_expected_values(wild, name):
    assert differences(wild, name) == []


def test_gsbi_details_without_slash_and_with_commas_in_their_text(wild):
    result = import_file(wild / "bai2" / "bai2reader_gsbi_sample_3.bai")
    assert [(ln.amount, ln.type, ln.line_id, ln.reference) for ln in result.lines] == [
        (Decimal("-0.65"), "wire", "GSGX5AKAVYZBOS37", "GSGX5AKAVYZBOS37"),
        (Decimal("-66.00"), "ach", "SB2518200140818", "GS8ZYYJFNZ"),
        (Decimal("-65.00"), "ach", "SB2518200140817", "GSFKDSFRBM"),
        (Decimal("200.00"), "wire", "SI4O6Q9BLNQCB8UC", "AGIPayVirChCrNrr")]
    # the 16 line is longer than any record length: its 88 continuation is a new piece of text, not a wrapped word
    assert result.lines[0].description.startswith(
        'SEPA Instant Payment,To: CREDITOR NAME, Remittance Info: "TEST", Client Ref ID: GSGX5AKAVYZBOS37, '
        "GS ID: GSGX5AKAVYZBOS37 REMI: TEST EREF: GSGX5AKAVYZBOS37 CBIC: ZYTADEF0")
    (st_,) = result.statements
    assert (st_.currency, st_.opening_balance, st_.closing_balance) == ("EUR", None, None)  # 060/030 are no ledger
    # its 49/98/99 state 68.35, the net of the details, not the BAI2 sum: accepted, and said
    assert not result.findings
    assert any("(line 36) state the net of their detail amounts" in w for w in result.warnings)


def test_svb_file_with_wrong_control_totals_imports_with_a_finding_and_strict_refuses(wild):
    path = wild / "bai2" / "svb_invalid_checksum_eod.bai2"
    result = import_file(path)
    assert [ln.amount for ln in result.lines] == [Decimal("83259.82")]
    (finding,) = result.findings  # the 98 and 99 repeat the 49's figure: one finding, where it is wrong
    assert finding.code == "trailer_total" and finding.statement == result.statements[0].statement_id
    assert dict(finding.figures) == {"record": "49", "line": "15", "stated_total": "83259.83",
                                     "computed_total": "83259.82", "difference": "0.01"}
    with pytest.raises(BankFileError, match="field 'trailer_total': the 49 trailer on line 15"):
        import_file(path, options=ImportOptions(strict=True))


def test_svb_summary_with_balances_that_do_not_add_up_is_a_balance_finding(wild):
    path = wild / "bai2" / "svb_daily_with_summary.bai2"
    result = import_file(path)
    (finding,) = result.findings
    assert finding.code == "balance_mismatch"
    assert dict(finding.figures)["difference"] == "-250.01"
    assert result.lines[0].description == "SAMPLE CONTINUATION TEXT"  # "TEXT,/": the comma is an empty field
    with pytest.raises(BankFileError, match="balance_mismatch"):
        import_file(path, options=ImportOptions(strict=True))


# ---- structure: groups, accounts, currencies ----------------------------------------------------------------


def test_several_groups_and_accounts_give_one_statement_each(tmp_path):
    text = build([
        G([A("111", opening=100000, closing=100000 + 5000 - 1250,
             details=[D(165, 5000, text="ACH IN"), D(475, 1250, cust_ref="1001", text="CHECK 1001")]),
           A("222", currency="EUR", opening=0, closing=-700, details=[D(698, 700, text="FEES")])],
          as_of="260110"),
        G([A("111", opening=103750, closing=103750 + 99, details=[D(354, 99, text="INTEREST")])],
          as_of="260111", currency="CAD"),
    ])
    result = import_file(write(tmp_path, text))
    assert [(s.account, s.currency) for s in result.statements] == [("111", "USD"), ("222", "EUR"), ("111", "CAD")]
    assert [s.opening_balance for s in result.statements] == [Decimal("1000.00"), Decimal("0.00"), Decimal("1037.50")]
    assert [s.closing_balance for s in result.statements] == [Decimal("1037.50"), Decimal("-7.00"), Decimal("1038.49")]
    assert [ln.amount for ln in result.lines] == [
        Decimal("50.00"), Decimal("-12.50"), Decimal("-7.00"), Decimal("0.99")]
    assert [ln.date.isoformat() for ln in result.lines] == ["2026-01-10"] * 3 + ["2026-01-11"]
    assert [ln.type for ln in result.lines] == ["ach", "check", "fee", "interest"]
    assert result.lines[1].check_number == "1001"
    assert result.statements[0].period_start.isoformat() == "2026-01-10"


def test_currency_defaults_to_usd_and_the_option_overrides_the_default(tmp_path):
    path = write(tmp_path, build([G([A("1", details=[D(195, 123456)])])]))
    assert import_file(path).lines[0].currency == "USD"
    assert import_file(path).lines[0].amount == Decimal("1234.56")
    lines = import_file(path, options=ImportOptions(currency="JPY")).lines
    assert (lines[0].currency, lines[0].amount) == ("JPY", Decimal("123456"))


def test_implied_decimals_follow_the_currency(tmp_path):
    text = build([G([A("JP1", currency="JPY", opening=1000, closing=1000 + 1500, details=[D(195, 1500)]),
                     A("KW1", currency="KWD", details=[D(495, 1500)]),
                     A("US1", details=[D(495, 1500)])],
                    currency="EUR")])
    result = import_file(write(tmp_path, text))
    assert [(ln.currency, ln.amount) for ln in result.lines] == [
        ("JPY", Decimal("1500")), ("KWD", Decimal("-1.500")), ("EUR", Decimal("-15.00"))]
    assert result.statements[0].closing_balance == Decimal("2500")


# ---- physical layout ----------------------------------------------------------------------------------------

SPEC_STYLE = """01,122099999,123456789,040621,0200,1,,,2/
02,031001234,122099999,1,040620,2359,,2/
03,0975312468,,010,500000,,,015,10500000,,/
16,115,10000000,S,5000000,4000000,1000000/
88,AX13612,B096132,AMALGAMATED CORP. LOCKBOX
88,DEPOSIT-MISC. RECEIVABLES
49,21000000,5/
98,21000000,1,7/
99,21000000,1,9/
"""


def test_detail_split_after_its_funds_fields_continues_in_88_records(tmp_path):
    result = import_file(write(tmp_path, SPEC_STYLE))
    (line,) = result.lines
    assert line.amount == Decimal("100000.00")
    assert line.line_id == "AX13612"  # the bank reference
    assert line.reference == "B096132"  # the customer reference
    assert line.description == "AMALGAMATED CORP. LOCKBOX DEPOSIT-MISC. RECEIVABLES"
    assert line.type == "deposit"
    assert result.statements[0].opening_balance == Decimal("5000.00")


def test_summary_continued_in_an_88_keeps_balances_and_totals(tmp_path):
    text = SPEC_STYLE.replace("03,0975312468,,010,500000,,,015,10500000,,/",
                              "03,0975312468,,010,500000,,/\n88,015,10500000,,/").replace(
        "49,21000000,5/", "49,21000000,6/").replace("98,21000000,1,7/", "98,21000000,1,8/").replace(
        "99,21000000,1,9/", "99,21000000,1,10/")
    result = import_file(write(tmp_path, text))
    assert (result.statements[0].opening_balance, result.statements[0].closing_balance) == (
        Decimal("5000.00"), Decimal("105000.00"))


def test_text_wrapped_at_the_record_length_joins_without_a_space(tmp_path):
    text = "PAYMENT FROM ACME CORPORATION FOR INVOICE 4711 AND INVOICE 4712 AND INVOICE 4713 THANK YOU"
    # 88 records of 77 characters of text are 80-character physical records: wrapped, not separate words.
    result = import_file(write(tmp_path, build([G([A("1", details=[D(195, 1, text=text)])])], text_in_88=77)))
    assert result.lines[0].description == text
    # Short 88 records are separate pieces of text: joined with a space.
    result = import_file(write(tmp_path, build([G([A("1", details=[D(195, 1, text="ONE TWO THREE")])])],
                                               text_in_88=4)))
    assert result.lines[0].description == "ONE TWO THRE E"
    # A full-length line whose continuation starts with a space was cut between words.
    text = "A" * 77 + " NEXT WORD"
    result = import_file(write(tmp_path, build([G([A("1", details=[D(195, 1, text=text)])])], text_in_88=77)))
    assert result.lines[0].description == text


def test_all_records_on_one_physical_line(tmp_path):
    groups = [G([A("9", opening=0, closing=300 - 120,
                   details=[D(301, 300, bank_ref="R1", text="DEPOSIT BRANCH 4"), D(409, 120, text="")])])]
    text = build(groups, one_line=True)
    assert "\n" not in text
    result = import_file(write(tmp_path, text))
    assert [(ln.amount, ln.description) for ln in result.lines] == [
        (Decimal("3.00"), "DEPOSIT BRANCH 4"), (Decimal("-1.20"), "other (BAI2 type 409)")]
    assert result.lines[0].line_id == "R1"


def test_blocked_file_of_fixed_length_records_without_line_breaks(tmp_path):
    records = ["01,122099999,123456789,040621,0200,1,80,,2/", "02,031001234,122099999,1,040620,2359,,2/",
               "03,0975312468,,010,500000,,/", "16,165,1500000,1,DD1620,, DEALER PAYMENTS",
               "49,2000000,3/", "98,2000000,1,5/", "99,2000000,1,7/"]
    text = "".join(r.ljust(80) for r in records)
    result = import_file(write(tmp_path, text))
    (line,) = result.lines
    assert (line.amount, line.description, line.line_id, line.type) == (
        Decimal("15000.00"), "DEALER PAYMENTS", "DD1620", "ach")


def test_windows_and_old_mac_line_ends(tmp_path):
    for sep in ("\r\n", "\r"):
        result = import_file(write(tmp_path, SPEC_STYLE.replace("\n", sep)))
        assert [ln.description for ln in result.lines] == ["AMALGAMATED CORP. LOCKBOX DEPOSIT-MISC. RECEIVABLES"]


def test_a_record_wrapped_over_lines_without_88_goes_on_until_its_slash(tmp_path):
    text = ("01,SENDER,RECEIVER,260116,0800,1,,,2/\n02,RECEIVER,SENDER,1,260115,2400,,2/\n"
            "03,555,USD,010,10000,,,0\n15,12500,,/\n"  # the closing ledger's type code is cut as 0|15
            "16,195,25\n00,,BANK1,,WIRE FROM\nHEADQUARTERS\n"
            "49,25000,3/\n98,25000,1,5/\n99,25000,1,7/\n")
    result = import_file(write(tmp_path, text))
    st_ = result.statements[0]
    assert (st_.opening_balance, st_.closing_balance) == (Decimal("100.00"), Decimal("125.00"))
    (line,) = st_.lines
    assert (line.amount, line.line_id, line.description) == (Decimal("25.00"), "BANK1", "WIRE FROM HEADQUARTERS")


def test_an_extra_empty_field_before_the_slash_is_no_text_and_no_amount(tmp_path):
    text = ("01,SENDER,RECEIVER,260116,0800,1,,,2/\n02,RECEIVER,SENDER,1,260115,2400,,2/\n"
            "03,555,USD,010,10000,,,015,12500,,,/\n16,195,2500,,BANK1,,WIRE FROM HQ,/\n"
            "49,25000,3,/\n98,25000,1,5,/\n99,25000,1,7,/\n")
    result = import_file(write(tmp_path, text))
    (line,) = result.lines
    assert (line.amount, line.line_id, line.description) == (Decimal("25.00"), "BANK1", "WIRE FROM HQ")
    assert (result.statements[0].opening_balance, result.statements[0].closing_balance) == (
        Decimal("100.00"), Decimal("125.00"))
    assert not result.findings and not result.warnings


# ---- funds types --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("funds,extras", [
    ("", ()), ("0", ()), ("1", ()), ("2", ()), ("Z", ()),
    ("V", ("260114", "1200")), ("S", ("100", "200", "300")), ("D", ("2", "1", "400", "2", "200")),
    ("D", ("0",)),
])
def test_funds_types_do_not_shift_the_fields_after_them(tmp_path, funds, extras):
    details = [D(475, 600, funds=funds, funds_fields=extras, bank_ref="BR7", cust_ref="000123", text="CHECK PAID")]
    summary = [f"100,0,0,{funds}" + ("," + ",".join(extras) if extras else "")]
    text = build([G([A("1", opening=1000, closing=400, details=details, summary=summary)])])
    result = import_file(write(tmp_path, text))
    (line,) = result.lines
    assert (line.amount, line.line_id, line.reference, line.check_number, line.description) == (
        Decimal("-6.00"), "BR7", "000123", "000123", "CHECK PAID")
    assert result.statements[0].opening_balance == Decimal("10.00")
    assert line.value_date == (None if funds != "V" else line.date.replace(day=14))


def test_unknown_funds_type_names_line_and_field(tmp_path):
    text = build([G([A("1", details=[D(475, 600, funds="X", text="A")])])])
    message = error_of(write(tmp_path, text))
    assert "line 4" in message and "record 16" in message and "field 'funds type'" in message
    assert "unknown funds type 'X'" in message


# ---- type codes and signs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code,sign,kind", [
    (108, 1, "other"), (115, 1, "deposit"), (142, 1, "ach"), (195, 1, "wire"), (206, 1, "transfer"),
    (257, 1, "return"), (354, 1, "interest"), (395, 1, "reversal"), (399, 1, "other"),
    (409, -1, "other"), (455, -1, "direct_debit"), (475, -1, "check"), (495, -1, "wire"), (555, -1, "return"),
    (595, -1, "cash"), (661, -1, "fee"), (698, -1, "fee"), (699, -1, "other"),
])
def test_type_codes_give_sign_and_canonical_type(tmp_path, code, sign, kind):
    result = import_file(write(tmp_path, build([G([A("1", details=[D(code, 4321, cust_ref="77")])])])))
    (line,) = result.lines
    assert line.amount == sign * Decimal("43.21")
    assert line.type == kind and kind in BANK_TYPES
    assert line.check_number == ("77" if kind == "check" else "")


def test_non_monetary_detail_is_skipped_with_a_warning(tmp_path):
    text = build([G([A("1", details=[D(890, 0, text="REPORT DELAYED"), D(195, 5)])])]).replace("16,890,0,", "16,890,,")
    result = import_file(write(tmp_path, text))
    assert [ln.amount for ln in result.lines] == [Decimal("0.05")]
    assert any("890" in w and "REPORT DELAYED" in w for w in result.warnings)


def test_bank_defined_type_code_is_an_error_not_a_guess(tmp_path):
    message = error_of(write(tmp_path, build([G([A("1", details=[D(950, 5)])])])))
    assert "line 4" in message and "field 'type code'" in message and "950" in message


# ---- trailers -----------------------------------------------------------------------------------------------


GOOD = build([G([A("1", opening=500, closing=700, details=[D(195, 300), D(495, 100)])])])


@pytest.mark.parametrize("old,new,line,record,code,figures", [
    ("49,1600,4/\n98,1600,1,6/\n99,1600,1,8/", "49,1601,4/\n98,1601,1,6/\n99,1601,1,8/", 6, "49", "trailer_total",
     {"stated_total": "16.01", "computed_total": "16.00", "difference": "0.01"}),
    ("49,1600,4/", "49,1600,5/", 6, "49", "record_count",
     {"field": "number of records", "stated": "5", "counted": "4", "difference": "1"}),
    ("98,1600,1,6/\n99,1600,", "98,1700,1,6/\n99,1700,", 7, "98", "trailer_total",
     {"stated_total": "17.00", "computed_total": "16.00", "difference": "1.00"}),
    ("98,1600,1,6/", "98,1600,2,6/", 7, "98", "record_count",
     {"field": "number of accounts", "stated": "2", "counted": "1", "difference": "1"}),
    ("98,1600,1,6/", "98,1600,1,7/", 7, "98", "record_count",
     {"field": "number of records", "stated": "7", "counted": "6", "difference": "1"}),
    ("99,1600,1,8/", "99,-1600,1,8/", 8, "99", "trailer_total",
     {"stated_total": "-16.00", "computed_total": "16.00", "difference": "-32.00"}),
    ("99,1600,1,8/", "99,1600,3,8/", 8, "99", "record_count",
     {"field": "number of groups", "stated": "3", "counted": "1", "difference": "2"}),
    ("99,1600,1,8/", "99,1600,1,9/", 8, "99", "record_count",
     {"field": "number of records", "stated": "9", "counted": "8", "difference": "1"}),
])
def test_trailer_mismatches_import_with_a_finding_naming_record_and_figures(tmp_path, old, new, line, record, code,
                                                                           figures):
    assert old in GOOD
    good = import_file(write(tmp_path, GOOD, "good.txt"))
    assert not good.findings
    path = write(tmp_path, GOOD.replace(old, new))
    result = import_file(path)
    assert [ln.amount for ln in result.lines] == [ln.amount for ln in good.lines]  # the lines are all there
    (st_,) = result.statements
    (finding,) = st_.findings
    assert finding.code == code and finding.statement == st_.statement_id
    assert dict(finding.figures) == {"record": record, "line": str(line), **figures}
    assert f"the {record} trailer on line {line}" in finding.message
    with pytest.raises(BankFileError, match=f"line {line}, .*field '{code}'|field '{code}': the {record} trailer"):
        import_file(path, options=ImportOptions(strict=True))


def test_a_changed_detail_amount_is_reported_once_where_it_is_wrong(tmp_path):
    result = import_file(write(tmp_path, GOOD.replace("16,195,300,", "16,195,310,")))
    assert [(f.code, dict(f.figures).get("record")) for f in result.findings] == [
        ("trailer_total", "49"), ("balance_mismatch", None)]  # not again for the 98 and 99 that repeat the 49
    assert dict(result.findings[0].figures)["difference"] == "-0.10"


def test_the_findings_of_a_group_and_the_file_go_to_its_last_statement(tmp_path):
    text = build([G([A("1", details=[D(195, 300)]), A("2", details=[D(495, 5)])]), G([A("3", details=[D(165, 7)])])])
    text = text.replace("98,305,2,", "98,306,2,").replace("99,312,2,", "99,314,2,")
    result = import_file(write(tmp_path, text))
    assert [[(f.code, dict(f.figures)["record"]) for f in st_.findings] for st_ in result.statements] == [
        [], [("trailer_total", "98")], [("trailer_total", "99")]]
    assert [f.statement for f in result.findings] == [result.statements[1].statement_id,
                                                      result.statements[2].statement_id]
    assert dict(result.findings[1].figures)["computed_total"] == "3.13"  # the 98 totals as stated: 3.06 + 0.07


def test_a_group_total_over_currencies_of_other_decimals_is_told_in_minor_units(tmp_path):
    text = build([G([A("1", currency="USD", details=[D(195, 300)]), A("2", currency="JPY", details=[D(195, 5)])])])
    (finding,) = import_file(write(tmp_path, text.replace("98,305,", "98,304,").replace("99,305,", "99,304,"))).findings
    assert dict(finding.figures) == {"record": "98", "line": "9", "stated_total": "304", "computed_total": "305",
                                     "difference": "-1", "unit": "minor units"}


@pytest.mark.parametrize("old,new,warning", [
    ("49,1600,4/", "49,,4/", "line 6: the account control total of the 49 trailer"),
    ("98,1600,1,6/", "98,,1,6/", "line 7: the group control total of the 98 trailer"),
    ("99,1600,1,8/", "99, ,1,8/", "line 8: the file control total of the 99 trailer"),
    ("49,1600,4/", "49,1600,/", "line 6: the number of records of the 49 trailer"),
])
def test_a_blank_trailer_figure_is_unknown_not_zero(tmp_path, old, new, warning):
    result = import_file(write(tmp_path, GOOD.replace(old, new)))
    assert not result.findings  # neither "stated 0" here nor a knock-on difference in the trailers above
    assert [ln.amount for ln in result.lines] == [Decimal("3.00"), Decimal("-1.00")]
    assert any(w.startswith(warning) for w in result.warnings)


def test_an_account_total_stated_as_the_net_of_the_details_is_accepted_with_a_warning(tmp_path):
    # 03 balances 5.00 and 7.00, details +3.00 and -1.00: the BAI2 sum is 1600, the net of the details 200
    net = GOOD.replace("49,1600,", "49,200,").replace("98,1600,", "98,200,").replace("99,1600,", "99,200,")
    result = import_file(write(tmp_path, net))
    assert not result.findings
    assert any("state the net of their detail amounts" in w for w in result.warnings)
    (finding,) = import_file(write(tmp_path, net.replace(",200,", ",201,"))).findings
    assert dict(finding.figures)["computed_total"] == "16.00"  # off the net too: the BAI2 sum is the rule


# ---- bad content --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mutate,expected", [
    (lambda t: t.replace("99,1600,1,8/\n", ""), "truncated"),
    (lambda t: t.replace("49,1600,4/\n98,1600,1,6/\n99,1600,1,8/\n", ""), "account (03) without its 49 trailer"),
    (lambda t: t.replace("16,195,300,", "16,195,3X0,"), "line 4, record 16, field 'amount'"),
    (lambda t: t.replace("16,195,300,", "16,195,-300,"), "detail amounts are unsigned"),
    (lambda t: t.replace("1,260115,", "1,261315,"), "line 2, record 02, field 'as-of date'"),
    (lambda t: t.replace("03,1,,", "03,1,XYZ,"), "line 3, record 03, field 'currency code'"),
    (lambda t: t.replace(",,,2/", ",,,3/", 1), "line 1, record 01, field 'version number'"),
    (lambda t: t.replace("16,495", "17,495"), "line 5, record 17: unknown record code"),
    (lambda t: t.replace("03,1,", "16,195,1,,,,\n03,1,", 1),
     "line 3, record 16: transaction detail 16 outside an account"),
    (lambda t: t.replace("03,1,", "16,1,", 1), "line 3, record 16, field 'funds type': unknown funds type '010'"),
    (lambda t: "88,MORE\n" + t, "line 1, record 88"),
    (lambda t: t.split("\n", 1)[1], "line 1, record 02: the file must start with a file header 01"),
    (lambda t: t + "16,195,1,,,,/\n", "after the file trailer 99"),
    (lambda t: t.replace("16,495,100,", "16,495,100,\n??", 1), "line 5, record 16, field 'funds type'"),
    # a trailer figure that disagrees is a finding; one that cannot be read is refused
    (lambda t: t.replace("49,1600,4/", "49,16X0,4/"), "line 6, record 49, field 'account control total'"),
    (lambda t: t.replace("98,1600,1,6/", "98,1600,1,6X/"), "line 7, record 98, field 'number of records'"),
])
def test_bad_content_is_a_bank_file_error_naming_line_and_field(tmp_path, mutate, expected):
    message = error_of(write(tmp_path, mutate(GOOD)))
    assert expected in message


def test_line_ids_are_unique_and_stable(tmp_path):
    details = [D(195, 1, bank_ref="B1"), D(195, 2, bank_ref="B1"), D(195, 3), D(195, 4, bank_ref="NONREF")]
    path = write(tmp_path, build([G([A("42", details=details)])]))
    ids = [ln.line_id for ln in import_file(path).lines]
    assert ids == ["B1~1", "B1~2", "42-20260115-3", "42-20260115-4"]  # a repeated reference: every use marked
    again = import_file(path)
    assert ids == [ln.line_id for ln in again.lines]
    assert again.warnings == ("2 lines share their bank reference (16 record, else account-date-sequence) with "
                              "another line of the file, e.g. B1 on 2 lines, now B1~1, B1~2...: a repeated id is "
                              "not the bank's identity of a line, so these lines will be recognised by their "
                              "content when an overlapping statement is imported",)


def test_identify_sniffs_content_not_the_extension(tmp_path):
    assert bai2.IMPORTER.identify(Path("x.csv"), GOOD.encode())
    assert not bai2.IMPORTER.identify(Path("x.bai2"), b"date,amount\n2026-01-01,5\n")
    assert not bai2.IMPORTER.identify(Path("x.bai2"), b":20:REF\n:25:ACC\n")
    assert detect(write(tmp_path, GOOD, "statement.txt")).name == "bai2"


# ---- properties ---------------------------------------------------------------------------------------------

CODES = [108, 115, 142, 165, 195, 301, 354, 399, 409, 455, 475, 495, 555, 661, 698, 699]
FUNDS = st.sampled_from([("", ()), ("0", ()), ("Z", ()), ("V", ("260114", "")), ("S", ("1", "2", "3")),
                         ("D", ("1", "0", "5"))])
TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-", max_size=60).map(str.strip)
DETAIL = st.builds(lambda code, amount, funds, ref, text: D(code, amount, funds[0], funds[1], ref, "", text),
                   st.sampled_from(CODES), st.integers(0, 10**12), FUNDS,
                   st.text(alphabet="ABC123", max_size=6), TEXT)
ACCOUNT = st.builds(lambda number, cur, opening, details: A(number, cur, opening, None, details),
                    st.text(alphabet="0123456789", min_size=1, max_size=12), st.sampled_from(["", "USD", "JPY", "EUR"]),
                    st.one_of(st.none(), st.integers(-10**9, 10**9)), st.lists(DETAIL, max_size=6))
GROUPS = st.lists(st.builds(lambda accts, cur: G(accts, "260115", cur), st.lists(ACCOUNT, min_size=1, max_size=3),
                            st.sampled_from(["", "CAD"])), min_size=1, max_size=3)
EXPONENT = {"USD": 2, "CAD": 2, "EUR": 2, "JPY": 0}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GROUPS, st.sampled_from([0, 9, 77]), st.booleans())
def test_generated_files_round_trip(groups, text_in_88, one_line):
    for g in groups:
        for a in g.accounts:  # closing = opening + signed details, so the balance check must pass too
            if a.opening is not None:
                a.closing = a.opening + sum(d.amount if d.code < 400 else -d.amount for d in a.details)
    text = build(groups, text_in_88=0 if one_line else text_in_88, one_line=one_line)
    reader = bai2.parse(text)
    expected = [(g, a) for g in groups for a in g.accounts]
    assert len(reader.statements) == len(expected)
    for st_, (g, a) in zip(reader.statements, expected):
        currency = a.currency or g.currency or "USD"
        scale = Decimal(1).scaleb(-EXPONENT[currency])
        assert st_.currency == currency and st_.account == a.number
        assert [ln.amount for ln in st_.lines] == [
            (d.amount if d.code < 400 else -d.amount) * scale for d in a.details]
        # Wrapped text may gain a space where a short 88 record ended; no character is lost or added.
        assert ["".join(ln.description.split()) for ln in st_.lines] == [
            "".join((d.text or f"{ln.type} (BAI2 type {d.code})").split()) for d, ln in zip(a.details, st_.lines)]
        if a.opening is not None:
            assert st_.opening_balance + st_.total == st_.closing_balance


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GROUPS, st.data())
def test_changed_account_trailers_give_one_finding_each_and_keep_every_line(groups, data):
    """A 49 whose total or count is changed (the 98/99 above changed alike) is one finding there, never a refusal."""
    good = build(groups)
    lines = good.splitlines()
    accounts = iter([a for g in groups for a in g.accounts])
    expected, group_delta, file_delta = set(), 0, 0
    for i, text in enumerate(lines):
        fields = text.rstrip("/").split(",")
        if fields[0] == "49":
            a = next(accounts)
            dt_ = data.draw(st.integers(-2, 2))
            dc = data.draw(st.integers(-int(fields[2]), 2))
            stated = int(fields[1]) + dt_
            net = sum(d.amount if d.code < 400 else -d.amount for d in a.details)
            if dt_ and stated != net:
                expected.add(("trailer_total", "49", str(i + 1)))
            if dc:
                expected.add(("record_count", "49", str(i + 1)))
            group_delta += dt_
            lines[i] = f"49,{stated},{int(fields[2]) + dc}/"
        elif fields[0] == "98":
            lines[i] = ",".join(["98", str(int(fields[1]) + group_delta)] + fields[2:]) + "/"
            file_delta, group_delta = file_delta + group_delta, 0
        elif fields[0] == "99":
            lines[i] = ",".join(["99", str(int(fields[1]) + file_delta)] + fields[2:]) + "/"
    with tempfile.TemporaryDirectory() as tmp:
        result = import_file(write(Path(tmp), "\n".join(lines) + "\n"), "bai2")
    assert [ln.amount for ln in result.lines] == [ln.amount for st_ in bai2.parse(good).statements for ln in st_.lines]
    assert {(f.code, dict(f.figures)["record"], dict(f.figures)["line"]) for f in result.findings} == expected
    assert len(result.findings) == len(expected)


VARIED_GROUPS = [G([A("7", "JPY", 100, 100 + 5 - 3 - 9, [
    D(195, 5, "V", ("260114", "0900"), "B1", "C1", "WIRE IN"),
    D(475, 3, "S", ("1", "1", "1"), "B2", "1001", "CHECK"),
    D(698, 9, "D", ("1", "0", "9"), "", "", "FEE FOR SERVICE")], ["100,5,1,Z", "400,12,2,0"])])]
VARIED = build(VARIED_GROUPS, text_in_88=5)
VARIED_ONE_LINE = build(VARIED_GROUPS, one_line=True)


def test_the_mutation_bases_import():
    for text in (GOOD, SPEC_STYLE, VARIED, VARIED_ONE_LINE):
        assert bai2.parse(text).statements


def _extract_or_bank_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.txt"
        path.write_bytes(data)
        try:
            import_file(path, "bai2")
        except BankFileError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_files_fail_only_with_bank_file_error(data):
    text = data.draw(st.sampled_from([GOOD, SPEC_STYLE, VARIED, VARIED_ONE_LINE])).encode()
    _extract_or_bank_error(mutated(data, text, [b",", b"/", b"\n", b"88,", b"D,9"], b"0123456789,/\nVSDZ-+ \x00\xff",
                                   max_insert=8))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_input_fails_only_with_bank_file_error(data):
    _extract_or_bank_error(b"01," + data)
    _extract_or_bank_error(data)
