"""The saved-workbook adapter on real .xlsx files, written and re-opened."""
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.excel_templates.sheet_writer import Column
from tieout.server.errors import InputError

COLS = (Column("line_id"), Column("date", "date"), Column("amount", "money"), Column("notes"))


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "w.xlsx"
    wb = Workbook()
    wb.active.title = "Unmatched"
    wb.save(path)
    return path


def test_tables_round_trip_and_replace(book):
    wb = XlsxWorkbook(book)
    rows = [("B1", dt.date(2026, 10, 1), Decimal("-12.50"), "=cmd|' /C calc'!A0"), ("B2", dt.date(2026, 10, 2), Decimal("7"), None)]
    assert wb.write_table("Unmatched", "tblUnmatched", COLS, rows) == 2
    wb.save()
    again = XlsxWorkbook(book)
    got = again.read_table("Unmatched")
    assert [r["line_id"] for r in got] == ["B1", "B2"]
    assert got[0]["notes"] == "=cmd|' /C calc'!A0"
    assert got[0]["amount"] == -12.5
    # replacing with fewer rows leaves no stale row behind
    again.write_table("Unmatched", "tblUnmatched", COLS, rows[1:])
    again.save()
    ws = load_workbook(book)["Unmatched"]
    assert ws.tables["tblUnmatched"].ref == "A1:D2"
    assert ws["A3"].value is None


def test_settings_are_defined_names(book):
    wb = XlsxWorkbook(book)
    wb.set_setting("ReconciliationId", 'rec-42 "q"')
    wb.save()
    assert XlsxWorkbook(book).get_setting("ReconciliationId") == 'rec-42 "q"'
    assert XlsxWorkbook(book).get_setting("Missing") is None


def test_protection_locks_all_but_the_input_ranges(book):
    wb = XlsxWorkbook(book)
    wb.write_table("Unmatched", "tblUnmatched", COLS, [("B1", dt.date(2026, 10, 1), Decimal(1), "")])
    wb.protect("Unmatched", unlocked=["D2:D50"])
    wb.protect_structure(True)
    wb.save()
    raw = load_workbook(book)
    ws = raw["Unmatched"]
    assert ws.protection.sheet is True and ws.protection.password
    assert ws["A2"].protection.locked is True
    assert ws["D2"].protection.locked is False and ws["D50"].protection.locked is False
    assert raw.security.lockStructure is True
    again = XlsxWorkbook(book)
    assert again.is_protected("Unmatched")
    again.unprotect("Unmatched")
    again.protect_structure(False)
    again.save()
    raw = load_workbook(book)
    assert raw["Unmatched"].protection.sheet is False
    assert raw.security is None or not raw.security.lockStructure


def test_clear_errors_for_missing_or_bad_workbooks(tmp_path, book):
    with pytest.raises(InputError, match="workbook not found"):
        XlsxWorkbook(tmp_path / "nope.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(InputError, match="not a readable .xlsx"):
        XlsxWorkbook(bad)
    with pytest.raises(InputError, match="no sheet named 'Matched'"):
        XlsxWorkbook(book).read_table("Matched")
    with pytest.raises(InputError, match="has no Excel Table"):
        XlsxWorkbook(book).read_table("Unmatched")
