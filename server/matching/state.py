"""The working state of one matching run: which lines are open, which are held, and the groups found so far.

Groups are stored by columns (arrays per rule), not as objects, so a million matches cost a few arrays.
A line is *open* until a group takes it; a line *held* for review (ambiguous, suggested) stays unmatched
and no later rule may take it: precision comes first.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .frames import Side
from .rules import Rule

NO_SIMILARITY = -1


@dataclass
class Proposal:
    """A new transaction a group proposes (fee, interest, returned item), in minor units."""

    group: int  # index of the group inside its chunk
    day: int
    amount: int
    cur: int
    gl_account: str
    description: str
    kind: str
    bank_pos: int


@dataclass
class Chunk:
    """Groups one rule produced in one step: either matched or suggested."""

    rule: Rule
    status: str  # matched | suggested
    confidence: np.ndarray  # basis points (1/10,000)
    amount_diff: np.ndarray  # bank total - ledger total, minor units
    day_diff: np.ndarray  # signed days, bank - ledger (largest in size)
    similarity: np.ndarray  # 0..100, NO_SIMILARITY when no text was compared
    reasons: list[str] | Callable[[], list[str]]  # or a function that writes them when first asked
    bank_group: np.ndarray  # member rows: group index within the chunk, position in the side
    bank_pos: np.ndarray
    ledger_group: np.ndarray
    ledger_pos: np.ndarray
    question: np.ndarray | None = None  # suggestions: which open question (line) the candidate answers
    rank: np.ndarray | None = None  # suggestions: 1 = most plausible
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.confidence)

    def keep(self, groups: np.ndarray) -> Chunk:
        """The same chunk holding only the given groups (indices, ascending), renumbered from 0."""
        new = np.full(self.size, -1, dtype=np.int64)
        new[groups] = np.arange(len(groups))
        b, g = new[self.bank_group] >= 0, new[self.ledger_group] >= 0
        texts = self.reasons

        def reasons() -> list[str]:
            full = texts() if callable(texts) else texts
            return [full[k] for k in groups.tolist()]

        pick = (lambda a: None if a is None else a[groups])
        chunk = Chunk(self.rule, self.status, self.confidence[groups], self.amount_diff[groups],
                      self.day_diff[groups], self.similarity[groups], reasons, new[self.bank_group[b]],
                      self.bank_pos[b], new[self.ledger_group[g]], self.ledger_pos[g], pick(self.question),
                      pick(self.rank))
        chunk.proposals = [replace(p, group=int(new[p.group])) for p in self.proposals if new[p.group] >= 0]
        return chunk

    def reason_texts(self) -> list[str]:
        """The one-line reasons; written on first use (a million of them cost seconds nobody may need)."""
        if callable(self.reasons):
            self.reasons = self.reasons()
        return self.reasons


@dataclass
class RuleFigures:
    """What a rule saw besides its groups (for the statistics)."""

    crowded: int = 0  # lines with too many equally keyed candidates to expand: held as ambiguous
    bound_exceeded: int = 0  # lines whose group search passed its bound: left open, not searched
    budget_exhausted: int = 0  # lines whose search ran out of steps: left open
    held: int = 0  # lines held for review (ambiguous)


class MatchState:
    def __init__(self, bank: Side, ledger: Side, decimals: int, currencies: dict[str, int]):
        self.bank = bank
        self.ledger = ledger
        self.decimals = decimals
        self.currencies = currencies
        self.currency_names = {v: k for k, v in currencies.items()}
        self.b_open = np.ones(bank.n, dtype=bool)
        self.l_open = np.ones(ledger.n, dtype=bool)
        self.b_held = np.zeros(bank.n, dtype=bool)
        self.l_held = np.zeros(ledger.n, dtype=bool)
        self.chunks: list[Chunk] = []
        self.forbidden = np.zeros(0, dtype=np.int64)  # bank position * ledger count + ledger position
        self.figures: dict[str, RuleFigures] = {}
        self.questions = 0  # suggestion questions numbered across the run

    def figures_for(self, rule: Rule) -> RuleFigures:
        return self.figures.setdefault(rule.name, RuleFigures())

    def bank_available(self) -> np.ndarray:
        return np.flatnonzero(self.b_open & ~self.b_held)

    def ledger_available(self) -> np.ndarray:
        return np.flatnonzero(self.l_open & ~self.l_held)

    def add(self, chunk: Chunk) -> None:
        if chunk.size == 0:
            return
        if chunk.status == "matched":
            self.b_open[chunk.bank_pos] = False
            self.l_open[chunk.ledger_pos] = False
        self.chunks.append(chunk)

    def hold(self, bank_pos: np.ndarray, ledger_pos: np.ndarray) -> None:
        self.b_held[bank_pos] = True
        self.l_held[ledger_pos] = True

    def allowed(self, bank_pos: np.ndarray, ledger_pos: np.ndarray) -> np.ndarray:
        """False for the pairs the user said must never be matched together."""
        if not len(self.forbidden):
            return np.ones(len(bank_pos), dtype=bool)
        return ~np.isin(bank_pos.astype(np.int64) * self.ledger.n + ledger_pos, self.forbidden)

    def next_questions(self, n: int) -> np.ndarray:
        q = np.arange(self.questions + 1, self.questions + n + 1, dtype=np.int64)
        self.questions += n
        return q


def pair_chunk(rule: Rule, status: str, bpos: np.ndarray, lpos: np.ndarray, confidence: np.ndarray,
               amount_diff: np.ndarray, day_diff: np.ndarray, similarity: np.ndarray, reasons: list[str],
               question: np.ndarray | None = None, rank: np.ndarray | None = None) -> Chunk:
    """A chunk of 1:1 groups (one bank and one ledger line each)."""
    g = np.arange(len(bpos), dtype=np.int64)
    return Chunk(rule, status, confidence, amount_diff, day_diff, similarity, reasons, g, bpos, g, lpos,
                 question, rank)


def empty_positions() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)
