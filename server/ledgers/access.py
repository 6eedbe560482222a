"""Who may read and change a transaction reconciliation record: the role model of reconciliations, per account.

A record belongs to the account of each side: the Tieout account that holds that company's side of the
business (A's intercompany receivable from B on the left, B's payable to A on the right; both sides may name
one account, e.g. two ledgers of one company). Reconciling or unreconciling a group closes or reopens lines in
both books at once, and an auditor expects every change to a company's books to come from someone authorised
on them: so acting on a record (save, reconcile, unreconcile, rerun, auto-match, edit, delete) needs the
preparer role on each of its accounts. Reading it needs any role on either account: the counterparty's
reviewer and approver see what was agreed against their books. Administrators configure: they read every
record, assign a record's accounts, and alone act on a record that names no account (those made before
migration 0014). The admin flag does not make someone a preparer of an assigned record, as with
reconciliations. A company's ledger lines are loaded by an administrator or by a preparer of an account whose
legal entity is that company."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..controls.workflow import Refusal
from ..services.accounts import account_named
from ..services.context import Actor, bad_input
from ..store.models import Account, Role
from .records import SIDES
from .tables import LedgerRec

ACCOUNT_FIELDS = {side: f"{side}_account" for side in SIDES}


def _forbidden(message: str) -> Refusal:
    return Refusal("forbidden", message, 403)


def _roles(session, user_id: int, account_ids) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {a: set() for a in account_ids}
    for account_id, role in session.execute(select(Role.account_id, Role.role).where(
            Role.user_id == user_id, Role.account_id.in_(list(out)))):
        out[account_id].add(role)
    return out


def account_ids(rec: LedgerRec) -> tuple[int, ...]:
    """The record's accounts, each once (empty: an unassigned record)."""
    return tuple(dict.fromkeys(a for a in (rec.left_account_id, rec.right_account_id) if a is not None))


def _names(session, ids) -> str:
    names = dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(list(ids)))).all())
    return " and ".join(names.get(i, str(i)) for i in ids)


def accounts_from(session, body: dict) -> dict[str, int] | None:
    """The sides' accounts a request names (`left_account`, `right_account`: an account's name or number),
    None when it names neither; naming only one is refused (a record belongs to both sides' books)."""
    given = {side: body.get(field) for side, field in ACCOUNT_FIELDS.items() if body.get(field) not in (None, "")}
    if not given:
        return None
    missing = [ACCOUNT_FIELDS[s] for s in SIDES if s not in given]
    if missing:
        raise bad_input(f"{missing[0]}: name the account of both sides (the same account twice for two ledgers "
                        "of one company)")
    out = {}
    for side, raw in given.items():
        if not isinstance(raw, (str, int)) or isinstance(raw, bool):
            raise bad_input(f"{ACCOUNT_FIELDS[side]}: an account's name or number")
        out[side] = account_named(session, str(raw)).id
    return out


def check_create(session, actor: Actor, accounts: dict[str, int] | None) -> None:
    """A new record: an administrator may leave its accounts to assign later; anyone else names both sides'
    accounts and prepares each."""
    if accounts is None:
        if actor.is_admin:
            return
        raise bad_input("left_account, right_account: name the account of each side (you must be a preparer of "
                        "both); only an administrator makes a record without accounts")
    if actor.is_admin:
        return
    roles = _roles(session, actor.id, set(accounts.values()))
    lacking = [a for a, held in roles.items() if "preparer" not in held]
    if lacking:
        raise _forbidden(f"{actor.name} is not a preparer of account {_names(session, lacking)}: only a preparer of "
                         "both sides' accounts makes a transaction reconciliation record for them")


def check_assign(actor: Actor, rec_label: str) -> None:
    """Changing which accounts a record belongs to is configuration: an administrator's."""
    if not actor.is_admin:
        raise _forbidden(f"only an administrator changes the accounts of record {rec_label}")


def check_act(session, actor: Actor, rec: LedgerRec, what: str) -> None:
    """Refuses `what` (a change) unless `actor` prepares every account of the record (an unassigned record:
    unless an administrator)."""
    ids = account_ids(rec)
    if not ids:
        if actor.is_admin:
            return
        raise _forbidden(f"record {rec.id} ({rec.name}) belongs to no account yet: only an administrator can "
                         f"{what} it (or assign its accounts: PUT with left_account and right_account)")
    lacking = [a for a, held in _roles(session, actor.id, ids).items() if "preparer" not in held]
    if lacking:
        raise _forbidden(f"{actor.name} is not a preparer of account {_names(session, lacking)}: only the preparers "
                         f"of record {rec.id} ({rec.name})'s accounts can {what} it; its reviewers and approvers "
                         "read it")


def check_read(session, actor: Actor, rec: LedgerRec) -> LedgerRec:
    """Refuses a read unless `actor` holds a role on one of the record's accounts (or is an administrator)."""
    if actor.is_admin:
        return rec
    ids = account_ids(rec)
    if ids and any(_roles(session, actor.id, ids).values()):
        return rec
    owners = f"account {_names(session, ids)}" if ids else "no account yet (administrators only)"
    raise _forbidden(f"{actor.name} holds no role on record {rec.id} ({rec.name}), which belongs to {owners}")


def visible(actor: Actor):
    """A where-clause of the records `actor` may read (None: all)."""
    if actor.is_admin:
        return None
    mine = select(Role.account_id).where(Role.user_id == actor.id)
    return or_(LedgerRec.left_account_id.in_(mine), LedgerRec.right_account_id.in_(mine))


def readable_by(account_ids: set[int] | None):
    """A where-clause of the records readable by someone holding roles on `account_ids` (as `visible`, from the
    accounts the caller already knows, e.g. the workspace's); None: an administrator, every record."""
    if account_ids is None:
        return None
    ids = list(account_ids)
    return or_(LedgerRec.left_account_id.in_(ids), LedgerRec.right_account_id.in_(ids))


def check_import(session, actor: Actor, company: str) -> None:
    """A company's ledger lines: an administrator, or a preparer of an account of that legal entity."""
    if actor.is_admin:
        return
    held = session.scalar(select(Account.id).join(Role, Role.account_id == Account.id).where(
        Role.user_id == actor.id, Role.role == "preparer", Account.legal_entity == company).limit(1))
    if held is None:
        raise _forbidden(f"{actor.name} is not a preparer of any account of {company!r} (an account whose legal "
                         f"entity is {company!r}): only they, or an administrator, load that company's ledger lines")
