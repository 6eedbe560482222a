"""PDF statement import speed: pages per second for a ~30-page statement of each built-in layout and a ~20-page
statement no template knows, read by an inferred layout (target 20 pages/s).

Measures the whole import (worker start, pdfplumber word extraction, layout, checks) three ways by wall clock:
the default (isolated, up to two worker processes), one worker, and in-process; the best of 2 runs is kept.
Wall clock depends on what else the machine runs, so the in-process import's CPU time is printed too (pages
per CPU-second: one core's throughput, whatever the load), with the load average at the start.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdf_fixtures as fx  # noqa: E402

from tieout.server.importers.base import ImportOptions  # noqa: E402
from tieout.server.importers.pdf.statement import PdfStatementImporter  # noqa: E402
from tieout.server.importers.pdf.text import ReadLimits  # noqa: E402

RUNS = 2
MODES = {
    "2 workers": ReadLimits(workers=2),
    "1 worker": ReadLimits(workers=1),
    "in-process": ReadLimits(isolate=False),
}


def _statements():
    yield "us_retail", fx.us_retail_pdf(seed=11, n=1100)
    yield "uk_bank", fx.uk_bank_pdf(seed=12, n=1000)
    yield "business", fx.business_pdf(seed=13, n=1000)
    yield "inferred", fx.styled_pdf(fx.STYLES["multi_page"], seed=14, n=760)  # layout inference on top


def _best(importer: PdfStatementImporter, path: Path, clock) -> tuple[float, int]:
    best, count = None, 0
    for _ in range(RUNS):
        t0 = clock()
        result = importer.extract(path, ImportOptions())
        elapsed = clock() - t0
        best = elapsed if best is None else min(best, elapsed)
        count = len(result.lines)
    return best, count


def run() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        PdfStatementImporter().extract  # noqa: B018 - module loaded before timing
        warm = True
        print(f"{'layout':<10} {'pages':>5} {'lines':>6} " + " ".join(f"{m + ' p/s':>15}" for m in MODES)
              + f" {'p/CPU-s':>9}")
        for name, drawn in _statements():
            path = Path(folder) / f"{name}.pdf"
            path.write_bytes(drawn.pdf)
            rates = []
            for limits in MODES.values():
                importer = PdfStatementImporter(limits=limits)
                if warm:  # the first isolated import starts the forkserver; not part of any statement's time
                    importer.extract(path, ImportOptions())
                    warm = False
                seconds, count = _best(importer, path, time.perf_counter)
                assert count == len(drawn.txns)
                rates.append(drawn.pages / seconds)
            cpu, _ = _best(PdfStatementImporter(limits=MODES["in-process"]), path, time.process_time)
            print(f"{name:<10} {drawn.pages:>5} {len(drawn.txns):>6} " + " ".join(f"{r:>15.1f}" for r in rates)
                  + f" {drawn.pages / cpu:>9.1f}", flush=True)
