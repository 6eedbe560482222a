"""Who sees which GL-against-subledger checks: a check is configured for an account by its name (and a legal
entity), so a user who is not an administrator sees the configurations, runs and exceptions of the accounts
they hold a role on, as with reconciliations. Configuring and running a check stay an administrator's
(configs.py, routes): its files are read on the server's machine."""
from __future__ import annotations

from sqlalchemy import select

from ..services.context import Actor
from ..store.models import Account, Role


def visible_account_names(session, actor: Actor) -> set[str] | None:
    """The names of the accounts `actor` holds a role on; None for an administrator (every check)."""
    if actor.is_admin:
        return None
    return set(session.scalars(select(Account.name).join(Role, Role.account_id == Account.id)
                               .where(Role.user_id == actor.id)))


def only_visible(session, actor: Actor, rows, account_of=lambda row: row.account) -> list:
    """`rows` (configurations, runs or exceptions) narrowed to the accounts `actor` may see."""
    names = visible_account_names(session, actor)
    return list(rows) if names is None else [r for r in rows if account_of(r) in names]
