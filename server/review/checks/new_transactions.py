"""Check 4: every new transaction made in the reconciliation (fees, interest, write-offs, returns) was
created by someone with the preparer's authority on the account, posted, and posted to a GL account of the
chart of accounts the server holds for the account (the Rules sheet's, sent with the workbook's inputs).
Who created, who posted and the account are listed for each."""
from __future__ import annotations

from decimal import Decimal

from ...store.types import money_str
from ..facts import RecFacts, TxnFacts
from ..records import ATTENTION, FAIL, PASS, CheckLine, CheckResult

ID = "new_transactions"
TITLE = "New transactions authorised and posted to a GL account of the chart"


def _problems(t: TxnFacts, chart: frozenset[str] | None) -> list[str]:
    out = []
    if not t.created_by_preparer:
        out.append(f"created by {t.created_by}, who is not a preparer of the account")
    if t.posted_at is None:
        out.append("not posted")
    if not t.gl_account:
        out.append("no GL account")
    elif chart is not None and t.gl_account not in chart:
        out.append(f"GL account {t.gl_account} is not in the chart of accounts")
    return out


def check(facts: RecFacts, usual) -> CheckResult:
    txns = facts.transactions
    figures = (("transactions", str(len(txns))), ("posted", str(sum(1 for t in txns if t.posted_at))),
               ("total", money_str(sum((t.amount for t in txns), Decimal(0)))))
    if not txns:
        return CheckResult(ID, TITLE, PASS, "No new transaction was made in this reconciliation.", figures)
    lines, bad = [], 0
    for t in txns:
        problems = _problems(t, facts.chart)
        bad += bool(problems)
        who = (f"created by {t.created_by}, " + (f"posted by {t.posted_by or 'unknown'} as {t.posted_line_id}"
                                                 if t.posted_at else "not posted") + f", account {t.gl_account or '-'}")
        lines.append(CheckLine("transaction", str(t.id), t.date, t.amount, f"{t.description} ({who})",
                               "; ".join(problems) or "authorised and posted"))
    if bad:
        return CheckResult(ID, TITLE, FAIL, f"{bad} of {len(txns)} new transactions are not authorised, not posted "
                                            "or not on an account of the chart.", figures, tuple(lines))
    if facts.chart is None:
        return CheckResult(ID, TITLE, ATTENTION, f"{len(txns)} new transactions posted; the server holds no chart of "
                                                 "accounts for this account, so their GL accounts could not be "
                                                 "checked (press a button in the workbook to send the Rules "
                                                 "sheet's chart).", figures, tuple(lines))
    return CheckResult(ID, TITLE, PASS, f"All {len(txns)} new transactions were created by a preparer and posted to "
                                        "accounts of the chart.", figures, tuple(lines))
