"""Calculation server benchmark, over real HTTP on loopback against `tieout serve` (waitress) in its own
process, SQLite store in a temp TIEOUT_HOME:
- small calls (GET summary, GET /api/me, POST one GL line) with 1, 4 and 8 clients: requests/s, p50, p99;
- end to end, a 10,000 x 10,000 line auto-match: upload the bank file, post the GL lines, run the job.
Fixed seed; prints its figures."""
from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from test_server_kit import Api, bank_file, free_port, start_server_process  # noqa: E402

SEED = 20261122
CALLS_PER_CLIENT = 300


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _load(api_factory, clients: int, make_call) -> tuple[float, list[float]]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list = []

    def worker(n: int) -> None:
        api = api_factory()
        for i in range(CALLS_PER_CLIENT):
            t0 = time.perf_counter()
            status = make_call(api, n, i)
            latencies[n].append(time.perf_counter() - t0)
            if status >= 300:
                errors.append(status)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"{len(errors)} failed calls, e.g. {errors[:3]}")
    flat = [x for per in latencies for x in per]
    return len(flat) / elapsed, flat


def run() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        port = free_port()
        proc = start_server_process(home, port, {"TIEOUT_IMPORT_BACKGROUND_BYTES": str(1 << 30)})
        try:
            base = f"http://127.0.0.1:{port}"
            token = (home / "token").read_text().strip()
            api = Api(base, token)
            acc = api.ok("POST", "/api/accounts", {"name": "Ops", "currency": "USD", "bank_account": "ACC-1"})["id"]
            small = api.ok("POST", "/api/reconciliations", {"account_id": acc, "period": "2026-01"})["id"]
            api.ok("POST", f"/api/reconciliations/{small}/gl-lines", {"lines": [
                {"line_id": f"S{i}", "date": "2026-01-10", "amount": f"{i}.00"} for i in range(200)]})
            calls = {
                "GET summary": lambda a, n, i: a.get(f"/api/reconciliations/{small}")[0],
                "GET /api/me": lambda a, n, i: a.get("/api/me")[0],
                "POST 1 GL line": lambda a, n, i: a.post(f"/api/reconciliations/{small}/gl-lines", {"lines": [
                    {"line_id": f"W{n}-{i}-{rng.random()}", "date": "2026-01-11", "amount": "1.00"}]})[0],
            }
            print(f"small calls ({CALLS_PER_CLIENT} per client, keep-alive sessions):")
            for name, call in calls.items():
                for clients in (1, 4, 8):
                    rps, lat = _load(lambda: Api(base, token), clients, call)
                    print(f"  {name:15s} {clients} client(s): {rps:7.0f} req/s   p50 {_pct(lat, 50) * 1000:6.1f} ms"
                          f"   p99 {_pct(lat, 99) * 1000:6.1f} ms", flush=True)

            n = 10_000
            # February of the same account would wait for January's approval: a second account
            acc2 = api.ok("POST", "/api/accounts", {"name": "Big", "currency": "USD", "bank_account": "ACC-1"})["id"]
            rec = api.ok("POST", "/api/reconciliations", {"account_id": acc2, "period": "2026-02"})["id"]
            lines, gl = [], []
            for i in range(n):
                day = 1 + rng.randrange(28)
                amount = f"{rng.randrange(-500000, 900000) / 100:.2f}"
                lines.append((f"B{i}", f"2026-02-{day:02d}", amount, f"payment {i}"))
                gl_day = min(28, max(1, day + rng.choice((-1, 0, 0, 1, 2))))
                gl.append({"line_id": f"G{i}", "date": f"2026-02-{gl_day:02d}", "amount": amount,
                           "description": f"payment {i}"})
            rng.shuffle(gl)
            f = bank_file(Path(tmp) / "feb.txt", lines)
            t0 = time.perf_counter()
            status, data = api.upload(rec, f)
            t1 = time.perf_counter()
            assert status == 201, data
            api.ok("POST", f"/api/reconciliations/{rec}/gl-lines", {"lines": gl})
            t2 = time.perf_counter()
            job = api.ok("POST", f"/api/reconciliations/{rec}/auto-match?wait=600")
            t3 = time.perf_counter()
            assert job["status"] == "Done", job
            fig = api.ok("GET", f"/api/reconciliations/{rec}")["figures"]
            print(f"auto-match {n:,} x {n:,} over HTTP: upload+import {t1 - t0:.2f} s, post GL lines {t2 - t1:.2f} s,"
                  f" auto-match job {t3 - t2:.2f} s, total {t3 - t0:.2f} s; "
                  f"{fig['matched_groups']:,} groups, {fig['matched_bank_lines']:,} bank lines matched; "
                  f"inside the job: "
                  f"load+match {job['detail']['seconds']['load_and_match']} s, "
                  f"store {job['detail']['seconds']['store']} s", flush=True)
        finally:
            proc.kill()
            proc.wait(30)


if __name__ == "__main__":
    run()
