"""A whole button press through the live-Excel adapter (issue 17, item 3): the workbook batch mode made from
the sample month, opened in the xlwings double (tests/xlwings_book.py), then Accept Matches and Refresh against
the real server. Each table is written in one range operation per changed column block (or whole, once, when
its shape changes), no range's values are fetched twice in a press, and no cell of a table is read on its own;
the sheets then show the server's rows."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_addin_kit import live, month, new_book, ok  # noqa: F401 (fixtures)
from xlwings_book import BookDouble

from tieout.addin import sheets
from tieout.addin.dispatch import run_handler
from tieout.addin.excel_workbook import ExcelWorkbook, _cell, changed_blocks
from tieout.addin.handlers.state import load_state

TABLE_SHEETS = ("Bank Statement", "GL Lines", "Matched", "Unmatched", "New Transactions", "Audit")


@pytest.fixture
def matched(live, month, tmp_path):
    """The sample month imported and auto-matched in batch mode: the workbook and its reconciliation id."""
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    _, book = ok(live, path, "auto_match")
    return path, int(book.get_setting("ReconciliationId"))


def press(live, book: BookDouble, name: str, **args):
    book.ops.clear()
    outcome = run_handler(name, ExcelWorkbook(book), {k: str(v) for k, v in args.items()}, live.client())
    assert outcome.ok, outcome.error
    return outcome


def table_of(book: BookDouble, sheet: str):
    (table,) = book.sheets[sheet].tables
    return table


def assert_one_operation_per_column_block(book: BookDouble) -> None:
    for sheet in TABLE_SHEETS:
        rng = table_of(book, sheet).range
        writes = [op for op in book.ops.of("write", sheet) if op[2][0] >= rng.a[0]]  # the table's, not cells above
        whole = [op for op in writes if op[2] == rng.a]
        if whole:  # the table written whole: header and rows in one block, and nothing else
            assert writes == whole[:1], (sheet, writes)
            continue
        columns = [op[2][1] for op in writes]
        assert all(a[1] == b[1] for _, _, a, b in writes), (sheet, writes)  # each one column block
        assert len(columns) == len(set(columns)), (sheet, writes)  # at most one block per column


def assert_no_value_read_twice_nor_cell_by_cell(book: BookDouble) -> None:
    reads = [(sheet, a, b) for _, sheet, a, b in book.ops.of("read")]
    assert len(reads) == len(set(reads)), "\n".join(map(str, reads))
    for sheet in TABLE_SHEETS:
        body = table_of(book, sheet).data_body_range
        bodies = [r for r in reads if r[0] == sheet and r[1] == body.a]
        assert len(bodies) <= 1, (sheet, bodies)  # the table's values fetched once at most
        singles = [r for r in reads if r[0] == sheet and r[1] == r[2] and r[1][0] > body.a[0] - 1
                   and r[1][0] <= body.b[0]]
        assert singles == [], (sheet, singles)


def assert_sheets_show(book: BookDouble, state) -> None:
    """Each table holds the server's rows, as Excel shows the values the adapter writes."""
    rows = sheets.sheet_rows(state)
    for sheet in TABLE_SHEETS:
        body = table_of(book, sheet).data_body_range
        shown = body.options(ndim=2).value if rows[sheet] else []
        want = [[_cell(v) for v in r] for r in rows[sheet]]
        assert changed_blocks(shown, want) == [], sheet


def test_accept_matches_writes_column_blocks_and_reads_each_table_once(live, matched):
    path, rec_id = matched
    book = BookDouble.from_xlsx(path)
    before = {s: table_of(book, s).range.shape for s in TABLE_SHEETS}
    outcome = press(live, book, "accept_matches")
    assert outcome.messages[0].startswith("Accepted ")
    assert_one_operation_per_column_block(book)
    assert_no_value_read_twice_nor_cell_by_cell(book)
    # Bank Statement and GL Lines keep their shape: only the status column changes, one block each
    for sheet in ("Bank Statement", "GL Lines"):
        assert table_of(book, sheet).range.shape == before[sheet]
        status = sheets.headers(sheet).index("status") + 1
        assert {op[2][1] for op in book.ops.of("write", sheet)} == {status}
    # Unmatched was read once, by the inputs' sync; its re-render compares with that read, not a second one
    assert [op[2] for op in book.ops.of("read", "Unmatched")].count((2, 1)) == 1
    assert_sheets_show(book, load_state(live.client(), rec_id))

    press(live, book, "refresh")  # nothing changed on the server: nothing in the tables is written again
    for sheet in TABLE_SHEETS:
        rng = table_of(book, sheet).range
        assert [op for op in book.ops.of("write", sheet) if op[2][0] >= rng.a[0]] == [], sheet
    assert_no_value_read_twice_nor_cell_by_cell(book)


def test_selected_ids_read_the_id_column_once(live, matched):
    path, _ = matched
    book = BookDouble.from_xlsx(path)
    ws = book.sheets["Bank Statement"]
    ws.activate()
    ids = [r[0] for r in table_of(book, "Bank Statement").data_body_range.options(ndim=2).value]
    book.app.selection = SimpleNamespace(sheet=ws, address="$B$3:$D$4,$A$6:$A$6")  # two areas: rows 3, 4, 6
    book.ops.clear()
    assert ExcelWorkbook(book).selected_ids("Bank Statement") == [str(ids[i]) for i in (1, 2, 4)]
    assert [op[:1] for op in book.ops.log] == [("read",)]  # the id column over the selected span, one block
