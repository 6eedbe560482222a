"""Each column's role, from its header (synonyms in many languages) where the values bear it out, else from
the values alone: the booking date, the money (one signed amount, debit and credit columns, or an amount
with a debit/credit flag), the running balance, the texts, the currency, the status."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .sniff import ColumnFacts
from .vocabulary import Vocabulary

DATE_ROLES = ("date", "value_date")
MONEY_ROLES = ("amount", "debit", "credit", "balance", "balance_before")
MULTI_ROLES = ("description", "counterparty", "currency", "ignore", "reference", "account", "type", "status")


@dataclass
class Roles:
    """Column index per single role, and the columns of the roles a table may have several of."""

    single: dict[str, int] = field(default_factory=dict)
    multi: dict[str, list[int]] = field(default_factory=dict)
    indicator_pair: tuple[frozenset[str], frozenset[str]] | None = None

    def taken(self) -> set[int]:
        return set(self.single.values()) | {i for cols in self.multi.values() for i in cols}

    def put(self, role: str, index: int) -> None:
        if role in MULTI_ROLES:
            self.multi.setdefault(role, []).append(index)
        else:
            self.single[role] = index


def indicator_pair(f: ColumnFacts, vocab: Vocabulary):
    """The debit/credit pair a column's values all belong to (a blank counts as the side not written)."""
    values = {v for v in f.values if v}
    if not values or f.filled < 1 or len(values) > 2:
        return None
    for debit, credit in vocab.indicator_pairs:
        if values <= debit | credit:
            return debit, credit
    return None


def fits(role: str, f: ColumnFacts, vocab: Vocabulary) -> bool:
    """Whether a column's values can be what its header says."""
    if role in DATE_ROLES:
        return f.date_share >= 0.6
    if role in MONEY_ROLES:
        return f.filled == 0 or (f.amount_share >= 0.7 and f.date_share < 0.5)
    if role == "currency":
        return f.filled > 0 and f.share(sum(f.codes.values())) >= 0.8
    if role == "indicator":
        return indicator_pair(f, vocab) is not None
    if role in ("description", "counterparty", "reference", "type", "status"):
        return f.date_share < 0.8 and (f.filled == 0 or f.amount_share < 0.9 or role == "reference")
    return True


def from_headers(names: Sequence[str], facts: Sequence[ColumnFacts], vocab: Vocabulary) -> Roles:
    roles = Roles()
    for i, name in enumerate(names):
        if not name or i >= len(facts):
            continue
        for role in vocab.roles_of(name):
            if role == "date" and "date" in roles.single and fits(role, facts[i], vocab) and _preferred(
                    name, names[roles.single["date"]], vocab):
                roles.single.setdefault("value_date", roles.single["date"])
                roles.single["date"] = i
                break
            if role == "indicator" and role not in roles.single and vocab.headers.get(name) == ("indicator",):
                roles.put(role, i)  # a named flag column: a value that is no flag is the reader's to report
                roles.indicator_pair = indicator_pair(facts[i], vocab) or vocab.indicator_pairs[0]
                break
            if role in roles.single or not fits(role, facts[i], vocab):
                continue
            roles.put(role, i)
            if role == "indicator":
                roles.indicator_pair = indicator_pair(facts[i], vocab)
            break
    return roles


def _preferred(name: str, current: str, vocab: Vocabulary) -> bool:
    rank = {n: k for k, n in enumerate(vocab.date_prefer)}
    return rank.get(name, len(rank)) < rank.get(current, len(rank))


def money_candidates(facts: Sequence[ColumnFacts], taken: set[int]) -> list[int]:
    """Columns whose values look like money rather than ids, counts or codes."""
    out = []
    for f in facts:
        if f.index in taken or f.filled == 0 or f.amount_share < 0.8 or f.date_share >= 0.5:
            continue
        if f.share(f.long_digits) >= 0.5:
            continue
        if f.share(f.with_decimals) >= 0.5 or f.negatives or f.explicit_plus:
            out.append(f.index)
    return out


def date_columns(facts: Sequence[ColumnFacts], taken: set[int]) -> list[int]:
    return [f.index for f in facts if f.index not in taken and f.date_share >= 0.8]


def text_columns(facts: Sequence[ColumnFacts], taken: set[int]) -> list[int]:
    """Untaken columns of words, longest texts first."""
    cols = [f for f in facts if f.index not in taken and f.filled and f.amount_share < 0.5 and f.date_share < 0.5
            and not f.codes and f.mean_length >= 3]
    return [f.index for f in sorted(cols, key=lambda f: -f.mean_length)]
