"""The tabular bench's three 100,000-line CSV files imported three ways: in process (importers.import_file), in
the sandboxed worker (sandbox.import_file, the server's path) and end to end (`tieout import FILE --json --out`,
a new process each time: start-up, import and writing the lines). Wall and CPU seconds, best of 3; the CPU of
the sandbox's worker is not visible from here, so only its wall clock is given.

    python tests/bench/tabular_modes.py
"""
from __future__ import annotations

import importlib.util
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tieout.server import sandbox
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

HERE = Path(__file__).resolve().parent


def _best(fn, repeat: int = 3) -> tuple[float, float]:
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best = (wall, cpu) if best is None or wall < best[0] else best
    return best


def _cli(path: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    best = None
    tieout = Path(sys.executable).with_name("tieout")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run([str(tieout), "import", str(path), "--json", "--out", str(out), *extra], check=True,
                       capture_output=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = (wall, cpu) if best is None or wall < best[0] else best
    return best


def run() -> None:
    spec = importlib.util.spec_from_file_location("bench_import_tabular", HERE / "bench_import_tabular.py")
    b = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(b)
    txns = b._transactions(random.Random(b.SEED))
    opening = Decimal("50000.00")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.setdefault("TIEOUT_HOME", str(folder / "home"))
        files = (("Chase", b._write_chase, "chase.csv", None), ("European", b._write_european, "eu.csv", "EUR"),
                 ("inferred", b._write_inferred, "pl.csv", None))
        for label, write, name, currency in files:
            path = folder / name
            write(path, txns, opening)
            options = ImportOptions(currency=currency)
            extra = ["--currency", currency] if currency else []
            here = _best(lambda: import_file(path, "auto", options))
            there = _best(lambda: sandbox.import_file(path, "auto", options))
            cli = _cli(path, folder / "lines.csv", extra)
            n = b.N
            print(f"  {label:<9} in process {here[0]:5.2f} s wall {here[1]:5.2f} s cpu ({n / here[0]:>7,.0f} / "
                  f"{n / here[1]:>7,.0f} lines/s)   sandboxed {there[0]:5.2f} s wall ({n / there[0]:>7,.0f})   "
                  f"tieout import {cli[0]:5.2f} s wall {cli[1]:5.2f} s cpu ({n / cli[0]:>7,.0f} / "
                  f"{n / cli[1]:>7,.0f})", flush=True)
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    run()
