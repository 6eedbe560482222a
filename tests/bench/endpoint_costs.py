"""CPU seconds of the server's read answers on a kept month (issue 17): each GET a button makes, through the
Flask test client on the file-backed SQLite store that `server_calls.py N --keep DIR` left in DIR/N.

`python tests/bench/endpoint_costs.py DIR/N [--repeat K] [--profile PATH_PART]` prints, per answer, the best of K
runs (CPU of this thread) and its size; the review is timed on a fresh app each run (its memo would answer
otherwise). `--profile bank-lines` prints a profile of that answer."""
from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

GETS = ("", "/bank-lines", "/gl-lines", "/matches", "/transactions", "/unmatched", "/statements", "/findings",
        "/review/ticks", "/review")


def _app(home: Path):
    from tieout.server.app import create_app

    os.environ["TIEOUT_HOME"] = str(home)
    return create_app({"LOCAL_USER": "bench", "TIEOUT_HOME": home, "SCHEDULER_INTERVAL": 0})


def main(argv: list[str]) -> int:
    home = Path(argv[0]) / "home"
    repeat, profile = 3, None
    it = iter(argv[1:])
    for arg in it:
        if arg == "--repeat":
            repeat = int(next(it))
        elif arg == "--profile":
            profile = next(it)
    app = _app(home)
    token = app.extensions["tieout"].token
    headers = {"Authorization": f"Bearer {token}"}
    rid = 1
    print(f"{'GET /api/reconciliations/1...':<40} {'best CPU s':>10} {'KB':>8}")
    for part in GETS:
        url = f"/api/reconciliations/{rid}{part}"
        best, size = float("inf"), 0
        for _ in range(repeat):
            fresh = _app(home) if part == "/review" else app
            with fresh.test_client() as client:
                c0 = time.thread_time()
                prof = cProfile.Profile() if profile and profile == part.strip("/") else None
                if prof:
                    prof.enable()
                resp = client.get(url, headers=headers)
                if prof:
                    prof.disable()
                    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
                    prof = None
                best = min(best, time.thread_time() - c0)
                size = len(resp.data)
                assert resp.status_code == 200, (url, resp.status_code, resp.data[:300])
            if fresh is not app:
                fresh.extensions["tieout"].close()
        print(f"  {part or '(the reconciliation)':<38} {best:10.3f} {size / 1e3:8.0f}", flush=True)
    app.extensions["tieout"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
