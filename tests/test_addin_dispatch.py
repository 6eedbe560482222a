"""The dispatcher: one handler per ribbon button and one button per handler, the ribbon's entry point on a
workbook adapter (message boxes that say what to do), and advice for every error code the server sends."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from test_addin_kit import live, month, new_book, ok, prepared  # noqa: F401 (fixtures)
from tieout.addin import dispatch
from tieout.addin.handlers import advice, load
from tieout.addin.handlers.options import OPTIONS
from tieout.addin.handlers.registry import HANDLERS
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.ribbon.buttons import load_ribbon
from tieout.server.cli import build_parser
from tieout.server.errors import InputError

SERVER = Path(__file__).resolve().parents[1] / "server"


def test_every_button_has_a_handler_and_every_handler_a_button():
    ribbon = load_ribbon()
    buttons = ribbon.handlers()
    assert len(buttons) == 17 + 2 + 1 + 8 + 2 + 1  # + Match Filtered, Save Rules as Default (issue 15), Workspace (issue 14), the Ledger group (issue 16), the Manual group (issue 15), Forget Layout (gaps13)
    assert set(buttons.values()) == set(load())
    for name, h in load().items():
        assert callable(h.fn) and h.summary, name
        assert set(h.options) <= set(OPTIONS)


def test_the_cli_offers_every_handler_option():
    parser = build_parser()
    args = parser.parse_args(["run", "R.xlsx", "--action", "match_selected", "--bank", "B1,B2", "--gl", "G7",
                              "--write-off-account", "6100", "--amount", "-5.00"])
    assert (args.workbook, args.action, args.bank, args.gl, args.write_off_account, args.amount) == (
        "R.xlsx", "match_selected", "B1,B2", "G7", "6100", "-5.00")
    for name in OPTIONS:
        assert parser.parse_args(["run", "R.xlsx", "--action", "refresh", "--" + name.replace("_", "-"), "x"])


def test_actions_resolve_by_handler_name_or_button_id():
    assert dispatch.resolve("btnNewTxnCashEntry") == "new_transaction_cash_entry"
    assert dispatch.resolve("post_new_transactions") == "post_new_transactions"
    with pytest.raises(InputError, match="unknown action 'post'; the actions are: accept_matches, acknowledge_findings, approve"):
        dispatch.resolve("post")


def test_dispatch_runs_the_button_and_reports_failures_in_a_message_box(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    book = XlsxWorkbook(path, echo=lambda t: None)
    outcome = dispatch.dispatch("btnAutoMatch", book, live.client())
    assert outcome.exit_code == 2
    (box,) = book.messages
    assert box.startswith("This workbook is not linked to a reconciliation yet.")
    assert "What to do: Import a bank file or a GL template first" in box

    book = XlsxWorkbook(path, echo=lambda t: None)
    outcome = dispatch.dispatch("btnImportBankFile", book, live.client())
    assert outcome.exit_code == 2 and "No file was chosen" in book.messages[0]  # no dialog in batch mode

    book = XlsxWorkbook(path, echo=lambda t: None)
    outcome = dispatch.dispatch("btnNoSuchButton", book, live.client())
    assert outcome.exit_code == 1 and "install the Tieout add-in again" in book.messages[0]


def test_a_linked_workbook_refreshes_through_dispatch(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    prepared(live, month, path)
    shown = []
    book = XlsxWorkbook(path, echo=shown.append)
    outcome = dispatch.dispatch("btnRefresh", book, live.client())
    assert outcome.ok and book.messages == []
    assert shown[-1] == "Refreshed: status In Progress, difference 0.00."  # the status bar's last text


def test_an_internal_error_is_logged_and_said_plainly(live, month, tmp_path, monkeypatch):
    path = new_book(tmp_path / "Rec.xlsx")

    def broken(ctx):
        raise KeyError("boom")
    load()
    monkeypatch.setitem(HANDLERS, "report", replace(HANDLERS["report"], fn=broken))
    book = XlsxWorkbook(path, echo=lambda t: None)
    outcome = dispatch.run_handler("report", book, {}, live.client())
    assert outcome.exit_code == 1
    assert "Tieout hit an internal error (KeyError: 'boom')" in outcome.error
    log = tmp_path / "home" / "logs" / "addin.log"
    assert str(log) in outcome.error and "KeyError: 'boom'" in log.read_text()


def test_every_error_code_the_server_sends_has_advice():
    codes = set()
    for path in SERVER.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'Refusal\(\s*"([a-z_]+)"', text))
        codes |= set(re.findall(r'error_response\(\s*"([a-z_]+)"', text))
    from tieout.server.app.errors import HTTP_CODES

    codes |= set(HTTP_CODES.values())
    codes -= {"method_not_allowed", "unsupported_media_type"}  # the add-in never makes such requests
    assert len(codes) > 20
    missing = sorted(c for c in codes if c not in advice.ADVICE)
    assert missing == []
