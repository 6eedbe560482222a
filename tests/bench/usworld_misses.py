"""Why links of tests/us_world_books.py are missed or wrong: counts per category and reason (issue 12, us16).

    .venv/bin/python tests/bench/usworld_misses.py N [hard] [--wrong] [--show KIND]

Per true group kind: how its bank lines ended (matched right; matched to a wrong group, by which rule; suggested,
by rule; unmatched with a ledger line of the group taken by another rule, by that rule; unmatched with the group
open). `--wrong` lists every wrong group with its lines (kind, date, amount, texts); `--show KIND` prints a few
missed groups of that kind with their lines. A diagnosis, not a product path: it only reads match_frames' output.
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import us_world_books as us  # noqa: E402
from books_data import evaluate_by_kind  # noqa: E402

from tieout.server.matching import match_frames  # noqa: E402

SEED = 20240301


def _line(df, lid, kinds) -> str:
    r = df.loc[lid]
    text = " | ".join(str(r[c]) for c in ("reference", "description", "counterparty", "type", "source", "check_number")
                      if c in r.index and str(r[c]) not in ("", "nan", "None"))
    return f"    {lid:10} {kinds.get(lid, '-'):16} {r['date']} {int(r['amount_minor']) / 100:>12,.2f}  {text[:110]}"


def main(argv: list[str]) -> None:
    n = int(argv[0])
    dials = us.hard_dials() if "hard" in argv else us.USDials()
    data = us.generate_usworld(n, seed=SEED, dials=dials)
    c = time.process_time()
    fm = match_frames(data.bank, data.ledger)
    print(f"usworld {n:,} lines a side{' (hard)' if 'hard' in argv else ''}; "
          f"match_frames {time.process_time() - c:.1f} s CPU")
    m, s = fm.member_rows(), fm.member_rows("suggested", with_reason=True)
    by_kind = evaluate_by_kind(data, m)
    for k, v in by_kind.items():
        if v["true"] or v["wrong_groups"]:
            print(f"  {k:18} true {v['true']:6,} P {v['precision']:.5f} R {v['recall']:.5f} "
                  f"wrong groups {v['wrong_groups']}")
    kinds = dict(data.line_kinds or {})
    kinds.update(zip(data.truth.line_id, data.truth.kind))
    bank, ledger = data.bank.set_index("line_id"), data.ledger.set_index("line_id")
    truth = data.truth
    mb, ml = m[m.side == "bank"], m[m.side == "ledger"]
    group_of_bank = dict(zip(mb.line_id, mb.match_id))
    ledger_of_match = ml.groupby("match_id").line_id.apply(frozenset).to_dict()
    bank_of_match = mb.groupby("match_id").line_id.apply(frozenset).to_dict()
    rule_of = dict(zip(m.match_id, m.rule))
    taken_by = dict(zip(ml.line_id, ml.rule))
    sugg = dict(zip(s[s.side == "bank"].line_id, s[s.side == "bank"].rule))
    show = argv[argv.index("--show") + 1] if "--show" in argv else None
    shown = 0
    for kind, tk in truth.groupby("kind"):
        count = collections.Counter()
        for g, grp in tk.groupby("group"):
            tb = set(grp[grp.side == "bank"].line_id)
            tl = frozenset(grp[grp.side == "ledger"].line_id)
            mids = {group_of_bank[b] for b in tb if b in group_of_bank}
            if mids and all(ledger_of_match.get(x, frozenset()) <= tl for x in mids) and \
                    frozenset().union(*(ledger_of_match.get(x, frozenset()) for x in mids)) == tl:
                count["right"] += 1
                continue
            if mids:
                why = "WRONG/part by " + ",".join(sorted({rule_of[x] for x in mids}))
            elif any(b in sugg for b in tb):
                why = "suggested by " + ",".join(sorted({sugg[b] for b in tb if b in sugg}))
            elif any(x in taken_by for x in tl):
                why = "ledger taken by " + ",".join(sorted({taken_by[x] for x in tl if x in taken_by}))
            else:
                why = "open"
            count[why] += 1
            if show == kind and shown < 12 and why != "right":
                shown += 1
                print(f"  -- {kind} group {g}: {why}")
                for b in sorted(tb):
                    print(_line(bank, b, kinds))
                for x in sorted(tl):
                    print(_line(ledger, x, kinds))
        print(f"{kind}: {sum(count.values()):,} groups")
        for k, v in count.most_common():
            print(f"  {v:6}  {k}")
    if "--wrong" in argv:
        true_pairs = data.true_pairs()
        for mid, lids in ledger_of_match.items():
            bids = bank_of_match.get(mid, frozenset())
            if all((b, x) in true_pairs for b in bids for x in lids):
                continue
            print(f"  WRONG {mid} rule {rule_of[mid]}")
            for b in sorted(bids):
                print(_line(bank, b, kinds))
            for x in sorted(lids):
                print(_line(ledger, x, kinds))


if __name__ == "__main__":
    main(sys.argv[1:])
