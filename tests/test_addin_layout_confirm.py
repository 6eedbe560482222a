"""Import Bank File with a file no bank profile knows: the inferred layout is shown on the Import Layout
sheet and must be confirmed once; nothing is imported before that, and the confirmed layout is the user's
profile from then on (the bank's next file imports without asking). Real server, real .xlsx, a real bank file."""
from __future__ import annotations

import os
from pathlib import Path

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.server.importers import import_file

FILE = "csv/sparda_umsaetze-1234567-2024-02-13-12-00-00.csv"  # a German savings bank's export: no profile


def test_an_inferred_layout_is_shown_and_imported_only_once_confirmed(live, wild, tmp_path):
    bank_file = wild / FILE
    assert import_file(bank_file).layout.source == "inferred"
    path = new_book(tmp_path / "Rec.xlsx")

    outcome, _ = run(live, path, "import_bank_file", file=bank_file, account_name="Savings")
    assert not outcome.ok
    assert "its inferred layout was not confirmed" in outcome.error and "--confirm-layout yes" in outcome.error
    assert XlsxWorkbook(path).get_setting("ReconciliationId") is None  # nothing imported, nothing linked
    shown = table(path, "Import Layout")
    roles = {r["reads as"] for r in shown if r["what"] == "column"}
    assert {"date", "amount"} <= roles or {"date", "debit", "credit"} <= roles
    assert any(r["what"] == "row 1" for r in shown) and any(r["what"] == "balance proof" for r in shown)

    outcome, _ = ok(live, path, "import_bank_file", file=bank_file, account_name="Savings", confirm_layout="yes")
    saved = Path(os.environ["TIEOUT_HOME"]) / "profiles" / (Path(FILE).stem + ".toml")
    assert saved.exists(), list(saved.parent.glob("*"))
    assert any("saved as your profile" in m for m in outcome.messages)
    # the export runs from 20 January to 11 February: February's reconciliation takes February's 4 lines
    assert len(table(path, "Bank Statement")) == 4
    assert any("3 lines dated 2024-01-" in m and "outside the period 2024-02" in m for m in outcome.messages)
    again = import_file(bank_file)
    assert again.layout.source == "user" and len(again.lines) == 7

    # The bank's next export (same layout, other lines) imports without a question.
    text = bank_file.read_bytes().decode("latin-1").replace("-11,99", "-12,99").replace("20.01.2024", "21.01.2024")
    next_file = tmp_path / "umsaetze-next.csv"
    next_file.write_bytes(text.encode("latin-1"))
    other = new_book(tmp_path / "Next.xlsx")
    outcome, _ = ok(live, other, "import_bank_file", file=next_file, account_name="Savings 2")
    assert not any("saved as your profile" in m for m in outcome.messages)
    assert "Import Layout" not in XlsxWorkbook(other).sheet_names()


def test_a_file_a_bank_profile_reads_is_never_asked_about(live, tmp_path):
    from tieout.server.sample_data import build_sample_month, write_chase_csv

    bank = write_chase_csv(build_sample_month(7), tmp_path / "chase.csv")
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=bank, account_name="Operating")
    assert "Import Layout" not in XlsxWorkbook(path).sheet_names()
