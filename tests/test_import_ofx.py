"""OFX/QFX import: SGML and XML, bank and credit-card statements, the leniency banks need, strictness about
losing transactions, the corpus and the CLI. Fixtures are written by the small OFX writer below."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.importers import detect, import_file
from tieout.server.importers.ofx import IMPORTER as OFX
from tieout.server.importers.ofx import TRNTYPES as OFX_TYPES
from wild_corpus import differences, expected, names

SGML_HEADER = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
               "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")
XML_HEADER = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
              '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n')


# -- writer ----------------------------------------------------------------------------------------------------
def render(node, xml: bool, depth: int = 0) -> str:
    """(name, [children]) is an aggregate, (name, "text") a leaf; SGML leaves get no closing tag."""
    name, content = node
    pad = "  " * depth
    if isinstance(content, str):
        return f"{pad}<{name}>{content}</{name}>\n" if xml else f"{pad}<{name}>{content}\n"
    inner = "".join(render(child, xml, depth + 1) for child in content)
    return f"{pad}<{name}>\n{inner}{pad}</{name}>\n"


def trn(amount, fitid, trntype="DEBIT", posted="20260115120000.000[-5:EST]", name=None, memo=None, checknum=None,
        refnum=None, extra=(), tag="STMTTRN"):
    children = [("TRNTYPE", trntype), ("DTTRAN" if tag == "STMTTRNP" else "DTPOSTED", posted), ("TRNAMT", amount)]
    if fitid is not None:
        children.append(("FITID", fitid))
    if checknum is not None:
        children.append(("CHECKNUM", checknum))
    if refnum is not None:
        children.append(("REFNUM", refnum))
    if name is not None:
        children.append(("NAME", name))
    if memo is not None:
        children.append(("MEMO", memo))
    return (tag, children + list(extra))


def stmtrs(transactions, acctid="1452687~7", curdef="USD", balamt="100.99", card=False, pending=(),
           start="20260101", end="20260131"):
    account = ("CCACCTFROM", [("ACCTID", acctid)]) if card else \
        ("BANKACCTFROM", [("BANKID", "5472369148"), ("ACCTID", acctid), ("ACCTTYPE", "CHECKING")])
    content = [("CURDEF", curdef), account,
               ("BANKTRANLIST", [("DTSTART", start), ("DTEND", end)] + list(transactions))]
    if balamt is not None:
        content.append(("LEDGERBAL", [("BALAMT", balamt), ("DTASOF", "20260131235959")]))
        content.append(("AVAILBAL", [("BALAMT", "1.00"), ("DTASOF", "20260131235959")]))
    if pending:
        content.append(("BANKTRANLISTP", [("DTASOF", "20260201")] + list(pending)))
    return ("CCSTMTRS" if card else "STMTRS", content)


def ofx(statements, xml=False, header=None, extra_messages=()) -> str:
    bank = [("STMTTRNRS", [("TRNUID", str(i)), ("STATUS", [("CODE", "0"), ("SEVERITY", "INFO")]), s])
            for i, s in enumerate(statements) if s[0] == "STMTRS"]
    card = [("CCSTMTTRNRS", [("TRNUID", str(i)), ("STATUS", [("CODE", "0"), ("SEVERITY", "INFO")]), s])
            for i, s in enumerate(statements) if s[0] == "CCSTMTRS"]
    messages = [("SIGNONMSGSRSV1", [("SONRS", [("STATUS", [("CODE", "0"), ("SEVERITY", "INFO")]),
                                               ("DTSERVER", "20260201120000"), ("LANGUAGE", "ENG")])])]
    if bank:
        messages.append(("BANKMSGSRSV1", bank))
    if card:
        messages.append(("CREDITCARDMSGSRSV1", card))
    messages += list(extra_messages)
    head = header if header is not None else (XML_HEADER if xml else SGML_HEADER)
    return head + render(("OFX", messages), xml)


BANK_TRANSACTIONS = [
    trn("0.01", "0000486", "CREDIT", "20260131120000.000[-5:EST]", "DIVIDEND EARNED FOR PERIOD OF 01",
        "DIVIDEND EARNED FOR PERIOD OF 01/01/2026 THROUGH 01/31/2026"),
    trn("-34.51", "0000487", "DEBIT", "20260105", "AUTOMATIC WITHDRAWAL, ELECTRIC BILL", "WEB(S )"),
    trn("-25.00", "0000488", "CHECK", "20260107120000[+1:CET]", "RETURNED CHECK FEE", checknum="319"),
    trn("1500.00", "0000489", "DIRECTDEP", "20260201000000.000[+9:JST]", "PAYROLL ACME", refnum="PR-26-01"),
]


@pytest.fixture
def write(tmp_path):
    def _write(text: str | bytes, name: str = "statement.ofx"):
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return path
    return _write


def summary_of(lines):
    return [(ln.line_id, ln.date, ln.amount, ln.type, ln.check_number, ln.reference, ln.description) for ln in lines]


# -- statements ------------------------------------------------------------------------------------------------
def test_sgml_bank_statement(write):
    path = write(ofx([stmtrs(BANK_TRANSACTIONS)]))
    assert detect(path).name == "ofx"
    result = import_file(path)
    (st_,) = result.statements
    assert (st_.account, st_.currency) == ("1452687~7", "USD")
    assert st_.opening_balance is None  # OFX states none, and none is made up
    assert st_.closing_balance == Decimal("100.99")  # LEDGERBAL, not AVAILBAL
    assert (st_.period_start, st_.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert st_.total == Decimal("1440.50")
    assert summary_of(st_.lines) == [
        ("0000486", dt.date(2026, 1, 31), Decimal("0.01"), "other", "", "",
         "DIVIDEND EARNED FOR PERIOD OF 01/01/2026 THROUGH 01/31/2026"),
        ("0000487", dt.date(2026, 1, 5), Decimal("-34.51"), "other", "", "",
         "AUTOMATIC WITHDRAWAL, ELECTRIC BILL / WEB(S )"),
        ("0000488", dt.date(2026, 1, 7), Decimal("-25.00"), "check", "319", "319", "RETURNED CHECK FEE"),
        ("0000489", dt.date(2026, 2, 1), Decimal("1500.00"), "ach", "", "PR-26-01", "PAYROLL ACME"),
    ]
    assert not result.warnings


def test_xml_v2_gives_the_same_lines_as_sgml(write):
    sgml = import_file(write(ofx([stmtrs(BANK_TRANSACTIONS)]), "a.ofx"))
    xml = import_file(write(ofx([stmtrs(BANK_TRANSACTIONS)], xml=True), "b.ofx"))
    assert summary_of(xml.lines) == summary_of(sgml.lines)
    assert xml.statements[0].closing_balance == Decimal("100.99")


def test_credit_card_statement_charges_are_money_out(write):
    card = stmtrs([trn("-45.00", "C1", "DEBIT", name="BOOKSHOP"), trn("-12.30", "C2", "POS", name="CAFE"),
                   trn("100.00", "C3", "CREDIT", name="PAYMENT THANK YOU"), trn("-2.00", "C4", "FEE")],
                  acctid="4111XXXXXXXX1111", balamt="-150.00", card=True)
    (st_,) = import_file(write(ofx([card], xml=True))).statements
    assert st_.account == "4111XXXXXXXX1111"
    assert [ln.amount for ln in st_.lines] == [Decimal("-45.00"), Decimal("-12.30"), Decimal("100.00"),
                                               Decimal("-2.00")]
    assert [ln.type for ln in st_.lines] == ["other", "card", "other", "fee"]
    assert st_.closing_balance == Decimal("-150.00")
    assert st_.total == Decimal("40.70")


def test_several_statements_in_one_file(write):
    a = stmtrs([trn("-1.00", "A1"), trn("-2.00", "A2")], acctid="111", balamt="10.00")
    b = stmtrs([trn("5.00", "B1", "CREDIT")], acctid="222", curdef="CAD", balamt="20.00")
    c = stmtrs([trn("-3.00", "C1")], acctid="333", card=True, balamt="-3.00")
    result = import_file(write(ofx([a, b, c])))
    assert [(s.account, s.currency, len(s.lines), s.total, s.closing_balance) for s in result.statements] == [
        ("111", "USD", 2, Decimal("-3.00"), Decimal("10.00")),
        ("222", "CAD", 1, Decimal("5.00"), Decimal("20.00")),
        ("333", "USD", 1, Decimal("-3.00"), Decimal("-3.00")),
    ]
    assert result.lines[2].currency == "CAD"


@pytest.mark.parametrize("trntype, expected", [
    ("INT", "interest"), ("FEE", "fee"), ("SRVCHG", "fee"), ("DEP", "deposit"), ("ATM", "cash"), ("POS", "card"),
    ("XFER", "transfer"), ("CHECK", "check"), ("PAYMENT", "ach"), ("DIRECTDEBIT", "direct_debit"),
    ("OTHER", "other"), ("NEWFANGLED", "other"),
])
def test_trntype_maps_to_canonical_types(write, trntype, expected):
    (line,) = import_file(write(ofx([stmtrs([trn("-1.00", "X", trntype)], balamt=None)]))).lines
    assert line.type == expected


def test_pending_transactions_are_kept_out_of_the_balance(write):
    s = stmtrs([trn("-10.00", "B1")], pending=[trn("-99.00", None, "POS", "20260201", "HOLD CAFE", tag="STMTTRNP")])
    (st_,) = import_file(write(ofx([s], xml=True))).statements
    assert [(ln.amount, ln.pending, ln.date) for ln in st_.lines] == [
        (Decimal("-10.00"), False, dt.date(2026, 1, 15)), (Decimal("-99.00"), True, dt.date(2026, 2, 1))]
    assert st_.total == Decimal("-10.00")


def test_transaction_in_another_currency_is_converted_at_its_rate(write):
    foreign = trn("-100.00", "F1", extra=[("CURRENCY", [("CURRATE", "1.0825"), ("CURSYM", "EUR")])])
    original = trn("-50.00", "F2", extra=[("ORIGCURRENCY", [("CURRATE", "0.9"), ("CURSYM", "EUR")])])
    result = import_file(write(ofx([stmtrs([foreign, original])])))
    assert [ln.amount for ln in result.lines] == [Decimal("-108.25"), Decimal("-50.00")]
    assert result.warnings == (("1 transactions in another currency (CURRENCY/CURSYM) were converted at their "
                               "CURRATE"),)


def test_trntype_contradicting_the_sign_keeps_the_sign_and_warns(write):
    result = import_file(write(ofx([stmtrs([trn("5.00", "W1", "DEBIT"), trn("6.00", "W2", "DEBIT"),
                                            trn("-1.00", "W3", "CREDIT"), trn("-2.00", "W4", "DEBIT")])])))
    assert [ln.amount for ln in result.lines] == [Decimal("5.00"), Decimal("6.00"), Decimal("-1.00"),
                                                  Decimal("-2.00")]
    assert result.warnings == (("3 transactions whose TRNTYPE contradicts the sign of TRNAMT were kept as signed "
                               "in the file"),)


def test_qfx_with_intuit_tags(write):
    text = ofx([stmtrs(BANK_TRANSACTIONS[:2])]).replace("<LANGUAGE>ENG", "<LANGUAGE>ENG\n<INTU.BID>3000\n"
                                                                        "<INTU.USERID>jdoe")
    path = write(text, "download.qfx")
    assert detect(path).name == "ofx"
    assert [ln.line_id for ln in import_file(path).lines] == ["0000486", "0000487"]


# -- leniency ---------------------------------------------------------------------------------------------------
REFERENCE = ofx([stmtrs(BANK_TRANSACTIONS)])


def _drop_stmttrn_closings(text):
    return text.replace("</STMTTRN>\n", "")


def _lowercase_tags(text):
    return re.sub(r"<(/?)([A-Z.]+)>", lambda m: f"<{m[1]}{m[2].lower()}>", text)


def _stray_whitespace(text):
    return (text.replace("\n", "\r\n\r\n\t").replace("<TRNAMT>", "<TRNAMT >   ").replace("<FITID>", "< FITID>\t")
            .replace("<DTPOSTED>", "<DTPOSTED>  "))


def _comma_decimals(text):
    return text.replace("<TRNAMT>-34.51", "<TRNAMT>-34,51").replace("<TRNAMT>1500.00", "<TRNAMT>1.500,00")


def _bare_header(text):
    return "OFXHEADER:100\nDATA:OFXSGML\n\n" + text[len(SGML_HEADER):]


def _no_header(text):
    return text[len(SGML_HEADER):]


def _no_aggregate_closings(text):
    return text.replace("</BANKTRANLIST>\n", "").replace("</STMTRS>\n", "").replace("</STMTTRNRS>\n", "")


def _empty_leaves(text):
    return text.replace("<FITID>0000487", "<MEMO>\n<SIC>\n<FITID>0000487")


def _tags_with_stray_content(text):
    return text.replace("<STMTTRN>", "<STMTTRN  >", 1).replace("<STMTTRN>", '<stmttrn id="x">', 1)


def _entities(text):
    return text.replace("RETURNED CHECK FEE", "RETURNED CHECK FEE &amp; CO").replace("PAYROLL ACME",
                                                                                 "<![CDATA[PAYROLL ACME]]>")


@pytest.mark.parametrize("damage", [_drop_stmttrn_closings, _lowercase_tags, _stray_whitespace, _comma_decimals,
                                    _bare_header, _no_header, _no_aggregate_closings, _empty_leaves, _entities,
                                    _tags_with_stray_content])
def test_what_banks_get_wrong_still_imports_the_same_transactions(write, damage):
    expected = summary_of(import_file(write(REFERENCE, "reference.ofx")).lines)
    result = import_file(write(damage(REFERENCE)))
    got = summary_of(result.lines)
    if damage is _entities:
        expected[2] = expected[2][:6] + ("RETURNED CHECK FEE & CO",)
    assert got == expected
    assert result.statements[0].closing_balance == Decimal("100.99")


def test_a_statement_left_open_does_not_swallow_the_next_one(write):
    text = ofx([stmtrs([trn("-1.00", "A1")], acctid="111"), stmtrs([trn("-2.00", "C1")], acctid="999", card=True)])
    text = text.replace("</STMTRS>", "").replace("</STMTTRNRS>", "").replace("</BANKMSGSRSV1>", "")
    result = import_file(write(text))
    assert [(s.account, [ln.line_id for ln in s.lines], s.closing_balance) for s in result.statements] == [
        ("111", ["A1"], Decimal("100.99")), ("999", ["C1"], Decimal("100.99"))]


def test_xml_without_the_ofx_processing_instruction_and_with_empty_elements(write):
    text = ofx([stmtrs(BANK_TRANSACTIONS)], xml=True, header='<?xml version="1.0"?>\n')
    text = text.replace("<MEMO>WEB(S )</MEMO>", "<MEMO></MEMO><SIC/>")
    lines = import_file(write(text)).lines
    assert [ln.amount for ln in lines] == [Decimal("0.01"), Decimal("-34.51"), Decimal("-25.00"), Decimal("1500.00")]
    assert lines[1].description == "AUTOMATIC WITHDRAWAL, ELECTRIC BILL"


def test_windows_1252_text(write):
    text = ofx([stmtrs([trn("-4.50", "E1", name="CAFÉ MÜNCHEN – €")])])
    lines = import_file(write(text.encode("cp1252"))).lines
    assert lines[0].description == "CAFÉ MÜNCHEN – €"


def test_wrongly_declared_encoding_is_read_anyway_with_a_warning(write):
    text = ofx([stmtrs([trn("-4.50", "E1", name="CAFÉ")])], xml=True)
    result = import_file(write(text.encode("cp1252")))
    assert result.lines[0].description == "CAFÉ"
    assert result.warnings == ("the file declares UTF-8 but is not valid utf-8; it was read as cp1252",)
    no_charset = text.encode("cp1252").replace(b' encoding="UTF-8"', b"")
    result = import_file(write(no_charset))
    assert result.lines[0].description == "CAFÉ"
    assert result.warnings == ("the file declares no encoding but is not valid UTF-8; it was read as cp1252",)


def test_utf8_labelled_as_windows_1252_is_read_as_utf8_with_a_warning(write):
    result = import_file(write(ofx([stmtrs([trn("-4.50", "E1", name="CAFÉ MÜNCHEN – €")])])))
    assert result.lines[0].description == "CAFÉ MÜNCHEN – €"
    assert result.warnings == ("the file declares 1252 but its text is UTF-8; it was read as UTF-8",)


def test_check_number_zero_means_none(write):
    (line,) = import_file(write(ofx([stmtrs([trn("-16.85", "1", checknum="0")])], xml=True))).lines
    assert (line.check_number, line.type) == ("", "other")


# -- strict about losing data -------------------------------------------------------------------------------------
def test_transactions_outside_a_statement_are_refused_not_dropped(write):
    investment = ("INVSTMTMSGSRSV1", [("INVSTMTTRNRS", [("INVSTMTRS", [("INVTRANLIST", [
        ("INVBANKTRAN", [trn("-7.00", "INV1"), ("SUBACCTFUND", "CASH")])])])])])
    text = ofx([stmtrs(BANK_TRANSACTIONS[:2])], extra_messages=[investment])
    with pytest.raises(BankFileError, match=r"field 'STMTTRN': the file has 3 <STMTTRN> transactions but 2 were "
                                            r"found inside bank or credit-card statements; 1 would be lost"):
        import_file(write(text))


def test_a_lost_transaction_boundary_is_refused(write):
    text = re.sub(r"</STMTTRN>\s*<STMTTRN>\s*<TRNTYPE>CHECK", "<TRNTYPE>CHECK", REFERENCE)
    assert text.count("<STMTTRN>") == 3
    with pytest.raises(BankFileError) as err:
        import_file(write(text))
    assert "transaction FITID 0000487, field 'DTPOSTED': DTPOSTED appears twice with different values in one " \
           "transaction: a <STMTTRN> tag is probably missing" in str(err.value)
    assert "field 'TRNAMT': TRNAMT appears twice" in str(err.value)


def test_repeated_fitids_get_unique_ids_deterministically_with_a_warning(write):
    # every line of the repeated FITID is marked (the first too); a real FITID "A~2" is kept and skipped over
    text = ofx([stmtrs([trn("-1.00", "A"), trn("-2.00", "A"), trn("-3.00", "A~2"), trn("-4.00", "A")])])
    first = import_file(write(text, "a.ofx"))
    again = import_file(write(text, "b.ofx"))
    assert [ln.line_id for ln in first.lines] == ["A~1", "A~3", "A~2", "A~4"] == [ln.line_id for ln in again.lines]
    assert first.warnings == (("3 lines share their FITID with another line of the file, e.g. A on 3 lines, now "
                               "A~1, A~3...: a repeated id is not the bank's identity of a line, so these lines "
                               "will be recognised by their content when an overlapping statement is imported"),)


def test_missing_fitid_gets_an_id_from_its_position(write):
    result = import_file(write(ofx([stmtrs([trn("-1.00", "Z"), trn("-2.00", None)])])))
    assert [ln.line_id for ln in result.lines] == ["Z", "S1-2"]
    assert "transactions without a FITID got line ids from their position in the file" in result.warnings


def test_bad_values_name_line_transaction_and_field(write):
    text = ofx([stmtrs([trn("-1.00", "OK"), trn("-12.3.4", "BAD1"), trn("-2.00", "BAD2", posted="2026-13-45"),
                        trn("", "BAD3")])])
    with pytest.raises(BankFileError) as err:
        import_file(write(text))
    message = str(err.value)
    lines = text.splitlines()
    line_bad1 = [i for i, t in enumerate(lines, 1) if t.strip() == "<STMTTRN>"][1]
    assert f"line {line_bad1}, record bank statement #1, transaction FITID BAD1, field 'TRNAMT': not an amount: " \
           "'-12.3.4'" in message
    assert "transaction FITID BAD2, field 'DTPOSTED': not a date" in message
    assert "transaction FITID BAD3, field 'TRNAMT': missing amount" in message
    assert message.startswith(f"{write(text)}: 3 problems")


def test_absurd_nesting_is_refused_quickly(write):
    text = SGML_HEADER + "<OFX>\n" + "".join(f"<X{i}>\n" for i in range(200_000))
    # 10 header lines, <OFX> on line 11, <X0> on 12: the 257th open aggregate is <X255> on line 267
    with pytest.raises(BankFileError, match=r"line 267, field 'OFX': aggregates nested more than 256 deep "
                                            r"\(at <X255>\)"):
        import_file(write(text))


def test_error_response_without_a_statement(write):
    text = SGML_HEADER + render(("OFX", [("BANKMSGSRSV1", [("STMTTRNRS", [
        ("TRNUID", "1"), ("STATUS", [("CODE", "2003"), ("SEVERITY", "ERROR"), ("MESSAGE", "Account not found")])])])]),
        False)
    with pytest.raises(BankFileError, match="the bank answered with status 2003 ERROR Account not found"):
        import_file(write(text))


def test_a_file_that_is_not_ofx(write):
    path = write("date,amount\n2026-01-01,1.00\n", "lines.csv")
    assert not OFX.identify(path, path.read_bytes())
    with pytest.raises(BankFileError, match="not an OFX file"):
        import_file(path, "ofx")


# -- corpus and CLI ------------------------------------------------------------------------------------------------
def _corpus_files(corpus_expected):
    return {name: exp for name, exp in corpus_expected.items() if exp["format"] == "ofx"}


def test_corpus_files_import_with_the_expected_values(corpus, corpus_expected):
    files = _corpus_files(corpus_expected)
    assert len(files) >= 2
    for name, exp in files.items():
        result = import_file(corpus / name)
        assert result.format == "ofx"
        assert len(result.statements) == exp["accounts"]
        booked = [ln for ln in result.lines if not ln.pending]
        assert len(booked) == exp["transactions"], name
        assert sum(ln.amount for ln in booked) == Decimal(exp["sum"])
        assert sorted({s.currency for s in result.statements}) == exp["currency"]
        assert result.statements[0].opening_balance is None and exp["opening_balance"] is None
        assert result.statements[-1].closing_balance == Decimal(exp["closing_balance"])
        assert min(ln.date for ln in booked).isoformat() == exp["first_date"]
        assert max(ln.date for ln in booked).isoformat() == exp["last_date"]


def test_corpus_through_the_cli_json_summary(corpus, corpus_expected, tmp_path, capsys):
    for name, exp in _corpus_files(corpus_expected).items():
        out = tmp_path / "lines.csv"
        assert cli.main(["import", str(corpus / name), "--out", str(out), "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["format"] == "ofx"
        (s,) = summary["statements"]
        assert (s["currency"], s["opening_balance"], s["closing_balance"], s["count"], s["total"],
                s["first_date"], s["last_date"]) == (exp["currency"][0], None, exp["closing_balance"],
                                                     exp["transactions"], exp["sum"], exp["first_date"],
                                                     exp["last_date"])
        assert len(out.read_text().splitlines()) == exp["transactions"] + 1


def test_zero_amount_and_pending_lines_are_reported_apart_in_the_summary(write, tmp_path, capsys):
    s = stmtrs([trn("0.00", "Z1", "CREDIT", "20251231", "CARD VERIFICATION"), trn("-10.00", "B1", posted="20260105"),
                trn("5.00", "B2", "CREDIT", "20260110"), trn("-0.00", "Z2", posted="20260131")],
               pending=[trn("-99.00", None, "POS", "20260201", "HOLD CAFE", tag="STMTTRNP")])
    out = tmp_path / "lines.csv"
    assert cli.main(["import", str(write(ofx([s], xml=True))), "--out", str(out), "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)["statements"]
    assert {k: summary[k] for k in ("count", "total", "pending", "pending_total", "zero_amount", "first_date",
                                    "last_date", "period_start", "period_end", "opening_balance",
                                    "closing_balance", "findings")} == {
        "count": 2, "total": "-5.00", "pending": 1, "pending_total": "-99.00", "zero_amount": 2,
        "first_date": "2026-01-05", "last_date": "2026-01-10",  # booked transactions only
        "period_start": "2026-01-01", "period_end": "2026-01-31", "opening_balance": None,
        "closing_balance": "100.99", "findings": []}
    assert len(out.read_text().splitlines()) == 1 + 5  # every line is written; the summary tells them apart


def test_a_ledger_balance_dated_before_the_transactions_is_kept_with_a_warning(write):
    s = stmtrs([trn("-1.00", "A1", posted="20260110"), trn("-2.00", "A2", posted="20260203")])
    result = import_file(write(ofx([s]).replace("<DTASOF>20260131235959", "<DTASOF>20260105", 1)))
    assert result.statements[0].closing_balance == Decimal("100.99")
    assert result.warnings == ("bank statement #1: the ledger balance 100.99 is as of 2026-01-05 (LEDGERBAL/DTASOF), "
                               "before 2 of its transactions (the last on 2026-02-03): it may not be the balance "
                               "after them",)
    on_the_day_after = import_file(write(ofx([s]).replace("<DTASOF>20260131235959", "<DTASOF>20260202", 1)))
    assert not on_the_day_after.warnings  # a day's grace for time zones


# -- the wild corpus (../shared/corpus-wild) -------------------------------------------------------------------------
def test_the_wild_corpus_holds_its_seventeen_ofx_files(wild):
    assert len(names("ofx")) == 17


@pytest.mark.parametrize("name", names("ofx"))
def test_wild_files_give_the_expected_values(wild, name):
    assert differences(wild, name) == []


@pytest.mark.parametrize("name", names("ofx"))
def test_wild_files_through_the_cli_summary(wild, name, tmp_path, capsys):
    exp = expected()[name]
    out = tmp_path / "lines.csv"
    assert cli.main(["import", str(wild / name), "--out", str(out), "--json"]) == 0
    sts = json.loads(capsys.readouterr().out)["statements"]
    assert len(sts) == exp["statements"]
    assert sum(s["count"] for s in sts) == exp["transactions"]
    assert sum(s["pending"] for s in sts) == int(exp.get("pending") or 0)
    assert sum(s["zero_amount"] for s in sts) == int(exp.get("zero_amount_rows") or 0)
    assert min((s["first_date"] for s in sts if s["first_date"]), default=None) == exp["first_date"]
    assert max((s["last_date"] for s in sts if s["last_date"]), default=None) == exp["last_date"]
    # OFX states a ledger balance as of a date, never an opening one: none is made up
    assert [(s["opening_balance"], s["opening_balance_source"]) for s in sts] == [(None, None)] * len(sts)
    assert sts[-1]["closing_balance"] == exp["closing_balance"]
    assert sts[-1]["closing_balance_source"] == (None if exp["closing_balance"] is None else "file")
    by_currency: dict[str, Decimal] = {}
    for s in sts:
        by_currency[s["currency"]] = by_currency.get(s["currency"], Decimal(0)) + Decimal(s["total"])
    want_by_currency = exp.get("sum_by_currency") or {exp["currency"][0]: exp["sum"]}
    assert by_currency == {c: Decimal(v) for c, v in want_by_currency.items()}
    for s, want in zip(sts, exp.get("per_statement") or (), strict="per_statement" in exp):
        assert (s["account"], s["count"], Decimal(s["total"]), s["closing_balance"]) == (
            want["account"], want["transactions"], Decimal(want["sum"]), want["ledger_balance"])
    assert not any(s["findings"] for s in sts)  # no opening balance: nothing to disagree with


# -- properties ------------------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(-10**10, 10**10), st.sampled_from(sorted(OFX_TYPES)),
                               st.sampled_from(["A", "B", "C", "12345", "0000486"]),
                               st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))), max_size=30),
       xml=st.booleans(), card=st.booleans(), comma=st.booleans())
def test_generated_statements_round_trip(write, rows, xml, card, comma):
    def amount(cents):
        text = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
        return text.replace(".", ",") if comma else text
    transactions = [trn(amount(c), fitid, trntype, day.strftime("%Y%m%d") + "120000.000[-5:EST]")
                    for c, trntype, fitid, day in rows]
    result = import_file(write(ofx([stmtrs(transactions, card=card)], xml=xml)))
    (st_,) = result.statements
    assert [ln.amount for ln in st_.lines] == [Decimal(c) / 100 for c, _, _, _ in rows]
    assert [ln.date for ln in st_.lines] == [day for _, _, _, day in rows]
    assert len({ln.line_id for ln in st_.lines}) == len(rows)
    fitids = [fitid for _, _, fitid, _ in rows]  # a FITID used once is the id; each use of a repeated one is marked
    assert [ln.line_id for ln in st_.lines] == [
        f if fitids.count(f) == 1 else f"{f}~{fitids[:k + 1].count(f)}" for k, f in enumerate(fitids)]



VALID_FILES = [REFERENCE.encode(), ofx([stmtrs(BANK_TRANSACTIONS[1:]), stmtrs([trn("-3.00", "C1")], card=True)],
                                       xml=True).encode()]
INSERTS = [b"<", b">", b"</STMTTRN>", b"<STMTTRN>", b"<TRNAMT>", b"<TRNAMT>x", b"&", b"&#0;", b"&#xD800;",
           b"<![CDATA[", b"]]>", b"<!--", b"\xff\xfe", b"<OFX>", b"</OFX>", b"<CURRENCY><CURRATE>x<CURSYM>EUR",
           b"<BALAMT>1e9999", b"<TRNAMT>NaN", b"<DTPOSTED>99999999", b"\x00"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_files_import_or_raise_bank_file_error_only(write, data):
    raw = bytearray(data.draw(st.sampled_from(VALID_FILES)))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "dup"]))
        if action == "flip":
            raw[pos] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del raw[pos:pos + data.draw(st.integers(1, 40))]
        elif action == "insert":
            raw[pos:pos] = data.draw(st.sampled_from(INSERTS))
        else:
            end = min(len(raw), pos + data.draw(st.integers(1, 300)))
            raw[pos:pos] = raw[pos:end]
    try:
        result = import_file(write(bytes(raw)), "ofx")
    except BankFileError as exc:
        assert str(exc)
    else:
        tags = bytes(raw).upper().count(b"<STMTTRN>")
        assert len([ln for ln in result.lines if not ln.pending]) <= tags


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=500))
def test_random_bytes_after_an_ofx_header_raise_bank_file_error_only(write, tail):
    path = write(SGML_HEADER.encode() + b"<OFX>" + tail)
    assert detect(path).name == "ofx"
    with pytest.raises(BankFileError):
        import_file(path)
