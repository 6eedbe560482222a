"""Import speed of the QIF importer: transactions per second on a 100,000-transaction file (seed fixed).

The file is what Quicken writes for two accounts: an !Account block and an Opening Balance record each, records
with Quicken's dates (`6/ 1'2025`), payee, memo, category, cleared mark, cheque numbers on some, thousands
separators, and a split on every tenth. It goes through the full path users take: content detection, the
whole-file date order and decimal mark, canonical records and the central statement checks. Target: at least
100,000 transactions/s (QIF is a line format like MT940); its physical lines/s are printed too.
"""
from __future__ import annotations

import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tieout.server.importers import import_file

TRANSACTIONS = 100_000
SEED = 20261207
TARGET = 100_000
PAYEES = ["Acme Hardware", "City Water", "Payroll Services", "Café Central", "Northwind Traders", "Contoso",
          "Office Supplies Ltd", "Power Co"]
CATEGORIES = ["Bills:Utilities", "Food:Groceries", "Salary", "Auto:Fuel", "[Savings]", "Office"]


def qif_file(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    out = []
    per = n // 2
    for account in ("Checking", "Visa"):
        out += ["!Account", f"N{account}", "TBank" if account == "Checking" else "TCCard", "^",
                "!Type:Bank" if account == "Checking" else "!Type:CCard",
                "D1/ 1'2025", "T10,000.00", "CX", "POpening Balance", f"L[{account}]", "^"]
        for i in range(per):
            cents = rnd.randint(-500_000, 300_000)
            month, day = rnd.randint(1, 12), rnd.randint(1, 28)
            out += [f"D{month}/{day:2d}'2025", f"T{Decimal(cents).scaleb(-2):,.2f}", f"C{rnd.choice(('X', '*', ''))}",
                    f"P{rnd.choice(PAYEES)}", f"MInvoice {i} ref {rnd.randint(1, 99999)}",
                    f"L{rnd.choice(CATEGORIES)}"]
            if i % 7 == 0:
                out.append(f"N{1000 + i}")
            if i % 10 == 0:
                part = cents // 3
                out += ["SFood:Groceries", "Efirst part", f"${Decimal(part).scaleb(-2)}", "SOffice",
                        f"${Decimal(cents - part).scaleb(-2)}"]
            out.append("^")
    return "\n".join(out) + "\n"


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qif"
        text = qif_file(TRANSACTIONS, SEED)
        path.write_text(text, encoding="utf-8")
        lines = text.count("\n")
        wall = cpu = result = None
        for _ in range(3):
            del result  # the previous run's records are freed before the clock starts
            w0, c0 = time.perf_counter(), time.process_time()
            result = import_file(path)
            w, c = time.perf_counter() - w0, time.process_time() - c0
            wall, cpu = (w, c) if wall is None else (min(wall, w), min(cpu, c))
        count = len(result.lines)
        assert result.format == "qif" and count == TRANSACTIONS and not result.findings, (result.format, count)
        rate = count / cpu  # CPU time is the figure judged: on a shared machine wall time measures the neighbours
        print(f"qif: {count:,} transactions ({lines:,} physical lines, {path.stat().st_size / 1e6:.1f} MB): "
              f"cpu {cpu:.2f} s = {rate:,.0f} transactions/s ({lines / cpu:,.0f} physical lines/s); wall {wall:.2f} s "
              f"= {count / wall:,.0f} transactions/s; target {TARGET:,} transactions/s: "
              f"{'met' if rate >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    run()
