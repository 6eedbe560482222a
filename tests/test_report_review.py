"""What the reviewer signs, read back from the files: the report's standing and colours follow the workflow
and what stands against it (never a green "Difference 0.00" over a reconciliation with nothing matched), the
sign-off block, the review checks section (rendered from the checks' JSON shape; "not available" when the
server has no review route), the charts drawn, the page count bounded, money in the currency's decimals;
LibreOffice converting the xlsx report; the reconciliation workbook printing on a few pages."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pdfplumber
import pypdfium2
from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, prepared  # noqa: F401 (fixtures)
from test_addin_libreoffice import soffice, text_of, to_pdf  # noqa: F401 (fixture)
from test_report import font_state
from tieout.addin.report_sources import Check, ReportExtras, ReviewChecks

GREEN_FILL = (0.776, 0.937, 0.808)  # report_pdf.GOOD, C6EFCE
RED_FILL = (1.0, 0.78, 0.808)  # FFC7CE
CHART_FILLS = {(0.184, 0.333, 0.592): "bank", (0.773, 0.353, 0.067): "GL", (0.329, 0.51, 0.208): "rule"}


def _fills(pdf) -> list[tuple]:
    return [tuple(round(v, 3) for v in r["non_stroking_color"]) for page in pdf.pages for r in page.rects
            if r.get("fill") and isinstance(r.get("non_stroking_color"), (tuple, list))
            and len(r["non_stroking_color"]) == 3]


def _words(pdf) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def test_nothing_matched_and_approved_is_never_a_green_difference(live, month, tmp_path):
    """The issue's case: bank and GL imported, nothing matched, submitted and approved: the difference is
    0.00 (every line is an open item) but the report says why the reconciliation does not stand."""
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    from tieout.addin.xlsx_workbook import XlsxWorkbook

    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    live.grant_team(live.call("GET", f"/api/reconciliations/{rec_id}")["account"]["id"])
    # Submit wants an owner and due date on every item it escalates, and Approve a reviewer's comment on every
    # failing check: given both, such a reconciliation can still be approved, and the report must say so
    wb = load_workbook(path)  # typed on Unmatched, as the preparer would: the next button press sends them
    ws = wb["Unmatched"]
    header = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        ws.cell(row, header.index("owner") + 1, "alice")
        ws.cell(row, header.index("due_date") + 1, "2026-11-30")
    wb.save(path)
    ok(live, path, "submit_for_review")
    for c in live.call("GET", f"/api/reconciliations/{rec_id}/review", user="bob")["checks"]:
        if c["status"] == "fail":
            live.call("PUT", f"/api/reconciliations/{rec_id}/review/{c['id']}",
                      {"ticked": True, "comment": "seen"}, user="bob")
    ok(live, path, "approve", user="bob")
    ok(live, path, "approve", user="carol")
    rec = live.call("GET", f"/api/reconciliations/{rec_id}")
    assert rec["status"] == "Approved" and Decimal(rec["figures"]["difference"]) == 0
    n_open = rec["figures"]["bank_lines"] + rec["figures"]["gl_lines"]
    ok(live, path, "report", out=tmp_path / "R.pdf")
    with pdfplumber.open(tmp_path / "R.pdf") as pdf:
        words, fills = _words(pdf), _fills(pdf)
        pages = len(pdf.pages)
    assert f"Approved: nothing is matched, {n_open} items open" in words
    assert "Difference 0.00 0.00 when reconciled" in words
    passing = [c for c in live.call("GET", f"/api/reconciliations/{rec_id}/review")["checks"]
               if c["status"] == "pass"]
    # neither the status nor the difference is green: the only green cells are the passing review checks
    assert fills.count(GREEN_FILL) == len(passing)
    assert RED_FILL in fills
    # the sign-off block names the three people, and the hash they signed
    assert "Prepared by alice" in words and "Reviewed by bob" in words and "Approved by carol" in words
    assert f"Data hash: {rec['submitted_hash']}" in words
    assert "Review checks not available" not in words  # the five checks are in the report
    assert pages <= 5, pages  # 44 bank lines, 47 GL lines, all open


def test_a_fifty_line_reconciliation_prints_on_a_few_pages_with_its_charts(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    figs = live.call("GET", f"/api/reconciliations/{rec_id}")["figures"]
    assert figs["bank_lines"] >= 44 and figs["gl_lines"] >= 44
    ok(live, path, "report", out=tmp_path / "R.pdf")
    with pdfplumber.open(tmp_path / "R.pdf") as pdf:
        pages, words, fills = len(pdf.pages), _words(pdf), _fills(pdf)
    assert pages <= 3, pages
    assert "Open items by age (days at the period end)" in words and "Match rate by rule (% of all lines)" in words
    assert "Open items over the last periods" in words
    drawn = {CHART_FILLS[f] for f in fills if f in CHART_FILLS}
    assert drawn >= {"rule"}  # a bar per rule that matched
    assert "bank" in drawn or "GL" in drawn  # open items are bars of their side
    assert "Open items by age at 2026-10-31 age (days) bank items bank amount GL items GL amount 0-30" in words


def _checks() -> ReviewChecks:
    return ReviewChecks(True, (
        Check("opening", "Opening balance equals the prior period's reconciled closing balance", "pass",
              "48,250.00 = 48,250.00", ()),
        Check("unusual", "No unusual matched pair", "attention", "2 matches to tick: a manual match, a fee "
              "deducted", ("M000003", "M000007")),
        Check("new_transactions", "New transactions authorised and posted", "fail",
              "1 transaction not posted (created by alice)", ("T-4",))))


def test_the_review_checks_section_and_the_standing(tmp_path):
    from tieout.addin import report_pdf

    out = report_pdf.write_pdf_report(font_state(["Wire fee"]), tmp_path / "r.pdf", "Rec.xlsx",
                                      dt.datetime(2026, 11, 22, tzinfo=dt.UTC), ReportExtras(_checks()))
    with pdfplumber.open(out) as pdf:
        words, fills = _words(pdf), _fills(pdf)
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    assert "Review checks (3; 1 failing)" in words
    (checks,) = [[[" ".join((c or "").split()) for c in row] for row in t] for t in tables
                 if t[0][:2] == ["check", "status"]]
    assert [r[1] for r in checks[1:]] == ["PASS", "ATTENTION", "FAIL"]
    assert checks[2][3] == "M000003, M000007" and checks[3][2] == "1 transaction not posted (created by alice)"
    # one check failing: the status says so in red; the difference (0.00) is not green while it fails
    assert "In Progress: nothing is matched, 1 item open; 1 review check failing; 1 review check needs" in words
    assert fills.count(GREEN_FILL) == 1  # the passing check's cell only: not the difference, not the status


def test_money_prints_in_the_currencys_decimals(tmp_path):
    from tieout.addin import report_pdf

    assert report_pdf.money(Decimal("-1234.5"), 0) == "(1,235)"
    assert report_pdf.money(Decimal("1234.5678"), 3) == "1,234.568"
    state = font_state(["Bento"])
    jpy = type(state)(**{**state.__dict__, "account": {**state.account, "currency": "JPY"}})
    out = report_pdf.write_pdf_report(jpy, tmp_path / "r.pdf", "Rec.xlsx", dt.datetime(2026, 11, 22, tzinfo=dt.UTC))
    with pdfplumber.open(out) as pdf:
        words = _words(pdf)
    assert "GL-0 2026-10-31 (10) Bento" in words and "(10.00)" not in words


def test_libreoffice_converts_the_xlsx_report(soffice, live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    prepared(live, month, path)
    ok(live, path, "report", out=tmp_path / "Report.xlsx")
    text = text_of(to_pdf(soffice, tmp_path / "Report.xlsx", tmp_path))
    assert "Bank reconciliation report" in text and "Prepared by" in text and "0-30" in text


def test_the_reconciliation_workbook_prints_on_a_few_pages(soffice, tmp_path):
    """The demo month (45 bank lines, 47 GL lines, eight sheets): 48 pages before every sheet fit its width."""
    from tieout.server.demo import run_demo

    book = tmp_path / "demo" / "Reconciliation-demo.xlsx"
    run_demo(book, echo=lambda *a: None)
    from openpyxl import load_workbook

    for ws in load_workbook(book):
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        header = next(iter(ws.tables.values())).ref.split(":")[0][1:]  # the table's header row
        assert ws.print_title_rows == f"$1:${header}", ws.title
    pdf = to_pdf(soffice, book, tmp_path)
    assert len(pypdfium2.PdfDocument(str(pdf))) <= 10


def test_audit_details_read_as_words_not_json():
    from tieout.addin.sheets import readable

    after = {"status": "In Progress", "comment": "", "opening_balance": "48250.00",
             "carried_forward": {"bank_lines": 3, "gl_lines": 0, "manual_items": 0}, "keys": ["M1", "M2"],
             "hash": None, "allow_difference": False}
    assert readable(after) == ("status: In Progress; opening_balance: 48250.00; carried_forward: bank_lines 3, "
                               "gl_lines 0, manual_items 0; keys: M1, M2; allow_difference: false")
