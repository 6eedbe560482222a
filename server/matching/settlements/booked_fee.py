"""A settlement's fee that the ledger already booked joins the group, instead of being proposed a second time.

Why: a card processor's fee is often booked as a journal line of its own, under the processor's name, on the
payout day, and that day also holds the next payout's sales, so the fee line cannot be part of a run of whole
booking days. Proposing the difference would then post the fee twice. The line is taken when it is the only open
ledger line of exactly the difference, under the settlement's key (the counterparty), within the rule's window
of the bank date; otherwise the fee is proposed as before.
"""
from __future__ import annotations

import numpy as np


def adopt(state, rule, items: list[tuple[int, np.ndarray]], keys: list[str]) -> list[tuple[int, np.ndarray]]:
    """items: (bank position, ledger positions) per accepted settlement; keys: its key text (upper case)."""
    bank, ledger = state.bank, state.ledger
    diff = {g: int(bank.amount[b]) - int(ledger.amount[pos].sum()) for g, (b, pos) in enumerate(items)}
    wanted = {d for d in diff.values() if d}
    if not wanted or rule.settle_by != "counterparty":
        return items
    avail = state.ledger_available()
    avail = avail[np.isin(ledger.amount[avail], list(wanted))]
    taken = {int(p) for _, pos in items for p in pos}
    by_key: dict[tuple[str, int], list[int]] = {}
    for p, name in zip(avail.tolist(), ledger.col("counterparty", avail)):
        if p not in taken:
            by_key.setdefault((name.strip().upper(), int(ledger.amount[p])), []).append(p)
    reach = max(rule.days_before, rule.days_after)
    out, used = [], set()
    for g, (b, pos) in enumerate(items):
        near = [p for p in by_key.get((keys[g], diff[g]), ()) if abs(int(ledger.day[p]) - int(bank.day[b])) <= reach]
        if len(near) == 1 and near[0] not in used and state.allowed(np.array([b]), np.array(near)).all():
            used.add(near[0])
            pos = np.append(pos, near[0])
        out.append((b, pos))
    return out
