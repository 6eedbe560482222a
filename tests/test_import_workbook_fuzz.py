"""Seeded mutation fuzz of the workbook formats (issue 13, part 9): .xlsx, .xls and .ods statements, mutated the
way the text formats are (tests/test_import_mutation_fuzz.py), each read the way the product reads a user's file:
in the sandbox (server/sandbox), through the tabular importer and its .xlsx/.xls guards. Every mutant must import
or be refused with BankFileError (exit 2 from the CLI): never another exception, never a worker left hanging.

A workbook is a container, so mutating its bytes mostly tests the zip or compound-file check. For .xlsx and .ods
the sheet's XML (or another part) is mutated inside the zip and the zip rebuilt, so calamine and the guards see
broken cells, rows and markup; for .xls the compound file's bytes are mutated (sector chains, BIFF records).

TIEOUT_FUZZ_WORKBOOK_MUTANTS sets how many mutants per format (default 20: a few seconds each, as CI runs it);
raise it for a longer hunt. The seed is fixed, so a failure names a mutant that fails again."""
from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook

from tieout.server import cli
from tieout.server.errors import BankFileError
from tieout.server.sandbox import Budget, run
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

from test_import_mutation_fuzz import _mutate
from test_import_tabular_infer import _ods

SEED = 20261207
MUTANTS = int(os.environ.get("TIEOUT_FUZZ_WORKBOOK_MUTANTS", "20"))
EUR = ImportOptions(currency="EUR")  # the .xls and .ods seeds state none
BUDGET = Budget(memory_bytes=768 << 20, cpu_seconds=20)  # a real statement of this size reads in well under 1 s
ROWS = [("Date", "Description", "Amount", "Balance")] + [
    (f"2026-01-{d:02d}", f"Payment {d} REF{d * 7}", f"{(-1) ** d * d * 10.5:.2f}", f"{1000 + d * 3.25:.2f}")
    for d in range(1, 21)]


def _xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Statement"
    ws.append(["Account", "DE89370400440532013000"])
    ws.append(["Currency", "EUR"])
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return path


def _xls(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Statement")
    for i, row in enumerate(ROWS):
        for j, cell in enumerate(row):
            sheet.write(i, j, cell)
    book.save(str(path))
    return path


SEEDS = {"xlsx": _xlsx, "xls": _xls, "ods": lambda path: _ods(path, [list(r) for r in ROWS])}
# The parts mutated inside a zip, the sheet most often (its cells are what the readers and guards parse).
SHEET_PARTS = {"xlsx": "xl/worksheets/sheet1.xml", "ods": "content.xml"}


def _overwritten(data: bytes, rnd: random.Random) -> bytes:
    """`data` with 1 to 4 spans overwritten in place (a random byte, or a run of 0x00 or 0xFF): a compound file
    keeps its sector layout, so the damage reaches the chains and the BIFF records rather than only the header."""
    out = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        at, size = rnd.randrange(len(out)), rnd.choice((1, 1, 2, 4, 16))
        fill = rnd.choice((None, 0x00, 0xFF))
        for k in range(at, min(at + size, len(out))):
            out[k] = rnd.randrange(256) if fill is None else fill
    return bytes(out)


def _mutant(kind: str, data: bytes, rnd: random.Random) -> bytes:
    if kind not in SHEET_PARTS:
        return _overwritten(data, rnd) if rnd.random() < 0.85 else _mutate(data, rnd)
    if rnd.random() < 0.15:
        return _mutate(data, rnd)  # the container's own bytes
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    names = sorted(parts)
    name = SHEET_PARTS[kind] if rnd.random() < 0.7 else rnd.choice(names)
    parts[name] = _mutate(parts[name], rnd)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            zf.writestr(n, parts[n])
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutated_workbooks_import_or_are_refused_cleanly(tmp_path, kind):
    seed = SEEDS[kind](tmp_path / f"seed.{kind}")
    assert import_file(seed, options=EUR).statements[0].lines  # the seed itself imports
    data = seed.read_bytes()
    rnd = random.Random(f"{SEED}-{kind}")
    outcomes = {"imported": 0, "refused": 0, "over budget": 0}
    for i in range(MUTANTS):
        path = tmp_path / f"m{i}.{kind}"
        path.write_bytes(_mutant(kind, data, rnd))
        try:
            run(import_file, path, "auto", EUR, source=path, error=BankFileError, budget=BUDGET)
        except BankFileError as exc:
            outcomes["over budget" if "could not be read safely" in str(exc) else "refused"] += 1
        except Exception as exc:  # noqa: BLE001 - the point: anything else is a bug, shown with its mutant
            pytest.fail(f"mutant {i} of the {kind} seed raised {type(exc).__name__}: {str(exc)[:500]}")
        else:
            outcomes["imported"] += 1
    # the mutations neither all miss nor all break the file, and no reader had to be stopped by its budget
    # (the guards refuse a far cell or a looping sector chain by name before calamine sees it)
    assert outcomes["imported"] and outcomes["refused"] and not outcomes["over budget"], outcomes


def test_a_refused_mutant_exits_2_from_the_cli_with_a_message_not_a_traceback(tmp_path, capsys):
    seed = _xlsx(tmp_path / "seed.xlsx")
    with zipfile.ZipFile(seed) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts[SHEET_PARTS["xlsx"]] = parts[SHEET_PARTS["xlsx"]].replace(b"<sheetData>", b"<sheetData><row r='1'><c ", 1)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    code = cli.main(["import", str(broken), "--currency", "EUR", "--out", str(tmp_path / "lines.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "broken.xlsx" in err and "Traceback" not in err
