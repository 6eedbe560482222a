"""The reviewer's report (Report button, `tieout report`): against the real server on loopback, a month with
matches, 80 extra outstanding cheques (so the open items flow over pages), an annotated open item whose text
holds reportlab markup characters, posted new transactions and a submitted, reviewed and approved workflow.
The PDF is read back with pdfplumber; the figures are checked against the server's and the sample month's."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from test_addin_kit import live, month, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.server.records import GLBalance, LedgerLine

EXTRA = 80  # outstanding cheques added to the GL: enough open items for more than one page
ODD = "Refund <b>& Sons </para> ok"  # reportlab markup: must print literally
OPEN_ITEM_HEADER = ["side", "line", "date", "amount", "description", "age", "owner", "due date", "status",
                    "notes"]


@dataclass
class Approved:
    path: Path
    rec_id: int
    rec: dict
    odd_line: str  # the line id of the open item with ODD as its description
    extra_total: Decimal


def _cheques(data) -> list[LedgerLine]:
    """Cheques written in the month that the bank has not paid; amounts in odd cents the bank never shows."""
    day = data.period_end - dt.timedelta(days=3)
    out = [LedgerLine("", day, -(Decimal(1000) + Decimal(n) * Decimal("10.07")), data.currency, f"CHK{9000 + n}",
                      f"Cheque {9000 + n} to supplier {n}", "AP", f"Supplier {n}") for n in range(EXTRA - 1)]
    out.append(LedgerLine("", day, Decimal("123.45"), data.currency, "DEP-ODD", ODD, "AR", "Sons"))
    return out


def annotate(path: Path, description: str, **values) -> str:
    """Types values into the Unmatched row of the line with this description (as a preparer does in Excel)."""
    wb = load_workbook(path)
    ws = wb["Unmatched"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("description")].value == description)
    for name, value in values.items():
        row[header.index(name)].value = value
    wb.save(path)
    return row[header.index("line_id")].value


def _approved(live, month, tmp_path) -> Approved:
    from tieout.excel_templates.gl_template import fill_gl_template

    data = month.data
    extra = _cheques(data)
    extra_total = sum((ln.amount for ln in extra), Decimal(0))
    bal = data.gl_balance()
    gl = fill_gl_template(None, tmp_path / "files" / "GL-long.xlsx",
                          GLBalance(bal.account, bal.period_end, bal.balance + extra_total, bal.currency),
                          [*data.ledger_lines(), *extra])
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=gl)
    ok(live, path, "auto_match")
    ok(live, path, "accept_matches")
    ok(live, path, "post_new_transactions")
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    live.grant_team(live.call("GET", f"/api/reconciliations/{rec_id}")["account"]["id"])
    odd = annotate(path, ODD, owner="dave", due_date=dt.date(2026, 11, 15), status="investigating",
                   notes="call <i>Sons</i> & ask")  # typed on Unmatched; the next button sends it
    ok(live, path, "submit_for_review")
    ok(live, path, "approve", user="bob")
    ok(live, path, "approve", user="carol")
    rec = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    assert rec["status"] == "Approved"
    return Approved(path, rec_id, rec, odd, extra_total)


@pytest.fixture
def approved(live, month, tmp_path) -> Approved:
    return _approved(live, month, tmp_path)


def paren(x: Decimal) -> str:
    """The accountants' form the report prints: 1,234.50 and (1,234.50)."""
    return f"({-x:,.2f})" if x < 0 else f"{x:,.2f}"


def _lines(pdf) -> list[str]:
    return [ln for page in pdf.pages for ln in (page.extract_text() or "").splitlines()]


def _line(lines: list[str], start: str) -> str:
    (found,) = [ln for ln in lines if ln.startswith(start)]
    return found


def test_the_pdf_report_shows_figures_signoffs_and_open_items(live, month, approved, tmp_path):
    outcome, _ = ok(live, approved.path, "report")
    out = tmp_path / "Rec-report.pdf"  # the default: next to the workbook
    figs = approved.rec["figures"]
    n_open = figs["bank_lines"] - figs["matched_bank_lines"] + figs["gl_lines"] - figs["matched_gl_lines"]
    assert outcome.messages == [f"Wrote the report {out} (status Approved, {n_open} open items)."]
    with pdfplumber.open(out) as pdf:
        lines = _lines(pdf)
        pages = len(pdf.pages)
        text = "\n".join(lines)
        tables = [[[" ".join((c or "").split()) for c in row] for row in t]  # wrapped cells joined again
                  for page in pdf.pages for t in page.extract_tables()]

    closing = month.data.bank_closing
    assert Decimal(figs["statement_balance"]) == closing
    assert _line(lines, "Statement closing balance ") == \
        f"Statement closing balance {closing:,.2f} as printed by the bank"
    gl = Decimal(approved.rec["gl_balance"])
    txns = live.call("GET", f"/api/reconciliations/{approved.rec_id}/transactions", user="alice")
    posted = sum((Decimal(t["amount"]) for t in txns), Decimal(0))
    assert gl == month.data.gl_balance().balance + approved.extra_total + posted  # imported, then posted to
    assert _line(lines, "GL balance ").startswith(f"GL balance {paren(gl)} GL account")
    gl_lines = live.call("GET", f"/api/reconciliations/{approved.rec_id}/gl-lines", user="alice")
    outstanding = sum((Decimal(g["amount"]) for g in gl_lines if g["match"] is None and Decimal(g["amount"]) < 0),
                      Decimal(0))
    assert outstanding <= approved.extra_total - Decimal("123.45") < 0  # our cheques are among them
    assert _line(lines, "Less: outstanding payments ") == \
        f"Less: outstanding payments {paren(outstanding)} GL payments not yet presented"
    assert Decimal(figs["difference"]) == 0
    assert _line(lines, "Difference ") == "Difference 0.00 0.00 when reconciled"

    # header, sign-offs with names from the audit trail, footer with the submitted hash on every page
    assert "Status Approved" in text and "Account Operating" in text and "Currency USD" in text
    signoffs = next(t for t in tables if t[0] == ["when", "who", "action", "status after", "comment"])
    assert [(r[1], r[2], r[3]) for r in signoffs[1:]] == [
        ("alice", "started", "In Progress"), ("alice", "prepared and submitted", "In Review"),
        ("bob", "reviewed", "Pending Approval"), ("carol", "approved", "Approved")]
    digest = approved.rec["submitted_hash"]
    assert len(digest) == 64
    footers = [ln for ln in lines if ln.startswith("Generated ")]
    assert len(footers) == pages > 1
    assert all(f.endswith(f"from Rec.xlsx; reconciliation #{approved.rec_id}; data hash {digest}") for f in footers)
    assert [ln for ln in lines if ln.startswith("Page ")] == [f"Page {i} of {pages}" for i in range(1, pages + 1)]

    # open items: every one listed, the header row repeated on each page the table flows onto
    items = [t for t in tables if t[0] == OPEN_ITEM_HEADER]
    assert len(items) > 1
    rows = [r for t in items for r in t[1:]]
    assert len(rows) == n_open
    odd = next(r for r in rows if r[1] == approved.odd_line)
    assert odd[4] == ODD and odd[3] == "123.45" and odd[0] == "GL"
    assert odd[6:9] == ["dave", "2026-11-15", "investigating"] and odd[9] == "call <i>Sons</i> & ask"
    assert odd[5] == "3"  # dated three days before the period end (_cheques)
    cheques = [r for r in rows if r[4].startswith("Cheque 9")]
    assert len(cheques) == EXTRA - 1
    assert sum(Decimal(r[3].strip("()").replace(",", "")) for r in cheques) == \
        -(approved.extra_total - Decimal("123.45"))
    assert all(r[3].startswith("(") for r in cheques)

    # matches by rule: counts and lines add up to the server's figures
    rules = next(t for t in tables if t[0] == ["rule", "kind", "matches", "bank lines", "GL lines", "value"])
    total = rules[-1]
    assert total[0] == "Total" and int(total[2]) == figs["matched_groups"]
    assert int(total[3]) == figs["matched_bank_lines"] and int(total[4]) == figs["matched_gl_lines"]
    assert sum(int(r[2]) for r in rules[1:-1]) == figs["matched_groups"]
    bank = live.call("GET", f"/api/reconciliations/{approved.rec_id}/bank-lines", user="alice")
    assert total[5] == paren(sum((abs(Decimal(b["amount"])) for b in bank if b["match"]), Decimal(0)))

    # new transactions: all posted (Post New Transactions ran before the submit)
    new = next(t for t in tables if t[0] == ["date", "amount", "GL account", "description", "kind", "bank line",
                                             "status"])
    assert len(new) - 1 == len(txns) > 0
    assert {r[6] for r in new[1:]} == {"Posted"}
    assert sorted(r[1] for r in new[1:]) == sorted(paren(Decimal(t["amount"])) for t in txns)


def test_the_xlsx_report_and_unknown_suffixes(live, approved, tmp_path):
    out = tmp_path / "review" / "Rec-report.xlsx"
    ok(live, approved.path, "report", out=out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Report", "Sign-offs", "Open items", "Matches by rule"]
    figs = approved.rec["figures"]
    figures = {r["Figure"]: r["Amount"] for r in table(out, "Report")}
    assert Decimal(repr(figures["Difference"])) == Decimal(figs["difference"]) == 0
    assert [(r["who"], r["action"]) for r in table(out, "Sign-offs")] == [
        ("alice", "start"), ("alice", "submit"), ("bob", "review"), ("carol", "approve")]
    items = table(out, "Open items")
    assert len(items) == figs["bank_lines"] - figs["matched_bank_lines"] + figs["gl_lines"] - figs["matched_gl_lines"]
    assert next(r for r in items if r["line_id"] == approved.odd_line)["description"] == ODD
    rules = table(out, "Matches by rule")
    assert sum(r["matches"] for r in rules) == figs["matched_groups"]
    assert sum(r["bank_lines"] for r in rules) == figs["matched_bank_lines"]
    footer = next(c.value for c in wb["Report"]["B"] if str(c.value or "").startswith("Generated "))
    assert footer.endswith(f"data hash {approved.rec['submitted_hash']}")

    for name in ("Rec-report.docx", "Rec-report"):
        outcome, _ = run(live, approved.path, "report", out=tmp_path / name)
        assert outcome.exit_code == 2
        assert f"{name}: the report is written as .pdf or .xlsx" in outcome.error
        assert not (tmp_path / name).exists()


def test_a_report_before_any_signoff_says_not_submitted(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "report", out=tmp_path / "early.pdf")
    with pdfplumber.open(tmp_path / "early.pdf") as pdf:
        lines = _lines(pdf)
    assert "No new transactions." in lines and "No matches." in lines
    assert any(ln.startswith("2026-") and ln.endswith(" UTC alice started In Progress") for ln in lines)
    assert "Status In Progress" in lines and "Difference n/a 0.00 when reconciled" in lines
    assert _line(lines, "Open items (") == "Open items (44; age in days at 2026-10-31)"
    assert all(ln.endswith("data hash not submitted") for ln in lines if ln.startswith("Generated "))
    assert _line(lines, "Statement closing balance ").endswith(f"{month.data.bank_closing:,.2f} as printed by the bank")
    assert _line(lines, "GL balance ") == "GL balance import the GL template"


def tieout_report(live, *args, user: str = "alice"):
    env = {**os.environ, "TIEOUT_URL": live.base, "TIEOUT_TOKEN": live.tokens[user]}
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", "report", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_tieout_report_command(live, approved, tmp_path):
    before = approved.path.read_bytes()
    done = tieout_report(live, approved.path, "--out", tmp_path / "cli.pdf")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote the report {tmp_path / 'cli.pdf'} (status Approved")
    with pdfplumber.open(tmp_path / "cli.pdf") as pdf:
        assert any(f"reconciliation #{approved.rec_id}; data hash {approved.rec['submitted_hash']}" in ln
                   for ln in _lines(pdf))
    done = tieout_report(live, approved.path, "--out", tmp_path / "cli.xlsx")
    assert done.returncode == 0, done.stderr
    assert load_workbook(tmp_path / "cli.xlsx").sheetnames[0] == "Report"
    done = tieout_report(live, approved.path)  # default: next to the workbook, as PDF
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "Rec-report.pdf").read_bytes().startswith(b"%PDF-")
    assert approved.path.read_bytes() == before  # the report only reads the workbook

    done = tieout_report(live, tmp_path / "missing.xlsx", "--out", tmp_path / "m.pdf")
    assert done.returncode == 2 and f"{tmp_path / 'missing.xlsx'}: workbook not found" in done.stderr
    done = tieout_report(live, approved.path, "--out", tmp_path / "r.html")
    assert done.returncode == 2
    assert f"{tmp_path / 'r.html'}: the report is written as .pdf or .xlsx" in done.stderr
    blank = new_book(tmp_path / "Blank.xlsx")
    done = tieout_report(live, blank, "--out", tmp_path / "b.pdf")
    assert done.returncode == 2
    assert "Blank.xlsx is not linked to a reconciliation, so there is nothing to report" in done.stderr
    assert not (tmp_path / "b.pdf").exists() and not (tmp_path / "m.pdf").exists()


TEXT = st.text(st.sampled_from([chr(c) for c in range(127)] + list("éüßÅ€£")), max_size=60)


@settings(max_examples=40, deadline=None)
@given(TEXT, TEXT)
def test_text_from_files_prints_as_written(description, notes):
    """Whatever a bank file or a user wrote ('<b>', '&amp;', '</para>', control bytes) prints literally."""
    from tieout.addin.report_pdf import OPEN_ITEM_COLUMNS, table

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build([table(OPEN_ITEM_COLUMNS, [("GL", "GL-1", dt.date(2026, 10, 1), Decimal("-1.5"), description, 3,
                                          "", None, "open", notes)], doc.width)])
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        (t,) = pdf.pages[0].extract_tables()
    def squash(s: str) -> str:
        return "".join(ch for ch in s if ch.isprintable() and not ch.isspace())

    assert squash(t[1][4] or "") == squash(description) and squash(t[1][9] or "") == squash(notes)
    assert t[1][3] == "(1.50)"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4))
def test_money_is_two_decimals_with_separators_and_parentheses(x):
    from tieout.addin.report_pdf import money

    text = money(x)
    assert re.fullmatch(r"\(?\d{1,3}(,\d{3})*\.\d{2}\)?", text)
    q = x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert text.startswith("(") == (q < 0) == text.endswith(")")
    assert Decimal(text.strip("()").replace(",", "")) == abs(q)


def test_a_long_list_flows_over_pages_with_its_header_on_each():
    """More rows than one table holds (CHUNK_ROWS): every row printed once, in order, a header on every page."""
    from tieout.addin.report_pdf import CHUNK_ROWS, OPEN_ITEM_COLUMNS, _section

    n = 2 * CHUNK_ROWS + 50
    rows = [("GL", f"GL-{i}", dt.date(2026, 10, 1), Decimal(-i) / 4, f"item {i}", 30, "", None, "open", "")
            for i in range(n)]
    story: list = []
    _section(story, "Open items", OPEN_ITEM_COLUMNS, rows, A4[0] - 60, "none")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        pages = [page.extract_tables() for page in pdf.pages]
    assert len(pages) > 3
    assert all(tables[0][0] == OPEN_ITEM_HEADER for tables in pages)
    printed = [r for tables in pages for t in tables for r in t[1:]]
    # a later table starting mid-page brings its header along (pdfplumber reads the two tables as one)
    assert sum(r == OPEN_ITEM_HEADER for r in printed) <= n // CHUNK_ROWS
    printed = [r for r in printed if r != OPEN_ITEM_HEADER]
    assert [r[1] for r in printed] == [f"GL-{i}" for i in range(n)]
    assert printed[-1][3] == f"({(n - 1) / 4:,.2f})" and printed[1][3] == "(0.25)"
