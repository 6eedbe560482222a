"""Shared fixtures of the add-in tests (imported by the other test_addin_* modules).

- `live`: the real calculation server (waitress, make_server) on a free loopback port in a thread, with a
  temporary TIEOUT_HOME, in team mode with three users: alice prepares, bob reviews, carol approves;
- `month`: a seeded sample month as real files (Chase CSV bank statement, filled GL template);
- `run`: a handler run through the saved-workbook adapter as a given user, returning the outcome.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from tieout.addin.client import Client
from tieout.addin.dispatch import run_handler
from tieout.addin.xlsx_workbook import XlsxWorkbook

USERS = {"alice": "preparer", "bob": "reviewer", "carol": "approver"}


@dataclass
class Live:
    base: str
    app: object
    tokens: dict[str, str]
    clients: list

    def client(self, user: str = "alice") -> Client:
        made = Client(self.base, token=self.tokens[user], autostart=False)
        self.clients.append(made)
        return made

    def call(self, method: str, path: str, json=None, user: str = "owner"):
        # A response kept referenced keeps its connection open, and a stopping server waits for it: the
        # response lives only inside this call.
        with requests.Session() as session:
            r = session.request(method, self.base + path, json=json, timeout=60,
                                headers={"Authorization": f"Bearer {self.tokens[user]}", "Connection": "close"})
            r.raise_for_status()
            return r.json() if r.content else None

    def grant_team(self, account_id: int) -> None:
        for user, role in USERS.items():
            if role != "preparer":
                self.call("POST", f"/api/accounts/{account_id}/roles", {"user": user, "role": role})


@pytest.fixture
def live(tmp_path, monkeypatch):
    from tieout.server.app.serve import running

    home = tmp_path / "home"
    monkeypatch.setenv("TIEOUT_HOME", str(home))
    with running({"LOCAL_USER": "owner", "MODE": "team"}) as (base, app):
        monkeypatch.setenv("TIEOUT_URL", base)
        tokens = {"owner": app.extensions["tieout"].token}
        made = Live(base, app, tokens, [])
        for user in USERS:
            tokens[user] = made.call("POST", "/api/users", {"name": user})["token"]
        yield made
        for c in made.clients:
            c.close()  # waitress waits for kept-alive connections before it stops


@dataclass
class Month:
    bank: Path
    gl: Path
    data: object  # tieout.server.sample_data.SampleMonth


@pytest.fixture
def month(tmp_path) -> Month:
    from tieout.excel_templates.gl_template import fill_gl_template
    from tieout.server.sample_data import build_sample_month, write_chase_csv

    data = build_sample_month(20261122)
    folder = tmp_path / "files"
    folder.mkdir()
    bank = write_chase_csv(data, folder / "chase-2026-10.csv")
    gl = fill_gl_template(None, folder / "GL-2026-10.xlsx", data.gl_balance(), data.ledger_lines())
    return Month(bank, gl, data)


def new_book(path: Path) -> Path:
    from tieout.addin.dispatch import new_workbook

    new_workbook(path)
    return path


def run(live: Live, path: Path, name: str, user: str = "alice", selection=None, **args):
    """One handler on the saved workbook, then saved (as in batch mode); returns (outcome, adapter)."""
    book = XlsxWorkbook(path, selection=selection, echo=lambda text: None)
    outcome = run_handler(name, book, {k: str(v) for k, v in args.items()}, live.client(user))
    book.save()
    return outcome, book


def ok(live: Live, path: Path, name: str, user: str = "alice", selection=None, **args):
    outcome, book = run(live, path, name, user, selection, **args)
    assert outcome.ok, outcome.error
    return outcome, book


def table(path: Path, sheet: str) -> list[dict]:
    """A sheet's Excel Table as dicts (the file re-opened with openpyxl, independent of the adapter)."""
    ws = load_workbook(path)[sheet]
    (tbl,) = ws.tables.values()
    rows = [[c.value for c in r] for r in ws[tbl.ref]]
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def prepared(live: Live, month: Month, path: Path) -> int:
    """A workbook with the month imported, auto-matched and accepted; returns the reconciliation id."""
    new_book(path)
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    ok(live, path, "auto_match")
    ok(live, path, "accept_matches")
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    live.grant_team(live.call("GET", f"/api/reconciliations/{rec_id}")["account"]["id"])
    return rec_id
