"""GL template and bank statement template imports: lines per second, before (openpyxl, two passes) and after
(python-calamine), on filled templates of 10,000 and 100,000 lines (fixed seed). Both readers must give the
same answer; the run stops if they do not.

The files are written by the templates' own fillers (openpyxl), which takes about half of the run's two minutes.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from tieout.excel_templates.statement_template import fill_statement_template
from tieout.server.templates import gl_import, template_read, template_read_openpyxl
from tieout.server.templates.gl_import import fill_gl_template, read_gl_template
from tieout.server.importers import statement_template
from tieout.server.importers.base import ImportOptions
from tieout.server.records import BankLine, GLBalance, LedgerLine, Statement

SEED = 20240331
SIZES = (10_000, 100_000)
START, END = dt.date(2024, 3, 1), dt.date(2024, 3, 31)
WORDS = ["Customer receipt", "Payroll", "Rent", "Card fees", "Supplier", "Refund", "Transfer", "Interest"]


def _gl(path: Path, n: int, rng: random.Random) -> Path:
    lines = [LedgerLine(f"g{i}", START + dt.timedelta(days=rng.randrange(31)),
                        Decimal(rng.choice((-1, 1)) * rng.randint(1, 10_000_000)).scaleb(-2), "USD",
                        f"REF-{rng.randrange(10 ** 6):06d}", rng.choice(WORDS), rng.choice(("AR", "AP", "JE")),
                        rng.choice(WORDS)) for i in range(n)]
    balance = GLBalance("1010", END, sum(ln.amount for ln in lines), "USD")
    return fill_gl_template(None, path, balance, lines)  # one signed Amount column


def _statement(path: Path, n: int, rng: random.Random) -> Path:
    lines = tuple(BankLine(f"b{i}", START + dt.timedelta(days=rng.randrange(31)),
                           Decimal(rng.choice((-1, 1)) * rng.randint(1, 10_000_000)).scaleb(-2), "USD",
                           f"R{rng.randrange(10 ** 6)}", rng.choice(WORDS), rng.choice(("ach", "card", "fee")),
                           "") for i in range(n))
    total = sum(ln.amount for ln in lines)
    st = Statement("000123456789", "USD", Decimal("1000.00"), Decimal("1000.00") + total, lines, START, END, "03")
    return fill_statement_template(None, path, st, money_in_out=True)  # Money in / Money out columns


def _gl_formulas(path: Path, n: int, rng: random.Random) -> Path:
    """A GL template whose every Amount is a formula with its calculated value, as Excel saves it: the reader
    then searches the sheet's XML for formulas without a value (the slower path)."""
    _gl(path, n, rng)
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet3.xml":
                data = re.sub(rb'(<c r="D[0-9]+"[^>]*>)(<v>)', rb"\1<f>ROUND(1*1,2)</f>\2", data)
            z.writestr(info, data)
    return path


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def _gl_read(path):
    return read_gl_template(path)


def _st_read(path):
    return statement_template.IMPORTER.extract(path, ImportOptions())


def _before(fn, module, path):
    """The same import with the former openpyxl reader in place of read_template (in `module`, which holds the
    name the import calls)."""
    with mock.patch.object(module, "read_template", template_read_openpyxl.read_template_openpyxl):
        return fn(path)


def run() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            for kind, make, read, module in (("GL template", _gl, _gl_read, gl_import),
                                             ("GL with formulas", _gl_formulas, _gl_read, gl_import),
                                             ("statement template", _statement, _st_read, template_read)):
                path, made = _timed(make, Path(tmp) / f"{kind.replace(' ', '-')}-{n}.xlsx", n, rng)
                after, t_after = _timed(read, path)
                count = len(after.lines)
                assert count == n, (kind, count, n)
                line = (f"{kind:18} {n:>7,} lines ({path.stat().st_size / 1e6:.1f} MB, written in {made:.1f} s): "
                        f"after {t_after:6.2f} s = {n / t_after:>9,.0f} lines/s")
                before, t_before = _timed(_before, read, module, path)
                assert before == after, f"{kind}: the two readers disagree"
                print(line + f"; before {t_before:6.2f} s = {n / t_before:>7,.0f} lines/s "
                             f"(x{t_before / t_after:.0f})", flush=True)


if __name__ == "__main__":
    run()
