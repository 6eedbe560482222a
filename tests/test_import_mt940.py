"""MT940 importer: the published corpus files (../shared/corpus and corpus-wild), generated files for every
variation (reversals, entry dates, :61: without or with padded type codes, :86: and :NS: narratives, character
sets, several statements, accounts and currencies, SWIFT envelopes, @@ and control bytes), findings where a
file's own figures disagree or are missing (and the --strict refusal), errors naming line and field for what
cannot be read, and property tests (generated statements round-trip; mutated or random text fails only with
BankFileError)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import bai2, detect, import_file, mt940
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.mt940_text import decode, join_lines, narrative

from swift_text import ENTRY, SIGN, balance, import_or_bank_error, mutated, statement, text_of, write
from wild_corpus import differences, names

def error_of(path: Path) -> str:
    with pytest.raises(BankFileError) as info:
        import_file(path, "mt940")
    return str(info.value)


def strict_error_of(path: Path) -> str:
    """The refusal of `tieout import --strict`: a file whose own figures disagree is not imported."""
    with pytest.raises(BankFileError) as info:
        import_file(path, options=ImportOptions(strict=True))
    return str(info.value)


# ---- the published corpus -----------------------------------------------------------------------------------


def _corpus_files(corpus_expected):
    files = {k: v for k, v in corpus_expected.items() if v["format"] == "mt940"}
    assert len(files) >= 2
    return files


def test_corpus_files_import_with_the_expected_values(corpus, corpus_expected):
    for name, exp in _corpus_files(corpus_expected).items():
        assert exp["date_basis"].startswith(":61: value date")
        result = import_file(corpus / name)  # auto-detection, then the central balance check
        assert result.format == "mt940", name
        lines = result.lines
        assert len(result.statements) == exp["statements"], name
        assert len(lines) == exp["transactions"], name
        assert sum(ln.amount for ln in lines) == Decimal(exp["sum"]), name
        assert sorted({s.currency for s in result.statements}) == exp["currency"], name
        assert result.statements[0].opening_balance == Decimal(exp["opening_balance"]), name
        assert result.statements[-1].closing_balance == Decimal(exp["closing_balance"]), name
        assert min(ln.date for ln in lines).isoformat() == exp["first_date"], name
        assert max(ln.date for ln in lines).isoformat() == exp["last_date"], name
        assert sum(ln.type == "reversal" for ln in lines) == exp["reversals"], name
        for st_, per in zip(result.statements, exp["per_statement"] or (), strict=False):
            assert (st_.opening_balance, st_.closing_balance) == (Decimal(per["opening"]), Decimal(per["closing"]))
            assert (st_.currency, len(st_.lines), st_.total) == (per["currency"], per["transactions"],
                                                                 Decimal(per["sum"])), name
        assert len({ln.line_id for ln in lines}) == len(lines), name


def test_corpus_files_through_the_cli(corpus, corpus_expected, tmp_path, capsys):
    for name, exp in _corpus_files(corpus_expected).items():
        out = tmp_path / (Path(name).stem + ".csv")
        assert cli.main(["import", str(corpus / name), "--out", str(out), "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["format"] == "mt940"
        statements = summary["statements"]
        assert len(statements) == exp["statements"]
        assert sum(s["count"] for s in statements) == exp["transactions"]
        assert sum(Decimal(s["total"]) for s in statements) == Decimal(exp["sum"])
        assert statements[0]["opening_balance"] == exp["opening_balance"]
        assert statements[-1]["closing_balance"] == exp["closing_balance"]
        if exp["per_statement"]:
            assert [(s["opening_balance"], s["closing_balance"], s["count"]) for s in statements] == [
                (p["opening"], p["closing"], p["transactions"]) for p in exp["per_statement"]]
        rows = out.read_text(encoding="utf-8").splitlines()
        assert len(rows) == 1 + exp["transactions"]


def test_corpus_soh_byte_and_wrapped_narratives(corpus):
    result = import_file(corpus / "mt940" / "wolph_mBank_mt940.sta")
    first = result.lines[0]
    assert first.line_id == "MB170119012058"  # the bank reference after //
    assert "OD: JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKOW" in first.description
    asn = import_file(corpus / "mt940" / "wolph_ASNB_0708271685_09022020_164516.940.txt")
    assert "Betaling aan ICS 99999999999" in asn.lines[2].description  # a 65-character line cut mid-word


# ---- the wild corpus (../shared/corpus-wild): every MT940 file gives the values of its EXPECTED.json -----------


@pytest.mark.parametrize("name", names("mt940"))
def test_wild_corpus_file(wild, name):
    assert differences(wild, name) == []


def test_wild_corpus_has_the_mt940_files():
    assert len(names("mt940")) == 36


def test_wild_zenith_lines_without_type_code(wild):
    result = import_file(wild / "mt940" / "fru_Zetb_sample.txt")
    (st_,) = result.statements
    assert len(st_.lines) == 8 and st_.findings == ()  # the balance chain confirms all 8 lines
    assert st_.statement_id == "/1"  # :28C: with a blank statement number
    first = st_.lines[0]
    assert (first.amount, first.line_id) == (Decimal("220000.00"), "19239782213")
    assert first.description.startswith("11302020-TRANSFER-PAYROLL")  # its :86:, not the one after :62F:


def test_wild_file_without_closing_balance(wild):
    result = import_file(wild / "mt940" / "jejik_K4262927_20200905-080000-952.txt")
    (st_,) = result.statements
    assert (st_.opening_balance, st_.closing_balance, st_.closing_source) == (Decimal("0"), None, "")
    assert [f.code for f in result.findings] == ["closing_balance_missing"]
    assert [w for w in result.warnings if ":65F:" in w] == [
        "line 10: :65F: (available balance) is not a balance, ignored: 'Dnullnull7414,3'"]


def test_wild_commerzbank_balances_that_ignore_the_entry(wild):
    path = wild / "mt940" / "jejik_commerzbank.txt"
    (finding,) = import_file(path).findings
    assert finding.code == "balance_mismatch"
    assert dict(finding.figures).items() >= {"opening_balance": "0.00", "lines_total": "-12.35",
                                             "closing_balance": "0.00", "difference": "12.35"}.items()
    assert "does not balance" in strict_error_of(path)


def test_wild_statement_sent_twice(wild):
    result = import_file(wild / "mt940" / "tryton_MT940.txt")
    assert [ln.amount for ln in result.statements[0].lines] == [Decimal("500.01"), Decimal("-15.67"),
                                                                Decimal("15.67")]  # RC is money out
    assert result.statements[0].findings == ()
    codes = [(f.code, dict(f.figures)) for f in result.statements[1].findings]
    assert ("repeated_statement", {"repeats_statement": "1", "lines": "3"}) in codes
    assert ("chain_break", {"previous_statement": "13501/1", "previous_closing_balance": "5638.62",
                            "opening_balance": "5138.61", "difference": "-500.01"}) in codes


# ---- variations of the :61: line and of the file's text --------------------------------------------------------


def one_entry(field61: str, *extra: str, opening: str = "C260115EUR100,00", closing: str = "C260115EUR101,00") -> str:
    return text_of([":20:V", ":25:ACC", f":60F:{opening}", f":61:{field61}", *extra, f":62F:{closing}"])


@pytest.mark.parametrize("field61,type_code,customer_ref,bank_ref", [
    ("2601150115CN1,00//B77", "", "", "B77"),  # no type code, funds code N (Zenith)
    ("260115C1,00NONREF", "", "NONREF", ""),  # no type code, NONREF straight after the amount (Penta)
    ("260115C1,00", "", "", ""),  # nothing after the amount
    ("260115C1,00 NTRFREF9//B9", "NTRF", "REF9", "B9"),  # a space before the type code (Commerzbank)
    ("260115C1,00NOV NONREF", "NOV", "NONREF", ""),  # a type code padded with a space (ING)
    ("260115C1,00NGT TMG TANGO", "NGT", "TMG TANGO", ""),
    ("260115C1,00S   X", "S", "X", ""),
    ("260115C1,00IDXXREF", "IDXX", "REF", ""),  # not N/F/S (Tryton's sample)
])
def test_type_code_missing_or_padded(field61, type_code, customer_ref, bank_ref):
    (e,) = mt940.parse(one_entry(field61)).statements[0].entries
    assert (e.amount, e.type_code, e.customer_ref, e.bank_ref) == (Decimal("1.00"), type_code, customer_ref, bank_ref)


@pytest.mark.parametrize("field61", ["260115C1.000,00NTRF", "260115C1,00.5NTRF", "260115CNTRF", "2601C1,00NTRF"])
def test_a_61_line_that_cannot_be_read_is_still_refused(tmp_path, field61):
    assert "line 4, field ':61:'" in error_of(write(tmp_path, one_entry(field61)))


def test_ns_narrative_after_the_line(tmp_path):
    text = one_entry("260115C1,00S051NONREF", ":NS:01Rechnung 4711", "02vom 1.1.", "15Max Mustermann", "17GUTSCHRIFT",
                     "3012345678")
    text = text.replace(":60F:", ":NS:22Account Holder GmbH\n23Business account\n:60F:")
    (line,) = import_file(write(tmp_path, text)).lines
    assert line.description == "Max Mustermann; Rechnung 4711 vom 1.1.; GUTSCHRIFT"
    both = one_entry("260115C1,00NTRF", ":86:the narrative", ":NS:15someone else")
    assert import_file(write(tmp_path, both)).lines[0].description == "the narrative"  # :86: goes first


def test_at_at_line_separators_and_transmission_bytes_anywhere(tmp_path):
    plain = text_of(statement("A", Decimal("10"), [("C", Decimal("1"), [":86:one"])]),
                    statement("B", Decimal("11"), [("D", Decimal("2"), [])], number="2/1"))
    expected = [(ln.amount, ln.description) for ln in import_file(write(tmp_path, plain, "plain.txt")).lines]
    assert expected == [(Decimal("1.00"), "one"), (Decimal("-2.00"), "NTRF")]
    at_at = "@@" + plain.replace("\n", "@@")  # the whole file on one line (FinTS)
    controls = "\x01" + plain.replace("\n:20:B", "\n\x1a:20:B").replace("\n-", "\n-\x03") + "\x1a"
    for name, text in (("at_at.txt", at_at), ("controls.txt", controls)):
        result = import_file(write(tmp_path, text, name))
        assert result.format == "mt940"
        assert [(ln.amount, ln.description) for ln in result.lines] == expected, name
        assert [s.closing_balance for s in result.statements] == [Decimal("11.00"), Decimal("9.00")], name


def test_several_accounts_and_currencies_chain_per_account_and_currency(tmp_path):
    eur1 = statement("A", Decimal("10"), [("C", Decimal("1"), [])], account="ACC1", number="1/1")
    usd = statement("B", Decimal("500"), [("D", Decimal("5"), [])], account="ACC1", currency="USD", number="1/1")
    other = statement("C", Decimal("7"), [], account="ACC2", number="9/1")
    eur2 = statement("D", Decimal("11"), [("C", Decimal("2"), [])], account="ACC1", number="2/1")
    result = import_file(write(tmp_path, text_of(eur1, usd, other, eur2)))
    assert [(s.account, s.currency, s.total) for s in result.statements] == [
        ("ACC1", "EUR", Decimal("1.00")), ("ACC1", "USD", Decimal("-5.00")), ("ACC2", "EUR", Decimal("0")),
        ("ACC1", "EUR", Decimal("2.00"))]
    assert result.findings == ()  # ACC1 EUR chains 11.00 -> 11.00 across the statements in between
    eur2[3] = balance("60F", Decimal("12"))
    eur2[-1] = balance("62F", Decimal("14"))
    (finding,) = import_file(write(tmp_path, text_of(eur1, usd, other, eur2))).findings
    assert (finding.code, finding.statement, dict(finding.figures)["difference"]) == ("chain_break", "2/1", "1.00")


def test_a_closing_balance_that_does_not_follow_is_a_finding(tmp_path):
    lines = statement("S", Decimal("100"), [("C", Decimal("1"), []), ("D", Decimal("3"), [])])
    lines[-1] = balance("62F", Decimal("99"))  # opening 100 + 1 - 3 = 98
    path = write(tmp_path, text_of(lines))
    (finding,) = import_file(path).findings
    assert (finding.code, dict(finding.figures)["difference"]) == ("balance_mismatch", "1.00")
    assert import_file(path).statements[0].closing_balance == Decimal("99.00")  # the file's, not a made-up one
    assert "balance_mismatch" in strict_error_of(path)


def test_missing_opening_balance_and_closing_balance_in_another_currency(tmp_path):
    no_opening = [ln for ln in statement("S", Decimal("5"), [("C", Decimal("1"), [])]) if not ln.startswith(":60F:")]
    result = import_file(write(tmp_path, text_of(no_opening)), "mt940")
    (st_,) = result.statements
    assert (st_.opening_balance, st_.closing_balance, st_.currency) == (None, Decimal("6.00"), "EUR")
    assert [f.code for f in result.findings] == ["opening_balance_missing"]
    other = statement("S", Decimal("5"), [("C", Decimal("1"), [])])
    other[-1] = other[-1].replace("EUR", "USD")
    path = write(tmp_path, text_of(other), "other.txt")
    (finding,) = import_file(path).findings
    assert (finding.code, import_file(path).statements[0].closing_balance) == ("balance_currency", None)
    assert dict(finding.figures) == {"currency": "EUR", "closing_currency": "USD", "closing_balance": "6.00"}
    assert "balance_currency" in strict_error_of(path)


def test_unreadable_available_balances_are_warnings(tmp_path):
    lines = statement("S", Decimal("5"), [("C", Decimal("1"), [])]) + [":64:C260115EUR6,00", ":65:Dnullnull7,3"]
    result = import_file(write(tmp_path, text_of(lines)))
    assert result.findings == () and result.statements[0].closing_balance == Decimal("6.00")
    assert result.warnings == ("line 8: :65: (available balance) is not a balance, ignored: 'Dnullnull7,3'",)


# ---- signs and marks ----------------------------------------------------------------------------------------


def test_reversal_marks_have_the_account_holders_sign(tmp_path):
    entries = [("C", Decimal("100.00"), []), ("D", Decimal("30.00"), []),
               ("RC", Decimal("20.00"), []), ("RD", Decimal("5.00"), [])]
    result = import_file(write(tmp_path, text_of(statement("S1", Decimal("1000.00"), entries))))
    assert [ln.amount for ln in result.lines] == [Decimal("100.00"), Decimal("-30.00"), Decimal("-20.00"),
                                                  Decimal("5.00")]
    assert [ln.type for ln in result.lines] == ["transfer", "transfer", "reversal", "reversal"]
    assert result.statements[0].closing_balance == Decimal("1055.00")  # and the central balance check passed


def test_a_reversal_signed_the_other_way_would_not_balance(tmp_path):
    lines = statement("S1", Decimal("0.00"), [("RC", Decimal("20.00"), [])])
    lines[-1] = balance("62F", Decimal("20.00"))  # what a parser that signs RC as money in would expect
    path = write(tmp_path, text_of(lines))
    (finding,) = import_file(path).findings  # imported, with the figures that disagree
    assert finding.code == "balance_mismatch"
    assert dict(finding.figures).items() >= {"lines_total": "-20.00", "closing_balance": "20.00", "difference": "40.00"}.items()
    assert "does not balance" in strict_error_of(path)


@pytest.mark.parametrize("funds", ["R", "N"])
def test_funds_code_letter_is_not_part_of_mark_or_amount(tmp_path, funds):
    entries = [("C", Decimal("1000.00"), []), ("D", Decimal("1.50"), []), ("RC", Decimal("2.00"), []),
               ("RD", Decimal("3.00"), [])]
    parsed = mt940.parse(text_of(statement("F", Decimal("0"), entries, funds=funds))).statements[0]
    assert [(e.mark, e.funds_code, e.amount) for e in parsed.entries] == [
        ("C", funds, Decimal("1000.00")), ("D", funds, Decimal("-1.50")), ("RC", funds, Decimal("-2.00")),
        ("RD", funds, Decimal("3.00"))]
    assert [e.reversal for e in parsed.entries] == [False, False, True, True]


# ---- dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,entry,expected", [
    ("201231", "0102", dt.date(2021, 1, 2)),  # booked in the new year
    ("210102", "1231", dt.date(2020, 12, 31)),  # booked in the old year
    ("200301", "0229", dt.date(2020, 2, 29)),
    ("260115", "0115", dt.date(2026, 1, 15)),
    ("990701", "0630", dt.date(1999, 6, 30)),
])
def test_entry_date_takes_the_year_nearest_the_value_date(value, entry, expected):
    text = text_of([":20:D", ":25:ACC", balance("60F", Decimal("0"), value),
                    f":61:{value}{entry}C1,00NTRFREF", balance("62F", Decimal("1"), value)])
    (e,) = mt940.parse(text).statements[0].entries
    assert e.entry_date == expected
    assert e.value_date.strftime("%y%m%d") == value


def test_the_line_date_is_the_value_date(tmp_path):
    text = text_of([":20:D", ":25:ACC", balance("60F", Decimal("0"), "201231"),
                    ":61:2012310104C1,00NTRFREF", balance("62F", Decimal("1"), "201231")])
    (line,) = import_file(write(tmp_path, text)).lines
    assert line.date == line.value_date == dt.date(2020, 12, 31)


@pytest.mark.parametrize("field61,fieldname", [("2001011340C1,00NTRFREF", ":61: entry date"),
                                               ("2013320101C1,00NTRFREF", ":61: value date")])
def test_impossible_dates_name_line_and_field(tmp_path, field61, fieldname):
    text = text_of([":20:D", ":25:ACC", balance("60F", Decimal("0"), "200101"), f":61:{field61}",
                    balance("62F", Decimal("1"), "200101")])
    message = error_of(write(tmp_path, text))
    assert "line 4" in message and f"field '{fieldname}'" in message


# ---- narratives ---------------------------------------------------------------------------------------------


def test_slash_keyed_narrative_over_several_lines(tmp_path):
    entries = [("D", Decimal("12.34"), [
        "SUPPLEMENTARY",
        ":86:/EREF/E2E-REF-77//CNTP/NL12RABO0123456789/RABONL2U/Acme Supplies BV/Utrecht/",
        "/REMI/USTD//Invoice 2026-0042 thank you/"])]
    lines = statement("N1", Decimal("100"), entries)
    lines[4] = lines[4].replace("NTRFN1-1//", "NTRFNONREF//")  # no customer reference in :61:
    (line,) = import_file(write(tmp_path, text_of(lines))).lines
    assert line.description == "Acme Supplies BV; Invoice 2026-0042 thank you"
    assert line.reference == "E2E-REF-77"


def test_german_structured_narrative():
    # ?21 is full (27 characters), so ?22 goes on with it without a space.
    n = narrative(["166?00SEPA-UEBERWEISUNG?109310?20EREF+RE-4711?21SVWZ+Rechnung 4711 vom 01.0",
                   "?221.2026 Kundennr 9876?30DEUTDEFF?31DE02120300000000202051?32Max Mustermann"])
    assert n.description == "Max Mustermann; Rechnung 4711 vom 01.01.2026 Kundennr 9876; SEPA-UEBERWEISUNG"
    assert n.reference == "RE-4711"
    assert n.counterparty == "Max Mustermann"


def test_free_text_narrative_joins_lines_and_keeps_words_cut_at_65_characters():
    full = "x" * 50 + " Betaling aa"  # 62 characters of text padded to 65 below, then a mid-word cut
    assert join_lines([full.ljust(65), "next line"]) == full + " next line"
    cut = ("y" * 60 + " Beta")
    assert len(cut) == 65
    assert join_lines([cut, "ling aan ICS", "   ", "end"]) == "y" * 60 + " Betaling aan ICS end"
    assert join_lines(["z" * 65, " word"]) == "z" * 65 + " word"  # the cut fell on a space


def test_description_falls_back_to_supplementary_details_then_type(tmp_path):
    entries = [("C", Decimal("1"), ["SUPPLEMENTARY DETAILS"]), ("C", Decimal("2"), [])]
    result = import_file(write(tmp_path, text_of(statement("N2", Decimal("0"), entries))))
    assert [ln.description for ln in result.lines] == ["SUPPLEMENTARY DETAILS", "NTRF"]


# ---- character sets -----------------------------------------------------------------------------------------

POLISH = "Przelew środków; Zażółć gęślą jaźń; ul. Łódzka 5, Kraków"
FRENCH = "Virement reçu: à régler, fenêtre, élève, façade"
GERMAN = "Überweisung Müller Straße, Gebühr für Kontoführung"


@pytest.mark.parametrize("encoding,narrative_text", [
    ("cp852", POLISH), ("cp1250", POLISH), ("utf-8", POLISH), ("latin-1", FRENCH), ("cp1252", GERMAN),
    ("cp852", GERMAN), ("utf-8", FRENCH),
])
def test_bank_character_sets(tmp_path, encoding, narrative_text):
    lines = statement("E", Decimal("0"), [("C", Decimal("5"), [":86:" + narrative_text])])
    data = text_of(lines).encode(encoding)
    result = import_file(write(tmp_path, data))
    assert result.lines[0].description == narrative_text
    if encoding != "utf-8":
        assert any("not UTF-8" in w for w in result.warnings)


def test_decode_prefers_utf8_and_strips_a_byte_order_mark():
    assert decode("\ufeff:20:Ł".encode("utf-8")) == (":20:Ł", "utf-8")
    assert decode(POLISH.encode("cp852"))[1] == "cp852"
    assert decode(POLISH.encode("cp1250"))[1] == "cp1250"


# ---- several statements, envelopes, ignored fields ----------------------------------------------------------


def test_windows_and_old_mac_line_ends(tmp_path):
    text = text_of(statement("A", Decimal("1"), [("C", Decimal("2"), ["SUPP", ":86:two", "lines"])]))
    for sep in ("\r\n", "\r"):
        (line,) = import_file(write(tmp_path, text.replace("\n", sep))).lines
        assert (line.amount, line.description) == (Decimal("2"), "two lines")


def test_several_statements_each_with_its_own_balances(tmp_path):
    s1 = statement("A", Decimal("100.00"), [("C", Decimal("50.00"), [":86:first"])], number="1/1", date="260101")
    s2 = statement("B", Decimal("150.00"), [("D", Decimal("200.00"), [":86:second"])], number="2/1", date="260102")
    s3 = statement("C", Decimal("-50.00"), [], number="3/1", date="260103", account="OTHER", currency="USD")
    result = import_file(write(tmp_path, text_of(s1, s2, s3)))
    assert [(s.statement_id, s.account, s.currency) for s in result.statements] == [
        ("1/1", "NL81ASNB0000000001", "EUR"), ("2/1", "NL81ASNB0000000001", "EUR"), ("3/1", "OTHER", "USD")]
    assert [(s.opening_balance, s.closing_balance) for s in result.statements] == [
        (Decimal("100.00"), Decimal("150.00")), (Decimal("150.00"), Decimal("-50.00")),
        (Decimal("-50.00"), Decimal("-50.00"))]
    assert [len(s.lines) for s in result.statements] == [1, 1, 0]
    # a statement without lines has no booking dates, only the period its balances state
    assert (result.statements[2].first_date, result.statements[2].period_start) == (None, dt.date(2026, 1, 3))


def test_swift_envelopes_control_bytes_and_ignored_fields(tmp_path):
    s1 = statement("A", Decimal("10.00"), [("C", Decimal("1.00"), [":86:one"])], number="1/1")
    s2 = statement("B", Decimal("11.00"), [("D", Decimal("2.00"), [])], number="2/1")
    s1 += [":64:C260115EUR11,00", ":65:C260116EUR11,00", ":86:statement information, not a line"]
    s2.insert(1, ":21:RELATED")
    s2.insert(5, ":NS:22 non-standard")
    body = ("\x01{1:F01BANKBEBBAXXX0000000000}{2:O940BANKBEBBXXXXN}{3:}{4:\r\n" + "\r\n".join(s1) + "\r\n-}{5:}"
            "{1:F01BANKBEBBAXXX0000000000}{2:O940BANKBEBBXXXXN}{4:\r\n" + "\r\n".join(s2) + "\r\n-\r\n}\x03")
    result = import_file(write(tmp_path, body))
    assert [ln.amount for ln in result.lines] == [Decimal("1.00"), Decimal("-2.00")]
    assert result.lines[0].description == "one"
    assert [s.closing_balance for s in result.statements] == [Decimal("11.00"), Decimal("9.00")]


# ---- truncation and bad content -----------------------------------------------------------------------------


def test_a_file_cut_before_its_closing_balance_imports_with_the_closing_balance_unknown(tmp_path):
    lines = statement("T", Decimal("0"), [("C", Decimal("1"), [":86:paid"]), ("C", Decimal("2"), [])])
    path = write(tmp_path, text_of(lines[:-1]))  # everything up to the closing balance
    result = import_file(path)
    (st_,) = result.statements
    assert (st_.opening_balance, st_.closing_balance, st_.total) == (Decimal("0"), None, Decimal("3"))
    (finding,) = result.findings
    assert finding.code == "closing_balance_missing" and "truncated" in finding.message
    assert dict(finding.figures) == {"lines": "2", "lines_total": "3.00"}
    assert "closing_balance_missing" in strict_error_of(path)


def test_statement_without_closing_followed_by_another(tmp_path):
    s1 = statement("A", Decimal("0"), [("C", Decimal("1"), [])], closing=False)
    s2 = statement("B", Decimal("1"), [], number="2/1")
    result = import_file(write(tmp_path, text_of(s1, s2)))
    assert [s.closing_balance for s in result.statements] == [None, Decimal("1")]
    assert [(f.code, f.statement) for f in result.findings] == [("closing_balance_missing", "1/1")]


@pytest.mark.parametrize("mutate,expected", [
    (lambda ls: [ln.replace("C1,00NTRF", "C1.000,00NTRF") for ln in ls], "line 5, field ':61:'"),
    (lambda ls: [ln.replace("C1,00NTRF", "CNTRF") for ln in ls], "line 5, field ':61:'"),  # no amount
    (lambda ls: [ln.replace(":60F:C260115EUR", ":60F:X260115EUR") for ln in ls], "line 4, field ':60F:'"),
    (lambda ls: [ln for ln in ls if not ln.startswith(":25:")], "field ':25:'"),
    (lambda ls: [ls[0], ls[1], ls[4], *ls[2:4], *ls[5:]],
     "line 5, field ':60F:': the opening balance comes after statement lines"),
    (lambda ls: [*ls, ":61:2601150115C1,00NTRFX"], "after the closing balance"),
    (lambda ls: [*ls[:4], ls[3], *ls[4:]], "a second opening balance"),
    (lambda ls: [ln for ln in ls if not ln.startswith(":20:")], "no MT940 statement found"),
])
def test_bad_content_names_line_and_field(tmp_path, mutate, expected):
    lines = statement("T", Decimal("0"), [("C", Decimal("1"), [":86:paid"])])
    import_file(write(tmp_path, text_of(lines), "good.txt"))
    assert expected in error_of(write(tmp_path, text_of(mutate(lines))))


# ---- identification, ids, types ----------------------------------------------------------------------------


def test_content_decides_between_bai2_and_mt940_for_txt_files(tmp_path):
    mt = write(tmp_path, text_of(statement("A", Decimal("0"), [])), "a.txt")
    bai = write(tmp_path, "01,S,R,260116,0800,1,,,2/\n02,R,S,1,260115,2400,,2/\n03,1,USD,/\n49,0,2/\n98,0,1,4/\n"
                          "99,0,1,6/\n", "b.txt")
    assert detect(mt).name == "mt940" and detect(bai).name == "bai2"
    assert not mt940.IMPORTER.identify(bai, bai.read_bytes())
    assert not bai2.IMPORTER.identify(mt, mt.read_bytes())
    assert import_file(bai).format == "bai2" and import_file(mt).format == "mt940"


def test_line_ids_cheque_numbers_and_types(tmp_path):
    text = text_of([":20:I", ":25:ACC", balance("60F", Decimal("100")),
                    ":61:260115D10,00NCHK000123//BANK1", ":61:260115D1,00NCHGNONREF//BANK1",
                    ":61:260115D2,00NINTNONREF", ":61:260115C3,00S103REF9", balance("62F", Decimal("90"))])
    result = import_file(write(tmp_path, text))
    lines = result.lines
    # BANK1 is on two lines, so it identifies neither: both are marked (line_ids), with a warning
    assert [ln.line_id for ln in lines] == ["BANK1~1", "BANK1~2", "ACC-20260115-3", "ACC-20260115-4"]
    assert [w for w in result.warnings if "BANK1" in w] == [
        "2 lines share their bank reference (:61: after //, else account-date-sequence) with another line of the "
        "file, e.g. BANK1 on 2 lines, now BANK1~1, BANK1~2...: a repeated id is not the bank's identity of a line, "
        "so these lines will be recognised by their content when an overlapping statement is imported"]
    assert [ln.type for ln in lines] == ["check", "fee", "interest", "wire"]
    assert [ln.check_number for ln in lines] == ["000123", "", "", ""]
    assert [ln.reference for ln in lines] == ["000123", "", "", "REF9"]


# ---- properties ---------------------------------------------------------------------------------------------



@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**9, 10**9), st.lists(ENTRY, max_size=5)), min_size=1, max_size=4))
def test_generated_statements_round_trip(specs):
    blocks = [statement(f"S{i}", Decimal(opening).scaleb(-2), entries, number=f"{i}/1")
              for i, (opening, entries) in enumerate(specs)]
    result = mt940.to_statements(mt940.parse(text_of(*blocks)).statements)
    assert len(result) == len(specs)
    for st_, (opening, entries) in zip(result, specs):
        assert st_.opening_balance == Decimal(opening).scaleb(-2)
        assert [ln.amount for ln in st_.lines] == [SIGN[m] * v for m, v, _ in entries]
        assert st_.opening_balance + st_.total == st_.closing_balance
    ids = [ln.line_id for st_ in result for ln in st_.lines]
    assert len(ids) == len(set(ids))


BASE = text_of(statement("A", Decimal("10"), [("C", Decimal("1"), ["SUPP", ":86:/EREF/X/REMI/USTD//Y/"]),
                                              ("RD", Decimal("2"), [":86:166?00GUT?20SVWZ+Z?32NAME"])]),
               statement("B", Decimal("13"), [("RC", Decimal("3"), [":86:line", "two"])]))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_files_fail_only_with_bank_file_error(data):
    text = BASE.encode("cp852") if data.draw(st.booleans()) else BASE.encode()
    inserts = [b":61:", b":20:", b":62F:", b"\n-}", b"{4:", b"RC", b",", b"\n:86:?2", b"\xff", b"@@", b":NS:"]
    import_or_bank_error(mutated(data, text, inserts, b"0123456789CDR,:/\n-{}\x01\xa5\x1a"), "mt940")


def test_the_mutation_base_imports():
    assert len(mt940.parse(BASE).statements) == 2


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_input_fails_only_with_bank_file_error(data):
    import_or_bank_error(data, "mt940")
    import_or_bank_error(b":20:X\n:25:Y\n:60F:C260101EUR1,00\n" + data, "mt940")
