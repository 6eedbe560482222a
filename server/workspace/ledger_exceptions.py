"""The ledger-against-ledger work of a period as rows of the workspace's exceptions list, as a bank account's
are: which account and legal entity, the item, its age at the period end, its owner and what to do.

- GL against subledger (server/subledgers): every exception of the latest run of each account x legal entity x
  subledger for the period (in the GL and not in the subledger, the reverse, an amount or balance difference, a
  cut-off), or the run itself when it failed; seen by the people of the account the check names.
- Transaction reconciliation records (server/ledgers): a record whose batch failed (Rerun), and per side the
  period's lines no reconciled group holds yet; seen by whoever may read the record (ledgers/access.py).

How severe a row is, and what the kinds are called, are tables (SUBLEDGER); an item older than the review's
escalation limit is high, as a bank item is."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..ledgers import access as ledger_access
from ..ledgers.company_lines import open_in_period
from ..ledgers.reconciliations import filters
from ..ledgers.records import SIDES
from ..ledgers.statuses import ERRORS
from ..ledgers.tables import LedgerRec
from ..store.models import Account, Role, User
from ..store.types import money_str
from ..subledgers.exceptions import latest_runs
from ..subledgers.tables import SubledgerExceptionRow, SubledgerRun
from . import aging
from .exceptions import HIGH, LOW, MEDIUM

# subledger exception kind -> (severity, what it is, in words; {kind} is the subledger: AP, AR, tax, bank)
SUBLEDGER = {
    "balance_difference": (HIGH, "the GL balance and the {kind} subledger's differ by more than the items explain"),
    "amount_difference": (HIGH, "the GL and the {kind} subledger hold different amounts"),
    "in_gl_not_subledger": (MEDIUM, "in the GL, not in the {kind} subledger"),
    "in_subledger_not_gl": (MEDIUM, "in the {kind} subledger, not in the GL"),
    "timing": (LOW, "booked in another period in the GL and the {kind} subledger"),
}
FAILED_RUN_ACTION = ("Fix what the message names in the exports (Ledger group: Subledger Check shows the files), "
                     "then run the check again.")
RERUN_ACTION = "Open the record on the Ledger Rec sheet (Retrieve) and press Rerun; if it fails again, read its error."
OPEN_LINES_ACTION = ("Retrieve the record (Ledger Rec sheet), run Auto-Match or select lines that net to zero and "
                     "press Reconcile Selected; ask the other company about the lines it has not booked.")


def _row(legal_entity: str, account: str, account_id: int | None, status: str, severity: str, code: str,
         issue: str, action: str, item: str, age_days: int | None, owner: str) -> dict:
    return {"legal_entity": legal_entity, "account": account, "account_id": account_id, "reconciliation_id": None,
            "status": status, "severity": severity, "code": code, "issue": issue, "action": action, "item": item,
            "age_days": age_days, "owner": owner}


def _aged(severity: str, age: int | None) -> str:
    return HIGH if age is not None and aging.escalate(age, False) else severity


class _Accounts:
    """Names, ids and preparers of accounts, each looked up once."""

    def __init__(self, session):
        self.session = session
        self.by_name = dict(session.execute(select(Account.name, Account.id)).all())
        self.by_id = {i: n for n, i in self.by_name.items()}
        self._preparers: dict[int, str] = {}

    def preparers(self, account_id: int | None) -> str:
        if account_id is None:
            return ""
        if account_id not in self._preparers:
            self._preparers[account_id] = ", ".join(self.session.scalars(
                select(User.name).join(Role, Role.user_id == User.id)
                .where(Role.account_id == account_id, Role.role == "preparer").order_by(User.name)))
        return self._preparers[account_id]


def subledger_rows(session, accounts: _Accounts, visible: set[int] | None, period: str, end: dt.date) -> list[dict]:
    names = None if visible is None else {accounts.by_id[i] for i in visible if i in accounts.by_id}
    out = []
    latest: dict[tuple, SubledgerRun] = {}
    for run in session.scalars(select(SubledgerRun).where(SubledgerRun.period == period).order_by(SubledgerRun.id)):
        latest[(run.account, run.legal_entity, run.kind)] = run  # the last run of each check, done or failed
    done = {r.id for r in latest_runs(session, period=period)}
    for run in latest.values():
        if names is not None and run.account not in names:
            continue
        acc_id = accounts.by_name.get(run.account)
        owner, check = accounts.preparers(acc_id), f"{run.kind} subledger check"
        if run.id not in done:
            out.append(_row(run.legal_entity, run.account, acc_id, "", HIGH, "subledger_failed",
                            f"the {check} of {period} failed: {run.message}", FAILED_RUN_ACTION, check, None, owner))
            continue
        for e in session.scalars(select(SubledgerExceptionRow).where(SubledgerExceptionRow.run_id == run.id)
                                 .order_by(SubledgerExceptionRow.id)):
            severity, words = SUBLEDGER[e.kind]
            when = e.subledger_date or e.gl_date
            age = (end - when).days if when is not None else None
            amounts = ", ".join(f"{side} {money_str(v)}" for side, v in (("GL", e.gl_amount),
                                                                          ("subledger", e.subledger_amount))
                                if v is not None)
            item = " ".join(p for p in (e.document or "(no document number)", f"({e.party})" if e.party else "") if p)
            issue = f"{item}: {words.format(kind=run.kind)} ({amounts}; difference {money_str(e.difference)} " \
                    f"{e.currency})"
            out.append(_row(run.legal_entity, run.account, acc_id, "", _aged(severity, age),
                            f"subledger_{e.kind}", issue, e.action, item, age, owner))
    return out


def ledger_rec_rows(session, accounts: _Accounts, visible: set[int] | None, period: str, end: dt.date) -> list[dict]:
    where = ledger_access.readable_by(visible)
    q = select(LedgerRec).order_by(LedgerRec.name)
    out = []
    for rec in session.scalars(q if where is None else q.where(where)):
        sides = filters(rec)
        ids = {"left": rec.left_account_id, "right": rec.right_account_id}
        owner = ", ".join(dict.fromkeys(p for i in ids.values() for p in accounts.preparers(i).split(", ") if p))
        if rec.status in ERRORS.values():
            acc_id = ids["left"]
            out.append(_row(sides["left"].company, accounts.by_id.get(acc_id, ""), acc_id, rec.status, HIGH,
                            "ledger_rec_error", f"record {rec.name}: its last batch failed ({rec.status}): "
                            f"{rec.error or 'no message'}", RERUN_ACTION, rec.name, None, owner))
            continue
        for side in SIDES:
            f = sides[side]
            if f.periods and period not in f.periods:
                continue
            count, oldest = open_in_period(session, f, period)
            if not count:
                continue
            age = (end - oldest).days
            acc_id = ids[side]
            out.append(_row(f.company, accounts.by_id.get(acc_id, ""), acc_id, rec.status, _aged(MEDIUM, age),
                            "ledger_open_lines", f"record {rec.name}: {count} {side} line(s) of {f.company} in "
                            f"{period} not reconciled (oldest of {oldest.isoformat()}, {age} days)",
                            OPEN_LINES_ACTION, f"{rec.name} ({side})", age, accounts.preparers(acc_id) or owner))
    return out


def ledger_rows(session, visible: set[int] | None, period: str, end: dt.date) -> list[dict]:
    """Every subledger and transaction reconciliation exception of `period` the user may see."""
    accounts = _Accounts(session)
    return subledger_rows(session, accounts, visible, period, end) + \
        ledger_rec_rows(session, accounts, visible, period, end)
