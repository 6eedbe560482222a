"""The .xlsx guard's XML pass (xlsx_guard.survey) against python-calamine's own read of the same sheet, on a
100,000-row statement (fixed content), and at 50,000 rows to show the pass is linear: each import of an .xlsx
pays both. Printed: seconds for each, the guard's share, and the ratio of the two sizes' guard times."""
from __future__ import annotations

import datetime as dt
import tempfile
import time
import timeit
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from tieout.server.importers.tabular.xlsx_guard import survey


def _write(path: Path, rows: int) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Statement")
    ws.append(["Date", "Description", "Amount", "Balance"])
    for i in range(rows):
        ws.append([dt.date(2026, 1, 1 + i % 28), f"payment {i}", 1.25 * (i % 97) - 40, 1000 + 0.5 * i])
    wb.save(path)
    return path


def _best(fn, repeat: int = 3) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def run() -> None:
    times = {}
    with tempfile.TemporaryDirectory() as folder:
        for rows in (50_000, 100_000):
            path = _write(Path(folder) / f"s{rows}.xlsx", rows)
            guard = _best(lambda: survey(path))
            read = _best(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Statement")
                         .to_python(skip_empty_area=False))
            times[rows] = guard
            sheet = survey(path)["Statement"]
            print(f"  {rows:>7,} rows: guard {guard:5.2f} s, calamine read {read:5.2f} s, guard share of both "
                  f"{guard / (guard + read):4.0%}; found rows={sheet.rows:,} columns={sheet.columns}")
    print(f"  doubling the rows multiplies the guard's time by {times[100_000] / times[50_000]:.2f} (linear: ~2)")


if __name__ == "__main__":
    run()
