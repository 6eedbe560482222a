"""Import speed of the BAI2, MT940 and MT942 importers: lines per second on a 100,000-transaction file of each format.

The files are generated with a fixed seed (so every run reads the same bytes) and go through the full path
users take: content detection, parsing, canonical records and the central balance check. Target: at least
100,000 lines per second for every format. A line is taken as a transaction (a canonical bank line), as for CSV
and camt.053, the stricter reading; the file's physical lines (2 to 4 per transaction) are judged too.
"""
from __future__ import annotations

import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tieout.server.importers import import_file

TRANSACTIONS = 100_000
SEED = 20261122
TARGET = 100_000


def bai2_file(n: int, seed: int) -> str:
    """One group, ten accounts; every detail has a V funds type, references and an 88 text continuation."""
    rnd = random.Random(seed)
    out = ["01,BANKID,CUSTID,260131,2359,1,80,,2/", "02,CUSTID,BANKID,1,260131,2359,USD,2/"]
    accounts, per = 10, n // 10
    group_total = 0
    for a in range(accounts):
        opening = rnd.randint(0, 10**9)
        details, net, total = [], 0, 0
        for i in range(per):
            code = rnd.choice((175, 195, 165, 475, 495, 455, 698))
            amount = rnd.randint(1, 5_000_000)
            net += amount if code < 400 else -amount
            total += amount
            details.append(f"16,{code},{amount},V,260130,,B{a:02d}{i:07d},C{i},"
                           f"PAYMENT {i} FOR INVOICE {rnd.randint(1, 99999)}")
            details.append(f"88,CUSTOMER {rnd.randint(1, 5000)} REMITTANCE")
        closing = opening + net
        total += opening + closing
        out.append(f"03,{1000 + a},USD,010,{opening},,,015,{closing},,/")
        out.extend(details)
        out.append(f"49,{total},{len(details) + 2}/")
        group_total += total
    records = len(out) - 1 + 1  # every record after 01, plus the 98
    out.append(f"98,{group_total},{accounts},{records}/")
    out.append(f"99,{group_total},1,{len(out) + 1}/")
    return "\n".join(out) + "\n"


def mt940_file(n: int, seed: int) -> str:
    """Daily statements of 100 lines: :61: with entry date and bank reference, supplementary details, 2-line :86:."""
    rnd = random.Random(seed)
    out = []
    balance = Decimal("1000000.00")
    day = 0
    for start in range(0, n, 100):
        day += 1
        yymmdd = f"26{(day // 28) % 12 + 1:02d}{day % 28 + 1:02d}"
        out += [f":20:STMT{start}", ":25:NL81ASNB0000000001", f":28C:{day}/1",
                f":60F:{'C' if balance >= 0 else 'D'}{yymmdd}EUR{abs(balance):.2f}".replace(".", ",")]
        for i in range(start, min(start + 100, n)):
            cents = rnd.randint(1, 500_000)
            mark = rnd.choice(("C", "D", "D", "RC", "RD"))
            amount = Decimal(cents).scaleb(-2)
            balance += amount if mark in ("C", "RD") else -amount
            out += [f":61:{yymmdd}{yymmdd[2:]}{mark}{amount}".replace(".", ",") + f"NTRF{i}//B{i:09d}",
                    f"SUPPLEMENTARY {i}",
                    f":86:/EREF/E2E{i}/NAME/COUNTERPARTY {rnd.randint(1, 999)}/REMI/USTD//INVOICE {i}",
                    "/ADDR/SOMEWHERE STREET 1/"]
        out += [f":62F:{'C' if balance >= 0 else 'D'}{yymmdd}EUR{abs(balance):.2f}".replace(".", ","), "-"]
    return "\n".join(out) + "\n"


def mt942_file(n: int, seed: int) -> str:
    """Interim reports of 100 lines as mt940_file's (no balances): :34F:, :13D:, and the :90D:/:90C: totals."""
    rnd = random.Random(seed)
    out = []
    for start in range(0, n, 100):
        day = start // 100 + 1
        yymmdd = f"26{(day // 28) % 12 + 1:02d}{day % 28 + 1:02d}"
        out += [f":20:INT{start}", ":25:NL81ASNB0000000001", f":28C:{day}/1", ":34F:EUR0,", f":13D:{yymmdd}1200+0100"]
        sums = {"D": [0, Decimal(0)], "C": [0, Decimal(0)]}
        for i in range(start, min(start + 100, n)):
            amount = Decimal(rnd.randint(1, 500_000)).scaleb(-2)
            mark = rnd.choice(("C", "D", "D", "RC", "RD"))
            side = sums["D" if mark in ("D", "RC") else "C"]
            side[0] += 1
            side[1] += amount
            out += [f":61:{yymmdd}{yymmdd[2:]}{mark}{amount}".replace(".", ",") + f"NTRF{i}//B{i:09d}",
                    f"SUPPLEMENTARY {i}",
                    f":86:/EREF/E2E{i}/NAME/COUNTERPARTY {rnd.randint(1, 999)}/REMI/USTD//INVOICE {i}",
                    "/ADDR/SOMEWHERE STREET 1/"]
        out += [f":90{side}:{count}EUR{total:.2f}".replace(".", ",") for side, (count, total) in sums.items()]
        out.append("-")
    return "\n".join(out) + "\n"


def _measure(name: str, text: str, folder: Path) -> None:
    path = folder / f"bench.{name}"
    path.write_text(text)
    lines = text.count("\n")
    wall = cpu = result = None
    for _ in range(3):
        del result  # the previous run's records are freed before the clock starts, not inside the timed call
        w0, c0 = time.perf_counter(), time.process_time()
        result = import_file(path)
        w, c = time.perf_counter() - w0, time.process_time() - c0
        wall, cpu = (w, c) if wall is None else (min(wall, w), min(cpu, c))
    count = len(result.lines)
    assert result.format == name and count == TRANSACTIONS and not result.findings, (result.format, count)
    # CPU time is the figure judged: on a shared 2-core machine wall time also measures the neighbours.
    rate = count / cpu
    print(f"{name}: {count:,} transactions ({lines:,} physical lines, {path.stat().st_size / 1e6:.1f} MB): "
          f"cpu {cpu:.2f} s = {rate:,.0f} transactions/s ({lines / cpu:,.0f} physical lines/s); wall {wall:.2f} s"
          f" = {count / wall:,.0f} transactions/s; target {TARGET:,} lines/s: "
          f"{'met' if rate >= TARGET else 'NOT met'} counting transactions, "
          f"{'met' if lines / cpu >= TARGET else 'NOT met'} counting physical lines")


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _measure("bai2", bai2_file(TRANSACTIONS, SEED), folder)
        _measure("mt940", mt940_file(TRANSACTIONS, SEED), folder)
        _measure("mt942", mt942_file(TRANSACTIONS, SEED), folder)


if __name__ == "__main__":
    run()
