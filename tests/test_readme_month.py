"""The README's "A preparer's month in batch commands, from a fresh install" runs as written: every command of
its block, through the installed CLI's entry point (`main`), against a local server on loopback sharing the
fresh TIEOUT_HOME, with the sample month's files under the names the README gives them. Tokens printed by
`tieout users add` stand in for A, B and C. The outcome is checked on the server: both accounts Approved by
Carol after Bob's review, the Manual account's items explaining its difference, and the report written."""
from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from test_addin_kit import month  # noqa: F401 (fixture)
from test_cli_users import local, token_of  # noqa: F401 (fixture)
from tieout.server.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "### A preparer's month in batch commands, from a fresh install"


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text[text.index(SECTION):], re.S).group(1)
    return [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_the_readme_block_is_the_month_the_issue_asks_for():
    actions = [re.search(r"--action (\w+)", c).group(1) for c in readme_commands() if "--action" in c]
    for wanted in ("import_bank_file", "auto_match", "manual_item", "post_new_transactions", "submit_for_review",
                   "approve"):
        assert wanted in actions, wanted
    assert any("--currency" in c and "import_bank_file" in c for c in readme_commands())  # import with options


def test_the_readme_month_runs_as_written(local, month, tmp_path, monkeypatch, capsys):
    base, _ = local
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(month.bank, work / "chase-2026-10.csv")
    shutil.copy(month.gl, work / "GL-2026-10.xlsx")
    monkeypatch.chdir(work)
    tokens: dict[str, str] = {}
    for line in readme_commands():
        words = shlex.split(line, comments=True)
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=\S+", words[0]):  # VAR=value before the command
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        if words[0] == "export":
            name, value = words[1].split("=", 1)
            monkeypatch.setenv(name, tokens.get(value, value))
            continue
        assert words[0] == "tieout", line
        saved = os.environ.get("TIEOUT_TOKEN")
        for name, value in env.items():
            monkeypatch.setenv(name, tokens.get(value, value))
        code = main(words[1:])
        out, err = capsys.readouterr()
        if saved is not None:
            monkeypatch.setenv("TIEOUT_TOKEN", saved)
        assert code == 0, f"{line}\n{out}\n{err}"
        if words[1:3] == ["users", "add"]:
            tokens["ABC"["alice bob carol".split().index(words[3])]] = token_of(out)
        comment = line.split("#", 1)[1].strip() if "#" in line and words[1] == "run" else ""
        if comment.startswith(("Reviewed by", "Approved by")):
            assert comment in out, (line, out)

    import requests

    with requests.Session() as s:
        s.headers.update({"Authorization": f"Bearer {tokens['A']}", "Connection": "close"})
        listed = s.get(f"{base}/api/reconciliations", timeout=60).json()
        recs = {d["account"]["name"]: d for d in (s.get(f"{base}/api/reconciliations/{r['id']}", timeout=60).json()
                                                   for r in listed)}
        items = s.get(f"{base}/api/reconciliations/{recs['Prepaid insurance']['id']}/items", timeout=60).json()
    for name in ("Operating", "Prepaid insurance"):
        rec = recs[name]
        assert (rec["status"], rec["prepared_by"], rec["reviewed_by"], rec["approved_by"]) == \
            ("Approved", "alice", "bob", "carol"), name
    prepaid = recs["Prepaid insurance"]
    assert prepaid["account"]["kind"] == "Manual" and prepaid["figures"]["difference"] == "0.00"
    assert sorted((i["amount"], i["owner"]) for i in items) == [("250.00", "alice"), ("500.00", "alice")]
    assert (work / "Prepaid-report.pdf").read_bytes().startswith(b"%PDF")
