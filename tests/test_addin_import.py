"""Import Bank File and Import GL Template on real .xlsx workbooks against the real server; the written
workbooks re-opened with openpyxl and checked (tables, formats, widths, frozen headers, colours, drop-downs,
protection)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.excel_templates.reconciliation_workbook import SHEET_NAMES, SHEETS
from tieout.excel_templates.sheet_writer import DATE_FORMAT, MONEY_FORMAT


def money(v) -> Decimal:
    return Decimal(repr(v)).quantize(Decimal("0.01"))


def test_first_import_creates_the_reconciliation_and_the_eight_sheets(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    assert "Imported chase-2026-10.csv (csv): 44 lines" in outcome.messages[0]
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    rec = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    assert rec["account"]["name"] == "Operating" and rec["period"]["name"] == "2026-10"
    assert rec["status"] == "In Progress" and rec["figures"]["bank_lines"] == 44
    statements = live.call("GET", f"/api/reconciliations/{rec_id}/statements", user="alice")
    assert Decimal(statements[0]["closing_balance"]) == month.data.bank_closing

    wb = load_workbook(path)
    assert wb.sheetnames == list(SHEET_NAMES)
    for sheet in SHEET_NAMES:
        assert list(wb[sheet].tables) == [SHEETS[sheet][0]], sheet
    bank = table(path, "Bank Statement")
    assert len(bank) == 44
    assert sum(money(r["amount"]) for r in bank) == month.data.bank_closing - Decimal(statements[0]["opening_balance"])
    assert all(isinstance(r["date"], dt.datetime) for r in bank)
    assert {r["status"] for r in bank} == {"Unmatched"}
    ws = wb["Bank Statement"]
    assert ws["C2"].number_format == MONEY_FORMAT and ws["B2"].number_format == DATE_FORMAT
    assert ws.freeze_panes == "A2" and ws.column_dimensions["F"].width == 60
    status_rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert {r.formula[0] for r in status_rules} == {'"Proposed"', '"Unmatched"', '"Pending"'}
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["I2:I45"]

    summary = wb["Summary"]
    assert summary["B5"].value == "In Progress"
    figures = {r["Figure"]: r["Amount"] for r in table(path, "Summary")}
    assert money(figures["Statement closing balance"]) == month.data.bank_closing
    assert figures["GL balance"] is None  # not imported yet
    status_colours = {r.formula[0]: r.dxf.fill.fgColor.rgb[-6:] for cf in summary.conditional_formatting
                      for r in cf.rules if str(cf.sqref) == "B5"}
    assert status_colours['"Approved"'] == "A9D08E" and status_colours['"In Review"'] == "FFE699"

    # drop-downs: item status on Unmatched, GL account from the chart of accounts on Rules, kind
    dv = {str(v.sqref): v.formula1 for v in wb["Unmatched"].data_validations.dataValidation}
    assert dv == {"G2:G45": '"open,investigating,resolved"'}
    dv = {v.formula1 for v in wb["New Transactions"].data_validations.dataValidation}
    assert dv == {"TieoutChartOfAccounts", '"custom,liability,cash entry"'}
    chart_ref = wb.defined_names["TieoutChartOfAccounts"].attr_text
    # the chart sits right of the rules table (whose width follows the rule schema), under its own heading
    (col,) = [c.column_letter for c in wb["Rules"][1] if c.value == "chart_of_accounts"]
    assert chart_ref == f"'Rules'!${col}$2:${col}$201"
    chart = [c.value for (c,) in wb["Rules"][f"{col}2:{col}10"] if c.value]
    assert "6100 Bank charges" in chart and "4900 Interest income" in chart

    # preparing stage: computed sheets protected, Bank Statement free for sorting and selecting
    assert wb["Summary"].protection.sheet and wb["Matched"].protection.sheet and wb["Audit"].protection.sheet
    assert not wb["Bank Statement"].protection.sheet and not wb["Rules"].protection.sheet
    un = wb["Unmatched"]
    assert un.protection.sheet
    assert un["I2"].protection.locked is False and un["K45"].protection.locked is False  # owner, notes
    assert un["D2"].protection.locked is True  # amount
    assert not (wb.security and wb.security.lockStructure)


def test_the_same_statement_twice_is_refused_and_nothing_is_added(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    outcome, _ = run(live, path, "import_bank_file", file=month.bank)
    assert outcome.exit_code == 2
    assert "already imported" in outcome.error and "What to do:" in outcome.error
    assert len(table(path, "Bank Statement")) == 44


def test_a_bad_bank_file_names_line_and_field_and_links_nothing(live, month, tmp_path):
    lines = month.bank.read_text().splitlines()
    parts = lines[2].split(",")
    parts[3] = "12.3x"
    lines[2] = ",".join(parts)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = run(live, path, "import_bank_file", file=bad)
    assert outcome.exit_code == 2
    assert "bad.csv" in outcome.error and "line 3, field 'Amount': not an amount: '12.3x'" in outcome.error
    assert XlsxWorkbook(path).get_setting("ReconciliationId") is None
    assert live.call("GET", "/api/reconciliations") == []


def test_missing_file_and_unlinked_workbook_say_what_to_do(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = run(live, path, "import_bank_file", file=tmp_path / "nope.csv")
    assert outcome.exit_code == 2 and "no such file" in outcome.error
    outcome, _ = run(live, path, "import_bank_file")
    assert outcome.exit_code == 2 and "No file was chosen" in outcome.error and "--file" in outcome.error
    outcome, _ = run(live, path, "auto_match")
    assert outcome.exit_code == 2 and "not linked to a reconciliation" in outcome.error
    assert "Import a bank file or a GL template first" in outcome.error


def test_gl_template_sets_balance_and_lines_once(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    outcome, _ = ok(live, path, "import_gl_template", file=month.gl)
    expected = month.data.gl_balance().balance
    assert f"GL balance {expected} USD" in outcome.messages[0] and "46 new GL lines" in outcome.messages[0]
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    rec = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    assert Decimal(rec["gl_balance"]) == expected and rec["figures"]["gl_lines"] == 46
    gl = table(path, "GL Lines")
    assert len(gl) == 46
    assert sum(money(r["amount"]) for r in gl) == sum(ln.amount for ln in month.data.ledger_lines())
    assert {r["created_by"] for r in gl} == {None}
    figures = {r["Figure"]: r["Amount"] for r in table(path, "Summary")}
    assert money(figures["GL balance"]) == expected
    assert "GL account 1010" in load_workbook(path)["Summary"]["B2"].value  # the template's cash account

    again, _ = ok(live, path, "import_gl_template", file=month.gl)
    assert "0 new GL lines" in again.messages[0] and "46 already there" in again.messages[0]
    assert len(table(path, "GL Lines")) == 46


def test_gl_template_first_creates_the_account_from_the_template(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_gl_template", file=month.gl)
    (acc,) = live.call("GET", "/api/accounts")
    assert acc["gl_account"] == "1010" and acc["currency"] == "USD"
    ok(live, path, "import_bank_file", file=month.bank)
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    figs = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")["figures"]
    assert (figs["bank_lines"], figs["gl_lines"]) == (44, 46)


def test_bank_text_that_looks_like_a_formula_stays_text(live, month, tmp_path):
    lines = month.bank.read_text().splitlines()
    parts = lines[1].split(",")
    parts[2] = "=HYPERLINK(\"http://x\";\"fee\")"
    lines[1] = ",".join(parts)
    evil = tmp_path / "evil.csv"
    evil.write_text("\n".join(lines) + "\n")
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=evil, account_name="Operating")
    ws = load_workbook(path)["Bank Statement"]
    cells = [r[5] for r in ws.iter_rows(min_row=2) if str(r[5].value).startswith("=")]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_the_demo_workbook_takes_the_server_data_and_gets_a_chart_of_accounts(live, month, tmp_path):
    from tieout.server.demo import run_demo

    path = tmp_path / "demo" / "Reconciliation-demo.xlsx"
    run_demo(path, echo=lambda *a: None)
    rules_before = table(path, "Rules")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    wb = load_workbook(path)
    assert wb.sheetnames == list(SHEET_NAMES)
    assert table(path, "Rules") == rules_before  # the user's rules are left as they are
    letter = wb.defined_names["TieoutChartOfAccounts"].attr_text.split("!")[1].split("$")[1]
    assert wb["Rules"][f"{letter}1"].value == "chart_of_accounts"
    assert wb["Rules"][f"{letter}2"].value == "1200 Accounts receivable"
    assert {r["status"] for r in table(path, "Bank Statement")} == {"Unmatched"}  # the server's view now


def test_a_file_with_amounts_finer_than_the_store_keeps_is_refused_naming_them(live, wild, tmp_path):
    """A money-market sample states its balance to 12 decimals: refused as bad input naming the statement and
    the field, never rounded, and never an internal error halfway through storing it."""
    path = new_book(tmp_path / "MM.xlsx")
    outcome, _ = run(live, path, "import_bank_file", file=wild / "ofx/ofxgo_moneymrkt1_v203.ofx", account_name="MM")
    assert outcome.exit_code == 2
    assert "field 'closing_balance': 3317.738651126686 has more than the 4 decimals" in outcome.error
    assert "internal error" not in outcome.error
