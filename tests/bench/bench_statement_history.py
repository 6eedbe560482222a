"""Statement history: the cost of recognising what an account already holds.

1. `plan_import` alone: an account holding N lines (monthly statements, a year), a new statement of N/4
   lines overlapping its last month by half; by content (a PDF-like format) and by bank id (OFX FITIDs).
2. Through the server (Flask test client, SQLite in a temp dir): upload a statement of N lines, then an
   overlapping one of N lines sharing half of them; wall time of each upload, and lines added / skipped.
Fixed seed; prints its figures."""
from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

SEED = 20261123
TEXTS = ["card payment", "ATM deposit", "wire Fabrikam", "check", "monthly fee", "refund", "salary"]


def _lines(rng: random.Random, n: int, first: dt.date, days: int, id_from: int):
    from tieout.server.records import BankLine

    out = []
    for i in range(n):
        day = first + dt.timedelta(days=rng.randrange(days))
        amount = Decimal(rng.choice([500, -20, 13, -7])) + Decimal(rng.randrange(100)) / 100
        out.append(BankLine(f"FIT{id_from + i}", day, amount, "USD", description=rng.choice(TEXTS)))
    return sorted(out, key=lambda x: x.date)


def _plan_figures(n: int, fmt: str) -> None:
    from tieout.server.statements import statement_history as sh
    from tieout.server.records import ImportResult, Statement

    rng = random.Random(SEED)
    start = dt.date(2025, 1, 1)
    months = [(start.replace(month=m), (start.replace(month=m + 1) if m < 12 else dt.date(2026, 1, 1))
               - dt.timedelta(days=1)) for m in range(1, 13)]
    held, per_month, balance, last_month = [], n // 12, Decimal(1000), []
    for k, (first, last) in enumerate(months):
        lines = _lines(rng, per_month, first, (last - first).days + 1, k * per_month)
        closing = balance + sum((x.amount for x in lines), Decimal(0))
        st = Statement("ACC-1", "USD", balance, closing, tuple(lines), first, last, f"M{k}")
        held.append(sh.HeldStatement(k, f"statement {k}", "ACC-1", "USD", fmt, balance, closing, first, last,
                                     sh.statement_fingerprint(st), True, f"M{k}", lines=tuple(lines)))
        balance, last_month = closing, lines
    mid = dt.date(2025, 12, 16)
    repeated = [x for x in last_month if x.date >= mid]
    fresh = _lines(rng, n // 4 - len(repeated), dt.date(2026, 1, 1), 31, 10 * n)
    opening = balance - sum((x.amount for x in repeated), Decimal(0))
    new_lines = tuple(repeated + fresh)
    new = Statement("ACC-1", "USD", opening, opening + sum((x.amount for x in new_lines), Decimal(0)), new_lines,
                    mid, dt.date(2026, 1, 31), "NEW")
    t0 = time.perf_counter()
    plan = sh.plan_import(held, ImportResult(fmt, "bench", (new,)))
    took = time.perf_counter() - t0
    errors = [f for f in plan.findings if f.severity == "error"]
    print(f"plan_import {fmt:>4}: held {n:>7,} lines, file {len(new_lines):>6,} lines: {took:6.2f} s, "
          f"added {len(plan.lines_to_add):,}, skipped {len(plan.lines_skipped):,} (expected {len(repeated):,}), "
          f"errors {len(errors)}", flush=True)


def _server_figures(n: int) -> None:
    from test_server_kit import bank_file, make_app, owner_api

    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        app = make_app(home, IMPORT_BACKGROUND_BYTES=1 << 30)
        try:
            api = owner_api(app)
            acc = api.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD", "bank_account": "ACC-1"})["id"]
            rid = api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
            rows = [(f"B{i}", f"2026-01-{1 + i * 31 // (2 * n):02d}", f"{rng.randrange(-9999, 9999) / 100:.2f}",
                     rng.choice(TEXTS)) for i in range(2 * n)]
            half = n // 2
            first, second = rows[:n], [(f"X{i}", *r[1:]) for i, r in enumerate(rows[half:half + n])]
            opening2 = Decimal("1000.00") + sum((Decimal(r[2]) for r in rows[:half]), Decimal(0))
            for name, part, opening in (("first", first, "1000.00"), ("overlapping", second, str(opening2))):
                f = bank_file(Path(tmp) / f"{name}.txt", part, opening=opening)
                t0 = time.perf_counter()
                status, data = api.upload(rid, f)
                took = time.perf_counter() - t0
                assert status == 201, data
                print(f"server upload {name:>11}: {len(part):>6,} lines in {took:6.2f} s, added {data['added']:,}, "
                      f"skipped {data['skipped_count']:,}, findings {[x['kind'] for x in data['continuity']]}",
                      flush=True)
        finally:
            app.extensions["tieout"].close()


def run() -> None:
    for n in (12_000, 120_000):
        for fmt in ("pdf", "ofx"):
            _plan_figures(n, fmt)
    for n in (10_000, 50_000):
        _server_figures(n)


if __name__ == "__main__":
    run()
