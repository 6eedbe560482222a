"""First matcher: exact amount, same currency, within a date window, one-to-one, with an ambiguity guard.

A pair is matched only when each line is the other's single candidate; every other candidate pair is
reported as suggested, never matched silently. (The full rule engine replaces this module's internals;
its entry point and result stay.)
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..records import BankLine, LedgerLine, MatchGroup

DATE_WINDOW_DAYS = 5


@dataclass(frozen=True)
class MatchResult:
    matched: tuple[MatchGroup, ...]
    suggested: tuple[MatchGroup, ...]
    unmatched_bank: tuple[str, ...]
    unmatched_ledger: tuple[str, ...]


def auto_match(bank: Sequence[BankLine], ledger: Sequence[LedgerLine], rules=None) -> MatchResult:
    by_key: dict[tuple[str, Decimal], list[LedgerLine]] = defaultdict(list)
    for ln in ledger:
        by_key[(ln.currency, ln.amount)].append(ln)
    cands_b: dict[str, list[LedgerLine]] = {}
    cands_l: dict[str, list[BankLine]] = defaultdict(list)
    for b in bank:
        c = [g for g in by_key.get((b.currency, b.amount), ()) if abs((g.date - b.date).days) <= DATE_WINDOW_DAYS]
        cands_b[b.line_id] = c
        for g in c:
            cands_l[g.line_id].append(b)
    matched, suggested, used_b, used_l = [], [], set(), set()
    for b in sorted(bank, key=lambda x: (x.date, x.line_id)):
        c = cands_b[b.line_id]
        if not c:
            continue
        if len(c) == 1 and len(cands_l[c[0].line_id]) == 1:
            g = c[0]
            days = (g.date - b.date).days
            matched.append(MatchGroup(f"M{len(matched) + 1:06d}", (b.line_id,), (g.line_id,), "exact_amount_date",
                                      Decimal("0.95"), Decimal(0), days, None,
                                      f"same amount {b.amount} {b.currency}, {abs(days)} day(s) apart, only candidate"))
            used_b.add(b.line_id)
            used_l.add(g.line_id)
        else:
            for g in sorted(c, key=lambda x: (abs((x.date - b.date).days), x.line_id)):
                days = (g.date - b.date).days
                suggested.append(MatchGroup(f"S{len(suggested) + 1:06d}", (b.line_id,), (g.line_id,),
                                            "exact_amount_date", Decimal("0.50"), Decimal(0), days, None,
                                            f"same amount, {abs(days)} day(s) apart, one of {len(c)} candidates",
                                            status="suggested"))
    return MatchResult(tuple(matched), tuple(suggested),
                       tuple(b.line_id for b in bank if b.line_id not in used_b),
                       tuple(g.line_id for g in ledger if g.line_id not in used_l))
