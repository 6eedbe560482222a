"""Excel statements: .xlsx written with openpyxl, a real BIFF .xls written with xlwt, and the HTML table
banks save under a ".xls" name; all read by content through python-calamine or lxml."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook

from tieout.server.errors import BankFileError
from tieout.server.importers import detect, import_file
from tieout.server.importers.base import ImportOptions

D = Decimal

ROWS = [
    (dt.date(2026, 7, 1), "Opening transfer", 1000.0, 1000.0),
    (dt.date(2026, 7, 2), "CHECK 2045", -250.25, 749.75),
    (dt.date(2026, 7, 3), "Service charge", -12.5, 737.25),
]


def xlsx(tmp_path: Path, name: str = "statement.xlsx", blank_rows: int = 2, blank_cols: int = 1) -> Path:
    wb = Workbook()
    info = wb.active
    info.title = "Info"
    info["A1"] = "This workbook was exported from Online Banking"
    ws = wb.create_sheet("Transactions")
    top = blank_rows + 1
    ws.cell(top, blank_cols + 1, "Account number:")
    ws.cell(top, blank_cols + 2, "0012345678")
    ws.cell(top + 1, blank_cols + 1, "Currency")
    ws.cell(top + 1, blank_cols + 2, "NZD")
    header = top + 3
    for j, title in enumerate(("Date", "Description", "Amount", "Balance")):
        ws.cell(header, blank_cols + 1 + j, title)
    for i, row in enumerate(ROWS, start=1):
        for j, value in enumerate(row):
            ws.cell(header + i, blank_cols + 1 + j, value)
        ws.cell(header + i, blank_cols + 1).number_format = "dd/mm/yyyy"
    ws.cell(header + len(ROWS) + 1, blank_cols + 1, "Closing balance")
    ws.cell(header + len(ROWS) + 1, blank_cols + 4, 737.25)
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_with_leading_blank_rows_and_columns_keeps_true_row_numbers(tmp_path):
    path = xlsx(tmp_path)
    assert detect(path).name == "xlsx"
    result = import_file(path)
    st = result.statements[0]
    assert result.format == "xlsx"
    assert (st.account, st.currency) == ("0012345678", "NZD")
    assert [ln.amount for ln in st.lines] == [D("1000"), D("-250.25"), D("-12.5")]
    assert [ln.date for ln in st.lines] == [r[0] for r in ROWS]
    assert [ln.line_id for ln in st.lines] == ["L7", "L8", "L9"]  # sheet rows, blank rows above counted
    assert (st.opening_balance, st.closing_balance) == (D("0"), D("737.25"))
    assert st.lines[1].check_number == "2045" and st.lines[1].type == "check"
    assert st.lines[2].type == "fee"


def test_xlsx_running_balance_break_is_a_finding_naming_the_row(tmp_path):
    path = xlsx(tmp_path)
    from openpyxl import load_workbook
    wb = load_workbook(path)
    wb["Transactions"]["E8"] = 1.0  # balance no longer follows from the line before
    wb.save(path)
    result = import_file(path)
    found = [f for f in result.findings if f.code == "running_balance_break"]
    assert found and found[0].message.startswith("line 8: 'Balance' 1 does not follow from the balance 1000 "
                                                 "at line 7")
    with pytest.raises(BankFileError) as err:
        import_file(path, options=ImportOptions(strict=True))
    assert "line 8" in str(err.value)


def test_xlsx_float_cells_keep_what_excel_shows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Date", "Description", "Amount"])
    ws.append([dt.datetime(2026, 1, 5, 0, 0), "computed", 0.1 + 0.2])
    ws.append(["2026-01-06", "text date", "1,234.50"])
    ws.append([46028, "serial date number", 7])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    lines = import_file(path, options=ImportOptions(currency="USD")).lines
    assert [ln.amount for ln in lines] == [D("0.3"), D("1234.50"), D("7")]
    assert [ln.date for ln in lines] == [dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2026, 1, 6)]


def test_real_xls_written_by_xlwt(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Statement")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for j, title in enumerate(("Posting Date", "Description", "Debit", "Credit", "Balance")):
        sheet.write(0, j, title)
    data = [(dt.date(2026, 8, 1), "Deposit", "", 300.0, 300.0), (dt.date(2026, 8, 4), "Rent", 120.0, "", 180.0)]
    for i, (d, desc, debit, credit, bal) in enumerate(data, start=1):
        sheet.write(i, 0, d, date_style)
        sheet.write(i, 1, desc)
        sheet.write(i, 2, debit)
        sheet.write(i, 3, credit)
        sheet.write(i, 4, bal)
    path = tmp_path / "statement.xls"
    book.save(str(path))
    assert detect(path).name == "xls"
    result = import_file(path, options=ImportOptions(currency="EUR"))
    st = result.statements[0]
    assert result.format == "xls"
    assert [ln.amount for ln in st.lines] == [D("300"), D("-120")]
    assert [ln.date for ln in st.lines] == [dt.date(2026, 8, 1), dt.date(2026, 8, 4)]
    assert (st.opening_balance, st.closing_balance) == (D("0"), D("180"))


def test_html_table_saved_as_xls(tmp_path):
    html = """<html><head><meta charset="utf-8"><title>Kontoauszug</title></head><body>
<table><tr><td>Layout table</td></tr></table>
<table border="1">
<tr><th>Date</th><th>Description</th><th>Amount</th><th>Currency</th></tr>
<tr><td>2026-09-01</td><td>Zahlung an M&uuml;ller</td><td>-45,00</td><td>EUR</td></tr>
<tr><td>2026-09-02</td><td colspan="1">Gutschrift
   Kunde</td><td>1.045,00</td><td>EUR</td></tr>
</table></body></html>"""
    path = tmp_path / "statement.xls"
    path.write_text(html, encoding="utf-8")
    assert detect(path).name == "xls"
    result = import_file(path)
    st = result.statements[0]
    assert result.format == "xls"
    assert [ln.amount for ln in st.lines] == [D("-45.00"), D("1045.00")]
    assert [ln.description for ln in st.lines] == ["Zahlung an Müller", "Gutschrift Kunde"]
    assert st.currency == "EUR"


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    import zipfile
    path = tmp_path / "statement.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(BankFileError, match="not a bank file format|not an Excel workbook"):
        import_file(path)


def test_truncated_xlsx_is_a_bank_file_error(tmp_path):
    path = xlsx(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BankFileError):
        import_file(path, "xlsx")


def test_stray_far_away_cell_is_refused_before_reading(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Date", "Description", "Amount"])
    ws.append([dt.date(2026, 1, 2), "a", 1.0])
    ws["XFD1048576"] = "stray"
    path = tmp_path / "big.xlsx"
    wb.save(path)
    with pytest.raises(BankFileError, match="row 1,048,576, column 16,384"):
        import_file(path, options=ImportOptions(currency="USD"))
