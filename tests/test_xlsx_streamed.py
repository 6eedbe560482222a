"""The batch adapter's streamed reader and writer (addin/xlsx/) against the writer it replaced: openpyxl with
every cell of every sheet loaded (`todays`, the same adapter with `wb` asked for up front, which loads them all).
The same operations on the same workbook must give the same package part by part, byte for byte (but the
save time in docProps/core.xml), and the same cells; tables read with calamine must read as openpyxl reads
them; a sheet no handler rewrote keeps its rows byte for byte."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_addin_rewrite import COLS, snapshot, table_rows
from test_addin_sheets import line, make_state
from tieout.addin import sheets
from tieout.addin.dispatch import new_workbook
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.excel_templates.reconciliation_workbook import SHEET_NAMES

TRICKY = ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", " lead", "trail ", "a\r\nb", "<&>\"'", "#N/A", "00123",
          "café 日本", "\t tab", "=", "")


def todays(path) -> XlsxWorkbook:
    book = XlsxWorkbook(path, echo=lambda t: None)
    book.wb  # noqa: B018 - every sheet's cells loaded into openpyxl: the writer as it was
    return book


def parts(path) -> dict[str, bytes]:
    """The package's parts, but the save time, and -0 written as 0: openpyxl's rewriting writer keeps a cell
    that held 0 when -0.0 comes (equal values), the streamed writer writes what comes, as a fresh sheet has it."""
    with zipfile.ZipFile(path) as zf:
        out = {i.filename: zf.read(i).replace(b"<v>-0</v>", b"<v>0</v>") for i in zf.infolist()}
    out["docProps/core.xml"] = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"",
                                      out["docProps/core.xml"])
    return out


def assert_same_workbook(got, want) -> None:
    a, b = parts(got), parts(want)
    assert list(a) == list(b)
    for name in b:
        assert a[name] == b[name], name
    assert snapshot(got) == snapshot(want)


def busy_state(n: int, status="In Progress"):
    """A state whose lines carry the awkward texts, blanks, pending lines and a transaction to post."""
    state = make_state(status)
    bank = tuple(replace(line("bank", f"B{i}", 1 + i % 28, f"{(-1) ** i * (i * 13.37):.2f}"),
                         description=TRICKY[i % len(TRICKY)], reference=TRICKY[(i + 3) % len(TRICKY)],
                         notes=TRICKY[(i + 5) % len(TRICKY)], due_date=dt.date(2026, 11, 1) if i % 4 else None)
                 for i in range(5, 5 + n))
    ledger = tuple(replace(line("ledger", f"G{i}", 1 + i % 27, f"{i * 7.5:.2f}"), owner=TRICKY[i % len(TRICKY)])
                   for i in range(5, 5 + n))
    return replace(state, bank=state.bank + bank, ledger=state.ledger + ledger)


def _pair(tmp_path, base):
    got, want = tmp_path / "got.xlsx", tmp_path / "want.xlsx"
    shutil.copy(base, got)
    shutil.copy(base, want)
    return got, want


def _render(book, state):
    sheets.render(book, state)
    book.save()


@pytest.mark.parametrize("status", ["In Progress", "In Review", "Approved"])
def test_render_gives_todays_workbook_part_by_part(tmp_path, status):
    base = new_workbook(tmp_path / "base.xlsx") or tmp_path / "base.xlsx"
    got, want = _pair(tmp_path, base)
    for state in (busy_state(30), busy_state(12, status)):  # a first render, then one over it (fewer rows)
        _render(XlsxWorkbook(got, echo=lambda t: None), state)
        _render(todays(want), state)
        assert_same_workbook(got, want)
    texts = {v[:2] for k, v in snapshot(got)["Bank Statement"]["cells"].items() if k[0] in "EF"}
    assert {(t, "str") for t in TRICKY[:4]} <= texts  # formula-looking text stays text


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    book = XlsxWorkbook(path)
    rows = [(f"L{i}", dt.date(2026, 10, 1), Decimal("1.50"), None, None, i, text) for i, text in enumerate(TRICKY)]
    book.write_table("Matched", "tblMatched", COLS, rows)
    book.save()
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    got = {r["id"]: r["note"] for r in XlsxWorkbook(path).read_table("Matched")}
    assert got == {f"L{i}": (text or None) for i, text in enumerate(TRICKY)}
    assert XlsxWorkbook(path).read_table("Matched") == todays(path).read_table("Matched")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=table_rows, after=table_rows, unlocked=st.lists(st.sampled_from(["B2:B9", "G3", "H2:I4", "A12:C14"]),
                                                              max_size=3), protect=st.booleans())
@example(before=[("",)], after=[(None,), (None, "", None, None, None, None, dt.date(2000, 1, 1), None)],
         unlocked=["G3", "G3"], protect=True)  # rows of other lengths, an editable cell in the table, none below
def test_a_streamed_table_is_the_table_openpyxl_writes(tmp_path_factory, before, after, unlocked, protect):
    folder = tmp_path_factory.mktemp("w")
    base = new_workbook(folder / "base.xlsx") or folder / "base.xlsx"
    book = XlsxWorkbook(base)
    book.write_table("Matched", "tblMatched", COLS, before)
    book.save()
    got, want = _pair(folder, base)
    for book in (XlsxWorkbook(got), todays(want)):
        assert book.write_table("Matched", "tblMatched", COLS, after) == len(after)
        if protect:
            book.protect("Matched", unlocked)
        book.save()
    assert_same_workbook(got, want)


def test_tables_read_with_calamine_read_as_openpyxl_reads_them(tmp_path):
    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _render(XlsxWorkbook(path), busy_state(40))
    for sheet in SHEET_NAMES:
        fast, full = XlsxWorkbook(path), todays(path)
        assert sheet in fast._held  # read through calamine, not openpyxl
        assert fast.read_table_rows(sheet) == full.read_table_rows(sheet), sheet
    assert [type(v) for v in XlsxWorkbook(path).read_table("Bank Statement")[0].values()] == \
        [type(v) for v in todays(path).read_table("Bank Statement")[0].values()]


def test_sheets_no_handler_rewrote_keep_their_rows_byte_for_byte(tmp_path):
    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _render(XlsxWorkbook(path), busy_state(20))
    before = parts(path)
    book = XlsxWorkbook(path)
    book.write_table("Audit", "tblAudit", COLS, [("x", None, Decimal(1), None, None, 1, "=changed")])
    book.save()
    after = parts(path)
    changed = [name for name in before if before[name] != after[name]]
    audit = f"xl/worksheets/sheet{SHEET_NAMES.index('Audit') + 1}.xml"
    tables = [n for n in changed if n.startswith("xl/tables/")]
    assert audit in changed and len(tables) == 1  # the Audit sheet and its Table; every other sheet as it was
    assert set(changed) <= {audit, tables[0], "xl/styles.xml"}


def test_a_stray_far_cell_is_refused_before_calamine_reads_the_sheet(tmp_path):
    from openpyxl import load_workbook

    from tieout.server.errors import InputError

    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _render(XlsxWorkbook(path), make_state())
    wb = load_workbook(path)
    wb["Unmatched"]["XFD1048576"] = "typed far away"
    wb.save(path)
    book = XlsxWorkbook(path)
    assert "Unmatched" in book._held and not book._held["Unmatched"].has_error_cells  # calamine's to read
    with pytest.raises(InputError, match="Unmatched.*too large"):
        book.read_table("Unmatched")


def test_saving_keeps_the_files_permissions(tmp_path):
    import os

    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    os.chmod(path, 0o640)
    _render(XlsxWorkbook(path), busy_state(3))
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["w.xlsx"]  # no temporary file left beside it


def test_sheets_openpyxl_must_read_are_opened_by_it_and_saved_as_before(tmp_path):
    from openpyxl import load_workbook

    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _render(XlsxWorkbook(path), make_state())
    wb = load_workbook(path)
    wb["Summary"].merge_cells("D1:E2")  # merged cells, a row height, a hyperlink: tied to cell objects
    wb["Audit"].row_dimensions[3].height = 30
    wb["Rules"]["A40"].hyperlink = "https://example.com"
    wb.save(path)
    book = XlsxWorkbook(path)
    assert {"Summary", "Audit", "Rules"}.isdisjoint(book._held) and "Matched" in book._held
    got, want = _pair(tmp_path, path)
    for book in (XlsxWorkbook(got), todays(want)):
        sheets.render(book, busy_state(8, "In Review"))
        book.write_table("Audit", "tblAudit", COLS, [("a", None, Decimal(2), None, None, 1, "x")])
        book.save()
    assert_same_workbook(got, want)
    assert load_workbook(got)["Audit"].row_dimensions[3].height == 30
