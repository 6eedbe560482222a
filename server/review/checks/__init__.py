"""The five review checks, one module each. Each exposes ID, TITLE and `check(facts, usual) -> CheckResult`;
CHECKS lists them in the order the reviewer reads them (runner.py runs them; nothing else dispatches)."""
from __future__ import annotations

from . import balances, new_transactions, opening_balance, prior_items, unusual_matches

CHECKS = (opening_balance, prior_items, unusual_matches, new_transactions, balances)
CHECK_IDS = tuple(c.ID for c in CHECKS)
TITLES = {c.ID: c.TITLE for c in CHECKS}
