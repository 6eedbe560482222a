"""Rendering the server's state into the sheets' rows, the stage locks, reading input back and comparing a
locked sheet with the server's data: pure functions on hand-made states, written through the saved-workbook
adapter where the workbook matters (no server needed)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tieout.addin import locking, sheets
from tieout.addin.handlers.context import ActionError, parse_money
from tieout.addin.handlers.state import Line, MatchGroup, State, Txn
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.excel_templates.reconciliation_workbook import SHEET_NAMES

D = Decimal


def line(side, line_id, day, amount, match=None, pending=False, source=""):
    return Line(side, line_id, dt.date(2026, 10, day), D(amount), "USD", "", f"{side} {line_id}", source, "",
                match, "", None, "open", "", pending)


def make_state(status="In Progress", accepted=False) -> State:
    bank = (line("bank", "B1", 3, "100.00", "M000001"), line("bank", "B2", 30, "-5.00"),
            line("bank", "B3", 31, "7.00", pending=True), line("bank", "B4", 10, "995.00", "M000002"))
    ledger = (line("ledger", "G1", 2, "100.00", "M000001"), line("ledger", "G2", 8, "1000.00", "M000002"),
              line("ledger", "G3", 29, "50.00"), line("ledger", "NT-1", 30, "-5.00", source="Tieout"))
    matches = (MatchGroup("M000001", "auto", "exact_amount", D("0.95"), "same amount", ("B1",), ("G1",),
                          "accepted" if accepted else "proposed"),
               MatchGroup("M000002", "manual", "manual", D(1), "wire less fee", ("B4",), ("G2",), "accepted"))
    txns = (Txn(1, dt.date(2026, 10, 30), D("-5.00"), "USD", "6100 Bank charges", "fee", "cash entry", "B2", ""),
            Txn(2, dt.date(2026, 10, 31), D("-1.00"), "USD", "", "draft", "custom", "", ""))
    rec = {"id": 7, "status": status, "period": {"name": "2026-10", "start": "2026-10-01", "end": "2026-10-31"},
           "gl_balance": "1150.00", "comment": "", "submitted_hash": "ab" * 32 if status != "In Progress" else None,
           "prepared_by": "alice", "reviewed_by": None, "approved_by": None, "approved_at": None,
           "last_updated_at": None,
           "figures": {"statement_balance": "1095.00", "adjusted_bank": "1145.00", "adjusted_gl": "1140.00",
                       "difference": "5.00", "match_differences": "-5.00", "bank_lines": 3, "gl_lines": 4,
                       "matched_bank_lines": 2, "matched_gl_lines": 2}}
    account = {"id": 1, "name": "Ops", "currency": "USD", "bank_account": "", "gl_account": "1010"}
    return State(rec, account, bank, ledger, matches, txns, (), (), "1010")


def test_line_status_and_proposed_matches_stay_off_matched():
    state = make_state()
    assert [r[8] for r in sheets.bank_rows(state)] == ["Proposed", "Unmatched", "Pending", "Matched"]
    assert [r[10] for r in sheets.gl_rows(state)] == ["", "", "", "reconciliation"]
    rows = sheets.unmatched_rows(state)
    assert [(r[0], r[1], r[5], r[7]) for r in rows] == [
        ("bank", "B1", 28, "proposed M000001: G1"), ("bank", "B2", 1, ""),
        ("ledger", "G1", 29, "proposed M000001: B1"), ("ledger", "G3", 2, ""), ("ledger", "NT-1", 1, "")]
    matched = sheets.matched_rows(state)
    assert [(r[0], r[1], r[2], r[8], r[9]) for r in matched] == [("M000002", "bank", "B4", D("-5.00"), 2),
                                                                 ("M000002", "ledger", "G2", D("-5.00"), 2)]
    accepted = make_state(accepted=True)
    assert {r[0] for r in sheets.matched_rows(accepted)} == {"M000001", "M000002"}
    assert [r[1] for r in sheets.unmatched_rows(accepted)] == ["B2", "G3", "NT-1"]
    assert [r[8] for r in sheets.txn_rows(state)] == ["Posted", "To post"]  # NT-1 is transaction 1's GL line


def test_suggested_candidates_reach_unmatched_with_their_reason_and_are_never_proposed():
    from dataclasses import replace

    state = replace(make_state(), suggestions=(
        {"key": "S1-1", "bank": ["B2"], "ledger": ["G3"], "rule": "r", "reason": "one of 2 equally plausible"},
        {"key": "S1-2", "bank": ["B2"], "ledger": ["NT-1"], "rule": "r", "reason": "less plausible"},
        {"key": "S2-1", "bank": ["B1"], "ledger": ["G3"], "rule": "r", "reason": "B1 is matched since"}))
    cand = {r[1]: r[7] for r in sheets.unmatched_rows(state)}
    # S1-1 would leave a difference (bank -5.00, GL 50.00): marked Unbalanced; S1-2 balances
    assert cand["B2"] == ("suggested S1-1: G3 (one of 2 equally plausible) [Unbalanced: bank - GL = -55.00]; "
                          "suggested S1-2: NT-1 (less plausible)")
    assert cand["G3"] == "suggested S1-1: B2 (one of 2 equally plausible) [Unbalanced: bank - GL = -55.00]"
    # S2-1 names a matched line: gone
    assert cand["B1"] == "proposed M000001: G1"
    assert state.proposed_keys == make_state().proposed_keys  # Accept Matches takes proposed keys only


def test_summary_splits_open_items_by_sign():
    rows = {r[0]: r[1] for r in sheets.summary_rows(make_state())}
    assert rows["Add: deposits in transit"] == D("50.00")  # G3 (G1 is in an auto-match: matched on the server)
    assert rows["Less: outstanding payments"] == D("-5.00")  # NT-1
    assert rows["Less: bank debits not in GL"] == D("-5.00") and rows["Add: bank credits not in GL"] == 0  # B3 pending
    assert rows["GL balance"] == D("1150.00") and rows["Difference"] == D("5.00")
    cells = sheets.summary_cells(make_state())
    assert cells["B5"] == "In Progress" and cells["B7"] == "57.1%"  # 4 of 7 lines matched


def render(tmp_path, state) -> XlsxWorkbook:
    path = tmp_path / "w.xlsx"
    if not path.exists():
        from tieout.addin.dispatch import new_workbook

        new_workbook(path)
    book = XlsxWorkbook(path, echo=lambda t: None)
    sheets.render(book, state)
    book.save()
    return XlsxWorkbook(path, echo=lambda t: None)


def test_text_from_the_bank_or_the_user_is_never_a_formula(tmp_path):
    from dataclasses import replace

    state = make_state()
    state = replace(state, account={**state.account, "name": "=1+2"},
                    bank=(replace(state.bank[0], description="=HYPERLINK(\"x\")"), *state.bank[1:]))
    render(tmp_path, state)
    wb = load_workbook(tmp_path / "w.xlsx")
    assert wb["Summary"]["B2"].data_type == "s" and wb["Summary"]["B2"].value.startswith("=1+2")
    assert wb["Bank Statement"]["F2"].data_type == "s" and wb["Bank Statement"]["F2"].value == '=HYPERLINK("x")'


def test_locks_follow_the_stage(tmp_path):
    render(tmp_path, make_state("In Progress"))
    wb = load_workbook(tmp_path / "w.xlsx")
    assert wb.sheetnames == list(SHEET_NAMES)
    assert {s for s in SHEET_NAMES if wb[s].protection.sheet} == {"Summary", "Matched", "Unmatched",
                                                                  "New Transactions", "Audit", "Review"}
    nt = wb["New Transactions"]
    assert nt["D3"].protection.locked is False and nt["E3"].protection.locked is False  # to post
    assert nt["D2"].protection.locked is True  # posted
    assert nt["D4"].protection.locked is True  # below the table

    render(tmp_path, make_state("In Review"))
    wb = load_workbook(tmp_path / "w.xlsx")
    assert all(wb[s].protection.sheet for s in SHEET_NAMES) and wb.security.lockStructure
    assert wb["New Transactions"]["D3"].protection.locked is True  # locked again after being open
    assert wb["Unmatched"]["K2"].protection.locked is False and wb["Summary"]["B10"].protection.locked is False

    render(tmp_path, make_state("Approved"))
    wb = load_workbook(tmp_path / "w.xlsx")
    assert wb["Unmatched"]["K2"].protection.locked is True and wb["Summary"]["B10"].protection.locked is True


def test_disagreements_name_the_row_and_field(tmp_path):
    state = make_state("In Review")
    book = render(tmp_path, state)
    assert sheets.disagreements(book, state) == []
    wb = load_workbook(tmp_path / "w.xlsx")
    wb["Bank Statement"]["C3"] = -50  # B2's amount
    wb["GL Lines"]["F2"] = "changed"
    wb["New Transactions"]["J3"] = 99
    wb.save(tmp_path / "w.xlsx")
    found = sheets.disagreements(XlsxWorkbook(tmp_path / "w.xlsx"), state)
    assert "Bank Statement: B2: amount -50 on the sheet (cell C3), -5.00 on the server" in found
    assert "GL Lines: G1: description changed on the sheet (cell F2), ledger G1 on the server" in found
    assert "New Transactions: 2 is on the server but not on the sheet" in found
    assert "New Transactions: 99 is on the sheet but not on the server" in found
    assert len(found) == 4


def test_input_read_back_checks_every_cell(tmp_path):
    render(tmp_path, make_state())
    wb = load_workbook(tmp_path / "w.xlsx")
    wb["Unmatched"]["J3"] = "next week"
    wb["New Transactions"]["D2"] = 6100.0  # Excel hands numbers over as floats
    wb["New Transactions"]["F3"] = "gift"
    wb.save(tmp_path / "w.xlsx")
    book = XlsxWorkbook(tmp_path / "w.xlsx")
    with pytest.raises(ActionError, match=r"Unmatched row 3, field 'due_date': 'next week' is not a date"):
        sheets.read_unmatched_inputs(book)
    with pytest.raises(ActionError, match=r"New Transactions row 3, field 'kind': 'gift' is not one of"):
        sheets.read_txn_inputs(book)
    wb["New Transactions"]["F3"] = "liability"
    wb.save(tmp_path / "w.xlsx")
    rows = sheets.read_txn_inputs(XlsxWorkbook(tmp_path / "w.xlsx"))
    assert [(r.row, r.txn_id, r.gl_account, r.amount, r.kind) for r in rows] == [
        (2, 1, "6100", D("-5"), "cash entry"), (3, 2, "", D("-1"), "liability")]
    assert sheets.txn_changes(make_state().txns[0], rows[0]) == {"gl_account": "6100"}


@given(st.sets(st.integers(min_value=0, max_value=300), max_size=60))
def test_unlocked_ranges_cover_exactly_the_editable_rows(rows):
    layout = locking.TableLayout(1, sheets.headers("New Transactions"), 301, tuple(sorted(rows)))
    ranges = locking.unlocked_ranges(locking.PREPARING["New Transactions"], layout, {})
    covered: dict[str, set[int]] = {}
    for ref in ranges:
        a, b = ref.split(":")
        assert a[0] == b[0]
        covered.setdefault(a[0], set()).update(range(int(a[1:]), int(b[1:]) + 1))
    expected = {r + 2 for r in rows}
    assert set(covered) == ({"A", "B", "D", "E", "F"} if rows else set())
    assert all(v == expected for v in covered.values())


@given(st.decimals(min_value=D("-999999999999.99"), max_value=D("999999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_amounts_typed_in_excel_come_back_exact(amount):
    assert parse_money(float(amount), "amount") == amount
    assert parse_money(str(amount), "amount") == amount


def test_the_live_excel_edge_writes_text_as_text():
    """The xlwings adapter's value conversion (the part of it that runs without Excel)."""
    from tieout.addin.excel_workbook import _cell

    assert [_cell(v) for v in ("=1+2", "-PAYMENT", "00123", "1/2", "plain")] == [
        "'=1+2", "'-PAYMENT", "'00123", "'1/2", "'plain"]
    assert _cell("") == "" and _cell(None) is None and _cell(D("-12.50")) == -12.5


def test_a_long_audit_detail_is_cut_to_its_limit_and_keeps_its_first_ids():
    ids = [f"B{i}" for i in range(20_000)]
    event = {"at": "2026-11-02T10:00:00", "actor": "alice", "action": "accept", "entity": "reconciliation",
             "entity_id": 7, "after": {"status": "accepted", "bank_lines": ids, "note": "", "totals": {"n": 20_000}}}
    short = {**event, "after": {"status": "accepted", "bank_lines": ids[:2], "totals": {"n": 2}}}
    (_, _, _, long_detail), (_, _, _, short_detail) = sheets.audit_rows(
        dataclasses.replace(make_state(), audit=(event, short)))
    whole = "reconciliation 7: status: accepted; bank_lines: " + ", ".join(ids) + "; totals: n 20000"
    assert long_detail == whole[:sheets.AUDIT_DETAIL_CHARS - 4] + " ..."
    assert short_detail == "reconciliation 7: status: accepted; bank_lines: B0, B1; totals: n 2"
