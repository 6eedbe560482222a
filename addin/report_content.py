"""What the reviewer's report says, whatever it is printed on: the header facts, the sign-offs from the audit
trail, the statements' balances with their sources and their findings with the acknowledgements, the matches
by rule and the footer line. The .pdf and .xlsx writers lay out the same rows, so the two
files never disagree; the figures, open items and new transactions come from `sheets` (the workbook's own
rows)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..excel_templates.sheet_writer import STATUS_COLOURS
from ..server.currencies import decimals
from ..server.workspace import aging
from . import summary_blocks
from .handlers.state import State
from .report_sources import ReviewChecks

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


# --- what the reviewer signs: the standing, the sign-off block, the aged items, the match rate by rule --------

@dataclass(frozen=True)
class Standing:
    """The report's verdict line: the workflow status and what still stands against it. Its colour is the
    workflow's only when nothing does (green only for an Approved reconciliation that is reconciled)."""

    status: str
    reasons: tuple[str, ...]
    severe: bool  # a difference, nothing matched, a failing check: red

    @property
    def text(self) -> str:
        return self.status + (": " + "; ".join(self.reasons) if self.reasons else "")

    @property
    def colour(self) -> str:
        if self.severe:
            return SEVERE
        return WARNING if self.reasons else STATUS_COLOURS.get(self.status, "FFFFFF")


SEVERE, WARNING = "FFC7CE", "FFEB9C"


def open_lines(state: State) -> list:
    """Booked lines in no match (proposed matches count as matched, as on the server)."""
    return [ln for ln in (*state.bank, *state.ledger) if ln.match is None and not ln.pending]


def standing(state: State, checks: ReviewChecks | None = None) -> Standing:
    severe, warn = [], []
    diff = state.figure("difference")
    figs = state.rec["figures"]
    if diff is None:
        severe.append("no difference can be computed yet (bank statement or GL balance missing)")
    elif diff != 0:
        severe.append(f"difference {diff:,.{decimals(state.account['currency'])}f}")
    n_open = len(open_lines(state))
    if n_open and not figs["matched_bank_lines"] + figs["matched_gl_lines"]:
        severe.append(f"nothing is matched, {n_open} item{'s' if n_open != 1 else ''} open")
    if checks is not None and checks.available:
        failing = checks.with_status("fail")
        if failing:
            severe.append(f"{len(failing)} review check{'s' if len(failing) != 1 else ''} failing")
        attention = checks.with_status("attention")
        if attention:
            warn.append(f"{len(attention)} review check{'s need' if len(attention) != 1 else ' needs'} attention")
    escalate = len(escalations(state))
    if escalate:
        warn.append(f"{escalate} open item{'s' if escalate != 1 else ''} to escalate")
    if state.open_findings:
        warn.append(f"{len(state.open_findings)} statement finding{'s' if len(state.open_findings) != 1 else ''} "
                    "not acknowledged")
    return Standing(state.status, tuple(severe + warn), bool(severe))


def escalations(state: State) -> list:
    """Open items older than aging.escalate_after_days() at the period end, or carried from a prior period."""
    end = state.period_end
    return [ln for ln in open_lines(state) if ln.item_status != "resolved"
            and aging.escalate((end - ln.date).days, ln.carried)]


def aged_rows(state: State) -> list[tuple[str, int, Decimal, int, Decimal]]:
    """(bucket, bank items, bank amount, GL items, GL amount) at the period end, one row per aging bucket;
    amounts are the items' signed totals."""
    end = state.period_end
    acc = {label: [0, Decimal(0), 0, Decimal(0)] for label in aging.LABELS}
    for ln in open_lines(state):
        row = acc[aging.bucket((end - ln.date).days)]
        at = 0 if ln.side == "bank" else 2
        row[at] += 1
        row[at + 1] += ln.amount
    return [(label, *acc[label]) for label in aging.LABELS]


def rule_rates(state: State) -> list[tuple[str, Decimal]]:
    """(rule, share of all lines its matches hold), largest first, then the share still unmatched."""
    figs = state.rec["figures"]
    total = figs["bank_lines"] + figs["gl_lines"]
    if not total:
        return []
    lines: dict[str, int] = defaultdict(int)
    for m in state.matches:
        lines[m.rule] += len(m.bank) + len(m.ledger)
    rates = sorted(((rule, Decimal(n) / total) for rule, n in lines.items()), key=lambda r: (-r[1], r[0]))
    unmatched = Decimal(total - figs["matched_bank_lines"] - figs["matched_gl_lines"]) / total
    return rates + [("(unmatched)", unmatched)]


SIGNOFF_ROLES = (("submit", "Prepared by"), ("review", "Reviewed by"), ("approve", "Approved by"))
VOIDING = ("reject", "revert")  # a rejection or a reverted approval voids the sign-offs before it


def signoff_block(state: State) -> list[tuple[str, str, str, str]]:
    """(role, who, when, comment) for the preparer, the reviewer and the approver of the current round of
    sign-offs; '' where nobody has signed yet."""
    last: dict[str, tuple] = {}
    for when, who, step, _, comment in signoff_rows(state):
        if step in VOIDING:
            last.clear()
        elif step in dict(SIGNOFF_ROLES):
            last[step] = (who, when, comment)
    return [(label, *last.get(step, ("", "", ""))) for step, label in SIGNOFF_ROLES]
