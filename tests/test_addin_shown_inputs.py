"""The inputs' sync compares the sheets with what the last render wrote (handlers/shown_inputs.py) before it asks
the server for any line: a press on a workbook where nothing was typed reads the bank lines only after its own
change, and a note typed on Unmatched still reaches the server."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook
from test_addin_kit import live, month, new_book, ok, table  # noqa: F401 (fixtures)

from tieout.addin.handlers import shown_inputs
from tieout.addin.sheet_cells import headers
from tieout.addin.xlsx_workbook import XlsxWorkbook

WRITTEN = [("bank", "B1", dt.date(2026, 10, 2), Decimal("12.50"), "fee", 29, "open", "", "", None, ""),
           ("ledger", "G7", dt.date(2026, 10, 3), Decimal("-3"), "check", 28, "investigating", "", "ann",
            dt.date(2026, 11, 5), "call the bank ")]


def _as_read(row: tuple) -> dict:
    """A written row as an adapter reads it back: numbers as floats, dates as datetimes, blanks as None."""
    def back(v):
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, dt.date):
            return dt.datetime(v.year, v.month, v.day)
        return v if v != "" else None
    return {h: back(v) for h, v in zip(headers("Unmatched"), row)}


def test_the_digest_of_a_sheet_read_back_is_the_one_written_until_an_input_changes():
    written = shown_inputs.digest("Unmatched", (dict(zip(headers("Unmatched"), r)) for r in WRITTEN))
    assert shown_inputs.digest("Unmatched", map(_as_read, WRITTEN)) == written
    typed = [_as_read(r) for r in WRITTEN]
    typed[0]["owner"] = "bob"
    assert shown_inputs.digest("Unmatched", typed) != written
    assert shown_inputs.digest("Unmatched", map(_as_read, WRITTEN[:1])) != written  # a row deleted
    assert shown_inputs.digest("Unmatched", map(_as_read, WRITTEN[::-1])) != written  # rows sorted otherwise


def test_a_press_with_nothing_typed_reads_no_line_before_its_change_and_a_typed_note_is_sent(live, month,
                                                                                              tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    assert XlsxWorkbook(path).get_setting(shown_inputs.SETTINGS["Unmatched"])
    client = live.client()
    reads = []
    exchange = client._exchange

    def counting(method, p, *args, **kwargs):
        if method == "GET" and p.endswith(("/bank-lines", "/gl-lines")):
            reads.append((p.rsplit("/", 1)[-1], client.writes))
        return exchange(method, p, *args, **kwargs)

    client._exchange = counting
    from tieout.addin.dispatch import run_handler

    book = XlsxWorkbook(path, echo=lambda text: None)
    outcome = run_handler("auto_match", book, {}, client)
    assert outcome.ok, outcome.error
    book.save()
    # the lines are read once each, after the auto-match job changed them (not before it, for the inputs' sync)
    assert sorted(reads) == [("bank-lines", 1), ("gl-lines", 1)]

    wb = load_workbook(path)
    ws = wb["Unmatched"]
    notes = headers("Unmatched").index("notes") + 1
    line_id = ws.cell(2, headers("Unmatched").index("line_id") + 1).value
    ws.cell(2, notes).value = "asked the bank for the slip"
    wb.save(path)
    ok(live, path, "refresh")
    row = next(r for r in table(path, "Unmatched") if r["line_id"] == line_id)
    assert row["notes"] == "asked the bank for the slip"  # sent, so the render shows it from the server
    assert shown_inputs.unchanged(XlsxWorkbook(path), "Unmatched", table(path, "Unmatched"))
