"""LibreOffice (headless) opens the demo workbook and a submitted (protected, structure-locked) workbook and
converts both to PDF without error. Runs when `soffice` is on PATH; with CI set, a missing soffice fails
(install: apt-get install -y --no-install-recommends libreoffice-calc-nogui)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from test_addin_kit import live, month, ok, prepared  # noqa: F401 (fixtures)


@pytest.fixture
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is not on PATH: apt-get install -y --no-install-recommends libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def to_pdf(soffice: str, workbook, tmp_path):
    out = tmp_path / "pdf"
    done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
                          capture_output=True, text=True, timeout=240)
    pdf = out / (workbook.stem + ".pdf")
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and pdf.exists(), done.stdout + done.stderr
    return pdf


def text_of(pdf) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def test_libreoffice_converts_the_demo_workbook(soffice, tmp_path):
    from tieout.server.demo import run_demo

    view = run_demo(tmp_path / "demo" / "Reconciliation-demo.xlsx", echo=lambda *a: None)
    pdf = to_pdf(soffice, tmp_path / "demo" / "Reconciliation-demo.xlsx", tmp_path)
    text = text_of(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "Bank reconciliation" in text and f"{view.figures.statement_balance:,.2f}" in text


def test_libreoffice_converts_a_submitted_workbook(soffice, live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    prepared(live, month, path)
    ok(live, path, "post_new_transactions")
    ok(live, path, "submit_for_review")
    assert load_workbook(path).security.lockStructure
    text = text_of(to_pdf(soffice, path, tmp_path))
    assert "In Review" in text and "Statement closing balance" in text
    assert f"{month.data.bank_closing:,.2f}" in text
