"""What the reviewer's report says, whatever it is printed on: the header facts, the sign-offs from the audit
trail, the statements' balances with their sources and their findings with the acknowledgements, the matches
by rule and the footer line. The .pdf and .xlsx writers lay out the same rows, so the two
files never disagree; the figures, open items and new transactions come from `sheets` (the workbook's own
rows)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from . import summary_blocks
from .handlers.state import State

# Audit actions of the workflow -> what the reviewer reads on the sign-off line.
SIGNOFF_LABELS = {"start": "started", "submit": "prepared and submitted",
                  "review": "reviewed", "approve": "approved", "reject": "rejected", "revert": "reverted"}
RULE_HEADERS = ("rule", "kind", "matches", "bank lines", "GL lines", "value")


def header_facts(state: State) -> list[tuple[str, str]]:
    """(label, text) pairs of the report's head; the status is drawn in its workflow colour."""
    period = state.rec["period"]
    return [("Account", state.account["name"]),
            ("Bank account", state.account.get("bank_account") or "not set"),
            ("GL account", state.cash_account or "not set"),
            ("Currency", state.account["currency"]),
            ("Period", f"{period['name']} ({period['start']} to {period['end']})"),
            ("Status", state.status)]


def signoff_rows(state: State) -> list[tuple[str, str, str, str, str]]:
    """Every workflow step of the audit trail, oldest first: (when, who, step, status after, comment); the
    step is the workflow's action name (submit, review...), SIGNOFF_LABELS says it in words."""
    rows = []
    for a in state.audit:
        if not a["action"].startswith("workflow."):
            continue
        step = a["action"].removeprefix("workflow.")
        after = a.get("after") or {}
        at = str(a["at"])  # the server's UTC time, 2026-11-22T03:40:00.123456Z
        rows.append((at[:19].replace("T", " ") + (" UTC" if at.endswith("Z") else ""), a["actor"], step,
                     after.get("status", ""), after.get("comment") or ""))
    return rows


def rule_rows(state: State) -> list[tuple[str, str, int, int, int, Decimal]]:
    """Match groups by (rule, kind): count, bank lines, GL lines, and the value matched: the gross of the bank
    lines' amounts (the GL lines' for a group without bank lines), so that receipts and payments add up."""
    acc: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    for m in state.matches:
        row = acc[(m.rule, m.kind)]
        row[0] += 1
        row[1] += len(m.bank)
        row[2] += len(m.ledger)
        side, ids = ("bank", m.bank) if m.bank else ("ledger", m.ledger)
        row[3] += sum((abs(ln.amount) for ln in (state.line(side, i) for i in ids) if ln is not None), Decimal(0))
    return [(rule, kind, *vals) for (rule, kind), vals in sorted(acc.items())]


def statement_balance_rows(state: State) -> list[tuple]:
    """Each statement's balances and where they came from (the file, or entered by whom and when)."""
    return [r[:7] for r in summary_blocks.balance_rows(state)]


def finding_rows(state: State) -> list[tuple]:
    """Each statement finding with its acknowledgement (who, when, the comment; blank while open)."""
    return summary_blocks.finding_rows(state)


def footer_text(state: State, workbook_name: str, generated: dt.datetime) -> str:
    digest = state.rec.get("submitted_hash") or "not submitted"
    return (f"Generated {generated.isoformat(sep=' ', timespec='seconds')} from {workbook_name}; "
            f"reconciliation #{state.id}; data hash {digest}")


def unprintable_note(count: int, font: str, variable: str) -> str:
    """The footer's one note when the PDF's font lacked characters of the data (they print as '?')."""
    return (f"{count} character{'s' if count != 1 else ''} could not be printed in {font} and show as '?': "
            f"set {variable} to a TrueType font (.ttf) that has them.")
