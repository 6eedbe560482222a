"""Global, not greedy: the groups the group rules could form, weighed together with the weak 1:1 matches
they compete with, so that a strong group is not pre-empted by a 1:1 match taken earlier in rule order.

Rules run in priority order (engine.py). A 1:1 rule whose only evidence is the amount and the date (no
reference, document number, check number, named counterparty or text pattern) may take, for a deposit of
the same amount, a receipt that belongs to a batch deposit a group rule would have found. After the ordered
pass the weak 1:1 matches of bank lines a group rule targets (deposits: the group rule's bank filter) go
back into the pool, the group rules run again over it (with their own ambiguity guards, on that larger
pool), and each connected set of competing candidates (the new groups and the weak 1:1 matches sharing
lines with them, transitively) is decided by a set packing (packing.py): the choice covering the most
lines. A new group replaces the 1:1 matches it overlaps only when every best choice holds it; a tie keeps
the ordered result, so rule priority still decides between equals. Lines a replaced 1:1 match leaves
behind are unmatched. Every match keeps its rule and reason.

The re-run's pool is the ordered pass's open lines plus the released ones, so a group it finds that touches no
released line was searched on a superset of the lines still open (its guards saw every alternative the open
pool has): such a group is a candidate too. It is how a deposit whose booking day was too crowded to search
when its rule ran (receipts stronger 1:1 rules took later) or whose decoy went later is still matched.

Why only deposits' 1:1 matches are reconsidered: a group found on a pool of receipts that other bank lines
already explain (ACH credits naming no one, matched by amount and date) is as often a coincidence of the
enlarged pool as a pre-emption undone (measured on tests/books_data.py: 6 wrong batches per 100,000 lines).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import batches
from .filters import bank_filter
from .packing import best_packings
from .rules import Rule
from .state import Chunk, MatchState

GROUP_SHAPES = ("one_bank_to_many_ledger", "many_bank_to_one_ledger")
MAX_COMPONENT = 40  # candidates in one connected set; a larger one is left as the ordered pass made it


def weak(rule: Rule) -> bool:
    """A 1:1 rule that has only the amount and the date window for evidence."""
    return (rule.shape == "one_to_one" and rule.action == "match" and rule.amount == "exact"
            and rule.reference == "ignore" and not rule.check_number and rule.counterparty != "contains"
            and not rule.ledger_regex and not rule.bank_regex)


def reconsider(state: MatchState, rules: Sequence[Rule]) -> None:
    weak_chunks = [k for k, c in enumerate(state.chunks) if c.status == "matched" and weak(c.rule)]
    group_rules = [r for r in rules if r.shape in GROUP_SHAPES and r.action == "match"]
    if not weak_chunks or not group_rules:
        return
    released = np.zeros(state.bank.n + state.ledger.n, dtype=bool)
    weak_bank = np.unique(np.concatenate([state.chunks[k].bank_pos for k in weak_chunks]))
    new = []  # candidates: (chunk, group index, its lines as nodes: bank position, or bank count + ledger position)
    for rule in group_rules:  # each on its own pool: the weak matches of the deposits it targets go back
        targets = bank_filter(rule, state.bank, weak_bank, state.decimals, state.currencies)
        mine = np.zeros(state.bank.n + state.ledger.n, dtype=bool)
        scratch = _scratch(state)
        for k in weak_chunks:
            c = state.chunks[k]
            c = c.keep(np.unique(c.bank_group[np.isin(c.bank_pos, targets)]))
            scratch.b_open[c.bank_pos] = True
            scratch.l_open[c.ledger_pos] = True
            mine[c.bank_pos] = True
            mine[state.bank.n + c.ledger_pos] = True
        if not mine.any():
            continue
        batches.run(scratch, rule)
        seen = {lines for _, _, lines in new}  # a group two rules find is the first rule's (priority)
        new += [(c, g, lines) for c in scratch.chunks if c.status == "matched"
                for g, lines in enumerate(_lines(state, c)) if lines not in seen]
        released |= mine
    if not new:
        return
    old = [(k, g, lines) for k in weak_chunks for g, lines in enumerate(_lines(state, state.chunks[k]))
           if released[list(lines)].any()]
    owner_of_line: dict[int, int] = {}
    for i, (_, _, lines) in enumerate(old):
        for x in lines:
            owner_of_line[x] = i
    adopted: dict[int, list[int]] = {}  # id of the scratch chunk -> groups taken from it
    dropped: dict[int, list[int]] = {}  # index of the weak chunk -> groups dropped from it
    chunks_by_id = {id(c): c for c, _, _ in new}
    for comp_new, comp_old in _components(new, old, owner_of_line):
        cands = [new[i] for i in comp_new] + [old[j] for j in comp_old]
        if len(cands) > MAX_COMPONENT:
            continue
        nodes = sorted({x for _, _, lines in cands for x in lines})
        at = {x: k for k, x in enumerate(nodes)}
        packing = best_packings([(i, tuple(at[x] for x in lines)) for i, (_, _, lines) in enumerate(cands)],
                                [1] * len(nodes))
        common = set(packing.common())
        take = [i for i in range(len(comp_new)) if i in common]
        if not take:
            continue
        taken_lines = {x for i in take for x in cands[i][2]}
        for j in comp_old:
            k, g, lines = old[j]
            if taken_lines & set(lines):
                dropped.setdefault(k, []).append(g)
        for i in take:
            adopted.setdefault(id(cands[i][0]), []).append(cands[i][1])
    for k, groups in sorted(dropped.items()):
        c = state.chunks[k]
        state.b_open[c.bank_pos[np.isin(c.bank_group, groups)]] = True
        state.l_open[c.ledger_pos[np.isin(c.ledger_group, groups)]] = True
        state.chunks[k] = c.keep(np.setdiff1d(np.arange(c.size), groups))
    for cid, groups in sorted(adopted.items(), key=lambda x: (chunks_by_id[x[0]].rule.priority, min(x[1]))):
        state.add(chunks_by_id[cid].keep(np.array(sorted(groups), dtype=np.int64)))


def _scratch(state: MatchState) -> MatchState:
    """A copy of the run's pools (open and held lines, forbidden pairs) with no groups: for trying a rule."""
    scratch = MatchState(state.bank, state.ledger, state.decimals, state.currencies)
    scratch.b_open, scratch.l_open = state.b_open.copy(), state.l_open.copy()
    scratch.b_held, scratch.l_held = state.b_held.copy(), state.l_held.copy()
    scratch.forbidden = state.forbidden
    return scratch


def _lines(state: MatchState, chunk: Chunk) -> list[tuple[int, ...]]:
    """Per group of the chunk, its lines as node numbers."""
    out: list[list[int]] = [[] for _ in range(chunk.size)]
    for g, p in zip(chunk.bank_group.tolist(), chunk.bank_pos.tolist()):
        out[g].append(p)
    for g, p in zip(chunk.ledger_group.tolist(), chunk.ledger_pos.tolist()):
        out[g].append(state.bank.n + p)
    return [tuple(sorted(x)) for x in out]


def _components(new, old, owner_of_line):
    """Connected sets of candidates: new groups linked through the weak matches whose lines they share."""
    line_new: dict[int, list[int]] = {}
    for i, (_, _, lines) in enumerate(new):
        for x in lines:
            line_new.setdefault(x, []).append(i)
    seen: set[int] = set()
    for start in range(len(new)):
        if start in seen:
            continue
        comp_new, comp_old, todo = [], set(), [start]
        seen.add(start)
        while todo:
            i = todo.pop()
            comp_new.append(i)
            for x in new[i][2]:
                j = owner_of_line.get(x)
                if j is not None and j not in comp_old:
                    comp_old.add(j)
                    for y in old[j][2]:
                        for i2 in line_new.get(y, ()):
                            if i2 not in seen:
                                seen.add(i2)
                                todo.append(i2)
                for i2 in line_new.get(x, ()):
                    if i2 not in seen:
                        seen.add(i2)
                        todo.append(i2)
        yield sorted(comp_new), sorted(comp_old)
