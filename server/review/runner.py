"""Runs the five checks, ages the outstanding items and lists the escalations of one reconciliation."""
from __future__ import annotations

from . import settings
from .aging import aged_items
from .checks import CHECKS
from .escalation import escalations, unowned
from .facts import RecFacts
from .records import CheckResult, Review


def run_checks(facts: RecFacts, usual: settings.Usual | None = None) -> tuple[CheckResult, ...]:
    usual = usual or settings.usual()
    return tuple(c.check(facts, usual) for c in CHECKS)


def review(facts: RecFacts) -> Review:
    usual, dormancy = settings.usual(), settings.dormancy()
    where, years = dormancy.for_account(facts.account)
    outstanding = facts.outstanding
    aging = aged_items(outstanding, facts.period_end, stale_days=usual.stale_check_days, jurisdiction=where,
                       dormancy_years=years)
    return Review(facts.rec_id, run_checks(facts, usual), aging,
                  escalations(outstanding, facts.period_end, usual.escalate_after_days),
                  unowned(outstanding, facts.period_end))
