"""Auto-match quality and speed on the seeded generators: the books-shaped one (tests/books_data.py, every
hard property of real books dialled in, scored per category) and the easier tests/match_data.py.

Per size: precision and recall over matched (bank, ledger) pairs, wrong groups, proposals, the time of
`match_frames` (wall and CPU) and the process's peak memory while matching, and the ratio of that time to a
plain exact-amount pandas join of the same frames (the floor any matcher pays).

Sizes: 10,000 and 100,000 lines a side by default; the full Excel sheet (1,048,576 a side) when
TIEOUT_BENCH_FULL=1 (about two to three minutes more); or the sizes listed in TIEOUT_BENCH_SIZES.
Each size runs in a fresh process so that its peak memory is its own. After the sizes, the density sweep:
the same number of books-shaped lines over 5 weeks instead of a year (TIEOUT_BENCH_DENSE_SIZES, default
10,000). TIEOUT_BENCH_DATA=easy runs tests/match_data.py instead of the books-shaped generator;
TIEOUT_BENCH_DATA=settlements the European books of tests/settlement_books.py (card payouts, collections, payment
runs, payroll, structured references, FX; no density sweep), with the settlement groups' recall on its own line.
TIEOUT_BENCH_DATA=euro the European books of tests/euro_books.py (SEPA texts, invoice numbers in European spellings,
several invoices in one payment, cash discounts, transliterated names, third-party payers; no density sweep).
TIEOUT_BENCH_DATA=usworld the US operating account of tests/us_world_books.py (QuickBooks-style cash GL, BAI2/OFX/CSV
bank texts, lockbox and card-processor deposits, payroll, sweeps, checks clearing weeks later, NSF returns), with
TIEOUT_BENCH_HARD=1 its dialled-up setting.
TIEOUT_BENCH_DATA=euroworld the blind European books of tests/euro_world_books.py (DATEV-style GL, payment runs,
collections, payouts, Skonto, credit notes, third-party payers, references as payers type them; euroworld-hard: every
dial turned up; no density sweep).
TIEOUT_BENCH_RULES=RULES.toml matches with another rule file (e.g. an older library, for a before/after).
TIEOUT_BENCH_DIALS=name=value,... turns dials of tests/books_data.py's Dials up or down (e.g.
returned=0.03,check_conflict=0.02,cluster=0.06): every difficulty of books made heavier, for the same table.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

SEED = 20240301
FULL_SHEET = 1_048_576
TESTS = Path(__file__).resolve().parents[1]


def _peak_reset() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux), so the peak measured is the matcher's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _one(n: int, out, dense: bool = False) -> None:
    sys.path.insert(0, str(TESTS))
    from books_data import Dials, dense_dials, evaluate_by_kind, generate_books
    from match_data import evaluate, generate

    from tieout.server.matching import match_frames

    t = time.perf_counter()
    easy = os.environ.get("TIEOUT_BENCH_DATA") == "easy"
    if os.environ.get("TIEOUT_BENCH_DATA") == "settlements":
        from settlement_books import generate_settlements
        data = generate_settlements(n, seed=SEED)
    elif os.environ.get("TIEOUT_BENCH_DATA") == "euro":
        from euro_books import generate_euro
        data = generate_euro(n, seed=SEED)
    elif os.environ.get("TIEOUT_BENCH_DATA") == "usworld":
        import us_world_books as us
        dials = us.hard_dials() if os.environ.get("TIEOUT_BENCH_HARD") == "1" else us.USDials()
        data = us.generate_usworld(n, seed=SEED, dials=us.dense_dials(dials) if dense else dials)
    elif os.environ.get("TIEOUT_BENCH_DATA", "").startswith("euroworld"):
        from euro_world_books import Dials as WorldDials, generate_euro_world, hard_dials
        world = hard_dials() if os.environ["TIEOUT_BENCH_DATA"] == "euroworld-hard" else WorldDials()
        data = generate_euro_world(n, seed=SEED, dials=_dials(world))
    else:
        dials = _dials(Dials())
        data = generate(n, seed=SEED) if easy else generate_books(n, seed=SEED, dials=dense_dials(dials) if dense else dials)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    joined = data.bank.merge(data.ledger, on=["currency", "amount_minor"])
    join_s = time.perf_counter() - t
    join_rows = len(joined)
    del joined
    before = _rss_kib("VmRSS")
    reset = _peak_reset()
    t, c = time.perf_counter(), time.process_time()
    fm = match_frames(data.bank, data.ledger, os.environ.get("TIEOUT_BENCH_RULES") or None)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    peak = _rss_kib("VmHWM")
    q = evaluate(data, fm.member_rows(), [p.bank_line_id for p in fm.proposals()])
    stats = fm.statistics()
    by_kind = evaluate_by_kind(data, fm.member_rows())
    proposals_by_kind = _proposals_by_kind(data, fm.proposals())
    out.put(dict(n=n, by_kind=by_kind, span=int((data.bank.date.max() - data.bank.date.min()).days) + 1, bank=len(data.bank), ledger=len(data.ledger), gen_s=gen_s, join_s=join_s, join_rows=join_rows,
                 wall=wall, cpu=cpu,
                 peak_mib=peak / 1024, before_mib=before / 1024, peak_is_matcher=reset,
                 slowest=sorted(fm.timings, key=lambda x: -x[2])[:4],
                 bound_exceeded=sum(r.bound_exceeded for r in stats.by_rule),
                 suggested=stats.groups_suggested, proposals_by_kind=proposals_by_kind, **q))


def _proposals_by_kind(data, proposals) -> dict[str, list[int]]:
    """Proposed transactions per category of their bank line: [right, wrong, expected] (right: the truth expects a
    proposal on that bank line; wrong: a posting it does not, e.g. a difference the ledger already booked)."""
    kinds = data.line_kinds or {}
    out: dict[str, list[int]] = {}
    for line_id in data.proposals:
        out.setdefault(kinds.get(line_id, "?"), [0, 0, 0])[2] += 1
    for line_id in {p.bank_line_id for p in proposals}:
        out.setdefault(kinds.get(line_id, "?"), [0, 0, 0])[0 if line_id in data.proposals else 1] += 1
    return out


def _dials(dials):
    """Dials with TIEOUT_BENCH_DIALS applied (each value of its field's type)."""
    from dataclasses import replace
    spec = os.environ.get("TIEOUT_BENCH_DIALS", "")
    given = dict(item.split("=", 1) for item in spec.split(",") if item.strip())
    return replace(dials, **{k.strip(): type(getattr(dials, k.strip()))(v) for k, v in given.items()})


def _sizes() -> list[int]:
    if os.environ.get("TIEOUT_BENCH_SIZES"):
        return [int(s) for s in os.environ["TIEOUT_BENCH_SIZES"].split(",")]
    return [10_000, 100_000] + ([FULL_SHEET] if os.environ.get("TIEOUT_BENCH_FULL") == "1" else [])


def _table(by_kind: dict) -> None:
    print(f"  {'category':<14}{'true':>8}{'matched':>9}{'right':>8}{'precision':>11}{'recall':>9}{'wrong groups':>14}")
    for k, v in by_kind.items():
        if not v["true"] and not v["predicted"]:
            continue  # a category this generator does not make
        print(f"  {k:<14}{v['true']:>8,}{v['predicted']:>9,}{v['right']:>8,}{v['precision']:>11.4f}{v['recall']:>9.4f}"
              f"{v['wrong_groups']:>14,}")


def _settlement_line(by_kind: dict) -> None:
    """Recall over the pairs of the settlement categories together (one bank line for many ledger lines)."""
    sys.path.insert(0, str(TESTS))
    from settlement_books import SETTLEMENTS
    rows = [by_kind[k] for k in SETTLEMENTS if k in by_kind]
    true = sum(v["true"] for v in rows)
    if true:
        print(f"  settlement groups  recall {sum(v['right'] for v in rows) / true:.4f} over {true:,} true pairs; "
              f"wrong groups {sum(v['wrong_groups'] for v in rows)}")


def _measure(ctx, n: int, dense: bool) -> dict:
    q = ctx.Queue()
    p = ctx.Process(target=_one, args=(n, q, dense))
    p.start()
    r = q.get()
    p.join()
    return r


def run() -> None:
    ctx = mp.get_context("fork")
    print(f"seed {SEED}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at start")
    if os.environ.get("TIEOUT_BENCH_DIALS"):
        print(f"dials changed: {os.environ['TIEOUT_BENCH_DIALS']}")
    if os.environ.get("TIEOUT_BENCH_FULL") != "1" and not os.environ.get("TIEOUT_BENCH_SIZES"):
        print(f"(set TIEOUT_BENCH_FULL=1 to add the full sheet, {FULL_SHEET:,} lines a side)")
    for n in _sizes():
        r = _measure(ctx, n, False)
        print(f"size {r['n']:>9,}: bank {r['bank']:,} x ledger {r['ledger']:,} lines over {r['span']} days")
        _table(r["by_kind"])
        print(f"  quality  precision {r['precision']:.5f}  recall {r['recall']:.5f}  "
              f"({r['pairs_right']:,} right of {r['pairs_predicted']:,} matched pairs, {r['pairs_true']:,} true)")
        print(f"           wrong groups {r['wrong_groups']} of {r['groups']:,}; proposals {r['proposals_right']}/"
              f"{r['proposals_expected']} right, {r['proposals_wrong']} wrong; {r['suggested']:,} suggestions; "
              f"{r['bound_exceeded']:,} lines past the group-search bound")
        print(f"  speed    match_frames {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU; plain exact-amount pandas join "
              f"{r['join_s']:.3f} s ({r['join_rows']:,} rows out); ratio {r['wall'] / r['join_s']:.1f}x")
        print(f"  memory   peak {r['peak_mib']:,.0f} MiB while matching (inputs held: {r['before_mib']:,.0f} MiB)"
              + ("" if r["peak_is_matcher"] else " [peak of the whole process: could not reset the mark]"))
        _settlement_line(r["by_kind"])
        if r["proposals_by_kind"]:
            print("  proposals right/wrong/expected per category: " + ", ".join(
                f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in sorted(r["proposals_by_kind"].items())))
        print("  slowest  " + ", ".join(f"{name} {c:.2f} s CPU" for name, _, c in r["slowest"]))
        print(f"  (generating the lines took {r['gen_s']:.1f} s)", flush=True)
    if os.environ.get("TIEOUT_BENCH_DATA") in ("easy", "settlements", "euro", "euroworld", "euroworld-hard"):
        return
    for n in [int(s) for s in os.environ.get("TIEOUT_BENCH_DENSE_SIZES", "10000").split(",") if s]:
        r = _measure(ctx, n, True)
        print(f"density sweep: {r['n']:,} lines a side over {r['span']} days; match_frames {r['wall']:.2f} s wall, "
              f"peak {r['peak_mib']:,.0f} MiB")
        _table(r["by_kind"])


if __name__ == "__main__":
    run()
