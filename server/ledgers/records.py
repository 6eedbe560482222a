"""Immutable records of ledger-against-ledger reconciliation, and the checks that make them from requests."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from ..services.context import bad_input

SIDES = ("left", "right")
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MAX_FILTER_VALUES = 200


@dataclass(frozen=True)
class SideFilter:
    """Which company lines one side of a record retrieves: one company, and optionally only some periods
    (yyyy-mm), GL accounts and (counterparty) accounts. An empty tuple means "all"."""

    company: str
    periods: tuple[str, ...] = ()
    gl_accounts: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def side_filter(raw, side: str) -> SideFilter:
    """A SideFilter from a request's JSON; a 400 names the side and field of anything wrong."""
    if not isinstance(raw, dict):
        raise bad_input(f"{side}: give the side's filter as an object with company, periods, gl_accounts, accounts")
    unknown = sorted(set(raw) - {"company", "periods", "gl_accounts", "accounts"})
    if unknown:
        raise bad_input(f"{side}: unknown filter field(s) {', '.join(unknown)}")
    company = raw.get("company")
    if not isinstance(company, str) or not company.strip() or len(company) > 100:
        raise bad_input(f"{side}.company: the company's name (1 to 100 characters) is required")
    lists = {}
    for name in ("periods", "gl_accounts", "accounts"):
        values = raw.get(name) or []
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or len(values) > MAX_FILTER_VALUES or \
                not all(isinstance(v, str) and v.strip() and len(v) <= 100 for v in values):
            raise bad_input(f"{side}.{name}: a list of up to {MAX_FILTER_VALUES} non-empty texts")
        lists[name] = tuple(dict.fromkeys(v.strip() for v in values))
    bad = [p for p in lists["periods"] if not PERIOD.fullmatch(p)]
    if bad:
        raise bad_input(f"{side}.periods: {bad[0]!r} is not a period yyyy-mm")
    return SideFilter(company.strip(), lists["periods"], lists["gl_accounts"], lists["accounts"])


@dataclass(frozen=True)
class CompanyLineRecord:
    """One company ledger line as a side of a record shows it (`group` is its reconciled group's key, if any)."""

    pk: int
    company: str
    line_id: str
    date: dt.date
    period: str
    gl_account: str
    account: str
    amount: Decimal
    currency: str
    document_amount: Decimal | None
    document_currency: str
    reference: str
    description: str
    source: str
    counterparty: str
    group: str | None = None


@dataclass(frozen=True)
class GroupRecord:
    """A reconciled group of a record: its lines on each side and the net per currency on its basis."""

    key: str
    basis: str
    kind: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    made_by: str
    made_at: dt.datetime
    undone_at: dt.datetime | None = None


@dataclass(frozen=True)
class HistoryRecord:
    group_key: str
    action: str
    by: str
    at: dt.datetime
    reason: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    totals: tuple[tuple[str, Decimal, Decimal], ...]  # (currency, left total, right total)
