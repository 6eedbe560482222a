"""The review checks on a month of N bank lines (BENCH_REVIEW_SIZES, default 1,000 and 5,000): the seeded
synthetic month of bench_addin_handlers imported, auto-matched and accepted through the batch handlers, then
GET .../review timed (the server's load of the facts, the five checks, aging, escalations, as JSON), the
Refresh button with the Review sheet (it reads the review once per press), and GET /api/workspace (which runs
the review checks of the account's reconciliation for its exceptions list)."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import tempfile
import time
from pathlib import Path

SIZES = tuple(int(x) for x in os.environ.get("BENCH_REVIEW_SIZES", "1000,5000").split(",") if x)
REPEATS = 3


def _handlers_bench():
    path = Path(__file__).with_name("bench_addin_handlers.py")
    spec = importlib.util.spec_from_file_location("bench_addin_handlers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run() -> None:
    for n in SIZES:
        _one(n)


def _timed(fn) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def _one(n: int) -> None:
    from tieout.addin.client import Client
    from tieout.addin.dispatch import run_batch
    from tieout.addin.xlsx_workbook import XlsxWorkbook
    from tieout.server.app.serve import running
    from tieout.server.sample_data import write_chase_csv

    bench = _handlers_bench()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["TIEOUT_HOME"] = str(tmp / "home")
        with running({"LOCAL_USER": "bench"}) as (base, app):
            token = app.extensions["tieout"].token
            client = Client(base, token=token, autostart=False)
            path, files = bench.month_files(bench.synthetic_month(n), tmp)
            os.environ.update(TIEOUT_URL=base, TIEOUT_TOKEN=token)
            steps = (*files.items(), ("auto_match", {}), ("accept_matches", {}))
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for name, args in steps:
                    if run_batch(path, name, args) != 0:
                        raise RuntimeError(f"{name} failed")
            rid = XlsxWorkbook(path, echo=lambda text: None).get_setting("ReconciliationId")
            review = {}
            times = [_timed(lambda: review.update(client.get(f"/api/reconciliations/{rid}/review")))
                     for _ in range(REPEATS)]
            wall = min(t[0] for t in times)
            statuses = ", ".join(f"{c['id']} {c['status']}" for c in review["checks"])
            print(f"N = {n} bank lines (seed {bench.SEED}): GET review best of {REPEATS} {wall:.2f} s; {statuses}; "
                  f"{sum(b['count'] for b in review['aging']['buckets'])} open items aged, "
                  f"{len(review['escalations'])} to escalate", flush=True)
            with contextlib.redirect_stdout(io.StringIO()):
                wall, cpu = _timed(lambda: run_batch(path, "refresh", {}))
            print(f"  refresh (every sheet, Review included): {wall:.2f} s (CPU {cpu:.2f} s)", flush=True)
            # the workspace runs the review checks of each account's reconciliation (its exceptions list them)
            times = [_timed(lambda: client.get("/api/workspace")) for _ in range(REPEATS)]
            print(f"  GET workspace best of {REPEATS}: {min(t[0] for t in times):.2f} s "
                  f"({min(t[1] for t in times):.2f} s CPU of this process, the server's threads included)",
                  flush=True)
            client.close()
            for key in ("TIEOUT_URL", "TIEOUT_TOKEN"):
                os.environ.pop(key, None)


if __name__ == "__main__":
    run()
