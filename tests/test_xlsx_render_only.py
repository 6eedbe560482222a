"""A press that changes some sheets writes only those (sheets.render(..., only=...)) and the batch adapter keeps
the others as the file holds them: the workbook is the one a full render through the same adapter gives, part
by part, and the sheets left out keep their rows byte for byte, even when the stage's locks change."""
from __future__ import annotations

import shutil
import zipfile

import pytest
from test_xlsx_streamed import assert_same_workbook, busy_state
from tieout.addin import sheets
from tieout.addin.dispatch import new_workbook
from tieout.addin.xlsx_workbook import XlsxWorkbook


def _rendered(path, state, only=None):
    b = XlsxWorkbook(path, echo=lambda t: None)
    sheets.render(b, state, only=only)
    b.save()


def _sheet_part(path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(_names(zf)[name])


def _rows(xml: bytes) -> bytes:
    return xml.split(b"<sheetData")[1].split(b"</sheetData>")[0]


def _names(zf) -> dict[str, str]:
    from tieout.server.importers.tabular.xlsx_guard import _sheet_parts

    return _sheet_parts(zf)


@pytest.mark.parametrize("before, after", [("In Progress", "In Progress"), ("In Progress", "In Review"),
                                           ("In Review", "Approved")])
def test_rendering_some_sheets_gives_the_workbook_a_full_render_gives(tmp_path, before, after):
    base = new_workbook(tmp_path / "base.xlsx") or tmp_path / "base.xlsx"
    for _ in range(2):  # the second render is the steady state (a first one over a new workbook differs)
        _rendered(base, busy_state(40, before))
    got, want = tmp_path / "got.xlsx", tmp_path / "want.xlsx"
    shutil.copy(base, got)
    shutil.copy(base, want)
    state = busy_state(40, after)
    _rendered(got, state, only={"Matched"})
    _rendered(want, state)
    assert_same_workbook(got, want)
    if after != "Approved":  # Approved relocks Unmatched's open cells, which rewrites its rows
        for sheet in ("Bank Statement", "GL Lines", "Audit"):
            assert _rows(_sheet_part(got, sheet)) == _rows(_sheet_part(base, sheet))


def test_sheets_left_out_keep_their_rows_byte_for_byte(tmp_path):
    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _rendered(path, busy_state(25))
    before = {s: _sheet_part(path, s) for s in ("Bank Statement", "GL Lines", "Matched", "Audit")}
    book = XlsxWorkbook(path, echo=lambda t: None)
    sheets.render(book, busy_state(25), only=())
    assert sheets.rendered_sheets(book, busy_state(25), ()) >= {"Summary", "Unmatched", "New Transactions"}
    book.save()
    after = {s: _sheet_part(path, s) for s in before}
    assert after == before


def test_a_sheet_that_comes_out_as_it_was_is_copied_still_compressed(tmp_path):
    path = new_workbook(tmp_path / "w.xlsx") or tmp_path / "w.xlsx"
    _rendered(path, busy_state(25))
    _deflate_harder(path)  # as another program may have saved it: a copy keeps these bytes, a rewrite would not
    with zipfile.ZipFile(path) as zf:
        part = _names(zf)["Bank Statement"]
        before = zf.getinfo(part)
        raw_before = _raw(path, before)
    book = XlsxWorkbook(path, echo=lambda t: None)
    book.set_setting("Marker", "x")  # a change elsewhere: the workbook part is written anew
    book.save()
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        after = zf.getinfo(part)
        assert (after.CRC, after.compress_size, after.file_size) == (before.CRC, before.compress_size, before.file_size)
        assert _raw(path, after) == raw_before  # the deflated bytes themselves, not inflated and deflated again
    assert XlsxWorkbook(path).get_setting("Marker") == "x"
    assert XlsxWorkbook(path).read_table("Bank Statement")[0]["line_id"] == "B1"


def _raw(path, info) -> bytes:
    import struct

    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = struct.unpack(zipfile.structFileHeader, fh.read(zipfile.sizeFileHeader))
        fh.seek(header[zipfile._FH_FILENAME_LENGTH] + header[zipfile._FH_EXTRA_FIELD_LENGTH], 1)
        return fh.read(info.compress_size)


def _deflate_harder(path) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info, data in parts:
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
