"""Add-in build: time to build dist/Tieout.xlam, its size, and MS-OVBA compression speed and ratio on VBA source."""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ribbon.build_xlam import AddinSettings, build  # noqa: E402
from ribbon.ovba_compression import compress  # noqa: E402
from ribbon.xlwings_vba import load_xlwings_vba  # noqa: E402
from ribbon.vba_source import stored_bytes  # noqa: E402

SEED = 20240611
WORDS = ("Dim", "As", "Long", "String", "If", "Then", "Else", "End", "Sub", "Function", "For", "Next", "Set",
         "Range", "Cells", "Value", "ActiveWorkbook", "Sheets", "=", "&", "(", ")", ",", "'", "i", "j", "x")


def _vba_like(n_bytes: int) -> bytes:
    rng = random.Random(SEED)
    lines, size = [], 0
    while size < n_bytes:
        line = "    " * rng.randrange(4) + " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 12)))
        lines.append(line)
        size += len(line) + 2
    return "\r\n".join(lines).encode("cp1252")[:n_bytes]


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "Tieout.xlam"
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            build(out, AddinSettings(r"C:\x\pythonw.exe", "/x/python"))
            times.append(time.perf_counter() - t0)
        print(f"build Tieout.xlam: median {statistics.median(times) * 1000:.0f} ms over 5 builds, "
              f"{out.stat().st_size} bytes")
    xlwings = stored_bytes(load_xlwings_vba().modules[0])
    t0 = time.perf_counter()
    packed = compress(xlwings)
    print(f"compress xlwings module: {len(xlwings)} -> {len(packed)} bytes "
          f"({len(packed) / len(xlwings):.1%}) in {(time.perf_counter() - t0) * 1000:.0f} ms")
    data = _vba_like(2_000_000)
    t0 = time.perf_counter()
    packed = compress(data)
    secs = time.perf_counter() - t0
    print(f"compress 2 MB of VBA-like text (seed {SEED}): {len(packed) / len(data):.1%} of input, "
          f"{len(data) / secs / 1e6:.2f} MB/s")


if __name__ == "__main__":
    run()
