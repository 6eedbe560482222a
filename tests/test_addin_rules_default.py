"""Save Rules as Default: the Rules sheet a preparer tuned becomes the account's default, and a later workbook of
the account starts its Rules sheet from it (not from the built-in library); through the saved-workbook adapter
against the real server."""
from __future__ import annotations

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, run, table  # noqa: F401 (fixtures)


def test_a_later_workbook_of_the_account_starts_with_the_saved_rules(live, month, tmp_path):
    first = new_book(tmp_path / "Rec.xlsx")
    ok(live, first, "import_bank_file", file=month.bank, account_name="Operating")
    built_in = table(first, "Rules")
    assert len(built_in) > 3
    # the preparer keeps three rules and renames one
    wb = load_workbook(first)
    ws = wb["Rules"]
    header = [c.value for c in ws[1]]
    for r in range(5, len(built_in) + 2):
        for c in range(1, len(header) + 1):
            ws.cell(r, c).value = None
    ws.cell(2, header.index("name") + 1).value = "our check numbers"
    wb.save(first)
    outcome, _ = ok(live, first, "save_rules_default")
    assert outcome.messages == ["Saved the 3 rules of this workbook as the default of Operating: its next "
                                "workbooks start with them."]

    second = new_book(tmp_path / "Rec-2.xlsx")
    ok(live, second, "import_gl_template", file=month.gl, account_name="Operating")
    rules = table(second, "Rules")
    assert [r["name"] for r in rules] == ["our check numbers"] + [r["name"] for r in built_in[1:3]]


def test_an_empty_rules_table_is_not_saved(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    from tieout.server.matching import RULE_COLUMNS

    wb = load_workbook(path)
    ws = wb["Rules"]
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=len(RULE_COLUMNS)):  # the chart stays
        for cell in row:
            cell.value = None
    wb.save(path)
    outcome, _ = run(live, path, "save_rules_default")
    assert outcome.exit_code == 2 and "The Rules table is empty" in outcome.error
