"""`tieout users add|list|grant|revoke|token`: people and their roles per account, without an API client.

Whoever can open the store (the owner of $TIEOUT_HOME, or of $TIEOUT_DATABASE_URL on a team server) is its
administrator: these commands act as that person, write the store directly (a running server sees the change
at its next request) and leave the same audit rows as the API would. A token is printed once and kept hashed."""
from __future__ import annotations

import json

from .errors import InputError

EXIT_OK = 0


def register(sub) -> None:
    """Adds the `users` command and its subcommands to the CLI's subparsers."""
    us = sub.add_parser("users", help="people and their roles per account (preparer, reviewer, approver)")
    us_sub = us.add_subparsers(dest="users_command", required=True)
    add = us_sub.add_parser("add", help="add a person; prints their token once")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may add people, grant roles and see every account")
    add.set_defaults(func=_add)
    ls = us_sub.add_parser("list", help="everyone, with their roles per account")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    for name, fn, text in (("grant", _grant, "give a person a role on an account"),
                           ("revoke", _revoke, "take a role on an account from a person (every role without --role)")):
        p = us_sub.add_parser(name, help=text)
        p.add_argument("name")
        p.add_argument("--account", required=True, help="the account's name (or number)")
        p.add_argument("--role", choices=("preparer", "reviewer", "approver"), required=(name == "grant"))
        p.set_defaults(func=fn)
    tok = us_sub.add_parser("token", help="a new token for a person (the old one stops working); printed once")
    tok.add_argument("name")
    tok.set_defaults(func=_token)


def _as_owner(fn, *args):
    """Runs fn(change, *args) in one transaction as the store's owner; a refusal is the user's error (exit 2)."""
    from .app.config import load
    from .controls.workflow import Refusal
    from .services import users
    from .services.context import change
    from .store import open_store

    store = open_store()
    try:
        owner = users.ensure_user(store, load()["LOCAL_USER"], admin=True)
        with change(store, owner) as ch:
            return fn(ch, *args)
    except Refusal as exc:
        raise InputError(None, exc.message) from None
    finally:
        store.dispose()


as_owner = _as_owner  # other commands that change the store as its owner (cli_profiles.py)


def _add(args) -> int:
    from .services.users import add_user

    made = _as_owner(add_user, args.name, args.admin)
    print(f"added {made['name']}" + (" (administrator)" if made["is_admin"] else ""))
    _print_token(made["name"], made["token"])
    return EXIT_OK


def _token(args) -> int:
    from .services.users import issue_token

    _print_token(args.name, _as_owner(issue_token, args.name))
    return EXIT_OK


def _print_token(name: str, token: str) -> None:
    print(f"token of {name} (shown only this once; {name} keeps it as TIEOUT_TOKEN or in the add-in's settings):")
    print(token)


def _on_account(args, change_role) -> str:
    """Runs accounts.grant_role or revoke_role for the account named on the command line; returns its name."""
    from .services import accounts

    def run(ch):
        acc = accounts.account_named(ch.session, args.account)
        change_role(ch, acc.id, {"user": args.name, "role": args.role})
        return acc.name
    return _as_owner(run)


def _grant(args) -> int:
    from .services.accounts import grant_role

    print(f"{args.name} is now a {args.role} of {_on_account(args, grant_role)}")
    return EXIT_OK


def _revoke(args) -> int:
    from .services.accounts import revoke_role

    account = _on_account(args, revoke_role)
    print(f"{args.name} no longer holds {'the ' + args.role + ' role' if args.role else 'any role'} on {account}")
    return EXIT_OK


def _list(args) -> int:
    from .services.accounts import roles_of_user
    from .services.users import list_users

    def everyone(ch):
        return [{**u, "roles": roles_of_user(ch.session, u["id"])} for u in list_users(ch.session)]

    people = _as_owner(everyone)
    if args.json:
        print(json.dumps(people))
        return EXIT_OK
    for u in people:
        roles = ", ".join(f"{r['role']} of {r['account']}" for r in u["roles"]) or "no roles"
        print(f"{u['name']}{' (administrator)' if u['is_admin'] else ''}: {roles}")
    return EXIT_OK

