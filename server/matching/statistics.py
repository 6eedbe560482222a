"""Figures of a matching run: rows matched X / Y, share of statement value matched, value left unmatched,
overall and by rule, plus what the bounded searches left alone.

Values are sums of absolute amounts per currency (Decimal); shares are Decimal fractions to 4 places.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .frames import to_decimal

FOUR = Decimal("0.0001")
Money = tuple[tuple[str, Decimal], ...]  # (currency, amount) pairs in currency order


@dataclass(frozen=True)
class SideFigures:
    rows: int
    rows_matched: int
    rows_suggested: int
    value: Money  # sum of |amount| of all lines
    value_matched: Money
    value_unmatched: Money
    net_unmatched: Money  # signed sum of the unmatched lines

    def share_matched(self) -> tuple[tuple[str, Decimal], ...]:
        total = dict(self.value)
        return tuple((c, (v / total[c]).quantize(FOUR) if total[c] else Decimal(0)) for c, v in self.value_matched)


@dataclass(frozen=True)
class RuleStatistics:
    rule: str
    groups: int
    bank_rows: int
    ledger_rows: int
    bank_value: Money
    share_of_bank_value: tuple[tuple[str, Decimal], ...]
    proposed: int
    suggested_groups: int
    held_lines: int  # lines the rule held for review (ambiguous)
    crowded_lines: int  # lines with more than CROWD_CAP equally keyed candidates (held)
    bound_exceeded: int  # batch/split targets not searched: more candidates than the rule's bound
    budget_exhausted: int  # batch/split searches that ran out of steps


@dataclass(frozen=True)
class MatchStatistics:
    bank: SideFigures
    ledger: SideFigures
    by_rule: tuple[RuleStatistics, ...]
    groups_matched: int
    groups_suggested: int

    def lines(self) -> list[str]:
        """The figures as plain text lines (the CLI prints them)."""
        b, g = self.bank, self.ledger
        out = [f"bank rows matched {b.rows_matched} / {b.rows}; ledger rows matched {g.rows_matched} / {g.rows}; "
               f"{self.groups_matched} groups matched, {self.groups_suggested} suggestions "
               f"({b.rows_suggested} bank and {g.rows_suggested} ledger lines to review)"]
        for (cur, share), (_, left), (_, net) in zip(b.share_matched(), b.value_unmatched, b.net_unmatched):
            out.append(f"{cur}: {share * 100:.2f}% of statement value matched; {left:,} left unmatched "
                       f"(net {net:,})")
        for r in self.by_rule:
            if not (r.groups or r.suggested_groups or r.bound_exceeded or r.budget_exhausted or r.crowded_lines):
                continue
            shares = ", ".join(f"{s * 100:.2f}% {c}" for c, s in r.share_of_bank_value if s)
            s = (f"  {r.rule}: {r.groups} groups, bank rows {r.bank_rows} / {b.rows}, ledger rows "
                 f"{r.ledger_rows} / {g.rows}, {shares or '0%'} of statement value")
            if r.proposed:
                s += f", {r.proposed} new transactions proposed"
            if r.suggested_groups:
                s += f", {r.suggested_groups} suggestions ({r.held_lines} lines held for review)"
            if r.crowded_lines:
                s += f", {r.crowded_lines} lines with too many equal candidates"
            if r.bound_exceeded:
                s += f", {r.bound_exceeded} lines not searched (more candidates than the search bound)"
            if r.budget_exhausted:
                s += f", {r.budget_exhausted} searches stopped at the step budget"
            out.append(s)
        return out


def _money(values: np.ndarray, cur: np.ndarray, mask: np.ndarray, names: list[str], decimals: int,
           signed: bool = False) -> Money:
    v = values if signed else np.abs(values)
    n = len(names)
    exact_in_int64 = len(v) * (int(np.abs(values).max()) if len(values) else 0) < 2 ** 63
    sums = []
    for c in range(n):
        sel = v[mask & (cur == c)]
        # int64 sums when they cannot overflow; Python ints otherwise (exact whatever the size).
        sums.append(int(sel.sum(dtype=np.int64)) if exact_in_int64 else sum(int(x) for x in sel))
    return tuple((names[c], to_decimal(sums[c], decimals)) for c in range(n))


def side_figures(side, matched: np.ndarray, suggested: np.ndarray, names: list[str], decimals: int) -> SideFigures:
    everything = np.ones(side.n, dtype=bool)
    return SideFigures(int(side.n), int(matched.sum()), int((suggested & ~matched).sum()),
                       _money(side.amount, side.cur, everything, names, decimals),
                       _money(side.amount, side.cur, matched, names, decimals),
                       _money(side.amount, side.cur, ~matched, names, decimals),
                       _money(side.amount, side.cur, ~matched, names, decimals, signed=True))


def rule_statistics(rule: str, groups: int, bank_mask: np.ndarray, ledger_rows: int, bank, names, decimals,
                    total: Money, proposed: int, suggested: int, figures) -> RuleStatistics:
    value = _money(bank.amount, bank.cur, bank_mask, names, decimals)
    tot = dict(total)
    share = tuple((c, (v / tot[c]).quantize(FOUR) if tot[c] else Decimal(0)) for c, v in value)
    return RuleStatistics(rule, groups, int(bank_mask.sum()), ledger_rows, value, share, proposed, suggested,
                          figures.held if figures else 0, figures.crowded if figures else 0,
                          figures.bound_exceeded if figures else 0, figures.budget_exhausted if figures else 0)
