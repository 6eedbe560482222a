"""Accounts (GL account, bank account, currency, kind), the roles users hold on them, and schedules."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..store.models import Account, Role, Schedule, User
from ..workflow import ROLES, Refusal
from . import values
from .context import Change, bad_input, not_found, now

KINDS = ("Bank", "Manual")


def account_dict(a: Account) -> dict:
    return {"id": a.id, "name": a.name, "gl_account": a.gl_account, "bank_account": a.bank_account,
            "currency": a.currency, "kind": a.kind}


def create_account(ch: Change, data: dict) -> dict:
    name = values.text(data, "name", required=True, max_len=200)
    currency = values.text(data, "currency", required=True, max_len=3).upper()
    if len(currency) != 3 or not currency.isalpha():
        raise bad_input(f"field 'currency': not an ISO 4217 code: {currency!r}")
    acc = Account(name=name, gl_account=values.text(data, "gl_account", max_len=100),
                  bank_account=values.text(data, "bank_account", max_len=100), currency=currency,
                  kind=values.choice(data, "kind", KINDS, "Bank"))
    if ch.session.scalar(select(Account).where(Account.name == name)):
        raise bad_input(f"field 'name': an account named {name!r} already exists")
    ch.session.add(acc)
    ch.session.flush()
    ch.audit("account.create", "account", acc.id, None, account_dict(acc))
    # The creator prepares it; reviewers and approvers are granted by an administrator.
    ch.session.add(Role(account_id=acc.id, user_id=ch.actor.id, role="preparer"))
    ch.audit("role.grant", "account", acc.id, None, {"user": ch.actor.name, "role": "preparer"})
    return account_dict(acc)


def get_account(session, account_id: int) -> Account:
    acc = session.get(Account, account_id)
    if acc is None:
        raise not_found(f"account {account_id}")
    return acc


def roles_on(session, account_id: int, user_id: int) -> set[str]:
    return set(session.scalars(select(Role.role).where(Role.account_id == account_id, Role.user_id == user_id)))


def roles_of_account(session, account_id: int) -> list[dict]:
    rows = session.execute(select(User.name, Role.role).join(User, User.id == Role.user_id)
                           .where(Role.account_id == account_id).order_by(User.name, Role.role))
    return [{"user": n, "role": r} for n, r in rows]


def grant_role(ch: Change, account_id: int, data: dict) -> list[dict]:
    if not ch.actor.is_admin:
        raise Refusal("forbidden", "only an administrator can grant roles", 403)
    get_account(ch.session, account_id)
    role = values.choice(data, "role", ROLES)
    name = values.text(data, "user", required=True, max_len=120)
    user = ch.session.scalar(select(User).where(User.name == name))
    if user is None:
        raise not_found(f"user {name!r}")
    if role not in roles_on(ch.session, account_id, user.id):
        ch.session.add(Role(account_id=account_id, user_id=user.id, role=role))
        ch.audit("role.grant", "account", account_id, None, {"user": name, "role": role})
    return roles_of_account(ch.session, account_id)


def set_schedule(ch: Change, account_id: int, data: dict) -> dict:
    """Scheduled auto-reconciliation: auto-match the account's open reconciliation every N minutes."""
    get_account(ch.session, account_id)
    if "preparer" not in roles_on(ch.session, account_id, ch.actor.id) and not ch.actor.is_admin:
        raise Refusal("forbidden", f"{ch.actor.name} is not a preparer of this account", 403)
    minutes = values.integer(data, "interval_minutes", 1, 60 * 24 * 31)
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise bad_input("field 'enabled': must be true or false")
    sched = ch.session.scalar(select(Schedule).where(Schedule.account_id == account_id))
    before = schedule_dict(sched) if sched else None
    if sched is None:
        sched = Schedule(account_id=account_id, interval_minutes=minutes, set_by=ch.actor.id)
        ch.session.add(sched)
    sched.interval_minutes, sched.enabled, sched.set_by = minutes, enabled, ch.actor.id
    sched.next_run_at = now() + dt.timedelta(minutes=minutes) if enabled else None
    ch.session.flush()
    ch.audit("schedule.set", "account", account_id, before, schedule_dict(sched))
    return schedule_dict(sched)


def schedule_dict(s: Schedule | None) -> dict | None:
    if s is None:
        return None
    iso = lambda t: t.isoformat() + "Z" if t else None  # noqa: E731
    return {"interval_minutes": s.interval_minutes, "enabled": s.enabled, "next_run_at": iso(s.next_run_at),
            "last_run_at": iso(s.last_run_at)}


def list_accounts(session, only: set[int] | None = None) -> list[dict]:
    """Every account, or those whose ids are in `only` (what a user may see)."""
    stmt = select(Account).order_by(Account.id)
    if only is not None:
        stmt = stmt.where(Account.id.in_(only))
    return [account_dict(a) for a in session.scalars(stmt)]
