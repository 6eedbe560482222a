"""Result-identity harness for engine speed work: dump what `match_frames` decides, compare after a change.

Why: a speed change to the engine must not change a single match. This writes, per seeded case (the
books-shaped and the settlement generators at 10k and 100k lines), every matched and suggested member row
with its rule, confidence and reason, and every proposed transaction, sorted, to one text file per case;
`--compare DIR` writes them again and reports the first differing line of each case.

    python tests/bench/match_identity.py --out /tmp/before            # before the change
    python tests/bench/match_identity.py --compare /tmp/before        # after: exit 1 on any difference
    python tests/bench/match_identity.py --cases books10k,settle10k --out ...
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SEED = 20240301
CASES = {"books10k": ("books", 10_000), "books100k": ("books", 100_000),
         "settle10k": ("settlements", 10_000), "settle100k": ("settlements", 100_000),
         "euro10k": ("euro", 10_000), "euro100k": ("euro", 100_000),
         "usworld10k": ("usworld", 10_000), "usworld30k": ("usworld", 30_000)}


def _data(kind: str, n: int):
    sys.path.insert(0, str(TESTS))
    if kind == "usworld":
        from us_world_books import generate_usworld
        return generate_usworld(n, seed=SEED)
    if kind == "euro":
        from euro_books import generate_euro
        return generate_euro(n, seed=SEED)
    if kind == "settlements":
        from settlement_books import generate_settlements
        return generate_settlements(n, seed=SEED)
    from books_data import generate_books
    return generate_books(n, seed=SEED)


def dump(kind: str, n: int) -> tuple[list[str], float, float]:
    """Sorted lines describing the whole outcome, and the wall and CPU seconds of match_frames."""
    from tieout.server.matching import match_frames
    data = _data(kind, n)
    t, c = time.perf_counter(), time.process_time()
    fm = match_frames(data.bank, data.ledger)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    lines = []
    for status in ("matched", "suggested"):
        rows = fm.member_rows(status, with_reason=True)
        lines += [f"{status}|" + "|".join(str(v) for v in r) for r in rows.itertuples(index=False)]
    lines += [f"proposal|{p!r}" for p in fm.proposals()]
    return sorted(lines), wall, cpu


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--cases", default=",".join(CASES))
    args = ap.parse_args(argv)
    failed = False
    for name in args.cases.split(","):
        kind, n = CASES[name]
        lines, wall, cpu = dump(kind, n)
        text = "\n".join(lines) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        status = ""
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name}.txt").write_text(text)
        if args.compare:
            old = (args.compare / f"{name}.txt").read_text().splitlines()
            diff = next((k for k, (a, b) in enumerate(zip(old, lines)) if a != b), None)
            if diff is None and len(old) == len(lines):
                status = "IDENTICAL"
            else:
                failed = True
                k = diff if diff is not None else min(len(old), len(lines))
                status = (f"DIFFERENT ({len(old)} vs {len(lines)} lines; first at {k}:\n  was {old[k] if k < len(old) else '-'}"
                          f"\n  now {lines[k] if k < len(lines) else '-'})")
        print(f"{name}: {len(lines):,} lines sha256 {digest}; match_frames {wall:.2f} s wall {cpu:.2f} s CPU {status}",
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
