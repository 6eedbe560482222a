"""Property-based tests of the tabular importer: random and mutated bytes give a statement or a BankFileError,
never another exception; generated statements in any supported spelling read back exactly; and the lenient
CSV sniffer never claims another importer's format."""
from __future__ import annotations

import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.tabular import IMPORTERS

CSV_IMPORTER = next(i for i in IMPORTERS if i.name == "csv")
USD = ImportOptions(currency="USD")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = (
    "Account number:,12345678\n"
    "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
    'DEBIT,03/31/2026,"FEE, monthly",-25.00,FEE_TRANSACTION,975.00,\n'
    "CHECK,03/20/2026,CHECK 1044,-300.00,CHECK_PAID,1000.00,1044\n"
    "CREDIT,03/02/2026,DEPOSIT,1300.00,DEPOSIT,1300.00,\n"
    "Total,,,975.00,,,\n"
).encode()


def _import(data: bytes, suffix: str, fmt: str, options: ImportOptions = USD):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"statement{suffix}"
        path.write_bytes(data)
        return import_file(path, fmt, options)


def _accepts_only_bank_file_errors(data: bytes, suffix: str, fmt: str) -> None:
    try:
        result = _import(data, suffix, fmt)
    except BankFileError:
        return
    for statement in result.statements:
        ids = [ln.line_id for ln in statement.lines]
        assert len(set(ids)) == len(ids)
        for ln in statement.lines:
            assert isinstance(ln.amount, Decimal) and isinstance(ln.date, dt.date)
        if statement.opening_balance is not None and statement.closing_balance is not None:
            # figures that disagree are imported with a finding that says so (the import policy)
            assert statement.opening_balance + statement.total == statement.closing_balance or any(
                f.code == "balance_mismatch" for f in statement.findings)


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["csv", "xlsx", "xls"]))
def test_random_bytes_give_nothing_but_bank_file_errors(data, fmt):
    _accepts_only_bank_file_errors(data, "." + fmt, fmt)


@st.composite
def mutated(draw, base: bytes):
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "replace" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from([b",", b";", b"\t", b'"', b"\n", b"\r", b"-", b"(", b".", b"\x00",
                                                  b"\xff", b"\x81", b"\xe9", b"Total", b"DR", b"1", b"/", b":20:"]))
        elif data:
            del data[pos:pos + draw(st.integers(1, 12))]
    return bytes(data)


@FUZZ
@given(mutated(VALID))
def test_mutated_csv_gives_a_statement_or_a_bank_file_error(data):
    _accepts_only_bank_file_errors(data, ".csv", "csv")
    _accepts_only_bank_file_errors(data, ".csv", "auto")


def _xlsx_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Date", "Description", "Amount", "Balance"])
    ws.append([dt.date(2026, 1, 2), "a", 10.5, 10.5])
    ws.append([dt.date(2026, 1, 3), "b", -0.5, 10.0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx_bytes()
HTML = (b"<html><body><table><tr><th>Date</th><th>Description</th><th>Amount</th></tr>"
        b"<tr><td>2026-01-02</td><td>a</td><td>1,50</td></tr></table></body></html>")


@FUZZ
@given(mutated(XLSX))
def test_mutated_xlsx_gives_a_statement_or_a_bank_file_error(data):
    _accepts_only_bank_file_errors(data, ".xlsx", "xlsx")


@FUZZ
@given(mutated(HTML))
def test_mutated_html_xls_gives_a_statement_or_a_bank_file_error(data):
    _accepts_only_bank_file_errors(data, ".xls", "xls")


# ------------------------------------------------------------------------------------------ round trip

money = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2, allow_nan=False)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def _spell(value: Decimal, decimal: str, negative: str, thousands: bool) -> str:
    text = f"{abs(value):,.2f}" if thousands else f"{abs(value):.2f}"
    if decimal == ",":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if value < 0:
        text = {"minus": f"-{text}", "parens": f"({text})", "trailing": f"{text}-"}[negative]
    return text


@settings(max_examples=120, deadline=None)
@given(
    lines=st.lists(st.tuples(dates, money), min_size=1, max_size=25),
    convention=st.sampled_from(["signed", "debit_credit", "indicator"]),
    decimal=st.sampled_from([".", ","]),
    negative=st.sampled_from(["minus", "parens", "trailing"]),
    thousands=st.booleans(),
    date_format=st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%d-%b-%y"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_generated_statements_read_back_exactly(lines, convention, decimal, negative, thousands, date_format,
                                                delimiter, encoding):
    def q(text: str) -> str:
        return f'"{text}"'

    head = {"signed": ["Date", "Description", "Amount"], "debit_credit": ["Date", "Description", "Debit", "Credit"],
            "indicator": ["Date", "Description", "Amount", "Dr/Cr"]}[convention]
    out = [delimiter.join(head)]
    for i, (day, value) in enumerate(lines):
        cells = [day.strftime(date_format), f"Payée {i}"]
        if convention == "signed":
            cells.append(q(_spell(value, decimal, negative, thousands)))
        elif convention == "debit_credit":
            spelled = q(_spell(abs(value), decimal, negative, thousands))
            cells += ([spelled, ""] if value < 0 else ["", spelled])
        else:
            cells += [q(_spell(abs(value), decimal, negative, thousands)), "DR" if value < 0 else "CR"]
        out.append(delimiter.join(cells))
    text = "\r\n".join(out) + "\r\n"
    opts = ImportOptions(currency="EUR")
    if encoding == "cp1252":
        data = text.encode("cp1252")
    else:
        data = text.encode(encoding)
    try:
        result = _import(data, ".csv", "auto", opts)
    except BankFileError as exc:  # pragma: no cover - shows the example on failure
        pytest.fail(f"{exc}\n{text}")
    got = [(ln.date, ln.amount) for ln in result.lines]
    if date_format == "%d-%b-%y":
        expected = [(d if 1969 <= d.year <= 2068 else d.replace(year=d.year % 100 + (2000 if d.year % 100 < 69
                                                                                 else 1900)), v) for d, v in lines]
    else:
        expected = lines
    assert [v for _, v in got] == [v for _, v in expected]
    assert [d for d, _ in got] == [d for d, _ in expected]
    assert result.lines[0].description == "Payée 0"


# ------------------------------------------------------------------------------------------ not ours

@pytest.mark.parametrize("head", [
    b"01,122099999,123456789,040621,0200,1,65,,2/\n02,123456789,122099999,1,040620,,USD,/\n03,1,USD,010,5/\n",
    b"\x01\r\n:20:ST170119CYC/1\r\n:25:PL29114010810000267002001002\r\n:28C:1/1\r\n",
    b"{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:\r\n:20:0000000000\r\n",
    b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX>\r\n",
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
])
def test_csv_sniffer_leaves_other_formats_alone(head, tmp_path):
    path = tmp_path / "statement.txt"
    path.write_bytes(head)
    assert not CSV_IMPORTER.identify(path, head)


def test_csv_sniffer_leaves_the_corpus_non_csv_files_alone(corpus, corpus_expected):
    for name, exp in corpus_expected.items():
        head = (corpus / name).read_bytes()[:65536]
        assert CSV_IMPORTER.identify(corpus / name, head) == (exp["format"] == "csv"), name
