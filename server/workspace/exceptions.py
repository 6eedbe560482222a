"""The exceptions list: what needs someone's attention across every account, each row saying what to do.

The rules are a table (code, severity, when, what to do): `when` reads one workspace row and says the
issue in words, or None when the rule does not apply. One reconciliation may raise several rows."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    when: Callable[[dict], str | None]
    action: str
    owner: str = "preparer"  # whose move it is: the workspace row's preparer, reviewer or approver


def _n(row: dict, key: str) -> int:
    return int(row.get(key) or 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _difference(row: dict) -> str | None:
    diff = row.get("difference")
    if diff is None or Decimal(diff) == 0:
        return None
    return f"difference {diff} {row['currency']}"


def _no_figures(row: dict) -> str | None:
    if row["reconciliation_id"] is None or row.get("difference") is not None:
        return None
    return "no difference can be computed: the bank statement or the GL balance is missing"


def _nothing_matched(row: dict) -> str | None:
    if _n(row, "lines") and not _n(row, "matched_lines") and row["kind"] == "Bank":
        return f"nothing is matched ({_plural(_n(row, 'lines'), 'line')} open)"
    return None


RULES: tuple[Rule, ...] = (
    Rule("not_started", HIGH, lambda r: "not started for this period" if r["reconciliation_id"] is None
         or r["status"] == "Not Started" else None,
         "Import the bank statement and the GL for the period (Import group), then Auto-Match."),
    Rule("difference", HIGH, _difference,
         "Find the difference: match or explain the open items, post the bank-only items, then Refresh."),
    Rule("no_figures", HIGH, _no_figures, "Import the missing bank statement or GL template."),
    Rule("nothing_matched", HIGH, _nothing_matched,
         "Run Auto-Match, accept the matches you agree with, match the rest by hand."),
    Rule("escalate", HIGH, lambda r: (f"{_plural(_n(r, 'escalations'), 'item')} older than 30 days or carried "
                                      "from a prior period") if _n(r, "escalations") else None,
         "Decide for each: post a clearing entry (with its GL account and a note), or escalate with an action "
         "plan (owner, due date, notes on the Unmatched sheet)."),
    Rule("findings", MEDIUM, lambda r: (f"{_plural(_n(r, 'findings_open'), 'statement finding')} not "
                                        "acknowledged") if _n(r, "findings_open") else None,
         "Read each finding and acknowledge it with a comment saying why the reconciliation stands "
         "(Acknowledge Findings)."),
    Rule("proposed", MEDIUM, lambda r: (f"{_plural(_n(r, 'proposed_matches'), 'proposed auto-match')} not "
                                        "accepted") if _n(r, "proposed_matches") else None,
         "Review the proposed matches; undo those you disagree with, then Accept Matches."),
    Rule("unowned", MEDIUM, lambda r: (f"{_plural(_n(r, 'unowned'), 'open item')} without an owner or due "
                                       "date") if _n(r, "unowned") else None,
         "Give each open item an owner and a due date on the Unmatched sheet."),
    Rule("overdue", MEDIUM, lambda r: (f"{_plural(_n(r, 'overdue'), 'open item')} past its due date")
         if _n(r, "overdue") else None,
         "Follow up with the item's owner; clear it or set a new due date with a note."),
    Rule("awaiting_review", LOW, lambda r: "waiting for the reviewer" if r["status"] == "In Review" else None,
         "Reviewer: open the workbook, run the review checks, then Approve (review) or Reject.", "reviewer"),
    Rule("awaiting_approval", LOW, lambda r: "waiting for the approver" if r["status"] == "Pending Approval"
         else None, "Approver: check the review and the sign-offs, then Approve or Reject.", "approver"),
)


def of_account(row: dict, severity: str, code: str, issue: str, action: str, owner: str = "preparer") -> dict:
    """One exception of a workspace row's account. `item` and `age_days` are an item's (ledger_exceptions.py);
    an account's own exception has none; `owner` is who acts (the row's holder of that role)."""
    return {"legal_entity": row["legal_entity"], "account": row["account"], "account_id": row["account_id"],
            "reconciliation_id": row["reconciliation_id"], "status": row["status"], "severity": severity,
            "code": code, "issue": issue, "action": action, "item": "", "age_days": None,
            "owner": row.get(owner) or ""}


def exceptions(rows: list[dict], more: list[dict] = ()) -> list[dict]:
    """Every rule's hit on every row, and `more` (e.g. the review checks', review_exceptions.py), most severe
    first, then by entity and account."""
    out = list(more)
    for row in rows:
        for rule in RULES:
            issue = rule.when(row)
            if issue:
                out.append(of_account(row, rule.severity, rule.code, issue, rule.action, rule.owner))
    out.sort(key=lambda e: (SEVERITY_ORDER[e["severity"]], e["legal_entity"], e["account"]))
    return out
