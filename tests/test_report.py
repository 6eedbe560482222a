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
from tieout.addin.handlers.state import Line, State
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
        f"Statement closing balance {closing:,.2f} closing balance stated in the bank's file (statement #1)"
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
    assert wb.sheetnames == ["Report", "Sign-off", "Review checks", "Open items by age", "Match rate by rule",
                             "Statements", "Findings", "Sign-offs", "Open items", "Matches by rule"]
    head = {r[0].value: r[1] for r in wb["Report"].iter_rows(min_row=2, max_row=12)}
    checks = live.call("GET", f"/api/reconciliations/{approved.rec_id}/review")["checks"]
    attention = [c for c in checks if c["status"] == "attention"]
    if attention:  # the status says what stands against the approval, and is not green
        n = len(attention)
        assert head["Status"].value == f"Approved: {n} review check{'s need' if n != 1 else ' needs'} attention"
        assert not head["Status"].fill.fgColor.rgb.endswith("A9D08E")
    else:
        assert head["Status"].value == "Approved" and head["Status"].fill.fgColor.rgb.endswith("A9D08E")
    assert head["Match rate"].number_format == "0.0%" and 0 < head["Match rate"].value <= 1
    block = table(out, "Sign-off")
    assert [(r["role"], r["name"]) for r in block] == [("Prepared by", "alice"), ("Reviewed by", "bob"),
                                                       ("Approved by", "carol")]
    assert all(isinstance(r["date (UTC)"], dt.datetime) for r in block)
    assert wb["Sign-off"]["B6"].value == approved.rec["submitted_hash"]
    rows = table(out, "Review checks")  # the server's five checks, as `tieout review` gives them
    assert [r["check"] for r in rows] == [c["title"] for c in checks] or \
        [r["check"] for r in rows] == [c["id"] for c in checks]
    aged = table(out, "Open items by age")
    assert [r["age (days)"] for r in aged] == ["0-30", "31-60", "61-90", "90+"]
    assert len(wb["Open items by age"]._charts) == 1 and len(wb["Match rate by rule"]._charts) == 1
    rates = table(out, "Match rate by rule")
    assert rates[-1]["rule"] == "(unmatched)" and abs(sum(r["share of lines"] for r in rates) - 1) < 1e-9
    figs = approved.rec["figures"]
    figures = {r["Figure"]: r["Amount"] for r in table(out, "Report")}
    assert Decimal(repr(figures["Difference"])) == Decimal(figs["difference"]) == 0
    history = table(out, "Sign-offs")
    assert [(r["who"], r["action"]) for r in history] == [
        ("alice", "start"), ("alice", "submit"), ("bob", "review"), ("carol", "approve")]
    assert all(isinstance(r["when (UTC)"], dt.datetime) for r in history)
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
    words = " ".join(" ".join(lines).split())
    # the status says what stands against it (the cell wraps: its label sits on the middle line)
    assert "In Progress: no difference can be computed yet (bank statement or GL balance missing); nothing is " \
           "matched, 44 items" in words
    # no GL balance: the difference is unknown and review check 5 fails
    assert any(ln.startswith("Difference n/a 0.00 when reconciled; 1 review check(s) fail") for ln in lines), lines
    assert _line(lines, "Open items (") == "Open items (44; age in days at 2026-10-31)"
    assert all(ln.endswith("data hash not submitted") for ln in lines if ln.startswith("Generated "))
    assert _line(lines, "Statement closing balance ") == \
        f"Statement closing balance {month.data.bank_closing:,.2f} closing balance stated in the bank's file (statement #1)"
    assert _line(lines, "GL balance ") == "GL balance import the GL template"


def tieout_report(live, *args, user: str = "alice", **extra_env):
    env = {**os.environ, "TIEOUT_URL": live.base, "TIEOUT_TOKEN": live.tokens[user], **extra_env}
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
    done = tieout_report(live, approved.path, "--out", tmp_path / "f.pdf", TIEOUT_REPORT_FONT=str(tmp_path / "No.ttf"))
    assert done.returncode == 2 and f"TIEOUT_REPORT_FONT={tmp_path / 'No.ttf'}: there is no font file there." \
        in done.stderr
    blank = new_book(tmp_path / "Blank.xlsx")
    done = tieout_report(live, blank, "--out", tmp_path / "b.pdf")
    assert done.returncode == 2
    assert "Blank.xlsx is not linked to a reconciliation, so there is nothing to report" in done.stderr
    assert not any((tmp_path / name).exists() for name in ("b.pdf", "m.pdf", "f.pdf"))


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


# --- the font: every script of the data prints, or shows as '?' with a note -------------------------------

SCRIPTS = "Przelew ł ś ř Ωμέγα Привет ğı"  # Polish, Czech, Greek, Cyrillic, Turkish: none of them in WinAnsi
GENERATED = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)


def on_debian_as_root() -> bool:
    """Where `make system-deps` installs fonts-dejavu-core itself (as root with apt-get)."""
    import shutil

    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


@pytest.fixture
def fonts(monkeypatch):
    """report_fonts with the font variables unset and its font cache empty before and after the test."""
    from tieout.addin import report_fonts

    monkeypatch.delenv("TIEOUT_REPORT_FONT", raising=False)
    monkeypatch.delenv("TIEOUT_REPORT_FONT_BOLD", raising=False)
    report_fonts._chosen.cache_clear()
    yield report_fonts
    report_fonts._chosen.cache_clear()


@pytest.fixture
def dejavu(fonts) -> Path:
    """DejaVu Sans (Debian's fonts-dejavu-core) as the report finds it. Missing: a skip only where the package
    cannot be installed (not root) and not in CI; in CI, or as root on Debian, `make system-deps` should have
    installed it, so the test fails."""
    found = next((regular for regular, _ in fonts.system_fonts() if regular.name == "DejaVuSans.ttf"), None)
    if found is None:
        message = "DejaVuSans.ttf not found: `make system-deps` installs fonts-dejavu-core"
        if os.environ.get("CI") or on_debian_as_root():
            pytest.fail(message)
        pytest.skip(message + " (needs root)")
    return found


def font_state(descriptions, account: str = "Operating") -> State:
    """A reconciliation whose open items are GL lines with these descriptions (no server needed)."""
    end = dt.date(2026, 10, 31)
    ledger = tuple(Line("ledger", f"GL-{i}", end, Decimal(-10 - i), "EUR", "", text, "AP", "", None, "", None,
                        "open", "") for i, text in enumerate(descriptions))
    rec = {"id": 7, "status": "In Progress", "period": {"name": "2026-10", "start": "2026-10-01", "end": "2026-10-31"},
           "figures": {"statement_balance": "1000.00", "adjusted_bank": "1000.00", "adjusted_gl": "1000.00",
                       "match_differences": "0.00", "difference": "0.00", "bank_lines": 0,
                       "gl_lines": len(ledger), "matched_bank_lines": 0, "matched_gl_lines": 0, "matched_groups": 0},
           "gl_balance": "1000.00", "submitted_hash": None}
    return State(rec=rec, account={"name": account, "currency": "EUR", "bank_account": "PL61"}, bank=(),
                 ledger=ledger, matches=(), txns=(), statements=(), audit=(), cash_account="1010")


def written(tmp_path, descriptions, account="Operating", book="Rec.xlsx"):
    """Writes the report of font_state(...); returns (open item rows, text lines, pages, fonts used)."""
    from tieout.addin import report_pdf

    out = report_pdf.write_pdf_report(font_state(descriptions, account), tmp_path / "r.pdf", book, GENERATED)
    with pdfplumber.open(out) as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
        lines = _lines(pdf)
        used = {ch["fontname"] for page in pdf.pages for ch in page.chars}
        pages = len(pdf.pages)
    rows = [[" ".join((c or "").split()) for c in r] for t in tables if t[0] == OPEN_ITEM_HEADER for r in t[1:]]
    return [r for r in rows if r != OPEN_ITEM_HEADER], lines, pages, used


def test_every_script_prints_in_the_found_font(dejavu, fonts, tmp_path):
    assert fonts.report_font().source == "DejaVuSans.ttf"
    rows, lines, _, used = written(tmp_path, [SCRIPTS, "Café <b>& €5"], account="Konto główne",
                                   book="Rozliczenie-październik.xlsx")
    assert [r[4] for r in rows] == [SCRIPTS, "Café <b>& €5"]
    assert [r[3] for r in rows] == ["(10.00)", "(11.00)"]
    assert _line(lines, "Bank reconciliation report: ") == "Bank reconciliation report: Konto główne, 2026-10"
    footers = [ln for ln in lines if ln.startswith("Generated ")]
    assert footers and all(f.endswith("from Rozliczenie-październik.xlsx; reconciliation #7; data hash not "
                                      "submitted") for f in footers)
    assert not [ln for ln in lines if "could not be printed" in ln]
    # both faces embedded as subsets (ABCDEF+Name); nothing left in Helvetica
    assert {name.split("+")[1] for name in used} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in used)


def test_characters_the_font_lacks_print_as_question_marks_with_one_note(dejavu, fonts, tmp_path):
    rows, lines, pages, _ = written(tmp_path, ["株式会社 Tieout", SCRIPTS] + [f"item {i}" for i in range(70)])
    assert rows[0][4] == "???? Tieout" and rows[1][4] == SCRIPTS and len(rows) == 72
    note = ("4 characters could not be printed in DejaVuSans.ttf and show as '?': set TIEOUT_REPORT_FONT to a "
            "TrueType font (.ttf) that has them.")
    assert pages > 1
    assert [ln.count(note) for ln in lines if "could not be printed" in ln] == [1] * pages  # once per footer


def test_without_a_font_helvetica_prints_question_marks_and_says_so(fonts, monkeypatch, tmp_path):
    monkeypatch.setenv("TIEOUT_REPORT_FONT", "Helvetica")  # no search: the built-in font
    font = fonts.report_font()
    assert (font.regular, font.bold) == ("Helvetica", "Helvetica-Bold")
    items = [SCRIPTS, "Café <b>& €5 ‰"] + [f"item {i}" for i in range(70)]
    rows, lines, pages, used = written(tmp_path, items, account="Konto główne", book="Rozliczenie-ś.xlsx")
    assert [r[4] for r in rows[:2]] == ["Przelew ? ? ? ????? ?????? ??", "Café <b>& €5 ‰"]  # WinAnsi stays
    assert len(rows) == 72 and pages > 1
    assert "Bank reconciliation report: Konto g?ówne, 2026-10" in lines
    footers = [ln for ln in lines if ln.startswith("Generated ")]
    assert len(footers) == pages
    assert all(f.endswith("from Rozliczenie-?.xlsx; reconciliation #7; data hash not submitted") for f in footers)
    assert "Account Konto g?ówne" in lines
    # 16 in the description, the account's name in the title and the header, the workbook's in the footer
    note = (f"{16 + 2 + 1} characters could not be printed in the built-in Helvetica and show as '?': set "
            "TIEOUT_REPORT_FONT to a TrueType font (.ttf) that has them.")
    assert [ln.count(note) for ln in lines if "could not be printed" in ln] == [1] * pages
    assert used == {"Helvetica", "Helvetica-Bold"}


def test_a_report_without_foreign_characters_has_no_note(fonts, monkeypatch, tmp_path):
    monkeypatch.setenv("TIEOUT_REPORT_FONT", "helvetica")
    rows, lines, _, _ = written(tmp_path, ["Café <b>& €5"])
    assert rows[0][4] == "Café <b>& €5"
    assert not [ln for ln in lines if "could not be printed" in ln or "?" in ln]


def test_the_font_named_by_the_environment_is_used(dejavu, fonts, monkeypatch, tmp_path):
    mono, bold = dejavu.with_name("DejaVuSansMono.ttf"), dejavu.with_name("DejaVuSans-Bold.ttf")
    assert mono.is_file() and bold.is_file()  # both in fonts-dejavu-core
    monkeypatch.setenv("TIEOUT_REPORT_FONT", str(mono))
    monkeypatch.setenv("TIEOUT_REPORT_FONT_BOLD", str(bold))
    rows, _, _, used = written(tmp_path, [SCRIPTS])
    assert rows[0][4] == SCRIPTS
    assert {name.split("+")[1] for name in used} == {"DejaVuSansMono", "DejaVuSans-Bold"}
    monkeypatch.delenv("TIEOUT_REPORT_FONT_BOLD")  # no bold face: the regular one for both
    _, _, _, used = written(tmp_path, [SCRIPTS])
    assert {name.split("+")[1] for name in used} == {"DejaVuSansMono"}


def test_a_font_variable_naming_no_usable_file_is_an_error(fonts, monkeypatch, tmp_path):
    from tieout.addin.handlers.context import ActionError
    from tieout.addin.report_pdf import write_pdf_report

    def refused(**env) -> str:
        for name in ("TIEOUT_REPORT_FONT", "TIEOUT_REPORT_FONT_BOLD"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        with pytest.raises(ActionError) as caught:
            write_pdf_report(font_state([SCRIPTS]), tmp_path / "r.pdf", "Rec.xlsx", GENERATED)
        assert not (tmp_path / "r.pdf").exists()  # nothing written, no silent fallback
        assert "to 'helvetica' for the built-in font" in caught.value.advice
        return caught.value.message

    missing = tmp_path / "fonts" / "Missing.ttf"
    assert refused(TIEOUT_REPORT_FONT=missing) == f"TIEOUT_REPORT_FONT={missing}: there is no font file there."
    (tmp_path / "Broken.ttf").write_bytes(b"\x00\x01\x00\x00 not a font at all")
    message = refused(TIEOUT_REPORT_FONT=tmp_path / "Broken.ttf")
    assert message.startswith(f"TIEOUT_REPORT_FONT={tmp_path / 'Broken.ttf'}: not a TrueType font reportlab can "
                              "read (")
    (tmp_path / "notes.txt").write_text("hello")
    message = refused(TIEOUT_REPORT_FONT=tmp_path / "notes.txt")
    assert message.startswith(f"TIEOUT_REPORT_FONT={tmp_path / 'notes.txt'}: not a TrueType font")
    assert refused(TIEOUT_REPORT_FONT="helvetica", TIEOUT_REPORT_FONT_BOLD=missing) == \
        f"TIEOUT_REPORT_FONT_BOLD is set ({missing}) but TIEOUT_REPORT_FONT does not name a font file."


def test_a_missing_bold_font_file_is_an_error(dejavu, fonts, monkeypatch, tmp_path):
    from tieout.addin.handlers.context import ActionError

    monkeypatch.setenv("TIEOUT_REPORT_FONT", str(dejavu))
    monkeypatch.setenv("TIEOUT_REPORT_FONT_BOLD", str(tmp_path / "Bold.ttf"))
    with pytest.raises(ActionError, match=re.escape(f"TIEOUT_REPORT_FONT_BOLD={tmp_path / 'Bold.ttf'}: there is "
                                                    "no font file there.")):
        fonts.report_font()


def test_the_search_order_windows_first(dejavu, fonts, monkeypatch, tmp_path):
    import shutil

    folder = tmp_path / "Windows" / "Fonts"
    folder.mkdir(parents=True)
    shutil.copy(dejavu, folder / "segoeui.ttf")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    assert next(fonts.system_fonts()) == (folder / "segoeui.ttf", None)  # Segoe UI without its bold file
    shutil.copy(dejavu, folder / "arial.ttf")
    shutil.copy(dejavu.with_name("DejaVuSans-Bold.ttf"), folder / "arialbd.ttf")
    assert next(fonts.system_fonts()) == (folder / "arial.ttf", folder / "arialbd.ttf")
    assert fonts.report_font().source == "arial.ttf"
    monkeypatch.delenv("WINDIR")
    assert next(fonts.system_fonts())[0].name == "DejaVuSans.ttf"


def test_the_bounded_walk_finds_dejavu_in_any_font_folder(dejavu, fonts, monkeypatch, tmp_path):
    import shutil

    deep = tmp_path / "fonts" / "a" / "b" / "dejavu"
    deep.mkdir(parents=True)
    for n in range(30):  # folders read before it, in name order
        (tmp_path / "fonts" / "a" / f"0{n:02d}").mkdir()
    shutil.copy(dejavu, deep / "DejaVuSans.ttf")
    found = list(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False))
    assert found == [(deep / "DejaVuSans.ttf", None)]
    shutil.copy(dejavu.with_name("DejaVuSans-Bold.ttf"), deep / "DejaVuSans-Bold.ttf")
    found = list(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False))
    assert found == [(deep / "DejaVuSans.ttf", deep / "DejaVuSans-Bold.ttf")]
    monkeypatch.setattr(fonts, "SEARCH_DEPTH", 2)  # the file is in the folder 3 below the root
    assert list(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False)) == []
    monkeypatch.setattr(fonts, "SEARCH_DEPTH", 3)
    assert next(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False))[0] == deep / "DejaVuSans.ttf"
    monkeypatch.setattr(fonts, "SEARCH_MAX_DIRS", 33)  # fonts, a, the 30 siblings, b: not yet b/dejavu
    assert list(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False)) == []
    monkeypatch.setattr(fonts, "SEARCH_MAX_DIRS", 34)
    assert len(list(fonts.system_fonts(files=(), dirs=[tmp_path / "fonts"], fc_match=False))) == 1


def test_fc_match_answers_only_with_dejavu_itself(dejavu, fonts):
    import shutil

    found = list(fonts.system_fonts(files=(), dirs=(), fc_match=True))
    if shutil.which("fc-match") is None:  # optional on Linux: then only the walk looks
        assert found == []
    else:
        assert [(r.name, b.name) for r, b in found] == [("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
        assert fonts._fc_match("Arial", "Arial.ttf") is None  # a substitute (DejaVu) is not Arial


def test_the_font_is_chosen_once_not_per_report(dejavu, fonts, monkeypatch, tmp_path):
    searches = []
    real = fonts.system_fonts

    def counted(*args, **kwargs):
        searches.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fonts, "system_fonts", counted)
    for _ in range(3):
        written(tmp_path, [SCRIPTS])
    assert len(searches) == 1
    monkeypatch.setenv("TIEOUT_REPORT_FONT", "helvetica")  # a new setting is a new choice, no search
    assert fonts.report_font().regular == "Helvetica" and len(searches) == 1
    monkeypatch.delenv("TIEOUT_REPORT_FONT")
    assert fonts.report_font().source == "DejaVuSans.ttf" and len(searches) == 1  # remembered
