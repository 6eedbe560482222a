"""`tieout profile infer` for every format whose layout is inferred (CSV/Excel and PDF), through the importer
that reads the file: the profile written to $TIEOUT_HOME/profiles is used by the next import as the user's,
reads the same lines, and profiles of different importers share that folder without tripping each other."""
from __future__ import annotations

import json
import tomllib

from tieout.server.cli import main
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

PDF = "pdf/reds_mercury_statement_20241105.pdf"


def test_a_pdf_layout_inferred_saved_and_used_as_the_users(wild, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    before = import_file(wild / PDF)
    assert before.layout.source == "inferred"
    assert main(["profile", "infer", str(wild / PDF)]) == 0
    said = json.loads(capsys.readouterr().out)
    saved = tmp_path / "home" / "profiles" / "reds_mercury_statement_20241105.toml"
    assert said["profile"] == str(saved) and said["format"] == "pdf"
    assert tomllib.loads(saved.read_text(encoding="utf-8"))["kind"] == "pdf"
    assert {c["role"] for c in said["columns"]} & {"amount", "debit", "credit"}
    after = import_file(wild / PDF)
    assert (after.layout.name, after.layout.source) == ("reds_mercury_statement_20241105", "user")
    assert [(ln.date, ln.amount) for ln in after.lines] == [(ln.date, ln.amount) for ln in before.lines]

    # a CSV imported with the PDF layout in the same folder: the tabular importer leaves kind = "pdf" alone
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("Date,Description,Amount\n2025-01-02,Rent,-500.00\n2025-01-03,Salary,1000.00\n")
    assert len(import_file(csv_path, options=ImportOptions(currency="USD")).lines) == 2


def test_a_structured_format_has_no_layout_to_infer(wild, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    assert main(["profile", "infer", str(wild / "mt940/zil_rabobank.txt")]) == 2
    assert "mt940 file has the layout its standard fixes" in capsys.readouterr().err
    assert not (tmp_path / "home" / "profiles").exists()
