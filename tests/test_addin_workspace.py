"""The Workspace button and `tieout workspace` against the real server on loopback: Workspace.xlsx re-opened
and checked (statuses with their colours, people, aged items, the exceptions Table with what to do, page
setup, no formulas), the accounts' legal entity and type set from the command line, bad input exit 2, and
LibreOffice converting the workbook."""
from __future__ import annotations

import os
import subprocess
import sys

from openpyxl import load_workbook

from test_addin_kit import live, month, ok, prepared, run, table  # noqa: F401 (fixtures)
from test_addin_libreoffice import soffice, text_of, to_pdf  # noqa: F401 (fixture)
from tieout.excel_templates.sheet_writer import STATUS_COLOURS

FORMULA_NAME = "=HYPERLINK(\"http://x\") Petty cash"  # an account name a spreadsheet would run


def tieout(live, *args, user: str = "alice"):
    env = {**os.environ, "TIEOUT_URL": live.base, "TIEOUT_TOKEN": live.tokens[user]}
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)


def _office(live, month, tmp_path):
    """Operating prepared by alice (October, matched, open items); Payroll and a formula-named account of
    alice's with no reconciliation; Treasury, nobody's but the owner's."""
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    for name in ("Payroll", FORMULA_NAME):
        acc = live.call("POST", "/api/accounts", {"name": name, "currency": "JPY", "legal_entity": "Acme KK",
                                                  "account_type": "AP"}, user="alice")
        assert acc["account_type"] == "AP"
    live.call("POST", "/api/accounts", {"name": "Treasury", "currency": "USD"})
    return path, rec_id


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""


def test_the_workspace_button_writes_every_account_with_status_colours_and_exceptions(live, month, tmp_path):
    path, rec_id = _office(live, month, tmp_path)
    outcome, _ = ok(live, path, "workspace")  # the linked reconciliation's period, next to the workbook
    out = tmp_path / "Workspace-2026-10.xlsx"
    assert outcome.messages[0].startswith(f"Wrote the workspace {out} (period 2026-10: 3 accounts, ")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Workspace", "Exceptions"]
    rows = table(out, "Workspace")
    assert [r["account"] for r in rows] == ["Operating", FORMULA_NAME, "Payroll"]  # by entity, then name
    assert [r["legal entity"] for r in rows] == ["(not set)", "Acme KK", "Acme KK"]  # Treasury is not alice's
    ops = rows[0]
    rec = live.call("GET", f"/api/reconciliations/{rec_id}")
    figs = rec["figures"]
    assert (ops["status"], ops["preparer"], ops["reviewer"], ops["reconciliation"]) == \
        ("In Progress", "alice", "bob", rec_id)
    n_open = figs["bank_lines"] - figs["matched_bank_lines"] + figs["gl_lines"] - figs["matched_gl_lines"]
    assert ops["open items"] == n_open > 0
    assert sum(ops[f"{b} days"] for b in ("0-30", "31-60", "61-90", "90+")) == n_open
    assert ops["freshness"].startswith("data last updated ") and ops["freshness"].endswith("no scheduled update")
    sheet = wb["Workspace"]
    header = [c.value for c in sheet[6]]
    status_col = header.index("status")
    fills = {sheet.cell(row=r, column=status_col + 1).value: _fill(sheet.cell(row=r, column=status_col + 1))
             for r in range(7, 10)}
    assert fills == {"In Progress": STATUS_COLOURS["In Progress"], "Not Started": STATUS_COLOURS["Not Started"]}
    diff = sheet.cell(row=7, column=header.index("difference") + 1)
    assert diff.value == float(figs["difference"]) and diff.number_format.startswith("#,##0.00")
    # nothing a spreadsheet would run
    assert all(c.data_type != "f" for ws in wb for r in ws.iter_rows() for c in r)
    # prints: one page wide, landscape, the title block and header repeated
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$6"

    exceptions = table(out, "Exceptions")
    assert {(e["account"], e["issue"]) for e in exceptions} >= {
        ("Payroll", "not started for this period"), (FORMULA_NAME, "not started for this period")}
    assert all(e["what to do"] for e in exceptions)
    assert exceptions[0]["severity"] == "high"
    unowned = next(e for e in exceptions if e["account"] == "Operating" and "without an owner" in e["issue"])
    assert unowned["what to do"] == "Give each open item an owner and a due date on the Unmatched sheet."
    assert next(iter(wb["Exceptions"].tables.values())).ref.startswith("A6:J")


def test_tieout_workspace_and_accounts_commands(live, month, tmp_path):
    _office(live, month, tmp_path)
    done = tieout(live, "accounts", "set", "Payroll", "--type", "ar", "--legal-entity", "Acme GK")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("Payroll: legal entity Acme GK, type AR")
    done = tieout(live, "workspace", "--period", "2026-10", "--out", tmp_path / "ws" / "W.xlsx", user="owner")
    assert done.returncode == 0, done.stderr
    rows = {r["account"]: r for r in table(tmp_path / "ws" / "W.xlsx", "Workspace")}
    assert set(rows) == {"Operating", "Payroll", "Treasury", FORMULA_NAME}  # the owner sees every account
    assert (rows["Payroll"]["legal entity"], rows["Payroll"]["type"]) == ("Acme GK", "AR")
    assert rows["Treasury"]["status"] == "Not Started"

    for args, message in (
            (("workspace", "--out", tmp_path / "W.csv"), f"{tmp_path / 'W.csv'}: the workspace is written as .xlsx"),
            (("workspace", "--period", "Oct", "--out", tmp_path / "W.xlsx"), "query parameter 'period': 'Oct' is "
                                                                             "not yyyy-mm"),
            (("accounts", "set", "Payroll", "--type", "loan"), "field 'account_type': must be one of bank, AP, AR, "
                                                               "tax, other, not 'loan'"),
            (("accounts", "set", "Nope", "--type", "AP"), "account 'Nope': no account of that id or name"),
            (("accounts", "set", "Payroll"), "nothing to change")):
        done = tieout(live, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "W.xlsx").exists() and not (tmp_path / "W.csv").exists()


def test_libreoffice_converts_the_workspace(soffice, live, month, tmp_path):
    path, _ = _office(live, month, tmp_path)
    ok(live, path, "workspace", out=tmp_path / "Workspace.xlsx")
    pdf = to_pdf(soffice, tmp_path / "Workspace.xlsx", tmp_path)
    text = text_of(pdf)
    assert "Operating" in text and "In Progress" in text and "Give each open item an owner" in text
