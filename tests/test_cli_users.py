"""`tieout users add|list|grant|revoke|token`: people and roles without an API client, and three people
(preparer, reviewer, approver) taking one month to Approved on one machine's local server, each with the token
the owner printed for them, through the saved-workbook adapter (batch mode)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test_addin_kit import month, new_book  # noqa: F401 (fixtures)
from tieout.addin.client import Client
from tieout.addin.dispatch import run_handler
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.server.cli import main


@pytest.fixture
def local(tmp_path, monkeypatch):
    """A local (not team) server on loopback, owned by 'owner', with its TIEOUT_HOME shared by the CLI."""
    from tieout.server.app.serve import running

    monkeypatch.setenv("TIEOUT_USER", "owner")
    with running({"LOCAL_USER": "owner"}) as (base, app):
        monkeypatch.setenv("TIEOUT_URL", base)
        yield base, []


def users(capsys, *args) -> tuple[int, str, str]:
    code = main(["users", *args])
    out, err = capsys.readouterr()
    return code, out, err


def token_of(out: str) -> str:
    return out.strip().splitlines()[-1]


def press(base, clients, path, name, token, **args):
    book = XlsxWorkbook(path, echo=lambda text: None)
    client = Client(base, token=token, autostart=False)
    clients.append(client)
    try:
        outcome = run_handler(name, book, {k: str(v) for k, v in args.items()}, client)
    finally:
        client.close()
    assert outcome.ok, outcome.error
    book.save()
    return outcome


def test_three_people_reach_approved_on_one_machine(local, month, tmp_path, capsys):
    base, clients = local
    tokens = {}
    for name in ("alice", "bob", "carol"):
        code, out, _ = users(capsys, "add", name)
        assert code == 0 and out.startswith(f"added {name}\n")
        tokens[name] = token_of(out)
    assert len(set(tokens.values())) == 3

    path = new_book(tmp_path / "Rec.xlsx")
    press(base, clients, path, "import_bank_file", tokens["alice"], file=month.bank, account_name="Operating")
    press(base, clients, path, "import_gl_template", tokens["alice"], file=month.gl)
    press(base, clients, path, "auto_match", tokens["alice"])
    press(base, clients, path, "accept_matches", tokens["alice"])
    press(base, clients, path, "post_new_transactions", tokens["alice"])  # review check 4 wants them posted
    press(base, clients, path, "submit_for_review", tokens["alice"])

    # bob may not review before he is granted the role
    book = XlsxWorkbook(path, echo=lambda text: None)
    refused = run_handler("approve", book, {}, Client(base, token=tokens["bob"], autostart=False))
    assert refused.exit_code == 2 and "role" in refused.error

    assert users(capsys, "grant", "bob", "--account", "Operating", "--role", "reviewer")[:2] == \
        (0, "bob is now a reviewer of Operating\n")
    assert users(capsys, "grant", "carol", "--account", "Operating", "--role", "approver")[0] == 0
    assert press(base, clients, path, "approve", tokens["bob"]).messages[-1] == \
        "Reviewed by bob: status Pending Approval."
    assert press(base, clients, path, "approve", tokens["carol"]).messages[-1] == \
        "Approved by carol: status Approved."

    code, out, _ = users(capsys, "list", "--json")
    listed = {u["name"]: u for u in json.loads(out)}
    assert listed["owner"]["is_admin"] and not listed["alice"]["is_admin"]
    assert listed["alice"]["roles"] == [{"account": "Operating", "role": "preparer"}]
    assert listed["bob"]["roles"] == [{"account": "Operating", "role": "reviewer"}]
    code, out, _ = users(capsys, "list")
    assert "carol: approver of Operating" in out.splitlines()


def test_token_replaces_the_old_one_and_revoke_takes_roles(local, capsys):
    import requests

    base, _ = local
    old = token_of(users(capsys, "add", "dave", "--admin")[1])

    def me(token):
        with requests.Session() as s:
            return s.get(base + "/api/me", headers={"Authorization": f"Bearer {token}", "Connection": "close"},
                         timeout=30).status_code

    assert me(old) == 200
    code, out, _ = users(capsys, "token", "dave")
    new = token_of(out)
    assert code == 0 and new != old and "shown only this once" in out
    assert me(old) == 401 and me(new) == 200

    # roles: granted, revoked one by one, and refused with a message naming what is wrong (exit 2)
    client = Client(base, token=new, autostart=False)
    try:
        client.post("/api/accounts", {"name": "Petty cash", "currency": "EUR", "kind": "Manual"})
    finally:
        client.close()
    assert users(capsys, "grant", "owner", "--account", "Petty cash", "--role", "approver")[0] == 0
    code, out, _ = users(capsys, "revoke", "owner", "--account", "Petty cash", "--role", "approver")
    assert (code, out) == (0, "owner no longer holds the approver role on Petty cash\n")
    code, _, err = users(capsys, "revoke", "owner", "--account", "Petty cash", "--role", "approver")
    assert code == 2 and err == "error: user 'owner' holds no approver role on this account\n"
    code, _, err = users(capsys, "grant", "nobody", "--account", "Petty cash", "--role", "reviewer")
    assert code == 2 and "user 'nobody' not found" in err
    code, _, err = users(capsys, "grant", "dave", "--account", "Nope", "--role", "reviewer")
    assert code == 2 and "account 'Nope' not found" in err
    code, _, err = users(capsys, "add", "dave")
    assert code == 2 and "user 'dave' already exists" in err
    assert users(capsys, "revoke", "dave", "--account", "Petty cash")[1] == \
        "dave no longer holds any role on Petty cash\n"


def test_the_installed_command_adds_a_user(tmp_path):
    env = {**os.environ, "TIEOUT_HOME": str(tmp_path / "h"), "TIEOUT_USER": "owner"}
    done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "users", "add", "erin"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(token_of(done.stdout)) >= 40 and not done.stderr
    done = subprocess.run([sys.executable, "-m", "tieout.server.cli", "users", "grant", "erin", "--account", "X",
                           "--role", "boss"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "invalid choice: 'boss'" in done.stderr
