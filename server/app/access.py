"""Who may read what: on a team server a user sees only the accounts they hold a role on.

Writes are guarded where they happen (the services check the role each step needs); this guards reads, in
one place, from the ids in the URL: an account, a reconciliation (its account) or a job (its reconciliation's
account). Administrators, and the local server's one user, see everything. A missing id is left to the route,
which answers 404 as before."""
from __future__ import annotations

from flask import g, request
from sqlalchemy import select

from ..store.models import Job, Reconciliation, Role
from ..controls.workflow import Refusal
from .http import ext, query_int


def visible_accounts(session, actor) -> set[int] | None:
    """The account ids `actor` may read; None means every account (an administrator)."""
    if actor.is_admin:
        return None
    return set(session.scalars(select(Role.account_id).where(Role.user_id == actor.id)))


def _account_of(session, args: dict, audit_rec: int | None) -> int | None:
    if "account_id" in args:
        return args["account_id"]
    rec_id = args.get("rec_id", audit_rec)
    if "job_id" in args:
        rec_id = session.scalar(select(Job.reconciliation_id).where(Job.id == args["job_id"]))
    if rec_id is None:
        return None
    return session.scalar(select(Reconciliation.account_id).where(Reconciliation.id == rec_id))


def check_access() -> None:
    """before_request, after authentication: refuses a read or write of an account the user holds no role on."""
    actor = getattr(g, "actor", None)
    if actor is None or actor.is_admin or not request.path.startswith("/api/"):
        return
    args = request.view_args or {}
    audit_rec = query_int("reconciliation_id") if request.path == "/api/audit" else None
    if request.path == "/api/audit" and audit_rec is None:
        raise Refusal("forbidden", "only an administrator can read the whole audit trail; ask for one "
                                   "reconciliation's rows with ?reconciliation_id=", 403)
    if not {"account_id", "rec_id", "job_id"} & args.keys() and audit_rec is None:
        return
    with ext().store.read() as session:
        account = _account_of(session, args, audit_rec)
        if account is None or account in visible_accounts(session, actor):
            return
    raise Refusal("forbidden", f"{actor.name} holds no role on account {account}: only its preparers, reviewers "
                               "and approvers (and administrators) can see it", 403)
