"""Forget Layout (gaps13): a user who confirmed a wrong inferred layout is not stuck with it. The layout kept at
confirmation (and remembered by the account when forced) is forgotten from Excel's Import group or with
`tieout profile forget NAME`: the user's profile file is deleted, the account's remembered import options lose
it (audited on the server), and the bank's next file is inferred and asked about again. Shipped layouts cannot
be forgotten; an unknown name is named. Real server, real .xlsx, a real bank file."""
from __future__ import annotations

import json
import os
from pathlib import Path

from test_addin_kit import live, new_book, ok, run  # noqa: F401 (fixtures)
from tieout.server.cli import main

FILE = "csv/sparda_umsaetze-1234567-2024-02-13-12-00-00.csv"  # a German savings bank's export: no profile
NAME = Path(FILE).stem


def confirmed_and_remembered(live, wild, tmp_path) -> tuple[Path, Path, int]:
    """The layout confirmed at the first import, then forced at the second (so the account remembers it)."""
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=wild / FILE, account_name="Savings", confirm_layout="yes")
    saved = Path(os.environ["TIEOUT_HOME"]) / "profiles" / f"{NAME}.toml"
    assert saved.exists()
    account = next(a for a in live.call("GET", "/api/accounts") if a["name"] == "Savings")
    live.call("PUT", f"/api/accounts/{account['id']}/settings/import_options",
              {"value": {"currency": "EUR", "profile": NAME}}, user="alice")
    return path, saved, account["id"]


def remembered(live, account_id: int) -> dict:
    return live.call("GET", f"/api/accounts/{account_id}/settings/import_options")["value"]


def setting_audit(live, account_id: int) -> list[dict]:
    return [r for r in live.call("GET", "/api/audit?limit=5000")
            if r["action"] == "account.setting.import_options" and str(r.get("entity_id")) == str(account_id)]


def test_forget_layout_deletes_the_kept_layout_and_the_accounts_remembered_choice(live, wild, tmp_path):
    path, saved, account_id = confirmed_and_remembered(live, wild, tmp_path)
    outcome, _ = ok(live, path, "forget_layout", profile=NAME)
    assert not saved.exists()
    assert f"Forgot your layout {NAME}" in outcome.messages[-1]
    assert "Savings no longer imports with it by default" in outcome.messages[-1]
    assert remembered(live, account_id) == {"currency": "EUR"}
    last = setting_audit(live, account_id)[-1]
    assert (last["before"], last["after"]) == ({"currency": "EUR", "profile": NAME}, {"currency": "EUR"})
    # the bank's next file is inferred again: nothing imported until the layout is confirmed once more
    outcome, _ = run(live, new_book(tmp_path / "Next.xlsx"), "import_bank_file", file=wild / FILE,
                     account_name="Savings 2")
    assert not outcome.ok and "its inferred layout was not confirmed" in outcome.error


def test_forget_layout_names_what_can_be_forgotten(live, wild, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = run(live, path, "forget_layout", profile=NAME)
    assert not outcome.ok and "You have kept no layouts of your own" in outcome.error
    path, saved, _ = confirmed_and_remembered(live, wild, tmp_path)
    for name, words in (("chase_checking", "one of Tieout's own layouts"), ("nope", "no layout profile of yours "
                                                                                   "is named 'nope'")):
        outcome, _ = run(live, path, "forget_layout", profile=name)
        assert not outcome.ok and words in outcome.error and f"Pick one of yours: {NAME}" in outcome.error
    outcome, _ = run(live, path, "forget_layout")  # batch mode, no profile named: asked for, nothing deleted
    assert not outcome.ok and "(batch mode: --profile NAME)" in outcome.error and saved.exists()


def test_tieout_profile_list_and_forget(live, wild, tmp_path, capsys):
    _, saved, account_id = confirmed_and_remembered(live, wild, tmp_path)
    capsys.readouterr()
    assert main(["profile", "list", "--json"]) == 0
    listed = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
    assert (listed[NAME]["source"], listed[NAME]["path"]) == ("user", str(saved))
    assert listed["chase_checking"]["source"] == "builtin"

    assert main(["profile", "forget", "chase_checking"]) == 2
    assert "one of Tieout's own layouts" in capsys.readouterr().err
    assert main(["profile", "forget", "nope"]) == 2
    assert f"no layout profile of yours is named 'nope' (yours: {NAME})" in capsys.readouterr().err

    assert main(["profile", "forget", NAME]) == 0  # the store of this home is the live server's
    out = capsys.readouterr().out
    assert f"forgot your layout profile {NAME}" in out and f"no longer remembered for 1 account(s) (ids {account_id})" \
        in out
    assert not saved.exists() and remembered(live, account_id) == {"currency": "EUR"}
    assert setting_audit(live, account_id)[-1]["after"] == {"currency": "EUR"}
    assert main(["profile", "list", "--json"]) == 0
    assert NAME not in {e["name"] for e in json.loads(capsys.readouterr().out)}
