"""GET .../bank-lines, .../gl-lines and .../unmatched: a reconciliation's lines as JSON-ready rows built
straight from the cursor's tuples. Every button's redraw asks for them, 20,000 lines each at a full month.

The same values as `lines.bank_dict` / `lines.gl_dict` give for a stored row, cheaper: the query runs on the
session's connection (Core rows, not the ORM's row loading), amounts come as their stored integer units and are
written by `units_str` (no Decimal per line), dates as stored (SQLite's ISO text; PostgreSQL's driver gives a
date, written with isoformat)."""
from __future__ import annotations

from sqlalchemy import BigInteger, String, select, type_coerce

from ..store.models import BankLineRow, GLLineRow, Match
from ..store.types import units_str


def _iso(value) -> str | None:
    if value is None or value.__class__ is str:
        return value
    return value.isoformat()


def _columns(model, extra: tuple) -> tuple:
    """line_id, date, amount (units), currency, reference, description, the side's own columns, then
    carried_from, match_id and the annotations."""
    return (model.line_id, type_coerce(model.date, String), type_coerce(model.amount, BigInteger), model.currency,
            model.reference, model.description, *extra, model.carried_from, model.match_id, model.owner,
            type_coerce(model.due_date, String), model.item_status, model.notes)


def _query(session, model, extra: tuple, rec_id: int, only_unmatched: bool):
    stmt = select(*_columns(model, extra)).where(model.reconciliation_id == rec_id).order_by(model.id)
    if only_unmatched:
        stmt = stmt.where(model.match_id.is_(None))
    return session.connection().execute(stmt)


def match_keys(session, rec_id: int) -> dict:
    """{match row id: key} of the reconciliation's active matches (a line shows its match by key)."""
    return dict(session.connection().execute(select(Match.id, Match.key).where(
        Match.reconciliation_id == rec_id, Match.undone_at.is_(None))).all())


def bank_rows(session, rec_id: int, only_unmatched: bool = False) -> list[dict]:
    keys = match_keys(session, rec_id)
    extra = (BankLineRow.type, BankLineRow.check_number, BankLineRow.pending)
    return [{"line_id": line_id, "date": _iso(date), "amount": units_str(amount), "currency": currency,
             "reference": reference, "description": description, "type": kind, "check_number": check,
             "pending": pending, "carried_forward": carried is not None, "match": keys.get(match, match),
             "owner": owner, "due_date": _iso(due), "status": status, "notes": notes}
            for (line_id, date, amount, currency, reference, description, kind, check, pending, carried, match,
                 owner, due, status, notes) in _query(session, BankLineRow, extra, rec_id, only_unmatched)]


def gl_rows(session, rec_id: int, only_unmatched: bool = False) -> list[dict]:
    keys = match_keys(session, rec_id)
    extra = (GLLineRow.source, GLLineRow.counterparty)
    return [{"line_id": line_id, "date": _iso(date), "amount": units_str(amount), "currency": currency,
             "reference": reference, "description": description, "source": source, "counterparty": party,
             "carried_forward": carried is not None, "match": keys.get(match, match), "owner": owner,
             "due_date": _iso(due), "status": status, "notes": notes}
            for (line_id, date, amount, currency, reference, description, source, party, carried, match,
                 owner, due, status, notes) in _query(session, GLLineRow, extra, rec_id, only_unmatched)]
