"""The workbook each of the handlers' benchmark presses leaves, kept and compared (issue 17: a press that renders
only what changed must leave the same workbook as one that renders everything).

    python tests/bench/press_books.py run N DIR        # the eight presses on a month of N lines; DIR/<i>-<button>.xlsx
    python tests/bench/press_books.py compare DIR1 DIR2  # every sheet's cells, tables, styles, validations,
                                                         # conditional formats, protection and defined names

Run `run` with each checkout's own interpreter (it imports the installed tieout). Moments (ISO timestamps) and the
add-in's own bookkeeping settings (Tieout_Shown*) are masked; everything else must be equal."""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?|\b[0-9a-f]{64}\b")  # moments, and hashes over them
_BOOKKEEPING = "Tieout_Shown"  # settings only the branch that renders what changed keeps (a prefix)


def run(n: int, out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_addin_handlers import STEPS, month_files, synthetic_month
    from tieout.addin.dispatch import run_batch
    from tieout.server.app.serve import running

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["TIEOUT_HOME"] = str(tmp / "home")
        with running({"LOCAL_USER": "bench"}) as (base, app):
            os.environ.update(TIEOUT_URL=base, TIEOUT_TOKEN=app.extensions["tieout"].token)
            path, files = month_files(synthetic_month(n), tmp)
            for i, (name, args) in enumerate(STEPS, start=1):
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    code = run_batch(path, name, files.get(name, args))
                if code != 0:
                    raise SystemExit(f"{name}: exit code {code}")
                shutil.copy(path, out / f"{i}-{name}.xlsx")
                print(f"kept {out / f'{i}-{name}.xlsx'}", flush=True)


def _mask(v):
    return _MOMENT.sub("<moment>", v) if isinstance(v, str) else v


def describe(path: Path) -> dict:
    """What a person or Excel sees of a workbook, moments masked."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out: dict = {"sheets": wb.sheetnames, "security": repr(wb.security),
                 "names": {k: _mask(v.attr_text) for k, v in wb.defined_names.items() if not k.startswith(_BOOKKEEPING)}}
    for ws in wb.worksheets:
        cells = {c.coordinate: (_mask(c.value), c.data_type, c.number_format, repr(c.font), repr(c.fill),
                                repr(c.protection), repr(c.alignment), repr(c.border))
                 for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
        out[ws.title] = {
            "cells": cells,
            "tables": {t.name: (t.ref, t.displayName, repr(t.tableStyleInfo), [c.name for c in t.tableColumns])
                       for t in ws.tables.values()},
            "validations": sorted((str(dv.sqref), dv.formula1, dv.prompt) for dv in ws.data_validations.dataValidation),
            "conditional": sorted((str(r.sqref), repr([x.formula for x in r.rules]))
                                  for r in ws.conditional_formatting),
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.autoFilter, ws.protection.sort),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "freeze": ws.freeze_panes, "print": (repr(ws.page_setup), repr(ws.sheet_properties)),
        }
    return out


def compare(a: Path, b: Path) -> int:
    bad = 0
    for left in sorted(a.glob("*.xlsx")):
        right = b / left.name
        da, db = describe(left), describe(right)
        if da == db:
            print(f"{left.name}: same")
            continue
        bad += 1
        for key in sorted(set(da) | set(db), key=str):
            if da.get(key) == db.get(key):
                continue
            if isinstance(da.get(key), dict) and isinstance(db.get(key), dict):
                for part in sorted(set(da[key]) | set(db[key])):
                    x, y = da[key].get(part), db[key].get(part)
                    if x != y:
                        if isinstance(x, dict) and isinstance(y, dict):
                            diff = [k for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
                            print(f"{left.name}: {key} {part} differs at {diff[:5]} "
                                  f"({x.get(diff[0]) if diff else ''} vs {y.get(diff[0]) if diff else ''})")
                        else:
                            print(f"{left.name}: {key} {part}: {str(x)[:200]} vs {str(y)[:200]}")
            else:
                print(f"{left.name}: {key}: {str(da.get(key))[:200]} vs {str(db.get(key))[:200]}")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
