"""The worksheet functions' cores (TIEOUT_DIFFERENCE, TIEOUT_STATUS, TIEOUT_MATCH_RATE): the workbook's
reconciliation id, the server's figures, and a short text instead of an error when they cannot answer."""
from __future__ import annotations

from decimal import Decimal

from test_addin_kit import live, month, new_book, ok, prepared  # noqa: F401 (fixtures)
from tieout.addin import udfs
from tieout.addin.client import Client
from tieout.addin.xlsx_workbook import XlsxWorkbook


def test_figures_of_the_linked_reconciliation(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    book, client = XlsxWorkbook(path), live.client()
    rec = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    f = rec["figures"]
    assert udfs.difference(book, client) == Decimal("0.00") == Decimal(f["difference"])
    assert udfs.status(book, client) == "In Progress"
    rate = udfs.match_rate(book, client)
    assert rate == (Decimal(f["matched_bank_lines"] + f["matched_gl_lines"]) / (f["bank_lines"] + f["gl_lines"])
                    ).quantize(Decimal("0.0001"))
    assert Decimal("0.9") < rate < 1
    ok(live, path, "unmatch_selected", match="M000001")
    assert udfs.difference(XlsxWorkbook(path), client) == Decimal("0.00")  # an unmatch moves items, not money
    assert udfs.match_rate(XlsxWorkbook(path), client) < rate
    assert udfs._cell(Decimal("12.50")) == 12.5 and udfs._cell("In Progress") == "In Progress"


def test_unlinked_unknown_and_unreachable_say_so(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    book = XlsxWorkbook(path)
    assert udfs.status(book, live.client()) == udfs.NOT_LINKED
    book.set_setting("ReconciliationId", "42")
    assert udfs.difference(book, live.client()) == "#TIEOUT: not_found"
    down = Client("http://127.0.0.1:9", token="x", autostart=False)
    assert udfs.match_rate(book, down) == "#TIEOUT: server not running"
    ok_book = new_book(tmp_path / "Other.xlsx")
    assert udfs.difference(XlsxWorkbook(ok_book), live.client()) == udfs.NOT_LINKED
