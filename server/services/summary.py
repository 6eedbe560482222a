"""What a client sees of a reconciliation: status, balances, the difference, counts, freshness.

The difference follows server/reconciliation.py (one formula for the workbook, the CLI and the server),
computed here with SQL sums so that a summary of 100,000 lines costs milliseconds:
    adjusted bank = statement balance + unmatched GL lines
    adjusted GL   = GL balance + unmatched bank lines + differences inside match groups
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, func, select, type_coerce

from ..controls import workflow
from ..store.models import (Account, AuditRow, BankLineRow, GLLineRow, Job, ManualItem, Match, Period,
                            Reconciliation, Schedule, StatementRow, User)
from ..store.types import SCALE, money_str
from .context import utc_iso

ZERO = Decimal(0)


def _sum(session, column, *where) -> tuple[Decimal, int]:
    # Money columns hold integer units: the database sums integers (exact on every backend), scaled once.
    total, count = session.execute(select(func.coalesce(func.sum(type_coerce(column, BigInteger)), 0),
                                          func.count()).where(*where)).one()
    return Decimal(int(total)).scaleb(-SCALE), count


def _last_closing(session, rec: Reconciliation) -> StatementRow | None:
    return session.scalar(select(StatementRow).where(StatementRow.reconciliation_id == rec.id,
                                                     StatementRow.closing_balance.is_not(None))
                          .order_by(StatementRow.period_end.desc(), StatementRow.id.desc()).limit(1))


def statement_balance_origin(session, rec: Reconciliation) -> dict:
    """Where the statement balance comes from: the last statement's closing balance as the file states it
    ("file") or as a user entered it ("entered", by whom and when), or, with no closing balance known, the
    opening balance plus the booked lines ("lines": a sum, not a bank figure)."""
    last = _last_closing(session, rec)
    if last is None:
        return {"source": "lines", "statement": None, "entered_by": None, "entered_at": None}
    by = session.get(User, last.closing_entered_by).name if last.closing_entered_by else None
    return {"source": last.closing_source or "file", "statement": last.id, "entered_by": by,
            "entered_at": utc_iso(last.closing_entered_at)}


def statement_balance(session, rec: Reconciliation) -> Decimal | None:
    last = _last_closing(session, rec)
    if last is not None:
        return last.closing_balance
    booked, n = _sum(session, BankLineRow.amount, BankLineRow.reconciliation_id == rec.id,
                     BankLineRow.pending.is_(False), BankLineRow.carried_from.is_(None))
    return (rec.opening_balance or ZERO) + booked if (n or rec.opening_balance is not None) else None


def _split(session, model, rid: int, *extra) -> dict[bool, tuple[Decimal, int]]:
    """{matched?: (total, count)} of a line table in one query (pending bank lines left out)."""
    matched = model.match_id.is_not(None)
    rows = session.execute(select(matched, func.sum(type_coerce(model.amount, BigInteger)), func.count())
                           .where(model.reconciliation_id == rid, *extra).group_by(matched))
    out = {False: (ZERO, 0), True: (ZERO, 0)}
    for is_matched, total, count in rows:
        out[bool(is_matched)] = (Decimal(int(total or 0)).scaleb(-SCALE), count)
    return out


def figures(session, rec: Reconciliation, kind: str) -> dict:
    rid = rec.id
    bank = _split(session, BankLineRow, rid, BankLineRow.pending.is_(False))
    gl = _split(session, GLLineRow, rid)
    (unmatched_bank, n_ub), (matched_bank, n_mb) = bank[False], bank[True]
    (unmatched_gl, n_ug), (matched_gl, n_mg) = gl[False], gl[True]
    groups = session.scalar(select(func.count()).where(Match.reconciliation_id == rid, Match.undone_at.is_(None)))
    gl_balance = rec.gl_balance
    out = {"bank_lines": n_ub + n_mb, "gl_lines": n_ug + n_mg, "matched_bank_lines": n_mb,
           "matched_gl_lines": n_mg, "matched_groups": groups,
           "unmatched_bank_total": money_str(unmatched_bank), "unmatched_gl_total": money_str(unmatched_gl),
           "match_differences": money_str(matched_bank - matched_gl)}
    if kind == "Manual":
        items, n_items = _sum(session, ManualItem.amount, ManualItem.reconciliation_id == rid)
        support = rec.support_balance
        # The GL balance less what supports it: the support balance and the items that explain the gap
        diff = None if support is None or gl_balance is None else gl_balance - support - items
        out.update(support_balance=money_str(support), manual_items=n_items, manual_items_total=money_str(items),
                   difference=money_str(diff))
        return out
    stmt = statement_balance(session, rec)
    adjusted_bank = None if stmt is None else stmt + unmatched_gl
    adjusted_gl = None if gl_balance is None else gl_balance + unmatched_bank + (matched_bank - matched_gl)
    diff = None if adjusted_bank is None or adjusted_gl is None else adjusted_bank - adjusted_gl
    out.update(statement_balance=money_str(stmt), statement_balance_origin=statement_balance_origin(session, rec),
               adjusted_bank=money_str(adjusted_bank),
               adjusted_gl=money_str(adjusted_gl), difference=money_str(diff))
    return out


def _submit_row(session, rec: Reconciliation) -> dict | None:
    """The audit row of the latest Submit (the chain's head then), which the workbook keeps as an anchor."""
    if not rec.submitted_hash:
        return None
    row = session.scalar(select(AuditRow).where(AuditRow.reconciliation_id == rec.id,
                                                AuditRow.action == "workflow.submit")
                         .order_by(AuditRow.id.desc()).limit(1))
    return {"id": row.id, "hash": row.hash} if row else None


def describe(session, rec: Reconciliation) -> dict:
    acc = session.get(Account, rec.account_id)
    period = session.get(Period, rec.period_id)
    name = lambda uid: session.get(User, uid).name if uid else None  # noqa: E731
    figs = figures(session, rec, acc.kind)
    sched = session.scalar(select(Schedule).where(Schedule.account_id == acc.id))
    last_job = session.scalar(select(Job).where(Job.reconciliation_id == rec.id).order_by(Job.id.desc()).limit(1))
    lines = figs["bank_lines"] + figs["gl_lines"]
    return {
        "id": rec.id, "account": {"id": acc.id, "name": acc.name, "kind": acc.kind, "currency": acc.currency},
        "period": {"name": period.name, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "status": rec.status, "colour": workflow.COLOURS[rec.status],
        # Unreconciled: it had matches once and every one has been undone.
        "unreconciled": bool(rec.ever_matched and figs["matched_groups"] == 0 and lines),
        "opening_balance": money_str(rec.opening_balance), "gl_balance": money_str(rec.gl_balance),
        "reconciled_balance": money_str(rec.reconciled_balance),
        "prepared_by": name(rec.prepared_by), "reviewed_by": name(rec.reviewed_by),
        "approved_by": name(rec.approved_by), "submitted_at": utc_iso(rec.submitted_at),
        "submitted_hash": rec.submitted_hash, "submit_audit_row": _submit_row(session, rec),
        "approved_at": utc_iso(rec.approved_at), "comment": rec.last_comment,
        "last_updated_at": utc_iso(rec.updated_at),
        "next_run_at": utc_iso(sched.next_run_at) if sched and sched.enabled else None,
        "last_job": {"id": last_job.id, "kind": last_job.kind, "status": last_job.status} if last_job else None,
        "figures": figs,
    }


def list_recs(session, account_id: int | None = None, only: set[int] | None = None) -> list[dict]:
    """The reconciliations (of one account), limited to the accounts in `only` when given."""
    stmt = select(Reconciliation).order_by(Reconciliation.id)
    if account_id is not None:
        stmt = stmt.where(Reconciliation.account_id == account_id)
    if only is not None:
        stmt = stmt.where(Reconciliation.account_id.in_(only))
    out = []
    for rec in session.scalars(stmt):
        acc, period = session.get(Account, rec.account_id), session.get(Period, rec.period_id)
        out.append({"id": rec.id, "account_id": acc.id, "account": acc.name, "period": period.name,
                    "status": rec.status, "last_updated_at": utc_iso(rec.updated_at)})
    return out
