"""Linear time in every importer: each file shape is imported at n and at 2n records, and 2n must take about
twice the CPU time of n (at most RATIO times; a quadratic reader takes four times, and worse as n grows).

Shapes: an ordinary file of every structured format and CSV (the generators of the other import benchmarks,
fixed seeds), and the attack shapes that were quadratic (issue 13): a CSV transaction followed by thousands of
continuation rows, and an OFX name with hundreds of thousands of stray "<". Each time is the best of RUNS CPU
times (CPU, not wall: the neighbours on a shared machine do not count). Fails, after printing every figure,
naming the shapes whose time grew faster than the input.
"""
from __future__ import annotations

import importlib.util
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pdf_fixtures  # noqa: E402

from tieout.server.importers import import_file  # noqa: E402
from tieout.server.importers.base import ImportOptions  # noqa: E402
from tieout.server.importers.pdf.statement import PdfStatementImporter  # noqa: E402
from tieout.server.importers.pdf.text import ReadLimits  # noqa: E402
SEED = 20261207
RATIO = 2.6
RUNS = 3


def _sibling(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def continuation_csv(n: int) -> str:
    """OCBC's layout (its profile reads continuation rows): one transaction, then n rows continuing its text."""
    out = ["Account details for:,Savings 123-456789-001", "Transaction date,Value date,Description,Withdrawals,"
                                                          "Deposits", "01/03/2025,01/03/2025,FAST PAYMENT,12.50,"]
    out += [f",,part {i} of the description," for i in range(n)]
    return "\n".join(out) + "\n"


def stray_ofx(n: int) -> str:
    """One OFX transaction whose NAME holds n stray "<" (no ">" follows them)."""
    name = "ACME" + " <x" * n
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD"
            "<BANKACCTFROM><BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
            "<DTSTART>20250101<DTEND>20250131<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250102<TRNAMT>-12.50"
            f"<FITID>1<NAME>{name}\n</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def shapes() -> dict[str, tuple[int, str, Callable[[Path, int], None]]]:
    """name -> (n, file suffix, write(path, n))."""
    swift, qif, xml, tab = (_sibling(m) for m in ("bench_import_bai2_mt940", "bench_import_qif",
                                                   "bench_import_camt_ofx", "bench_import_tabular"))

    def text(make):
        return lambda path, n: path.write_text(make(n), encoding="utf-8")

    def tabular(writer):
        def write(path: Path, n: int) -> None:
            tab.N = n
            writer(path, tab._transactions(random.Random(SEED)), Decimal("1000.00"))
        return write

    def pdf(path: Path, n: int) -> None:
        path.write_bytes(pdf_fixtures.us_retail_pdf(seed=11, n=n).pdf)

    return {
        "bai2": (10_000, "bai", text(lambda n: swift.bai2_file(n, SEED))),
        "mt940": (10_000, "sta", text(lambda n: swift.mt940_file(n, SEED))),
        "mt942": (10_000, "sta", text(lambda n: swift.mt942_file(n, SEED))),
        "qif": (10_000, "qif", text(lambda n: qif.qif_file(n, SEED))),
        "camt053": (10_000, "xml", lambda path, n: xml.write_camt(path, n, SEED)),
        "ofx (SGML)": (10_000, "ofx", lambda path, n: xml.write_ofx(path, False, n, SEED)),
        "ofx (XML)": (10_000, "ofx", lambda path, n: xml.write_ofx(path, True, n, SEED)),
        "csv (Chase)": (10_000, "csv", tabular(tab._write_chase)),
        "xlsx": (10_000, "xlsx", tabular(tab._write_xlsx)),
        "pdf (in-process)": (300, "pdf", pdf),
        "csv continuation rows": (25_000, "csv", text(continuation_csv)),
        "ofx stray '<'": (200_000, "ofx", text(stray_ofx)),
    }


def cpu_time(path: Path) -> float:
    """The best of RUNS CPU times; PDF in-process, since its worker processes' CPU is not this process's."""
    best = None
    pdf = PdfStatementImporter(limits=ReadLimits(isolate=False))
    for _ in range(RUNS):
        c0 = time.process_time()
        if path.suffix == ".pdf":
            pdf.extract(path, ImportOptions())
        else:
            import_file(path, options=ImportOptions())
        c = time.process_time() - c0
        best = c if best is None else min(best, c)
    return best


def run() -> None:
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (n, suffix, write) in shapes().items():
            times = []
            for size in (n, 2 * n):
                path = Path(tmp) / f"{name.split()[0]}-{size}.{suffix}"
                write(path, size)
                times.append(cpu_time(path))
            ratio = times[1] / max(times[0], 1e-6)
            verdict = "linear" if ratio <= RATIO else "NOT linear"
            print(f"{name}: n={n:,} cpu {times[0]:.3f} s, 2n cpu {times[1]:.3f} s: x{ratio:.2f} ({verdict}, "
                  f"limit x{RATIO})", flush=True)
            if ratio > RATIO:
                slow.append(name)
    assert not slow, f"import time grew faster than the input for: {', '.join(slow)}"
