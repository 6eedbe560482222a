"""Reconciliations: one per account and period. Creating, reading, the guard every change passes through
(prior period approved, role, status lock), and carrying forward the last reconciled balance and the
outstanding items when work starts."""
from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import select

from ..controls import workflow
from ..store.models import (Account, BankLineRow, GLLineRow, ManualItem, Period, Reconciliation, User)
from ..controls.workflow import Refusal
from . import values
from .accounts import get_account, roles_on
from .context import Change, bad_input, not_found, now


def _period_bounds(name: str) -> tuple[dt.date, dt.date]:
    try:
        year, month = (int(x) for x in name.split("-"))
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise bad_input(f"field 'period': {name!r} is not yyyy-mm (or give period_start and period_end)") from None


def get_period(ch: Change, data: dict) -> Period:
    name = values.text(data, "period", required=True, max_len=40)
    period = ch.session.scalar(select(Period).where(Period.name == name))
    start = values.date(data, "period_start", required=False)
    end = values.date(data, "period_end", required=False)
    if period is not None:
        if (start and start != period.start) or (end and end != period.end):
            raise bad_input(f"period {name} already exists as {period.start} .. {period.end}")
        return period
    if start is None or end is None:
        start, end = _period_bounds(name)
    if end < start:
        raise bad_input("field 'period_end': before period_start")
    period = Period(name=name, start=start, end=end)
    ch.session.add(period)
    ch.session.flush()
    ch.audit("period.create", "period", period.id, None, {"name": name, "start": start, "end": end})
    return period


def create(ch: Change, data: dict) -> int:
    if not isinstance(data.get("account_id"), int):
        raise bad_input("field 'account_id': is required (a number)")
    acc = get_account(ch.session, data["account_id"])
    if "preparer" not in roles_on(ch.session, acc.id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} is not a preparer of account {acc.name}", 403)
    period = get_period(ch, data)
    if ch.session.scalar(select(Reconciliation).where(Reconciliation.account_id == acc.id,
                                                      Reconciliation.period_id == period.id)):
        raise Refusal("exists", f"account {acc.name} already has a reconciliation for {period.name}")
    _refuse_a_second_open(ch, acc, period)
    rec = Reconciliation(account_id=acc.id, period_id=period.id, status=workflow.NOT_STARTED)
    ch.session.add(rec)
    ch.session.flush()
    ch.audit("reconciliation.create", "reconciliation", rec.id, None,
             {"account": acc.name, "period": period.name, "status": rec.status}, rec.id)
    return rec.id


def _refuse_a_second_open(ch: Change, acc: Account, period: Period) -> None:
    """One open reconciliation per account at a time: the next period starts once the last one is Approved
    (what it carries forward is then final), so two months cannot be worked, or imported into, side by side."""
    ch.session.execute(select(Account.id).where(Account.id == acc.id).with_for_update())  # two creates at once
    open_ = ch.session.execute(select(Reconciliation.id, Reconciliation.status, Period.name)
                               .join(Period, Period.id == Reconciliation.period_id)
                               .where(Reconciliation.account_id == acc.id,
                                      Reconciliation.status != workflow.APPROVED)
                               .order_by(Period.start).limit(1)).first()
    if open_ is not None:
        rid, status, name = open_
        raise Refusal("open_reconciliation", f"account {acc.name} already has an open reconciliation ({name}, "
                                             f"#{rid}, {status}): only one at a time; it must be Approved before "
                                             f"{period.name} starts")


def get(session, rec_id: int, lock: bool = False) -> Reconciliation:
    stmt = select(Reconciliation).where(Reconciliation.id == rec_id)
    if lock:
        stmt = stmt.with_for_update()
    rec = session.scalar(stmt)
    if rec is None:
        raise not_found(f"reconciliation {rec_id}")
    return rec


def prior(session, rec: Reconciliation) -> Reconciliation | None:
    """The same account's reconciliation of the period just before this one."""
    start = session.get(Period, rec.period_id).start
    return session.scalar(select(Reconciliation).join(Period, Period.id == Reconciliation.period_id)
                          .where(Reconciliation.account_id == rec.account_id, Period.end < start)
                          .order_by(Period.end.desc()).limit(1))


def check_prior_approved(session, rec: Reconciliation) -> None:
    before = prior(session, rec)
    if before is not None and before.status != workflow.APPROVED:
        name = session.get(Period, before.period_id).name
        raise Refusal("prior_period_open", f"the prior period's reconciliation ({name}, #{before.id}) of this "
                                           f"account is {before.status}, not Approved: approve it first")


def _name(session, user_id: int | None) -> str | None:
    return session.get(User, user_id).name if user_id else None


def state(session, rec: Reconciliation) -> workflow.RecState:
    acc = session.get(Account, rec.account_id)
    return workflow.RecState(rec.status, acc.kind, _name(session, rec.prepared_by), _name(session, rec.reviewed_by),
                             _name(session, rec.approved_by), acc.segregation)


def for_change(ch: Change, rec_id: int, what: str) -> Reconciliation:
    """The reconciliation, locked, after every check a data change needs; starts it when Not Started."""
    rec = get(ch.session, rec_id, lock=True)
    check_prior_approved(ch.session, rec)
    if "preparer" not in roles_on(ch.session, rec.account_id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} is not a preparer of this account", 403)
    workflow.check_change(state(ch.session, rec), what)
    if rec.status == workflow.NOT_STARTED:
        start(ch, rec)
    rec.updated_at = now()
    return rec


def start(ch: Change, rec: Reconciliation) -> None:
    """Not Started -> In Progress, carrying forward the prior period's reconciled balance and open items."""
    before = prior(ch.session, rec)
    carried = {"bank_lines": 0, "gl_lines": 0, "manual_items": 0}
    if before is not None:
        rec.opening_balance = before.reconciled_balance
        prefix = ch.session.get(Period, before.period_id).name + ":"
        for row in ch.session.scalars(select(BankLineRow).where(BankLineRow.reconciliation_id == before.id,
                                                                BankLineRow.match_id.is_(None))):
            ch.session.add(BankLineRow(
                reconciliation_id=rec.id, line_id=row.line_id if row.carried_from else prefix + row.line_id,
                date=row.date, amount=row.amount, currency=row.currency, reference=row.reference,
                description=row.description, type=row.type, check_number=row.check_number,
                value_date=row.value_date, pending=row.pending, carried_from=row.id, owner=row.owner,
                due_date=row.due_date, item_status=row.item_status, notes=row.notes))
            carried["bank_lines"] += 1
        for row in ch.session.scalars(select(GLLineRow).where(GLLineRow.reconciliation_id == before.id,
                                                              GLLineRow.match_id.is_(None))):
            ch.session.add(GLLineRow(
                reconciliation_id=rec.id, line_id=row.line_id if row.carried_from else prefix + row.line_id,
                date=row.date, amount=row.amount, currency=row.currency, reference=row.reference,
                description=row.description, source=row.source, counterparty=row.counterparty,
                carried_from=row.id, owner=row.owner, due_date=row.due_date, item_status=row.item_status,
                notes=row.notes))
            carried["gl_lines"] += 1
        for item in ch.session.scalars(select(ManualItem).where(ManualItem.reconciliation_id == before.id,
                                                                ManualItem.item_status != "resolved")):
            ch.session.add(ManualItem(reconciliation_id=rec.id, date=item.date, amount=item.amount,
                                      description=item.description, owner=item.owner, due_date=item.due_date,
                                      item_status=item.item_status, notes=item.notes, carried_from=item.id))
            carried["manual_items"] += 1
    rec.status = workflow.IN_PROGRESS
    rec.prepared_by = ch.actor.id
    ch.session.flush()
    ch.audit("workflow.start", "reconciliation", rec.id, {"status": workflow.NOT_STARTED},
             {"status": rec.status, "opening_balance": rec.opening_balance, "carried_forward": carried}, rec.id)
