"""`tieout workspace` and `tieout accounts list|set`: the same server calls as the Workspace button, from the
command line (no workbook needed). Refusals of the server are the user's to fix (exit 2, its message);
no server reachable is exit 1."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from ...server.errors import InputError
from ..client import Client, ServerError, ServerUnavailable
from .records import load_workspace
from .workbook import write_workspace

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
ACCOUNT_FIELDS = ("id", "name", "legal_entity", "account_type", "kind", "currency", "gl_account", "bank_account")


def _talking(fn: Callable[[Client], None]) -> int:
    client = Client()
    try:
        fn(client)
        return EXIT_OK
    except ServerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_INPUT if exc.user_error else EXIT_INTERNAL
    except ServerUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        client.close()


def workspace_command(period: str | None, out: str) -> int:
    path = Path(out).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise InputError(out, "the workspace is written as .xlsx; name it *.xlsx")

    def run(client: Client) -> None:
        ws = load_workspace(client, period)
        try:
            write_workspace(ws, path)
        except OSError as exc:
            raise InputError(path, f"cannot write the workspace: {exc.strerror}") from None
        print(f"Wrote the workspace {path} (period {ws.period}: {len(ws.accounts)} accounts, "
              f"{len(ws.exceptions)} exceptions)")
    return _talking(run)


def _account_id(client: Client, account: str) -> int:
    listed = client.get("/api/accounts")
    found = [a for a in listed if str(a["id"]) == account or a["name"] == account]
    if not found:
        raise InputError(None, f"account {account!r}: no account of that id or name that you may see "
                               f"({', '.join(a['name'] for a in listed) or 'none'})")
    return found[0]["id"]


def accounts_list_command(as_json: bool) -> int:
    def run(client: Client) -> None:
        listed = client.get("/api/accounts")
        if as_json:
            print(json.dumps(listed))
            return
        for a in listed:
            print("\t".join(str(a.get(f, "")) for f in ACCOUNT_FIELDS))
    return _talking(run)


def accounts_set_command(account: str, changes: dict[str, str]) -> int:
    if not changes:
        raise InputError(None, "nothing to change: give --legal-entity and/or --type")

    def run(client: Client) -> None:
        done = client.put(f"/api/accounts/{_account_id(client, account)}", changes)
        print(f"account {done['id']} {done['name']}: legal entity {done['legal_entity'] or '(none)'}, "
              f"type {done['account_type']}")
    return _talking(run)
