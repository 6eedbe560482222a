"""Add-in handlers in batch mode (saved-workbook adapter) against the real server on loopback: the time of
each button on a month of N bank lines and about as many GL lines, and the workbook's size.

Input: a seeded synthetic month (Chase CSV statement, filled GL template), N = 1,000 and 5,000 bank lines."""
from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SEED = 20261201
SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "1000,5000").split(","))


def synthetic_month(n: int, seed: int = SEED):
    from tieout.server.sample_data import CENT, CUSTOMERS, VENDORS, SampleMonth, SampleTxn

    rng = random.Random(seed)
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    txns = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(28))
        receipt = rng.random() < 0.4
        amount = (Decimal(rng.randint(1_000, 2_500_000)) * CENT) * (1 if receipt else -1)
        party = rng.choice(CUSTOMERS if receipt else VENDORS)
        in_gl = rng.random() < 0.97  # 3% bank-only
        txns.append(SampleTxn(day, day - dt.timedelta(days=rng.randrange(3)) if in_gl else None, amount,
                              f"{'ACH CREDIT' if receipt else 'ACH DEBIT'} {party.upper()} {i:06d}",
                              "CREDIT" if receipt else "DEBIT", "ACH_CREDIT" if receipt else "ACH_DEBIT",
                              gl_reference=f"R{i:06d}", gl_description=f"{party} {i:06d}",
                              gl_source="AR" if receipt else "AP", counterparty=party))
    for i in range(n // 50):  # GL-only items: outstanding checks and deposits in transit
        txns.append(SampleTxn(None, end, Decimal(rng.randint(1_000, 500_000)) * CENT * rng.choice((1, -1)), "", "",
                              "", gl_reference=f"O{i:05d}", gl_description="outstanding item", gl_source="JE"))
    return SampleMonth("000000987654321", "1010", "USD", start, end, Decimal("250000.00"), tuple(txns))


def run() -> None:
    from tieout.addin.dispatch import new_workbook, run_handler
    from tieout.addin.client import Client
    from tieout.addin.xlsx_workbook import XlsxWorkbook
    from tieout.excel_templates.gl_template import fill_gl_template
    from tieout.server.app.serve import running
    from tieout.server.sample_data import write_chase_csv

    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            os.environ["TIEOUT_HOME"] = str(tmp / "home")
            with running({"LOCAL_USER": "bench"}) as (base, app):
                client = Client(base, token=app.extensions["tieout"].token, autostart=False)
                month = synthetic_month(n)
                bank = write_chase_csv(month, tmp / "bank.csv")
                gl = fill_gl_template(None, tmp / "gl.xlsx", month.gl_balance(), month.ledger_lines())
                path = tmp / "Rec.xlsx"
                new_workbook(path)
                steps = [("import_bank_file", {"file": str(bank), "account_name": "Bench"}),
                         ("import_gl_template", {"file": str(gl)}), ("auto_match", {}), ("accept_matches", {}),
                         ("post_new_transactions", {}), ("refresh", {}), ("submit_for_review", {}), ("refresh", {})]
                print(f"N = {n} bank lines, {len(month.ledger_lines())} GL lines (seed {SEED})")
                for name, args in steps:
                    t0 = time.perf_counter()
                    book = XlsxWorkbook(path, echo=lambda text: None)
                    t1 = time.perf_counter()
                    outcome = run_handler(name, book, args, client)
                    t2 = time.perf_counter()
                    book.save()
                    t3 = time.perf_counter()
                    if not outcome.ok:
                        raise RuntimeError(f"{name}: {outcome.error}")
                    print(f"  {name:<24} open {t1 - t0:6.2f} s  handler {t2 - t1:6.2f} s  save {t3 - t2:6.2f} s", flush=True)
                rec = client.get(f"/api/reconciliations/{book.get_setting('ReconciliationId')}")
                f = rec["figures"]
                print(f"  workbook {path.stat().st_size / 1e6:.1f} MB; matched bank {f['matched_bank_lines']}/"
                      f"{f['bank_lines']}, GL {f['matched_gl_lines']}/{f['gl_lines']}; difference {f['difference']}; "
                      f"status {rec['status']}", flush=True)
                client.close()


if __name__ == "__main__":
    run()
