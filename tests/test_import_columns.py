"""The import presses' column paths (issue 17) give what the row-by-row paths gave: lines stored from columns
(store/bulk_insert.py) equal to SQLAlchemy's own insert, with the data versions bumped, on SQLite and PostgreSQL;
a GL lines batch checked by column (services/gl_line_columns.py) stored as the per-line checks store it, and a
batch with one bad value refused with the per-line message; a GL template converted by column
(templates/gl_columns.py) read as cell by cell, and one odd cell still read or refused as before; a GL template's
lines crossing the sandbox as columns (sandbox/transport.py) and coming back equal."""
from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from tieout.excel_templates import gl_layout
from tieout.server.errors import TemplateError
from tieout.server.records import GLBalance, LedgerLine
from tieout.server.sandbox import transport
from tieout.server.services import gl_line_columns
from tieout.server.store import versions
from tieout.server.store.bulk_insert import insert_columns
from tieout.server.store.models import BankLineRow, GLLineRow
from tieout.server.templates import gl_import
from tieout.server.templates.gl_import import GLTemplateData, fill_gl_template, read_gl_template

from test_server_kit import app, db_url, home, owner_api, pg_cluster, setup_account, team  # noqa: F401


def _lines(n: int) -> list[dict]:
    return [{"line_id": f"G{i}", "date": f"2026-10-{1 + i % 28:02d}", "amount": f"{(-1) ** i * (i * 37 + 1)}.{i % 100:02d}",
             "currency": "USD", "reference": f"R{i}", "description": f"  payment {i}  ", "source": "AP" if i % 2 else "",
             "counterparty": None if i % 3 else f"Party {i}"} for i in range(n)]


@pytest.fixture
def rec(app):  # noqa: F811 (the kit's fixture)
    owner = owner_api(app)
    alice = team(owner, "alice", "bob", "carol")["alice"]
    acc = setup_account(owner)
    return alice, alice.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-10"})["id"], app


def _stored(app, model) -> list[tuple]:
    with app.extensions["tieout"].store.read() as session:
        rows = session.execute(select(model.__table__)).all()
    return sorted(tuple(r[1:]) for r in rows)  # without the database's id


def test_lines_from_columns_are_stored_as_sqlalchemy_stores_them_and_bump_the_versions(rec):
    _alice, rid, app = rec
    store = app.extensions["tieout"].store
    made = [{"reconciliation_id": rid, "line_id": f"L{i}", "date": dt.date(2026, 10, 1 + i), "amount": Decimal(a),
             "currency": "USD", "reference": "r", "description": "d\u00e9bit", "type": "fee", "check_number": "",
             "value_date": dt.date(2026, 10, 2) if i == 1 else None, "pending": i == 2}
            for i, a in enumerate(("12.50", "-0.0001", "1E+3", "-1234567890.1234"))]
    with store.write() as session:
        session.execute(insert(BankLineRow), made)
    expected = _stored(app, BankLineRow)
    with store.write() as session:
        session.execute(BankLineRow.__table__.delete())
    with store.read() as session:
        before = versions.read(session, rid)
    columns = {key: [row[key] for row in made] for key in made[0] if key not in ("type", "check_number")}
    with store.write() as session:
        assert insert_columns(session, BankLineRow.__table__, columns) == 4
    with store.read() as session:  # the model's defaults fill the columns not given
        assert set(session.execute(select(BankLineRow.type, BankLineRow.check_number, BankLineRow.item_status))) \
            == {("other", "", "open")}
    with store.write() as session:
        session.execute(BankLineRow.__table__.delete())
        insert_columns(session, BankLineRow.__table__, {key: [row[key] for row in made] for key in made[0]})
    assert _stored(app, BankLineRow) == expected
    with store.read() as session:
        after = versions.read(session, rid)
    assert after.bank > before.bank and after.data > before.data and after.ledger == before.ledger


def test_columns_of_other_lengths_or_names_are_refused(rec):
    _alice, rid, app = rec
    with app.extensions["tieout"].store.write() as session:
        with pytest.raises(ValueError, match="different lengths"):
            insert_columns(session, GLLineRow.__table__, {"reconciliation_id": [rid], "line_id": ["a", "b"]})
        with pytest.raises(ValueError, match="no column colour"):
            insert_columns(session, GLLineRow.__table__, {"reconciliation_id": [rid], "colour": ["red"]})


def test_a_gl_batch_checked_by_column_is_stored_as_checked_line_by_line(rec, monkeypatch):
    alice, rid, app = rec
    lines = _lines(60)
    answer = alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": lines})
    by_columns = _stored(app, GLLineRow)
    listing = alice.ok("GET", f"/api/reconciliations/{rid}/gl-lines")
    assert len(by_columns) == 60 and by_columns[0][3] == Decimal("1.00") and by_columns[0][6] == "payment 0"
    for line_id in [ln["line_id"] for ln in lines]:
        alice.ok("DELETE", f"/api/reconciliations/{rid}/gl-lines/{line_id}")
    monkeypatch.setattr(gl_line_columns, "columns", lambda *args: None)  # the per-line path alone
    assert alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": lines}) == answer
    assert _stored(app, GLLineRow) == by_columns
    assert alice.ok("GET", f"/api/reconciliations/{rid}/gl-lines") == listing


@pytest.mark.parametrize("bad, message", [
    ({"amount": True}, "line 3, field 'amount': send money as a decimal string or exact number, not True"),
    ({"date": "2026-13-01"}, "line 3, field 'date': not an ISO date (yyyy-mm-dd): '2026-13-01'"),
    ({"currency": "EUR"}, "line 3, field 'currency': EUR differs from the account's currency USD"),
    ({"line_id": "G0"}, "line 3, field 'line_id': 'G0' already exists in this reconciliation"),
    ({"source": "x" * 500}, "line 3, field 'source': longer than 120 characters"),
    ({"amount": "1.00001"}, "line 3, field 'amount': '1.00001' is not an amount the ledger can hold"),
])
def test_a_gl_batch_with_one_bad_value_is_refused_naming_line_and_field(rec, bad, message):
    alice, rid, app = rec
    lines = _lines(5)
    lines[2].update(bad)
    status, data = alice.post(f"/api/reconciliations/{rid}/gl-lines", {"lines": lines})
    assert status == 400 and message in data["error"]["message"]
    assert data["error"]["message"].startswith("1 bad GL line(s), nothing was added")
    assert _stored(app, GLLineRow) == []


def _template(tmp_path, lines, name="gl.xlsx"):
    return fill_gl_template(None, tmp_path / name, GLBalance("1010", dt.date(2026, 10, 31), Decimal("100.00"), "USD"),
                            lines)


def _gl(i: int) -> LedgerLine:
    return LedgerLine(f"X{i}", dt.date(2026, 10, 1 + i % 30), Decimal(f"{(-1) ** i * (i * 13 + 1)}.{i % 100:02d}"),
                      "USD", f"R{i}", f"line {i}", "AR" if i % 2 else "", "" if i % 3 else f"Party {i}")


def test_a_plain_template_reads_by_column_as_cell_by_cell(tmp_path, monkeypatch):
    path = _template(tmp_path, [_gl(i) for i in range(40)])
    by_columns = read_gl_template(path)
    assert len(by_columns.lines) == 40 and by_columns.lines[1].amount == Decimal("-14.01")
    monkeypatch.setattr(gl_import, "plain_lines", lambda *args: None)
    assert read_gl_template(path) == by_columns


def _edit(path, cell: str, value):
    book = load_workbook(path)
    book[gl_layout.LAYOUT.lines_sheet][cell] = value
    book.save(path)


@pytest.mark.parametrize("cell, value", [("D3", "12.50 CR"), ("A4", "2026-10-05"), ("D5", 7), ("H2", 42)])
def test_a_template_with_an_odd_cell_reads_as_before(tmp_path, monkeypatch, cell, value):
    path = _template(tmp_path, [_gl(i) for i in range(6)])
    _edit(path, cell, value)
    got = read_gl_template(path)
    monkeypatch.setattr(gl_import, "plain_lines", lambda *args: None)
    assert read_gl_template(path) == got


@pytest.mark.parametrize("cell, value, problem", [("D3", 0, "amount is zero"), ("D4", 1.005, "decimal places"),
                                                  ("A5", "2026-02-30", "not a date")])
def test_a_template_with_a_bad_cell_is_refused_naming_row_and_column(tmp_path, cell, value, problem):
    path = _template(tmp_path, [_gl(i) for i in range(6)])
    _edit(path, cell, value)
    with pytest.raises(TemplateError) as caught:
        read_gl_template(path)
    said = str(caught.value)
    assert problem in said and f"cell 'GL Lines'!{cell}" in said and f"line {cell[1:]}" in said


def test_a_gl_templates_lines_cross_the_sandbox_as_columns_and_come_back_equal():
    lines = tuple(_gl(i) for i in range(5)) + (LedgerLine("odd", dt.datetime(2026, 10, 3, 9), 5, "USD"),)
    data = GLTemplateData(GLBalance("1010", dt.date(2026, 10, 31), Decimal("1.00"), "USD"), lines, "Ops", ("w",))
    sent = pickle.loads(pickle.dumps(transport.pack(data)))
    assert not isinstance(sent.lines, tuple)  # it did travel as columns
    back = transport.unpack(sent)
    assert back == data and [repr(ln.amount) for ln in back.lines] == [repr(ln.amount) for ln in lines]
    assert back.lines[-1].date.__class__ is dt.datetime
    empty = GLTemplateData(data.balance, ())
    assert transport.unpack(pickle.loads(pickle.dumps(transport.pack(empty)))) == empty
