"""What a matching run hands back: `FrameMatch` (arrays, for a million lines) and `MatchResult` (records).

Match ids are given here, in rule order: M000001, M000002... skipping ids that manual groups already use;
suggestions are S<question>-<rank>, the ranked candidates of one line in doubt sharing the question number.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from ..records import MatchGroup, ProposedTransaction
from .frames import day_to_date, to_decimal
from .state import NO_SIMILARITY, MatchState
from .statistics import MatchStatistics, rule_statistics, side_figures

MANUAL_RULE = "manual"


@dataclass(frozen=True)
class MatchResult:
    """Matched groups (manual ones first, unchanged), suggestions for review, the line ids left unmatched
    (in date order), every proposed new transaction, and the run's figures."""

    matched: tuple[MatchGroup, ...]
    suggested: tuple[MatchGroup, ...]
    unmatched_bank: tuple[str, ...]
    unmatched_ledger: tuple[str, ...]
    proposed: tuple[ProposedTransaction, ...] = ()
    statistics: MatchStatistics | None = None


class FrameMatch:
    """The outcome of `match_frames`, as arrays; converted to records or rows on demand."""

    def __init__(self, state: MatchState, rules, manual_b, manual_l, reserved: frozenset[str], timings):
        self.state = state
        self.rules = rules
        self.manual_b = manual_b
        self.manual_l = manual_l
        self.timings = timings
        self._reserved = reserved
        self._match_ids: list[np.ndarray] | None = None

    @property
    def _ids(self) -> list[np.ndarray]:
        if self._match_ids is None:
            self._match_ids = self._assign_ids(self._reserved)
        return self._match_ids

    # ---- ids
    def _assign_ids(self, reserved: frozenset[str]) -> list[np.ndarray]:
        """M000001... in rule order, skipping ids the manual groups use; S<question>-<rank> for suggestions."""
        total = sum(c.size for c in self.state.chunks if c.status == "matched")
        pool = [f"M{n:06d}" for n in range(1, total + len(reserved) + 1)]
        if reserved:
            pool = [m for m in pool if m not in reserved]
        out, n = [], 0
        for chunk in self.state.chunks:
            if chunk.status == "matched":
                out.append(np.array(pool[n:n + chunk.size], dtype=object))
                n += chunk.size
            else:
                out.append(np.array([f"S{q:06d}-{r}" for q, r in zip(chunk.question, chunk.rank)], dtype=object))
        return out

    # ---- rows for the matches CSV
    def member_rows(self, status: str = "matched", with_reason: bool = False) -> pd.DataFrame:
        """One row per line placed in a group: match_id, side, line_id, rule, confidence (+ reason)."""
        parts = []
        for chunk, ids in zip(self.state.chunks, self._ids):
            if chunk.status != status:
                continue
            conf = np.array([format(Decimal(int(c)).scaleb(-4), "f") for c in chunk.confidence], dtype=object)
            for side, grp, pos in (("bank", chunk.bank_group, chunk.bank_pos),
                                   ("ledger", chunk.ledger_group, chunk.ledger_pos)):
                if not len(grp):
                    continue
                lines = self.state.bank if side == "bank" else self.state.ledger
                part = {"match_id": ids[grp], "side": side, "line_id": lines.ids[pos], "rule": chunk.rule.name,
                        "confidence": conf[grp], "_order": pos}
                if with_reason:
                    part["reason"] = np.asarray(chunk.reason_texts(), dtype=object)[grp]
                parts.append(pd.DataFrame(part))
        cols = ["match_id", "side", "line_id", "rule", "confidence"] + (["reason"] if with_reason else [])
        if not parts:
            return pd.DataFrame(columns=cols)
        rows = pd.concat(parts, ignore_index=True)
        rows = rows.sort_values(["match_id", "side", "_order"], kind="stable")
        return rows[cols].reset_index(drop=True)

    # ---- records
    def groups(self, status: str) -> list[MatchGroup]:
        st, dec = self.state, self.state.decimals
        out = []
        for chunk, ids in zip(st.chunks, self._ids):
            if chunk.status != status:
                continue
            bank_ids = _members_by_group(chunk.size, chunk.bank_group, chunk.bank_pos, st.bank.ids)
            ledger_ids = _members_by_group(chunk.size, chunk.ledger_group, chunk.ledger_pos, st.ledger.ids)
            texts = chunk.reason_texts()
            props: dict[int, list[ProposedTransaction]] = {}
            for p in chunk.proposals:
                props.setdefault(p.group, []).append(self._proposal(p, chunk.rule.name))
            for k in range(chunk.size):
                sim = int(chunk.similarity[k])
                out.append(MatchGroup(
                    str(ids[k]), bank_ids[k], ledger_ids[k], chunk.rule.name,
                    Decimal(int(chunk.confidence[k])).scaleb(-4), to_decimal(chunk.amount_diff[k], dec),
                    int(chunk.day_diff[k]), None if sim == NO_SIMILARITY else Decimal(sim).scaleb(-2),
                    texts[k], status, tuple(props.get(k, ()))))
        return out

    def _proposal(self, p, rule: str) -> ProposedTransaction:
        st = self.state
        return ProposedTransaction(day_to_date(p.day), to_decimal(p.amount, st.decimals), st.currency_names[p.cur],
                                   p.gl_account, p.description, p.kind, str(st.bank.ids[p.bank_pos]), rule)

    def proposals(self) -> list[ProposedTransaction]:
        return [self._proposal(p, c.rule.name) for c in self.state.chunks if c.status == "matched"
                for p in c.proposals]

    # ---- what is left
    def matched_masks(self) -> tuple[np.ndarray, np.ndarray]:
        st = self.state
        b, g = self.manual_b.copy(), self.manual_l.copy()
        for c in st.chunks:
            if c.status == "matched":
                b[c.bank_pos] = True
                g[c.ledger_pos] = True
        return b, g

    def unmatched_bank(self) -> tuple[str, ...]:
        return tuple(self.state.bank.ids[~self.matched_masks()[0]])

    def unmatched_ledger(self) -> tuple[str, ...]:
        return tuple(self.state.ledger.ids[~self.matched_masks()[1]])

    # ---- figures
    def statistics(self) -> MatchStatistics:
        st = self.state
        names = [st.currency_names[i] for i in range(len(st.currency_names))]
        mb, ml = self.matched_masks()
        sb, sl = np.zeros(st.bank.n, dtype=bool), np.zeros(st.ledger.n, dtype=bool)
        for c in st.chunks:
            if c.status == "suggested":
                sb[c.bank_pos] = True
                sl[c.ledger_pos] = True
        bank_fig = side_figures(st.bank, mb, sb, names, st.decimals)
        ledger_fig = side_figures(st.ledger, ml, sl, names, st.decimals)
        by_rule = []
        if self.manual_b.any() or self.manual_l.any():
            by_rule.append(rule_statistics(MANUAL_RULE, 0, self.manual_b, int(self.manual_l.sum()), st.bank, names,
                                           st.decimals, bank_fig.value, 0, 0, None))
        for rule in self.rules.active:
            cs = [c for c in st.chunks if c.rule.name == rule.name]
            bmask = np.zeros(st.bank.n, dtype=bool)
            lrows, groups, proposed, suggested = 0, 0, 0, 0
            for c in cs:
                if c.status == "matched":
                    bmask[c.bank_pos] = True
                    lrows += len(c.ledger_pos)
                    groups += c.size
                    proposed += len(c.proposals)
                else:
                    suggested += c.size
            by_rule.append(rule_statistics(rule.name, groups, bmask, lrows, st.bank, names, st.decimals,
                                           bank_fig.value, proposed, suggested, st.figures.get(rule.name)))
        n_matched = sum(c.size for c in st.chunks if c.status == "matched")
        n_sugg = sum(c.size for c in st.chunks if c.status == "suggested")
        return MatchStatistics(bank_fig, ledger_fig, tuple(by_rule), n_matched, n_sugg)


def _members_by_group(n: int, grp: np.ndarray, pos: np.ndarray, ids: np.ndarray) -> list[tuple[str, ...]]:
    out: list[list[str]] = [[] for _ in range(n)]
    order = np.lexsort((pos, grp))
    for gi, p in zip(grp[order], pos[order]):
        out[gi].append(str(ids[p]))
    return [tuple(x) for x in out]


