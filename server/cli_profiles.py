"""`tieout profile list|forget`: the layout profiles Tieout reads CSV/Excel/PDF files with, and forgetting one
of the user's own (importers/tabular/user_profiles.py). Forgetting also takes the profile out of the import options
accounts remember, in the store when there is one, with an audit row per account as the API leaves."""
from __future__ import annotations

import json

EXIT_OK = 0


def register(profile_sub) -> None:
    """Adds `list` and `forget` to the `profile` command's subparsers."""
    ls = profile_sub.add_parser("list", help="the layout profiles: yours ($TIEOUT_HOME/profiles) and Tieout's")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    fg = profile_sub.add_parser("forget", help="delete one of your layout profiles (e.g. a wrongly confirmed "
                                               "inferred layout); the next file of that bank is inferred again")
    fg.add_argument("name")
    fg.set_defaults(func=_forget)


def _list(args) -> int:
    from .importers.tabular.user_profiles import listing

    entries = listing()
    if args.json:
        print(json.dumps([{"name": e.name, "source": e.source, "kind": e.kind, "title": e.title,
                           "path": str(e.path) if e.path else None} for e in entries], ensure_ascii=False))
        return EXIT_OK
    for e in entries:
        print("\t".join((e.name, e.source, e.kind, e.title, str(e.path or ""))))
    return EXIT_OK


def _store_exists() -> bool:
    from .app.config import load
    from .importers.tabular.layout_profiles import tieout_home

    return bool(load()["DATABASE_URL"]) or (tieout_home() / "tieout.db").exists()


def _forget(args) -> int:
    from .cli_users import as_owner
    from .importers.tabular.user_profiles import forget
    from .services.account_settings import forget_profile

    gone = forget(args.name)
    print(f"forgot your layout profile {gone.name} ({gone.path}): the next file of that bank is inferred again")
    if _store_exists():
        accounts = as_owner(forget_profile, gone.name)
        if accounts:
            print(f"no longer remembered for {len(accounts)} account(s) (ids {', '.join(map(str, accounts))})")
    return EXIT_OK
