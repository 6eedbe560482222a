"""Plain-words pieces of the one-line reason every group carries, and its confidence arithmetic.

Confidence is kept in basis points (integers): the rule's confidence less fixed penalties for what was not
perfect (days apart, an amount difference, a fee, a weaker text similarity). It ranks and informs; it never
decides a match (the rule's keys and the ambiguity guard do).
"""
from __future__ import annotations

import numpy as np

from .rules import Rule

DAY_PENALTY_BP = 50  # per day apart
DAY_PENALTY_CAP_BP = 1000
AMOUNT_DIFF_PENALTY_BP = 300
FEE_PENALTY_BP = 200
SIMILARITY_PENALTY_BP = 10  # per point of similarity below 100
SIMILARITY_PENALTY_CAP_BP = 1000
GROUP_SIZE_PENALTY_BP = 100  # per line beyond two in a batch or split
FLOOR_BP = 500


def base_bp(rule: Rule) -> int:
    return int(rule.confidence * 10000)


def confidence_bp(rule: Rule, days: np.ndarray, amount_diff: np.ndarray, similarity: np.ndarray,
                  fee: np.ndarray | None = None, extra_lines: np.ndarray | None = None) -> np.ndarray:
    c = np.full(len(days), base_bp(rule), dtype=np.int64)
    c -= np.minimum(np.abs(days) * DAY_PENALTY_BP, DAY_PENALTY_CAP_BP)
    c -= np.where(amount_diff != 0, AMOUNT_DIFF_PENALTY_BP, 0)
    if fee is not None:
        c -= np.where(fee != 0, FEE_PENALTY_BP, 0)
    has_sim = similarity >= 0
    c -= np.where(has_sim, np.minimum((100 - similarity) * SIMILARITY_PENALTY_BP, SIMILARITY_PENALTY_CAP_BP), 0)
    if extra_lines is not None:
        c -= extra_lines * GROUP_SIZE_PENALTY_BP
    return np.maximum(c, min(FLOOR_BP, base_bp(rule)))


def money(minor: int, decimals: int) -> str:
    """Minor units as text with thousands separators: 123456 -> '1,234.56'."""
    minor = int(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10 ** decimals)
    return f"{sign}{whole:,}.{frac:0{decimals}d}" if decimals else f"{sign}{whole:,}"


def days_phrase(days: int, basis: str = "calendar") -> str:
    """Bank date relative to the ledger date."""
    days = int(days)
    if days == 0:
        return "same day"
    unit = "business day" if basis == "business" else "day"
    n = abs(days)
    return f"bank {n} {unit}{'s' if n != 1 else ''} {'after' if days > 0 else 'before'} ledger"


def lead(rule: Rule) -> str:
    return rule.description or rule.name.replace("_", " ")
