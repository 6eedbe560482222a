"""The workspace of one period as the API answers it: a row per account the user may see (its
reconciliation's state, or "Not Started" when there is none), and the exceptions across all of them."""
from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import func, select

from ..controls import workflow
from ..services import summary
from ..services.context import bad_input, now as utcnow, utc_iso
from ..services.matches import proposed_keys
from ..store.models import (Account, Job, Period, Reconciliation, Role, Schedule, StatementFinding, User)
from ..store.types import money_str
from .exceptions import exceptions, of_account
from .freshness import freshness
from .ledger_exceptions import ledger_rows
from .open_items import aged, open_items
from .review_exceptions import review_rows


def resolve_period(session, name: str | None, visible: set[int] | None) -> tuple[str, dt.date, dt.date]:
    """The period asked for (a stored one, or yyyy-mm), else the latest period the user's accounts have a
    reconciliation for, else last month."""
    if name:
        stored = session.scalar(select(Period).where(Period.name == name))
        if stored is not None:
            return stored.name, stored.start, stored.end
        try:
            year, month = (int(x) for x in name.split("-"))
            return name, dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:
            raise bad_input(f"query parameter 'period': {name[:40]!r} is not yyyy-mm") from None
    stmt = select(Period).join(Reconciliation, Reconciliation.period_id == Period.id)
    if visible is not None:
        stmt = stmt.where(Reconciliation.account_id.in_(visible))
    latest = session.scalar(stmt.order_by(Period.end.desc()).limit(1))
    if latest is not None:
        return latest.name, latest.start, latest.end
    first = utcnow().date().replace(day=1) - dt.timedelta(days=1)
    return resolve_period(session, f"{first.year}-{first.month:02d}", visible)


def _role_holders(session, account_id: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in workflow.ROLES}
    for name, role in session.execute(select(User.name, Role.role).join(User, User.id == Role.user_id)
                                      .where(Role.account_id == account_id).order_by(User.name)):
        out.setdefault(role, []).append(name)
    return out


def _person(session, user_id: int | None, holders: list[str]) -> str:
    """Who did it; before anyone did, who may (the role's holders)."""
    if user_id:
        return session.get(User, user_id).name
    return ", ".join(holders)


def _last_update(session, rec: Reconciliation) -> dt.datetime:
    finished = session.scalar(select(func.max(Job.finished_at)).where(Job.reconciliation_id == rec.id))
    return max(t for t in (rec.updated_at, finished) if t is not None)


def account_row(session, acc: Account, rec: Reconciliation | None, end: dt.date, now: dt.datetime) -> dict:
    holders = _role_holders(session, acc.id)
    sched = session.scalar(select(Schedule).where(Schedule.account_id == acc.id))
    next_run = sched.next_run_at if sched is not None and sched.enabled else None
    row = {"account_id": acc.id, "account": acc.name, "legal_entity": acc.legal_entity or "",
           "account_type": acc.account_type or "other", "kind": acc.kind, "currency": acc.currency,
           "reconciliation_id": None, "status": workflow.NOT_STARTED,
           "colour": workflow.COLOURS[workflow.NOT_STARTED], "preparer": ", ".join(holders["preparer"]),
           "reviewer": ", ".join(holders["reviewer"]), "approver": ", ".join(holders["approver"]),
           "difference": None, "lines": 0, "matched_lines": 0, "open_items": 0, "open_amount": money_str(None),
           "aging": {}, "escalations": 0, "unowned": 0, "overdue": 0, "findings": 0, "findings_open": 0,
           "proposed_matches": 0, "last_updated_at": None, "next_run_at": utc_iso(next_run),
           "freshness": freshness(None, next_run, now)}
    if rec is None:
        return row
    figs = summary.figures(session, rec, acc.kind)
    items = aged(open_items(session, rec), end, now.date())
    findings = list(session.execute(select(StatementFinding.acknowledged_by)
                                    .where(StatementFinding.reconciliation_id == rec.id)))
    last = _last_update(session, rec)
    row.update({
        "reconciliation_id": rec.id, "status": rec.status, "colour": workflow.COLOURS[rec.status],
        "preparer": _person(session, rec.prepared_by, holders["preparer"]),
        "reviewer": _person(session, rec.reviewed_by, holders["reviewer"]),
        "approver": _person(session, rec.approved_by, holders["approver"]),
        "difference": figs["difference"], "lines": figs["bank_lines"] + figs["gl_lines"],
        "matched_lines": figs["matched_bank_lines"] + figs["matched_gl_lines"],
        "open_items": items.count, "open_amount": money_str(items.amount), "aging": items.buckets,
        "escalations": items.escalations, "unowned": items.unowned, "overdue": items.overdue,
        "findings": len(findings), "findings_open": sum(1 for (by,) in findings if by is None),
        "proposed_matches": len(proposed_keys(session, rec.id)), "last_updated_at": utc_iso(last),
        "freshness": freshness(last, next_run, now)})
    return row


def workspace(session, visible: set[int] | None, period: str | None = None) -> dict:
    name, start, end = resolve_period(session, period, visible)
    now = utcnow()
    stmt = select(Account).order_by(Account.legal_entity, Account.name)
    if visible is not None:
        stmt = stmt.where(Account.id.in_(visible))
    stored = session.scalar(select(Period).where(Period.name == name))
    recs = {} if stored is None else {r.account_id: r for r in session.scalars(
        select(Reconciliation).where(Reconciliation.period_id == stored.id))}
    rows, review = [], []
    for acc in session.scalars(stmt):
        rows.append(account_row(session, acc, recs.get(acc.id), end, now))
        found = [] if acc.id not in recs else review_rows(session, recs[acc.id])
        rows[-1]["review_checks_open"] = len(found)
        review += [of_account(rows[-1], r["severity"], r["code"], r["issue"], r["action"]) for r in found]
    review += ledger_rows(session, visible, name, end)
    return {"period": {"name": name, "start": start.isoformat(), "end": end.isoformat()},
            "generated_at": utc_iso(now), "accounts": rows, "exceptions": exceptions(rows, review)}


def history(session, account_id: int, last: int = 6) -> list[dict]:
    """The account's last `last` reconciliations, oldest first: period, status, open items and difference
    (the report's chart of open items over the periods)."""
    recs = list(session.execute(select(Reconciliation, Period).join(Period, Period.id == Reconciliation.period_id)
                                .where(Reconciliation.account_id == account_id)
                                .order_by(Period.end.desc()).limit(last)))
    kind = session.get(Account, account_id).kind
    out = []
    for rec, period in reversed(recs):
        items = aged(open_items(session, rec), period.end, utcnow().date())
        out.append({"period": period.name, "reconciliation_id": rec.id, "status": rec.status,
                    "open_items": items.count, "open_amount": money_str(items.amount),
                    "escalations": items.escalations,
                    "difference": summary.figures(session, rec, kind)["difference"]})
    return out
