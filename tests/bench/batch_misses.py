"""Why each true batch and single deposit of tests/books_data.py is missed: counts per reason (issue 12, batch15).

    .venv/bin/python tests/bench/batch_misses.py N [year|dense] [dial=value,...]

Reasons: matched right / wrong (by which rule); suggested, by the reason text (coincidence guard "chance",
"alternatives", "line fits another", a receipt of the same amount held elsewhere, a 1:1 question); unmatched
because a day of the window was past the search bound; a receipt taken by another rule; or unmatched with the
booking-day rule's last verdict (ambiguous / refused as risky, and whether its first subset was the true one).
The verdicts are read by wrapping booking_batches._round: a diagnosis, not a product path (it reads the private
function's return value and changes nothing). Only the ordered pass's verdicts count: the global assignment
re-runs the group rules on scratch pools (global_assignment._scratch) that lend no held receipt, and a verdict
from there is not why the deposit was left (before this, deposits past the bound in every round of the ordered
pass were reported as "ambiguous no-true" by the scratch run that came last).
"""
from __future__ import annotations

import collections
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from books_data import Dials, dense_dials, evaluate_by_kind, generate_books  # noqa: E402

from tieout.server.matching import booking_batches as bb  # noqa: E402
from tieout.server.matching import global_assignment as ga  # noqa: E402
from tieout.server.matching import match_frames  # noqa: E402

SEED = 20240301
VERDICT: dict[str, tuple[str, list[frozenset]]] = {}  # bank line id -> last verdict of a booking-day round
SCRATCH: set[int] = set()  # ids of the global assignment's scratch states, whose verdicts are not recorded


def _mark_scratch(original):
    def wrapped(state):
        scratch = original(state)
        SCRATCH.add(id(scratch))
        return scratch
    return wrapped


def _watch(original):
    def wrapped(rule, pools):
        found, ambiguous, unsearched, risky = original(rule, pools)
        if id(pools.state) in SCRATCH:
            return found, ambiguous, unsearched, risky
        b_ids, l_ids = pools.state.bank.ids, pools.state.ledger.ids
        for t, (parts, _) in found.items():
            VERDICT[b_ids[pools.tpos[t]]] = ("found", [frozenset(l_ids[pools.ppos[list(parts)]])])
        for t in unsearched:
            VERDICT[b_ids[pools.tpos[t]]] = ("unsearched", [])
        for t, subs in ambiguous.items():
            VERDICT[b_ids[pools.tpos[t]]] = ("risky" if t in risky else "ambiguous",
                                            [frozenset(l_ids[pools.ppos[list(s)]]) for s in subs])
        return found, ambiguous, unsearched, risky
    return wrapped


def _first(verdict, true) -> str:
    subs = verdict[1]
    return "" if not subs else " first=TRUE" if subs[0] == true else " true-elsewhere" if true in subs else " no-true"


def _reason(text: str) -> str:
    return ("chance" if "by chance" in text else "twin held" if "held for review elsewhere" in text
            else "alternatives" if "or more combinations" in text else "line fits another" if "also fits another"
            in text else "1:1 question" if "vs ledger" in text else text[:60])


def main(argv: list[str]) -> None:
    n, mode = int(argv[0]), argv[1] if len(argv) > 1 else "year"
    dials = Dials()
    for kv in (argv[2].split(",") if len(argv) > 2 else []):
        k, v = kv.split("=")
        dials = replace(dials, **{k: type(getattr(dials, k))(v)})
    data = generate_books(n, seed=SEED, dials=dense_dials(dials) if mode == "dense" else dials)
    bb._round = _watch(bb._round)
    ga._scratch = _mark_scratch(ga._scratch)
    c = time.process_time()
    fm = match_frames(data.bank, data.ledger)
    print(f"{n:,} lines a side ({mode}); match_frames {time.process_time() - c:.1f} s CPU")
    m, s = fm.member_rows(), fm.member_rows("suggested", with_reason=True)
    by_kind = evaluate_by_kind(data, m)
    for k in ("batch", "single_deposit", "cluster", "ALL"):
        v = by_kind[k]
        print(f"  {k:15} true {v['true']:7,} precision {v['precision']:.5f} recall {v['recall']:.5f} "
              f"wrong groups {v['wrong_groups']}")
    truth = data.truth
    matched_bank = m[m.side == "bank"].drop_duplicates("line_id").set_index("line_id")
    ml = m[m.side == "ledger"]
    groups_l = ml.groupby("match_id").line_id.apply(frozenset).to_dict()
    taken_by = dict(zip(ml.line_id, ml.rule))
    sb = s[s.side == "bank"].drop_duplicates("line_id").set_index("line_id")
    for kind in ("batch", "single_deposit"):
        tk = truth[truth.kind == kind]
        ledger_of = tk[tk.side == "ledger"].groupby("group").line_id.apply(frozenset).to_dict()
        count = collections.Counter()
        for b, g in zip(tk[tk.side == "bank"].line_id, tk[tk.side == "bank"].group):
            true, v = ledger_of[g], VERDICT.get(b)
            if b in matched_bank.index:
                row = matched_bank.loc[b]
                count["right" if groups_l.get(row.match_id) == true else f"WRONG by {row.rule}"] += 1
            elif b in sb.index:
                count[f"suggested by {sb.loc[b].rule}: {_reason(sb.loc[b].reason)}"
                      f"{_first(v, true) if v else ''}"] += 1
            elif v and v[0] == "unsearched":
                count["unmatched: a day of its window past the bound"] += 1
            elif any(x in taken_by for x in true):
                count["a receipt taken by " + ",".join(sorted({taken_by[x] for x in true if x in taken_by}))] += 1
            else:
                count[f"unmatched; last verdict {v[0] + _first(v, true) if v else 'none'}"] += 1
        print(f"{kind}: {sum(count.values()):,} deposits")
        for k, v in count.most_common():
            print(f"  {v:6}  {k}")


if __name__ == "__main__":
    main(sys.argv[1:])
