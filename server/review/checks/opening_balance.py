"""Check 1: the statement's opening balance is the prior period's reconciled closing balance (a break means
lines were missed between the two statements, or last period's sign-off was on other figures)."""
from __future__ import annotations

from ...store.types import money_str
from ..facts import RecFacts
from ..records import ATTENTION, FAIL, PASS, CheckLine, CheckResult

ID = "opening_balance"
TITLE = "Opening balance equals the prior period's reconciled closing balance"


def check(facts: RecFacts, usual) -> CheckResult:
    opening = next((s for s in facts.statements if s.opening_balance is not None), None)
    if facts.account_kind == "Manual":
        return CheckResult(ID, TITLE, PASS, "A Manual account has no bank statement: nothing to carry.")
    if facts.prior is None:
        return CheckResult(ID, TITLE, ATTENTION,
                           "No prior period of this account is held: the opening balance "
                           f"{money_str(opening.opening_balance) if opening else '(not stated)'} cannot be compared. "
                           "Check it against last period's signed reconciliation.",
                           (("opening_balance", money_str(opening.opening_balance) if opening else ""),))
    prior_closing = facts.prior.reconciled_balance
    if prior_closing is None:
        return CheckResult(ID, TITLE, FAIL,
                           f"The prior period {facts.prior.period} is {facts.prior.status} and has no reconciled "
                           "closing balance to compare with.", (("prior_period", facts.prior.period),))
    if opening is None:
        return CheckResult(ID, TITLE, ATTENTION,
                           f"No statement of this period states an opening balance; the prior period "
                           f"{facts.prior.period} closed at {money_str(prior_closing)}. Enter the printed opening "
                           "balance (Summary, Statement balances).", (("prior_closing", money_str(prior_closing)),))
    diff = opening.opening_balance - prior_closing
    figures = (("opening_balance", money_str(opening.opening_balance)), ("prior_closing", money_str(prior_closing)),
               ("difference", money_str(diff)))
    if diff:
        line = CheckLine("statement", opening.ref, opening.period_start, opening.opening_balance,
                         f"opening balance of statement {opening.ref}",
                         f"differs by {money_str(diff)} from {facts.prior.period}'s reconciled closing balance")
        return CheckResult(ID, TITLE, FAIL,
                           f"Opening balance {money_str(opening.opening_balance)} is not the prior period "
                           f"{facts.prior.period}'s reconciled closing balance {money_str(prior_closing)} "
                           f"(difference {money_str(diff)}).", figures, (line,))
    return CheckResult(ID, TITLE, PASS, f"Opening balance {money_str(opening.opening_balance)} equals "
                                        f"{facts.prior.period}'s reconciled closing balance.", figures)
