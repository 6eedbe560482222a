"""The exceptions of GL-against-subledger checks, for the workspace's exceptions list and the API:
`latest_exceptions(session, ...)` returns immutable SubledgerException records of the latest successful run of
every account x legal entity x subledger (filtered when asked)."""
from __future__ import annotations

from sqlalchemy import func, select

from .items import SubledgerException
from .tables import SubledgerExceptionRow, SubledgerRun


def latest_runs(session, account: str | None = None, legal_entity: str | None = None,
                period: str | None = None) -> list[SubledgerRun]:
    q = select(func.max(SubledgerRun.id)).where(SubledgerRun.status == "done")
    for col, value in ((SubledgerRun.account, account), (SubledgerRun.legal_entity, legal_entity),
                       (SubledgerRun.period, period)):
        if value is not None:
            q = q.where(col == value)
    ids = list(session.scalars(q.group_by(SubledgerRun.account, SubledgerRun.legal_entity, SubledgerRun.kind,
                                          SubledgerRun.period)))
    return list(session.scalars(select(SubledgerRun).where(SubledgerRun.id.in_(ids)).order_by(SubledgerRun.id)))


def latest_exceptions(session, account: str | None = None, legal_entity: str | None = None,
                      period: str | None = None) -> tuple[SubledgerException, ...]:
    runs = {r.id: r for r in latest_runs(session, account, legal_entity, period)}
    rows = session.scalars(select(SubledgerExceptionRow).where(SubledgerExceptionRow.run_id.in_(list(runs)))
                           .order_by(SubledgerExceptionRow.run_id, SubledgerExceptionRow.id))
    return tuple(SubledgerException(r.kind, runs[r.run_id].account, runs[r.run_id].legal_entity,
                                    runs[r.run_id].period, r.document, r.currency, r.gl_amount, r.subledger_amount,
                                    r.difference, r.gl_date, r.subledger_date, r.party, r.action, r.run_id)
                 for r in rows)
