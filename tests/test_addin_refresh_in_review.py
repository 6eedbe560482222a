"""Refresh of a submitted (In Review) workbook does work in proportion to what changed: a locked sheet whose part
is byte for byte as the add-in wrote it, drawn from data the server still names by the same ETags, is neither read
nor compared, and the Summary is drawn from the server's sums (GET .../summary-sums) instead of every line. A sheet
typed over is still read, compared and named. Real server on loopback, real workbooks read back."""
from __future__ import annotations

from decimal import Decimal

from test_addin_kit import live, month, ok, prepared, table  # noqa: F401 (fixtures)
from test_addin_shown_sheets import _edit_part, _parts

from tieout.addin import sheets
from tieout.addin.client import Client
from tieout.addin.handlers.state import load_state
from tieout.addin.locking import HASHED_SHEETS
from tieout.addin.xlsx_workbook import XlsxWorkbook

LISTINGS = ("/bank-lines", "/gl-lines", "/matches")


def _submitted(live, month, path) -> int:
    rec_id = prepared(live, month, path)
    ok(live, path, "post_new_transactions")
    ok(live, path, "submit_for_review")
    return rec_id


def _watch(monkeypatch) -> tuple[list, list]:
    """(tables the adapter read, (path, status) of every GET the add-in made)."""
    read, gets = [], []
    reader, exchange = XlsxWorkbook.read_table_rows, Client._exchange
    monkeypatch.setattr(XlsxWorkbook, "read_table_rows", lambda self, sheet: read.append(sheet) or reader(self, sheet))

    def watched(self, method, path, *args, **kwargs):
        answer = exchange(self, method, path, *args, **kwargs)
        if method == "GET":
            gets.append((path, answer[0]))
        return answer
    monkeypatch.setattr(Client, "_exchange", watched)
    return read, gets


def test_refresh_in_review_of_an_unchanged_workbook_reads_no_locked_table_and_no_line(live, month, tmp_path,
                                                                                     monkeypatch):
    path = tmp_path / "Rec.xlsx"
    _submitted(live, month, path)
    ok(live, path, "refresh")
    before = _parts(path)
    summary = table(path, "Summary")
    read, gets = _watch(monkeypatch)
    outcome, book = ok(live, path, "refresh")
    assert book.messages == [] and not outcome.messages[0].startswith("warning")
    assert not set(HASHED_SHEETS) & set(read)
    bodies = [p for p, status in gets if status == 200 and p.endswith(LISTINGS)]
    assert bodies == []  # the listings' ETags were confirmed with 304s, their rows never sent
    assert any(p.endswith("/summary-sums") for p, _ in gets)
    after = _parts(path)
    assert {s for s in before if after[s] != before[s]} <= {"Summary"}
    assert table(path, "Summary") == summary  # the same figures as drawn from the lines


def test_a_locked_sheet_typed_over_is_still_read_compared_and_restored(live, month, tmp_path, monkeypatch):
    path = tmp_path / "Rec.xlsx"
    _submitted(live, month, path)
    first = table(path, "Bank Statement")[0]
    amount = f"{first['amount']}".encode()
    _edit_part(path, "Bank Statement", b"<v>" + amount + b"</v>", b"<v>" + amount + b"1</v>")  # record kept
    read, _ = _watch(monkeypatch)
    outcome, book = ok(live, path, "refresh")
    assert "Bank Statement" in read and "GL Lines" not in read  # only the sheet whose part changed is compared
    (alert,) = book.messages
    assert f"Bank Statement: {first['line_id']}: amount" in alert and "(cell C2)" in alert
    assert table(path, "Bank Statement")[0]["amount"] == first["amount"]
    ok(live, path, "refresh")


def test_the_servers_summary_sums_are_the_lines_added_up(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    client = live.client()
    whole = load_state(client, rec_id)  # the lines read: the Summary adds them up
    lazy = load_state(client, rec_id, lazy=True, lazy_lines=True)  # not read: the server's sums
    from_lines = sheets.summary_sums(whole)
    assert sheets.summary_sums(lazy) == from_lines and not lazy.holds(lazy.bank)
    assert any(from_lines) and all(isinstance(v, Decimal) for v in from_lines)
    assert from_lines[0] >= 0 >= from_lines[1] and from_lines[2] >= 0 >= from_lines[3]
    assert sheets.proposed_count(lazy) == sheets.proposed_count(whole) == len(whole.proposed_keys)
    assert sheets.summary_rows(lazy) == sheets.summary_rows(whole)
