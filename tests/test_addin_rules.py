"""The Rules sheet drives Auto-Match: a new workbook's Rules table holds the built-in library, the handler sends
the table's rows, an edit (a rule disabled, a date window narrowed) changes what the server matches, an
emptied table means the built-in library, and a bad rule row is refused with the server's message naming the
row. Real .xlsx files through the openpyxl adapter, against the real server."""
from __future__ import annotations

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.server.matching import RULE_COLUMNS, default_rules, rules_from_rows

N = len(default_rules())  # rules of the built-in library

WINDOW_RULE = "exact_amount_date_window"


def imported(live, month, tmp_path, name="Operating"):
    path = new_book(tmp_path / f"Rec-{name}.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name=name)
    ok(live, path, "import_gl_template", file=month.gl)
    return path, int(XlsxWorkbook(path).get_setting("ReconciliationId"))


def edit_rule(path, name: str, **cells) -> int:
    """Types values into a rule's row of the Rules table, as a user would; returns the sheet row."""
    wb = load_workbook(path)
    ws = wb["Rules"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("name") + 1).value == name)
    for column, value in cells.items():
        ws.cell(row, header.index(column) + 1).value = value
    wb.save(path)
    return row


def server_matches(live, rec_id) -> list[dict]:
    return live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")


def undo_all(live, path, rec_id) -> None:
    keys = ",".join(m["key"] for m in server_matches(live, rec_id))
    ok(live, path, "unmatch_selected", match=keys, reason="run again with other rules")
    assert server_matches(live, rec_id) == []


def test_a_new_workbook_holds_the_built_in_library_on_its_rules_sheet(live, month, tmp_path):
    path, _ = imported(live, month, tmp_path)
    rows = table(path, "Rules")
    assert list(rows[0]) == list(RULE_COLUMNS)
    assert rules_from_rows(rows) == default_rules()


def test_editing_the_rules_sheet_changes_what_auto_match_finds(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    outcome, _ = ok(live, path, "auto_match")
    assert f"Rules used: the Rules sheet ({N} of {N} rules enabled)." in outcome.messages[0]
    first = server_matches(live, rec_id)
    by_window = [m for m in first if m["rule"] == WINDOW_RULE]
    assert by_window, "the sample month has pairs only the date-window rule finds"
    undo_all(live, path, rec_id)

    # the rule disabled on the sheet: the pairs only it found stay open
    edit_rule(path, WINDOW_RULE, enabled="no")
    outcome, _ = ok(live, path, "auto_match")
    assert f"Rules used: the Rules sheet ({N - 1} of {N} rules enabled)." in outcome.messages[0]
    second = server_matches(live, rec_id)
    assert not [m for m in second if m["rule"] == WINDOW_RULE]
    found = {(tuple(m["bank"]), tuple(m["ledger"])) for m in second}
    assert not found & {(tuple(m["bank"]), tuple(m["ledger"])) for m in by_window}
    assert len(second) < len(first)
    job = live.call("GET", f"/api/reconciliations/{rec_id}/jobs", user="alice")[-1]
    assert job["detail"]["rule_set"]["source"] == "request" and job["detail"]["rule_set"]["enabled"] == N - 1

    # enabled again with a date window of zero days: only the pairs booked on the same day remain its own
    # (on a workbook of its own: the pairs unmatched above are the user's word and are never proposed again)
    path, rec_id = imported(live, month, tmp_path, "Second")
    edit_rule(path, WINDOW_RULE, enabled="yes", days_before=0, days_after=0)
    ok(live, path, "auto_match")
    third = [m for m in server_matches(live, rec_id) if m["rule"] == WINDOW_RULE]
    lines = {ln.line_id: ln for ln in (*_state(live, rec_id).bank, *_state(live, rec_id).ledger)}
    assert third and all(lines[m["bank"][0]].date == lines[m["ledger"][0]].date for m in third)


def _state(live, rec_id):
    from tieout.addin.handlers.state import load_state

    return load_state(live.client(), rec_id)


def test_an_emptied_rules_table_means_the_built_in_library(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    wb = load_workbook(path)
    ws = wb["Rules"]
    (tbl,) = ws.tables.values()
    for row in ws[tbl.ref][1:]:
        for cell in row:
            cell.value = None
    wb.save(path)
    outcome, _ = ok(live, path, "auto_match")
    assert f"Rules used: the built-in library ({N} rules)." in outcome.messages[0]
    job = live.call("GET", f"/api/reconciliations/{rec_id}/jobs", user="alice")[-1]
    assert job["detail"]["rule_set"]["source"] == "built-in"
    assert job["detail"]["matched_groups"] == len(server_matches(live, rec_id)) > 0


def test_a_bad_rule_row_shows_the_servers_message_naming_the_row(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    row = edit_rule(path, WINDOW_RULE, days_after="a week")
    outcome, _ = run(live, path, "auto_match")
    assert outcome.exit_code == 2
    assert f"Rules row {row} (rule {WINDOW_RULE}), field 'days_after': " in outcome.error
    assert "'a week'" in outcome.error and "Nothing was started" in outcome.error
    assert "Rules sheet" in outcome.error  # the advice: where to correct it
    assert server_matches(live, rec_id) == []
    jobs = live.call("GET", f"/api/reconciliations/{rec_id}/jobs", user="alice")
    assert [j["kind"] for j in jobs] == ["import"]  # no auto-match was started


def test_a_bad_rule_below_blank_rows_is_named_by_its_sheet_row(live, month, tmp_path):
    """Blank rows in the middle of the Rules table (rules deleted by clearing their cells) do not shift the
    row number the message names: it is the number Excel shows at the left of the bad rule's row."""
    path, rec_id = imported(live, month, tmp_path)
    row = edit_rule(path, WINDOW_RULE, days_after="a week")
    wb = load_workbook(path)
    ws = wb["Rules"]
    blank = [2, row - 1]  # the first rule's row and the one just above the bad rule
    assert len(set(blank)) == 2 and row > 3
    for r in blank:
        for cell in ws[r][: len(RULE_COLUMNS)]:
            cell.value = None
    wb.save(path)
    assert len(table(path, "Rules")) == len(default_rules()) - 2
    outcome, _ = run(live, path, "auto_match")
    assert outcome.exit_code == 2
    assert f"Rules row {row} (rule {WINDOW_RULE}), field 'days_after': " in outcome.error
    assert f"Rules row {row - 2} " not in outcome.error  # what counting only the filled rows said
    assert server_matches(live, rec_id) == []


def test_blank_rule_rows_are_sent_as_blank_rows_in_their_place(tmp_path):
    """The rows Auto-Match sends: one per sheet row from row 2 down to the last filled one, blank rows as
    blank dicts (the server skips them but counts them), none after the last rule."""
    from openpyxl import Workbook
    from tieout.addin import sheets
    from tieout.excel_templates.sheet_writer import Column, write_table

    path = tmp_path / "r.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Rules"
    write_table(ws, "tblRules", (Column("name"), Column("priority", "int")),
                [("a", 1), (None, None), ("", None), ("b", 2.5), (None, None)])
    wb.save(path)
    rows = sheets.rule_rows(XlsxWorkbook(path))
    assert rows == [{"name": "a", "priority": 1}, {"name": None, "priority": None},
                    {"name": None, "priority": None}, {"name": "b", "priority": "2.5"}]
