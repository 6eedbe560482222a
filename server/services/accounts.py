"""Accounts (GL account, bank account, currency, kind), the roles users hold on them, and schedules."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..store.models import Account, Reconciliation, Role, Schedule, User
from ..controls.workflow import EDITABLE, ROLES, SEGREGATION, Refusal
from . import values
from .context import Change, bad_input, not_found, now, utc_iso

KINDS = ("Bank", "Manual")
# What an account is, for the workspace's grouping (migration 0009); `kind` stays how it is reconciled.
TYPES = ("bank", "AP", "AR", "tax", "other")
UPDATABLE = ("name", "gl_account", "bank_account", "currency", "kind", "segregation", "legal_entity",
             "account_type")


def account_dict(a: Account) -> dict:
    return {"id": a.id, "name": a.name, "gl_account": a.gl_account, "bank_account": a.bank_account,
            "currency": a.currency, "kind": a.kind, "segregation": a.segregation or "standard",
            "legal_entity": a.legal_entity or "", "account_type": a.account_type or "other"}


def create_account(ch: Change, data: dict) -> dict:
    name = values.text(data, "name", required=True, max_len=200)
    currency = _currency(data)
    acc = Account(name=name, gl_account=values.text(data, "gl_account", max_len=100),
                  bank_account=values.text(data, "bank_account", max_len=100), currency=currency,
                  kind=values.choice(data, "kind", KINDS, "Bank"),
                  segregation=values.choice(data, "segregation", SEGREGATION, "standard"),
                  legal_entity=values.text(data, "legal_entity", max_len=200))
    acc.account_type = _account_type(data, "bank" if acc.kind == "Bank" else "other")
    if ch.session.scalar(select(Account).where(Account.name == name)):
        raise bad_input(f"field 'name': an account named {name!r} already exists")
    ch.session.add(acc)
    ch.session.flush()
    ch.audit("account.create", "account", acc.id, None, account_dict(acc))
    # The creator prepares it; reviewers and approvers are granted by an administrator.
    ch.session.add(Role(account_id=acc.id, user_id=ch.actor.id, role="preparer"))
    ch.audit("role.grant", "account", acc.id, None, {"user": ch.actor.name, "role": "preparer"})
    return account_dict(acc)


def _currency(data: dict) -> str:
    currency = values.text(data, "currency", required=True, max_len=3).upper()
    if len(currency) != 3 or not currency.isalpha():
        raise bad_input(f"field 'currency': not an ISO 4217 code: {currency!r}")
    return currency


def _account_type(data: dict, default: str | None = None) -> str:
    """bank, AP, AR, tax or other, in any letter case (stored as TYPES spells it)."""
    value = data.get("account_type", default)
    spelled = {t.lower(): t for t in TYPES}.get(value.lower() if isinstance(value, str) else None)
    if spelled is None:
        raise bad_input(f"field 'account_type': must be one of {', '.join(TYPES)}, not {value!r}")
    return spelled


def update_account(ch: Change, account_id: int, data: dict) -> dict:
    """Change an account's details (only the fields sent). What reconciliations already rest on is protected:
    currency and kind are fixed once the account has a reconciliation, and the GL and bank account numbers
    cannot change while one is submitted (its sign-off is about those accounts)."""
    acc = get_account(ch.session, account_id)
    if not ch.actor.is_admin and "preparer" not in roles_on(ch.session, account_id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} is not a preparer of this account", 403)
    unknown = sorted(set(data) - set(UPDATABLE))
    if unknown:
        raise bad_input(f"field '{unknown[0]}': not a field of an account ({', '.join(UPDATABLE)})")
    before = account_dict(acc)
    after = dict(before)
    if "name" in data:
        after["name"] = values.text(data, "name", required=True, max_len=200)
    for field in ("gl_account", "bank_account"):
        if field in data:
            after[field] = values.text(data, field, max_len=100)
    if "currency" in data:
        after["currency"] = _currency(data)
    if "kind" in data:
        after["kind"] = values.choice(data, "kind", KINDS)
    if "segregation" in data:
        after["segregation"] = values.choice(data, "segregation", SEGREGATION)
    if "legal_entity" in data:
        after["legal_entity"] = values.text(data, "legal_entity", max_len=200)
    if "account_type" in data:
        after["account_type"] = _account_type(data)
    statuses = list(ch.session.scalars(select(Reconciliation.status).where(Reconciliation.account_id == acc.id)))
    for field in ("currency", "kind"):
        if after[field] != before[field] and statuses:
            raise Refusal("account_in_use", f"field '{field}': the account has {len(statuses)} reconciliation(s), "
                                            f"so its {field} cannot change; create a new account instead", 409)
    submitted = [s for s in statuses if s not in EDITABLE]
    for field in ("gl_account", "bank_account"):
        if after[field] != before[field] and submitted:
            raise Refusal("account_in_use", f"field '{field}': a reconciliation of this account is {submitted[0]}; "
                                            "revert it to In Progress first", 409)
    if after["name"] != before["name"] and ch.session.scalar(select(Account).where(Account.name == after["name"])):
        raise bad_input(f"field 'name': an account named {after['name']!r} already exists")
    if after == before:
        return before
    for field in UPDATABLE:
        setattr(acc, field, after[field])
    ch.session.flush()
    ch.audit("account.update", "account", acc.id, before, after)
    return after


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
    return {"interval_minutes": s.interval_minutes, "enabled": s.enabled, "next_run_at": utc_iso(s.next_run_at),
            "last_run_at": utc_iso(s.last_run_at)}


def list_accounts(session, only: set[int] | None = None) -> list[dict]:
    """Every account, or those whose ids are in `only` (what a user may see)."""
    stmt = select(Account).order_by(Account.id)
    if only is not None:
        stmt = stmt.where(Account.id.in_(only))
    return [account_dict(a) for a in session.scalars(stmt)]


def account_named(session, key: str) -> Account:
    """An account by its name, else by its number (what a person types on the command line)."""
    acc = session.scalar(select(Account).where(Account.name == key))
    if acc is None and key.strip().isdigit():
        acc = session.get(Account, int(key))
    if acc is None:
        raise not_found(f"account {key!r}")
    return acc


def revoke_role(ch: Change, account_id: int, data: dict) -> list[dict]:
    """Take a role (or, without one, every role) on an account from a user; the audit trail keeps who had it."""
    if not ch.actor.is_admin:
        raise Refusal("forbidden", "only an administrator can revoke roles", 403)
    get_account(ch.session, account_id)
    name = values.text(data, "user", required=True, max_len=120)
    user = ch.session.scalar(select(User).where(User.name == name))
    if user is None:
        raise not_found(f"user {name!r}")
    wanted = (values.choice(data, "role", ROLES),) if data.get("role") else ROLES
    held = ch.session.scalars(select(Role).where(Role.account_id == account_id, Role.user_id == user.id,
                                                 Role.role.in_(wanted))).all()
    if not held:
        raise bad_input(f"user {name!r} holds no {' or '.join(wanted)} role on this account")
    for row in held:
        ch.session.delete(row)
        ch.audit("role.revoke", "account", account_id, {"user": name, "role": row.role}, None)
    ch.session.flush()
    return roles_of_account(ch.session, account_id)


def roles_of_user(session, user_id: int) -> list[dict]:
    rows = session.execute(select(Account.name, Role.role).join(Account, Account.id == Role.account_id)
                           .where(Role.user_id == user_id).order_by(Account.name, Role.role))
    return [{"account": a, "role": r} for a, r in rows]
