"""The .xlsx guard (issue 13): every spelling of a far cell that made python-calamine abort the process is
measured by an XML pass and refused before calamine reads the sheet, naming the sheet and the reach."""
from __future__ import annotations

import pytest

from sandbox_files import xlsx_with_sheet_data
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.tabular.xlsx_guard import survey

FAR = {
    "single quotes": ("<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>", 1_048_576, 16_384),
    "spaces around =": ('<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>', 1_048_576, 16_384),
    "namespace prefix": ('<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>', 1_048_576, 16_384),
    "cells without r": ('<row r="1048576">' + "<c><v>1</v></c>" * 9_000 + "</row>", 1_048_576, 9_000),
    "rows without r": ('<row r="2"><c r="C1000000"><v>1</v></c></row><row>' + "<c><v>1</v></c>" * 5_000
                       + "</row>", 1_000_000, 5_000),
    "lower-case column": ('<row r="900000"><c r="xfd900000"><v>1</v></c></row>', 900_000, 16_384),
}
BEYOND = {
    "four-letter column": ('<row r="2"><c r="ZZZZ2"><v>1</v></c></row>', "'ZZZZ2' is beyond Excel's last cell"),
    "10-digit row": ('<row r="2"><c r="A1234567890"><v>1</v></c></row>', "'A1234567890' is beyond Excel's last"),
    "30-digit row": ('<row r="2"><c r="A' + "1" * 30 + '"><v>1</v></c></row>', "is beyond Excel's last cell"),
    "not a reference": ('<row r="2"><c r="XFD"><v>1</v></c></row>', "'XFD' is not a cell reference"),
}


@pytest.mark.parametrize("case", sorted(FAR))
def test_a_far_cell_in_any_spelling_is_measured_and_refused(tmp_path, case):
    xml, rows, columns = FAR[case]
    path = xlsx_with_sheet_data(tmp_path / "far.xlsx", xml)
    sheet = survey(path)["Sheet1"]
    assert (sheet.rows, sheet.columns, sheet.problem) == (rows, columns, None)
    with pytest.raises(BankFileError, match=rf"\[sheet 'Sheet1'\]: the used range reaches row {rows:,}, "
                                            rf"column {columns:,} \({rows * columns:,} cells\): too large"):
        import_file(path, options=ImportOptions(currency="USD"))


@pytest.mark.parametrize("case", sorted(BEYOND))
def test_a_reference_beyond_excels_grid_is_refused(tmp_path, case):
    xml, words = BEYOND[case]
    path = xlsx_with_sheet_data(tmp_path / "beyond.xlsx", xml)
    with pytest.raises(BankFileError, match=f"{words}.*; the sheet was not read"):
        import_file(path, options=ImportOptions(currency="USD"))


def test_a_dimension_beyond_excels_grid_is_refused_and_a_true_one_is_not(tmp_path):
    rows = '<row r="2"><c r="A2"><v>46023</v></c><c r="B2"><v>1.5</v></c></row>'
    bad = xlsx_with_sheet_data(tmp_path / "dim.xlsx", rows, dimension="A1:XFE2")
    assert survey(bad)["Sheet1"].problem == "cell reference 'XFE2' is beyond Excel's last cell XFD1048576"
    good = xlsx_with_sheet_data(tmp_path / "ok.xlsx", rows, dimension="A1:B2")
    sheet = survey(good)["Sheet1"]
    assert (sheet.rows, sheet.columns, sheet.hidden, sheet.problem) == (2, 2, frozenset(), None)


def test_empty_styled_cells_far_away_do_not_count_but_hidden_rows_in_any_quoting_do(tmp_path):
    xml = ('<row r="2" hidden=\'1\'><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
           '<row r="3"><c r="A3"><v>3</v></c></row><row r="1000000"><c r="XFD1000000" s="1"/></row>')
    sheet = survey(xlsx_with_sheet_data(tmp_path / "styled.xlsx", xml))["Sheet1"]
    assert (sheet.rows, sheet.columns, sheet.hidden) == (3, 2, frozenset({2}))


def test_a_gl_template_with_a_far_cell_is_refused_before_calamine_reads_it(tmp_path):
    from openpyxl import load_workbook

    from tieout.excel_templates import gl_template
    from tieout.excel_templates.gl_layout import LAYOUT
    from tieout.server.errors import TemplateError
    from tieout.server.templates.gl_import import read_gl_template

    path = gl_template.generate(tmp_path / "GL.xlsx")
    wb = load_workbook(path)
    wb[LAYOUT.lines_sheet]["XFD1048576"] = 1
    wb.save(path)
    with pytest.raises(TemplateError, match=r"record .*: the used range reaches row 1,048,576, column 16,384"):
        read_gl_template(path)


def _statement_with_stray_cell(path, stray_row: int, column: int = 1):
    """A real five-line statement written by openpyxl, and one stray value `stray_row` rows down."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Umsaetze"
    ws.append(["Date", "Description", "Amount"])
    for day in range(1, 6):
        ws.append([f"2026-10-{day:02d}", f"Payment {day}", 10.5 * day])
    ws.cell(stray_row, column, "x")
    wb.save(path)
    return path


def test_a_stray_cell_far_below_the_statement_is_refused_before_it_is_read(tmp_path, capsys):
    """818,779 rows of a used range for six rows of values: the importer walked every empty row (24 s of CPU).
    The sheet is refused from the XML survey, naming the file, the sheet, the row and the cell to delete."""
    from tieout.server.cli import main

    path = _statement_with_stray_cell(tmp_path / "stray.xlsx", 818_779, column=2)
    sheet = survey(path)["Umsaetze"]
    assert (sheet.rows, sheet.value_rows, sheet.far_cell, sheet.above) == (818_779, 7, "B818779", 6)
    assert main(["import", str(path), "--currency", "EUR", "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert f"{path} [sheet 'Umsaetze']: row 818,779 holds a value (cell B818779) 818,772 empty rows below the " \
           "sheet's other values (which end at row 6)" in err
    assert "delete the stray cell" in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_a_note_a_few_rows_below_the_statement_still_imports(tmp_path):
    """Blank rows under the statement and a note further down are a real export's shape: read as before."""
    path = _statement_with_stray_cell(tmp_path / "note.xlsx", 9_000)
    assert survey(path)["Umsaetze"].refusal(30_000_000) is None
    result = import_file(path, options=ImportOptions(currency="EUR"))
    assert [str(ln.amount) for ln in result.statements[0].lines] == ["10.5", "21", "31.5", "42", "52.5"]


def test_a_gl_template_with_a_stray_cell_far_below_its_lines_is_refused(tmp_path):
    from openpyxl import load_workbook

    from tieout.excel_templates import gl_template
    from tieout.excel_templates.gl_layout import LAYOUT
    from tieout.server.errors import TemplateError
    from tieout.server.templates.gl_import import read_gl_template

    path = gl_template.generate(tmp_path / "GL.xlsx")
    wb = load_workbook(path)
    wb[LAYOUT.lines_sheet]["C818779"] = "x"
    wb.save(path)
    with pytest.raises(TemplateError, match=r"row 818,779 holds a value \(cell C818779\) .* delete the stray cell"):
        read_gl_template(path)


SEEN_COLUMN = {
    "row beyond the grid": ('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A1048577"><v>1</v></c></row>',
                            "cell reference 'A1048577' is beyond Excel's last cell XFD1048576"),
    "row 0": ('<row r="1"><c r="B1"><v>1</v></c><c r="B0"><v>1</v></c></row>',
              "cell reference 'B0' is beyond Excel's last cell XFD1048576"),
    "no letters": ('<row r="1"><c r="C1"><v>1</v></c><c r="7"><v>1</v></c></row>',
                   "cell reference '7' is not a cell reference"),
    "column beyond the grid": ('<row r="1"><c r="XFE1"><v>1</v></c></row>',
                               "cell reference 'XFE1' is beyond Excel's last cell XFD1048576"),
    "letters and digits twice": ('<row r="1"><c r="A1"><v>1</v></c><c r="A1A2"><v>1</v></c></row>',
                                 "cell reference 'A1A2' is not a cell reference"),
}


@pytest.mark.parametrize("case", sorted(SEEN_COLUMN))
def test_a_cell_whose_column_was_seen_before_is_still_checked_in_full(tmp_path, case):
    """The survey keeps the numbers of column letters it has placed (a regex per cell cost a third of the pass):
    a later cell of a known column is still refused beyond the grid or when it is no cell reference."""
    xml, problem = SEEN_COLUMN[case]
    sheet = survey(xlsx_with_sheet_data(tmp_path / "seen.xlsx", xml))["Sheet1"]
    assert sheet.problem == problem


def test_leading_zeros_and_lower_case_letters_place_a_cell_as_calamine_does(tmp_path):
    xml = '<row r="1"><c r="b1"><v>1</v></c></row><row r="2"><c r="B02"><v>2</v></c><c r="b0003"><v>3</v></c></row>'
    sheet = survey(xlsx_with_sheet_data(tmp_path / "zeros.xlsx", xml))["Sheet1"]
    assert (sheet.rows, sheet.columns, sheet.value_rows, sheet.far_cell, sheet.problem) == (3, 2, 3, "B3", None)
