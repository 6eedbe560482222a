"""The review checks of an account's reconciliation as rows of the workspace's exceptions list: which check,
what fails (the check's own words), and what to do.

How severe a row is follows what the check means for sign-off: a failing check without the reviewer's comment
blocks Approve (high), whatever the status, since the preparer can fix it before submitting; one the reviewer
commented on stands explained (low, the comment shown); a check that needs attention and is not ticked yet
waits for the reviewer's look (low), once the reconciliation is submitted (before, the reviewer has nothing to
tick). A passing check, or an attention ticked by the reviewer, raises nothing; nor does an Approved
reconciliation (its approval needed a comment on every failing check), which also spares the workspace the
checks' cost (a load of the reconciliation's facts) for every finished account. What to do is a table per check (ACTIONS), like the workspace's rules."""
from __future__ import annotations

from ..review import cache
from ..controls.workflow import APPROVED, IN_REVIEW, PENDING_APPROVAL
from ..review.records import ATTENTION, FAIL
from ..services.review_checks import ticks
from .exceptions import HIGH, LOW

ACTIONS = {
    "opening_balance": "Preparer: find why the opening balance is not the prior period's reconciled closing balance "
                       "(a statement missing or imported twice, the prior period reopened) and fix it; reviewer: "
                       "reject, or say in the check's comment (Review sheet) why it stands.",
    "prior_items": "Preparer: clear each item carried from the prior period, or keep it listed with an owner and a "
                   "note on the Unmatched sheet; reviewer: comment on the check if one may stay as it is.",
    "unusual_matches": "Reviewer: look at each unusual pair on the Review sheet; ask the preparer to unmatch a wrong "
                       "one, then tick the check with a comment.",
    "new_transactions": "Preparer: post every new transaction (Post New Transactions) to a GL account of the chart "
                        "of accounts on the Rules sheet; reviewer: comment on any that stands as it is.",
    "balances": "Preparer: make the adjusted balances agree, note why a closing balance was entered by hand, and "
                "acknowledge each import finding (Acknowledge Findings); reviewer: comment if it stands.",
}


def review_rows(session, rec) -> list[dict]:
    """The exceptions the review checks of `rec` raise: severity, code, issue, action (the caller adds the
    account's columns)."""
    if rec.status == APPROVED:
        return []
    held = ticks(session, rec.id)
    out = []
    for c in cache.review(session, rec).checks:
        tick = held.get(c.id)
        comment = tick.comment.strip() if tick else ""
        if c.status == FAIL and not comment:
            severity, issue = HIGH, f"review check fails: {c.title}: {c.detail} Approve is refused until it is " \
                                    "fixed or the reviewer comments on it."
        elif c.status == FAIL:
            severity, issue = LOW, f"review check fails, explained by the reviewer: {c.title}: {c.detail} " \
                                   f"Comment: {comment}"
        elif c.status == ATTENTION and rec.status in (IN_REVIEW, PENDING_APPROVAL) and not (tick and tick.ticked):
            severity, issue = LOW, f"review check needs attention: {c.title}: {c.detail}"
        else:
            continue
        out.append({"severity": severity, "code": f"review_{c.id}", "issue": issue, "action": ACTIONS[c.id]})
    return out
