"""The keyed audit chain: what a change pays for its keyed link and its anchor line (one small file append after
the commit), and `audit verify` at N and 2N rows (a doubling that must stay roughly linear: verify walks the
chain once and holds the anchors in a dict)."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tieout.server.controls import audit
from tieout.server.services.context import Actor, change
from tieout.server.store import open_store

ROWS_PER_CHANGE = 50


def _fill(store, changes: int) -> float:
    actor = Actor(0, "bench")
    t0 = time.perf_counter()
    for n in range(changes):
        with change(store, actor) as ch:
            for k in range(ROWS_PER_CHANGE):
                ch.audit("bench.row", "bench", f"{n}-{k}", {"n": n}, {"k": k})
    return time.perf_counter() - t0


def _verify(store) -> tuple[float, audit.Verdict]:
    t0 = time.perf_counter()
    with store.read() as s:
        verdict = audit.verify(s)
    return time.perf_counter() - t0, verdict


def run() -> None:
    times = {}
    for changes in (100, 200):
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["TIEOUT_HOME"] = tmp
            store = open_store(f"sqlite:///{Path(tmp) / 'tieout.db'}")
            try:
                fill = _fill(store, changes)
                took, verdict = _verify(store)
            finally:
                store.dispose()
            assert verdict.intact and verdict.rows == changes * ROWS_PER_CHANGE, verdict.describe()
            anchors = len((Path(tmp) / "audit-anchor.log").read_text().splitlines())
            times[changes] = took
            print(f"{changes} changes x {ROWS_PER_CHANGE} rows: {fill * 1000 / changes:.2f} ms per change "
                  f"(keyed links + anchor), {anchors} anchor lines; verify {verdict.rows} rows in {took:.2f} s")
    ratio = times[200] / times[100]
    print(f"verify at 2N / N rows: {ratio:.2f} (linear: about 2)")
    assert ratio < 3.0, f"audit verify grows faster than linearly ({ratio:.2f} for twice the rows)"
