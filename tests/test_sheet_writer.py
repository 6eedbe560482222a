import datetime as dt
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from tieout.excel_templates.sheet_writer import MONEY_FORMAT, Column, write_table


def test_table_formats_and_text_never_becomes_formula(tmp_path):
    wb = Workbook()
    ws = wb.active
    cols = (Column("date", "date"), Column("amount", "money"), Column("description"))
    evil = ['=HYPERLINK("http://x","click")', "=1+1", "+SUM(A1)", "@cmd", "-2+3"]
    rows = [(dt.date(2026, 10, i + 1), Decimal("-1234.50"), text) for i, text in enumerate(evil)]
    assert write_table(ws, "tblT", cols, rows) == len(evil)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ws = load_workbook(path)["Sheet"]
    assert ws.tables["tblT"].ref == f"A1:C{len(evil) + 1}"
    for r, text in enumerate(evil, start=2):
        cell = ws.cell(row=r, column=3)
        assert cell.value == text and cell.data_type == "s"
        assert ws.cell(row=r, column=2).number_format == MONEY_FORMAT
        assert ws.cell(row=r, column=1).value == dt.datetime(2026, 10, r - 1)
    assert ws.freeze_panes == "A2"


def test_empty_table_gets_one_blank_row(tmp_path):
    wb = Workbook()
    write_table(wb.active, "tblEmpty", (Column("a"), Column("b")), [])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    assert load_workbook(path)["Sheet"].tables["tblEmpty"].ref == "A1:B2"
