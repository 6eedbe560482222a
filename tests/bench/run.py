"""`make bench`: runs every tests/bench/bench_*.py module's `run()` in name order; each prints its figures.

Benchmarks use fixed seeds so that their inputs (and so their quality figures) are the same every run.
Run one with `python tests/bench/run.py NAME` (e.g. `matching`).
"""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        module.run()
        print(f"== {name} done in {time.perf_counter() - t0:.1f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
