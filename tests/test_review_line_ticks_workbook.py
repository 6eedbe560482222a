"""A tick and comment on one line of a review check, typed on the Review sheet's lines block (ledgers14): open
for input once submitted, sent by the reviewer's next button press, shown back with who ticked it. Batch mode
through the real server on loopback."""
from __future__ import annotations

from openpyxl import load_workbook

from test_addin_kit import live, month, ok, prepared  # noqa: F401 (fixtures)
from tieout.addin.review_sheet import LINE_HEADERS


def lines_block(path) -> tuple[object, int]:
    """The Review sheet and the row of the lines block's header."""
    ws = load_workbook(path)["Review"]
    title = next(c.row for c in ws["A"] if c.value == "Lines of the checks")
    assert tuple(c.value for c in ws[title + 1][:len(LINE_HEADERS)]) == LINE_HEADERS
    return ws, title + 1


def test_a_reviewer_ticks_one_line_of_a_check_on_the_review_sheet(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    ok(live, path, "submit_for_review")
    ws, header = lines_block(path)
    row = header + 1
    check, side, ref = (ws.cell(row, c).value for c in (1, 2, 3))
    tick_col, comment_col = (LINE_HEADERS.index(h) + 1 for h in ("tick", "comment"))
    assert ws.cell(row, tick_col).protection.locked is False and ws.cell(row, comment_col).protection.locked is False
    assert ws.cell(row, 7).protection.locked is True  # the check's own words stay locked

    wb = load_workbook(path)
    wb["Review"].cell(row, tick_col).value = "yes"
    wb["Review"].cell(row, comment_col).value = "traced to the bank advice"
    wb.save(path)
    ok(live, path, "refresh", user="bob")
    lines = {(c["id"], ln["side"], ln["ref"]): ln for c in live.call(
        "GET", f"/api/reconciliations/{rec_id}/review", user="bob")["checks"] for ln in c["lines"]}
    tick = lines[(check, side, str(ref))]["tick"]
    assert (tick["ticked"], tick["comment"], tick["by"]) == (True, "traced to the bank advice", "bob")
    assert sum(1 for ln in lines.values() if ln["tick"]) == 1  # only the line typed on
    ws, header = lines_block(path)
    assert ws.cell(header + 1, len(LINE_HEADERS)).value.startswith("bob ")  # ticked by, shown back
