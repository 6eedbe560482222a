"""What the review produces, as immutable records: the API, the Review sheet, `tieout review`, the report and
the workspace all read these (`as_dict` gives DESIGN.md's JSON shape)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal

from ..store.types import money_str

PASS, FAIL, ATTENTION = "pass", "fail", "attention"
STATUSES = (PASS, FAIL, ATTENTION)


@dataclass(frozen=True)
class CheckLine:
    """A line a check points the reviewer to, with why."""

    side: str  # bank | ledger | item | match | transaction | statement | finding
    ref: str  # line id, match key, transaction id...
    date: dt.date | None
    amount: Decimal | None
    text: str
    problem: str  # what the reviewer should look at on this line


@dataclass(frozen=True)
class CheckResult:
    id: str  # stable: opening_balance, prior_items, unusual_matches, new_transactions, balances
    title: str
    status: str  # pass | fail | attention
    detail: str  # one or two sentences with the figures
    figures: tuple[tuple[str, str], ...] = ()  # (name, exact text)
    lines: tuple[CheckLine, ...] = ()


@dataclass(frozen=True)
class Bucket:
    side: str
    kind: str
    bucket: str  # 0-30 | 31-60 | 61-90 | 90+
    count: int
    total: Decimal


@dataclass(frozen=True)
class AgedItem:
    side: str
    line_id: str
    kind: str
    date: dt.date
    amount: Decimal
    text: str
    age_days: int
    bucket: str
    owner: str = ""


@dataclass(frozen=True)
class UnclaimedProperty:
    """A stale outstanding check and when it becomes reportable as unclaimed property."""

    line_id: str
    check_number: str
    payee: str
    date: dt.date
    amount: Decimal
    age_days: int
    jurisdiction: str
    dormancy_years: int
    reportable_on: dt.date


@dataclass(frozen=True)
class Aging:
    as_of: dt.date
    buckets: tuple[Bucket, ...]
    items: tuple[AgedItem, ...]
    stale_checks: tuple[AgedItem, ...]  # outstanding checks over 90 days (the quarterly review's list)
    unclaimed: tuple[UnclaimedProperty, ...]


@dataclass(frozen=True)
class Escalation:
    """An open item that needs a decision: post a clearing entry (account and note) or escalate (action plan)."""

    side: str
    line_id: str
    date: dt.date
    amount: Decimal
    text: str
    age_days: int
    reasons: tuple[str, ...]  # older than 30 days, carried from a prior period
    owner: str
    due_date: dt.date | None
    status: str
    notes: str
    missing: tuple[str, ...]  # owner / due date / status the preparer has not given
    decision_required: str


@dataclass(frozen=True)
class Tick:
    check_id: str
    ticked: bool
    comment: str
    by: str | None
    at: str | None


@dataclass(frozen=True)
class Review:
    rec_id: int
    checks: tuple[CheckResult, ...]
    aging: Aging
    escalations: tuple[Escalation, ...]
    unowned: tuple[Escalation, ...] = field(default=())  # open items without owner, due date or status

    @property
    def failing(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status == FAIL)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


_SCALARS = frozenset((str, int, bool, type(None)))


def _plain(value):
    """JSON-ready data in one pass over the record: `dataclasses.asdict` deep-copies every value first, which
    cost most of GET .../review at 20,000 open items (one AgedItem and Escalation per item). The exact classes
    met most come first (a set and a dict lookup), the general tests after."""
    kind = value.__class__
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is Decimal:
        return money_str(value)
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    if kind is dt.date:  # every line's date: one test, not the general ones' five
        return value.isoformat()
    return _plain_other(value)


def _plain_other(value):
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _names(type(value))}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def as_dict(record) -> dict:
    """A record as JSON-ready data: Decimal as exact text, dates ISO, figures as an object."""
    out = _plain(record)
    if isinstance(record, CheckResult):
        out["figures"] = dict(out["figures"])
    return out
