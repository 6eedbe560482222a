"""Check 5: the adjusted balances agree (difference zero), the statement closing balance is the bank's (stated
in its file, or entered by hand with a note saying where it comes from), and every import finding is
acknowledged. A reconciliation that fails here must never look reconciled."""
from __future__ import annotations

from decimal import Decimal

from ..facts import RecFacts
from ..records import FAIL, PASS, CheckLine, CheckResult

ID = "balances"
TITLE = "Adjusted balances agree, closing balance is the bank's, findings acknowledged"


def _money(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def check(facts: RecFacts, usual) -> CheckResult:
    fig = facts.figures
    diff = _money(fig.get("difference"))
    problems: list[str] = []
    lines: list[CheckLine] = []
    if diff is None:
        problems.append("the difference cannot be computed (a balance is missing)")
    elif diff:
        problems.append(f"the adjusted balances differ by {fig['difference']}")
    if facts.account_kind != "Manual":
        origin = (fig.get("statement_balance_origin") or {}).get("source")
        last = next((s for s in reversed(facts.statements) if s.closing_balance is not None), None)
        if origin == "lines" or last is None:
            problems.append("no statement closing balance is known (the balance shown is a sum of lines, not the "
                            "bank's)")
        elif last.closing_source == "entered" and not facts.balance_notes:
            problems.append(f"the closing balance of statement {last.ref} was entered by hand by "
                            f"{last.closing_entered_by or 'someone'} without a note saying where it comes from")
            lines.append(CheckLine("statement", last.ref, last.period_end, last.closing_balance,
                                   f"closing balance entered by {last.closing_entered_by}", "entered without a note"))
    open_findings = [f for f in facts.findings if f.acknowledged_by is None]
    if open_findings:
        problems.append(f"{len(open_findings)} import finding(s) are not acknowledged")
        lines += [CheckLine("finding", str(f.id), None, None, f"{f.code}: {f.message}", "not acknowledged")
                  for f in open_findings]
    figures = (("adjusted_bank", fig.get("adjusted_bank") or ""), ("adjusted_gl", fig.get("adjusted_gl") or ""),
               ("difference", fig.get("difference") or ""), ("findings_open", str(len(open_findings))))
    if problems:
        return CheckResult(ID, TITLE, FAIL, "; ".join(problems).capitalize() + ".", figures, tuple(lines))
    return CheckResult(ID, TITLE, PASS, "The adjusted balances agree, the closing balance is the bank's and every "
                                        "finding is acknowledged.", figures)
