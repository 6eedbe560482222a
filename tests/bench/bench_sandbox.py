"""What the sandbox costs an import: the same file imported in this process (importers.import_file) and in a
sandboxed worker (sandbox.import_file), for a small MT940 file of the corpus layout and a 100,000-line CSV
(fixed content). The worker's first call also starts the fork server (printed apart). Best of 3."""
from __future__ import annotations

import tempfile
import time
import timeit
from pathlib import Path

from tieout.server import sandbox
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

MT940 = """:20:STATEMENT
:25:NL91ABNA0417164300
:28C:1/1
:60F:C260101EUR1000,00
:61:2601020102D25,00NTRFNONREF//B1
:86:Coffee
:62F:C260102EUR975,00
"""


def _csv(path: Path, lines: int) -> Path:
    rows = ["Date,Description,Amount"] + [f"2026-01-{i % 28 + 1:02d},payment {i},{i % 997}.25" for i in range(lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _best(fn, repeat: int = 3) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.sta"
        small.write_text(MT940, encoding="utf-8")
        big = _csv(Path(folder) / "big.csv", 100_000)
        options = ImportOptions(currency="EUR")
        t0 = time.perf_counter()
        sandbox.import_file(small)
        print(f"  first sandboxed import (starts the fork server): {time.perf_counter() - t0:.2f} s")
        for label, path in (("MT940, 1 line", small), ("CSV, 100,000 lines", big)):
            here = _best(lambda: import_file(path, "auto", options))
            there = _best(lambda: sandbox.import_file(path, "auto", options))
            print(f"  {label:<20} in process {here:6.3f} s   sandboxed {there:6.3f} s   overhead {there - here:+.3f} s")


if __name__ == "__main__":
    run()
