"""Ledger against ledger: auto-match of a transaction reconciliation record at 10,000 and 100,000 lines a side.

1. The matcher alone (ledgers.auto_match.propose on both sides' records), keys reference + currency and on the
   document value (reference, document_amount, document_currency): seconds, groups proposed, and precision and
   recall against the known pairs. The data: mirrored intercompany pairs (A's +x is B's -x with the same
   reference), 2% of each side without a counterpart, 1% of references shared by two pairs.
2. Through the server (Flask test client, SQLite in a temp dir): import both companies' lines, POST auto-match
   on the record (load + match), then reconcile every proposed group in one batch (zero-sum checked, history
   and audit rows written). 10,000 a side by default; TIEOUT_BENCH_FULL=1 adds 100,000.
Fixed seed; prints its figures."""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

SEED = 20261207


def _sides(n: int):
    """Two sides of n lines as API rows, and the true pairs (left id, right id)."""
    rng = random.Random(SEED + n)
    left, right, truth = [], [], set()
    orphans = n // 50
    shared = n // 100
    for k in range(n - orphans):
        amount = Decimal(rng.randint(100, 5_000_000)).scaleb(-2)
        day = dt.date(2026, 10, rng.randint(1, 28)).isoformat()
        ref = f"IC-{(k // 2 if k < 2 * shared else k):07d}"
        doc = (amount * Decimal("0.9")).quantize(Decimal("0.01"))
        left.append({"line_id": f"A{k:07d}", "date": day, "amount": str(amount), "currency": "USD", "reference": ref,
                     "document_amount": str(doc), "document_currency": "EUR"})
        right.append({"line_id": f"B{k:07d}", "date": day, "amount": str(-amount), "currency": "USD",
                      "reference": ref, "document_amount": str(-doc), "document_currency": "EUR"})
        truth.add((f"A{k:07d}", f"B{k:07d}"))
    for k in range(orphans):
        for side, prefix in ((left, "A"), (right, "B")):
            side.append({"line_id": f"{prefix}X{k:06d}", "date": "2026-10-15",
                         "amount": str(Decimal(rng.randint(100, 100_000)).scaleb(-2)), "currency": "USD",
                         "reference": f"LONE-{prefix}{k}"})
    return left, right, truth


def _records(rows):
    from tieout.server.ledgers.records import CompanyLineRecord

    out = []
    for i, r in enumerate(rows):
        doc = r.get("document_amount")
        out.append(CompanyLineRecord(i, "X", r["line_id"], dt.date.fromisoformat(r["date"]), "2026-10", "", "",
                                     Decimal(r["amount"]), r["currency"], Decimal(doc) if doc else None,
                                     r.get("document_currency", ""), r["reference"], "", "", ""))
    return out


def _quality(groups, truth) -> str:
    """A group is right when it holds every line's true counterpart (two pairs sharing a reference make one
    right 2:2 group); precision = right groups / groups, recall = true pairs inside right groups / true pairs."""
    partner = dict(truth)
    right = covered = 0
    for g in groups:
        lefts, rights = set(g.bank_ids), set(g.ledger_ids)
        if all(partner.get(a) in rights for a in lefts) and len(lefts) == len(rights):
            right += 1
            covered += len(lefts)
    precision = right / len(groups) if groups else 1.0
    return f"precision {precision:.4f}, recall {covered / len(truth):.4f}"


def engine(n: int) -> None:
    from tieout.server.ledgers.auto_match import propose
    from tieout.server.ledgers.settings import MatchSettings

    left, right, truth = _sides(n)
    a, b = _records(left), _records(right)
    for keys in (("reference", "currency"), ("reference", "document_amount", "document_currency")):
        sa, sb = (a, b) if "document_amount" not in keys else ([x for x in a if x.document_amount is not None],
                                                                [x for x in b if x.document_amount is not None])
        t0 = time.perf_counter()
        result = propose(sa, sb, MatchSettings(keys))
        seconds = time.perf_counter() - t0
        print(f"matcher {n:>7,} a side, keys {','.join(keys)}: {seconds:6.2f} s, {len(result.matched):,} groups "
              f"proposed, {_quality(result.matched, truth)}", flush=True)


def server(n: int) -> None:
    from tieout.server.app import create_app

    left, right, _ = _sides(n)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TIEOUT_HOME"] = tmp
        app = create_app({"TIEOUT_HOME": Path(tmp), "LOCAL_USER": "bench"})
        api = app.test_client()
        auth = {"Authorization": f"Bearer {app.extensions['tieout'].token}"}

        def call(method, path, body=None):
            r = api.open(path, method=method, json=body, headers=auth)
            assert r.status_code in (200, 201), (path, r.status_code, r.get_json())
            return r.get_json()

        t0 = time.perf_counter()
        for company, rows in (("A Inc", left), ("B Ltd", right)):
            for i in range(0, len(rows), 50_000):
                call("POST", "/api/ledgers/lines", {"company": company, "lines": rows[i:i + 50_000]})
        t1 = time.perf_counter()
        rec = call("POST", "/api/ledgers/recs", {"name": "bench", "left": {"company": "A Inc"},
                                                  "right": {"company": "B Ltd"}})
        t2 = time.perf_counter()
        out = call("POST", f"/api/ledgers/recs/{rec['id']}/auto-match", {"keys": ["reference", "currency"]})
        t3 = time.perf_counter()
        done = call("POST", f"/api/ledgers/recs/{rec['id']}/reconcile",
                    {"groups": [{"left": g["left"], "right": g["right"]} for g in out["proposed"]], "kind": "auto"})
        t4 = time.perf_counter()
        app.extensions["tieout"].close()
    print(f"server  {n:>7,} a side: import {t1 - t0:6.2f} s; auto-match {t3 - t2:6.2f} s (load "
          f"{out['seconds']['load']:.2f} s, match {out['seconds']['match']:.2f} s), {len(out['proposed']):,} "
          f"groups; reconcile them {t4 - t3:6.2f} s ({len(done['outcome']['reconciled']):,} groups, status "
          f"{done['record']['status']})", flush=True)


def run() -> None:
    sizes = (10_000, 100_000)
    for n in sizes:
        engine(n)
    server(10_000)
    if os.environ.get("TIEOUT_BENCH_FULL"):
        server(100_000)


if __name__ == "__main__":
    run()
