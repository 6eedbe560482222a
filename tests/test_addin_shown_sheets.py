"""A press draws only the sheets whose data changed since the workbook showed them (handlers/shown_sheets.py),
decided from the server's ETags and the audit trail's hash chain, and from whether each sheet's part is still the
one the add-in's last save wrote. Real server on loopback, real workbooks read back part by part."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from test_addin_kit import USERS, Month, live, month, new_book, ok, table  # noqa: F401 (fixtures)

from tieout.addin.client import Client
from tieout.addin.dispatch import run_handler
from tieout.addin.handlers import shown_sheets
from tieout.addin.xlsx.package import written_crcs
from tieout.addin.xlsx_workbook import XlsxWorkbook
from tieout.server.importers.tabular.xlsx_guard import _sheet_parts

DATA_SHEETS = tuple(shown_sheets.DEPENDS)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(part) for name, part in _sheet_parts(zf).items()}


def _matched_book(live, month: Month, path: Path) -> Path:
    new_book(path)
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    ok(live, path, "auto_match")
    ok(live, path, "accept_matches")
    return path


def test_a_press_that_changes_nothing_rewrites_no_sheet_but_summary(live, month, tmp_path, monkeypatch):
    path = _matched_book(live, month, tmp_path / "Rec.xlsx")
    ok(live, path, "refresh")
    before = _parts(path)
    book = XlsxWorkbook(path)
    assert all(book.as_written(s) for s in DATA_SHEETS)  # the last save recorded every part it wrote
    read = []
    reader = XlsxWorkbook.read_table_rows
    monkeypatch.setattr(XlsxWorkbook, "read_table_rows", lambda self, sheet: read.append(sheet) or reader(self, sheet))
    ok(live, path, "refresh")
    assert not {"Unmatched", "New Transactions"} & set(read)  # their parts are as saved: nothing typed to sync
    after = _parts(path)
    assert {s for s in before if after[s] != before[s]} <= {"Summary"}
    assert table(path, "Matched") and table(path, "Unmatched")  # the sheets left are whole, not emptied


def test_a_change_redraws_the_sheets_it_shows_on_and_leaves_the_others_byte_for_byte(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    ok(live, path, "auto_match")
    before = _parts(path)
    ok(live, path, "accept_matches")  # matches change: every sheet showing them is drawn again
    after = _parts(path)
    assert after["Matched"] != before["Matched"] and after["Bank Statement"] != before["Bank Statement"]
    assert after["New Transactions"] == before["New Transactions"]  # drawn from transactions and GL lines only
    assert len(table(path, "Matched")) > 0


def test_a_sheet_edited_by_hand_is_drawn_again_and_only_that_one(live, month, tmp_path):
    path = _matched_book(live, month, tmp_path / "Rec.xlsx")
    ok(live, path, "refresh")
    first = table(path, "Matched")[0]
    shown = _parts(path)
    _edit_part(path, "Matched", str(first["line_id"]).encode(), b"TYPED-OVER")  # the archive's record is kept
    assert not XlsxWorkbook(path).as_written("Matched")
    ok(live, path, "refresh")
    assert table(path, "Matched")[0]["line_id"] == first["line_id"]
    after = _parts(path)
    assert after["Bank Statement"] == shown["Bank Statement"] and after["GL Lines"] == shown["GL Lines"]

    wb = load_workbook(path)  # another program's save: every part is new, and nothing it holds is trusted
    wb["GL Lines"]["B2"] = "typed by hand"
    wb.save(path)
    assert not written_crcs(zipfile.ZipFile(path).comment)
    ok(live, path, "refresh")
    assert load_workbook(path)["GL Lines"]["B2"].value != "typed by hand"


def test_a_workbook_pointed_at_another_database_is_drawn_whole(live, month, tmp_path, monkeypatch):
    """The other database holds the same steps on another month: its reconciliation has the same id and the same
    listing counters, so only the audit chain tells the two apart."""
    from tieout.excel_templates.gl_template import fill_gl_template
    from tieout.server.app.serve import running
    from tieout.server.sample_data import build_sample_month, write_chase_csv

    path = _matched_book(live, month, tmp_path / "Rec.xlsx")
    ok(live, path, "refresh")
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "other-home"))
    other = build_sample_month(777)
    (tmp_path / "other").mkdir()
    bank = write_chase_csv(other, tmp_path / "other" / "chase.csv")
    gl = fill_gl_template(None, tmp_path / "other" / "gl.xlsx", other.gl_balance(), other.ledger_lines())
    with running({"LOCAL_USER": "owner", "MODE": "team"}) as (base, app):
        owner = Client(base, token=app.extensions["tieout"].token, autostart=False)
        tokens = {user: owner.post("/api/users", {"name": user})["token"] for user in USERS}  # as `live` does
        owner.close()
        client = Client(base, token=tokens["alice"], autostart=False)
        twin = new_book(tmp_path / "Twin.xlsx")
        for name, args in (("import_bank_file", {"file": str(bank), "account_name": "Operating"}),
                           ("import_gl_template", {"file": str(gl)}), ("auto_match", {}), ("accept_matches", {})):
            _press(twin, name, args, client)
        assert XlsxWorkbook(twin).get_setting("ReconciliationId") == XlsxWorkbook(path).get_setting("ReconciliationId")
        # the same audit row ids and listing counters: only the rows' hashes differ
        mine, its = (XlsxWorkbook(p) for p in (path, twin))
        assert mine.get_setting(shown_sheets.HISTORY).split(":")[:2] == its.get_setting(shown_sheets.HISTORY).split(":")[:2]
        assert mine.get_setting("ShownBank") == its.get_setting("ShownBank")
        _press(path, "refresh", {}, client)
        client.close()
    for sheet in ("Bank Statement", "GL Lines", "Matched", "Unmatched", "Audit"):
        assert table(path, sheet) == table(twin, sheet), sheet


def _press(path: Path, name: str, args: dict, client: Client) -> None:
    book = XlsxWorkbook(path, echo=lambda text: None)
    outcome = run_handler(name, book, args, client)
    assert outcome.ok, outcome.error
    book.save()


def _edit_part(path: Path, sheet: str, old: bytes, new: bytes) -> None:
    """One worksheet part changed in place, every other member and the archive comment kept."""
    with zipfile.ZipFile(path) as zf:
        part = _sheet_parts(zf)[sheet]
        members = [(info, zf.read(info)) for info in zf.infolist()]
        comment = zf.comment
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data.replace(old, new, 1) if info.filename == part else data)
        zf.comment = comment
    path.write_bytes(out.getvalue())
