"""Match Filtered: the unmatched lines a filter leaves visible on Bank Statement and GL Lines become one match
group. Batch mode reads the rows a filter hid from the saved workbook (Excel saves them hidden); the live-Excel
adapter finds the visible rows with COM's visible cells on Windows and by row height on a Mac (a stand-in for
the xlwings objects, Excel not being on Linux)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin import excel_workbook
from tieout.addin.excel_workbook import ExcelWorkbook, _rows_of


def _filter(path, sheet: str, keep: set[str]) -> None:
    """What an Excel filter leaves in the saved file: the other table rows hidden."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    col = header.index("line_id") + 1
    for r in range(2, ws.max_row + 1):
        value = ws.cell(r, col).value
        if value is not None:
            ws.row_dimensions[r].hidden = value not in keep
    wb.save(path)


def test_the_visible_lines_of_both_sheets_are_matched_as_one_group(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    outcome, _ = run(live, path, "match_filtered")
    assert outcome.exit_code == 2 and "Neither Bank Statement nor GL Lines is filtered" in outcome.error

    bank = {r["description"]: r["line_id"] for r in table(path, "Bank Statement")}
    gl = {r["description"]: r["line_id"] for r in table(path, "GL Lines")}
    wire_bank = next(v for k, v in bank.items() if k.startswith("WIRE TRANSFER"))
    wire_gl = next(v for k, v in gl.items() if "Fabrikam" in k and "5120" in k)
    _filter(path, "Bank Statement", {wire_bank})
    _filter(path, "GL Lines", {wire_gl})
    outcome, _ = run(live, path, "match_filtered")
    assert outcome.exit_code == 2 and outcome.error.startswith("Unbalanced: the visible lines do not balance: "
                                                               "bank 24985.00, "
                                                               "GL 25000.00, difference -15.00.")
    outcome, _ = ok(live, path, "match_filtered", tolerance="15", write_off_account="6100 Bank charges")
    matched = table(path, "Matched")
    assert len({r["match_id"] for r in matched}) == 1 and {r["line_id"] for r in matched} == {wire_bank, wire_gl}
    assert {r["status"] for r in table(path, "Bank Statement") if r["line_id"] == wire_bank} == {"Matched"}
    assert [r["gl_account"] for r in table(path, "New Transactions")] == ["6100 Bank charges"]
    outcome, _ = run(live, path, "match_filtered")
    assert outcome.exit_code == 2 and "The filters leave no unmatched line visible" in outcome.error


def test_rows_of_an_address():
    assert _rows_of("$A$2:$H$5,$A$9:$H$9") == {2, 3, 4, 5, 9}
    assert _rows_of("$B$7") == {7}


@pytest.mark.parametrize("platform", ["windows", "mac"])
def test_the_live_adapter_finds_the_visible_rows_on_both_platforms(platform, monkeypatch):
    monkeypatch.setattr(excel_workbook, "_MAC", platform == "mac")
    ids = [["B1"], ["B2"], ["B3"], ["B4"]]
    hidden = {3, 5}  # sheet rows of B2 and B4 (the table starts at row 1, its body at row 2)

    class Cell:
        def __init__(self, row):
            self.row_height = 0.0 if row in hidden else 15.0

    body = SimpleNamespace(row=2, options=lambda ndim: SimpleNamespace(value=ids),
                           api=SimpleNamespace(SpecialCells=lambda kind: SimpleNamespace(
                               Address="$A$2:$F$2,$A$4:$F$4" if kind == 12 else None)))
    sheet = SimpleNamespace(tables=[SimpleNamespace(data_body_range=body, range=SimpleNamespace(column=1))],
                            range=lambda at: Cell(at[0]))
    adapter = ExcelWorkbook.__new__(ExcelWorkbook)
    adapter.book = SimpleNamespace(sheets={"Bank Statement": sheet})
    assert adapter.visible_ids("Bank Statement") == ["B1", "B3"]


def test_an_unbalanced_selection_is_told_before_it_is_matched(live, month, tmp_path):
    """In Excel, Match Selected of lines whose sides differ (within the tolerance) says the difference and asks
    before anything is made; No matches nothing. Yes matches them, and the group is marked Unbalanced."""
    from test_addin_import_options import Asked
    from tieout.addin.dispatch import run_handler

    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    wire_bank = next(r["line_id"] for r in table(path, "Bank Statement") if r["description"].startswith("WIRE"))
    wire_gl = next(r["line_id"] for r in table(path, "GL Lines") if "Fabrikam" in r["description"]
                   and "5120" in r["description"])
    selection = {"Bank Statement": [wire_bank], "GL Lines": [wire_gl]}

    def press(answer):
        book = Asked(path, [answer], selection=selection)
        book.set_setting("MatchTolerance", "15")
        book.set_setting("WriteOffAccount", "6100 Bank charges")
        outcome = run_handler("match_selected", book, {}, live.client())
        book.save()
        return outcome, book

    outcome, book = press(False)
    assert outcome.exit_code == 2 and outcome.error.startswith("Unbalanced: the selected lines differ (bank "
                                                               "24985.00, GL 25000.00, difference -15.00)")
    ((kind, question),) = book.questions
    assert kind == "yes_no" and "Unbalanced" in question and "write off -15.00 to 6100 Bank charges" in question
    assert table(path, "Matched") == [] and table(path, "New Transactions") == []

    outcome, _ = press(True)
    assert outcome.ok, outcome.error
    assert "Unbalanced (dark orange on Matched)" in outcome.messages[-1]
    assert {r["amount_difference"] for r in table(path, "Matched")} == {-15}
