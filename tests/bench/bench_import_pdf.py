"""PDF statement import speed: pages per second for a ~30-page statement of each built-in layout and a ~20-page
statement no template knows, read by an inferred layout (target 20 pages/s).

Measures the whole import (worker start, PDFium character reading, words, layout, checks) three ways by wall
clock: the default (isolated, up to two worker processes), one worker, and in-process; the best of 2 runs is kept.
Wall clock depends on what else the machine runs, so the in-process import's CPU time is printed too (pages
per CPU-second: one core's throughput, whatever the load), with the load average at the start.
A second table gives every layout of the tests (the three built-in ones and the eight inferred styles, ~20 pages
each) read by each reader, PDFium (the default) and pdfminer (the fallback, as every PDF was read before), back
to back: 2-worker wall clock and in-process CPU pages/s.
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


def _layouts():
    """~20 pages of every layout the tests draw."""
    yield "builtin us_retail", fx.us_retail_pdf(seed=21, n=700)
    yield "builtin uk_bank", fx.uk_bank_pdf(seed=22, n=650)
    yield "builtin business", fx.business_pdf(seed=23, n=600)
    for k, (name, style) in enumerate(sorted(fx.STYLES.items())):
        yield f"inferred {name}", fx.styled_pdf(style, seed=30 + k, n=600 if name == "totals_only" else 700)


def _best(importer: PdfStatementImporter, path: Path, clock, options=ImportOptions()) -> tuple[float, int]:
    best, count = None, 0
    for _ in range(RUNS):
        t0 = clock()
        result = importer.extract(path, options)
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

        _per_layout(Path(folder))


def _per_layout(folder: Path) -> None:
    readers = ("pdfium", "pdfminer")
    print(f"\n{'layout':<32} {'pages':>5} " + " ".join(f"{r + ' 2w p/s':>15} {r + ' p/CPU-s':>17}" for r in readers))
    for name, drawn in _layouts():
        path = folder / "layout.pdf"
        path.write_bytes(drawn.pdf)
        options = ImportOptions(currency=drawn.currency)
        cells = []
        for reader in readers:
            wall, count = _best(PdfStatementImporter(limits=ReadLimits(workers=2, reader=reader)), path,
                                time.perf_counter, options)
            assert count == len(drawn.txns)
            cpu, _ = _best(PdfStatementImporter(limits=ReadLimits(isolate=False, reader=reader)), path,
                           time.process_time, options)
            cells.append(f"{drawn.pages / wall:>15.1f} {drawn.pages / cpu:>17.1f}")
        print(f"{name:<32} {drawn.pages:>5} " + " ".join(cells), flush=True)
