"""`tieout run WORKBOOK.xlsx --action NAME [ARGS]`: the installed command, as a subprocess, against the real
server; exit codes 0 (done), 2 (something the user can fix, named) and 1 (the server cannot be reached)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from openpyxl import load_workbook

from test_addin_kit import live, month, table  # noqa: F401 (fixtures)


def tieout(live, *args, user: str = "alice", env: dict | None = None):
    full = {**os.environ, "TIEOUT_URL": live.base, "TIEOUT_TOKEN": live.tokens[user], **(env or {})}
    return subprocess.run([sys.executable, "-m", "tieout.server.cli", "run", *map(str, args)], env=full,
                          capture_output=True, text=True, timeout=300)


def test_batch_mode_runs_the_handlers_on_a_saved_workbook(live, month, tmp_path):
    book = tmp_path / "Rec.xlsx"
    done = tieout(live, book, "--action", "import_bank_file", "--file", month.bank, "--account-name", "Operating")
    assert done.returncode == 0, done.stderr
    assert "Imported chase-2026-10.csv (csv): 44 lines" in done.stdout
    assert "Importing chase-2026-10.csv: 100% done" in done.stderr  # job progress, as the status bar shows it
    assert load_workbook(book).sheetnames[:2] == ["Summary", "Bank Statement"]
    done = tieout(live, book, "--action", "btnImportGLTemplate", "--file", month.gl)  # a button id works too
    assert done.returncode == 0, done.stderr

    bank = {r["description"]: r["line_id"] for r in table(book, "Bank Statement")}
    gl = {r["description"]: r["line_id"] for r in table(book, "GL Lines")}
    wire_bank = next(v for k, v in bank.items() if k.startswith("WIRE TRANSFER"))
    wire_gl = next(v for k, v in gl.items() if "Fabrikam" in k and "5120" in k)
    done = tieout(live, book, "--action", "match_selected", "--bank", wire_bank, "--gl", wire_gl)
    assert done.returncode == 2
    assert done.stderr.startswith("error: Unbalanced: the selected lines do not balance: bank 24985.00, GL "
                                  "25000.00, difference -15.00. Nothing was matched.")
    assert "What to do:" in done.stderr
    done = tieout(live, book, "--action", "match_selected", "--bank", wire_bank, "--gl", wire_gl,
                  "--tolerance", "15", "--write-off-account", "6100 Bank charges")
    assert done.returncode == 0, done.stderr
    done = tieout(live, book, "--action", "new_transaction_custom", "--amount", "-5.00", "--gl-account",
                  "6100 Bank charges", "--description", "=cmd|' /C calc'!A0")
    assert done.returncode == 0, done.stderr
    rows = table(book, "New Transactions")
    assert [r["amount"] for r in rows] == [-15, -5] and rows[1]["description"] == "=cmd|' /C calc'!A0"


def test_bad_actions_and_options_exit_2(live, tmp_path):
    book = tmp_path / "Rec.xlsx"
    done = tieout(live, book, "--action", "nope")
    assert done.returncode == 2 and "error: unknown action 'nope'" in done.stderr
    done = tieout(live, book, "--action", "auto_match", "--file", "x.csv")
    assert done.returncode == 2
    assert "action auto_match does not take --file (its options: none)" in done.stderr
    done = tieout(live, book, "--action", "auto_match")
    assert done.returncode == 2 and "workbook not found" in done.stderr and not book.exists()
    done = tieout(live, book, "--action", "import_bank_file", "--file", tmp_path / "missing.csv")
    assert done.returncode == 2 and "missing.csv: no such file" in done.stderr


def test_an_unreachable_server_exits_1(live, month, tmp_path):
    with socket.socket() as taken:  # something else holds the port, so no server can be started there
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        url = f"http://127.0.0.1:{taken.getsockname()[1]}"
        done = tieout(live, tmp_path / "Rec.xlsx", "--action", "import_bank_file", "--file", month.bank,
                      env={"TIEOUT_URL": url, "TIEOUT_HOME": str(tmp_path / "other-home")})
    assert done.returncode == 1
    assert "Tieout could not reach or start its calculation server" in done.stderr
