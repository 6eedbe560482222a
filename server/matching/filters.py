"""A rule's bank-side and ledger-side filters, applied to the lines still open.

Conditions of different fields all apply (AND); the values listed in one field are alternatives (OR).
"""
from __future__ import annotations

import numpy as np

from .frames import Side, to_minor
from ..user_patterns import compile_user_pattern as _regex
from .rules import Rule


def bank_filter(rule: Rule, side: Side, pos: np.ndarray, decimals: int, currencies: dict[str, int]) -> np.ndarray:
    """Positions (a subset of pos) of bank lines the rule applies to."""
    keep = np.ones(len(pos), dtype=bool)
    if rule.bank_types:
        wanted = [i for i, t in enumerate(side.type_names) if t in rule.bank_types]
        keep &= np.isin(side.col("type_code", pos), wanted)
    amount = side.amount[pos]
    if rule.direction == "in":
        keep &= amount > 0
    elif rule.direction == "out":
        keep &= amount < 0
    keep &= _currency_mask(rule, side, pos, currencies)
    if rule.amount_min is not None:
        keep &= np.abs(amount) >= to_minor(rule.amount_min, decimals, "ceil")
    if rule.amount_max is not None:
        keep &= np.abs(amount) <= to_minor(rule.amount_max, decimals, "floor")
    pos = pos[keep]
    if rule.bank_text and len(pos):
        words = [w.upper() for w in rule.bank_text]
        upper = side.derived("text_upper", pos)
        pos = pos[np.fromiter((any(w in t for w in words) for t in upper), dtype=bool, count=len(pos))]
    if rule.bank_regex and len(pos):
        rx = _regex(rule.bank_regex)
        texts = side.derived("text", pos)
        pos = pos[np.fromiter((rx.search(t) is not None for t in texts), dtype=bool, count=len(pos))]
    return pos


def has_text_filter(rule: Rule) -> bool:
    return bool(rule.ledger_counterparty or rule.ledger_regex)


def ledger_filter(rule: Rule, side: Side, pos: np.ndarray, currencies: dict[str, int], cheap: bool = True,
                  text: bool = True) -> np.ndarray:
    """Positions of ledger lines the rule applies to; `cheap`: currency and source, `text`: counterparty
    words and regex (costly on a million lines, so the matcher may apply them to candidates only)."""
    if cheap:
        pos = _ledger_cheap(rule, side, pos, currencies)
    if text:
        pos = _ledger_text(rule, side, pos)
    return pos


def _ledger_cheap(rule: Rule, side: Side, pos: np.ndarray, currencies: dict[str, int]) -> np.ndarray:
    keep = _currency_mask(rule, side, pos, currencies)
    if rule.ledger_sources:
        wanted = {s.casefold() for s in rule.ledger_sources}
        codes, sources = side.distinct("source")
        ok = np.fromiter((s.strip().casefold() in wanted for s in sources), dtype=bool, count=len(sources))
        keep &= ok[codes[pos]]
    return pos[keep]


def _ledger_text(rule: Rule, side: Side, pos: np.ndarray) -> np.ndarray:
    if rule.ledger_counterparty and len(pos):
        words = [w.casefold() for w in rule.ledger_counterparty]
        codes, names = side.distinct("counterparty")
        ok = np.fromiter((any(w in c.casefold() for w in words) for c in names), dtype=bool, count=len(names))
        pos = pos[ok[codes[pos]]]
    if rule.ledger_regex and len(pos):
        rx = _regex(rule.ledger_regex)
        texts = side.derived("text", pos)
        pos = pos[np.fromiter((rx.search(t) is not None for t in texts), dtype=bool, count=len(pos))]
    return pos


def _currency_mask(rule: Rule, side: Side, pos: np.ndarray, currencies: dict[str, int]) -> np.ndarray:
    if not rule.currencies:
        return np.ones(len(pos), dtype=bool)
    wanted = [currencies[c.upper()] for c in rule.currencies if c.upper() in currencies]
    return np.isin(side.cur[pos], wanted)
