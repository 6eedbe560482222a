"""`tieout demo` end to end: the workbook is re-opened and checked (sheets, tables, totals that balance)."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tieout.excel_templates.reconciliation_workbook import SHEET_NAMES, SHEETS
from tieout.server.cli import main
from tieout.server.demo import run_demo
from tieout.server.sample_data import build_sample_month


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "Reconciliation-demo.xlsx"
    tieout = Path(sys.executable).parent / "tieout"
    proc = subprocess.run([str(tieout), "demo", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def _table_rows(ws, table_name):
    table = ws.tables[table_name]
    rows = list(ws[table.ref])
    header = [c.value for c in rows[0]]
    data = [dict(zip(header, (c.value for c in r))) for r in rows[1:]]
    return [r for r in data if any(v not in (None, "") for v in r.values())]


def _money(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def test_demo_workbook_has_every_sheet_as_a_table(demo_run):
    out, _ = demo_run
    wb = load_workbook(out)
    assert tuple(wb.sheetnames) == SHEET_NAMES
    for name in SHEET_NAMES:
        table_name, columns = SHEETS[name]
        assert table_name in wb[name].tables, f"{name} has no Excel Table"
        if name != "Rules":
            header = [c.value for c in list(wb[name][wb[name].tables[table_name].ref])[0]]
            assert header == [c.header for c in columns]


def test_demo_sides_match_the_sample_files(demo_run):
    out, stdout = demo_run
    wb = load_workbook(out)
    month = build_sample_month()
    bank = _table_rows(wb["Bank Statement"], "tblBank")
    gl = _table_rows(wb["GL Lines"], "tblGL")
    assert len(bank) == sum(1 for t in month.txns if t.bank_date)
    assert len(gl) == len(month.ledger_lines())
    assert sum(_money(r["amount"]) for r in bank) == month.bank_closing - month.opening_balance
    assert sum(_money(r["amount"]) for r in gl) == month.gl_balance().balance - month.opening_balance
    assert f"bank statement lines   {len(bank):>8}" in stdout
    assert f"GL lines               {len(gl):>8}" in stdout


def test_demo_reconciles_to_zero_and_summary_adds_up(demo_run):
    out, stdout = demo_run
    wb = load_workbook(out)
    summary = {r["Figure"]: _money(r["Amount"]) for r in _table_rows(wb["Summary"], "tblSummary")}
    month = build_sample_month()
    assert summary["Statement closing balance"] == month.bank_closing
    assert summary["GL balance"] == month.gl_balance().balance
    assert summary["Adjusted bank balance"] == (summary["Statement closing balance"]
                                                + summary["Add: deposits in transit"]
                                                + summary["Less: outstanding payments"])
    assert summary["Adjusted GL balance"] == (summary["GL balance"] + summary["Add: bank credits not in GL"]
                                              + summary["Less: bank debits not in GL"]
                                              + summary["Differences inside matches"])
    assert summary["Difference"] == Decimal("0.00")
    assert "difference                       0.00 USD" in stdout

    # every line is either in Matched or in Unmatched, never both, never neither
    matched = {(r["side"], r["line_id"]) for r in _table_rows(wb["Matched"], "tblMatched")}
    unmatched = {(r["side"], r["line_id"]) for r in _table_rows(wb["Unmatched"], "tblUnmatched")}
    bank = {("bank", r["line_id"]) for r in _table_rows(wb["Bank Statement"], "tblBank")}
    gl = {("ledger", r["line_id"]) for r in _table_rows(wb["GL Lines"], "tblGL")}
    assert not matched & unmatched
    assert matched | unmatched == bank | gl
    assert len(matched) > len(unmatched)


def test_demo_matched_groups_balance_or_explain_their_difference(demo_run):
    out, _ = demo_run
    wb = load_workbook(out)
    groups: dict[str, dict] = {}
    for r in _table_rows(wb["Matched"], "tblMatched"):
        g = groups.setdefault(r["match_id"], {"bank": Decimal(0), "ledger": Decimal(0), "diff": r["amount_difference"],
                                               "reason": r["reason"], "rule": r["rule"]})
        g[r["side"]] += _money(r["amount"])
    assert groups
    for mid, g in groups.items():
        assert g["reason"] and g["rule"], mid
        assert g["bank"] - g["ledger"] == _money(g["diff"] or 0), mid


def test_demo_is_reproducible(tmp_path):
    """Same seed, same figures (timings and the output path aside)."""
    outputs = []
    for k in range(2):
        lines: list[str] = []
        run_demo(tmp_path / f"run{k}" / "r.xlsx", echo=lines.append)
        outputs.append([ln for ln in lines if not ln.endswith(" ms") and not ln.startswith("wrote")])
    assert outputs[0] == outputs[1]
    assert any(ln.strip().startswith("difference") for ln in outputs[0])


def test_demo_cli_reports_bad_output_path_as_input_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["demo", "--out", str(blocker / "sub" / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert str(blocker / "sub") in err and "cannot write" in err
