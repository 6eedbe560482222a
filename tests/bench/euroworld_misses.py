"""Why the true links of tests/euro_world_books.py are missed, and which rules make the wrong pairs (issue 12, eu16).

    .venv/bin/python tests/bench/euroworld_misses.py N [hard] [--examples K] [--kind KIND]

Per category, every true (bank, ledger) link is counted once under the first reason that holds: matched right;
the bank line matched by rule R to other ledger lines; the ledger line matched by rule R to another bank line;
suggested by rule R; or both lines left open. Then the wrong matched pairs per rule and per (bank kind, ledger
kind), with K examples of each rule's wrong pairs (--examples), or of one category's missed links (--kind).
A diagnosis, not a product path: it reads the matcher's public result only.
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from euro_world_books import Dials, generate_euro_world, hard_dials  # noqa: E402

from tieout.server.matching import match_frames  # noqa: E402

SEED = 20240301


def _pairs(rows):
    return rows[rows.side == "bank"][["match_id", "line_id", "rule"]].merge(
        rows[rows.side == "ledger"][["match_id", "line_id"]], on="match_id", suffixes=("_b", "_l"))


def main(argv: list[str]) -> None:
    n = int(argv[0])
    hard = "hard" in argv
    k_examples = int(argv[argv.index("--examples") + 1]) if "--examples" in argv else 0
    show_kind = argv[argv.index("--kind") + 1] if "--kind" in argv else ""
    data = generate_euro_world(n, seed=SEED, dials=hard_dials() if hard else Dials())
    c = time.process_time()
    fm = match_frames(data.bank, data.ledger)
    print(f"{n:,} lines a side ({'hard' if hard else 'default'}); match_frames {time.process_time() - c:.1f} s CPU")
    kinds = dict(data.line_kinds or {})
    bank = data.bank.set_index("line_id")
    ledger = data.ledger.set_index("line_id")
    matched = _pairs(fm.member_rows())
    suggested = _pairs(fm.member_rows("suggested"))
    t = data.truth
    true = t[t.side == "bank"][["group", "line_id", "kind"]].merge(
        t[t.side == "ledger"][["group", "line_id"]], on="group", suffixes=("_b", "_l"))
    right = set(zip(matched.line_id_b, matched.line_id_l))
    rule_b = dict(zip(matched.line_id_b, matched.rule))
    rule_l = dict(zip(matched.line_id_l, matched.rule))
    sugg_b = dict(zip(suggested.line_id_b, suggested.rule))
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    missed_examples = []
    for b, lid, kind in zip(true.line_id_b, true.line_id_l, true.kind):
        if (b, lid) in right:
            why = "right"
        elif b in rule_b:
            why = f"bank line matched elsewhere by {rule_b[b]}"
        elif lid in rule_l:
            why = f"ledger line taken by {rule_l[lid]}"
        elif b in sugg_b:
            why = f"suggested by {sugg_b[b]}"
        else:
            why = "both open"
        counts[kind][why] += 1
        if why != "right" and kind == show_kind and len(missed_examples) < max(k_examples, 5):
            missed_examples.append((why, b, lid))
    for kind, cnt in sorted(counts.items(), key=lambda kv: -(sum(kv[1].values()) - kv[1]["right"])):
        total = sum(cnt.values())
        print(f"{kind:14} true {total:6,} recall {cnt['right'] / total:.3f} missed {total - cnt['right']:,}")
        for why, v in cnt.most_common():
            if why != "right":
                print(f"    {v:6,}  {why}")
    truth_pairs = set(zip(true.line_id_b, true.line_id_l))
    wrong = matched[[p not in truth_pairs for p in zip(matched.line_id_b, matched.line_id_l)]]
    print(f"wrong pairs {len(wrong):,} of {len(matched):,}")
    for rule, v in collections.Counter(wrong.rule).most_common():
        w = wrong[wrong.rule == rule]
        by = collections.Counter(f"{kinds.get(b, '?')}/{kinds.get(lid, '?')}" for b, lid in zip(w.line_id_b, w.line_id_l))
        print(f"    {v:5}  {rule}: " + ", ".join(f"{k} {x}" for k, x in by.most_common(6)))
        for b, lid in list(zip(w.line_id_b, w.line_id_l))[:k_examples]:
            _show(bank, ledger, b, lid, kinds)
    for why, b, lid in missed_examples:
        print(f"  missed ({why}):")
        _show(bank, ledger, b, lid, kinds)


def _show(bank, ledger, b, lid, kinds) -> None:
    x, y = bank.loc[b], ledger.loc[lid]
    print(f"      B {b} {x.date:%Y-%m-%d} {x.amount_minor / 100:>11.2f} [{x.type}] {x.reference!s:.20} | "
          f"{x.description!s:.140} ({kinds.get(b)})")
    print(f"      L {lid} {y.date:%Y-%m-%d} {y.amount_minor / 100:>11.2f} [{y.source}/{y.counterparty!s:.25}] "
          f"{y.reference} | {y.description} ({kinds.get(lid)})")


if __name__ == "__main__":
    main(sys.argv[1:])
