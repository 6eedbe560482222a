"""Crafted files that make python-calamine abort the process (issue 13), made by code."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import xlwt

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Amount</t></is></c></row>')


def xlsx_with_sheet_data(path: Path, rows_xml: str, dimension: str | None = None) -> Path:
    """A one-sheet workbook whose sheetData is the header row then `rows_xml`, written as given."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}" xmlns:x="{_MAIN}">{dim}'
             f"<sheetData>{HEADER_ROW}{rows_xml}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def xls_with_looping_directory(path: Path, loop: bool = True) -> Path:
    """A real BIFF .xls (xlwt) whose compound file's directory sector chain points back to itself: calamine
    follows it until memory runs out, then aborts."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Statement")
    for j, title in enumerate(("Date", "Description", "Amount")):
        sheet.write(0, j, title)
    for i in range(1, 50):
        sheet.write(i, 0, f"2026-01-{i % 28 + 1:02d}")
        sheet.write(i, 1, f"line {i}")
        sheet.write(i, 2, float(i))
    book.save(str(path))
    if not loop:
        return path
    data = bytearray(path.read_bytes())
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    first_dir = struct.unpack_from("<I", data, 48)[0]
    first_fat = struct.unpack_from("<I", data, 76)[0]
    fat_offset = 512 + first_fat * sector_size
    assert first_dir < sector_size // 4  # its FAT entry is in the first FAT sector
    struct.pack_into("<I", data, fat_offset + 4 * first_dir, first_dir)
    path.write_bytes(bytes(data))
    return path


def long_csv(path: Path, lines: int = 300_000) -> Path:
    """A plain, valid statement CSV whose reading needs far more than 64 MiB: the budget tests' file."""
    rows = ["Date,Description,Amount"] + [f"2026-01-{i % 28 + 1:02d},payment number {i},{i % 997}.25"
                                          for i in range(lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
