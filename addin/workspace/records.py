"""The server's workspace answer as immutable records (Decimal money, real times), so the writer never
touches JSON."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ...server.workspace.aging import LABELS


def _money(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _time(v) -> dt.datetime | None:
    """An API time (ISO, Z for UTC) as a naive UTC datetime (Excel cells have no time zone)."""
    return dt.datetime.fromisoformat(v.removesuffix("Z")) if v else None


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    account: str
    legal_entity: str
    account_type: str
    kind: str
    currency: str
    reconciliation_id: int | None
    status: str
    preparer: str
    reviewer: str
    approver: str
    difference: Decimal | None
    lines: int
    matched_lines: int
    open_items: int
    open_amount: Decimal | None
    aging: tuple[int, ...]  # counts in aging.LABELS order
    escalations: int
    unowned: int
    findings_open: int
    proposed_matches: int
    last_updated_at: dt.datetime | None
    next_run_at: dt.datetime | None
    freshness: str


@dataclass(frozen=True)
class ExceptionRow:
    severity: str
    legal_entity: str
    account: str
    status: str
    issue: str
    action: str
    reconciliation_id: int | None
    item: str = ""  # an item's exception (a subledger document, a ledger record's side): what it is about
    age_days: int | None = None  # the item's age at the period end
    owner: str = ""  # who acts on it


@dataclass(frozen=True)
class Workspace:
    period: str
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    accounts: tuple[AccountRow, ...]
    exceptions: tuple[ExceptionRow, ...]


def _account(d: dict) -> AccountRow:
    return AccountRow(d["account_id"], d["account"], d["legal_entity"], d["account_type"], d["kind"], d["currency"],
                      d["reconciliation_id"], d["status"], d["preparer"], d["reviewer"], d["approver"],
                      _money(d["difference"]), d["lines"], d["matched_lines"], d["open_items"],
                      _money(d["open_amount"]), tuple(d["aging"].get(label, 0) for label in LABELS),
                      d["escalations"], d["unowned"], d["findings_open"], d["proposed_matches"],
                      _time(d["last_updated_at"]), _time(d["next_run_at"]), d["freshness"])


def _exception(d: dict) -> ExceptionRow:
    return ExceptionRow(d["severity"], d["legal_entity"], d["account"], d["status"], d["issue"], d["action"],
                        d["reconciliation_id"], d.get("item") or "", d.get("age_days"), d.get("owner") or "")


def workspace_from(data: dict) -> Workspace:
    p = data["period"]
    return Workspace(p["name"], dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]),
                     _time(data["generated_at"]), tuple(_account(a) for a in data["accounts"]),
                     tuple(_exception(e) for e in data["exceptions"]))


def load_workspace(client, period: str | None = None) -> Workspace:
    query = {"period": period} if period else {}
    return workspace_from(client.get("/api/workspace", **query))
